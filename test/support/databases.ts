import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Database as DatabaseConfig } from '../../config';
import { Database } from '../../src/entities/database';
import { installDataKey } from '../../src/entities/personal-data';
import { MYSQL_URL, skipReason } from './environment';

/**
 * Real databases for tests: a fresh SQLite file, and a fresh MariaDB database per call at
 * TEST_MYSQL_URL. Whether MariaDB answers is decided once before the run (environment.ts, jest's
 * globalSetup): when it does not, the MySQL halves are declared skipped with the reason, and
 * under CI (CI=true or CI=1) the run fails instead (it would hide half the suite).
 */

export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');
installDataKey(TEST_DATA_KEY);

/** Whether the MySQL halves run in this run (decided before the run; see environment.ts). */
export function mysqlAvailable(): boolean {
  return skipReason('mysql') === undefined;
}

/** `it` for a test that needs MariaDB: skipped, with the reason in its title, when it is not there. */
export function itWithMysql(name: string, fn: () => Promise<void>, timeout?: number): void {
  const reason = skipReason('mysql');
  if (reason) it.skip(`${name} (skipped: ${reason})`, fn);
  else it(name, fn, timeout);
}

let counter = 0;

export function sqliteConfig(): DatabaseConfig {
  const dir = mkdtempSync(join(tmpdir(), 'bot-test-'));
  return { kind: 'sqlite', file: join(dir, 'bot.sqlite') };
}

export async function mysqlConfig(): Promise<DatabaseConfig & { drop(): Promise<void> }> {
  const name = `bot_test_${process.pid}_${Date.now() % 100000}_${counter++}`;
  const admin = await createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'mysql',
    url: url.toString(),
    host: url.hostname,
    port: Number(url.port || 3306),
    database: name,
    async drop() {
      const again = await createConnection({ uri: MYSQL_URL });
      await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.end();
    },
  };
}

export type Dialect = 'sqlite' | 'mysql';
export const DIALECTS: Dialect[] = ['sqlite', 'mysql'];

/** A migrated database of the given dialect, or undefined when MySQL is skipped. */
export async function openTestDatabase(dialect: Dialect): Promise<{ db: Database; config: DatabaseConfig; dispose(): Promise<void> } | undefined> {
  if (dialect === 'sqlite') {
    const config = sqliteConfig();
    const db = await Database.open(config, { migrate: true });
    return { db, config, dispose: () => db.close() };
  }
  if (!mysqlAvailable()) return undefined;
  const config = await mysqlConfig();
  const db = await Database.open(config, { migrate: true });
  return {
    db,
    config,
    async dispose() {
      await db.close();
      await config.drop();
    },
  };
}

/**
 * `describe` a behaviour once per database. The body gets a getter for the open database. When
 * MariaDB is not there (outside CI only) the MySQL block is declared with describe.skip, so its
 * tests count as skipped, with the reason in the block's title; `skipped()` stays for bodies that
 * guard set-up work and is false whenever a test body runs.
 */
export function describeEachDatabase(title: string, body: (ctx: { db: () => Database; dialect: Dialect; skipped: () => boolean }) => void): void {
  for (const dialect of DIALECTS) {
    const reason = dialect === 'mysql' ? skipReason('mysql') : undefined;
    const declare = reason ? describe.skip : describe;
    declare(`${title} [${dialect}]${reason ? ` (skipped: ${reason})` : ''}`, () => {
      let handle: Awaited<ReturnType<typeof openTestDatabase>>;
      beforeAll(async () => {
        handle = await openTestDatabase(dialect);
      });
      afterAll(async () => {
        await handle?.dispose();
      });
      body({
        dialect,
        db: () => {
          if (!handle) throw new Error('database not open');
          return handle.db;
        },
        skipped: () => handle === undefined,
      });
    });
  }
}
