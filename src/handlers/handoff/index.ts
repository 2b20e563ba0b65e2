import { In, type EntityManager } from 'typeorm';
import type { Customer } from '../../entities';
import { Handoff, HandoffStreak } from '../../entities/handoff';
import type { HandlerContext } from '../ports';
import { forwardToStaff, openAllowance } from './live';
import { addLine, OPEN_STATUSES, openHandoffOf } from './records';
import { findRow, insertRow, updateRows } from '../../entities/rows';

/**
 * The hand-off room (R-HO): a person takes over when the bot cannot help (open.ts: the record,
 * the customer told honestly what happens next, the card to the specialist on duty, the on-call
 * page out of hours), the live conversation through the bot (live.ts: forwarding, replies within
 * the OA allowance, nothing lost), the staff side in WeCom (staff.ts: 接入 / 转给… / 无需处理,
 * 结束, 切换, 列表, the holder's plain text), the clocks (timeouts.ts) and the 值班 rota (oncall.ts).
 */
export { handOff, type HandoffReason } from './open';
export { asksForPerson, soundsUpset } from './tone';
export { oncallCommand, ONCALL_COMMAND, onCallNow, addShift, shiftsFrom } from './oncall';
export { END_COMMAND, endCommand, HANDOFF_BUTTON, handoffButton, LIST_COMMAND, listCommand, liveChatText, PASS_COMMAND, passCommand, SWITCH_COMMAND, switchCommand } from './staff';
export { closeIdle, escalateNotTaken, handOffStalled, idleConversations, notTakenInTime, stalledDialogues } from './timeouts';

/**
 * Every customer message passes here first. It opens a new OA allowance (held replies go out);
 * during a live conversation the message goes to the member of staff ('live': the bot says
 * nothing); while a hand-off waits it is kept for whoever takes it ('waiting': the bot goes on).
 */
export async function customerArrives(ctx: HandlerContext, customer: Customer): Promise<'live' | 'waiting' | 'none'> {
  const newest = await openAllowance(ctx, customer);
  // a new hand-off opens only when none is open, so an open one is the newest — unless a merge of
  // two records brought an older one along: only then is it looked for (most customers never had one)
  const handoff = !newest ? null : OPEN_STATUSES.includes(newest.status) ? newest : await openHandoffOf(ctx.db, customer.id);
  if (!handoff) return 'none';
  if (handoff.status === 'live') {
    await forwardToStaff(ctx, handoff, customer);
    return 'live';
  }
  const { event } = ctx;
  if (event.type === 'text') await addLine(ctx.db, handoff, { side: 'customer', actor: 'customer', kind: 'text', text: event.text, evidenceId: null, status: 'waiting', at: ctx.clock.now() });
  return 'waiting';
}

/** Counts a message the bot did not understand; true on the second in a row (time for a person). */
export async function notUnderstoodAgain(db: EntityManager, customerId: number, now: number): Promise<boolean> {
  const streak = await findRow(db, HandoffStreak, { customerId });
  const misses = (streak?.misses ?? 0) + 1;
  if (streak) await updateRows(db, HandoffStreak, { id: streak.id }, { misses: misses >= 2 ? 0 : misses, updatedAt: now });
  else await insertRow(db, HandoffStreak, { customerId, misses, updatedAt: now });
  return misses >= 2;
}

/** A message the bot understood ends the streak. */
export async function understood(db: EntityManager, customerId: number, now: number): Promise<void> {
  await updateRows(db, HandoffStreak, { customerId }, { misses: 0, updatedAt: now });
}

/** For the staff queue (工作台): hand-offs waiting for someone or held by a member of staff. */
export interface QueuedHandoff {
  id: number;
  customerId: number;
  ticketId: number | null;
  status: 'waiting' | 'live';
  reason: string;
  urgent: boolean;
  staffId: number | null;
  createdAt: number;
  dueAt: number;
  takenAt: number | null;
  lastActivityAt: number | null;
}

/** Open hand-offs, oldest first; `staffId` narrows to one member of staff's (held or passed to them). */
export async function openHandoffs(db: EntityManager, staffId?: number): Promise<QueuedHandoff[]> {
  const rows = await db.find(Handoff, { where: { status: In(['waiting', 'live']), ...(staffId === undefined ? {} : { staffId }) }, order: { id: 'ASC' }, take: 500 });
  return rows.map((h) => ({ id: h.id, customerId: h.customerId, ticketId: h.ticketId, status: h.status as 'waiting' | 'live', reason: h.reason, urgent: h.urgent, staffId: h.staffId, createdAt: h.createdAt, dueAt: h.dueAt, takenAt: h.takenAt, lastActivityAt: h.lastActivityAt }));
}
