import { Ticket, type Customer } from '../entities';
import type { Severity } from '../entities/ticket';
import { complaintDeadlines, complaintPromise } from './commitments';
import type { HandlerContext } from './ports';
import { escalateToSerious, startComplaintWorkflow } from './complaint-workflow';
import { addTimeline } from './records';
import { createTicket } from './tickets';

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
  const opening = ticket.severity === 'serious' ? '非常抱歉发生这样的事情，请您先确保家人和财物安全。' : '非常抱歉给您带来不好的体验！';
  return `${opening}您的投诉已受理，编号 ${ticket.number}。${complaintPromise(ctx.config.commitments, ticket.severity ?? 'ordinary')}`;
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
