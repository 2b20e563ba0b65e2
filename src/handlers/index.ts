import { approvalButton, approverAnswer, managersGroup, StepOwners, unaddressedAnswer } from './approvals';
import { linkCaseCommand, visitedWithFollowUp } from './cases';
import { MAJOR_COMMAND, majorCommand, MERGE_COMMAND, mergeCommand } from './customers';
import { complaintSteps, logProgress, LOOKUP_COMMAND, lookupCommand, noteCommand, penaltyPhoto, penaltySteps, raisePenalty, rhythmCommand, serviceRequestSteps, severityCommand } from './cases';
import { callButton, MOVEMENT_COMMAND, movementCommand, RENEW_COMMAND, renewCommand, renewalSteps, VISITED_COMMAND, visitSteps } from './contracts';
import { END_COMMAND, endCommand, HANDOFF_BUTTON, handoffButton, LIST_COMMAND, listCommand, liveChatText, ONCALL_COMMAND, oncallCommand, PASS_COMMAND, passCommand, SWITCH_COMMAND, switchCommand } from './handoff';
import { handleCustomerEvent } from './intake';
import { handleLeadButton, signedLeadSteps } from './leads';
import type { Handler } from './ports';
import { LOG_COMMAND, logCommand, StaffDesk, TODO_COMMAND, todoCommand } from './staff';

/**
 * The table of contents of the bot: what it does with an inbound event, and which room does it.
 * A new flow lives in its own folder and adds its line here.
 *
 * - customers (OA, personal WeChat)  → intake: the dialogue, leads, complaints, service requests
 * - staff (WeCom)                     → the staff desk: card buttons, commands, answers in words
 * - the managers' WeChat group        → 同意/驳回 on approval steps; other talk is ignored
 */

/** Who owns each approval step: its buttons, who may decide, what happens next. The first match wins. */
const steps = new StepOwners()
  .add(complaintSteps) //         投诉: apology → instruction → … → sign_gm; serious incidents
  .add(serviceRequestSteps) //    售后: confirm → dispatch → resolve
  .add(penaltySteps) //           处罚单: the approvals of a penalty
  .add(renewalSteps) //           续约: the consultant's decision
  .add(visitSteps) //             上户交接, 阿姨回访
  .add(signedLeadSteps); //       签单客户快速对应联动表: match a housekeeper, register the contract, hand-over visit

/** What staff send in WeCom, tried in this order; anything else gets help. */
const staffDesk = new StaffDesk()
  .button('lead:', handleLeadButton) //               lead:<id>:<action> on a lead card
  .button('ap:', approvalButton(steps)) //            ap:<approvalId>:<choice> on an approval card
  .button('call:', callButton) //                     call:<taskId>:reached|no_answer|later on a call task card
  .button(HANDOFF_BUTTON, handoffButton) //           ho:<handoffId>:take|pass|dismiss on a 转人工 card
  // 待办 and 查 come before everything that reads plain text: they work while a live conversation is held
  .command(TODO_COMMAND, todoCommand) //               待办: what waits for me, oldest first
  .command(LOOKUP_COMMAND, lookupCommand) //          查 TS…/手机/姓名/HT…/阿姨编号, scoped and audited
  .command(PASS_COMMAND, passCommand) //              转给 TS… 姓名
  .command(END_COMMAND, endCommand) //                结束 [A]: the live conversation back to the bot
  .command(SWITCH_COMMAND, switchCommand) //          切换 A
  .command(LIST_COMMAND, listCommand) //              列表: who I am talking to, who waits
  .command(ONCALL_COMMAND, oncallCommand) //          值班 [姓名 日期 日期]
  .openCommand(LOG_COMMAND, logCommand) //            登记 …  (checks who may log; before the staff check)
  .command(/^\s*进展/, logProgress) //                 进展 TS… 内容 (told to the customer)
  .command(/^\s*备注\s*TS/i, noteCommand) //             备注 TS… 内容 (internal, never to the customer)
  .command(/^\s*反馈周期/, rhythmCommand) //             反馈周期 TS… 72小时 (CS manager)
  .command(/^\s*改为(严重|普通)/, severityCommand) //    改为严重 TS… / 改为普通 TS… 原因
  .command(/^\s*处罚/, raisePenalty) //                处罚 TS… 阿姨编号 金额 原因
  .command(/^\s*关联\s/, linkCaseCommand) //          关联 TS… 合同号/阿姨编号: the case's store and housekeeper
  .command(MERGE_COMMAND, mergeCommand) //            合并 A B [强制]: two records of one person (CS manager)
  .command(MAJOR_COMMAND, majorCommand) //            大客户 TS…/手机号 [取消] (CS manager, GM)
  .command(RENEW_COMMAND, renewCommand) //            续签 HT… 起始日 结束日 金额: the real new term
  .command(MOVEMENT_COMMAND, movementCommand) //      阿姨 A0123 上岗/返回/辞职/新到: a housekeeper's movement
  .command(VISITED_COMMAND, visitedWithFollowUp) //  已回访 TS…/HT… 5分 …: the outcome of a call task (a low score opens its follow-up case)
  .answer(liveChatText) //                            someone holding a live conversation: their plain text goes to the customer (not TS… answers)
  .answer(approverAnswer(steps)) //                   TS… 您的意见, or the reply right after the bot asked for it
  .answer(unaddressedAnswer) //                      last: words with no case number while steps wait: explained, never recorded
  .picture(penaltyPhoto); //                          the photo of a signed penalty slip the witness was asked for

const managersRoom = managersGroup(steps);

export const handleInbound: Handler = async (ctx) => {
  if (ctx.event.platform === 'wecom') return staffDesk.handle(ctx);
  if (ctx.event.platform === 'wechaty' && ctx.event.roomId) return managersRoom(ctx);
  return handleCustomerEvent(ctx);
};
