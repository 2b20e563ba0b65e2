import { loadConfig } from '../../config';
import { JobRun, OutboxMessage } from '../../src/entities';
import { Outbox } from '../../src/bot/outbox';
import { createLogger } from '../../src/logger';
import { JobRunner, previousOccurrence, type Job } from '../../src/jobs/runner';
import { perDay } from '../../src/jobs/periods';
import { describeEachDatabase } from '../support/databases';
import { TestClock } from '../support/harness';

const config = loadConfig({});
const log = createLogger('silent');
const ELEVEN_AM = Date.parse('2026-11-27T03:00:00Z'); // 11:00 Shanghai

function countingJob(name: string, effects: string[]): Job {
  return {
    name,
    cron: '0 9 * * *',
    description: 'test job: 09:00 daily',
    period: perDay,
    async run(ctx) {
      for (const item of ['a', 'b']) {
        await ctx.item(`${item}`, async (flow) => {
          effects.push(`${ctx.period}:${item}`);
          flow.send({ type: 'text', to: { platform: 'wecom', id: `user_${item}` }, text: 'hello' });
        });
      }
    },
  };
}

describeEachDatabase('job runner', ({ db, skipped }) => {
  const runners: JobRunner[] = [];
  afterEach(async () => Promise.all(runners.splice(0).map((r) => r.stop())));
  const runner = (job: Job, clock: TestClock) => {
    const outbox = new Outbox(db(), {}, log, { pollMs: 1000, maxAttempts: 3 });
    const r = new JobRunner([job], { db: db(), config, clock, log, outbox });
    runners.push(r);
    return r;
  };

  it('two instances on one database run a period once', async () => {
    if (skipped()) return;
    const effects: string[] = [];
    const job = countingJob('twice-test', effects);
    const clock = new TestClock(ELEVEN_AM);
    const [a, b] = [runner(job, clock), runner(job, clock)];
    const outcomes = await Promise.all([a.runPeriod(job, '20261127'), b.runPeriod(job, '20261127'), a.runPeriod(job, '20261127')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'skipped', 'skipped']);
    expect(effects).toEqual(['20261127:a', '20261127:b']);
    expect(await db().reader.countBy(JobRun, { job: 'twice-test' })).toBe(1);
    expect(await db().reader.findOneByOrFail(JobRun, { job: 'twice-test' })).toMatchObject({ status: 'done', items: 2, errors: 0 });
  });

  it('running a job again (manually) sends nothing twice: outbox rows are keyed by item', async () => {
    if (skipped()) return;
    const effects: string[] = [];
    const job = countingJob('manual-test', effects);
    const clock = new TestClock(ELEVEN_AM);
    const r = runner(job, clock);
    await r.runNow('manual-test');
    clock.advance(1000);
    await r.runNow('manual-test');
    expect(effects).toHaveLength(4); // the step ran twice…
    expect(await db().reader.countBy(OutboxMessage, { dedupKey: 'job:manual-test:a:0' })).toBe(1); // …the message was queued once
  });

  it('a run missed while the bot was down is caught up at start, once', async () => {
    if (skipped()) return;
    const effects: string[] = [];
    const job = countingJob('catch-up-test', effects);
    const clock = new TestClock(ELEVEN_AM);
    const first = runner(job, clock);
    await first.start();
    await first.caughtUp; // the catch-up goes on in the background after start()
    expect(effects).toEqual(['20261127:a', '20261127:b']);
    const second = runner(job, clock); // a second instance starting later: already done
    await second.start();
    await second.caughtUp;
    expect(effects).toHaveLength(2);
  });

  it('a run left "running" by a dead instance is taken over after its lease', async () => {
    if (skipped()) return;
    const effects: string[] = [];
    const job = countingJob('dead-test', effects);
    const clock = new TestClock(ELEVEN_AM);
    await db().write((m) => m.insert(JobRun, { job: 'dead-test', period: '20261127', status: 'running', owner: 'dead', startedAt: clock.now() - 3600_000, leaseUntil: clock.now() - 1, finishedAt: null, items: 0, errors: 0, lastError: null }));
    expect((await runner(job, clock).runPeriod(job, '20261127')).status).toBe('done');
    expect(effects).toHaveLength(2);
  });

  it('a failing item is recorded and does not stop the others', async () => {
    if (skipped()) return;
    const job: Job = {
      ...countingJob('failing-test', []),
      async run(ctx) {
        await ctx.item('bad', async () => {
          throw new Error('boom');
        });
        await ctx.item('good', async () => undefined);
      },
    };
    const outcome = await runner(job, new TestClock(ELEVEN_AM)).runNow('failing-test');
    expect(outcome).toMatchObject({ status: 'done', items: 1, errors: 1 });
  });
});

describe('previousOccurrence', () => {
  it('finds the latest scheduled time in the business time zone', () => {
    expect(new Date(previousOccurrence('0 9 * * *', 'Asia/Shanghai', ELEVEN_AM)!).toISOString()).toBe('2026-11-27T01:00:00.000Z');
    expect(new Date(previousOccurrence('0 8 1 * *', 'Asia/Shanghai', ELEVEN_AM)!).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });
});
