import type { Customer, Staff } from '../../entities';
import { Handoff } from '../../entities/handoff';
import { Ticket } from '../../entities/ticket';
import { say } from '../../../config/say';
import { latestOpenTicket, openHandoff as openQuestionTicket } from '../cases';
import { chineseDateTime } from '../calendar';
import type { FlowContext, Recipient } from '../ports';
import { addTimeline } from '../records';
import { handoffCard, sendCard } from './cards';
import { onCallNow } from './oncall';
import { inWorkingHours, nextOpening, openHandoffOf, recentWords, staffWithRole, workingDeadline } from './records';

/**
 * Handing a customer to a person (R-HO-1). The record says who, why and what was said; the case
 * it belongs to (an open one, or a new 转人工 case) keeps the exchange on its timeline; the
 * specialists on duty get a card with 接入 / 转给… / 无需处理. Out of hours an urgent one pages the
 * person on call at once and the others wait for the morning — and the customer is told which.
 */

export type HandoffReason = 'asked' | 'not_understood' | 'upset' | 'stalled';

export interface HandoffRequest {
  reason: HandoffReason;
  /** The customer's words that triggered it (the case summary when a case must be opened). */
  text: string;
  /** Upset, or a serious case: pages the person on call out of hours. */
  urgent?: boolean;
  /** A case opened for the same message (a complaint): the hand-off belongs to it. */
  ticketId?: number;
}

const toWecom = (people: Staff[]): Recipient[] => people.map((p) => ({ platform: 'wecom', id: p.wecomUserId }));

/** Who gets the card in working hours: the complaint specialists, else the CS managers. */
export async function onDuty(ctx: FlowContext): Promise<Staff[]> {
  const people = await staffWithRole(ctx.db, 'cs_specialist');
  return people.length > 0 ? people : staffWithRole(ctx.db, 'cs_manager');
}

/** Opens (or finds) the customer's hand-off; returns what to tell the customer. */
export async function handOff(ctx: FlowContext, customer: Customer, request: HandoffRequest): Promise<string> {
  const now = ctx.clock.now();
  const existing = await openHandoffOf(ctx.db, customer.id);
  if (existing) {
    const ticket = await ctx.db.findOneByOrFail(Ticket, { id: existing.ticketId! });
    if (request.urgent && !existing.urgent) {
      await ctx.db.update(Handoff, { id: existing.id }, { urgent: true });
      if (existing.status === 'waiting' && !inWorkingHours(ctx, now) && !existing.pagedAt) return page(ctx, { ...existing, urgent: true }, customer, ticket);
    }
    return say('handoff.customer.already', { caseNo: ticket.number });
  }
  const ticket = request.ticketId
    ? await ctx.db.findOneByOrFail(Ticket, { id: request.ticketId })
    : (await latestOpenTicket(ctx.db, customer.id)) ?? (await openQuestionTicket(ctx, customer, request.text, 'human'));
  const lines = await recentWords(ctx.db, customer);
  const handoff = await ctx.db.save(
    ctx.db.create(Handoff, {
      customerId: customer.id,
      status: 'waiting',
      reason: request.reason,
      urgent: Boolean(request.urgent),
      transcript: lines,
      notified: '',
      staffId: null,
      tag: null,
      ticketId: ticket.id,
      createdAt: now,
      dueAt: workingDeadline(ctx, now, ctx.config.handoff.acceptMinutes),
      escalatedAt: null,
      pagedAt: null,
      takenAt: null,
      lastActivityAt: now,
      focusAt: null,
      closedAt: null,
      windowOpenedAt: customer.lastInboundAt ?? now,
      windowKind: 'message',
      sentInWindow: 0,
    }),
  );
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff', actor: 'system', data: { handoffId: handoff.id, reason: request.reason, urgent: handoff.urgent }, at: now });
  ctx.log.info({ handoffId: handoff.id, ticketId: ticket.id, reason: request.reason, urgent: handoff.urgent }, 'handed off to a person');
  const working = inWorkingHours(ctx, now);
  if (!working && handoff.urgent) return page(ctx, handoff, customer, ticket);
  const people = await onDuty(ctx);
  const card = handoffCard(handoff, customer, ticket, lines, 'new', `handoff-${handoff.id}-new`, ctx.config.handoff.acceptMinutes);
  if (people.length > 0) await ctx.db.update(Handoff, { id: handoff.id }, { notified: sendCard(ctx, handoff, card, toWecom(people)) });
  else ctx.log.error({ handoffId: handoff.id }, 'hand-off: no active complaint specialist or CS manager to tell');
  if (!working) {
    const opens = nextOpening(ctx, now);
    return say('handoff.customer.night', { caseNo: ticket.number, hours: ctx.config.workingHours.join('、'), opens: chineseDateTime(opens, ctx.config.timezone) });
  }
  return people.length === 1
    ? say('handoff.customer.working', { caseNo: ticket.number, name: people[0].name, minutes: ctx.config.handoff.acceptMinutes })
    : say('handoff.customer.workingAnyone', { caseNo: ticket.number, minutes: ctx.config.handoff.acceptMinutes });
}

/** Out of hours, urgent: the person on call gets the card now. */
export async function page(ctx: FlowContext, handoff: Handoff, customer: Customer, ticket: Ticket): Promise<string> {
  const now = ctx.clock.now();
  const people = await onCallNow(ctx.db, now);
  const lines = (handoff.transcript as never[] | null) ?? [];
  const card = handoffCard(handoff, customer, ticket, lines, 'paged', `handoff-${handoff.id}-paged-${now}`, ctx.config.handoff.acceptMinutes);
  const notified = people.length > 0 ? sendCard(ctx, handoff, card, toWecom(people)) : handoff.notified;
  for (const person of people) ctx.send({ type: 'text', to: { platform: 'wecom', id: person.wecomUserId }, text: say('handoff.staff.pagedIntro') });
  await ctx.db.update(Handoff, { id: handoff.id }, { pagedAt: now, notified });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff_paged', actor: 'system', data: { handoffId: handoff.id, to: people.map((p) => p.id) }, at: now });
  ctx.log.warn({ handoffId: handoff.id, paged: people.length }, 'urgent hand-off out of hours: on-call paged');
  return say('handoff.customer.urgentNight', { caseNo: ticket.number, name: people[0]?.name ?? '' });
}
