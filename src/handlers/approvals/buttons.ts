import { Approval } from '../../entities/approval';
import { Staff } from '../../entities/staff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import { chineseDateTime } from '../calendar';
import type { HandlerContext, StaffButton } from '../ports';
import { ofAnotherStore, refuse, type StepOwners } from './owners';
import { recordDecision, REPLY_KEY, roleName, updateCards } from './steps';
import { askForWords, referenceOf } from './answers';
import { say, type MessageKey } from '../../../config/say';

/** The `ap:` buttons on approval cards in WeCom, decided through the step's registered owner. */
export const approvalButton =
  (owners: StepOwners): StaffButton =>
  (ctx, staff, key, taskId) =>
    handleApprovalButton(owners, ctx, staff, key, taskId);

/**
 * A button on an approval card. The key names the step (`ap:12:approve`) and the click carries the
 * card's TaskId: both must belong to the same card, as for lead cards, so a click forged with
 * another card's key (or a key typed against a stale card) decides nothing.
 */
async function handleApprovalButton(owners: StepOwners, ctx: HandlerContext, staff: Staff | null, key: string, taskId: string): Promise<void> {
  const match = /^ap:(\d{1,10}):([a-z_]{1,32})$/.exec(key);
  const facts = { key: key.slice(0, 64), taskId: taskId.slice(0, 64) };
  if (!match) return refuse(ctx, 'bad_key', say('approvals.button.unknown'), facts);
  const approval = await ctx.db.findOneBy(Approval, { id: Number(match[1]) });
  if (!approval) return refuse(ctx, 'no_approval', say('approvals.button.noApproval'), facts);
  if (taskId !== approval.taskId) return refuse(ctx, 'task_mismatch', say('approvals.button.taskMismatch'), { ...facts, approvalId: approval.id });
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  if (approval.status !== 'pending') {
    const when = approval.decidedAt ? chineseDateTime(approval.decidedAt, ctx.config.timezone) : '';
    const by = approval.decidedBy ? (await ctx.db.findOneBy(Staff, { wecomUserId: approval.decidedBy }))?.name ?? approval.decidedBy : say('approvals.button.someoneElse');
    return refuse(ctx, 'already_decided', say('approvals.button.alreadyDecided', { name: by, time: when }), { ...facts, approvalId: approval.id });
  }
  if (ticket && CLOSED_TICKET_STATUSES.includes(ticket.status)) return refuse(ctx, 'ticket_closed', say('approvals.button.caseClosed', { caseNo: ticket.number }), { ...facts, approvalId: approval.id });
  const owner = owners.of(approval);
  if (!owner || !(await owner.mayDecide(ctx, staff, approval, ticket))) {
    if (ofAnotherStore(staff, approval)) {
      return refuse(ctx, 'other_store', say('approvals.button.otherStore', { role: roleName(approval.role) }), { ...facts, approvalId: approval.id, storeId: approval.storeId });
    }
    return refuse(ctx, 'wrong_role', say('approvals.button.wrongRole', { role: roleName(approval.role) }), { ...facts, approvalId: approval.id, role: approval.role });
  }
  // 回复意见 on a card that waits for words: the bot asks, and the next plain reply answers
  if (match[2] === REPLY_KEY && approval.needsText) return void ctx.reply(await askForWords(ctx, approval, staff!, await referenceOf(ctx.db, approval)));
  const choice = owner.choices(approval, ticket).find((c) => c.key === match[2]);
  if (!choice) return refuse(ctx, 'bad_choice', say('approvals.button.stale'), { ...facts, approvalId: approval.id });
  if (choice.keepsOpen && owner.noted) {
    const note = await owner.noted(ctx, approval, staff!, ticket, choice.key);
    await recordDecision(ctx, approval, staff!, choice.key, null, true);
    updateCards(ctx, approval, staff!, choice.text, true);
    ctx.reply(note);
    return;
  }
  if (!(await recordDecision(ctx, approval, staff!, choice.key, null))) {
    return refuse(ctx, 'already_decided', say('common.takenMeanwhile'), { ...facts, approvalId: approval.id });
  }
  updateCards(ctx, approval, staff!, choice.text);
  const answer = await owner.decided(ctx, approval, staff!, ticket, choice.key, null);
  if (answer) ctx.reply(answer);
}
