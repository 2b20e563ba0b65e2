import type { EntityManager } from 'typeorm';
import { Customer } from '../../entities';
import type { Platform } from '../ports';
import type { FlowContext } from '../ports';
import { CLOSED_TICKET_STATUSES, Ticket, type Severity, type TicketKind } from '../../entities/ticket';
import type { Deadlines } from './commitments';
import { addTimeline, nextNumber } from '../records';
import { contractForCase } from '../customers';
import { customerReachable, openCallTask } from '../contracts';
import { findRowsWhere, insertRow } from '../../entities/rows';

/** Tickets: complaints, service requests and hand-offs share numbering, deadlines and timeline. */

export interface TicketFacts {
  kind: TicketKind;
  severity?: Severity;
  category?: string;
  summary: string;
  channel: string;
  status: string;
  deadlines: Deadlines;
  loggedBy?: string;
}

export async function createTicket(db: EntityManager, customer: Customer, facts: TicketFacts, now: number, timeZone: string, actor: string): Promise<Ticket> {
  // a case knows its store and housekeeper from the customer's contract (R-ID-2): store steps reach that store only
  const contract = await contractForCase(db, customer.id, facts.summary);
  const ticket = db.create(Ticket, {
    number: await nextNumber(db, 'TS', now, timeZone),
    kind: facts.kind,
    severity: facts.kind === 'complaint' ? facts.severity ?? 'ordinary' : null,
    category: facts.category ?? null,
    status: facts.status,
    customerId: customer.id,
    channel: facts.channel,
    summary: facts.summary,
    storeId: contract?.storeId ?? customer.storeId,
    housekeeperId: contract?.housekeeperId ?? null,
    ownerId: null,
    loggedBy: facts.loggedBy ?? null,
    createdAt: now,
    updatedAt: now,
    ...facts.deadlines,
    closedAt: null,
  });
  // rows.ts: one INSERT, not read back
  const saved = await insertRow(db, Ticket, ticket);
  await addTimeline(db, {
    ticketId: saved.id,
    type: 'created',
    actor,
    note: facts.summary,
    data: { kind: saved.kind, severity: saved.severity, category: saved.category, channel: facts.channel },
    at: now,
  });
  return saved;
}

export async function openTicketsOf(db: EntityManager, customerId: number): Promise<Ticket[]> {
  return findRowsWhere(db, Ticket, (q) => `${q('customerId')} = ? AND ${q('status')} NOT IN (${CLOSED_TICKET_STATUSES.map(() => '?').join(', ')})`, [customerId, ...CLOSED_TICKET_STATUSES], 'ORDER BY id DESC');
}

/** The open case a customer's photo or follow-up most likely belongs to: the newest one. */
export async function latestOpenTicket(db: EntityManager, customerId: number): Promise<Ticket | null> {
  const [latest] = await openTicketsOf(db, customerId);
  return latest ?? null;
}

/**
 * Tells the ticket's customer something on the channel they use, and writes it to the timeline.
 * A customer with no reachable WeChat gets a call task instead (R-ID-3), and false comes back:
 * they were not told yet, so nothing may count as told.
 */
export async function notifyCustomer(ctx: FlowContext, ticket: Ticket, text: string): Promise<boolean> {
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  if (customer && customer.platform && customer.externalId && customerReachable(ctx, customer)) {
    ctx.send({ type: 'text', to: { platform: customer.platform as Platform, id: customer.externalId }, text });
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_notified', actor: 'system', note: text, at: ctx.clock.now() });
    return true;
  }
  if (customer) await openCallTask(ctx, { purpose: 'feedback', customer, ticket, cause: `feedback:${ticket.id}:${ctx.clock.now()}`, message: text });
  return false;
}
