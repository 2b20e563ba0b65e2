import { In, IsNull, LessThan, LessThanOrEqual, Not } from 'typeorm';
import { Conversation, Customer, Staff } from '../../entities';
import { Handoff } from '../../entities/handoff';
import { Ticket } from '../../entities/ticket';
import { say } from '../../../config/say';
import type { FlowContext } from '../ports';
import { addTimeline } from '../records';
import { handoffCard, sendCard } from './cards';
import { endConversation } from './live';
import { handOff } from './open';
import { labelOf, staffWithRole, type TranscriptLine } from './records';

/**
 * The hand-off clocks, run every minute by the job in src/jobs/handoffs.ts. Each step looks
 * before it writes, so running it twice changes nothing the second time.
 */

type ReadContext = Omit<FlowContext, 'send'>;

/** Not taken within HANDOFF_ACCEPT_MINUTES of working time. */
export function notTakenInTime(ctx: ReadContext): Promise<Handoff[]> {
  return ctx.db.find(Handoff, { where: { status: 'waiting', escalatedAt: IsNull(), dueAt: LessThanOrEqual(ctx.clock.now()) }, order: { id: 'ASC' }, take: 200 });
}

/** The CS manager gets the card (marked 超时未接入) and a line saying why. */
export async function escalateNotTaken(ctx: FlowContext, handoffId: number): Promise<void> {
  const handoff = await ctx.db.findOneBy(Handoff, { id: handoffId });
  if (!handoff || handoff.status !== 'waiting' || handoff.escalatedAt) return;
  const now = ctx.clock.now();
  const managers = await staffWithRole(ctx.db, 'cs_manager');
  const customer = await ctx.db.findOneByOrFail(Customer, { id: handoff.customerId });
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: handoff.ticketId! });
  const card = handoffCard(handoff, customer, ticket, (handoff.transcript as TranscriptLine[] | null) ?? [], 'escalated', `handoff-${handoff.id}-esc-${now}`, ctx.config.handoff.acceptMinutes);
  const notified = managers.length > 0 ? sendCard(ctx, handoff, card, managers.map((m) => ({ platform: 'wecom', id: m.wecomUserId }))) : handoff.notified;
  for (const manager of managers) ctx.send({ type: 'text', to: { platform: 'wecom', id: manager.wecomUserId }, text: say('handoff.staff.escalated', { minutes: ctx.config.handoff.acceptMinutes }) });
  await ctx.db.update(Handoff, { id: handoff.id }, { escalatedAt: now, notified });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff_escalated', actor: 'system', data: { handoffId: handoff.id, to: managers.map((m) => m.id) }, at: now });
  ctx.log.warn({ handoffId: handoff.id, managers: managers.length }, 'hand-off not taken in time: CS manager told');
}

/** Live conversations where nobody said anything for HANDOFF_IDLE_MINUTES. */
export function idleConversations(ctx: ReadContext): Promise<Handoff[]> {
  return ctx.db.find(Handoff, { where: { status: 'live', lastActivityAt: LessThan(ctx.clock.now() - ctx.config.handoff.idleMinutes * 60_000) }, order: { id: 'ASC' }, take: 200 });
}

export async function closeIdle(ctx: FlowContext, handoffId: number): Promise<void> {
  const handoff = await ctx.db.findOneBy(Handoff, { id: handoffId });
  if (!handoff || handoff.status !== 'live' || (handoff.lastActivityAt ?? 0) >= ctx.clock.now() - ctx.config.handoff.idleMinutes * 60_000) return;
  const holder = await ctx.db.findOneBy(Staff, { id: handoff.staffId! });
  const tell = (line: string) => holder && ctx.send({ type: 'text', to: { platform: 'wecom', id: holder.wecomUserId }, text: line });
  await endConversation(ctx, handoff, 'system', true, tell);
  tell(say('handoff.staff.idleEnded', { tag: handoff.tag ?? '', customer: await labelOf(ctx.db, handoff.customerId), minutes: ctx.config.handoff.idleMinutes }));
}

/**
 * A step of a flow that waits too long: a complaint or after-sales dialogue still waiting for the
 * customer's answer HANDOFF_STALL_MINUTES after the question, with a case already open — a person
 * picks it up rather than leaving it half-registered.
 */
export async function stalledDialogues(ctx: ReadContext): Promise<Conversation[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db.find(Conversation, { where: { flow: In(['complaint', 'service_request']), awaiting: Not(IsNull()), updatedAt: LessThan(now - ctx.config.handoff.stallMinutes * 60_000) }, take: 200 });
  return rows.filter((row) => row.ticketId !== null && row.expiresAt > now - 7 * 24 * 3600_000);
}

export async function handOffStalled(ctx: FlowContext, conversationId: number, updatedAt: number): Promise<void> {
  const row = await ctx.db.findOneBy(Conversation, { id: conversationId });
  if (!row || row.updatedAt !== updatedAt || row.awaiting === null || row.ticketId === null) return;
  // once per stalled question
  if (await ctx.db.existsBy(Handoff, { customerId: row.customerId, reason: 'stalled', createdAt: LessThanOrEqual(ctx.clock.now()), ticketId: row.ticketId })) return;
  const customer = await ctx.db.findOneByOrFail(Customer, { id: row.customerId });
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: row.ticketId });
  await handOff(ctx, customer, { reason: 'stalled', text: ticket.summary, ticketId: ticket.id, urgent: ticket.severity === 'serious' });
  if (customer.platform && customer.externalId) ctx.send({ type: 'text', to: { platform: customer.platform as 'wechat', id: customer.externalId }, text: say('handoff.customer.stalled', { caseNo: ticket.number }) });
}
