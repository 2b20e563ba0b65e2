import { In, LessThanOrEqual, Not, type EntityManager } from 'typeorm';
import { Contract } from '../../entities/contract';
import { Staff } from '../../entities/staff';
import { Approval } from '../../entities/approval';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import { TicketEvent } from '../../entities/ticket-event';
import type { Role } from '../../entities/staff';
import { cardKindName, holdersOf, roleName, stepName, type CardKind } from '../approvals';
import { chineseDateTime, HOUR_MS } from '../calendar';
import { clause, tellCustomerProgress } from './complaint-workflow';
import type { FlowContext } from '../ports';
import { addTimeline } from '../records';
import { ticketStatusText } from './status';
import { say } from '../../../config/say';

/**
 * Service commitments on open cases (R-SL-1, R-SL-2). Customer commitments (reply in 24 h,
 * progress every 24 h, on site in 12/48 h) count wall-clock time; internal steps count working
 * time on the business calendar (their dueAt was computed that way). A breach escalates once to
 * the next role up and is written to the timeline. Every step looks before it writes.
 */

const NEXT_ROLE_UP: Record<string, Role> = { cs_specialist: 'cs_manager', store_manager: 'cs_manager', consultant: 'store_manager', cs_manager: 'gm', gm: 'gm' };
const BATCH = 500;

type Reader = Pick<FlowContext, 'clock'> & { db: EntityManager };

export async function feedbackDue(ctx: Reader): Promise<Ticket[]> {
  return ctx.db.find(Ticket, { where: { kind: 'complaint', status: Not(In(CLOSED_TICKET_STATUSES)), feedbackDueAt: LessThanOrEqual(ctx.clock.now()) }, order: { id: 'ASC' }, take: BATCH });
}

/** The 24-hour progress message: the latest progress, or an honest "still being handled". */
export async function sendProgressFeedback(ctx: FlowContext, ticketId: number, due: number): Promise<void> {
  const ticket = await ctx.db.findOneBy(Ticket, { id: ticketId });
  if (!ticket || CLOSED_TICKET_STATUSES.includes(ticket.status) || ticket.feedbackDueAt !== due) return;
  const latest = await ctx.db.findOne(TicketEvent, { where: { ticketId, type: 'progress' }, order: { at: 'DESC', id: 'DESC' } });
  // a police case may run at the slower rhythm the CS manager set; the words are the last said to the customer (进展), never a 备注
  const hours = ticket.feedbackEveryHours ?? ctx.config.commitments.complaintFeedbackHours;
  const progress = clause(latest?.note ?? ticketStatusText(ticket));
  const next = chineseDateTime(ctx.clock.now() + hours * HOUR_MS, ctx.config.timezone);
  await tellCustomerProgress(ctx, ticket, say('cases.complaint.feedback', { caseNo: ticket.number, progress, next }));
}

export async function replyOverdue(ctx: Reader): Promise<Ticket[]> {
  return ctx.db.find(Ticket, { where: { status: In(['accepted', 'open']), replyDueAt: LessThanOrEqual(ctx.clock.now()) }, order: { id: 'ASC' }, take: BATCH });
}

export async function onSiteOverdue(ctx: Reader): Promise<Ticket[]> {
  return ctx.db.find(Ticket, { where: { kind: 'service_request', status: In(['confirmed', 'dispatched']), onSiteDueAt: LessThanOrEqual(ctx.clock.now()) }, order: { id: 'ASC' }, take: BATCH });
}

async function breachRecorded(ctx: FlowContext, ticketId: number, commitment: string): Promise<boolean> {
  const events = await ctx.db.find(TicketEvent, { where: { ticketId, type: 'sla_breach' } });
  return events.some((e) => e.data?.includes(`"commitment":"${commitment}"`));
}

/** A customer commitment missed on a ticket: told to the next role up, once. */
export async function escalateTicketBreach(ctx: FlowContext, ticketId: number, commitment: 'reply' | 'on_site'): Promise<void> {
  const ticket = await ctx.db.findOneBy(Ticket, { id: ticketId });
  if (!ticket || CLOSED_TICKET_STATUSES.includes(ticket.status) || (await breachRecorded(ctx, ticketId, commitment))) return;
  const role: Role = ticket.severity === 'serious' ? 'gm' : 'cs_manager';
  const c = ctx.config.commitments;
  const promise = commitment === 'reply' ? say('cases.sla.replyPromise', { hours: c.replyHours }) : say('cases.sla.onSitePromise', { inHours: c.onSiteInWarrantyHours, outHours: c.onSiteOutOfWarrantyHours });
  for (const staff of await holdersOf(ctx.db, role)) {
    ctx.send({ type: 'text', to: { platform: 'wecom', id: staff.wecomUserId }, text: say('cases.sla.breach', { caseNo: ticket.number, promise }) });
  }
  await addTimeline(ctx.db, { ticketId, type: 'sla_breach', actor: 'system', data: { commitment, escalatedTo: role }, at: ctx.clock.now() });
  ctx.log.warn({ ticketId, commitment, escalatedTo: role }, 'service commitment breached: escalated');
}

export async function overdueSteps(ctx: Reader): Promise<Approval[]> {
  return ctx.db.find(Approval, { where: { status: 'pending', escalated: false, dueAt: LessThanOrEqual(ctx.clock.now()) }, order: { id: 'ASC' }, take: BATCH });
}

/** An approval step left too long (working time): the next role up is told, once. */
export async function escalateStep(ctx: FlowContext, approvalId: number): Promise<void> {
  const approval = await ctx.db.findOneBy(Approval, { id: approvalId });
  if (!approval || approval.status !== 'pending' || approval.escalated) return;
  const up = NEXT_ROLE_UP[approval.role] ?? 'cs_manager';
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  const text = await overdueReminder(ctx, approval, ticket);
  for (const staff of await holdersOf(ctx.db, up)) {
    ctx.send({ type: 'text', to: { platform: 'wecom', id: staff.wecomUserId }, text });
  }
  await ctx.db.update(Approval, { id: approval.id }, { escalated: true });
  if (ticket) await addTimeline(ctx.db, { ticketId: ticket.id, type: 'sla_breach', actor: 'system', data: { commitment: 'step', step: approval.step, escalatedTo: up }, at: ctx.clock.now() });
}

/**
 * The overdue reminder names the matter, the step as its card says it (never the step's id), and
 * who holds it: 「超时提醒：投诉 TS…「请门店调查并回复调查报告」已超时（负责：门店经理 王店长），请督促处理。」
 */
async function overdueReminder(ctx: FlowContext, approval: Approval, ticket: Ticket | null): Promise<string> {
  const kind: CardKind = approval.penaltyId
    ? 'penalty'
    : approval.visitId
      ? approval.step === 'handover' ? 'handover' : 'visit'
      : approval.contractId && !ticket
        ? 'renewal'
        : ticket?.kind === 'service_request' ? 'service_request' : 'complaint';
  const contract = !ticket && approval.contractId ? await ctx.db.findOneBy(Contract, { id: approval.contractId }) : null;
  const reference = ticket?.number ?? (approval.penaltyId ? say('common.penaltySlip', { id: approval.penaltyId }) : contract?.number ?? '');
  const step = stepName(approval, cardKindName(kind));
  const ids = approval.recipients.split(',').filter(Boolean);
  const holders = ids.length ? await ctx.db.find(Staff, { where: { wecomUserId: In(ids) }, order: { id: 'ASC' } }) : [];
  const params = { kind: cardKindName(kind), reference, step, role: roleName(approval.role) };
  return holders.length ? say('cases.sla.overdue', { ...params, names: holders.map((s) => s.name).join('、') }) : say('cases.sla.overdueNobody', params);
}
