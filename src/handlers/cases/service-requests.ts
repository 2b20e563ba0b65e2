import { In } from 'typeorm';
import { Contract, Ticket, TicketEvent, type Customer } from '../../entities';
import { requestDeadlines, requestPromise } from './commitments';
import { daysBetween } from '../calendar';
import type { HandlerContext } from '../ports';
import { addTimeline } from '../records';
import { startServiceRequestWorkflow } from './service-request-workflow';
import { createTicket } from './tickets';
import { isoDay } from '../calendar';

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
  const window = ticket.category === 'refund' ? await refundWindow(ctx, customer) : undefined;
  if (window) {
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'refund_window', actor: 'system', data: window, at: now });
  }
  if (window?.within) {
    // inside the no-reason window: accepted without questions, straight to arranging the refund
    await ctx.db.update(Ticket, { id: ticket.id }, { status: 'confirmed' });
    ticket.status = 'confirmed';
    await startServiceRequestWorkflow(ctx, ticket, 'dispatch');
  } else {
    await startServiceRequestWorkflow(ctx, ticket);
  }
  return ticket;
}

/** The no-reason return window (R-SL-1, 15 days from service start) against the customer's current contract. */
async function refundWindow(ctx: HandlerContext, customer: Customer): Promise<{ within: boolean; startDate: string; days: number } | undefined> {
  const contract = await ctx.db.findOne(Contract, { where: { customerId: customer.id, status: In(['active', 'renewed']) }, order: { startDate: 'DESC', id: 'DESC' } });
  if (!contract) return undefined;
  const days = daysBetween(contract.startDate, isoDay(ctx.clock.now(), ctx.config.timezone));
  return { within: days >= 0 && days < ctx.config.commitments.noReasonReturnDays, startDate: contract.startDate, days };
}

export async function serviceRequestAccepted(ctx: HandlerContext, ticket: Ticket): Promise<string> {
  const name = REQUEST_NAMES[ticket.category ?? ''] ?? '售后';
  const c = ctx.config.commitments;
  const head = `您的${name}申请已受理，编号 ${ticket.number}。`;
  if (ticket.category === 'refund') {
    if (ticket.status === 'confirmed') return `${head}您的服务开始不满${c.noReasonReturnDays}天，符合无理由退款，无需说明原因，我们会在${c.replyHours}小时内为您办理。`;
    // a window note without confirmation: the contract started too long ago
    if (await ctx.db.existsBy(TicketEvent, { ticketId: ticket.id, type: 'refund_window' })) {
      return `${head}您的服务已开始超过${c.noReasonReturnDays}天，将按合同约定处理，客服会在${c.replyHours}小时内与您沟通方案。`;
    }
  }
  return `${head}${requestPromise(c, ticket.category ?? undefined)}`;
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
