import { In } from 'typeorm';
import { Customer, Staff } from '../../entities';
import { Handoff } from '../../entities/handoff';
import { hasRole } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { say } from '../../../config/say';
import { chineseDateTime } from '../calendar';
import type { HandlerContext } from '../ports';
import { addTimeline, audit } from '../records';
import { closeCards, handoffCard, sendCard } from './cards';
import { deliver, endConversation } from './live';
import { onCallNow } from './oncall';
import { freeTag, isCsStaff, labelOf, liveHandoffsOf, staffWithRole, transcriptText, type TranscriptLine } from './records';

/**
 * The staff side of a hand-off in WeCom: the card's buttons (接入 / 转给… / 无需处理), the chat
 * commands (转给, 结束, 切换, 列表) and the holder's plain text, which goes to the customer.
 */

export const HANDOFF_BUTTON = 'ho:';
export const PASS_COMMAND = /^\s*转给/;
export const END_COMMAND = /^\s*结束(?:\s+[A-Za-z0-9]{1,3})?\s*$/;
export const SWITCH_COMMAND = /^\s*切换\s+[A-Za-z0-9]{1,3}\s*$/;
export const LIST_COMMAND = /^\s*列表\s*$/;

function refuse(ctx: HandlerContext, reason: string, answer: string): void {
  ctx.log.warn({ audit: 'handoff_refused', reason, user: ctx.event.from }, 'hand-off action refused');
  ctx.reply(answer);
}

/** Who may take a customer: CS staff, and whoever is on call now or was passed this one. */
async function mayTake(ctx: HandlerContext, staff: Staff | null, handoff: Handoff): Promise<boolean> {
  if (!staff || !staff.active) return false;
  if (isCsStaff(staff)) return true;
  const me: Staff = staff;
  if (handoff.staffId === me.id) return true;
  return (await onCallNow(ctx.db, ctx.clock.now())).some((p) => p.id === me.id);
}

export async function handoffButton(ctx: HandlerContext, staff: Staff | null, key: string): Promise<void> {
  const match = /^ho:(\d{1,10}):(take|pass|dismiss)$/.exec(key);
  if (!match) return refuse(ctx, 'bad_key', say('handoff.staff.badButton'));
  const handoff = await ctx.db.findOneBy(Handoff, { id: Number(match[1]) });
  if (!handoff) return refuse(ctx, 'unknown', say('handoff.staff.closedAlready'));
  if (!(await mayTake(ctx, staff, handoff))) return refuse(ctx, 'not_cs_staff', say('handoff.staff.notCs'));
  const me = staff!;
  if (handoff.status === 'live') {
    const holder = await ctx.db.findOneBy(Staff, { id: handoff.staffId! });
    return ctx.reply(holder?.id === me.id ? say('handoff.staff.closedAlready') : say('handoff.staff.takenByOther', { name: holder?.name ?? '' }));
  }
  if (handoff.status !== 'waiting') return ctx.reply(say('handoff.staff.closedAlready'));
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: handoff.ticketId! });
  const now = ctx.clock.now();
  const time = chineseDateTime(now, ctx.config.timezone);
  if (match[2] === 'pass') {
    const names = (await colleagues(ctx)).map((s) => s.name).join('、');
    return ctx.reply(say('handoff.staff.passHowTo', { caseNo: ticket.number, names }));
  }
  if (match[2] === 'dismiss') {
    await ctx.db.update(Handoff, { id: handoff.id, status: 'waiting' }, { status: 'dismissed', closedAt: now, staffId: me.id });
    closeCards(ctx, handoff, say('handoff.card.decided.dismissed', { name: me.name, time }));
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff_dismissed', actor: me.wecomUserId, data: { handoffId: handoff.id }, at: now });
    if (ticket.kind === 'question') await ctx.db.update(Ticket, { id: ticket.id }, { status: 'closed', closedAt: now, updatedAt: now });
    await deliver(ctx, handoff, 'bot', 'system', say('handoff.customer.dismissed'), (line) => ctx.reply(line));
    return ctx.reply(say('handoff.staff.dismissed'));
  }
  // 接入: the first press wins (the update is conditional on the row still waiting)
  const tag = await freeTag(ctx.db, me.id);
  const taken = await ctx.db.update(Handoff, { id: handoff.id, status: 'waiting' }, { status: 'live', staffId: me.id, tag, takenAt: now, lastActivityAt: now, focusAt: now });
  if (!taken.affected) return ctx.reply(say('handoff.staff.closedAlready'));
  Object.assign(handoff, { status: 'live', staffId: me.id, tag, takenAt: now, lastActivityAt: now, focusAt: now });
  closeCards(ctx, handoff, say('handoff.card.decided.taken', { name: me.name, time }));
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff_taken', actor: me.wecomUserId, data: { handoffId: handoff.id }, at: now });
  const customer = await ctx.db.findOneByOrFail(Customer, { id: handoff.customerId });
  const lines = (handoff.transcript as TranscriptLine[] | null) ?? [];
  ctx.reply(say('handoff.staff.taken', { tag, customer: await labelOf(ctx.db, customer.id), caseNo: ticket.number, transcript: transcriptText(lines, ctx.config.timezone) }));
  await deliver(ctx, handoff, 'bot', 'system', say('handoff.customer.taken', { name: me.name }), (line) => ctx.reply(line));
}

async function colleagues(ctx: HandlerContext): Promise<Staff[]> {
  const people = [...(await staffWithRole(ctx.db, 'cs_specialist')), ...(await staffWithRole(ctx.db, 'cs_manager'))];
  return people.filter((p, i) => people.findIndex((q) => q.id === p.id) === i);
}

/** 转给 TS… 姓名: the card goes to that colleague, who presses 接入 themselves. */
export async function passCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const [, number, name] = text.trim().split(/\s+/);
  if (!number || !name) return ctx.reply(say('handoff.staff.passBad', { example: 'TS202612010001' }));
  const ticket = await ctx.db.findOneBy(Ticket, { number: number.toUpperCase() });
  const handoff = ticket ? await ctx.db.findOne(Handoff, { where: { ticketId: ticket.id, status: In(['waiting', 'live']) }, order: { id: 'DESC' } }) : null;
  if (!ticket || !handoff) return ctx.reply(say('handoff.staff.closedAlready'));
  if (!(await mayTake(ctx, staff, handoff)) || (handoff.status === 'live' && handoff.staffId !== staff.id)) return refuse(ctx, 'not_cs_staff', say('handoff.staff.notCs'));
  const all = await colleagues(ctx);
  const target = (await ctx.db.find(Staff, { where: { active: true } })).find((s) => s.name === name || s.wecomUserId === name);
  if (!target || !(isCsStaff(target) || hasRole(target, 'gm') || hasRole(target, 'store_manager'))) return ctx.reply(say('handoff.staff.passUnknown', { names: all.map((s) => s.name).join('、') }));
  const now = ctx.clock.now();
  const customer = await ctx.db.findOneByOrFail(Customer, { id: handoff.customerId });
  closeCards(ctx, handoff, say('handoff.card.decided.passed', { to: target.name, name: staff.name, time: chineseDateTime(now, ctx.config.timezone) }));
  // a live conversation passed on waits for the colleague's 接入, like a new one
  const card = handoffCard({ ...handoff, status: 'waiting' }, customer, ticket, (handoff.transcript as TranscriptLine[] | null) ?? [], 'passed', `handoff-${handoff.id}-pass-${now}`, ctx.config.handoff.acceptMinutes);
  const notified = sendCard(ctx, { ...handoff, notified: '' }, card, [{ platform: 'wecom', id: target.wecomUserId }]);
  await ctx.db.update(Handoff, { id: handoff.id }, { status: 'waiting', staffId: target.id, tag: null, notified, dueAt: now + ctx.config.handoff.acceptMinutes * 60_000, escalatedAt: null });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'handoff_passed', actor: staff.wecomUserId, data: { handoffId: handoff.id, to: target.id }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'handoff.pass', subject: 'handoff', subjectId: handoff.id, changes: { staffId: { from: handoff.staffId, to: target.id } } }, now);
  ctx.send({ type: 'text', to: { platform: 'wecom', id: target.wecomUserId }, text: say('handoff.staff.passedToYou', { from: staff.name }) });
  ctx.reply(say('handoff.staff.passed', { name: target.name }));
}

/** The conversation a line is for: `@A …` names it, otherwise the customer with the newest focus. */
async function target(ctx: HandlerContext, staff: Staff, tag: string | undefined): Promise<{ handoff?: Handoff; live: Handoff[] }> {
  const live = await liveHandoffsOf(ctx.db, staff.id);
  if (tag) return { handoff: live.find((h) => h.tag === tag.toUpperCase()), live };
  const byFocus = [...live].sort((a, b) => (b.focusAt ?? b.takenAt ?? 0) - (a.focusAt ?? a.takenAt ?? 0));
  return { handoff: byFocus[0], live };
}

async function listOf(ctx: HandlerContext, live: Handoff[]): Promise<string> {
  return (await Promise.all(live.map(async (h) => `[${h.tag}] ${await labelOf(ctx.db, h.customerId)}`))).join('、') || say('handoff.none');
}

/** The holder's plain text (or `@A text`) goes to the customer; false when they hold no conversation. */
export async function liveChatText(ctx: HandlerContext, staff: Staff, text: string): Promise<boolean> {
  // an answer to a step (TS… 意见) stays an answer, even while holding a conversation
  if (/^\s*[A-Za-z]{2}\d{8,}/.test(text)) return false;
  const addressed = /^\s*@([A-Za-z0-9]{1,3})\s+([\s\S]+)$/.exec(text);
  const { handoff, live } = await target(ctx, staff, addressed?.[1]);
  if (live.length === 0) return false;
  if (!handoff) {
    ctx.reply(say('handoff.staff.unknownTag', { tag: addressed?.[1] ?? '', list: await listOf(ctx, live) }));
    return true;
  }
  const words = (addressed ? addressed[2] : text).trim();
  if (addressed) await ctx.db.update(Handoff, { id: handoff.id }, { focusAt: ctx.clock.now() });
  await deliver(ctx, handoff, 'staff', staff.wecomUserId, words, (line) => ctx.reply(line));
  return true;
}

export async function endCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const tag = text.trim().split(/\s+/)[1];
  const { handoff, live } = await target(ctx, staff, tag);
  if (live.length === 0) return ctx.reply(say('handoff.staff.noConversation'));
  if (!handoff) return ctx.reply(say('handoff.staff.unknownTag', { tag: tag ?? '', list: await listOf(ctx, live) }));
  const replies: string[] = [];
  await endConversation(ctx, handoff, staff.wecomUserId, false, (line) => replies.push(line));
  ctx.reply([say('handoff.staff.ended', { tag: handoff.tag ?? '', customer: await labelOf(ctx.db, handoff.customerId) }), ...replies].join('\n'));
}

export async function switchCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const tag = text.trim().split(/\s+/)[1];
  const { handoff, live } = await target(ctx, staff, tag ?? '?');
  if (live.length === 0) return ctx.reply(say('handoff.staff.noConversation'));
  if (!handoff) return ctx.reply(say('handoff.staff.unknownTag', { tag: tag ?? '', list: await listOf(ctx, live) }));
  await ctx.db.update(Handoff, { id: handoff.id }, { focusAt: ctx.clock.now() });
  ctx.reply(say('handoff.staff.switched', { tag: handoff.tag ?? '', customer: await labelOf(ctx.db, handoff.customerId) }));
}

export async function listCommand(ctx: HandlerContext, staff: Staff): Promise<void> {
  const { handoff: current, live } = await target(ctx, staff, undefined);
  const zone = ctx.config.timezone;
  const lines: string[] = [];
  for (const h of live) {
    const ticket = await ctx.db.findOneBy(Ticket, { id: h.ticketId! });
    lines.push(say('handoff.staff.listLine', { tag: h.tag ?? '', customer: await labelOf(ctx.db, h.customerId), caseNo: ticket?.number ?? '', time: chineseDateTime(h.lastActivityAt ?? h.takenAt ?? 0, zone), current: h.id === current?.id ? say('handoff.staff.listCurrent') : '' }));
  }
  if (isCsStaff(staff)) {
    for (const h of await ctx.db.find(Handoff, { where: { status: 'waiting' }, order: { id: 'ASC' }, take: 20 })) {
      const ticket = await ctx.db.findOneBy(Ticket, { id: h.ticketId! });
      lines.push(say('handoff.staff.listWaiting', { caseNo: ticket?.number ?? '', customer: await labelOf(ctx.db, h.customerId), reason: say(`handoff.card.reason.${h.reason as 'asked'}`) }));
    }
  }
  ctx.reply(lines.length > 0 ? lines.join('\n') : say('handoff.staff.listEmpty'));
}
