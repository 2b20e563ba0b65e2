import { Approval } from '../../entities/approval';
import { Evidence } from '../../entities/evidence';
import { Housekeeper } from '../../entities/housekeeper';
import { Penalty } from '../../entities/penalty';
import { hasRole, type Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, recordDecision, requestApproval, updateCards } from '../approvals';
import { parseAmountFen } from './complaint-workflow';
import type { FlowContext, HandlerContext } from '../ports';
import { audit } from '../records';
import { addTimeline } from '../records';
import { monthKey } from '../calendar';
import { say, sayName } from '../../../config/say';

/**
 * 员工处罚单 (R-CP-3, the seed's order): the complaint specialist fills it in on a complaint
 * (housekeeper, amount, reason); the CS manager goes through it with the housekeeper
 * (penalty_discuss); she signs it with the store manager as witness, who photographs the signed
 * paper (penalty_ack: the photo is the case's evidence); the GM signs (penalty_approve). Approved
 * slips go to 人资 at month end with the 月绩效扣款明细表, and 财务 gets the attendance sheet
 * (reports room, the monthly job); GET /api/penalties?month=YYYY-MM lists them too.
 */

export const PENALTY_STEPS: Record<string, { role: 'cs_manager' | 'store_manager' | 'gm'; choices: ChoiceSpec[] }> = {
  penalty_discuss: { role: 'cs_manager', choices: [{ key: 'done', text: say('cases.penalty.button.discussed'), style: 1 }] },
  // the store manager presses it, then sends the photo of the signed slip: the photo completes the step
  penalty_ack: { role: 'store_manager', choices: [{ key: 'ack', text: say('cases.penalty.button.signed'), style: 1, keepsOpen: true }] },
  penalty_approve: {
    role: 'gm',
    choices: [
      { key: 'approve', text: say('cases.penalty.button.approve'), style: 1 },
      { key: 'reject', text: say('cases.button.reject'), style: 3 },
    ],
  },
};

export const isPenaltyStep = (step: string) => step in PENALTY_STEPS;


type PenaltyStep = 'penalty_discuss' | 'penalty_ack' | 'penalty_approve';
const TITLES: Record<PenaltyStep, 'cases.penalty.step.penalty_discuss' | 'cases.penalty.step.penalty_ack' | 'cases.penalty.step.penalty_approve'> = {
  penalty_discuss: 'cases.penalty.step.penalty_discuss',
  penalty_ack: 'cases.penalty.step.penalty_ack',
  penalty_approve: 'cases.penalty.step.penalty_approve',
};

async function openPenaltyStep(ctx: FlowContext, penalty: Penalty, ticket: Ticket, housekeeper: Housekeeper, step: PenaltyStep): Promise<void> {
  await requestApproval(ctx, {
    ticket: undefined,
    penaltyId: penalty.id,
    storeId: ticket.storeId ?? housekeeper.storeId,
    step,
    kind: 'penalty',
    role: PENALTY_STEPS[step].role,
    title: say(TITLES[step]),
    description: penalty.reason.slice(0, 40),
    fields: [
      { label: say('common.field.complaint'), value: ticket.number },
      { label: say('common.field.housekeeper'), value: `${housekeeper.code} ${housekeeper.name}` },
      { label: say('common.field.amount'), value: say('common.yuan', { amount: (penalty.amountFen / 100).toFixed(2) }) },
      { label: say('common.field.month'), value: penalty.month },
    ],
    choices: PENALTY_STEPS[step].choices,
    needsText: false,
  });
}

export async function raisePenalty(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  if (!hasRole(staff, 'cs_specialist') && !hasRole(staff, 'cs_manager')) {
    ctx.log.warn({ audit: 'approval_refused', reason: 'wrong_role', user: staff.wecomUserId }, 'penalty refused: not customer service');
    ctx.reply(say('cases.penalty.wrongRole'));
    return;
  }
  const match = /^\s*处罚\s*(TS\d{12})\s+(\S+)\s+(\d[\d,.]*)\s*元?\s+(.+)$/s.exec(text);
  if (!match) return void ctx.reply(say('cases.penalty.usage'));
  const [, number, code, amountText, reason] = match;
  const ticket = await ctx.db.findOneBy(Ticket, { number });
  if (!ticket || ticket.kind !== 'complaint') return void ctx.reply(say('cases.penalty.noComplaint', { caseNo: number }));
  const housekeeper = await ctx.db.findOneBy(Housekeeper, { code });
  if (!housekeeper) return void ctx.reply(say('cases.penalty.noHousekeeper', { code }));
  const amountFen = parseAmountFen(amountText);
  if (!amountFen || amountFen <= 0 || amountFen > 10_000_000) return void ctx.reply(say('cases.penalty.badAmount'));
  const now = ctx.clock.now();
  const penalty = await ctx.db.save(
    ctx.db.create(Penalty, { ticketId: ticket.id, housekeeperId: housekeeper.id, amountFen, reason: reason.trim(), status: 'raised', month: monthKey(now, ctx.config.timezone), raisedBy: staff.wecomUserId, acknowledgedBy: null, approvedBy: null, createdAt: now, decidedAt: null }),
  );
  if (!ticket.housekeeperId) await ctx.db.update(Ticket, { id: ticket.id }, { housekeeperId: housekeeper.id });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'penalty', actor: staff.wecomUserId, note: reason.trim(), data: { penaltyId: penalty.id, amountFen, housekeeperId: housekeeper.id }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'penalty.raised', subject: 'penalty', subjectId: penalty.id, changes: { ticketId: ticket.id, housekeeperId: housekeeper.id, amountFen: { from: null, to: amountFen } } }, now);
  await openPenaltyStep(ctx, penalty, ticket, housekeeper, 'penalty_discuss');
  ctx.reply(say('cases.penalty.raised', { code: housekeeper.code, amount: (amountFen / 100).toFixed(2) }));
}

export async function penaltyStepDecided(ctx: FlowContext, approval: Approval, choice: string): Promise<void> {
  const penalty = await ctx.db.findOneByOrFail(Penalty, { id: approval.penaltyId! });
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: penalty.ticketId });
  const housekeeper = await ctx.db.findOneByOrFail(Housekeeper, { id: penalty.housekeeperId });
  const now = ctx.clock.now();
  if (approval.step === 'penalty_discuss') {
    await ctx.db.update(Penalty, { id: penalty.id }, { status: 'discussed', discussedBy: approval.decidedBy });
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'penalty_discussed', actor: approval.decidedBy ?? 'cs_manager', data: { penaltyId: penalty.id }, at: now });
    await openPenaltyStep(ctx, { ...penalty, status: 'discussed' }, ticket, housekeeper, 'penalty_ack');
    return;
  }
  if (approval.step === 'penalty_ack') {
    await ctx.db.update(Penalty, { id: penalty.id }, { status: 'acknowledged', acknowledgedBy: housekeeper.code, witnessedBy: approval.decidedBy });
    await openPenaltyStep(ctx, { ...penalty, status: 'acknowledged' }, ticket, housekeeper, 'penalty_approve');
    return;
  }
  const status = choice === 'approve' ? 'approved' : 'rejected';
  await ctx.db.update(Penalty, { id: penalty.id }, { status, approvedBy: approval.decidedBy, decidedAt: now });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'penalty_decided', actor: approval.decidedBy ?? 'gm', data: { penaltyId: penalty.id, status }, at: now });
}

/** 阿姨已签字 on the witness's card: the bot asks for the photo of the signed slip (its arrival completes the step). */
export async function penaltyStepNoted(ctx: FlowContext, approval: Approval, staff: Staff): Promise<string> {
  await ctx.db.update(Approval, { id: approval.id }, { askedOf: staff.wecomUserId, askedAt: ctx.clock.now() });
  return say('cases.penalty.sendPhoto', { id: approval.penaltyId ?? approval.id });
}

/**
 * A photo a member of staff sends in WeCom: the signed penalty slip they were asked for. It is kept
 * as the case's evidence (our own encrypted copy), and the witness step is decided with it.
 */
export async function penaltyPhoto(ctx: HandlerContext, staff: Staff, mediaId: string): Promise<boolean> {
  const waiting = await ctx.db.find(Approval, { where: { step: 'penalty_ack', status: 'pending', askedOf: staff.wecomUserId }, order: { askedAt: 'DESC' }, take: 1 });
  const approval = waiting[0];
  if (!approval || !approval.penaltyId) return false;
  const penalty = await ctx.db.findOneByOrFail(Penalty, { id: approval.penaltyId });
  const now = ctx.clock.now();
  const evidence = await ctx.db.save(ctx.db.create(Evidence, { ticketId: penalty.ticketId, platform: 'wecom', mediaId, mediaType: 'image', contentType: null, size: 0, status: 'pending', receivedAt: now, fetchedAt: null }));
  ctx.send({ type: 'fetch_media', to: { platform: 'wecom', id: staff.wecomUserId }, mediaId, evidenceId: evidence.id });
  await addTimeline(ctx.db, { ticketId: penalty.ticketId, type: 'penalty_signed', actor: staff.wecomUserId, data: { penaltyId: penalty.id, evidenceId: evidence.id }, at: now });
  if (!(await recordDecision(ctx, approval, staff, 'ack', null))) return false;
  updateCards(ctx, approval, staff, say('cases.penalty.button.signed'));
  await penaltyStepDecided(ctx, approval, 'ack');
  ctx.reply(say('cases.penalty.photoKept', { id: penalty.id }));
  return true;
}
