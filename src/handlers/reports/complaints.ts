import { Between, In, type EntityManager } from 'typeorm';
import { Approval } from '../../entities/approval';
import { Housekeeper } from '../../entities/housekeeper';
import { Penalty } from '../../entities/penalty';
import { Store } from '../../entities/store';
import { Ticket } from '../../entities/ticket';
import { TicketEvent } from '../../entities/ticket-event';
import { monthRange } from '../calendar';
import { median } from './leads';
import { say } from '../../../config/say';

/**
 * Monthly complaint analysis (R-CP-5, 月度客户投诉汇总记录表): complaints of the month by severity,
 * category, store and housekeeper; time to first contact (the specialist's apology, or the CS
 * manager's acknowledgement of a serious case) and to close; SLA breaches; penalties and
 * compensation decided in the month.
 */

export interface ComplaintReport {
  month: string;
  total: number;
  bySeverity: Record<string, number>;
  byCategory: Record<string, number>;
  byStore: Record<string, number>;
  byHousekeeper: Record<string, number>;
  closed: number;
  medianHoursToFirstContact: number | null;
  medianHoursToClose: number | null;
  slaBreaches: { total: number; byCommitment: Record<string, number> };
  penalties: { count: number; approvedFen: number };
  compensation: { count: number; amountFen: number };
  complaints: { number: string; severity: string | null; category: string | null; status: string; createdAt: string }[];
}

const hours = (ms: number) => Math.round(ms / 360_000) / 10;

function count<T>(items: T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

export async function complaintReport(db: EntityManager, month: string, timeZone: string): Promise<ComplaintReport> {
  const { start, end } = monthRange(month, timeZone);
  const complaints = await db.find(Ticket, { where: { kind: 'complaint', createdAt: Between(start, end - 1) }, order: { id: 'ASC' } });
  const ids = complaints.map((t) => t.id);
  const stores = new Map((await db.find(Store)).map((s) => [s.id, s.name]));
  const housekeeperIds = [...new Set(complaints.map((t) => t.housekeeperId).filter((id): id is number => id !== null))];
  const housekeepers = new Map((housekeeperIds.length ? await db.find(Housekeeper, { where: { id: In(housekeeperIds) } }) : []).map((h) => [h.id, `${h.code} ${h.name}`]));
  const firstContact = ids.length ? await db.find(Approval, { where: { ticketId: In(ids), step: In(['apology', 'serious_ack']), status: 'decided' } }) : [];
  const contactAt = new Map<number, number>();
  for (const approval of firstContact) {
    const previous = contactAt.get(approval.ticketId!);
    if (approval.decidedAt && (previous === undefined || approval.decidedAt < previous)) contactAt.set(approval.ticketId!, approval.decidedAt);
  }
  const events = ids.length ? await db.find(TicketEvent, { where: { ticketId: In(ids), type: In(['sla_breach', 'compensation']) } }) : [];
  const breaches = events.filter((e) => e.type === 'sla_breach').map((e) => JSON.parse(e.data ?? '{}') as { commitment?: string });
  const compensations = events.filter((e) => e.type === 'compensation').map((e) => JSON.parse(e.data ?? '{}') as { amountFen?: number | null; decided?: string }).filter((c) => c.decided === 'pay_first');
  const penalties = await db.find(Penalty, { where: { month } });
  const closed = complaints.filter((t) => t.closedAt !== null);
  return {
    month,
    total: complaints.length,
    bySeverity: count(complaints, (t) => t.severity ?? 'ordinary'),
    byCategory: count(complaints, (t) => t.category ?? 'other'),
    byStore: count(complaints, (t) => (t.storeId ? stores.get(t.storeId) ?? `#${t.storeId}` : say('reports.noStore'))),
    byHousekeeper: count(complaints.filter((t) => t.housekeeperId), (t) => housekeepers.get(t.housekeeperId!) ?? `#${t.housekeeperId}`),
    closed: closed.length,
    medianHoursToFirstContact: ((m) => (m === null ? null : hours(m)))(median(complaints.filter((t) => contactAt.has(t.id)).map((t) => contactAt.get(t.id)! - t.createdAt))),
    medianHoursToClose: ((m) => (m === null ? null : hours(m)))(median(closed.map((t) => t.closedAt! - t.createdAt))),
    slaBreaches: { total: breaches.length, byCommitment: count(breaches, (b) => b.commitment ?? 'other') },
    penalties: { count: penalties.length, approvedFen: penalties.filter((p) => p.status === 'approved').reduce((sum, p) => sum + p.amountFen, 0) },
    compensation: { count: compensations.length, amountFen: compensations.reduce((sum, c) => sum + (c.amountFen ?? 0), 0) },
    complaints: complaints.map((t) => ({ number: t.number, severity: t.severity, category: t.category, status: t.status, createdAt: new Date(t.createdAt).toISOString() })),
  };
}
