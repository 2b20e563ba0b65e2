import { Approval } from '../../entities/approval';
import { Contract } from '../../entities/contract';
import { Staff } from '../../entities/staff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import type { FlowContext, Handler, HandlerContext } from '../ports';
import { ofAnotherStore, refuse, type StepOwner, type StepOwners } from './owners';
import { groupChoice, recordDecision, roleName, updateCards, type ChoiceSpec, type GroupVerb } from './steps';
import { say, type MessageKey } from '../../../config/say';

// ---------------------------------------------------------------- the managers' WeChat group (Wechaty)

const TICKET_NUMBER = /TS\d{12}/;

/** The managers' WeChat group: 同意/驳回 decide a step through its registered owner. */
export const managersGroup =
  (owners: StepOwners): Handler =>
  (ctx) =>
    handleGroupEvent(owners, ctx);

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
async function decideFromGroup(owners: StepOwners, ctx: HandlerContext, staff: Staff, verb: GroupVerb, reference: string, text: string): Promise<void> {
  const facts = { reference, verb, staff: staff.wecomUserId, via: 'wechaty_group' };
  const { found, pending, ticket } = await pendingFor(ctx, reference);
  if (!found) return void ctx.reply(say('common.notFound', { reference }));
  if (ticket && CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', say('common.closed', { reference }), facts);
  if (pending.length === 0) return void ctx.reply(say('approvals.group.nothingPending', { reference }));
  const mine: { approval: Approval; owner: StepOwner; ticket: Ticket | null }[] = [];
  for (const approval of pending) {
    const owner = owners.of(approval);
    const stepTicket = ticket ?? (approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null);
    if (owner && (await owner.mayDecide(ctx, staff, approval, stepTicket))) mine.push({ approval, owner, ticket: stepTicket });
  }
  if (mine.length === 0) {
    if (pending.every((a) => ofAnotherStore(staff, a))) {
      return refuse(ctx, 'other_store', say('approvals.group.otherStore', { name: staff.name, reference, role: roleName(pending[0].role) }), { ...facts, approvalIds: pending.map((a) => a.id) });
    }
    const roles = [...new Set(pending.map((a) => roleName(a.role)))].join(say('approvals.group.rolesJoin'));
    return refuse(ctx, 'wrong_role', say('approvals.group.wrongRole', { name: staff.name, reference, roles }), { ...facts, approvalIds: pending.map((a) => a.id) });
  }
  const actions = mine.map((m) => ({ ...m, action: actionFor(m.owner, m.approval, m.ticket, verb, text) }));
  const chosen = actions.find((a) => a.action.kind === 'choice' || a.action.kind === 'text');
  if (!chosen) {
    const first = actions[0];
    return void ctx.reply(first.action.kind === 'needs_words' ? say('approvals.group.needsWords', { reference }) : say('approvals.group.notThisVerb', { reference, verb }));
  }
  const { approval, owner, action } = chosen;
  const stepTicket = chosen.ticket;
  const invalid = action.kind === 'text' ? owner.validate?.(approval, action.text) : null;
  if (invalid) return void ctx.reply(invalid);
  const decision = action.kind === 'text' ? 'text' : action.kind === 'choice' ? action.choice.key : '';
  const words = action.kind === 'text' ? action.text : action.kind === 'choice' ? action.text : null;
  if (!(await recordDecision(ctx, approval, staff, decision, words))) {
    return refuse(ctx, 'already_decided', say('approvals.group.takenMeanwhile', { reference }), { ...facts, approvalId: approval.id });
  }
  const label = action.kind === 'text' ? say('approvals.replied', { words: action.text.slice(0, 20) }) : action.kind === 'choice' ? action.choice.text : '';
  updateCards(ctx, approval, staff, label);
  const answer = await owner.decided(ctx, approval, staff, stepTicket, decision, words);
  const title = (approval.card as { title?: string } | null)?.title;
  const said =
    action.kind === 'text' ? say('approvals.group.saidText', { text: action.text }) : words ? say('approvals.group.saidChoiceWithReason', { verb, label, reason: words }) : say('approvals.group.saidChoice', { verb, label });
  ctx.log.info({ audit: 'approval_decided_in_group', approvalId: approval.id, step: approval.step, decision, by: staff.wecomUserId }, 'approval decided from the managers group');
  const echo = title ? say('approvals.group.echoTitle', { name: staff.name, said, reference, title }) : say('approvals.group.echo', { name: staff.name, said, reference });
  ctx.reply(answer ? `${echo}\n${answer}` : echo);
}

/**
 * A message in the managers' group. Only 同意/驳回 commands do anything; everything else is the
 * group's own conversation and is ignored (it is never treated as a customer's message). A command
 * counts only from a member whose WeChat id is linked to an active member of staff (PATCH
 * /api/staff {"wechatId": …}); the refusal names the sender's id in the audit line, for linking.
 */
async function handleGroupEvent(owners: StepOwners, ctx: HandlerContext): Promise<void> {
  const { event } = ctx;
  if (event.type !== 'text') return;
  const command = parseGroupCommand(event.text);
  if (!command) return;
  const staff = await ctx.db.findOneBy(Staff, { wechatId: event.from });
  if (!staff || !staff.active) {
    return refuse(ctx, 'not_staff', say('approvals.group.notStaff'), { reference: command.reference, via: 'wechaty_group' });
  }
  return decideFromGroup(owners, ctx, staff, command.verb, command.reference, command.text);
}
