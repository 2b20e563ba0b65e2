import type { Database as DatabaseConfig } from '../../config';
import { Database } from '../../src/entities/database';
import { JobRun } from '../../src/entities';
import { createLogger } from '../../src/logger';
import { JobRunner, type Job } from '../../src/jobs/runner';
import { perDay } from '../../src/jobs/periods';
import { JOBS } from '../../src/jobs/schedule';
import { CuttableProxy } from '../support/cuttable-proxy';
import { itWithMysql, mysqlConfig } from '../support/databases';
import { CapturedLogs, eventually, startBot, TestClock, type RunningBot } from '../support/harness';

/**
 * Issue 19, item 13: the database drops while the scheduled jobs catch up at start. The server is
 * already answering then, so that must never end the process: the start completes, the catch-up
 * waits the outage out with growing pauses, and once MariaDB is back every missed run is done.
 * MariaDB is cut for real, with a TCP hop in front of it.
 */

// a Wednesday, 11:00 in Shanghai: every job has a scheduled time within the catch-up's look-back
const START = Date.UTC(2026, 10, 18, 3, 0);

describe('a database blip while the jobs catch up at start [mysql]', () => {
  let config: (DatabaseConfig & { drop(): Promise<void> }) | undefined;
  let direct: Database | undefined;
  let viaProxy: Database | undefined;
  let proxy: CuttableProxy | undefined;
  let running: RunningBot | undefined;
  let runner: JobRunner | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    await runner?.stop();
    await running?.stop();
    await viaProxy?.close().catch(() => undefined);
    await proxy?.stop();
    await direct?.close();
    await config?.drop();
    runner = running = viaProxy = proxy = direct = config = undefined;
  });

  async function openThroughProxy(): Promise<Database> {
    config = await mysqlConfig();
    if (config.kind !== 'mysql') throw new Error('expected a MySQL config');
    direct = await Database.open(config, { migrate: true });
    proxy = new CuttableProxy(config.host, config.port);
    const port = await proxy.start();
    const url = new URL(config.url);
    url.port = String(port);
    viaProxy = await Database.open({ ...config, url: url.toString(), port });
    return viaProxy;
  }

  itWithMysql('the start completes, /healthz keeps answering, and every missed run is done once MariaDB is back', async () => {
    const db = await openThroughProxy();
    running = await startBot(db, { clock: new TestClock(START), background: false });
    const bot = running;
    expect((await bot.get('/healthz')).status).toBe(200);

    proxy!.sever();
    // before the fix this rejected (and src/main.ts exited with 「startup failed」)
    await expect(bot.bot.startBackground({ jobs: true })).resolves.toBeUndefined();
    await eventually(() => bot.logs.find((line) => line.msg === 'catching up missed job runs failed; retrying'), 20_000);
    expect((await bot.get('/healthz')).status).toBe(200);
    expect((await bot.get('/readyz')).status).toBe(503);
    expect(await direct!.reader.count(JobRun)).toBe(0);

    proxy!.restore();
    await bot.bot.jobs.caughtUp;
    const runs = await direct!.reader.find(JobRun);
    // every job's missed run (once a period: the unique key); a job due every few minutes may also
    // have run for its next period when a real cron tick fell inside the test (seen under load)
    expect([...new Set(runs.map((run) => run.job))].sort()).toEqual(JOBS.map((job) => job.name).sort());
    expect(runs.every((run) => run.status === 'done')).toBe(true);
    expect(bot.logs.find((line) => line.msg === 'missed job runs caught up')).toBeDefined();
    expect((await bot.get('/readyz')).status).toBe(200);
    expect(unhandled).toEqual([]);
  }, 60_000);

  itWithMysql('a run whose connection drops before its result is written is taken up again by the same runner, and finishes', async () => {
    const db = await openThroughProxy();
    running = await startBot(db, { clock: new TestClock(START), background: false });
    let runs = 0;
    const probe: Job = {
      name: 'blip-probe',
      cron: '0 3 * * *',
      description: 'cuts the database during its first run',
      period: perDay,
      async run(ctx) {
        runs++;
        if (runs === 1) proxy!.sever();
        await ctx.item('probe', async () => undefined);
      },
    };
    const logs = new CapturedLogs();
    runner = new JobRunner([probe], {
      db,
      config: running.config,
      clock: running.clock,
      log: createLogger('debug', logs.stream),
      outbox: running.bot.outbox,
      retry: { firstMs: 50, maxMs: 200 },
    });
    await runner.start();
    await eventually(() => logs.find((line) => line.msg === 'catching up missed job runs failed; retrying'), 20_000);
    // the claim was written before the cut; the result was not
    expect(await direct!.reader.findOneByOrFail(JobRun, { job: 'blip-probe' })).toMatchObject({ status: 'running' });

    proxy!.restore();
    await runner.caughtUp;
    expect(await direct!.reader.findOneByOrFail(JobRun, { job: 'blip-probe' })).toMatchObject({ status: 'done', items: 1, errors: 0 });
    expect(runs).toBe(2);
    expect(unhandled).toEqual([]);
  }, 60_000);
});
