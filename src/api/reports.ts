import Router from '@koa/router';
import type { Config } from '../../config';
import type { Database } from '../entities/database';
import { complaintReport } from '../handlers/reports/complaints';
import { leadReport } from '../handlers/reports/leads';
import { monthParam } from './http';

/** Monthly reports as JSON: the same numbers the monthly report job sends to the GM. */
export function reportRoutes(config: Config, db: Database): Router {
  const router = new Router();
  router.get('/reports/leads', async (ctx) => {
    ctx.body = await leadReport(db.reader, monthParam(ctx), config.timezone);
  });
  router.get('/reports/complaints', async (ctx) => {
    ctx.body = await complaintReport(db.reader, monthParam(ctx), config.timezone);
  });
  return router;
}
