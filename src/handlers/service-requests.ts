import type { Customer, Ticket } from '../entities';
import { requestDeadlines, requestPromise } from './commitments';
import type { HandlerContext } from './ports';
import { startServiceRequestWorkflow } from './service-request-workflow';
import { createTicket } from './tickets';

/** After-sales requests (R-AS-1): 换阿姨, 上门, 退款, 替班, 返工 — and hand-offs to a person. */

const REQUEST_NAMES: Record<string, string> = {
  replacement: '更换阿姨',
  on_site: '上门服务',
  refund: '退款/退换',
  leave_cover: '替班',
  redo: '返工',
};

export async function openServiceRequest(
  ctx: HandlerContext,
  customer: Customer,
  facts: { requestKind?: string; summary: string; channel: string; loggedBy?: string },
  actor: string,
): Promise<Ticket> {
  const now = ctx.clock.now();
  const ticket = await createTicket(
    ctx.db,
    customer,
    {
      kind: 'service_request',
      category: facts.requestKind ?? 'other',
      summary: facts.summary,
      channel: facts.channel,
      status: 'open',
      deadlines: requestDeadlines(ctx.config.commitments, now),
      loggedBy: facts.loggedBy,
    },
    now,
    ctx.config.timezone,
    actor,
  );
  await startServiceRequestWorkflow(ctx, ticket);
  return ticket;
}

export function serviceRequestAccepted(ctx: HandlerContext, ticket: Ticket): string {
  const name = REQUEST_NAMES[ticket.category ?? ''] ?? '售后';
  return `您的${name}申请已受理，编号 ${ticket.number}。${requestPromise(ctx.config.commitments, ticket.category ?? undefined)}`;
}

/** 转人工 and questions a person should answer: a ticket a specialist picks up. */
export async function openHandoff(ctx: HandlerContext, customer: Customer, summary: string, category: 'human' | 'renewal'): Promise<Ticket> {
  const now = ctx.clock.now();
  return createTicket(
    ctx.db,
    customer,
    { kind: 'question', category, summary, channel: customer.platform ?? 'wechat', status: 'open', deadlines: requestDeadlines(ctx.config.commitments, now) },
    now,
    ctx.config.timezone,
    'customer',
  );
}
