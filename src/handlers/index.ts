import { handleCustomerEvent } from './intake';
import type { Handler } from './ports';
import { handleStaffEvent } from './staff';

/**
 * The table of contents of what the bot does with an inbound event:
 * - customers (OA, personal WeChat)  → intake: dialogue, leads, complaints, service requests
 * - staff (WeCom)                     → staff: logging calls (登记), card buttons, approvals
 */
export const handleInbound: Handler = async (ctx) => {
  if (ctx.event.platform === 'wecom') return handleStaffEvent(ctx);
  return handleCustomerEvent(ctx);
};
