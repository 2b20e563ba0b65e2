/* eslint-disable no-console */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import type { Database as DatabaseConfig } from '../config';
import { Database } from '../src/entities/database';
import { Staff, Store } from '../src/entities';
import { installDataKey } from '../src/entities/personal-data';
import { counters } from '../src/entities/sequence';
import { startBot } from '../test/support/harness';
import { BENCH_STAFF, MessageSource, type Endpoint } from './messages';

/**
 * What one message costs in SQL: sends the bench's message mix one at a time through the real bot
 * and counts the statements per kind of message (a customer's new inquiry, a later message of
 * the dialogue, a member of staff's 登记, …), the transactions among them, and what delivering
 * the replies it queued costs afterwards (the outbox, run by hand between messages here).
 *   npx ts-node --transpile-only bench/query-count.ts [sqlite|mysql] [messages per endpoint] [people]
 * With fewer people than messages every person sends several, so the dialogue's later steps are
 * counted too. QC_PROFILE=<file.cpuprofile>: a CPU profile of the message loop alone (no start-up),
 * for bench/profile-summary.ts.
 */

const dialect = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'mysql';
const N = Number(process.argv[3] ?? 300);
const PEOPLE = Number(process.argv[4] ?? 60);
const runnerModule = dialect === 'mysql' ? require('typeorm/driver/mysql/MysqlQueryRunner').MysqlQueryRunner : undefined;

/** Where the statements being run now are counted: a kind of message, or its delivery. */
let phase: { kind: string; delivery: boolean } | undefined;
const byKind = new Map<string, { messages: number; statements: number; transactions: number; delivery: number }>();
const counts = new Map<string, number>();
/** QC_DETAIL=1: the statements of each kind of message by shape, to see what one message runs. */
const DETAIL = process.env.QC_DETAIL === '1';
const shapesByKind = new Map<string, Map<string, number>>();
const timeByShape = new Map<string, number>();
/** Counts one statement for the kind of message being handled (or its delivery). */
function count(sql: string): void {
  counts.set(sql, (counts.get(sql) ?? 0) + 1);
  if (!phase) return;
  const row = byKind.get(phase.kind)!;
  if (phase.delivery) {
    row.delivery++;
    return;
  }
  row.statements++;
  if (DETAIL) {
    const kindShapes = shapesByKind.get(phase.kind) ?? new Map<string, number>();
    kindShapes.set(shape(sql), (kindShapes.get(shape(sql)) ?? 0) + 1);
    shapesByKind.set(phase.kind, kindShapes);
  }
  if (/^(BEGIN|START TRANSACTION)/i.test(sql)) row.transactions++;
}

/** Runs one statement and adds its time (a promise's until it settles) to its shape. */
function timed<T>(sql: string, work: () => T): T {
  const started = process.hrtime.bigint();
  const record = () => {
    const key = shape(sql);
    timeByShape.set(key, (timeByShape.get(key) ?? 0) + Number(process.hrtime.bigint() - started) / 1e6);
  };
  let result: T;
  try {
    result = work();
  } catch (error) {
    record();
    throw error;
  }
  if (result instanceof Promise) return result.finally(record) as T;
  record();
  return result;
}

if (dialect === 'sqlite') {
  // on SQLite the hot path runs statements on better-sqlite3's connection itself (src/entities/rows.ts),
  // beside TypeORM's runner: every statement of both is counted where both end, in better-sqlite3
  const probe = new (require('better-sqlite3'))(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = statementProto[method];
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      count(this.source);
      return timed(this.source, () => original.apply(this, args));
    };
  }
} else {
  const original = runnerModule.prototype.query;
  runnerModule.prototype.query = function (this: unknown, sql: string, ...rest: unknown[]) {
    count(sql);
    return timed(sql, () => original.call(this, sql, ...rest));
  };
}

/** On MySQL the day's counter runs on a connection of its own (src/entities/sequence.ts): counted as one statement too. */
const counterStatement = 'INSERT INTO `sequence` … LAST_INSERT_ID (the counter\'s own connection)';
const takeNext = counters.next;
counters.next = async (manager, name) => {
  if (dialect === 'mysql') {
    counts.set(counterStatement, (counts.get(counterStatement) ?? 0) + 1);
    if (phase && !phase.delivery) byKind.get(phase.kind)!.statements++;
  }
  return takeNext(manager, name);
};

const shape = (sql: string) =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/("[A-Za-z]+"|`[A-Za-z]+`)\.("[A-Za-z]+"|`[A-Za-z]+`) AS ("[A-Za-z_]+"|`[A-Za-z_]+`)(, )?/g, '')
    .replace(/'[^']*'|\b\d+\b/g, '?')
    .slice(0, 110);

async function main(): Promise<void> {
  installDataKey(Buffer.alloc(32, 3).toString('base64'));
  let config: DatabaseConfig;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bot-qc-'));
    config = { kind: 'sqlite', file: join(dir, 'bot.sqlite') };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const base = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
    const name = `bench_qc_${process.pid}`;
    const admin = await createConnection({ uri: base });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    config = { kind: 'mysql', url: url.toString(), host: url.hostname, port: Number(url.port || 3306), database: name };
    cleanup = async () => {
      const again = await createConnection({ uri: base });
      await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.end();
    };
  }
  const db = await Database.open(config, { migrate: true });
  await db.write(async (m) => {
    const store = await m.save(m.create(Store, { code: 'BJ01', name: '朝阳店', districts: '朝阳区,东城区,海淀区', isDefault: true }));
    const staff = [...BENCH_STAFF.logging.map((id) => [id, 'cs_specialist']), ...BENCH_STAFF.consultants.map((id) => [id, 'consultant'])];
    for (const [id, roles] of staff) await m.save(m.create(Staff, { wecomUserId: id, name: id, roles, storeId: store.id, active: true }));
  });
  const running = await startBot(db, { env: { LOG_LEVEL: 'warn' }, background: false });
  const profiler = process.env.QC_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  try {
    for (const endpoint of ['/wechat', '/wecom'] as Endpoint[]) {
      const source = new MessageSource(endpoint, 'qc', PEOPLE);
      counts.clear();
      timeByShape.clear();
      const started = Date.now();
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < N; i++) {
        const message = source.next();
        const kind = source.lastKind;
        if (!byKind.has(kind)) byKind.set(kind, { messages: 0, statements: 0, transactions: 0, delivery: 0 });
        byKind.get(kind)!.messages++;
        phase = { kind, delivery: false };
        const answer = await running.post(message.path, message.body);
        if (answer.status !== 200) throw new Error(`${endpoint}: ${answer.status} ${answer.text}`);
        phase = { kind, delivery: true };
        await running.bot.outbox.drain();
        phase = undefined;
      }
      const elapsed = Date.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      // CPU time of this process (bot and the client posting to it), which a busy shared machine
      // disturbs far less than wall time
      const cpuMs = (cpu.user + cpu.system) / 1000 / N;
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const shapes = new Map<string, number>();
      for (const [sql, n] of counts) shapes.set(shape(sql), (shapes.get(shape(sql)) ?? 0) + n);
      console.log(`\n${dialect} ${endpoint}, per kind of message: statements to store and handle it (of them transactions), then to deliver what it queued`);
      for (const [kind, row] of byKind) {
        console.log(`  ${kind.padEnd(46)} ×${String(row.messages).padStart(4)}  ${(row.statements / row.messages).toFixed(1).padStart(5)} (${(row.transactions / row.messages).toFixed(1)} tx)  + ${(row.delivery / row.messages).toFixed(1)} delivery`);
        for (const [sql, n] of [...(shapesByKind.get(kind) ?? [])].sort((a, b) => b[1] - a[1])) console.log(`      ${(n / row.messages).toFixed(2).padStart(5)}  ${sql}`);
      }
      byKind.clear();
      shapesByKind.clear();
      console.log(`\n${dialect} ${endpoint}: ${N} messages one at a time, ${(elapsed / N).toFixed(1)} ms each (${cpuMs.toFixed(2)} ms CPU); ${(total / N).toFixed(1)} statements per message; ${counts.size} distinct SQL strings`);
      console.log('per message: count, ms (time inside the query runner, including waiting for the connection)');
      for (const [sql, n] of [...shapes].sort((a, b) => (timeByShape.get(b[0]) ?? 0) - (timeByShape.get(a[0]) ?? 0)).slice(0, 14)) {
        console.log(`${(n / N).toFixed(2).padStart(6)} ${((timeByShape.get(sql) ?? 0) / N).toFixed(3).padStart(7)}  ${sql}`);
      }
    }
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(process.env.QC_PROFILE!, JSON.stringify(profile));
    }
  } finally {
    await running.stop();
    await db.close();
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
