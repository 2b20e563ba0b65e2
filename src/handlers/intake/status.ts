import type { EntityManager } from 'typeorm';
import { describeTicket, openTicketsOf } from '../cases';
import { describeLead, openLeadOf } from '../leads';
import { say } from '../../../config/say';

/** 查进度: every open case and the open lead of a customer, in plain Chinese (R-SL-1). */
export async function statusReport(db: EntityManager, customerId: number, timeZone: string): Promise<string> {
  const [tickets, lead] = await Promise.all([openTicketsOf(db, customerId), openLeadOf(db, customerId)]);
  const lines = [...tickets.map((t) => describeTicket(t, timeZone)), ...(lead ? [describeLead(lead)] : [])];
  if (lines.length === 0) return say('intake.status.none');
  return say('intake.status.list', { lines: lines.map((line) => `· ${line}`).join('\n') });
}
