import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { JobRun } from '../entities';
import type { Database } from '../entities/database';
import { isUniqueViolation } from '../entities/errors';
import { enqueue, type Outbox } from '../bot/outbox';
import type { Clock, FlowContext, OutboundMessage } from '../handlers/ports';

/**
 * Runs scheduled jobs on node-cron (time zone from config), once per period across every
 * instance: the (job, period) row in job_run is the lock. A run missed while no instance was up
 * is caught up at start, in the background: start() returns once the jobs are scheduled, and a
 * database that drops during the catch-up is retried with backoff (the server is already
 * answering by then, so nothing after it may end the process). Each item a job handles runs in its own transaction with the outbox
 * rows it queues, keyed by the item, so running a job twice sends nothing twice.
 */

export interface JobContext {
  config: Config;
  clock: Clock;
  log: Logger;
  db: Database;
  /** The period this run covers (see Job.period). */
  period: string;
  /** The reader with the clock, the configuration and the log: what a job hands the handlers that find its due items. */
  read: Omit<FlowContext, 'send'>;
  /**
   * Handles one item in its own transaction. `itemKey` names the item and what is done to it
   * (e.g. `contract:12:term:3:prompt`): messages it sends are queued under that key, once.
   */
  item(itemKey: string, step: (ctx: FlowContext) => Promise<void>): Promise<void>;
}

/** What a job does: its file in src/jobs/. When it runs is said once, in schedule.ts. */
export interface JobWork {
  name: string;
  /** The period a scheduled time belongs to: one run per period. */
  period(at: number, timeZone: string): string;
  run(ctx: JobContext): Promise<void>;
}

/** A job with its time, as the runner schedules it (built from the table in schedule.ts). */
export interface Job extends JobWork {
  /** node-cron expression in the business time zone, or one derived from the configuration. */
  cron: string | ((config: Config) => string);
  /** Why it runs then, in plain words: GET /api/jobs and the README's jobs table show it. */
  description: string;
}

export interface RunOutcome {
  status: 'done' | 'failed' | 'skipped';
  items: number;
  errors: number;
  run?: JobRun;
}

/** A run whose instance stopped renewing it is considered dead after this. */
const LEASE_MS = 10 * 60_000;
/** Catch-up retries: the first wait, the longest, and how often a run that failed is tried again. */
export interface CatchUpRetry {
  firstMs: number;
  maxMs: number;
  failedRunAttempts: number;
}
const DEFAULT_RETRY: CatchUpRetry = { firstMs: 1000, maxMs: 5 * 60_000, failedRunAttempts: 5 };

/** Thrown by catchUp when a caught-up run failed: the catch-up loop tries it again later. */
class CatchUpIncomplete extends Error {}

/** How far back the start-up catch-up looks for a missed scheduled time. */
const CATCH_UP_LOOKBACK_MS = 32 * 24 * 3600_000;

export class JobRunner {
  private readonly tasks: ScheduledTask[] = [];
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Set<Promise<unknown>>();
  /** (job, period) pairs running in this process: a period is never run twice at once here. */
  private readonly inFlight = new Set<string>();
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private readonly retry: CatchUpRetry;
  /** Settles when the start-up catch-up has finished (or given up, or the runner stopped). */
  caughtUp: Promise<void> = Promise.resolve();

  constructor(
    readonly jobs: Job[],
    private readonly deps: { db: Database; config: Config; clock: Clock; log: Logger; outbox: Outbox; retry?: Partial<CatchUpRetry> },
  ) {
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  job(name: string): Job | undefined {
    return this.jobs.find((job) => job.name === name);
  }

  /**
   * Schedules every job and starts catching up the runs missed while the bot was down. Returns
   * without waiting for the catch-up (see caughtUp): it must never fail the start.
   */
  async start(): Promise<void> {
    const { config, log } = this.deps;
    this.stopped = false;
    for (const job of this.jobs) {
      const task = cron.schedule(cronOf(job, config), (context) => this.track(this.runScheduled(job, context.date.getTime())), {
        name: job.name,
        timezone: config.timezone,
        noOverlap: true,
        logger: {
          info: (message) => log.debug({ job: job.name }, String(message)),
          warn: (message) => log.warn({ job: job.name }, String(message)),
          error: (message) => log.error({ job: job.name }, String(message)),
          debug: (message) => log.debug({ job: job.name }, String(message)),
        },
      });
      this.tasks.push(task);
    }
    this.caughtUp = this.track(this.catchUpUntilDone());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    for (const task of this.tasks.splice(0)) await task.destroy();
    await Promise.allSettled([...this.running]);
  }

  /**
   * catchUp, again and again with a growing pause, until it completes: a lost database connection
   * is waited out for as long as it lasts; a run that fails on its own is tried a few times, then
   * left to its next scheduled time.
   */
  private async catchUpUntilDone(): Promise<void> {
    const { log } = this.deps;
    let delay = this.retry.firstMs;
    let failedRuns = 0;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.catchUp();
        if (attempt > 1) log.info({ attempt }, 'missed job runs caught up');
        return;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof CatchUpIncomplete && ++failedRuns >= this.retry.failedRunAttempts) {
          log.error({ attempt }, 'catching up missed job runs: a run keeps failing; its next scheduled time tries again');
          return;
        }
        log.warn({ err: error, attempt, retryInMs: delay }, 'catching up missed job runs failed; retrying');
        await this.pause(delay);
        delay = Math.min(delay * 2, this.retry.maxMs);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /**
   * Runs every job whose latest scheduled time has passed without a finished run of its period:
   * none at all, one that failed, or one this runner started and lost (its database went away
   * before the result was written). Throws when a run fails, so the caller can try again.
   */
  async catchUp(): Promise<void> {
    const now = this.deps.clock.now();
    let failed = 0;
    for (const job of this.jobs) {
      const last = previousOccurrence(cronOf(job, this.deps.config), this.deps.config.timezone, now);
      if (last === undefined) continue;
      const period = job.period(last, this.deps.config.timezone);
      const existing = await this.deps.db.reader.findOneBy(JobRun, { job: job.name, period });
      const lostHere = existing?.status === 'running' && existing.owner === this.owner && !this.inFlight.has(flightKey(job.name, period));
      if (!existing || existing.status === 'failed' || lostHere) {
        this.deps.log.info({ job: job.name, period }, 'catching up a run missed while the bot was down');
        const outcome = await this.track(this.runPeriod(job, period));
        if (outcome.status === 'failed') failed++;
      }
    }
    if (failed > 0) throw new CatchUpIncomplete(`${failed} caught-up run(s) failed`);
  }

  /** POST /api/jobs/:name/run: a run outside the schedule, recorded like any other. */
  runNow(name: string): Promise<RunOutcome> {
    const job = this.job(name);
    if (!job) throw new Error(`no job named ${name}`);
    return this.track(this.runPeriod(job, `manual:${this.deps.clock.now()}`));
  }

  private runScheduled(job: Job, scheduledAt: number): Promise<RunOutcome> {
    return this.runPeriod(job, job.period(scheduledAt, this.deps.config.timezone));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  /** Takes the period's lock and runs the job; another instance holding it means "skipped". */
  async runPeriod(job: Job, period: string): Promise<RunOutcome> {
    const log = this.deps.log.child({ job: job.name, period });
    const key = flightKey(job.name, period);
    if (this.inFlight.has(key)) {
      log.debug('job period already running in this process: skipped');
      return { status: 'skipped', items: 0, errors: 0 };
    }
    this.inFlight.add(key);
    try {
      return await this.claimAndRun(job, period, log);
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async claimAndRun(job: Job, period: string, log: Logger): Promise<RunOutcome> {
    const { db, clock, config, outbox } = this.deps;
    const run = await this.claim(job.name, period);
    if (!run) {
      log.debug('job period already run or running elsewhere: skipped');
      return { status: 'skipped', items: 0, errors: 0 };
    }
    let items = 0;
    let errors = 0;
    let lastError: string | null = null;
    const ctx: JobContext = {
      config,
      clock,
      log,
      db,
      period,
      read: { db: db.reader, clock, config, log },
      item: async (itemKey, step) => {
        try {
          const queued = await db.write(async (manager) => {
            const messages: OutboundMessage[] = [];
            await step({ db: manager, clock, config, log: log.child({ item: itemKey }), send: (m) => messages.push(m) });
            await enqueue(manager, messages.map((message, i) => ({ dedupKey: `job:${job.name}:${itemKey}:${i}`, message })), clock.now());
            return messages.length;
          });
          items++;
          if (queued > 0) outbox.kick();
        } catch (error) {
          errors++;
          lastError = `${itemKey}: ${(error as Error).message}`.slice(0, 300);
          log.error({ err: error, item: itemKey }, 'job item failed; the next run retries it');
        }
      },
    };
    try {
      await job.run(ctx);
      await this.finish(run.id, { status: 'done', items, errors, lastError });
      log.info({ items, errors }, 'job run finished');
      return { status: 'done', items, errors, run: { ...run, status: 'done', items, errors } };
    } catch (error) {
      await this.finish(run.id, { status: 'failed', items, errors: errors + 1, lastError: (error as Error).message.slice(0, 300) });
      log.error({ err: error }, 'job run failed');
      return { status: 'failed', items, errors: errors + 1 };
    }
  }

  private async claim(job: string, period: string): Promise<JobRun | null> {
    const now = this.deps.clock.now();
    const { db } = this.deps;
    try {
      return await db.write((manager) =>
        manager.save(manager.create(JobRun, { job, period, status: 'running', owner: this.owner, startedAt: now, leaseUntil: now + LEASE_MS, finishedAt: null, items: 0, errors: 0, lastError: null })),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // The period was taken: by a run that finished (done), by one that failed (tried again: every
    // item is keyed, so nothing is sent twice), by an instance that died mid-run (lease expired), or
    // by this runner before its database connection dropped (runPeriod keeps it from running twice here).
    const taken = await db.serial(() =>
      db.source
        .createQueryBuilder()
        .update(JobRun)
        .set({ status: 'running', owner: this.owner, leaseUntil: now + LEASE_MS, startedAt: now, finishedAt: null })
        .where("job = :job AND period = :period AND (status = 'failed' OR (status = 'running' AND (leaseUntil < :now OR owner = :owner)))", { job, period, now, owner: this.owner })
        .execute(),
    );
    return (taken.affected ?? 0) === 1 ? db.reader.findOneBy(JobRun, { job, period }) : null;
  }

  private async finish(id: number, result: Pick<JobRun, 'status' | 'items' | 'errors' | 'lastError'>): Promise<void> {
    await this.deps.db.write((manager) => manager.update(JobRun, { id }, { ...result, finishedAt: this.deps.clock.now() }));
  }
}

const flightKey = (job: string, period: string) => `${job}\n${period}`;

export function cronOf(job: Job, config: Config): string {
  return typeof job.cron === 'string' ? job.cron : job.cron(config);
}

/** The latest time at or before `now` that the cron expression fires (minute resolution). */
export function previousOccurrence(expression: string, timeZone: string, now: number): number | undefined {
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const start = Math.floor(now / 60_000) * 60_000;
    for (let at = start; at > now - CATCH_UP_LOOKBACK_MS; at -= 60_000) {
      if (task.match(new Date(at))) return at;
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
