import { In } from 'typeorm';
import { Contract, Ticket, TicketEvent, type Customer } from '../../entities';
import { requestDeadlines, requestPromise } from './commitments';
import { daysBetween } from '../calendar';
import type { HandlerContext } from '../ports';
import { addTimeline } from '../records';
import { startServiceRequestWorkflow } from './service-request-workflow';
import { createTicket } from './tickets';
import { isoDay } from '../calendar';
import { say, sayName } from '../../../config/say';

/** After-sales requests (R-AS-1): 换阿姨, 上门, 退款, 替班, 返工 — and hand-offs to a person. */


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
  const name = sayName(`common.request.${ticket.category ?? 'other'}`, 'common.request.other');
  const c = ctx.config.commitments;
  const accepted = (promise: string) => say('cases.request.accepted', { name, caseNo: ticket.number, promise });
  if (ticket.category === 'refund') {
    if (ticket.status === 'confirmed') return accepted(say('cases.request.refundWithin', { days: c.noReasonReturnDays, replyHours: c.replyHours }));
    // a window note without confirmation: the contract started too long ago
    if (await ctx.db.existsBy(TicketEvent, { ticketId: ticket.id, type: 'refund_window' })) {
      return accepted(say('cases.request.refundBeyond', { days: c.noReasonReturnDays, replyHours: c.replyHours }));
    }
  }
  return accepted(requestPromise(c, ticket.category ?? undefined));
}

/** 转人工 and questions a person should answer: a ticket a specialist picks up. */
export async function openHandoff(ctx: Pick<HandlerContext, 'db' | 'clock' | 'config'>, customer: Customer, summary: string, category: 'human' | 'renewal'): Promise<Ticket> {
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
