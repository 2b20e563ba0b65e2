import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Database } from '../entities/database';
import { apiErrors, requireAdmin } from './http';
import { recordRoutes } from './records';

/** The admin REST API under /api: bearer ADMIN_TOKEN, JSON in and out. */
export function adminApi(config: Config, db: Database, log: Logger): Router {
  const router = new Router({ prefix: '/api' });
  router.use(apiErrors(log), requireAdmin(config.adminToken, log));
  const records = recordRoutes(db);
  router.use(records.routes(), records.allowedMethods());
  return router;
}
