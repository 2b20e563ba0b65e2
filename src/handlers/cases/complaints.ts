import { Ticket, type Customer } from '../../entities';
import { CLOSED_TICKET_STATUSES, type Severity } from '../../entities/ticket';
import { complaintDeadlines, complaintPromise } from './commitments';
import type { HandlerContext } from '../ports';
import { escalateToSerious, startComplaintWorkflow } from './complaint-workflow';
import { addTimeline } from '../records';
import { createTicket } from './tickets';
import { say, sayName } from '../../../config/say';
import { findRowsWhere } from '../../entities/rows';

/**
 * Complaints (投诉, R-CP-1): opened from the first message that shows one, with the severity the
 * bot proposes from the text (staff can change it). The complaint workflow itself (approvals,
 * SLA timers) builds on the ticket this creates.
 */

export interface ComplaintFacts {
  severity: Severity;
  category?: string;
  summary: string;
  channel: string;
  loggedBy?: string;
}

export async function openComplaint(ctx: HandlerContext, customer: Customer, facts: ComplaintFacts, actor: string): Promise<Ticket> {
  const now = ctx.clock.now();
  const ticket = await createTicket(
    ctx.db,
    customer,
    {
      kind: 'complaint',
      severity: facts.severity,
      category: facts.category ?? 'other',
      summary: facts.summary,
      channel: facts.channel,
      status: 'accepted',
      deadlines: complaintDeadlines(ctx.config.commitments, now, facts.severity),
      loggedBy: facts.loggedBy,
    },
    now,
    ctx.config.timezone,
    actor,
  );
  ctx.log.info({ ticketId: ticket.id, severity: ticket.severity, category: ticket.category }, 'complaint opened');
  await startComplaintWorkflow(ctx, ticket);
  return ticket;
}

export function complaintAccepted(ctx: HandlerContext, ticket: Ticket): string {
  const serious = ticket.severity === 'serious';
  const promise = complaintPromise(ctx.config.commitments, serious ? 'serious' : 'ordinary');
  return say(serious ? 'cases.complaint.accepted.serious' : 'cases.complaint.accepted.ordinary', { caseNo: ticket.number, promise });
}

/** Raises an ordinary complaint to a serious incident (customer's answer or staff's judgement). */
export async function upgradeToSerious(ctx: HandlerContext, ticket: Ticket, actor: string, reason: string): Promise<void> {
  if (ticket.severity === 'serious') return;
  const now = ctx.clock.now();
  const deadlines = complaintDeadlines(ctx.config.commitments, ticket.createdAt, 'serious');
  const changes = { severity: 'serious' as const, replyDueAt: Math.min(ticket.replyDueAt ?? Infinity, Math.max(now, deadlines.replyDueAt ?? now)), updatedAt: now };
  Object.assign(ticket, changes);
  await ctx.db.update(Ticket, { id: ticket.id }, changes);
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'severity', actor, note: reason, data: { from: 'ordinary', to: 'serious' }, at: now });
  ctx.log.info({ ticketId: ticket.id }, 'complaint upgraded to serious');
  await escalateToSerious(ctx, ticket);
}

/**
 * The customer's complaint opened within COMPLAINT_MERGE_MINUTES and still open: a new complaint
 * joins it instead of opening another case (and paging the managers again).
 */
export async function recentOpenComplaint(ctx: HandlerContext, customer: Customer): Promise<Ticket | null> {
  const minutes = ctx.config.limits.complaintMergeMinutes;
  if (minutes <= 0) return null;
  const since = ctx.clock.now() - minutes * 60_000;
  const recent = await findRowsWhere(ctx.db, Ticket, (q) => `${q('customerId')} = ? AND ${q('kind')} = 'complaint' AND ${q('createdAt')} >= ?`, [customer.id, since], 'ORDER BY id DESC LIMIT 10');
  return recent.find((ticket) => !CLOSED_TICKET_STATUSES.includes(ticket.status)) ?? null;
}

/**
 * A further complaint joins the open case as the customer's progress; a serious one makes an
 * ordinary case serious, which pages the CS manager and the GM once (upgradeToSerious does
 * nothing for a case that is serious already). Returns the reply for the customer.
 */
export async function joinComplaint(ctx: HandlerContext, ticket: Ticket, text: string, severity: Severity): Promise<string> {
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_message', actor: 'customer', note: text, at: ctx.clock.now() });
  ctx.log.info({ ticketId: ticket.id, severity }, 'complaint joined the open case of the same customer');
  if (severity === 'serious' && ticket.severity !== 'serious') {
    await upgradeToSerious(ctx, ticket, 'customer', say('cases.complaint.reason.customerAgain'));
    return say('cases.complaint.joinedSerious', { caseNo: ticket.number, promise: complaintPromise(ctx.config.commitments, 'serious') });
  }
  return say('cases.complaint.joined', { caseNo: ticket.number, promise: complaintPromise(ctx.config.commitments, ticket.severity ?? 'ordinary') });
}
