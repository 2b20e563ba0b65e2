/**
 * Access: who may see which cases, leads, customers and archives (scope.ts, the same roles and
 * store scoping as in chat), and the audit entry each view of personal data leaves (views.ts).
 * It uses only the entities, so every other room may ask it.
 */
export { consultantCustomerIds, customerScope, leadScope, scopeOf, seesAudit, seesCustomer, seesHousekeepers, seesLead, seesRecords, seesReports, seesTicket, ticketScope, within, type Scope } from './scope';
export { recordView, type Viewed } from './views';
