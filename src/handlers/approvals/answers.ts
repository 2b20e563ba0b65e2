import type { Approval } from '../../entities/approval';
import { Contract } from '../../entities/contract';
import type { Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import type { FlowContext, HandlerContext, StaffAnswer } from '../ports';
import { refuse, type StepOwners } from './owners';
import { pendingTextSteps, recordDecision, updateCards } from './steps';
import { say, type MessageKey } from '../../../config/say';

const TICKET_NUMBER = /TS\d{12}/;

/** The answers in words staff write in WeCom (`TS202611260001 您的意见`), for steps that need words. */
export const approverAnswer =
  (owners: StepOwners): StaffAnswer =>
  (ctx, staff, text) =>
    handleApproverText(owners, ctx, staff, text);

/** The reference a person writes to say which step they answer: ticket number, contract number, slip. */
async function referenceOf(ctx: FlowContext, approval: Approval): Promise<string> {
  if (approval.ticketId) return (await ctx.db.findOneBy(Ticket, { id: approval.ticketId }))?.number ?? `#${approval.id}`;
  if (approval.contractId) return (await ctx.db.findOneBy(Contract, { id: approval.contractId }))?.number ?? `#${approval.id}`;
  return say('common.penaltySlip', { id: approval.penaltyId ?? approval.id });
}

/** A reply in words: attached to the one pending step of this person that needs words. */
async function handleApproverText(owners: StepOwners, ctx: HandlerContext, staff: Staff, text: string): Promise<boolean> {
  const pending = await pendingTextSteps(ctx.db, staff);
  if (pending.length === 0) return false;
  const labelled = await Promise.all(pending.map(async (approval) => ({ approval, reference: await referenceOf(ctx, approval) })));
  const named = labelled.filter(({ reference }) => text.includes(reference));
  const mentioned = TICKET_NUMBER.exec(text)?.[0];
  if (named.length === 0 && mentioned) {
    refuse(ctx, 'no_pending_step', say('approvals.answer.nothingPending', { reference: mentioned }), { ticket: mentioned });
    return true;
  }
  const candidates = named.length > 0 ? named : labelled;
  if (candidates.length > 1) {
    const references = candidates.map((c) => c.reference);
    ctx.reply(say('approvals.answer.which', { count: candidates.length, example: references[0], references: references.join('、') }));
    return true;
  }
  const { approval, reference } = candidates[0];
  const words = text.replace(reference, '').trim();
  if (!words) {
    ctx.reply(say('approvals.answer.empty'));
    return true;
  }
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  if (!(await recordDecision(ctx, approval, staff, 'text', words))) {
    refuse(ctx, 'already_decided', say('common.takenMeanwhile'), { approvalId: approval.id });
    return true;
  }
  updateCards(ctx, approval, staff, say('approvals.replied', { words: words.slice(0, 20) }));
  await owners.of(approval)?.decided(ctx, approval, staff, ticket, 'text', words);
  ctx.reply(say('approvals.answer.recorded', { reference }));
  return true;
}
