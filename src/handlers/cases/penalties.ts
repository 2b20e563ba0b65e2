import type { Approval } from '../../entities/approval';
import { Housekeeper } from '../../entities/housekeeper';
import { Penalty } from '../../entities/penalty';
import { hasRole, type Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, requestApproval } from '../approvals';
import { parseAmountFen } from './complaint-workflow';
import type { FlowContext, HandlerContext } from '../ports';
import { audit } from '../records';
import { addTimeline } from '../records';
import { monthKey } from '../calendar';
import { say, sayName } from '../../../config/say';

/**
 * 员工处罚单 (R-CP-3): the CS manager raises it on a complaint (housekeeper, amount, reason); the
 * responsible store manager acknowledges it and the GM approves; approved slips are listed for
 * that month's payroll deduction (GET /api/penalties?month=YYYY-MM, CSV for HR and finance).
 */

export const PENALTY_STEPS: Record<string, { role: 'store_manager' | 'gm'; choices: ChoiceSpec[] }> = {
  penalty_ack: { role: 'store_manager', choices: [{ key: 'ack', text: say('cases.penalty.button.ack'), style: 1 }] },
  penalty_approve: {
    role: 'gm',
    choices: [
      { key: 'approve', text: say('cases.penalty.button.approve'), style: 1 },
      { key: 'reject', text: say('cases.button.reject'), style: 3 },
    ],
  },
};

export const isPenaltyStep = (step: string) => step in PENALTY_STEPS;


async function openPenaltyStep(ctx: FlowContext, penalty: Penalty, ticket: Ticket, housekeeper: Housekeeper, step: 'penalty_ack' | 'penalty_approve'): Promise<void> {
  await requestApproval(ctx, {
    ticket: undefined,
    penaltyId: penalty.id,
    storeId: ticket.storeId ?? housekeeper.storeId,
    step,
    kind: 'penalty',
    role: PENALTY_STEPS[step].role,
    title: say(step === 'penalty_ack' ? 'cases.penalty.step.penalty_ack' : 'cases.penalty.step.penalty_approve'),
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
  if (!hasRole(staff, 'cs_manager')) {
    ctx.log.warn({ audit: 'approval_refused', reason: 'wrong_role', user: staff.wecomUserId }, 'penalty refused: not CS manager');
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
  await openPenaltyStep(ctx, penalty, ticket, housekeeper, 'penalty_ack');
  ctx.reply(say('cases.penalty.raised', { code: housekeeper.code, amount: (amountFen / 100).toFixed(2) }));
}

export async function penaltyStepDecided(ctx: FlowContext, approval: Approval, choice: string): Promise<void> {
  const penalty = await ctx.db.findOneByOrFail(Penalty, { id: approval.penaltyId! });
  const ticket = await ctx.db.findOneByOrFail(Ticket, { id: penalty.ticketId });
  const housekeeper = await ctx.db.findOneByOrFail(Housekeeper, { id: penalty.housekeeperId });
  const now = ctx.clock.now();
  if (approval.step === 'penalty_ack') {
    await ctx.db.update(Penalty, { id: penalty.id }, { status: 'acknowledged', acknowledgedBy: approval.decidedBy });
    await openPenaltyStep(ctx, { ...penalty, status: 'acknowledged' }, ticket, housekeeper, 'penalty_approve');
    return;
  }
  const status = choice === 'approve' ? 'approved' : 'rejected';
  await ctx.db.update(Penalty, { id: penalty.id }, { status, approvedBy: approval.decidedBy, decidedAt: now });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'penalty_decided', actor: approval.decidedBy ?? 'gm', data: { penaltyId: penalty.id, status }, at: now });
}
