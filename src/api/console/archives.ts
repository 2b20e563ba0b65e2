import Router from '@koa/router';
import { In } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../../config';
import { Contract, Customer, Housekeeper, Store } from '../../entities';
import type { Database } from '../../entities/database';
import { hasRole } from '../../entities/staff';
import { recordView, scopeOf } from '../../handlers/access';
import { say } from '../../../config/say';
import { archiveImports } from '../archives';
import { ApiError, paging } from '../http';
import { stateOf } from './session';
import type { ContractChain } from './types';

/**
 * 档案 in the console: contracts with their chain of terms (each renewal points at the term it
 * follows), and the spreadsheet imports of housekeepers (HR, the CS manager, the GM) and contracts
 * (the CS manager, the GM) through the admin API's own import engine and its per-row report.
 */
export function archiveConsoleRoutes(config: Config, db: Database, log: Logger, now: () => number): Router {
  const router = new Router();
  const imports = archiveImports(db, log, now, config.timezone);

  router.get('/contracts', async (ctx) => {
    const { staff } = stateOf(ctx);
    const scope = scopeOf(staff);
    if (!scope.all && scope.storeId === null && scope.consultantId === null) throw new ApiError(403, say('console.refused.contracts'));
    const where = scope.all ? {} : [...(scope.storeId !== null ? [{ storeId: scope.storeId }] : []), ...(scope.consultantId !== null ? [{ consultantId: scope.consultantId }] : [])];
    const contracts = await db.reader.find(Contract, { where, order: { id: 'ASC' }, ...paging(ctx) });
    const [customers, housekeepers, stores] = await Promise.all([
      contracts.length ? db.reader.find(Customer, { where: { id: In(contracts.map((c) => c.customerId)) } }) : [],
      contracts.length ? db.reader.find(Housekeeper, { where: { id: In(contracts.map((c) => c.housekeeperId).filter((id): id is number => id !== null)) } }) : [],
      db.reader.find(Store),
    ]);
    await db.write(async (m) => {
      for (const c of customers) await recordView(m, { actor: staff.wecomUserId, subject: 'customer', subjectId: c.id, via: 'console_contracts', fields: ['name'] }, now());
    });
    const byId = new Map(contracts.map((c) => [c.id, c]));
    // a chain is followed back to its first term; the list shows each chain once, newest term first
    const rootOf = (c: Contract): Contract => (c.previousId !== null && byId.has(c.previousId) ? rootOf(byId.get(c.previousId)!) : c);
    const chains = new Map<number, Contract[]>();
    for (const c of contracts) chains.set(rootOf(c).id, [...(chains.get(rootOf(c).id) ?? []), c]);
    const name = (id: number | null, list: { id: number; name: string | null }[]) => list.find((x) => x.id === id)?.name ?? null;
    const rows: ContractChain[] = [...chains.values()].map((terms) => {
      const sorted = terms.sort((a, b) => b.startDate.localeCompare(a.startDate));
      const latest = sorted[0];
      return {
        customerName: name(latest.customerId, customers),
        housekeeper: latest.housekeeperId ? (housekeepers.find((h) => h.id === latest.housekeeperId)?.code ?? null) : null,
        store: name(latest.storeId, stores),
        terms: sorted.map((c) => ({ id: c.id, number: c.number, startDate: c.startDate, endDate: c.endDate, status: c.status, amountYuan: c.amountFen / 100 })),
      };
    });
    ctx.body = { chains: rows };
  });

  router.post('/import/housekeepers', async (ctx) => {
    const { staff } = stateOf(ctx);
    if (!(hasRole(staff, 'hr') || hasRole(staff, 'cs_manager') || hasRole(staff, 'gm'))) throw new ApiError(403, say('console.refused.import'));
    await imports.housekeepers(ctx, staff.wecomUserId);
  });

  router.post('/import/contracts', async (ctx) => {
    const { staff } = stateOf(ctx);
    if (!(hasRole(staff, 'cs_manager') || hasRole(staff, 'gm'))) throw new ApiError(403, say('console.refused.import'));
    await imports.contracts(ctx, staff.wecomUserId);
  });
  return router;
}
