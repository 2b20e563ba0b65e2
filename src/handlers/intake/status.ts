import type { EntityManager } from 'typeorm';
import { describeTicket, openTicketsOf } from '../cases';
import { describeLead, openLeadOf } from '../leads';

/** 查进度: every open case and the open lead of a customer, in plain Chinese (R-SL-1). */
export async function statusReport(db: EntityManager, customerId: number, timeZone: string): Promise<string> {
  const [tickets, lead] = await Promise.all([openTicketsOf(db, customerId), openLeadOf(db, customerId)]);
  const lines = [...tickets.map((t) => describeTicket(t, timeZone)), ...(lead ? [describeLead(lead)] : [])];
  if (lines.length === 0) return '您目前没有进行中的工单或预约。需要帮助的话，直接告诉我您的需要就好。';
  return `您的进度：\n${lines.map((line) => `· ${line}`).join('\n')}`;
}
