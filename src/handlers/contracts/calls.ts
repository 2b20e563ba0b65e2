import { In, IsNull, type EntityManager } from 'typeorm';
import { say } from '../../../config/say';
import { CASE_SURVEY_QUESTIONS, CUSTOMER_VISIT_QUESTIONS, LOW_SCORE } from '../../../config/visit-scripts';
import { CallTask, Contract, type Customer, Survey, Ticket, Visit } from '../../entities';
import type { CallPurpose } from '../../entities/call-task';
import { hasRole, Staff, type Role } from '../../entities/staff';
import { holdersOf } from '../approvals';
import { HOUR_MS } from '../calendar';
import type { FlowContext, HandlerContext } from '../ports';
import { addTimeline, audit } from '../records';

/**
 * Customers without a reachable WeChat get calls, not silence (R-ID-3). Where the bot would
 * message a customer who has no openid, has unfollowed, or is outside the OA's 48-hour window with
 * no template to fall back on, it gives a person a call task instead: the complaint specialist for
 * complaint feedback, visits and surveys, the contract's consultant for renewals. The card carries
 * the script (回访话术) and the questions; the outcome comes back from WeCom (已回访 TS…/HT… 5分 满意 …,
 * or the card's 已接通 / 未接通 / 约下次) and counts like a chat answer: a survey or visit answered by
 * phone is an answered survey, and complaint feedback is done only when the customer was told.
 */

/** The OA's customer-service window (PROTOCOL.md §11). */
const WINDOW_MS = 48 * HOUR_MS;
/** 约下次: called again the next day. */
const LATER_MS = 24 * HOUR_MS;

export function reachable(customer: Customer, now: number, fallbackTemplateId: string | undefined): boolean {
  if (!customer.platform || !customer.externalId || !customer.subscribed || customer.mergedIntoId !== null) return false;
  if (customer.platform !== 'wechat') return true;
  return Boolean(fallbackTemplateId) || (customer.lastInboundAt !== null && now - customer.lastInboundAt < WINDOW_MS);
}

export const customerReachable = (ctx: FlowContext, customer: Customer) => reachable(customer, ctx.clock.now(), ctx.config.wechat.fallbackTemplateId);

const ROLE_OF: Record<CallPurpose, Role> = { feedback: 'cs_specialist', visit: 'cs_specialist', survey: 'cs_specialist', renewal: 'consultant' };

export interface CallRequest {
  purpose: CallPurpose;
  customer: Customer;
  cause: string;
  ticket?: Ticket;
  visitId?: number;
  contract?: Contract | null;
  /** What the bot would have said: read out on the call. */
  message?: string;
}

function questionsOf(purpose: CallPurpose): string[] {
  if (purpose === 'visit') return CUSTOMER_VISIT_QUESTIONS;
  if (purpose === 'survey') return CASE_SURVEY_QUESTIONS;
  return [];
}

/** Opens the call task for this cause once, and sends its card to the person who calls. */
export async function openCallTask(ctx: FlowContext, request: CallRequest): Promise<CallTask | null> {
  if (await ctx.db.existsBy(CallTask, { cause: request.cause })) return null;
  // one open feedback call per case: it carries the latest progress, a second card would only repeat it
  if (request.purpose === 'feedback' && request.ticket && (await ctx.db.existsBy(CallTask, { ticketId: request.ticket.id, purpose: 'feedback', status: 'open' }))) return null;
  if (request.visitId && !request.contract) {
    const visit = await ctx.db.findOneBy(Visit, { id: request.visitId });
    request = { ...request, contract: visit ? await ctx.db.findOneBy(Contract, { id: visit.contractId }) : null };
  }
  const role = ROLE_OF[request.purpose];
  const consultant = role === 'consultant' && request.contract?.consultantId ? await ctx.db.findOneBy(Staff, { id: request.contract.consultantId, active: true }) : null;
  const people = consultant ? [consultant] : await holdersOf(ctx.db, role === 'consultant' ? 'store_manager' : role, request.contract?.storeId ?? request.ticket?.storeId ?? null);
  const now = ctx.clock.now();
  const task = await ctx.db.save(
    ctx.db.create(CallTask, {
      cause: request.cause,
      purpose: request.purpose,
      customerId: request.customer.id,
      role,
      assigneeId: people[0]?.id ?? null,
      ticketId: request.ticket?.id ?? null,
      visitId: request.visitId ?? null,
      contractId: request.contract?.id ?? null,
      status: 'open',
      attempts: 0,
      outcome: null,
      score: null,
      note: request.message ?? null,
      taskId: `call-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      nextAt: null,
      doneBy: null,
      createdAt: now,
      doneAt: null,
    }),
  );
  if (request.ticket) await addTimeline(ctx.db, { ticketId: request.ticket.id, type: 'call_task', actor: 'system', data: { callTaskId: task.id, purpose: task.purpose }, at: now });
  ctx.log.info({ callTaskId: task.id, purpose: task.purpose, customerId: request.customer.id }, 'customer has no reachable WeChat: call task opened');
  if (people.length === 0) {
    ctx.log.warn({ callTaskId: task.id, role }, 'call task has nobody to call: no active holder of the role');
    return task;
  }
  sendCard(ctx, task, request, people);
  return task;
}

function sendCard(ctx: FlowContext, task: CallTask, request: CallRequest, people: Staff[]): void {
  const reference = request.ticket?.number ?? request.contract?.number ?? `#${task.id}`;
  const questions = questionsOf(task.purpose);
  const fields = [
    { label: say('contracts.call.field.customer'), value: `${request.customer.name ?? ''} ${request.customer.phone ?? say('contracts.call.noPhone')}`.trim() },
    { label: say('contracts.call.field.reference'), value: reference },
    { label: say('contracts.call.field.script'), value: say(`contracts.call.script.${task.purpose}`) },
  ];
  if (request.message) fields.push({ label: say('contracts.call.field.message'), value: request.message.slice(0, 120) });
  questions.forEach((q, i) => fields.push({ label: say('contracts.call.field.question', { n: i + 1 }), value: q }));
  ctx.send({
    type: 'card',
    to: people.map((p) => ({ platform: 'wecom' as const, id: p.wecomUserId })),
    card: {
      taskId: task.taskId,
      source: say('contracts.call.source'),
      title: say(`contracts.call.title.${task.purpose}`),
      description: say('contracts.call.hint', { reference }),
      fields,
      buttons: [
        { key: `call:${task.id}:reached`, text: say('contracts.call.button.reached'), style: 1 },
        { key: `call:${task.id}:no_answer`, text: say('contracts.call.button.noAnswer'), style: 2 },
        { key: `call:${task.id}:later`, text: say('contracts.call.button.later'), style: 2 },
      ],
    },
  });
  // a card cuts long values: the whole script and every question follow as one text to read from
  const full = [say(`contracts.call.script.${task.purpose}`), ...questions.map((q, i) => `${i + 1}. ${q}`), request.message ?? ''].filter(Boolean).join('\n');
  for (const person of people) ctx.send({ type: 'text', to: { platform: 'wecom', id: person.wecomUserId }, text: say('contracts.call.fullScript', { reference, script: full }) });
}

/** Open call tasks waiting for this member of staff (the console's queue, 待办). */
export async function openCallTasksFor(db: EntityManager, staff: Staff): Promise<CallTask[]> {
  const tasks = await db.find(CallTask, { where: [{ status: 'open', assigneeId: staff.id }, { status: 'open', assigneeId: IsNull() }], order: { id: 'ASC' }, take: 200 });
  return tasks.filter((t) => t.assigneeId === staff.id || hasRole(staff, t.role as Role));
}

function mayRecord(staff: Staff | null, task: CallTask): staff is Staff {
  return Boolean(staff?.active && (staff.id === task.assigneeId || hasRole(staff, task.role as Role) || hasRole(staff, 'cs_manager')));
}

/** What a reached call means for the record it was made for: exactly what a chat answer would do. */
async function recordReached(ctx: FlowContext, task: CallTask, staff: Staff, score: number | null, note: string | null): Promise<void> {
  const now = ctx.clock.now();
  if (task.purpose === 'feedback' && task.ticketId) {
    await addTimeline(ctx.db, { ticketId: task.ticketId, type: 'customer_notified', actor: staff.wecomUserId, note: task.note ?? undefined, data: { via: 'phone', callTaskId: task.id }, at: now });
    const ticket = await ctx.db.findOneBy(Ticket, { id: task.ticketId });
    if (ticket?.feedbackDueAt) await ctx.db.update(Ticket, { id: ticket.id }, { feedbackDueAt: now + ctx.config.commitments.complaintFeedbackHours * HOUR_MS });
  }
  if ((task.purpose === 'survey' || task.purpose === 'visit') && score !== null) {
    const questions = questionsOf(task.purpose);
    const answers = questions.map((question) => ({ question, score, comment: note ?? undefined }));
    const source = task.purpose === 'visit' ? 'visit' : 'ticket';
    const sourceId = task.purpose === 'visit' ? task.visitId! : task.ticketId!;
    const visit = task.visitId ? await ctx.db.findOneBy(Visit, { id: task.visitId }) : null;
    const contract = visit ? await ctx.db.findOneBy(Contract, { id: visit.contractId }) : null;
    const ticket = task.ticketId ? await ctx.db.findOneBy(Ticket, { id: task.ticketId }) : null;
    if (!(await ctx.db.existsBy(Survey, { source, sourceId }))) {
      await ctx.db.insert(Survey, { customerId: task.customerId, source, sourceId, housekeeperId: contract?.housekeeperId ?? ticket?.housekeeperId ?? null, status: 'answered', questions: JSON.stringify(questions), current: questions.length, answers, score, sentAt: task.createdAt, answeredAt: now });
    }
    if (visit) await ctx.db.update(Visit, { id: visit.id }, { status: 'done', score, answers, completedAt: now, recordedBy: staff.wecomUserId });
    if (ticket) await addTimeline(ctx.db, { ticketId: ticket.id, type: 'survey', actor: staff.wecomUserId, note: note ?? undefined, data: { score, via: 'phone' }, at: now });
  }
  if (task.purpose === 'renewal' && task.contractId) {
    await ctx.db.update(Contract, { id: task.contractId, renewalOutcome: IsNull() }, { renewalOutcome: 'contacted' });
  }
  await ctx.db.update(CallTask, { id: task.id }, { status: 'done', outcome: 'reached', score, note: note ?? task.note, doneBy: staff.wecomUserId, doneAt: now, attempts: task.attempts + 1 });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'call.reached', subject: 'call_task', subjectId: task.id, changes: { purpose: task.purpose, score } }, now);
}

/** call:<id>:reached|no_answer|later on a call task card. */
export async function callButton(ctx: HandlerContext, staff: Staff | null, key: string): Promise<void> {
  const [, idText, action] = key.split(':');
  const task = await ctx.db.findOneBy(CallTask, { id: Number(idText) || 0 });
  if (!task || !['reached', 'no_answer', 'later'].includes(action)) return ctx.reply(say('contracts.call.gone'));
  if (!mayRecord(staff, task)) {
    ctx.log.warn({ audit: 'call_refused', user: ctx.event.from, callTaskId: task.id }, 'call task button refused: not the caller’s role');
    return ctx.reply(say('contracts.call.notYours'));
  }
  if (task.status !== 'open') return ctx.reply(say('contracts.call.already'));
  const reference = await referenceOf(ctx.db, task);
  if (action === 'reached') {
    // a survey or visit needs the customer's score: the card's button alone cannot carry it
    if (task.purpose === 'survey' || task.purpose === 'visit') return ctx.reply(say('contracts.call.needScore', { reference }));
    await recordReached(ctx, task, staff, null, null);
    return ctx.reply(say('contracts.call.recorded', { reference }));
  }
  const now = ctx.clock.now();
  await ctx.db.update(CallTask, { id: task.id }, { attempts: task.attempts + 1, outcome: action as 'no_answer' | 'later', nextAt: action === 'later' ? now + LATER_MS : null });
  await audit(ctx.db, { actor: staff.wecomUserId, action: `call.${action}`, subject: 'call_task', subjectId: task.id }, now);
  ctx.reply(say(action === 'later' ? 'contracts.call.later' : 'contracts.call.noAnswer', { reference }));
}

async function referenceOf(db: EntityManager, task: CallTask): Promise<string> {
  if (task.ticketId) return (await db.findOneBy(Ticket, { id: task.ticketId }))?.number ?? `#${task.id}`;
  if (task.contractId) return (await db.findOneBy(Contract, { id: task.contractId }))?.number ?? `#${task.id}`;
  return `#${task.id}`;
}

export const VISITED_COMMAND = /^\s*已回访(\s|$)/;

/**
 * What follows a low score given by phone, exactly as after a low chat survey score: the caller
 * (the cases room, which this room may not use) opens the follow-up case and says what it did.
 */
export type LowScoreFollowUp = (ctx: HandlerContext, staff: Staff, customerId: number, summary: string) => Promise<string>;

/** 已回访 TS…/HT… [N分] [what the customer said]: the outcome of a call, typed in WeCom. */
export async function visitedCommand(ctx: HandlerContext, staff: Staff, text: string, followUp?: LowScoreFollowUp): Promise<void> {
  const match = /^\s*已回访\s+(\S+)\s*(?:([1-5])\s*分)?\s*(.*)$/.exec(text);
  if (!match) return ctx.reply(say('contracts.call.usage'));
  const reference = match[1].toUpperCase();
  const ticket = await ctx.db.findOneBy(Ticket, { number: reference });
  const contract = ticket ? null : await ctx.db.findOneBy(Contract, { number: match[1] });
  let open: CallTask[] = [];
  if (ticket) open = await ctx.db.find(CallTask, { where: { ticketId: ticket.id, status: 'open' }, order: { id: 'ASC' } });
  else if (contract) {
    const visits = await ctx.db.find(Visit, { select: { id: true }, where: { contractId: contract.id } });
    open = await ctx.db.find(CallTask, { where: [{ contractId: contract.id, status: 'open' }, ...(visits.length ? [{ visitId: In(visits.map((v) => v.id)), status: 'open' as const }] : [])], order: { id: 'ASC' } });
  }
  if (open.length === 0) return ctx.reply(say('contracts.call.noneOpen', { reference: match[1] }));
  const score = match[2] ? Number(match[2]) : null;
  // a score answers a survey or visit first; without one the feedback call is the one meant
  const task = (score !== null ? open.find((t) => t.purpose === 'survey' || t.purpose === 'visit') : open.find((t) => t.purpose === 'feedback' || t.purpose === 'renewal')) ?? open[0];
  if (!mayRecord(staff, task)) return ctx.reply(say('contracts.call.notYours'));
  if ((task.purpose === 'survey' || task.purpose === 'visit') && score === null) return ctx.reply(say('contracts.call.needScore', { reference: match[1] }));
  const note = match[3]?.trim() || null;
  await recordReached(ctx, task, staff, score, note);
  let after = '';
  if (followUp && score !== null && score <= LOW_SCORE && (task.purpose === 'survey' || task.purpose === 'visit')) {
    const answer = note ? say('contracts.survey.lowScoreAnswerWithComment', { question: say('contracts.call.byPhone'), score, comment: note }) : say('contracts.survey.lowScoreAnswer', { question: say('contracts.call.byPhone'), score });
    after = `\n${await followUp(ctx, staff, task.customerId, say('contracts.survey.lowScore', { score, answers: answer }))}`;
  }
  ctx.reply(`${say('contracts.call.recorded', { reference: match[1] })}${after}`);
}
