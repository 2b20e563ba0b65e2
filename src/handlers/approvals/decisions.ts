import { Approval } from '../../entities/approval';
import { hasRole, Staff, type Role } from '../../entities/staff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import { groupChoice, mayDecide, pendingTextSteps, recordDecision, roleName, updateCards, type ChoiceSpec, type GroupVerb } from './steps';
import { changeSeverity, COMPLAINT_STEPS, complaintStepDecided, complaintStepNoted, isComplaintStep, tellCustomerProgress } from '../cases/complaint-workflow';
import { penaltyStepDecided, isPenaltyStep, PENALTY_STEPS } from '../cases/penalties';
import { Contract } from '../../entities/contract';
import { audit } from '../records/audit';
import { mayActOnContract, RENEWAL_CHOICES, renewalDecided } from '../contracts/renewals';
import { housekeeperVisitRecorded } from '../contracts/visits';
import type { FlowContext, HandlerContext } from '../ports';
import { addTimeline } from '../customers/records';
import { isRequestStep, REQUEST_STEPS, requestStepDecided } from '../cases/service-request-workflow';
import { chineseDateTime } from '../calendar/time';

/**
 * What staff do with approval cards and replies in WeCom: press a button, answer a step that
 * needs words, log progress, change a complaint's severity. Every refusal is answered and
 * written to the log as an audit line; nothing changes.
 */

const TICKET_NUMBER = /TS\d{12}/;

/** Who owns a step: its buttons, who may press them, and what happens next. */
interface StepOwner {
  choices(approval: Approval, ticket: Ticket | null): ChoiceSpec[];
  mayDecide(ctx: FlowContext, staff: Staff | null, approval: Approval, ticket: Ticket | null): Promise<boolean>;
  /** A final decision; may return a reply for the person who made it. */
  decided(ctx: FlowContext, approval: Approval, staff: Staff, ticket: Ticket | null, choice: string, text: string | null): Promise<string | void>;
  /** A button that records something and keeps the step open. */
  noted?(ctx: FlowContext, approval: Approval, staff: Staff, ticket: Ticket | null, choice: string): Promise<string>;
}

const byRole = async (_ctx: FlowContext, staff: Staff | null, approval: Approval, ticket: Ticket | null) => mayDecide(staff, approval, ticket?.storeId ?? null);

const OWNERS: { owns(step: string): boolean; owner: StepOwner }[] = [
  {
    owns: isComplaintStep,
    owner: {
      choices: (a) => COMPLAINT_STEPS[a.step].choices,
      mayDecide: byRole,
      decided: (ctx, a, _s, t, choice, text) => complaintStepDecided(ctx, a, t!, choice, text),
      noted: (ctx, a, s, t, choice) => complaintStepNoted(ctx, a, t!, s, choice),
    },
  },
  {
    owns: isRequestStep,
    owner: { choices: (a, t) => REQUEST_STEPS[a.step].choices(t?.category ?? ''), mayDecide: byRole, decided: (ctx, a, _s, t, choice, text) => requestStepDecided(ctx, a, t!, choice, text) },
  },
  {
    owns: isPenaltyStep,
    owner: { choices: (a) => PENALTY_STEPS[a.step].choices, mayDecide: byRole, decided: (ctx, a, _s, _t, choice) => penaltyStepDecided(ctx, a, choice) },
  },
  {
    owns: (step) => step === 'renewal',
    owner: {
      choices: () => RENEWAL_CHOICES,
      mayDecide: async (ctx, staff, a) => mayActOnContract(staff, a, await ctx.db.findOneByOrFail(Contract, { id: a.contractId! })),
      decided: (ctx, a, s, _t, choice) => renewalDecided(ctx, a, s, choice),
      noted: (ctx, a, s, _t, choice) => renewalDecided(ctx, a, s, choice),
    },
  },
  {
    owns: (step) => step === 'handover' || step === 'housekeeper_visit',
    owner: {
      choices: (a) => (a.step === 'handover' ? [{ key: 'done', text: '已陪同上户并交接' }] : []),
      mayDecide: byRole,
      decided: async (ctx, a, s, _t, _choice, text) => {
        if (a.step === 'housekeeper_visit') return housekeeperVisitRecorded(ctx, a, text);
        await audit(ctx.db, { actor: s.wecomUserId, action: 'contract.handover_done', subject: 'contract', subjectId: a.contractId }, ctx.clock.now());
        return '已记录交接。';
      },
    },
  },
];

function ownerOf(approval: Approval): StepOwner | undefined {
  return OWNERS.find((o) => o.owns(approval.step))?.owner;
}

/** Holds the step's role, but in another store than the one the step belongs to. */
function ofAnotherStore(staff: Staff | null, approval: Approval): boolean {
  return Boolean(staff?.active && hasRole(staff, approval.role as Role) && approval.storeId !== null && staff.storeId !== approval.storeId);
}

function refuse(ctx: HandlerContext, reason: string, answer: string, facts: Record<string, unknown>): void {
  ctx.log.warn({ audit: 'approval_refused', reason, user: ctx.event.from, ...facts }, 'approval action refused');
  ctx.reply(answer);
}

/**
 * A button on an approval card. The key names the step (`ap:12:approve`) and the click carries the
 * card's TaskId: both must belong to the same card, as for lead cards, so a click forged with
 * another card's key (or a key typed against a stale card) decides nothing.
 */
export async function handleApprovalButton(ctx: HandlerContext, staff: Staff | null, key: string, taskId: string): Promise<void> {
  const match = /^ap:(\d{1,10}):([a-z_]{1,32})$/.exec(key);
  const facts = { key: key.slice(0, 64), taskId: taskId.slice(0, 64) };
  if (!match) return refuse(ctx, 'bad_key', '这个按钮无法识别。', facts);
  const approval = await ctx.db.findOneBy(Approval, { id: Number(match[1]) });
  if (!approval) return refuse(ctx, 'no_approval', '该审批事项不存在。', facts);
  if (taskId !== approval.taskId) return refuse(ctx, 'task_mismatch', '这张卡片与该事项不符，请在最新的卡片上操作。', { ...facts, approvalId: approval.id });
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  if (approval.status !== 'pending') {
    const when = approval.decidedAt ? chineseDateTime(approval.decidedAt, ctx.config.timezone) : '';
    return refuse(ctx, 'already_decided', `该事项已由 ${approval.decidedBy ?? '他人'} 于 ${when} 处理，无需重复操作。`, { ...facts, approvalId: approval.id });
  }
  if (ticket && CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', `工单 ${ticket.number} 已结案。`, { ...facts, approvalId: approval.id });
  const owner = ownerOf(approval);
  if (!owner || !(await owner.mayDecide(ctx, staff, approval, ticket))) {
    if (ofAnotherStore(staff, approval)) {
      return refuse(ctx, 'other_store', `这一步属于其他门店，只有该门店的${roleName(approval.role)}可以处理，您没有权限。`, { ...facts, approvalId: approval.id, storeId: approval.storeId });
    }
    return refuse(ctx, 'wrong_role', `这一步需要${roleName(approval.role)}处理，您没有权限。`, { ...facts, approvalId: approval.id, role: approval.role });
  }
  const choice = owner.choices(approval, ticket).find((c) => c.key === match[2]);
  if (!choice) return refuse(ctx, 'bad_choice', '这个按钮已失效，请使用最新的卡片。', { ...facts, approvalId: approval.id });
  if (choice.keepsOpen && owner.noted) {
    const note = await owner.noted(ctx, approval, staff!, ticket, choice.key);
    await recordDecision(ctx, approval, staff!, choice.key, null, true);
    updateCards(ctx, approval, staff!, choice.text, true);
    ctx.reply(note);
    return;
  }
  if (!(await recordDecision(ctx, approval, staff!, choice.key, null))) {
    return refuse(ctx, 'already_decided', '该事项刚刚已由他人处理。', { ...facts, approvalId: approval.id });
  }
  updateCards(ctx, approval, staff!, choice.text);
  const answer = await owner.decided(ctx, approval, staff!, ticket, choice.key, null);
  if (answer) ctx.reply(answer);
}

/** The reference a person writes to say which step they answer: ticket number, contract number, slip. */
async function referenceOf(ctx: FlowContext, approval: Approval): Promise<string> {
  if (approval.ticketId) return (await ctx.db.findOneBy(Ticket, { id: approval.ticketId }))?.number ?? `#${approval.id}`;
  if (approval.contractId) return (await ctx.db.findOneBy(Contract, { id: approval.contractId }))?.number ?? `#${approval.id}`;
  return `处罚单${approval.penaltyId}`;
}

/** A reply in words: attached to the one pending step of this person that needs words. */
export async function handleApproverText(ctx: HandlerContext, staff: Staff, text: string): Promise<boolean> {
  const pending = await pendingTextSteps(ctx.db, staff);
  if (pending.length === 0) return false;
  const labelled = await Promise.all(pending.map(async (approval) => ({ approval, reference: await referenceOf(ctx, approval) })));
  const named = labelled.filter(({ reference }) => text.includes(reference));
  const mentioned = TICKET_NUMBER.exec(text)?.[0];
  if (named.length === 0 && mentioned) {
    refuse(ctx, 'no_pending_step', `${mentioned} 没有等待您回复的事项。`, { ticket: mentioned });
    return true;
  }
  const candidates = named.length > 0 ? named : labelled;
  if (candidates.length > 1) {
    const references = candidates.map((c) => c.reference);
    ctx.reply(`您有${candidates.length}件事项等待回复，请在回复前写上编号，例如：${references[0]} 您的意见\n待回复：${references.join('、')}`);
    return true;
  }
  const { approval, reference } = candidates[0];
  const words = text.replace(reference, '').trim();
  if (!words) {
    ctx.reply('请写上具体内容。');
    return true;
  }
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  if (!(await recordDecision(ctx, approval, staff, 'text', words))) {
    refuse(ctx, 'already_decided', '该事项刚刚已由他人处理。', { approvalId: approval.id });
    return true;
  }
  updateCards(ctx, approval, staff, `已回复：${words.slice(0, 20)}`);
  await ownerOf(approval)?.decided(ctx, approval, staff, ticket, 'text', words);
  ctx.reply(`已记录（${reference}）。`);
  return true;
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
  if (!number || !note) return void ctx.reply('格式：进展 TS202611260001 今天已与阿姨家属取得联系');
  if (!mayHandleComplaints(staff)) return refuse(ctx, 'wrong_role', '只有客服或门店人员可以记录进展。', { ticket: number });
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(`没有找到 ${number}。`);
  // the note goes to the customer: a store's people write only on their own store's cases
  if (!mayWriteProgress(staff, ticket)) return refuse(ctx, 'other_store', `${number} 不是本门店的工单，您不能记录它的进展。`, { ticket: number, storeId: ticket.storeId });
  if (CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', `${number} 已结案。`, { ticket: number });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'progress', actor: staff.wecomUserId, note, at: ctx.clock.now() });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.progress', subject: 'ticket', subjectId: ticket.id }, ctx.clock.now());
  await tellCustomerProgress(ctx, ticket, `您的${ticket.kind === 'complaint' ? '投诉' : '工单'} ${number} 最新进展：${note}`);
  ctx.reply(`已记录 ${number} 的进展，并已告知客户。`);
}

/** 改为严重 TS… / 改为普通 TS… 原因 */
export async function severityCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const number = TICKET_NUMBER.exec(text)?.[0];
  const to = text.includes('严重') ? 'serious' : 'ordinary';
  if (!number) return void ctx.reply('格式：改为严重 TS202611260001，或：改为普通 TS202611260001 原因');
  if (!hasRole(staff, 'cs_specialist') && !hasRole(staff, 'cs_manager') && !hasRole(staff, 'gm')) {
    return refuse(ctx, 'wrong_role', '只有客服部人员可以调整投诉等级。', { ticket: number });
  }
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket) return void ctx.reply(`没有找到 ${number}。`);
  const reason = text.replace(/^\s*改为(严重|普通)/, '').replace(TICKET_NUMBER, '').trim() || undefined;
  ctx.reply(await changeSeverity(ctx, ticket, to, staff, reason));
}

// ---------------------------------------------------------------- the managers' WeChat group (Wechaty)

/**
 * `同意 TS202611260001`, `驳回 TS202611260001 原因`, `同意 TS202611260001 处理意见…` (a step that
 * needs words), also for a contract number or `处罚单12`. An @mention of the bot in front is allowed.
 */
const GROUP_COMMAND = /^\s*(?:@\S+[\s\u2005]+)*(同意|驳回)\s*(TS\d{12}|处罚单\s*\d{1,10}|(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{2,31})(?:\s+([\s\S]*))?$/u;

export interface GroupCommand {
  verb: GroupVerb;
  reference: string;
  text: string;
}

/** A decision said in the managers' group, or undefined for ordinary chat (which is ignored). */
export function parseGroupCommand(text: string): GroupCommand | undefined {
  const match = GROUP_COMMAND.exec(text);
  if (!match) return undefined;
  return { verb: match[1] as GroupVerb, reference: match[2].replace(/\s+/g, '').toUpperCase(), text: (match[3] ?? '').trim() };
}

/** The pending steps a group reference names: a case's, a contract's, or a penalty slip's. */
async function pendingFor(ctx: FlowContext, reference: string): Promise<{ found: boolean; pending: Approval[]; ticket: Ticket | null }> {
  const penalty = /^处罚单(\d+)$/.exec(reference);
  if (penalty) {
    const pending = await ctx.db.find(Approval, { where: { penaltyId: Number(penalty[1]), status: 'pending' }, order: { id: 'ASC' } });
    const decided = pending.length > 0 || (await ctx.db.countBy(Approval, { penaltyId: Number(penalty[1]) })) > 0;
    return { found: decided, pending, ticket: null };
  }
  if (TICKET_NUMBER.test(reference)) {
    const ticket = await ctx.db.findOneBy(Ticket, { number: reference });
    if (!ticket) return { found: false, pending: [], ticket: null };
    return { found: true, pending: await ctx.db.find(Approval, { where: { ticketId: ticket.id, status: 'pending' }, order: { id: 'ASC' } }), ticket };
  }
  const contract = await ctx.db.findOneBy(Contract, { number: reference });
  if (!contract) return { found: false, pending: [], ticket: null };
  return { found: true, pending: await ctx.db.find(Approval, { where: { contractId: contract.id, status: 'pending' }, order: { id: 'ASC' } }), ticket: null };
}

type GroupAction = { kind: 'choice'; choice: ChoiceSpec; text: string | null } | { kind: 'text'; text: string } | { kind: 'needs_words' } | { kind: 'none' };

/** What 同意/驳回 (+ words) means on this step. */
function actionFor(owner: StepOwner, approval: Approval, ticket: Ticket | null, verb: GroupVerb, words: string): GroupAction {
  if (verb === '同意' && approval.needsText) return words ? { kind: 'text', text: words } : { kind: 'needs_words' };
  const choice = groupChoice(verb, owner.choices(approval, ticket));
  if (!choice) return { kind: 'none' };
  return { kind: 'choice', choice, text: words || null };
}

/**
 * A manager's decision said in the managers' group. It goes through the same code as a WeCom card
 * button or reply: the step's owner says who may decide, recordDecision decides once, every WeCom
 * copy of the card is updated, the owner says what happens next; the decision is echoed in the group.
 * 同意 is the step's approving/confirming button, or its answer when the step needs words (the text
 * after the number); 驳回 is its reject button (the words are kept as the reason).
 */
export async function decideFromGroup(ctx: HandlerContext, staff: Staff, verb: GroupVerb, reference: string, text: string): Promise<void> {
  const facts = { reference, verb, staff: staff.wecomUserId, via: 'wechaty_group' };
  const { found, pending, ticket } = await pendingFor(ctx, reference);
  if (!found) return void ctx.reply(`没有找到 ${reference}。`);
  if (ticket && CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', `${reference} 已结案。`, facts);
  if (pending.length === 0) return void ctx.reply(`${reference} 目前没有等待审批的事项。`);
  const mine: { approval: Approval; owner: StepOwner; ticket: Ticket | null }[] = [];
  for (const approval of pending) {
    const owner = ownerOf(approval);
    const stepTicket = ticket ?? (approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null);
    if (owner && (await owner.mayDecide(ctx, staff, approval, stepTicket))) mine.push({ approval, owner, ticket: stepTicket });
  }
  if (mine.length === 0) {
    if (pending.every((a) => ofAnotherStore(staff, a))) {
      return refuse(ctx, 'other_store', `${staff.name}，${reference} 属于其他门店，只有该门店的${roleName(pending[0].role)}可以处理，您没有权限。`, { ...facts, approvalIds: pending.map((a) => a.id) });
    }
    const roles = [...new Set(pending.map((a) => roleName(a.role)))].join('或');
    return refuse(ctx, 'wrong_role', `${staff.name}，${reference} 当前这一步需要${roles}处理，您没有权限。`, { ...facts, approvalIds: pending.map((a) => a.id) });
  }
  const actions = mine.map((m) => ({ ...m, action: actionFor(m.owner, m.approval, m.ticket, verb, text) }));
  const chosen = actions.find((a) => a.action.kind === 'choice' || a.action.kind === 'text');
  if (!chosen) {
    const first = actions[0];
    const hint = first.action.kind === 'needs_words' ? `这一步需要写明内容，例如：同意 ${reference} 您的意见` : `这一步不能用「${verb}」处理，请在企业微信卡片上操作。`;
    return void ctx.reply(`${reference}：${hint}`);
  }
  const { approval, owner, action } = chosen;
  const stepTicket = chosen.ticket;
  const decision = action.kind === 'text' ? 'text' : action.kind === 'choice' ? action.choice.key : '';
  const words = action.kind === 'text' ? action.text : action.kind === 'choice' ? action.text : null;
  if (!(await recordDecision(ctx, approval, staff, decision, words))) {
    return refuse(ctx, 'already_decided', `${reference} 这一步刚刚已由他人处理。`, { ...facts, approvalId: approval.id });
  }
  const label = action.kind === 'text' ? `已回复：${action.text.slice(0, 20)}` : action.kind === 'choice' ? action.choice.text : '';
  updateCards(ctx, approval, staff, label);
  const answer = await owner.decided(ctx, approval, staff, stepTicket, decision, words);
  const title = (approval.card as { title?: string } | null)?.title;
  const said = action.kind === 'text' ? `回复：${action.text}` : `${verb}（${label}）${words ? `，原因：${words}` : ''}`;
  ctx.log.info({ audit: 'approval_decided_in_group', approvalId: approval.id, step: approval.step, decision, by: staff.wecomUserId }, 'approval decided from the managers group');
  ctx.reply(`✅ ${staff.name} 已${said}\n${reference}${title ? ` · ${title}` : ''}${answer ? `\n${answer}` : ''}`);
}

/**
 * A message in the managers' group. Only 同意/驳回 commands do anything; everything else is the
 * group's own conversation and is ignored (it is never treated as a customer's message). A command
 * counts only from a member whose WeChat id is linked to an active member of staff (PATCH
 * /api/staff {"wechatId": …}); the refusal names the sender's id in the audit line, for linking.
 */
export async function handleGroupEvent(ctx: HandlerContext): Promise<void> {
  const { event } = ctx;
  if (event.type !== 'text') return;
  const command = parseGroupCommand(event.text);
  if (!command) return;
  const staff = await ctx.db.findOneBy(Staff, { wechatId: event.from });
  if (!staff || !staff.active) {
    return refuse(ctx, 'not_staff', '您的微信尚未关联员工账号，不能在群里审批。请管理员在员工资料中登记您的微信ID。', { reference: command.reference, via: 'wechaty_group' });
  }
  return decideFromGroup(ctx, staff, command.verb, command.reference, command.text);
}
