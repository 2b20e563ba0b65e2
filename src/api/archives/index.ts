import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Database } from '../../entities/database';
import { archivesContext } from './archive';
import { contractKind, contractRoutes } from './contracts';
import { housekeeperKind, housekeeperRoutes } from './housekeepers';
import { importArchives, importRoutes } from './import';
import type { Context } from 'koa';
import { movementRoutes } from './movements';

/**
 * The archives (R-AR-1, R-CT-1): housekeepers (家政服务人员档案) with their movement log
 * (新到 / 上岗 / 返回 / 辞职), and contracts (家庭服务雇佣居间合同) with their chain of terms.
 * Create, read, patch, and a bulk import from JSON or a spreadsheet saved as CSV (upsert by
 * housekeeper code / contract number). The audit trail (R-SC-2) is written in the same transaction
 * as every change (../audit).
 *
 * Personal data (R-SC-1): log lines carry counts and ids only, and refusal reasons never repeat a
 * phone or an ID number. Housekeeper codes and contract numbers are kept in upper case: then the
 * unique index means the same on SQLite and MariaDB (whose collation ignores case) and every lookup
 * can use it.
 */

export { calendarDay, checkIdNumber, dayStart } from './values';
export { MOVEMENT_KINDS, MOVEMENT_LABELS, type MovementKind } from './movements';
export type { EmergencyContact } from './housekeepers';

/**
 * `clock` gives "now" (createdAt, audit times, today's date for a new archive and for refusing
 * future movements); `timeZone` is the business time zone of movement dates.
 */
export function archiveRoutes(db: Database, log: Logger, clock: () => number, timeZone = 'Asia/Shanghai'): Router {
  const ax = archivesContext(db, log, clock, timeZone);
  const housekeepers = housekeeperKind(ax);
  const contracts = contractKind();
  const show = async (id: number) => housekeepers.detail(db.reader, await housekeepers.or404(db.reader, id));
  const router = new Router();
  for (const routes of [housekeeperRoutes(ax, housekeepers), movementRoutes(ax, show), contractRoutes(ax, contracts), importRoutes(ax, housekeepers, contracts)]) {
    router.use(routes.routes(), routes.allowedMethods());
  }
  return router;
}

/**
 * The same imports for the staff console (工作台 → 档案): the same engine and per-row report, the
 * audit trail naming the member of staff who imported instead of `admin`.
 */
export function archiveImports(db: Database, log: Logger, clock: () => number, timeZone = 'Asia/Shanghai') {
  const ax = archivesContext(db, log, clock, timeZone);
  const housekeepers = housekeeperKind(ax);
  const contracts = contractKind();
  return {
    housekeepers: (ctx: Context, actor: string) => importArchives(ax, ctx, housekeepers, actor),
    contracts: (ctx: Context, actor: string) => importArchives(ax, ctx, contracts, actor),
  };
}
