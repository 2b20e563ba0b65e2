import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../config';
import { Bot } from '../../src/app';
import { OutboxMessage } from '../../src/entities';
import type { Database } from '../../src/entities/database';
import type { Clock, Handler } from '../../src/handlers/ports';
import { createLogger } from '../../src/logger';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { platformEnv } from './wx';

/** The admin API token every test bot gets (ADMIN_TOKEN must be at least 32 characters). */
export const TEST_ADMIN_TOKEN = 'test-admin-token-for-the-bot-under-test';

/** Log lines captured from the bot under test, parsed. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line));
        } catch {
          this.lines.push({ msg: line });
        }
      }
      done();
    },
  });

  find(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
    return this.lines.find(predicate);
  }

  text(): string {
    return this.raw.join('\n');
  }
}

/** A clock tests can move; starts at the real time so signatures' timestamps stay fresh. */
export class TestClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

export interface RunningBot {
  bot: Bot;
  url: string;
  config: Config;
  logs: CapturedLogs;
  platform: FakePlatform;
  clock: Clock;
  post(path: string, body: string): Promise<{ status: number; text: string }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  handler?: Handler;
  clock?: Clock;
  /** Share a fake platform between two bots (two instances on one database). */
  platform?: FakePlatform;
  background?: boolean;
  /** Start the cron jobs too (off by default: tests run jobs explicitly with bot.jobs.runNow). */
  jobs?: boolean;
}

/** Starts the real bot on a real port against `db`, with every platform pointed at a fake API server. */
export async function startBot(db: Database, options: StartOptions = {}): Promise<RunningBot> {
  const platform = options.platform ?? new FakePlatform();
  const ownPlatform = !options.platform;
  if (ownPlatform) await platform.start();
  const config = loadConfig({ ...platformEnv(platform.url), OUTBOX_POLL_MS: '50', ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...options.env });
  const logs = new CapturedLogs();
  const log = createLogger(config.logLevel === 'info' ? 'debug' : config.logLevel, logs.stream);
  const bot = new Bot({ config, db, log, clock: options.clock, handler: options.handler });
  const server: Server = await bot.listen(0, '127.0.0.1');
  if (options.background !== false) await bot.startBackground({ jobs: options.jobs ?? false });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request = async (path: string, init: RequestInit) => {
    const response = await fetch(url + path, init);
    return { status: response.status, text: await response.text() };
  };
  return {
    bot,
    url,
    config,
    logs,
    platform,
    clock: bot.clock,
    post: (path, body) => request(path, { method: 'POST', body, headers: { 'content-type': 'text/xml' } }),
    get: (path, headers) => request(path, { headers }),
    async stop() {
      await bot.stop();
      if (ownPlatform) await platform.stop();
    },
  };
}

/**
 * Polls until `check` returns a truthy value (background work such as the outbox). The deadline
 * only bounds a failure: on a loaded 2-core machine an outbox round can take seconds, so it is
 * generous; a passing wait returns as soon as the condition holds.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      // an empty list is truthy but means "not yet"
      if (value && !(Array.isArray(value) && value.length === 0)) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits until the outbox has nothing pending. Work a job or handler commits queues its messages
 * in the same transaction, so once this resolves every message it caused has reached the fake
 * platform: "nothing more was sent" can then be asserted without guessing a sleep.
 */
export async function outboxDrained(db: Database, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => (await db.reader.count(OutboxMessage, { where: { status: 'pending' } })) === 0, timeoutMs);
}
