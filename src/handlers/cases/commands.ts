import { hasRole, type Staff } from '../../entities/staff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import type { HandlerContext } from '../ports';
import { addTimeline, audit } from '../records';
import { changeSeverity, tellCustomerProgress } from './complaint-workflow';
import { say } from '../../../config/say';
import { addInternalNote } from './record';
import { chineseDateTime, HOUR_MS } from '../calendar';

/** What staff write about a case in WeCom: 进展 TS… (told to the customer), 备注 TS… (internal), 反馈周期, 改为严重/改为普通 TS…. */

const TICKET_NUMBER = /TS\d{12}/;

/** A refusal is answered and written to the log as an audit line; nothing changes. */
function refuse(ctx: HandlerContext, reason: string, answer: string, facts: Record<string, unknown>): void {
  ctx.log.warn({ audit: 'approval_refused', reason, user: ctx.event.from, ...facts }, 'approval action refused');
  ctx.reply(answer);
}

const CS_ROLES = ['cs_specialist', 'cs_manager', 'store_manager', 'gm'] as const;
const mayHandleComplaints = (staff: Staff) => CS_ROLES.some((role) => hasRole(staff, role));
/** The customer-service department and the GM write on any case; a store role only on its store's. */
const mayWriteProgress = (staff: Staff, ticket: Ticket) =>
  (['cs_specialist', 'cs_manager', 'gm'] as const).some((role) => hasRole(staff, role)) || (staff.storeId !== null && ticket.storeId === staff.storeId);

/** 进展 TS… 内容: the case progress log, told to the customer (resets the 24-hour clock). */
export async function logProgress(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const number = TICKET_NUMBER.exec(text)?.[0];
  const note = text.replace(/^\s*进展/, '').replace(TICKET_NUMBER, '').trim();
  if (!number || !note) return void ctx.reply(say('cases.progress.usage'));
  if (!mayHandleComplaints(staff)) return refuse(ctx, 'wrong_role', say('cases.progress.wrongRole'), { ticket: number });
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(say('common.notFound', { reference: number }));
  // the note goes to the customer: a store's people write only on their own store's cases
  if (!mayWriteProgress(staff, ticket)) return refuse(ctx, 'other_store', say('cases.progress.otherStore', { caseNo: number }), { ticket: number, storeId: ticket.storeId });
  if (CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', say('common.closed', { reference: number }), { ticket: number });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'progress', actor: staff.wecomUserId, note, at: ctx.clock.now() });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.progress', subject: 'ticket', subjectId: ticket.id }, ctx.clock.now());
  await tellCustomerProgress(ctx, ticket, say(ticket.kind === 'complaint' ? 'cases.progress.toCustomer.complaint' : 'cases.progress.toCustomer.other', { caseNo: number, note }));
  ctx.reply(say('cases.progress.recorded', { caseNo: number }));
}

/**
 * 备注 TS… 内容: an internal note (the seed's 事故处理投诉登记表 progress log, which can run for
 * months on a police case). Colleagues read it in 查 and the console; the customer never does, and
 * the 24-hour feedback never quotes it.
 */
export async function noteCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const number = TICKET_NUMBER.exec(text)?.[0];
  const note = text.replace(/^\s*备注/, '').replace(TICKET_NUMBER, '').trim();
  if (!number || !note) return void ctx.reply(say('cases.note.usage'));
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(say('common.notFound', { reference: number }));
  if (!mayHandleComplaints(staff) || !mayWriteProgress(staff, ticket)) return refuse(ctx, 'wrong_role', say('cases.note.wrongRole'), { ticket: number });
  await addInternalNote(ctx.db, ticket, staff, note, ctx.clock.now());
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.note', subject: 'ticket', subjectId: ticket.id }, ctx.clock.now());
  ctx.reply(say('cases.note.recorded', { caseNo: number }));
}

/** 反馈周期 TS… 72小时: the CS manager sets how often the customer hears from us (a police case runs for months). */
export async function rhythmCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const number = TICKET_NUMBER.exec(text)?.[0];
  const hours = Number(/(\d{1,3})\s*(小时|h)?\s*$/i.exec(text.replace(TICKET_NUMBER, ''))?.[1]);
  if (!number || !Number.isInteger(hours) || hours < 24 || hours > 720) return void ctx.reply(say('cases.rhythm.usage'));
  if (!hasRole(staff, 'cs_manager')) return refuse(ctx, 'wrong_role', say('cases.rhythm.wrongRole'), { ticket: number });
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(say('common.notFound', { reference: number }));
  if (CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', say('common.closed', { reference: number }), { ticket: number });
  const now = ctx.clock.now();
  const next = now + hours * HOUR_MS;
  await ctx.db.update(Ticket, { id: ticket.id }, { feedbackEveryHours: hours, feedbackDueAt: next, updatedAt: now });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'feedback_rhythm', actor: staff.wecomUserId, data: { hours }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.feedback_rhythm', subject: 'ticket', subjectId: ticket.id, changes: { feedbackEveryHours: { from: ticket.feedbackEveryHours, to: hours } } }, now);
  ctx.reply(say('cases.rhythm.set', { caseNo: number, hours, next: chineseDateTime(next, ctx.config.timezone) }));
}

/** 改为严重 TS… / 改为普通 TS… 原因 */
export async function severityCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const number = TICKET_NUMBER.exec(text)?.[0];
  const to = text.includes('严重') ? 'serious' : 'ordinary';
  if (!number) return void ctx.reply(say('cases.severity.usage'));
  if (!hasRole(staff, 'cs_specialist') && !hasRole(staff, 'cs_manager') && !hasRole(staff, 'gm')) {
    return refuse(ctx, 'wrong_role', say('cases.severity.wrongRole'), { ticket: number });
  }
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(say('common.notFound', { reference: number }));
  const reason = text.replace(/^\s*改为(严重|普通)/, '').replace(TICKET_NUMBER, '').trim() || undefined;
  ctx.reply(await changeSeverity(ctx, ticket, to, staff, reason));
}
