import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Database } from '../entities/database';
import { archiveRoutes } from './archives';
import { auditRoutes } from './audit';
import { customerRoutes } from './customers';
import type { QrCodes } from '../handlers/ports';
import { apiErrors, requireAdmin } from './http';
import { jobRoutes } from './jobs';
import { oncallRoutes } from './oncall';
import { organisationRoutes } from './organisation';
import { penaltyRoutes } from './penalties';
import { recordRoutes } from './records';
import { reportRoutes } from './reports';
import type { JobRunner } from '../jobs/runner';
import type { EvidenceStore } from '../bot/evidence-store';

/**
 * The admin REST API under /api: bearer ADMIN_TOKEN, JSON in and out. Mount it with adminGate
 * (src/api/http.ts), never with app.use(router.routes()) alone: the gate is what makes every
 * spelling of /api (case, %-encoding, doubled slashes) need the token. The router keeps its own
 * check as a second line.
 */
export function adminApi(config: Config, db: Database, log: Logger, jobs: JobRunner, evidence: EvidenceStore, clock: () => number = Date.now, qr?: QrCodes): Router {
  const router = new Router({ prefix: '/api' });
  router.use(apiErrors(log), requireAdmin(config.adminToken, log));
  for (const routes of [recordRoutes(db, evidence), reportRoutes(config, db), jobRoutes(config, db, jobs), organisationRoutes(db, log, clock), penaltyRoutes(db), archiveRoutes(db, log, clock, config.timezone), auditRoutes(db), oncallRoutes(db, clock), customerRoutes(db, qr, clock)]) {
    router.use(routes.routes(), routes.allowedMethods());
  }
  return router;
}
