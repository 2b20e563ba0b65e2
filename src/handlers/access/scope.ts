import { In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Contract, Customer, Lead, Ticket } from '../../entities';
import { hasRole, type Staff } from '../../entities/staff';

/**
 * What a member of staff may see (R-WB-1, item 2): the same roles and store scoping as in chat,
 * applied by the server to every read and write of the console. Roles add up:
 * - customer service (cs_specialist, cs_manager) and the GM: everything;
 * - a store manager: the cases, leads and customers of their store;
 * - a consultant: their own leads, the customers of those leads and of their contracts, and
 *   those customers' cases;
 * - HR and finance: no cases, leads or customers, only their exports (housekeepers and
 *   movements for HR, penalty slips for finance).
 */
export interface Scope {
  all: boolean;
  storeId: number | null;
  consultantId: number | null;
  hr: boolean;
  finance: boolean;
}

export function scopeOf(staff: Staff): Scope {
  const everything = hasRole(staff, 'cs_specialist') || hasRole(staff, 'cs_manager') || hasRole(staff, 'gm');
  return {
    all: everything,
    storeId: hasRole(staff, 'store_manager') ? staff.storeId : null,
    consultantId: hasRole(staff, 'consultant') ? staff.id : null,
    hr: hasRole(staff, 'hr'),
    finance: hasRole(staff, 'finance'),
  };
}

/** May see cases, leads and customers at all (some of them). */
export const seesRecords = (scope: Scope) => scope.all || scope.storeId !== null || scope.consultantId !== null;
/** The audit page: who looked at whose personal data. */
export const seesAudit = (staff: Staff) => hasRole(staff, 'cs_manager') || hasRole(staff, 'gm');
/** Housekeeper archives and their movement register. */
export const seesHousekeepers = (scope: Scope) => scope.all || scope.hr || scope.storeId !== null;
/** The monthly reports and their forms. */
export const seesReports = (staff: Staff) => hasRole(staff, 'gm') || hasRole(staff, 'cs_manager') || hasRole(staff, 'store_manager');

/** The customers a consultant serves: of their leads and of their contracts (bounded by what they hold). */
export async function consultantCustomerIds(db: EntityManager, consultantId: number): Promise<number[]> {
  const [leads, contracts] = await Promise.all([
    db.find(Lead, { where: { consultantId }, select: { customerId: true } }),
    db.find(Contract, { where: { consultantId }, select: { customerId: true } }),
  ]);
  return [...new Set([...leads, ...contracts].map((row) => row.customerId))];
}

/**
 * The `where` (a list of alternatives, OR) that limits a query to what the scope sees;
 * undefined means no limit, an empty list means nothing at all.
 */
async function alternatives<T>(db: EntityManager, scope: Scope, byStore: (storeId: number) => FindOptionsWhere<T>, byConsultant: (consultantId: number, customerIds: number[]) => FindOptionsWhere<T>[]): Promise<FindOptionsWhere<T>[] | undefined> {
  if (scope.all) return undefined;
  const where: FindOptionsWhere<T>[] = [];
  if (scope.storeId !== null) where.push(byStore(scope.storeId));
  if (scope.consultantId !== null) where.push(...byConsultant(scope.consultantId, await consultantCustomerIds(db, scope.consultantId)));
  return where;
}

export const ticketScope = (db: EntityManager, scope: Scope) =>
  alternatives<Ticket>(db, scope, (storeId) => ({ storeId }), (_id, customers) => (customers.length ? [{ customerId: In(customers) }] : []));

export const leadScope = (db: EntityManager, scope: Scope) => alternatives<Lead>(db, scope, (storeId) => ({ storeId }), (consultantId) => [{ consultantId }]);

export const customerScope = (db: EntityManager, scope: Scope) =>
  alternatives<Customer>(db, scope, (storeId) => ({ storeId }), (_id, customers) => (customers.length ? [{ id: In(customers) }] : []));

/** Combines a filter with the scope's alternatives: (filter AND alt1) OR (filter AND alt2)… */
export function within<T>(filter: FindOptionsWhere<T>, scoped: FindOptionsWhere<T>[] | undefined): FindOptionsWhere<T>[] | FindOptionsWhere<T> {
  return scoped === undefined ? filter : scoped.map((alternative) => ({ ...filter, ...alternative }));
}

/** One record against the scope (for a page opened by number or id). */
export async function seesTicket(db: EntityManager, scope: Scope, ticket: Pick<Ticket, 'storeId' | 'customerId'>): Promise<boolean> {
  if (scope.all) return true;
  if (scope.storeId !== null && ticket.storeId === scope.storeId) return true;
  return scope.consultantId !== null && (await consultantCustomerIds(db, scope.consultantId)).includes(ticket.customerId);
}

export async function seesCustomer(db: EntityManager, scope: Scope, customer: Pick<Customer, 'id' | 'storeId'>): Promise<boolean> {
  if (scope.all) return true;
  if (scope.storeId !== null && customer.storeId === scope.storeId) return true;
  return scope.consultantId !== null && (await consultantCustomerIds(db, scope.consultantId)).includes(customer.id);
}

export function seesLead(scope: Scope, lead: Pick<Lead, 'storeId' | 'consultantId'>): boolean {
  return scope.all || (scope.storeId !== null && lead.storeId === scope.storeId) || (scope.consultantId !== null && lead.consultantId === scope.consultantId);
}
