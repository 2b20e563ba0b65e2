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
