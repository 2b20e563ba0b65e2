import { Staff } from '../../entities/staff';
import { handleApprovalButton, handleApproverText, logProgress, severityCommand } from '../approvals/decisions';
import { handleLeadButton } from '../leads/buttons';
import { raisePenalty } from '../cases/penalties';
import type { HandlerContext } from '../ports';
import { LOG_COMMAND, logOnBehalf, mayLog } from './logging';

/** What staff send the bot in WeCom: logging commands, card buttons, and anything else gets help. */

const STAFF_HELP =
  '您好！可以这样使用：\n· 登记来电/到店咨询：登记 张女士 13800138000 朝阳区 需要月嫂 来源电话\n· 卡片上的按钮：接单、签字、同意/驳回……\n· 回复待办：TS202611260001 您的意见\n· 记录进展：进展 TS202611260001 内容\n· 调整等级：改为严重 TS…／改为普通 TS… 原因\n· 处罚单：处罚 TS… 阿姨编号 金额 原因';

export async function handleStaffEvent(ctx: HandlerContext): Promise<void> {
  const { event } = ctx;
  const staff = await ctx.db.findOneBy(Staff, { wecomUserId: event.from });
  if (event.type === 'card_click') {
    if (event.key.startsWith('lead:')) return handleLeadButton(ctx, staff, event.key, event.taskId);
    if (event.key.startsWith('ap:')) return handleApprovalButton(ctx, staff, event.key, event.taskId);
    ctx.log.warn({ key: event.key.slice(0, 64) }, 'card button with an unknown key');
    ctx.reply('这个按钮已失效。');
    return;
  }
  if (event.type !== 'text') {
    if (event.type === 'subscribe') ctx.reply(STAFF_HELP);
    return;
  }
  if (LOG_COMMAND.test(event.text)) {
    if (!staff || !staff.active || !mayLog(staff)) {
      ctx.log.warn({ user: event.from }, 'logging refused: not customer-service staff');
      ctx.reply('只有客服或门店人员可以登记，请联系管理员在员工名单中为您开通。');
      return;
    }
    return logOnBehalf(ctx, staff, event.text);
  }
  if (!staff || !staff.active) {
    ctx.reply(STAFF_HELP);
    return;
  }
  if (/^\s*进展/.test(event.text)) return logProgress(ctx, staff, event.text);
  if (/^\s*改为(严重|普通)/.test(event.text)) return severityCommand(ctx, staff, event.text);
  if (/^\s*处罚/.test(event.text)) return raisePenalty(ctx, staff, event.text);
  if (await handleApproverText(ctx, staff, event.text)) return;
  ctx.reply(`您当前没有需要回复的待办事项。\n${STAFF_HELP}`);
}
