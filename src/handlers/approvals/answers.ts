import type { EntityManager } from 'typeorm';
import { Approval } from '../../entities/approval';
import { Contract } from '../../entities/contract';
import { Lead } from '../../entities/lead';
import type { Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import type { FlowContext, HandlerContext, StaffAnswer } from '../ports';
import { refuse, type StepOwner, type StepOwners } from './owners';
import { pendingTextSteps, recordDecision, stepName, updateCards } from './steps';
import { say } from '../../../config/say';

const TICKET_NUMBER = /TS\d{12}/;
/** How long the bot's question 「请回复您对 TS…的意见」 stays open for a plain reply. */
export const ASK_MINUTES = 30;

/**
 * The answers in words staff write in WeCom. No accidental decisions (issue 16, item 7): a step is
 * answered only with its reference in the text (`TS202611260001 您的意见`), or with a plain reply
 * right after the bot asked this person for it (they wrote the number alone, or pressed 回复意见);
 * anything else — 「好的」, a greeting — decides nothing. Each answer is confirmed back with the
 * step and the words kept, and the step's owner may refuse words that do not fit (an amount that
 * is not a number).
 */
export const approverAnswer =
  (owners: StepOwners): StaffAnswer =>
  (ctx, staff, text) =>
    handleApproverText(owners, ctx, staff, text);

/**
 * Last among the answers: text nobody took (no reference, no question open, no live conversation)
 * while steps wait for this person's words — they are told how to answer, nothing is recorded.
 */
export const unaddressedAnswer: StaffAnswer = async (ctx, staff) => {
  const pending = await pendingTextSteps(ctx.db, staff);
  if (pending.length === 0) return false;
  const references = await Promise.all(pending.map((a) => referenceOf(ctx.db, a)));
  ctx.log.info({ audit: 'answer_unaddressed', user: staff.wecomUserId, pending: pending.length }, 'text without a reference not taken as a decision');
  ctx.reply(say('approvals.answer.needsReference', { count: pending.length, example: references[0], references: references.join('、') }));
  return true;
};

/** The reference a person writes to say which step they answer: ticket number, contract number, lead, slip. */
export async function referenceOf(db: EntityManager, approval: Approval): Promise<string> {
  if (approval.ticketId) return (await db.findOneBy(Ticket, { id: approval.ticketId }))?.number ?? `#${approval.id}`;
  if (approval.contractId) return (await db.findOneBy(Contract, { id: approval.contractId }))?.number ?? `#${approval.id}`;
  if (approval.leadId) return (await db.findOneBy(Lead, { id: approval.leadId }))?.number ?? `#${approval.id}`;
  return say('common.penaltySlip', { id: approval.penaltyId ?? approval.id });
}

/** The bot asks this person for the step's words; their next plain reply (within ASK_MINUTES) answers it. */
export async function askForWords(ctx: FlowContext, approval: Approval, staff: Staff, reference: string): Promise<string> {
  const now = ctx.clock.now();
  await ctx.db.update(Approval, { id: approval.id }, { askedOf: staff.wecomUserId, askedAt: now });
  Object.assign(approval, { askedOf: staff.wecomUserId, askedAt: now });
  const hint = (approval.card as { emphasis?: { description?: string } } | null)?.emphasis?.description;
  return say('approvals.answer.ask', { reference, title: stepName(approval), minutes: ASK_MINUTES, hint: hint ?? say('approvals.answer.askDefault') });
}

async function handleApproverText(owners: StepOwners, ctx: HandlerContext, staff: Staff, text: string): Promise<boolean> {
  const pending = await pendingTextSteps(ctx.db, staff);
  if (pending.length === 0) return false;
  const labelled = await Promise.all(pending.map(async (approval) => ({ approval, reference: await referenceOf(ctx.db, approval) })));
  const named = labelled.filter(({ reference }) => text.includes(reference));
  const mentioned = TICKET_NUMBER.exec(text)?.[0];
  if (named.length === 0 && mentioned) {
    refuse(ctx, 'no_pending_step', say('approvals.answer.nothingPending', { reference: mentioned }), { ticket: mentioned });
    return true;
  }
  if (named.length > 1) {
    const references = named.map((c) => c.reference);
    ctx.reply(say('approvals.answer.which', { count: named.length, example: references[0], references: references.join('、') }));
    return true;
  }
  if (named.length === 1) {
    const { approval, reference } = named[0];
    const words = text.replace(reference, '').trim();
    // the number alone: the bot asks for the words, and the next reply answers
    if (!words) {
      ctx.reply(await askForWords(ctx, approval, staff, reference));
      return true;
    }
    return answer(owners, ctx, staff, approval, reference, words);
  }
  // no reference: only a reply right after the bot asked counts
  const since = ctx.clock.now() - ASK_MINUTES * 60_000;
  const asked = labelled
    .filter(({ approval }) => approval.askedOf === staff.wecomUserId && (approval.askedAt ?? 0) >= since)
    .sort((a, b) => (b.approval.askedAt ?? 0) - (a.approval.askedAt ?? 0))[0];
  if (!asked) return false;
  return answer(owners, ctx, staff, asked.approval, asked.reference, text.trim());
}

async function answer(owners: StepOwners, ctx: HandlerContext, staff: Staff, approval: Approval, reference: string, words: string): Promise<boolean> {
  if (!words) {
    ctx.reply(say('approvals.answer.empty'));
    return true;
  }
  const ticket = approval.ticketId ? await ctx.db.findOneBy(Ticket, { id: approval.ticketId }) : null;
  const owner: StepOwner | undefined = owners.of(approval);
  if (!owner || !(await owner.mayDecide(ctx, staff, approval, ticket))) return false;
  const invalid = owner.validate?.(approval, words);
  if (invalid) {
    ctx.reply(invalid);
    return true;
  }
  if (!(await recordDecision(ctx, approval, staff, 'text', words))) {
    refuse(ctx, 'already_decided', say('common.takenMeanwhile'), { approvalId: approval.id });
    return true;
  }
  updateCards(ctx, approval, staff, say('approvals.replied', { words: words.slice(0, 20) }));
  const next = await owner.decided(ctx, approval, staff, ticket, 'text', words);
  const confirmed = say('approvals.answer.recorded', { reference, title: stepName(approval), words });
  ctx.reply(next ? `${confirmed}\n${next}` : confirmed);
  return true;
}
