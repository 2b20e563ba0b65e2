/**
 * npm run bench (second part): the renewal-prompt job over 1,000,000 contracts, on SQLite and on
 * MariaDB. Shows the job's scan stays on the (status, endDate) index: the same selection is timed
 * with the index and, as the baseline in the same run, with the index dropped (a full scan).
 *
 * BENCH_CONTRACTS (default 1000000), BENCH_DUE (default 200 contracts inside the 15-day window),
 * BENCH_ONLY=sqlite|mariadb.
 */
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig, type Database as DatabaseConfig } from '../config';
import { Outbox } from '../src/bot/outbox';
import { SandboxTransport } from '../src/bot/sandbox';
import { Database } from '../src/entities/database';
import { installDataKey } from '../src/entities/personal-data';
import { addDays, isoDay } from '../src/handlers/calendar';
import { dueForPrompt } from '../src/handlers/contracts';
import { JobRunner } from '../src/jobs/runner';
import { JOBS } from '../src/jobs/schedule';
import { createLogger } from '../src/logger';

const TOTAL = Number(process.env.BENCH_CONTRACTS ?? 1_000_000);
const DUE = Number(process.env.BENCH_DUE ?? 200);
const BATCH = 5000;
const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

installDataKey(Buffer.alloc(32, 3).toString('base64'));
const config = loadConfig({ LOG_LEVEL: 'silent' });
const log = createLogger('silent');
const clock = { now: () => Date.now() };

async function seed(db: Database, today: string): Promise<void> {
  await db.source.query("INSERT INTO store (code, name, districts, isDefault) VALUES ('B1', '门店', '朝阳区', 1)");
  await db.source.query(
    "INSERT INTO staff (wecomUserId, name, roles, storeId, active, workingHours) VALUES ('mgr', '店长', 'store_manager', 1, 1, '09:00-18:00'), ('sales', '顾问', 'consultant', 1, 1, '09:00-18:00')",
  );
  await db.source.query("INSERT INTO customer (platform, externalId, channel, isMajor, subscribed, createdAt) VALUES (NULL, NULL, 'phone', 0, 0, 0)");
  const now = Date.now();
  for (let start = 0; start < TOTAL; start += BATCH) {
    const rows: string[] = [];
    for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) {
      // 60 % finished terms in the past; the rest active, ending 16-730 days out; DUE of them inside the window
      const ended = i % 10 < 6;
      const end = ended ? addDays(today, -1 - (i % 700)) : i < DUE * 10 && i % 10 === 9 ? addDays(today, 1 + (i % 14)) : addDays(today, 16 + (i % 714));
      const status = ended ? (i % 3 === 0 ? "'renewed'" : "'ended'") : "'active'";
      rows.push(`('HT${i}', 1, NULL, 1, 2, '保洁', '${addDays(end, -365)}', NULL, '${end}', 100000, ${status}, NULL, NULL, NULL, NULL, ${now})`);
    }
    await db.write((m) =>
      m.query(
        `INSERT INTO contract (number, customerId, housekeeperId, storeId, consultantId, serviceType, startDate, arrivalDate, endDate, amountFen, status, previousId, renewalPromptAt, renewalReminderAt, renewalOutcome, createdAt) VALUES ${rows.join(',')}`,
      ),
    );
  }
}

async function timeIt<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function runFor(name: 'sqlite' | 'mariadb'): Promise<Record<string, unknown>> {
  let dbConfig: DatabaseConfig;
  let drop = async () => undefined;
  if (name === 'sqlite') {
    dbConfig = { kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'bench-renewals-')), 'bot.sqlite') };
  } else {
    const database = `bench_renewals_${process.pid}`;
    const admin = await createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    await admin.end();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    dbConfig = { kind: 'mysql', url: url.toString(), host: url.hostname, port: Number(url.port || 3306), database };
    drop = async () => {
      const again = await createConnection({ uri: MYSQL_URL });
      await again.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await again.end();
    };
  }
  const db = await Database.open(dbConfig, { migrate: true });
  try {
    const today = isoDay(Date.now(), config.timezone);
    const seeded = await timeIt(() => seed(db, today));
    process.stdout.write(`${name}: ${TOTAL} contracts inserted in ${(seeded.ms / 1000).toFixed(1)} s\n`);
    const reader = { db: db.reader, clock, config };
    const scans: number[] = [];
    for (let i = 0; i < 5; i++) scans.push((await timeIt(() => dueForPrompt(reader))).ms);
    const indexedScanMs = Math.min(...scans);
    const outbox = new Outbox(db, { wecom: new SandboxTransport('wecom', log), wechat: new SandboxTransport('wechat', log) }, log, { pollMs: 1000, maxAttempts: 3 });
    // the job as the schedule runs it (its time lives in src/jobs/schedule.ts)
    const runner = new JobRunner(JOBS.filter((job) => job.name === 'renewal-prompts'), { db, config, clock, log, outbox });
    const first = await timeIt(() => runner.runNow('renewal-prompts'));
    const second = await timeIt(() => runner.runNow('renewal-prompts'));
    const cards = Number((await db.source.query("SELECT COUNT(*) AS n FROM outbox_message WHERE kind = 'card'"))[0].n);
    // baseline in the same run: the same selection without the index the job relies on
    await db.source.query(name === 'sqlite' ? 'DROP INDEX ix_contract_renewal_scan' : 'DROP INDEX ix_contract_renewal_scan ON contract');
    const fullScans: number[] = [];
    for (let i = 0; i < 3; i++) fullScans.push((await timeIt(() => dueForPrompt(reader))).ms);
    const fullScanMs = Math.min(...fullScans);
    const result = {
      database: name,
      contracts: TOTAL,
      dueInWindow: first.value.items,
      cardsQueued: cards,
      firstRunMs: Math.round(first.ms),
      secondRunItems: second.value.items,
      secondRunMs: Math.round(second.ms),
      indexedScanMs: Math.round(indexedScanMs * 10) / 10,
      fullScanBaselineMs: Math.round(fullScanMs * 10) / 10,
      speedupVsFullScan: Math.round((fullScanMs / indexedScanMs) * 10) / 10,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await db.close();
    await drop();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const results = [];
  for (const name of ['sqlite', 'mariadb'] as const) if (!only || only === name) results.push(await runFor(name));
  process.stdout.write('\nrenewal job over contracts (scan = the job’s selection of due contracts):\n');
  process.stdout.write('database  contracts  due  first run ms  re-run items  indexed scan ms  full-scan baseline ms  speed-up\n');
  for (const r of results as Record<string, number | string>[]) {
    process.stdout.write(
      `${String(r.database).padEnd(9)} ${String(r.contracts).padStart(9)} ${String(r.dueInWindow).padStart(4)} ${String(r.firstRunMs).padStart(13)} ${String(r.secondRunItems).padStart(13)} ${String(r.indexedScanMs).padStart(16)} ${String(r.fullScanBaselineMs).padStart(22)} ${String(r.speedupVsFullScan).padStart(9)}x\n`,
    );
  }
  writeFileSync('bench/renewals-results.json', JSON.stringify({ machine: { cores: cpus().length, node: process.version, date: new Date().toISOString() }, results }, null, 2));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
