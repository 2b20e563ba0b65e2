import { Between, In, type EntityManager } from 'typeorm';
import { Housekeeper, HousekeeperMovement, Penalty, Staff, Store, Ticket } from '../../entities';
import { hasRole, type Role } from '../../entities/staff';
import { csvDocument } from '../../lib/csv';
import { chineseDateTime, monthRange } from '../calendar';
import { MAX_FILE_BYTES, type FlowContext } from '../ports';
import { say, sayName } from '../../../config/say';

/**
 * Month end (R-CP-3, R-ST-4, the seed's order): 人资 gets the copy of every penalty slip the GM
 * signed for that payroll month with the deductions (月绩效扣款明细表), and 财务 the housekeepers'
 * attendance sheet (who started, came back or left, and when). Both as CSV files in WeCom; each
 * slip is marked as sent to 人资 so a re-run sends nothing twice.
 */

const DEDUCTION_HEADER = ['reports.payroll.col.code', 'reports.payroll.col.name', 'reports.payroll.col.case', 'reports.payroll.col.amount', 'reports.payroll.col.reason', 'reports.payroll.col.witness', 'reports.payroll.col.gm'] as const;
const ATTENDANCE_HEADER = ['reports.payroll.col.code', 'reports.payroll.col.name', 'reports.payroll.col.store', 'reports.payroll.col.movement', 'reports.payroll.col.time'] as const;

async function holders(db: EntityManager, role: Role): Promise<Staff[]> {
  return (await db.find(Staff, { where: { active: true }, order: { id: 'ASC' } })).filter((s) => hasRole(s, role));
}

function sendCsv(ctx: FlowContext, people: Staff[], filename: string, csv: string, summary: string): void {
  const bytes = Buffer.from(csv, 'utf8');
  for (const person of people) {
    const to = { platform: 'wecom' as const, id: person.wecomUserId };
    ctx.send({ type: 'text', to, text: summary });
    if (bytes.length <= MAX_FILE_BYTES) ctx.send({ type: 'file', to, data: bytes.toString('base64'), filename });
    else ctx.send({ type: 'text', to, text: say('reports.payroll.tooLarge') });
  }
}

/** 月绩效扣款明细表 to 人资: the approved slips of the payroll month not sent yet. */
export async function sendDeductions(ctx: FlowContext, month: string): Promise<number> {
  const hr = await holders(ctx.db, 'hr');
  const slips = await ctx.db.find(Penalty, { where: { month, status: 'approved' }, order: { id: 'ASC' } });
  const unsent = slips.filter((p) => p.hrSentAt === null);
  if (hr.length === 0 || unsent.length === 0) {
    if (unsent.length && !hr.length) ctx.log.warn({ month, slips: unsent.length }, 'deductions: nobody holds the hr role');
    return 0;
  }
  const housekeepers = await ctx.db.find(Housekeeper, { where: { id: In(slips.map((p) => p.housekeeperId)) } });
  const tickets = await ctx.db.find(Ticket, { where: { id: In(slips.map((p) => p.ticketId)) }, select: { id: true, number: true } });
  const hk = new Map(housekeepers.map((h) => [h.id, h]));
  const number = new Map(tickets.map((t) => [t.id, t.number]));
  const rows = slips.map((p) => [hk.get(p.housekeeperId)?.code, hk.get(p.housekeeperId)?.name, number.get(p.ticketId), (p.amountFen / 100).toFixed(2), p.reason, p.witnessedBy, p.approvedBy]);
  const csv = csvDocument(DEDUCTION_HEADER.map((key) => say(key)), rows);
  const total = (slips.reduce((sum, p) => sum + p.amountFen, 0) / 100).toFixed(2);
  sendCsv(ctx, hr, say('reports.payroll.deductionsFile', { month }), csv, say('reports.payroll.deductions', { month, count: slips.length, total }));
  await ctx.db.update(Penalty, { id: In(unsent.map((p) => p.id)) }, { hrSentAt: ctx.clock.now() });
  return slips.length;
}

/** The attendance sheet to 财务: the month's movements of every housekeeper (上岗, 返回, 辞职…). */
export async function sendAttendance(ctx: FlowContext, month: string): Promise<number> {
  const finance = await holders(ctx.db, 'finance');
  if (finance.length === 0) return 0;
  const { start, end } = monthRange(month, ctx.config.timezone);
  const movements = await ctx.db.find(HousekeeperMovement, { where: { at: Between(start, end - 1) }, order: { at: 'ASC', id: 'ASC' } });
  const housekeepers = movements.length ? await ctx.db.find(Housekeeper, { where: { id: In(movements.map((m) => m.housekeeperId)) } }) : [];
  const stores = await ctx.db.find(Store);
  const hk = new Map(housekeepers.map((h) => [h.id, h]));
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const rows = movements.map((m) => {
    const h = hk.get(m.housekeeperId);
    return [h?.code, h?.name, h?.storeId ? storeName.get(h.storeId) : '', sayName(`common.movement.${m.kind}`, 'common.housekeeperStatus.other'), chineseDateTime(m.at, ctx.config.timezone)];
  });
  sendCsv(ctx, finance, say('reports.payroll.attendanceFile', { month }), csvDocument(ATTENDANCE_HEADER.map((key) => say(key)), rows), say('reports.payroll.attendance', { month, count: movements.length }));
  return movements.length;
}
