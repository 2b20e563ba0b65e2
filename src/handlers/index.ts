import { handleGroupEvent } from './approvals/decisions';
import { handleCustomerEvent } from './intake';
import type { Handler } from './ports';
import { handleStaffEvent } from './staff/desk';

/**
 * The table of contents of what the bot does with an inbound event:
 * - customers (OA, personal WeChat)  → intake: dialogue, leads, complaints, service requests
 * - staff (WeCom)                     → staff: logging calls (登记), card buttons, approvals
 * - the managers' WeChat group        → 同意/驳回 commands on approval steps; other talk is ignored
 */
export const handleInbound: Handler = async (ctx) => {
  if (ctx.event.platform === 'wecom') return handleStaffEvent(ctx);
  if (ctx.event.platform === 'wechaty' && ctx.event.roomId) return handleGroupEvent(ctx);
  return handleCustomerEvent(ctx);
};
