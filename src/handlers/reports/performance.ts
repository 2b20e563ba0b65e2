import { Between, In, IsNull, Not, type EntityManager } from 'typeorm';
import { Housekeeper } from '../../entities/housekeeper';
import { Penalty } from '../../entities/penalty';
import { Store } from '../../entities/store';
import { Survey } from '../../entities/survey';
import { Ticket } from '../../entities/ticket';
import { csvDocument } from '../../lib/csv';
import { monthRange } from '../calendar';
import { say, sayName } from '../../../config/say';

/**
 * 阿姨绩效 (R-AR-2): per housekeeper for a month, the complaints against her (by severity), the
 * penalty slips of that payroll month (approved ones and their amount), and the satisfaction
 * scores of surveys answered in the month that name her. Every housekeeper who has not resigned
 * has a row, and so does anyone with a record in the month; no composite score is made up here:
 * how the parts weigh is HR's call.
 */

export interface HousekeeperPerformance {
  housekeeperId: number;
  code: string;
  name: string;
  store: string | null;
  status: string;
  complaints: { total: number; ordinary: number; serious: number };
  penalties: { approved: number; approvedFen: number; pending: number };
  surveys: { count: number; meanScore: number | null };
}

export interface PerformanceReport {
  month: string;
  housekeepers: HousekeeperPerformance[];
}

const PENDING_PENALTY = ['raised', 'acknowledged'];

export async function performanceReport(db: EntityManager, month: string, timeZone: string): Promise<PerformanceReport> {
  const { start, end } = monthRange(month, timeZone);
  const complaints = await db.find(Ticket, {
    select: { id: true, housekeeperId: true, severity: true },
    where: { kind: 'complaint', housekeeperId: Not(IsNull()), createdAt: Between(start, end - 1) },
  });
  const penalties = await db.find(Penalty, { select: { id: true, housekeeperId: true, status: true, amountFen: true }, where: { month } });
  const surveys = await db.find(Survey, {
    select: { id: true, housekeeperId: true, score: true },
    where: { status: 'answered', housekeeperId: Not(IsNull()), score: Not(IsNull()), answeredAt: Between(start, end - 1) },
  });
  const active = new Set(complaints.map((t) => t.housekeeperId!).concat(penalties.map((p) => p.housekeeperId), surveys.map((s) => s.housekeeperId!)));
  const housekeepers = await db.find(Housekeeper, {
    where: active.size ? [{ status: Not('resigned') }, { id: In([...active]) }] : { status: Not('resigned') },
  });
  const stores = new Map((await db.find(Store)).map((s) => [s.id, s.name]));
  const rows = housekeepers.map((h): HousekeeperPerformance => {
    const own = complaints.filter((t) => t.housekeeperId === h.id);
    const slips = penalties.filter((p) => p.housekeeperId === h.id);
    const approved = slips.filter((p) => p.status === 'approved');
    const scores = surveys.filter((s) => s.housekeeperId === h.id).map((s) => s.score!);
    return {
      housekeeperId: h.id,
      code: h.code,
      name: h.name,
      store: h.storeId ? stores.get(h.storeId) ?? `#${h.storeId}` : null,
      status: h.status,
      complaints: { total: own.length, ordinary: own.filter((t) => t.severity !== 'serious').length, serious: own.filter((t) => t.severity === 'serious').length },
      penalties: { approved: approved.length, approvedFen: approved.reduce((sum, p) => sum + p.amountFen, 0), pending: slips.filter((p) => PENDING_PENALTY.includes(p.status)).length },
      surveys: { count: scores.length, meanScore: scores.length ? Math.round((scores.reduce((sum, s) => sum + s, 0) / scores.length) * 100) / 100 : null },
    };
  });
  rows.sort((a, b) => a.code.localeCompare(b.code));
  return { month, housekeepers: rows };
}

export const PERFORMANCE_CSV_HEADER = say('reports.performance.header').split(',');

/** For HR and finance, through the one CSV writer (BOM, CRLF, formulas neutralised). */
export function performanceCsv(report: PerformanceReport): string {
  const lines = report.housekeepers.map((h) => [
    report.month,
    h.code,
    h.name,
    h.store,
    sayName(`common.housekeeperStatus.${h.status}`, 'common.housekeeperStatus.other'),
    h.complaints.total,
    h.complaints.ordinary,
    h.complaints.serious,
    h.penalties.approved,
    (h.penalties.approvedFen / 100).toFixed(2),
    h.penalties.pending,
    h.surveys.count,
    h.surveys.meanScore === null ? '' : h.surveys.meanScore.toFixed(2),
  ]);
  return csvDocument(PERFORMANCE_CSV_HEADER, lines);
}
