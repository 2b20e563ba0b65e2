import Router from '@koa/router';
import type { Config } from '../../config';
import type { Database } from '../entities/database';
import { complaintReport, leadReport, monthlyReport, performanceCsv, performanceReport } from '../handlers/reports';
import { monthParam, optionalString } from './http';

/** Monthly reports as JSON: the same numbers the monthly report job sends to the GM. */
export function reportRoutes(config: Config, db: Database): Router {
  const router = new Router();
  router.get('/reports/leads', async (ctx) => {
    ctx.body = await leadReport(db.reader, monthParam(ctx), config.timezone);
  });
  router.get('/reports/complaints', async (ctx) => {
    ctx.body = await complaintReport(db.reader, monthParam(ctx), config.timezone);
  });
  router.get('/reports/monthly', async (ctx) => {
    ctx.body = await monthlyReport(db.reader, monthParam(ctx), config.timezone);
  });
  // 阿姨绩效 (R-AR-2): JSON, or CSV for HR and finance (format=csv)
  router.get('/reports/housekeepers', async (ctx) => {
    const month = monthParam(ctx);
    const format = optionalString(ctx, 'format', ['json', 'csv']) ?? 'json';
    const report = await performanceReport(db.reader, month, config.timezone);
    if (format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`housekeepers-${month}.csv`);
      ctx.body = performanceCsv(report);
      return;
    }
    ctx.body = report;
  });
  return router;
}
