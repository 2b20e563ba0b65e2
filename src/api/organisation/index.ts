import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Database } from '../../entities/database';
import { importRoutes } from './import';
import { staffRoutes } from './staff';
import { storeRoutes } from './stores';

/**
 * The organisation behind lead assignment (R-LD-2): stores with the districts they serve, and
 * staff with their roles, store and working hours. Create, read, patch, and a bulk import from
 * JSON or from a spreadsheet saved as CSV (upsert by wecomUserId, one report line per bad row).
 * Every change writes an audit entry (field names and non-personal values only) and a log line.
 */

export { normaliseWorkingHours, staffJson, storeJson } from './fields';
/** The reader lives in ../csv (shared with the archive imports); re-exported for existing callers. */
export { CsvError, parseCsv } from '../csv';

/** `clock` gives the time of the audit entries. */
export function organisationRoutes(db: Database, log: Logger, clock: () => number = Date.now): Router {
  const org = { db, log, clock };
  const router = new Router();
  for (const routes of [storeRoutes(org), staffRoutes(org), importRoutes(org)]) router.use(routes.routes(), routes.allowedMethods());
  return router;
}
