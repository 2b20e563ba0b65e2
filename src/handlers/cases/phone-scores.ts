import { Customer } from '../../entities';
import type { Staff } from '../../entities/staff';
import { say } from '../../../config/say';
import { visitedCommand, type LowScoreFollowUp } from '../contracts';
import type { HandlerContext } from '../ports';
import { openComplaint } from './complaints';

/**
 * A low score given on the phone (已回访 TS… 2分 …) is followed up the same way as a low chat
 * survey score (R-FU-2): an ordinary quality complaint opened from the answer, with its workflow
 * and commitments. The customer was on the phone, so only the member of staff is told.
 */
const openLowScoreCase: LowScoreFollowUp = async (ctx, staff, customerId, summary) => {
  const customer = await ctx.db.findOneByOrFail(Customer, { id: customerId });
  const ticket = await openComplaint(ctx, customer, { severity: 'ordinary', category: 'quality', summary, channel: 'phone', loggedBy: staff.wecomUserId }, staff.wecomUserId);
  return say('cases.lowScore.phone', { caseNo: ticket.number, replyHours: ctx.config.commitments.replyHours });
};

/** 已回访 …: the contracts room records the call; a low score opens its follow-up case here. */
export function visitedWithFollowUp(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  return visitedCommand(ctx, staff, text, openLowScoreCase);
}
