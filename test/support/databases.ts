import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Database as DatabaseConfig } from '../../config';
import { Database } from '../../src/entities/database';
import { installDataKey } from '../../src/entities/personal-data';

/**
 * Real databases for tests: a fresh SQLite file, and a fresh MariaDB database per call at
 * TEST_MYSQL_URL. When MariaDB does not answer, its tests are skipped with one clear line,
 * except under CI=true where that is a failure (it would hide half the suite).
 */

export const TEST_DATA_KEY = Buffer.alloc(32, 7).toString('base64');
installDataKey(TEST_DATA_KEY);

const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

let mysqlAnswers: Promise<boolean> | undefined;

async function probeMysql(): Promise<boolean> {
  try {
    const connection = await createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
    await connection.end();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`MariaDB at ${MYSQL_URL} does not answer under CI=true: ${(error as Error).message}`);
    }
    // eslint-disable-next-line no-console
    console.warn(`MySQL tests skipped: MariaDB at ${MYSQL_URL} does not answer (${(error as Error).message})`);
    return false;
  }
}

export function mysqlAvailable(): Promise<boolean> {
  mysqlAnswers ??= probeMysql();
  return mysqlAnswers;
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
  if (!(await mysqlAvailable())) return undefined;
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
 * `describe` a behaviour once per database. The body gets a getter for the open database;
 * on a skipped MySQL every test in the block returns early after the one warning line.
 */
export function describeEachDatabase(title: string, body: (ctx: { db: () => Database; dialect: Dialect; skipped: () => boolean }) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${title} [${dialect}]`, () => {
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
