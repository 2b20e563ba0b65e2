/* eslint-disable no-console */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Handler } from '../src/handlers/ports';
import { openTestDatabase, type Dialect } from '../test/support/databases';
import { eventually, startBot } from '../test/support/harness';
import { oaSafeRequest, oaText, wecomRequest, wecomText } from '../test/support/wx';

/**
 * The wall-clock promises the test suite checks for correctness only (a test that times itself
 * fails on a busy machine and says nothing about speed): measured here, on SQLite and MariaDB,
 * against the figures the suite used to assert. Part of `npm run bench`; writes
 * bench/timing-results.json.
 *
 *   ack:   a handler that needs 400 ms, reply budget 100 ms — the empty acknowledgement must
 *          come back in under 400 ms (WeChat waits 5 s, then retries), 20 messages one by one,
 *          each after the previous one's reply went out
 *   storm: 200 messages × 3 copies at once over 50 connections, budget 4,500 ms — all 600
 *          answers must be passive replies (none late into the outbox) and the storm must be
 *          over in 4.5 s
 */

const ACK_REQUESTS = 20;
const ACK_TARGET_MS = 400;
const STORM_MESSAGES = 200;
const STORM_COPIES = 3;
const STORM_CONNECTIONS = 50;
const STORM_TARGET_MS = 4_500;

interface Row {
  dialect: Dialect;
  check: 'ack' | 'storm';
  detail: Record<string, number>;
  met: boolean;
  target: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function ack(dialect: Dialect): Promise<Row> {
  const handle = await openTestDatabase(dialect);
  if (!handle) throw new Error(`${dialect} not available`);
  const slow: Handler = async (ctx) => {
    await sleep(400);
    ctx.reply('抱歉久等，您的问题已登记。');
  };
  const running = await startBot(handle.db, { handler: slow, env: { WEBHOOK_REPLY_BUDGET_MS: '100', LOG_LEVEL: 'warn' } });
  try {
    const times: number[] = [];
    for (let i = 0; i < ACK_REQUESTS; i++) {
      const request = oaSafeRequest(oaText(`o_bench_slow_${i}`, '请问'));
      const started = performance.now();
      const response = await running.post(request.path, request.body);
      times.push(performance.now() - started);
      if (response.text !== 'success') throw new Error(`expected an empty acknowledgement, got ${response.status}`);
      // one slow message at a time, as the suite's test did: on SQLite a handler still inside
      // its write transaction would hold up the next message's store (a different measurement)
      await eventually(() => running.platform.delivered('/cgi-bin/message/custom/send').some((b) => b.touser === `o_bench_slow_${i}`));
    }
    const max = Math.max(...times);
    return { dialect, check: 'ack', detail: { requests: ACK_REQUESTS, p50Ms: Math.round(percentile(times, 0.5)), maxMs: Math.round(max) }, met: max < ACK_TARGET_MS, target: `every empty acknowledgement < ${ACK_TARGET_MS} ms` };
  } finally {
    await running.stop();
    await handle.dispose();
  }
}

async function storm(dialect: Dialect): Promise<Row> {
  const handle = await openTestDatabase(dialect);
  if (!handle) throw new Error(`${dialect} not available`);
  const handler: Handler = async (ctx) => {
    ctx.reply(`收到（${ctx.event.type === 'text' ? ctx.event.text.length : 0}字）`);
    ctx.send({ type: 'text', to: { platform: ctx.event.platform, id: ctx.event.from }, text: '回执' });
  };
  const running = await startBot(handle.db, { handler, env: { WEBHOOK_REPLY_BUDGET_MS: '4500', LOG_LEVEL: 'warn' } });
  try {
    const requests = Array.from({ length: STORM_MESSAGES }, (_, i) =>
      i % 2 === 0 ? oaSafeRequest(oaText(`o_bench_storm_${i}`, '你好，我想请一个保洁阿姨')) : wecomRequest(wecomText(`bench_member_${i}`, '你好')),
    ).flatMap((request) => Array.from({ length: STORM_COPIES }, () => request));
    let next = 0;
    let passive = 0;
    let empty = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: STORM_CONNECTIONS }, async () => {
        while (next < requests.length) {
          const request = requests[next++];
          const response = await running.post(request.path, request.body);
          if (response.status === 200 && response.text !== 'success' && response.text !== '') passive++;
          else empty++;
        }
      }),
    );
    const wallMs = performance.now() - started;
    return {
      dialect,
      check: 'storm',
      detail: { requests: requests.length, passive, emptyOrError: empty, wallMs: Math.round(wallMs) },
      met: passive === requests.length && wallMs < STORM_TARGET_MS,
      target: `all ${requests.length} answers passive, storm over in < ${STORM_TARGET_MS} ms`,
    };
  } finally {
    await running.stop();
    await handle.dispose();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const dialect of ['sqlite', 'mysql'] as Dialect[]) {
    for (const measure of [ack, storm]) {
      const row = await measure(dialect).catch((error: Error) => {
        if (dialect === 'mysql') return undefined; // printed below: MariaDB is optional for the bench
        throw error;
      });
      if (!row) {
        console.log(`SKIPPED ${measure.name} [mysql]: MariaDB did not answer`);
        continue;
      }
      rows.push(row);
      console.log(`${row.met ? 'MET   ' : 'MISSED'} ${row.check} [${dialect}] ${row.target}: ${JSON.stringify(row.detail)}`);
    }
  }
  writeFileSync(join(__dirname, 'timing-results.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
  console.log('wrote bench/timing-results.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
