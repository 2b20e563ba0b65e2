import Router from '@koa/router';
import { In } from 'typeorm';
import { Housekeeper, Penalty, Ticket } from '../entities';
import type { Database } from '../entities/database';
import { csvDocument } from '../lib/csv';
import { iso, monthParam, optionalString } from './http';

/** 员工处罚单 for payroll (R-CP-3): JSON, or CSV for HR and finance (`format=csv`). */

export type PenaltyStatusFilter = Penalty['status'] | 'all';

/** A month's penalty slips as the payroll export lists them (the admin API and the console share it). */
export async function penaltyExport(db: Database, month: string, status: PenaltyStatusFilter) {
  const penalties = await db.reader.find(Penalty, { where: status === 'all' ? { month } : { month, status }, order: { id: 'ASC' } });
  const housekeepers = new Map((await db.reader.find(Housekeeper, { where: { id: In(penalties.map((p) => p.housekeeperId)) } })).map((h) => [h.id, h]));
  const tickets = new Map((await db.reader.find(Ticket, { where: { id: In(penalties.map((p) => p.ticketId)) } })).map((t) => [t.id, t.number]));
  const rows = penalties.map((p) => ({
    id: p.id,
    month: p.month,
    housekeeperId: p.housekeeperId,
    housekeeperCode: housekeepers.get(p.housekeeperId)?.code ?? null,
    housekeeperName: housekeepers.get(p.housekeeperId)?.name ?? null,
    ticket: tickets.get(p.ticketId) ?? null,
    amountYuan: (p.amountFen / 100).toFixed(2),
    reason: p.reason,
    status: p.status,
    raisedBy: p.raisedBy,
    acknowledgedBy: p.acknowledgedBy,
    approvedBy: p.approvedBy,
    decidedAt: iso(p.decidedAt),
  }));
  const header = ['月份', '阿姨编号', '阿姨姓名', '投诉编号', '扣款金额(元)', '原因', '状态', '开具人', '责任人确认', '总经理审批'];
  const csv = () => csvDocument(header, rows.map((r) => [r.month, r.housekeeperCode, r.housekeeperName, r.ticket, r.amountYuan, r.reason, r.status, r.raisedBy, r.acknowledgedBy, r.approvedBy]));
  return { rows, csv };
}

export function penaltyRoutes(db: Database): Router {
  const router = new Router();
  router.get('/penalties', async (ctx) => {
    const month = monthParam(ctx);
    const status = (optionalString(ctx, 'status', ['raised', 'acknowledged', 'approved', 'rejected', 'all']) ?? 'approved') as PenaltyStatusFilter;
    const { rows, csv } = await penaltyExport(db, month, status);
    if (optionalString(ctx, 'format', ['json', 'csv']) === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`penalties-${month}.csv`);
      ctx.body = csv();
      return;
    }
    ctx.body = { month, status, penalties: rows.map(({ housekeeperId: _internal, ...row }) => row) };
  });
  return router;
}
