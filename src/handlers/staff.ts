import { Staff } from '../entities/staff';
import { handleLeadButton } from './lead-actions';
import type { HandlerContext } from './ports';
import { LOG_COMMAND, logOnBehalf, mayLog } from './staff-logging';

/** What staff send the bot in WeCom: logging commands, card buttons, and anything else gets help. */

const STAFF_HELP =
  '您好！可以这样使用：\n· 登记来电/到店咨询：登记 张女士 13800138000 朝阳区 需要月嫂 来源电话\n· 线索卡片上的按钮：接单、已联系、已签单、未成交、退回';

export async function handleStaffEvent(ctx: HandlerContext): Promise<void> {
  const { event } = ctx;
  const staff = await ctx.db.findOneBy(Staff, { wecomUserId: event.from });
  if (event.type === 'card_click') {
    if (event.key.startsWith('lead:')) return handleLeadButton(ctx, staff, event.key, event.taskId);
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
  ctx.reply(STAFF_HELP);
}
