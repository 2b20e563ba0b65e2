import { In, MoreThanOrEqual, Not } from 'typeorm';
import { Customer, Evidence, Staff, Survey } from '../../entities';
import { Handoff, HandoffMessage } from '../../entities/handoff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import { say } from '../../../config/say';
import type { FlowContext, HandlerContext, InboundEvent } from '../ports';
import { addTimeline } from '../records';
import { addLine, labelOf } from './records';
import { findRow, updateRows } from '../../entities/rows';

/**
 * The live conversation (R-HO-2): what the customer writes reaches the member of staff who took
 * them, what they write back goes to the customer through the OA customer-service API. The OA
 * allows `allowancePerMessage` (5) customer-service messages per customer message within 48 hours
 * and `allowanceAfterEvent` (3) in the minute after a follow, scan or menu click (PROTOCOL.md §11):
 * they are counted here, staff are told when few are left, and a reply that cannot go now is held
 * and sent with the customer's next message (or, past 48 hours, announced by the fallback template).
 */

const HOUR_MS = 3600_000;
const MEDIA_NAMES: Record<string, string> = { image: say('handoff.media.image'), voice: say('handoff.media.voice'), video: say('handoff.media.video') };

/** The case the exchange belongs to: one opened during the conversation takes it over, with what was said before. */
async function caseOf(ctx: FlowContext, handoff: Handoff): Promise<number | null> {
  const newer = await ctx.db.findOne(Ticket, { where: { customerId: handoff.customerId, status: Not(In(CLOSED_TICKET_STATUSES)), createdAt: MoreThanOrEqual(handoff.createdAt) }, order: { id: 'DESC' } });
  if (!newer || newer.id === handoff.ticketId) return handoff.ticketId;
  const earlier = await ctx.db.find(HandoffMessage, { where: { handoffId: handoff.id }, order: { id: 'ASC' } });
  for (const line of earlier) await addTimeline(ctx.db, { ticketId: newer.id, type: line.side === 'customer' ? 'customer_message' : 'reply', actor: line.actor, note: line.text ?? undefined, data: { handoffId: handoff.id, earlier: true }, at: line.at });
  await ctx.db.update(Handoff, { id: handoff.id }, { ticketId: newer.id });
  handoff.ticketId = newer.id;
  return newer.id;
}

/** The OA allowance left for this customer now, and whether the 48-hour window is still open. */
export function allowance(ctx: FlowContext, handoff: Handoff, now: number): { open: boolean; left: number; total: number } {
  const opened = handoff.windowOpenedAt ?? 0;
  if (handoff.windowKind === 'event') {
    const total = ctx.config.handoff.allowanceAfterEvent;
    return { open: now < opened + 60_000, left: now < opened + 60_000 ? Math.max(0, total - handoff.sentInWindow) : 0, total };
  }
  const total = ctx.config.handoff.allowancePerMessage;
  const open = now < opened + 48 * HOUR_MS;
  return { open, left: open ? Math.max(0, total - handoff.sentInWindow) : 0, total };
}

export type Delivery = 'sent' | 'template' | 'held';

/**
 * One line from staff (or the bot's closing words) to the customer. Never lost: sent now inside the
 * allowance, otherwise held for the customer's next message; past 48 hours the fallback template
 * (when configured) invites the customer back. `tell` says what the member of staff should know.
 */
export async function deliver(ctx: FlowContext, handoff: Handoff, side: 'staff' | 'bot', actor: string, text: string, tell: (line: string) => void): Promise<Delivery> {
  const now = ctx.clock.now();
  const customer = await ctx.db.findOneByOrFail(Customer, { id: handoff.customerId });
  const to = { platform: (customer.platform ?? 'wechat') as 'wechat', id: customer.externalId ?? '' };
  const ticketId = await caseOf(ctx, handoff);
  const record = async (status: string) => {
    await addLine(ctx.db, handoff, { side, actor, kind: 'text', text, evidenceId: null, status, at: now });
    if (ticketId && status !== 'held') await addTimeline(ctx.db, { ticketId, type: 'reply', actor, note: text, data: { handoffId: handoff.id, via: status }, at: now });
  };
  const tag = handoff.tag ?? '';
  // only the Official Account counts customer-service messages; personal WeChat has no such limit
  if (customer.platform !== 'wechat') {
    ctx.send({ type: 'text', to, text });
    await record('sent');
    return 'sent';
  }
  const state = allowance(ctx, handoff, now);
  if (state.left > 0) {
    ctx.send({ type: 'text', to, text });
    handoff.sentInWindow += 1;
    await ctx.db.update(Handoff, { id: handoff.id }, { sentInWindow: handoff.sentInWindow, lastActivityAt: now });
    await record('sent');
    const left = state.left - 1;
    if (side === 'staff' && left <= ctx.config.handoff.allowanceLowAt) tell(say('handoff.staff.lowAllowance', { tag, left }));
    return 'sent';
  }
  await record('held');
  ctx.log.info({ handoffId: handoff.id, open: state.open }, 'live reply held: outside the OA allowance');
  if (!state.open && handoff.windowKind === 'message' && ctx.config.wechat.fallbackTemplateId && !(await templateAlreadySent(ctx, handoff))) {
    // the customer-service API will answer 45015; the OA transport sends the template instead
    ctx.send({ type: 'text', to, text });
    await addLine(ctx.db, handoff, { side: 'bot', actor: 'system', kind: 'text', text: null, evidenceId: null, status: 'template', at: now });
    tell(say('handoff.staff.templateWindow', { tag }));
    return 'template';
  }
  tell(state.open ? say('handoff.staff.heldAllowance', { tag, allowance: state.total }) : say('handoff.staff.heldWindow', { tag }));
  return 'held';
}

/** One template per absence is enough to invite the customer back. */
async function templateAlreadySent(ctx: FlowContext, handoff: Handoff): Promise<boolean> {
  return ctx.db.existsBy(HandoffMessage, { customerId: handoff.customerId, status: 'template', at: MoreThanOrEqual(handoff.windowOpenedAt ?? 0) });
}

/**
 * Every customer message opens a new allowance; replies held for this customer go out now, oldest
 * first, as many as it allows (and the member of staff who wrote them is told). Returns the
 * customer's newest hand-off (the one whose allowance this is), as it now stands, or null.
 */
export async function openAllowance(ctx: HandlerContext, customer: Customer): Promise<Handoff | null> {
  const now = ctx.clock.now();
  const newest = await findRow(ctx.db, Handoff, { customerId: customer.id }, { id: 'DESC' });
  if (!newest) return null;
  const kind = ctx.event.type === 'subscribe' || ctx.event.type === 'menu_click' ? 'event' : 'message';
  newest.windowOpenedAt = now;
  newest.windowKind = kind;
  newest.sentInWindow = 0;
  await updateRows(ctx.db, Handoff, { id: newest.id }, { windowOpenedAt: now, windowKind: kind, sentInWindow: 0 });
  const held = await ctx.db.find(HandoffMessage, { where: { customerId: customer.id, status: 'held' }, order: { id: 'ASC' } });
  if (held.length === 0) return newest;
  const to = { platform: (customer.platform ?? 'wechat') as 'wechat', id: customer.externalId ?? '' };
  const budget = allowance(ctx, newest, now).left;
  const going = held.slice(0, budget);
  const byHolder = new Map<number, number>();
  for (const line of going) {
    ctx.send({ type: 'text', to, text: line.text ?? '' });
    await ctx.db.update(HandoffMessage, { id: line.id }, { status: 'released' });
    // the newest hand-off is the one handed back to the caller: kept as one object, so what caseOf() changes on it is seen there
    const owner = line.handoffId === newest.id ? newest : await ctx.db.findOneBy(Handoff, { id: line.handoffId });
    const ticketId = owner ? await caseOf(ctx, owner) : null;
    if (ticketId) await addTimeline(ctx.db, { ticketId, type: 'reply', actor: line.actor, note: line.text ?? undefined, data: { handoffId: line.handoffId, via: 'released' }, at: now });
    if (owner?.staffId) byHolder.set(owner.staffId, (byHolder.get(owner.staffId) ?? 0) + 1);
  }
  newest.sentInWindow = going.length;
  await ctx.db.update(Handoff, { id: newest.id }, { sentInWindow: going.length });
  for (const [staffId, count] of byHolder) {
    const holder = await ctx.db.findOneBy(Staff, { id: staffId });
    if (holder) ctx.send({ type: 'text', to: { platform: 'wecom', id: holder.wecomUserId }, text: say('handoff.staff.released', { tag: newest.tag ?? '', count }) });
  }
  return newest;
}

/** A customer's message during a live conversation goes to the member of staff holding it. */
export async function forwardToStaff(ctx: HandlerContext, handoff: Handoff, customer: Customer): Promise<void> {
  const now = ctx.clock.now();
  const event = ctx.event as InboundEvent;
  const holder = await ctx.db.findOneByOrFail(Staff, { id: handoff.staffId! });
  const to = { platform: 'wecom' as const, id: holder.wecomUserId };
  const label = await labelOf(ctx.db, customer.id);
  const tag = handoff.tag ?? '';
  const ticketId = await caseOf(ctx, handoff);
  await ctx.db.update(Handoff, { id: handoff.id }, { focusAt: now, lastActivityAt: now });
  if (event.type === 'text' || (event.type === 'menu_click' && event.key)) {
    const text = event.type === 'text' ? event.text : say('handoff.staff.menuClick', { key: event.key });
    ctx.send({ type: 'text', to, text: say('handoff.staff.forwardText', { tag, customer: label, text }) });
    await addLine(ctx.db, handoff, { side: 'customer', actor: 'customer', kind: 'text', text, evidenceId: null, status: 'forwarded', at: now });
    if (ticketId) await addTimeline(ctx.db, { ticketId, type: 'customer_message', actor: 'customer', note: text, data: { handoffId: handoff.id }, at: now });
    return;
  }
  if (event.type === 'image' || event.type === 'voice' || event.type === 'video') {
    const ticket = await ctx.db.findOneByOrFail(Ticket, { id: ticketId! });
    // kept as evidence as any customer photo is (our own encrypted copy: platform media expire in 3 days)
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'media', actor: 'customer', data: { mediaType: event.type, mediaId: event.mediaId, handoffId: handoff.id }, at: now });
    const existing = await ctx.db.findOneBy(Evidence, { platform: event.platform, mediaId: event.mediaId });
    const evidence =
      existing ??
      (await ctx.db.save(ctx.db.create(Evidence, { ticketId: ticket.id, platform: event.platform, mediaId: event.mediaId, mediaType: event.type, contentType: null, size: 0, status: 'pending', receivedAt: now, fetchedAt: null })));
    if (!existing) ctx.send({ type: 'fetch_media', to: { platform: event.platform, id: customer.externalId ?? event.from }, mediaId: event.mediaId, evidenceId: evidence.id });
    const words = event.type === 'voice' && event.recognition ? `：${event.recognition}` : '';
    ctx.send({ type: 'text', to, text: `${say('handoff.staff.forwardMedia', { tag, customer: label, kind: MEDIA_NAMES[event.type], caseNo: ticket.number })}${words}` });
    ctx.send({ type: 'evidence', to, evidenceId: evidence.id });
    await addLine(ctx.db, handoff, { side: 'customer', actor: 'customer', kind: event.type, text: event.type === 'voice' ? event.recognition ?? null : null, evidenceId: evidence.id, status: 'forwarded', at: now });
  }
}

/** Ends a live conversation: the customer goes back to the bot and is asked how it went. */
export async function endConversation(ctx: FlowContext, handoff: Handoff, by: string, idle: boolean, tell: (line: string) => void): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.update(Handoff, { id: handoff.id }, { status: 'closed', closedAt: now });
  const ticketId = await caseOf(ctx, handoff);
  if (ticketId) {
    await addTimeline(ctx.db, { ticketId, type: 'handoff_closed', actor: by, data: { handoffId: handoff.id, idle }, at: now });
    const ticket = await ctx.db.findOneByOrFail(Ticket, { id: ticketId });
    // the 转人工 case is done when the conversation is; a complaint goes on through its own steps
    if (ticket.kind === 'question' && !CLOSED_TICKET_STATUSES.includes(ticket.status)) await ctx.db.update(Ticket, { id: ticket.id }, { status: 'closed', closedAt: now, updatedAt: now });
  }
  const customer = await ctx.db.findOneByOrFail(Customer, { id: handoff.customerId });
  const busy = await ctx.db.findOne(Survey, { where: { customerId: customer.id, status: 'open' } });
  const left = allowance(ctx, handoff, now).left;
  let closing = idle ? say('handoff.customer.idle') : say('handoff.customer.ended');
  if (!idle && !busy && left > 0 && customer.platform) {
    await ctx.db.save(
      ctx.db.create(Survey, { customerId: customer.id, source: 'handoff', sourceId: handoff.id, housekeeperId: null, status: 'open', questions: JSON.stringify([say('handoff.survey.question')]), current: 0, answers: [], score: null, sentAt: now, answeredAt: null }),
    );
    closing = `${say('handoff.survey.intro')}\n${say('handoff.survey.question')}`;
  }
  await deliver(ctx, handoff, 'bot', 'system', closing, tell);
}
