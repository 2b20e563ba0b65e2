import 'reflect-metadata';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config';
import { Bot } from '../src/app';
import { Database } from '../src/entities/database';
import { InboundMessage, OutboxMessage, Staff, Store } from '../src/entities';
import { installDataKey } from '../src/entities/personal-data';
import { createLogger } from '../src/logger';
import { FakePlatform } from '../src/simulator/fake-platform';
import { baselineApp } from './baseline';
import { BENCH_STAFF } from './messages';

/**
 * One process under measurement, forked by bench/run.ts (so its peak RSS is its own):
 *   BENCH_MODE=bot       the real Bot, configured from the environment (DATABASE_URL, credentials…)
 *   BENCH_MODE=baseline  bench/baseline.ts
 *   BENCH_MODE=platform  the fake Tencent API the bot's outbox delivers to
 * It tells the parent its port over IPC and answers "stats", "check" and "stop".
 */

type Request = { type: 'stats' | 'check' | 'stop'; id: number };

const send = (message: unknown) => process.send?.(message);

/**
 * CPU time of the main thread alone (the event loop: where the bot's throughput is decided, as
 * JavaScript, SQLite and the HTTP parser all run there), from Linux's per-thread accounting; the
 * process's CPU adds GC helper threads and the thread pool. Undefined where /proc is missing.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function memory() {
  const usage = process.memoryUsage();
  return { maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: usage.rss, heapTotalBytes: usage.heapTotal, heapUsedBytes: usage.heapUsed, externalBytes: usage.external };
}

async function seed(db: Database): Promise<void> {
  await db.write(async (m) => {
    if ((await m.count(Store)) > 0) return;
    const store = await m.save(m.create(Store, { code: 'BJ01', name: '朝阳店', districts: '朝阳区,东城区,海淀区', isDefault: true }));
    const staff = [
      ...BENCH_STAFF.logging.map((id, i) => ({ wecomUserId: id, name: `客服${i + 1}`, roles: 'cs_specialist' })),
      ...BENCH_STAFF.consultants.map((id, i) => ({ wecomUserId: id, name: `顾问${i + 1}`, roles: 'consultant' })),
      { wecomUserId: BENCH_STAFF.manager, name: '店长', roles: 'store_manager,cs_manager' },
    ];
    for (const member of staff) await m.save(m.create(Staff, { ...member, storeId: store.id, active: true }));
  });
}

/**
 * BENCH_SQL_STATS=1 (SQLite): time spent inside better-sqlite3 per statement shape, reported with
 * "check" — where the main thread's SQL time goes under load, which the CPU profile shows only
 * as the self time of the function that ran the statement.
 */
const sqlStats = new Map<string, { count: number; ms: number }>();
function recordSqlTimes(): void {
  const probe = new (require('better-sqlite3'))(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get']) {
    const original = statementProto[method];
    statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const key = this.source.replace(/\s+/g, ' ').slice(0, 120);
        const row = sqlStats.get(key) ?? { count: 0, ms: 0 };
        row.count++;
        row.ms += Number(process.hrtime.bigint() - started) / 1e6;
        sqlStats.set(key, row);
      }
    };
  }
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE;
  if (process.env.BENCH_SQL_STATS === '1') recordSqlTimes();
  if (mode === 'platform') {
    const platform = new FakePlatform();
    await platform.start();
    send({ type: 'ready', url: platform.url });
    process.on('message', (message: Request) => {
      if (message.type === 'stats') {
        const byPath: Record<string, number> = {};
        for (const call of platform.calls) byPath[call.path] = (byPath[call.path] ?? 0) + 1;
        send({ type: 'stats', id: message.id, calls: byPath, ...memory() });
      }
      if (message.type === 'stop') void platform.stop().then(() => process.exit(0));
    });
    return;
  }
  if (mode === 'baseline') {
    const server = createServer(baselineApp().callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    send({ type: 'ready', port: (server.address() as AddressInfo).port });
    let cpuSince = process.cpuUsage();
    let mainSince = mainThreadCpuMs();
    process.on('message', (message: Request) => {
      if (message.type === 'stats') {
        const cpu = process.cpuUsage(cpuSince);
        cpuSince = process.cpuUsage();
        const main = mainThreadCpuMs();
        send({ type: 'stats', id: message.id, ...memory(), cpuMs: (cpu.user + cpu.system) / 1000, mainThreadCpuMs: main !== undefined && mainSince !== undefined ? main - mainSince : undefined });
        mainSince = main;
      }
      if (message.type === 'stop') process.exit(0);
    });
    return;
  }
  const config = loadConfig(process.env);
  installDataKey(config.dataKey!);
  const log = createLogger(config.logLevel);
  const db = await Database.open(config.database, { migrate: true });
  await seed(db);
  const bot = new Bot({ config, db, log });
  const server = await bot.listen(0, '127.0.0.1');
  // where a slow answer's time went: the event loop's delay, and the server's own view of each
  // request (from its headers being read to its answer written), reset at every "stats"
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const served = createHistogram();
  let connections = 0;
  server.on('connection', () => connections++);
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => served.record(Math.max(1, Number((process.hrtime.bigint() - started) / 1000n))));
  });
  let cpuSince = process.cpuUsage();
  let mainSince = mainThreadCpuMs();
  const timings = () => {
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const cpu = process.cpuUsage(cpuSince);
    cpuSince = process.cpuUsage();
    const main = mainThreadCpuMs();
    const mainThread = main !== undefined && mainSince !== undefined ? main - mainSince : undefined;
    mainSince = main;
    const out = { loopDelayP99Ms: ms(loopDelay.percentile(99)), loopDelayMaxMs: ms(loopDelay.max), servedP99Ms: Math.round(served.percentile(99) / 100) / 10, servedMaxMs: Math.round(served.max / 100) / 10, cpuMs: (cpu.user + cpu.system) / 1000, mainThreadCpuMs: mainThread, connections };
    connections = 0;
    loopDelay.reset();
    served.reset();
    return out;
  };
  bot.startBackground();
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
  process.on('message', (message: Request) => {
    void (async () => {
      if (message.type === 'stats') send({ type: 'stats', id: message.id, handlerRuns: bot.dispatcher.handlerRuns, ...memory(), ...timings() });
      if (message.type === 'check') {
        const count = async (entity: typeof InboundMessage | typeof OutboxMessage) =>
          Object.fromEntries(
            ((await db.reader.createQueryBuilder(entity, 'x').select('x.status', 'status').addSelect('COUNT(*)', 'n').groupBy('x.status').getRawMany()) as { status: string; n: string }[]).map(
              (r) => [r.status, Number(r.n)],
            ),
          );
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        const heapAfterGcMB = gc ? Math.round(process.memoryUsage().heapUsed / 2 ** 20) : undefined;
        const sql = sqlStats.size
          ? [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([shape, row]) => `${row.count} × ${(row.ms / row.count).toFixed(3)} ms = ${Math.round(row.ms)} ms  ${shape}`)
          : undefined;
        send({ type: 'check', id: message.id, inbound: await count(InboundMessage), outbox: await count(OutboxMessage), handlerRuns: bot.dispatcher.handlerRuns, handlerCommits: bot.dispatcher.handlerCommits, heapAfterGcMB, sql });
      }
      if (message.type === 'stop') {
        await bot.stop();
        await db.close();
        process.exit(0);
      }
    })().catch((error) => {
      process.stderr.write(`bench child: ${(error as Error).stack}\n`);
      send({ type: 'error', id: message.id, message: (error as Error).message });
    });
  });
}

main().catch((error) => {
  process.stderr.write(`bench child failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
