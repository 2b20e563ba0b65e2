import type { EntityManager } from 'typeorm';
import type { Lead, Ticket } from '../../entities';
import { openLeadOf } from '../leads/records';
import { openTicketsOf } from './tickets';
import { chineseDateTime } from '../calendar/time';

/** Status in plain Chinese (R-SL-1, issue "customer view"): what a customer sees when they ask. */

const TICKET_KIND: Record<string, string> = { complaint: '投诉', service_request: '售后服务', question: '咨询' };

const TICKET_STEP: Record<string, string> = {
  open: '已受理，等待客服处理',
  accepted: '已受理，投诉专员即将与您联系',
  contacted: '专员已与您沟通，正在等待客服部经理的处理意见',
  instructed: '门店正在调查核实',
  investigated: '调查已完成，等待客服部经理的处理决定',
  decided: '处理决定已作出，门店将与您沟通',
  communicated: '处理结果已告知，正在签批归档',
  signed_cs: '处理结果已告知，正在签批归档',
  signed_gm: '已处理完毕',
  archived: '已处理完毕',
  closed: '已处理完毕',
  dispatched: '已安排人员处理',
  in_progress: '正在处理',
  reported: '总经理已督办，正在处理',
  hk_contacted: '已联系涉事阿姨，正在处理',
  confirmed: '已确认，正在安排人员',
};

const LEAD_STEP: Record<string, string> = {
  draft: '还差一些信息（回复我即可补充）',
  new: '已登记，正在为您安排顾问',
  assigned: '已安排顾问，顾问会尽快联系您',
  accepted: '顾问已接单，会尽快联系您',
  contacted: '顾问已与您联系',
};

export function describeTicket(ticket: Ticket, timeZone: string): string {
  const step = TICKET_STEP[ticket.status] ?? '正在处理';
  const feedback = ticket.feedbackDueAt ? `；下次进度反馈不晚于 ${chineseDateTime(ticket.feedbackDueAt, timeZone)}` : '';
  return `${TICKET_KIND[ticket.kind] ?? '工单'} ${ticket.number}：${step}${feedback}`;
}

export function describeLead(lead: Lead): string {
  return `预约咨询 ${lead.number}${lead.serviceType ? `（${lead.serviceType}）` : ''}：${LEAD_STEP[lead.status] ?? '处理中'}`;
}

export async function statusReport(db: EntityManager, customerId: number, timeZone: string): Promise<string> {
  const [tickets, lead] = await Promise.all([openTicketsOf(db, customerId), openLeadOf(db, customerId)]);
  const lines = [...tickets.map((t) => describeTicket(t, timeZone)), ...(lead ? [describeLead(lead)] : [])];
  if (lines.length === 0) return '您目前没有进行中的工单或预约。需要帮助的话，直接告诉我您的需要就好。';
  return `您的进度：\n${lines.map((line) => `· ${line}`).join('\n')}`;
}
