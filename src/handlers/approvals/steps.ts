import type { EntityManager } from 'typeorm';
import { Approval } from '../../entities/approval';
import { hasRole, Staff, type Role } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { calendarFor } from '../calendar';
import type { Card, CardButton, FlowContext } from '../ports';
import { audit } from '../records';
import { addTimeline } from '../records';
import { chineseDateTime } from '../calendar';
import { isMessageKey, say, sayName } from '../../../config/say';
import { findRows, insertRow, updateRows } from '../../entities/rows';

/**
 * Approvals in chat (R-AP-1): a decision the seed gives to a role becomes a WeCom card with
 * buttons; where words are needed (instruction, decision, amount) the approver replies to the
 * bot. Only a holder of the role (for store steps: of that store) may decide. After the decision
 * every copy of the card shows what, who and when. The flows say what happens next.
 */

export interface ChoiceSpec {
  key: string;
  text: string;
  style?: CardButton['style'];
  /** Does not close the step (e.g. "已报案" during a serious case): recorded, the card stays live. */
  keepsOpen?: boolean;
}

export interface ApprovalRequest {
  ticket?: Ticket;
  penaltyId?: number;
  contractId?: number;
  visitId?: number;
  leadId?: number;
  /** 详情: where the whole record is read (the console's case page) when the card can only summarise it. */
  link?: Card['link'];
  /** Send to these people instead of every holder of the role (e.g. the contract's own consultant). */
  recipients?: Staff[];
  storeId?: number | null;
  step: string;
  /** Labels the card (合同续签, 上户交接, 员工处罚单…). */
  kind: CardKind;
  role: Role;
  title: string;
  description?: string;
  fields: { label: string; value: string }[];
  choices: ChoiceSpec[];
  needsText: boolean;
  /** What to write back, e.g. "TS202611260001 您的处理意见". */
  textHint?: string;
  urgent?: boolean;
}

const STORE_ROLES: Role[] = ['store_manager', 'consultant'];
/** A role as people read it (the catalogue's common.role.*); an unknown role shows as it is stored. */
export const roleName = (role: string): string => (isMessageKey(`common.role.${role}`) ? sayName(`common.role.${role}`, 'common.notAssigned') : role);

/** What kind of matter an approval card is about: its label on the card (合同续签, 员工处罚单…). */
export type CardKind = 'complaint' | 'service_request' | 'renewal' | 'handover' | 'visit' | 'penalty';
export const cardKindName = (kind: CardKind): string => sayName(`approvals.kind.${kind}`, 'approvals.kind.complaint');

/**
 * A step as people read it: the title of its card (请门店调查并回复调查报告), never its id
 * (「investigation」). The overdue reminders, the staff queue, the answers in words, the case page
 * and the printed forms all name steps with this; a step without a card gets `fallback`.
 */
export function stepName(approval: Pick<Approval, 'card'>, fallback: string = say('approvals.step.other')): string {
  const title = (approval.card as { title?: unknown } | null)?.title;
  return typeof title === 'string' && title !== '' ? title : fallback;
}

/** Active staff holding a role (in a store, for store roles). */
export async function holdersOf(db: EntityManager, role: Role, storeId?: number | null): Promise<Staff[]> {
  const active = await findRows(db, Staff, { active: true }, { id: 'ASC' });
  return active.filter((s) => hasRole(s, role) && (!STORE_ROLES.includes(role) || storeId === undefined || storeId === null || s.storeId === storeId));
}

/** The button on a card that waits for words: the bot asks for them (approvals/answers.ts). */
export const REPLY_KEY = 'reply';

function cardOf(approval: Approval, request: ApprovalRequest): Card {
  const hint = request.needsText ? say('approvals.replyHint', { hint: request.textHint ?? say('approvals.defaultHint', { reference: request.ticket?.number ?? '' }).trim() }) : undefined;
  const kind = cardKindName(request.kind);
  return {
    taskId: approval.taskId,
    source: request.urgent ? say('approvals.urgentSource', { kind }) : kind,
    title: request.title,
    description: request.description,
    emphasis: request.urgent ? { title: say('approvals.urgent'), description: say('approvals.urgentNote') } : hint ? { title: say('approvals.needsReply'), description: hint } : undefined,
    fields: request.fields,
    buttons: [
      ...request.choices.map((choice) => ({ key: `ap:${approval.id}:${choice.key}`, text: choice.text, style: choice.style })),
      ...(request.needsText ? [{ key: `ap:${approval.id}:${REPLY_KEY}`, text: say('approvals.button.reply'), style: 1 as const }] : []),
    ],
    link: request.link,
  };
}

/** Opens a step: stores it, and sends the card to every holder of the role. */
export async function requestApproval(ctx: FlowContext, request: ApprovalRequest): Promise<Approval> {
  const now = ctx.clock.now();
  const storeId = request.storeId ?? request.ticket?.storeId ?? null;
  const recipients = request.recipients ?? (await holdersOf(ctx.db, request.role, storeId));
  const dueAt = calendarFor(ctx).addWorkingHours(now, ctx.config.stepDueWorkingHours, ctx.config.workingHours);
  const approval = await insertRow(ctx.db, Approval, {
    ticketId: request.ticket?.id ?? null,
    penaltyId: request.penaltyId ?? null,
    contractId: request.contractId ?? null,
    visitId: request.visitId ?? null,
    leadId: request.leadId ?? null,
    askedOf: null,
    askedAt: null,
    storeId,
    step: request.step,
    role: request.role,
    status: 'pending',
    decision: null,
    text: null,
    needsText: request.needsText,
    decidedBy: null,
    decidedAt: null,
    taskId: `ap-${request.step}-${now}-${Math.random().toString(36).slice(2, 8)}`,
    recipients: recipients.map((s) => s.wecomUserId).join(','),
    createdAt: now,
    dueAt,
    escalated: false,
    card: null,
  });
  // the card's buttons carry the step's id: written once the row has one
  const card = cardOf(approval, request);
  approval.card = card;
  await updateRows(ctx.db, Approval, { id: approval.id }, { card });
  if (recipients.length === 0) {
    ctx.log.warn({ approvalId: approval.id, step: request.step, role: request.role }, 'approval step has nobody holding the role: it waits, visible in the admin API');
  } else {
    ctx.send({ type: 'card', to: recipients.map((s) => ({ platform: 'wecom', id: s.wecomUserId })), card });
  }
  postToManagersRoom(ctx, approval, request, card);
  if (request.ticket) {
    await addTimeline(ctx.db, { ticketId: request.ticket.id, type: 'step_opened', actor: 'system', data: { step: request.step, role: request.role, approvalId: approval.id }, at: now });
  }
  return approval;
}

// ---------------------------------------------------------------- the managers' WeChat group (Wechaty)

/** Roles whose pending steps (and every urgent step) are also posted to the managers' group. */
const GROUP_ROLES: Role[] = ['store_manager', 'cs_manager', 'gm'];
/** What "同意" means on a card: the step's approving or confirming button. */
const APPROVE_KEYS = ['approve', 'done', 'ack', 'confirmed', 'resolved'];

export type GroupVerb = '同意' | '驳回';

/** The button a group command stands for on a step with these choices, if any (keepsOpen buttons never). */
export function groupChoice(verb: GroupVerb, choices: ChoiceSpec[]): ChoiceSpec | undefined {
  const keys = verb === '同意' ? APPROVE_KEYS : ['reject'];
  return choices.find((c) => !c.keepsOpen && keys.includes(c.key));
}

/** What a group member types to decide a step: ticket number, or the penalty slip. */
function groupReference(request: ApprovalRequest): string | undefined {
  if (request.ticket) return request.ticket.number;
  if (request.penaltyId) return say('common.penaltySlip', { id: request.penaltyId });
  return undefined;
}

/**
 * With WECHATY_MANAGERS_ROOM set, a serious incident's urgent steps and every step waiting for a
 * manager are posted to the group too. WeChat has no buttons: on this card a button's key is the
 * command to type in the group (`同意 TS…`, `驳回 TS… 原因`), which src/bot/wechaty/transport.ts
 * lists; approvals/group.ts reads it back through the same approval code.
 */
function postToManagersRoom(ctx: FlowContext, approval: Approval, request: ApprovalRequest, card: Card): void {
  const room = ctx.config.wechaty?.managersRoom;
  if (!room || !(request.urgent || GROUP_ROLES.includes(request.role))) return;
  const reference = groupReference(request);
  const buttons: CardButton[] = [];
  if (reference) {
    // the keys are the commands to type in the group, which parseGroupCommand reads back
    if (request.needsText) buttons.push({ key: `同意 ${request.textHint ?? say('approvals.defaultHint', { reference })}`, text: say('approvals.group.replyButton') }); // input words
    const approve = groupChoice('同意', request.choices);
    if (approve) buttons.push({ key: `同意 ${reference}`, text: approve.text }); // input words
    const reject = groupChoice('驳回', request.choices);
    if (reject) buttons.push({ key: `驳回 ${reference} 原因`, text: reject.text }); // input words
  }
  // the other buttons are named, to be pressed in WeCom
  const commanded = new Set([groupChoice('同意', request.choices), groupChoice('驳回', request.choices)]);
  for (const choice of request.choices) {
    if (!reference || !commanded.has(choice)) buttons.push({ key: `ap:${approval.id}:${choice.key}`, text: choice.text });
  }
  ctx.send({ type: 'card', to: [{ platform: 'wechaty', id: room }], card: { ...card, source: say('approvals.groupSource', { source: card.source ?? cardKindName(request.kind), role: roleName(request.role) }), buttons } });
}

/**
 * Holds the step's role, and for a store role, the step's store: the one recorded when the step
 * opened (`fallbackStoreId`, e.g. the case's current store, only for a step that has none). A step
 * with no store at all went to every holder of the role, and any of them may decide it.
 */
export function mayDecide(staff: Staff | null, approval: Approval, fallbackStoreId: number | null): boolean {
  if (!staff || !staff.active || !hasRole(staff, approval.role as Role)) return false;
  if (!STORE_ROLES.includes(approval.role as Role)) return true;
  const storeId = approval.storeId ?? fallbackStoreId;
  return storeId === null || staff.storeId === storeId;
}

/**
 * Records a decision once: the conditional UPDATE means two clicks (or two instances) cannot
 * both decide. Returns false if it was already decided.
 */
export async function recordDecision(ctx: FlowContext, approval: Approval, staff: Staff, decision: string, text: string | null, keepsOpen = false): Promise<boolean> {
  const now = ctx.clock.now();
  if (!keepsOpen) {
    const result = await ctx.db
      .createQueryBuilder()
      .update(Approval)
      .set({ status: 'decided', decision, text, decidedBy: staff.wecomUserId, decidedAt: now })
      .where("id = :id AND status = 'pending'", { id: approval.id })
      .execute();
    if ((result.affected ?? 0) !== 1) return false;
    Object.assign(approval, { status: 'decided', decision, text, decidedBy: staff.wecomUserId, decidedAt: now });
  }
  if (approval.ticketId) {
    await addTimeline(ctx.db, {
      ticketId: approval.ticketId,
      type: 'decision',
      actor: staff.wecomUserId,
      note: text ?? undefined,
      data: { step: approval.step, decision, role: approval.role, by: staff.name },
      at: now,
    });
  }
  const [subject, subjectId] = auditSubjectOf(approval);
  await audit(
    ctx.db,
    { actor: staff.wecomUserId, action: `approval.${approval.step}`, subject, subjectId, changes: { approvalId: approval.id, decision: { from: 'pending', to: decision }, wroteText: text !== null } },
    now,
  );
  ctx.log.info({ audit: 'approval_decided', approvalId: approval.id, step: approval.step, decision, by: staff.wecomUserId }, 'approval decided');
  return true;
}

/** What a decision is about, for the audit trail: the record the step belongs to (a lead's or visit's step was filed under an empty 'contract' before). */
function auditSubjectOf(approval: Approval): [string, number | null] {
  if (approval.ticketId) return ['ticket', approval.ticketId];
  if (approval.penaltyId) return ['penalty', approval.penaltyId];
  if (approval.leadId) return ['lead', approval.leadId];
  if (approval.visitId) return ['visit', approval.visitId];
  return ['contract', approval.contractId];
}

/** Every copy of the card now says what was decided, by whom, when (or what was recorded, if it stays open). */
export function updateCards(ctx: FlowContext, approval: Approval, staff: Staff, label: string, keepButtons = false): void {
  const recipients = approval.recipients.split(',').filter(Boolean);
  const card = approval.card as Card | null;
  if (recipients.length === 0 || !card) return;
  ctx.send({
    type: 'card_update',
    to: recipients.map((id) => ({ platform: 'wecom', id })),
    taskId: approval.taskId,
    card: { ...card, buttons: keepButtons ? card.buttons : [] },
    decidedText: say('approvals.decided', { label, name: staff.name, time: chineseDateTime(ctx.clock.now(), ctx.config.timezone) }),
  });
}

export async function pendingTextSteps(db: EntityManager, staff: Staff): Promise<Approval[]> {
  const pending = await db.find(Approval, { where: { status: 'pending', needsText: true }, order: { id: 'ASC' } });
  // the card went to them; whether they may still decide is the step owner's question (a consultant answers the store's 签单 match)
  return pending.filter((a) => a.recipients.split(',').includes(staff.wecomUserId) && staff.active);
}

export async function openApprovalsOf(db: EntityManager, ticketId: number): Promise<Approval[]> {
  return db.find(Approval, { where: { ticketId, status: 'pending' }, order: { id: 'ASC' } });
}

