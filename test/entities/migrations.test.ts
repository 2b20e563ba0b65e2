import { Approval, Contract, Housekeeper, Penalty, Ticket } from '../../src/entities';
import { Database } from '../../src/entities/database';
import { DIALECTS, mysqlAvailable, mysqlConfig, sqliteConfig } from '../support/databases';
import { skipReason } from '../support/environment';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  // decided before the run (environment.ts): a missing MariaDB shows as a skipped test, not a pass
  const declare = dialect === 'mysql' && !mysqlAvailable() ? it.skip : it;
  declare(`run up to the latest schema, down to nothing, and up again${declare === it ? '' : ` (skipped: ${skipReason('mysql')})`}`, async () => {
    const config = dialect === 'sqlite' ? sqliteConfig() : await mysqlConfig();
    const db = await Database.open(config);
    try {
      const applied = await db.migrate();
      expect(applied.length).toBeGreaterThan(0);
      const tables = async (): Promise<string[]> => {
        const rows: Record<string, string>[] = await db.source.query(
          dialect === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" : 'SHOW TABLES',
        );
        return rows.map((row) => Object.values(row)[0]).filter((name) => name !== 'migrations').sort();
      };
      expect(await tables()).toEqual(expect.arrayContaining(['inbound_message', 'outbox_message', 'access_token']));
      for (let i = 0; i < applied.length; i++) await db.undoLastMigration();
      expect(await tables()).toEqual([]);
      expect(await db.migrate()).toEqual(applied);
      // The entities agree with what the migrations built: nothing left for TypeORM to change.
      const pending = await db.source.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.close();
      if ('drop' in config) await (config as { drop(): Promise<void> }).drop();
    }
  });
});

describe.each(DIALECTS)('store scope migration on %s', (dialect) => {
  it('records the store of existing steps (case, penalty slip, contract) and goes down cleanly', async () => {
    if (dialect === 'mysql' && !(await mysqlAvailable())) return;
    const config = dialect === 'sqlite' ? sqliteConfig() : await mysqlConfig();
    const db = await Database.open(config);
    const hasStoreId = async () => {
      const runner = db.source.createQueryRunner();
      try {
        return await runner.hasColumn('approval', 'storeId');
      } finally {
        await runner.release();
      }
    };
    try {
      await db.migrate();
      const at = Date.parse('2026-11-26T02:00:00Z');
      const ids = await db.write(async (m) => {
        const ticket = (storeId: number | null, number: string) =>
          m.save(m.create(Ticket, { number, kind: 'complaint', severity: 'ordinary', category: 'attitude', status: 'accepted', customerId: 1, channel: 'wechat', summary: '阿姨的问题', storeId, housekeeperId: null, ownerId: null, loggedBy: null, createdAt: at, updatedAt: at, replyDueAt: null, feedbackDueAt: null, onSiteDueAt: null, closedAt: null }));
        const withStore = await ticket(7, 'TS202611260001');
        const withoutStore = await ticket(null, 'TS202611260002');
        const housekeeper = await m.save(m.create(Housekeeper, { code: 'A0001', name: '李阿姨', phone: null, idNumber: null, emergencyContacts: [], skills: '保洁', storeId: 9, status: 'on_duty', createdAt: at }));
        const penalty = (ticketId: number) => m.save(m.create(Penalty, { ticketId, housekeeperId: housekeeper.id, amountFen: 20000, reason: '服务问题', status: 'raised', month: '2026-11', raisedBy: 'csm', acknowledgedBy: null, approvedBy: null, createdAt: at, decidedAt: null }));
        const slipOfStore = await penalty(withStore.id);
        const slipOfHousekeeper = await penalty(withoutStore.id);
        const contract = await m.save(m.create(Contract, { number: 'HT20260001', customerId: 1, housekeeperId: housekeeper.id, storeId: 5, consultantId: null, serviceType: null, startDate: '2026-01-01', arrivalDate: null, endDate: '2026-12-31', amountFen: 600000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: at }));
        let n = 0;
        const step = (link: Partial<Approval>, role: string) =>
          m.save(m.create(Approval, { ticketId: null, penaltyId: null, contractId: null, visitId: null, storeId: null, ...link, step: 'x', role, status: 'pending', decision: null, text: null, needsText: false, decidedBy: null, decidedAt: null, taskId: `t${++n}`, recipients: '', createdAt: at, dueAt: null, escalated: false, card: null }));
        return {
          caseStep: (await step({ ticketId: withStore.id }, 'store_manager')).id,
          noStoreCase: (await step({ ticketId: withoutStore.id }, 'store_manager')).id,
          slip: (await step({ penaltyId: slipOfStore.id }, 'store_manager')).id,
          slipByHousekeeper: (await step({ penaltyId: slipOfHousekeeper.id }, 'store_manager')).id,
          renewal: (await step({ contractId: contract.id }, 'store_manager')).id,
        };
      });
      // back to before the store scope (and whatever came after it), then up again
      let undone = 0;
      while (await hasStoreId()) {
        await db.undoLastMigration();
        undone++;
      }
      expect(undone).toBeGreaterThan(0);
      expect(await db.migrate()).toHaveLength(undone);
      const storeOf = async (id: number) => (await db.reader.findOneByOrFail(Approval, { id })).storeId;
      expect(await storeOf(ids.caseStep)).toBe(7);
      expect(await storeOf(ids.noStoreCase)).toBeNull();
      expect(await storeOf(ids.slip)).toBe(7);
      expect(await storeOf(ids.slipByHousekeeper)).toBe(9);
      expect(await storeOf(ids.renewal)).toBe(5);
      await db.undoLastMigration();
      while (await hasStoreId()) await db.undoLastMigration();
      expect(await hasStoreId()).toBe(false);
    } finally {
      await db.close();
      if ('drop' in config) await (config as { drop(): Promise<void> }).drop();
    }
  });
});
