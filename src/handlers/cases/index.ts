/**
 * Cases (工单): complaints and their workflow, service requests and theirs, hand-offs to a person,
 * penalties, the service commitments (deadlines and promises), the SLA timers, what staff write
 * about a case (进展, 改为严重/普通, 处罚) and the approval steps the cases own.
 */
export { logProgress, noteCommand, rhythmCommand, severityCommand } from './commands';
export { LOOKUP_COMMAND, lookupCommand } from './lookup';
export { housekeeperRecord, stepContent } from './cards';
export { complaintPromise, leadPromise } from './commitments';
export { complaintAccepted, joinComplaint, openComplaint, recentOpenComplaint, upgradeToSerious } from './complaints';
export { linkCaseCommand, linkCaseTo, type CaseLinkRefusal } from './links';
export { penaltyPhoto, raisePenalty } from './penalties';
export { visitedWithFollowUp } from './phone-scores';
export { addInternalNote, caseRecord, type CaseLookup, type CaseRecord, type CaseStep } from './record';
export { openHandoff, openServiceRequest, serviceRequestAccepted } from './service-requests';
export { escalateStep, escalateTicketBreach, feedbackDue, onSiteOverdue, overdueSteps, replyOverdue, sendProgressFeedback } from './sla';
export { describeTicket } from './status';
export { complaintSteps, penaltySteps, serviceRequestSteps } from './steps';
export { latestOpenTicket, openTicketsOf } from './tickets';
