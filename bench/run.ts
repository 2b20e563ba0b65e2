/* eslint-disable no-console */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import autocannon from 'autocannon';
import ts from 'typescript';
import { createConnection } from 'mysql2/promise';
import { platformEnv } from '../test/support/wx';
import { MessageSource, type Endpoint } from './messages';

/**
 * `npm run bench`: the real bot on SQLite and on MariaDB against a bare verify-and-decrypt Koa
 * baseline, driven by autocannon with distinct encrypted messages at 1, 50 and 200 connections.
 * Each server is its own child process so its peak RSS is its own. Prints a table and writes
 * bench/results.json.
 *
 *   BENCH_SECONDS=10              seconds per measured run
 *   BENCH_WARMUP_SECONDS=2        unmeasured warm-up per server and endpoint
 *   BENCH_CONNECTIONS=1,50,200
 *   BENCH_ENDPOINTS=/wecom,/wechat
 *   BENCH_ONLY=baseline,sqlite,mariadb
 *   BENCH_POOL=20000              envelopes pre-built per run (more are built on demand)
 *   BENCH_CPU_PROF=1              the bot children run with --cpu-prof into bench/profiles/
 *   BENCH_SQL_STATS=1             the SQLite bot reports the time spent in each shape of statement
 *   BENCH_NODE_FLAGS="--a=1 --b"   V8 flags of the servers instead of those of `npm start`
 *   BENCH_TS_NODE=1               run the servers under ts-node (as `npm start` does) instead of
 *                                 transpiled JavaScript (as `npm run build` + node would): the
 *                                 TypeScript compiler then stays in memory (~90 MB more RSS)
 *   TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test
 */

type Target = 'baseline' | 'sqlite' | 'mariadb';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = (env.BENCH_CONNECTIONS ?? '1,50,200').split(',').map(Number);
const ENDPOINTS = (env.BENCH_ENDPOINTS ?? '/wecom,/wechat').split(',') as Endpoint[];
const ONLY = (env.BENCH_ONLY ?? 'baseline,sqlite,mariadb').split(',') as Target[];
const POOL = Number(env.BENCH_POOL ?? 20_000);
const CPU_PROF = env.BENCH_CPU_PROF === '1';
const MYSQL_URL = env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const DATA_KEY = Buffer.alloc(32, 11).toString('base64');
const PROFILE_DIR = join(__dirname, 'profiles');
const ROOT = join(__dirname, '..');
const TS_NODE = env.BENCH_TS_NODE === '1';

/**
 * The servers run as plain JavaScript, the way production runs a build: every .ts file the
 * children need is transpiled (same compiler options, no type check) into a temporary tree.
 */
function transpile(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'bot-bench-js-'));
  const { options } = ts.convertCompilerOptionsFromJson(ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions, ROOT);
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
  for (const file of ['src', 'config', 'bench', 'test/support'].flatMap((dir) => walk(join(ROOT, dir)))) {
    if (file.endsWith('.d.ts') || file.endsWith('.cpuprofile') || file.endsWith('results.json')) continue;
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      copyFileSync(file, target); // assets a module may read next to itself
      continue;
    }
    const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { ...options, module: ts.ModuleKind.CommonJS }, fileName: file });
    writeFileSync(target, output.outputText);
  }
  return outDir;
}

let build: string | undefined;

/**
 * The V8 flags `npm start` runs the bot with (package.json): the servers here run with them too,
 * so the memory measured is production's. BENCH_NODE_FLAGS replaces them, to try others.
 */
const START_FLAGS = (env.BENCH_NODE_FLAGS ?? (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start)
  .split(/\s+/)
  .filter((word) => /^--[\w-]+=?\S*$/.test(word));

/** Issue 17's targets. */
const TARGETS = {
  p99At50Ms: 100,
  p99At200Ms: 250,
  ratio: { sqlite: 0.3, mariadb: 0.2 } as Record<string, number>,
  peakRssMB: 200,
};

interface Row {
  target: Target;
  endpoint: Endpoint;
  connections: number;
  seconds: number;
  requestsPerSec: number;
  requests: number;
  ok2xx: number;
  passiveReplies: number;
  emptyAcks: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Connection errors, timeouts included (autocannon's count). */
  errors: number;
  /** Requests without an answer within 10 s. */
  timeouts: number;
  non2xx: number;
  ratio: number | null;
  rssMB: number;
  peakRssMB: number;
  /** V8 heap reserved / used and memory outside it, right after the run. */
  heapTotalMB: number;
  heapUsedMB: number;
  externalMB: number;
  /** The bot's own view: event-loop delay and request time from headers read to answer written (bench/child.ts). */
  server?: { loopDelayP99Ms: number; loopDelayMaxMs: number; servedP99Ms: number; servedMaxMs: number; connections: number };
  /** CPU time of the server process per request answered (user + system): steadier than req/s on a shared machine. */
  cpuMsPerRequest?: number;
  mainThreadCpuMsPerRequest?: number;
}

// ---------- child processes ----------

class Child {
  private seq = 0;
  private readonly waiting = new Map<number, (value: Record<string, unknown>) => void>();
  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly ready: Record<string, unknown>,
    /** Log lines of the child by level, and a few distinct ones (LOG_LEVEL=warn: warnings and errors only). */
    readonly logLevels: Record<string, number>,
    readonly logSamples: string[],
  ) {
    proc.on('message', (message: Record<string, unknown>) => {
      const resolve = this.waiting.get(message.id as number);
      if (resolve) {
        this.waiting.delete(message.id as number);
        resolve(message);
      }
    });
  }

  static async start(name: string, mode: 'bot' | 'baseline' | 'platform', childEnv: Record<string, string>, execArgv: string[] = []): Promise<Child> {
    const script = build ? join(build, 'bench', 'child.js') : join(__dirname, 'child.ts');
    const proc = fork(script, [], {
      env: { ...env, ...childEnv, BENCH_MODE: mode, NODE_PATH: join(ROOT, 'node_modules') },
      execArgv: [...(build ? [] : ['-r', 'ts-node/register/transpile-only']), ...START_FLAGS, ...execArgv],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const logLevels: Record<string, number> = {};
    const logSamples: string[] = [];
    let partial = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        let level = 'text';
        let msg = line;
        try {
          const parsed = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          level = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }[parsed.level ?? 0] ?? String(parsed.level);
          msg = `${level}: ${parsed.msg}${parsed.err?.message ? ` (${parsed.err.message})` : ''}`;
        } catch {
          /* not pino */
        }
        logLevels[level] = (logLevels[level] ?? 0) + 1;
        if (logSamples.length < 8 && !logSamples.includes(msg)) logSamples.push(msg);
      }
    });
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      proc.once('message', (message: Record<string, unknown>) => (message.type === 'ready' ? resolve(message) : reject(new Error(`${name}: ${JSON.stringify(message)}`))));
      proc.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    });
    return new Child(name, proc, ready, logLevels, logSamples);
  }

  ask(type: 'stats' | 'check'): Promise<Record<string, unknown>> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.proc.send({ type, id });
    });
  }

  /** Peak resident set size so far, from the kernel (VmHWM), in MB. */
  peakRssMB(): number {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return NaN;
    }
  }

  rssMB(): number {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return NaN;
    }
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.send({ type: 'stop', id: 0 });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------- load ----------

interface Load {
  result: autocannon.Result;
  passive: number;
  empty: number;
  started: number;
}

function drive(port: number, source: MessageSource, connections: number, seconds: number, poolSize: number): Promise<Load> {
  const pool = source.pool(poolSize);
  let next = 0;
  let passive = 0;
  let empty = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration: seconds,
        timeout: 10,
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const message = pool[next++] ?? source.next();
              return { ...request, method: 'POST', path: message.path, body: message.body, headers: { 'content-type': 'text/xml' } };
            },
            onResponse: (status, body) => {
              if (status !== 200) return;
              if (body.startsWith('<xml>')) passive++;
              else empty++;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, passive, empty, started: next })),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

// ---------- databases ----------

async function createMariaDb(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  let admin;
  try {
    admin = await createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
  } catch (error) {
    console.warn(`MariaDB skipped: ${MYSQL_URL} does not answer (${(error as Error).message})`);
    return undefined;
  }
  const name = `bench_${process.pid}_${Date.now() % 100000}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = await createConnection({ uri: MYSQL_URL });
      await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.end();
    },
  };
}

// ---------- report ----------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function printTable(rows: Row[]): void {
  const header = ['server', 'endpoint', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors (timeouts)', 'non-2xx', 'passive/empty', 'bot/base', 'peak RSS MB'];
  const lines = rows.map((r) => [
    r.target,
    r.endpoint,
    String(r.connections),
    fmt(r.requestsPerSec),
    fmt(r.latencyMs.p50, 1),
    fmt(r.latencyMs.p99, 1),
    fmt(r.latencyMs.max, 0),
    `${r.errors} (${r.timeouts})`,
    String(r.non2xx),
    `${r.passiveReplies}/${r.emptyAcks}`,
    r.ratio === null ? '' : r.ratio.toFixed(2),
    fmt(r.peakRssMB, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(render(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(render(line));
}

interface Verdict {
  target: string;
  met: boolean;
  detail: string;
}

function verdicts(rows: Row[], peakByServer: Record<string, number>): Verdict[] {
  const bot = rows.filter((r) => r.target !== 'baseline');
  const out: Verdict[] = [];
  const failing = (list: Row[]) => list.map((r) => `${r.target} ${r.endpoint} @${r.connections}`).join(', ');
  const errored = bot.filter((r) => r.errors + r.non2xx > 0);
  out.push({ target: 'no errors', met: errored.length === 0, detail: errored.length ? `errors in ${failing(errored)}` : 'no errors, timeouts or non-2xx' });
  for (const [connections, limit] of [
    [50, TARGETS.p99At50Ms],
    [200, TARGETS.p99At200Ms],
  ]) {
    const slow = bot.filter((r) => r.connections === connections && !(r.latencyMs.p99 < limit));
    const measured = bot.filter((r) => r.connections === connections);
    if (measured.length === 0) continue;
    out.push({
      target: `p99 < ${limit} ms at ${connections} connections`,
      met: slow.length === 0,
      detail: measured.map((r) => `${r.target} ${r.endpoint} ${fmt(r.latencyMs.p99, 1)}`).join('; '),
    });
  }
  for (const target of ['sqlite', 'mariadb']) {
    const limit = TARGETS.ratio[target];
    const measured = bot.filter((r) => r.target === target && r.ratio !== null && r.connections > 1);
    if (measured.length === 0) continue;
    const low = measured.filter((r) => (r.ratio ?? 0) < limit);
    out.push({
      target: `ratio bot/baseline ≥ ${limit} on ${target} (50 and 200 connections)`,
      met: low.length === 0,
      detail: measured.map((r) => `${r.endpoint} @${r.connections} ${r.ratio!.toFixed(2)}`).join('; '),
    });
    const single = bot.filter((r) => r.target === target && r.ratio !== null && r.connections === 1);
    if (single.length) {
      out.push({
        target: `(information) ratio at 1 connection on ${target}`,
        met: single.every((r) => (r.ratio ?? 0) >= limit),
        detail: single.map((r) => `${r.endpoint} ${r.ratio!.toFixed(2)}`).join('; '),
      });
    }
  }
  for (const [server, peak] of Object.entries(peakByServer)) {
    if (server === 'baseline' || server === 'platform') continue;
    out.push({ target: `peak RSS < ${TARGETS.peakRssMB} MB (${server})`, met: peak < TARGETS.peakRssMB, detail: `${fmt(peak, 0)} MB` });
  }
  return out;
}

// ---------- main ----------

/** Which code was measured: other work in progress in the tree changes the handler's cost. */
function gitState(): { commit?: string; uncommittedFiles?: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, uncommittedFiles: dirty };
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
    ...gitState(),
  };
  console.log(
    `bench: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${SECONDS}s per run, connections ${CONNECTIONS.join('/')}, ` +
      `code ${machine.commit ?? '?'} + ${machine.uncommittedFiles ?? '?'} uncommitted files`,
  );
  if (CPU_PROF) mkdirSync(PROFILE_DIR, { recursive: true });
  if (!TS_NODE) build = transpile();

  const platform = await Child.start('platform', 'platform', {});
  const apiBase = platform.ready.url as string;
  const rows: Row[] = [];
  const peakByServer: Record<string, number> = {};
  const checks: Record<string, unknown> = {};
  const logs: Record<string, unknown> = {};
  const baselineRps = new Map<string, number>();

  const measure = async (target: Target, child: Child) => {
    const port = child.ready.port as number;
    for (const endpoint of ENDPOINTS) {
      const source = new MessageSource(endpoint, target.slice(0, 2));
      if (WARMUP_SECONDS > 0) await drive(port, source, 10, WARMUP_SECONDS, 0);
      for (const connections of CONNECTIONS) {
        await child.ask('stats'); // resets the child's timings: they cover this run alone
        const load = await drive(port, source, connections, SECONDS, target === 'baseline' ? 2_000 : POOL);
        const r = load.result;
        const base = baselineRps.get(`${endpoint}@${connections}`);
        const stats = await child.ask('stats');
        const mb = (bytes: unknown) => Math.round(Number(bytes) / 2 ** 20);
        const row: Row = {
          target,
          endpoint,
          connections,
          seconds: SECONDS,
          requestsPerSec: r.requests.average,
          requests: r.requests.total,
          ok2xx: r['2xx'],
          passiveReplies: load.passive,
          emptyAcks: load.empty,
          latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          ratio: target === 'baseline' || base === undefined ? null : r.requests.average / base,
          rssMB: child.rssMB(),
          peakRssMB: child.peakRssMB(),
          heapTotalMB: mb(stats.heapTotalBytes),
          heapUsedMB: mb(stats.heapUsedBytes),
          externalMB: mb(stats.externalBytes),
          ...(stats.cpuMs !== undefined && r.requests.total > 0 ? { cpuMsPerRequest: Math.round((Number(stats.cpuMs) / r.requests.total) * 100) / 100 } : {}),
          ...(stats.mainThreadCpuMs !== undefined && r.requests.total > 0 ? { mainThreadCpuMsPerRequest: Math.round((Number(stats.mainThreadCpuMs) / r.requests.total) * 100) / 100 } : {}),
          ...(stats.servedP99Ms !== undefined ? { server: { loopDelayP99Ms: Number(stats.loopDelayP99Ms), loopDelayMaxMs: Number(stats.loopDelayMaxMs), servedP99Ms: Number(stats.servedP99Ms), servedMaxMs: Number(stats.servedMaxMs), connections: Number(stats.connections) } } : {}),
        };
        if (target === 'baseline') baselineRps.set(`${endpoint}@${connections}`, row.requestsPerSec);
        rows.push(row);
        console.log(
          `  ${target} ${endpoint} @${connections}: ${fmt(row.requestsPerSec)} req/s, p50 ${fmt(row.latencyMs.p50, 1)} p99 ${fmt(row.latencyMs.p99, 1)} max ${fmt(row.latencyMs.max)} ms, ` +
            `errors ${row.errors} (timeouts ${row.timeouts}), non-2xx ${row.non2xx}, passive/empty ${row.passiveReplies}/${row.emptyAcks}` +
            `${row.ratio === null ? '' : `, ratio ${row.ratio.toFixed(2)}`}, RSS ${fmt(row.rssMB)} MB (peak ${fmt(row.peakRssMB)}; V8 heap ${row.heapUsedMB}/${row.heapTotalMB}, external ${row.externalMB})${row.cpuMsPerRequest !== undefined ? `; CPU ${row.cpuMsPerRequest} ms/request (main thread ${row.mainThreadCpuMsPerRequest ?? '?'})` : ''}${row.server ? `; server: ${row.server.connections} connections, served p99 ${row.server.servedP99Ms} max ${row.server.servedMaxMs} ms, event-loop delay p99 ${row.server.loopDelayP99Ms} max ${row.server.loopDelayMaxMs} ms` : ''}`,
        );
      }
    }
    peakByServer[target] = child.peakRssMB();
  };

  /** After the load: wait for the outbox and unfinished messages, then count what is stored. */
  const settle = async (child: Child) => {
    const deadline = Date.now() + 20_000;
    let check = await child.ask('check');
    for (;;) {
      const inbound = check.inbound as Record<string, number>;
      const outbox = check.outbox as Record<string, number>;
      if (((inbound.received ?? 0) + (inbound.processing ?? 0) === 0 && (outbox.pending ?? 0) === 0) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
      check = await child.ask('check');
    }
    const inbound = check.inbound as Record<string, number>;
    const stored = Object.values(inbound).reduce((a, b) => a + b, 0);
    return { ...check, stored, handledOnce: check.handlerCommits === stored };
  };

  try {
    if (ONLY.includes('baseline')) {
      const child = await Child.start('baseline', 'baseline', {});
      console.log('baseline: bare Koa, verify + decrypt + parse, answers success');
      await measure('baseline', child);
      await child.stop();
    }
    const botEnv = (databaseUrl: string) => ({
      ...platformEnv(apiBase),
      DATABASE_URL: databaseUrl,
      DATA_KEY,
      LOG_LEVEL: 'warn',
      WEBHOOK_MAX_CLOCK_SKEW_SECONDS: '0',
      JOBS_ENABLED: 'false',
      // a few bench staff send hundreds of messages a second: a limit no person reaches, so the
      // per-sender count still runs (and is measured) on every message but refuses none
      RATE_LIMIT_PER_MINUTE: '1000000',
    });
    // --expose-gc only lets "check" report the heap that survives a full GC (leak or garbage?)
    const profile = (name: string) => ['--expose-gc', ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=bot-${name}-${Date.now()}.cpuprofile`] : [])];
    if (ONLY.includes('sqlite')) {
      const dir = mkdtempSync(join(tmpdir(), 'bot-bench-'));
      try {
        const child = await Child.start('sqlite', 'bot', botEnv(`sqlite:${join(dir, 'bot.sqlite')}`), profile('sqlite'));
        console.log('bot on SQLite');
        await measure('sqlite', child);
        checks.sqlite = await settle(child);
        logs.sqlite = { levels: child.logLevels, samples: child.logSamples };
        await child.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (ONLY.includes('mariadb')) {
      const database = await createMariaDb();
      if (database) {
        try {
          const child = await Child.start('mariadb', 'bot', botEnv(database.url), profile('mariadb'));
          console.log('bot on MariaDB');
          await measure('mariadb', child);
          checks.mariadb = await settle(child);
          logs.mariadb = { levels: child.logLevels, samples: child.logSamples };
          await child.stop();
        } finally {
          await database.drop();
        }
      }
    }
    checks.platformCalls = (await platform.ask('stats')).calls;
  } finally {
    await platform.stop();
    if (build) rmSync(build, { recursive: true, force: true });
  }

  console.log('');
  printTable(rows);
  console.log('');
  const results = verdicts(rows, peakByServer);
  // exactly-once under the load: every stored message handled once, none left unfinished
  for (const [server, check] of Object.entries(checks)) {
    const c = check as { stored?: number; handlerRuns?: number; handlerCommits?: number; inbound?: Record<string, number> };
    if (c.stored === undefined) continue;
    const unfinished = (c.inbound?.received ?? 0) + (c.inbound?.processing ?? 0) + (c.inbound?.failed ?? 0);
    results.push({
      target: `exactly once (${server})`,
      met: c.handlerCommits === c.stored && unfinished === 0,
      detail: `stored ${c.stored}, handled and committed ${c.handlerCommits} (runs ${c.handlerRuns}: a run MariaDB rolled back as a deadlock victim is run again), unfinished or failed ${unfinished}`,
    });
  }
  for (const v of results) console.log(`${v.met ? 'MET   ' : 'MISSED'} ${v.target}: ${v.detail}`);
  console.log('');
  for (const [server, { sql, ...check }] of Object.entries(checks) as [string, { sql?: string[] }][]) {
    console.log(`${server}: ${JSON.stringify(check)}`);
    if (sql) console.log(`${server}, time inside SQLite by statement (BENCH_SQL_STATS=1):\n  ${sql.join('\n  ')}`);
  }
  for (const [server, log] of Object.entries(logs)) console.log(`${server} log lines: ${JSON.stringify(log)}`);
  const output = {
    machine,
    settings: { runtime: TS_NODE ? 'ts-node --transpile-only' : 'node on transpiled JavaScript', seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, endpoints: ENDPOINTS, pool: POOL, cpuProfile: CPU_PROF },
    targets: TARGETS,
    rows,
    peakRssMB: peakByServer,
    verdicts: results,
    checks,
    logs,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(output, null, 2) + '\n');
  console.log(`\nwrote bench/results.json (${output.durationSeconds}s)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
