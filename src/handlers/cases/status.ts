import type { Ticket } from '../../entities';
import { chineseDateTime } from '../calendar';

/** A case's status in plain Chinese (R-SL-1, issue "customer view"): what a customer sees when they ask. */

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

export function describeTicket(ticket: Ticket, timeZone: string): string {
  const step = TICKET_STEP[ticket.status] ?? '正在处理';
  const feedback = ticket.feedbackDueAt ? `；下次进度反馈不晚于 ${chineseDateTime(ticket.feedbackDueAt, timeZone)}` : '';
  return `${TICKET_KIND[ticket.kind] ?? '工单'} ${ticket.number}：${step}${feedback}`;
}
