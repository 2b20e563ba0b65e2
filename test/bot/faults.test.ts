import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Database as DatabaseConfig } from '../../config';
import { Database } from '../../src/entities/database';
import { InboundMessage, OutboxMessage } from '../../src/entities';
import type { Handler } from '../../src/handlers/ports';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { CuttableProxy } from '../support/cuttable-proxy';
import { describeEachDatabase, itWithMysql, mysqlConfig, sqliteConfig, TEST_DATA_KEY } from '../support/databases';
import { eventually, startBot, TestClock, type RunningBot } from '../support/harness';
import { oaSafeRequest, oaText, platformEnv, wecomRequest, wecomText, type SignedRequest } from '../support/wx';

/**
 * What happens when something the bot depends on fails (R-IN-1): the database goes away mid-traffic,
 * the platform API is down, the process dies inside a handler. The rule each time: never
 * acknowledge a message that is not stored, and in the end every message is stored once,
 * handled once and answered once.
 */

const ROOT = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withConcurrency<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

describe('database unreachable mid-traffic [mysql]', () => {
  const MESSAGES = 48;
  const CUT_AFTER = 16;
  let direct: Database | undefined;
  let viaProxy: Database | undefined;
  let proxy: CuttableProxy | undefined;
  let running: RunningBot | undefined;
  let config: (DatabaseConfig & { drop(): Promise<void> }) | undefined;

  afterAll(async () => {
    await running?.stop();
    await viaProxy?.close().catch(() => undefined);
    await proxy?.stop();
    await direct?.close();
    await config?.drop();
  });

  itWithMysql('answers 503 for what it could not store, takes the retries once the database is back, and handles each message once', async () => {
    config = await mysqlConfig();
    if (config.kind !== 'mysql') throw new Error('expected a MySQL config');
    direct = await Database.open(config, { migrate: true });
    // the handler's side effect has no unique key: a second committed run would show as a second row
    await direct.source.query('CREATE TABLE fault_effect (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(64) NOT NULL)');
    proxy = new CuttableProxy(config.host, config.port);
    const proxyPort = await proxy.start();
    const proxiedUrl = new URL(config.url);
    proxiedUrl.port = String(proxyPort);
    viaProxy = await Database.open({ ...config, url: proxiedUrl.toString(), port: proxyPort });

    let runs = 0;
    const handler: Handler = async (ctx) => {
      runs++;
      if (ctx.event.type !== 'text') return;
      await ctx.db.query('INSERT INTO fault_effect (msg) VALUES (?)', [ctx.event.text]);
      ctx.reply(`已处理：${ctx.event.text}`);
    };
    const clock = new TestClock();
    running = await startBot(viaProxy, { handler, clock, env: { WEBHOOK_REPLY_BUDGET_MS: '500' } });
    const bot = running;

    const messages = Array.from({ length: MESSAGES }, (_, i) => {
      const text = `db-fault-${i}`;
      const request: SignedRequest = i % 2 === 0 ? oaSafeRequest(oaText(`o_dbfault_${i}`, text)) : wecomRequest(wecomText(`dbfault_${i}`, text));
      return { text, sender: i % 2 === 0 ? `o_dbfault_${i}` : `dbfault_${i}`, request, statuses: [] as number[] };
    });
    const deliver = async (message: (typeof messages)[number]) => {
      const response = await bot.post(message.request.path, message.request.body);
      message.statuses.push(response.status);
      return response;
    };

    // traffic flows; a third of the way through, the database becomes unreachable under it
    let answered = 0;
    await withConcurrency(messages, 6, async (message) => {
      await deliver(message);
      if (++answered === CUT_AFTER) proxy!.sever();
    });
    const firstAnswers = messages.map((m) => m.statuses[0]);
    expect(firstAnswers.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(firstAnswers.filter((status) => status === 503).length).toBeGreaterThanOrEqual(MESSAGES - CUT_AFTER - 6);
    expect((await bot.get('/readyz')).status).toBe(503);

    // the database returns: everything acknowledged with 200 was stored before it was acknowledged
    proxy.restore();
    const storedNow = new Set((await direct.reader.find(InboundMessage)).map((row) => row.sender));
    const acknowledgedButMissing = messages.filter((m) => m.statuses[0] === 200 && !storedNow.has(m.sender));
    expect(acknowledgedButMissing.map((m) => m.text)).toEqual([]);

    // the platform retries what got a 5xx (three deliveries in all), and those retries are taken
    for (let attempt = 2; attempt <= 3; attempt++) {
      const pending = messages.filter((m) => m.statuses[m.statuses.length - 1] !== 200);
      if (pending.length === 0) break;
      await withConcurrency(pending, 6, async (message) => {
        await deliver(message);
      });
      await sleep(100);
    }
    expect(messages.filter((m) => m.statuses[m.statuses.length - 1] !== 200).map((m) => m.statuses)).toEqual([]);

    // runs cut off by the outage were rolled back; once their claims lapse the recovery loop finishes them
    clock.advance(60_000);
    await eventually(async () => {
      await bot.bot.dispatcher.recover();
      const rows = await direct!.reader.find(InboundMessage);
      return rows.length === MESSAGES && rows.every((row) => row.status === 'done');
    }, 15_000);

    const rows = await direct.reader.find(InboundMessage);
    expect(rows.map((row) => row.sender).sort()).toEqual(messages.map((m) => m.sender).sort());
    const effects = (await direct.source.query('SELECT msg, COUNT(*) AS n FROM fault_effect GROUP BY msg')) as { msg: string; n: number | string }[];
    expect(effects).toHaveLength(MESSAGES);
    expect(effects.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(MESSAGES);
    expect((await bot.get('/readyz')).status).toBe(200);
  });
});

describeEachDatabase('platform API down', ({ db, skipped }) => {
  it('messages queued while the API is down stay in the outbox and are delivered once when it returns, across a restart', async () => {
    if (skipped()) return;
    const platform = new FakePlatform();
    await platform.start();
    const bots: RunningBot[] = [];
    try {
      platform.down = true;
      const handler: Handler = async (ctx) => {
        if (ctx.event.type !== 'text') return;
        ctx.send({ type: 'text', to: { platform: ctx.event.platform, id: ctx.event.from }, text: `回执：${ctx.event.text}` });
      };
      const clock = new TestClock();
      const first = await startBot(db(), { platform, clock, handler });
      bots.push(first);
      const texts: { platform: 'wechat' | 'wecom'; to: string; text: string }[] = [];
      for (let i = 0; i < 10; i++) {
        const to = i % 2 === 0 ? `o_apidown_${i}` : `apidown_${i}`;
        const text = `api-down-${i}`;
        texts.push({ platform: i % 2 === 0 ? 'wechat' : 'wecom', to, text });
        const request = i % 2 === 0 ? oaSafeRequest(oaText(to, text)) : wecomRequest(wecomText(to, text));
        expect((await first.post(request.path, request.body)).status).toBe(200);
      }
      const ours = async () => (await db().reader.find(OutboxMessage)).filter((row) => texts.some((t) => t.to === row.recipient));
      // the first attempts fail (503 from the API), twice, and the messages stay queued
      await eventually(async () => (await ours()).filter((row) => row.attempts >= 1).length === texts.length);
      clock.advance(5 * 60_000);
      first.bot.outbox.kick();
      await eventually(async () => (await ours()).every((row) => row.attempts >= 2 && row.lockedUntil === null));
      const queued = await ours();
      expect(queued).toHaveLength(texts.length);
      expect(queued.every((row) => row.status === 'pending' && row.lastError !== null)).toBe(true);
      expect(platform.delivered('/cgi-bin/message/custom/send')).toHaveLength(0);
      expect(platform.delivered('/cgi-bin/message/send')).toHaveLength(0);

      // the process restarts; the API comes back, its first answer still an error ("system busy")
      await first.stop();
      bots.pop();
      platform.down = false;
      platform.script('/cgi-bin/message/custom/send', { errcode: -1, errmsg: 'system busy' });
      const later = new TestClock(clock.now() + 10 * 60_000);
      const second = await startBot(db(), { platform, clock: later, handler });
      bots.push(second);
      await eventually(async () => {
        later.advance(60_000);
        await second.bot.outbox.drain();
        return (await ours()).every((row) => row.status === 'delivered');
      }, 10_000);

      // and nothing goes twice, even after more polling
      later.advance(60 * 60_000);
      await second.bot.outbox.drain();
      await second.bot.outbox.drain(); // a second pass: nothing is left to go twice
      const sent = [...platform.delivered('/cgi-bin/message/custom/send'), ...platform.delivered('/cgi-bin/message/send')];
      for (const { to, text } of texts) {
        expect(sent.filter((body) => body.touser === to && (body.text as { content?: string })?.content === `回执：${text}`)).toHaveLength(1);
      }
      expect(sent).toHaveLength(texts.length);
    } finally {
      await Promise.all(bots.map((b) => b.stop()));
      await platform.stop();
    }
  });
});

describe('the process killed mid-handler [sqlite]', () => {
  let child: ChildProcess | undefined;
  let running: RunningBot | undefined;
  let db: Database | undefined;
  const platform = new FakePlatform();

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await running?.stop();
    await db?.close();
    await platform.stop();
  });

  it('a message stored by a process killed inside its handler is handled by the next process', async () => {
    await platform.start();
    const config = sqliteConfig();
    if (config.kind !== 'sqlite') throw new Error('expected a SQLite config');
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test', 'support', 'child-bot.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...platformEnv(platform.url),
        DATABASE_URL: `sqlite:${config.file}`,
        DATA_KEY: TEST_DATA_KEY,
        LOG_LEVEL: 'warn',
        WEBHOOK_REPLY_BUDGET_MS: '300',
        CHILD_HANG_MARKER: '[hang]',
        TS_NODE_TRANSPILE_ONLY: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const lines = createInterface({ input: child.stdout! });
    const seen: string[] = [];
    lines.on('line', (line) => seen.push(line));
    const port = await eventually(() => seen.find((line) => line.startsWith('READY '))?.slice(6), 60_000).catch(() => {
      throw new Error(`child bot did not start: ${stderr.slice(0, 2000)}`);
    });

    const request = oaSafeRequest(oaText('o_killed', '阿姨把花瓶打碎了 [hang]'));
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, { method: 'POST', body: request.body, headers: { 'content-type': 'text/xml' } });
    // the handler never finishes: after the reply budget the platform gets the empty acknowledgement
    expect({ status: response.status, text: await response.text() }).toEqual({ status: 200, text: 'success' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(seen).toContain('HANGING o_killed');

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    db = await Database.open(config, { migrate: true });
    const row = await db.reader.findOneByOrFail(InboundMessage, { sender: 'o_killed' });
    expect(row).toMatchObject({ status: 'processing', attempts: 1, reply: null });
    expect((row.event as { text: string }).text).toContain('花瓶');
    // The dead process's claim lasts CLAIM_MS (30 s, src/bot/inbound-store.ts) before the recovery
    // loop may take the message over. Rather than wait 30 s, the test moves the claim into the
    // past, as if the new process had started 30 s later.
    await db.write((m) => m.update(InboundMessage, { id: row.id }, { claimedUntil: Date.now() - 1 }));

    let runs = 0;
    const handler: Handler = async (ctx) => {
      runs++;
      ctx.reply('已为您登记，客服会尽快联系您。');
    };
    running = await startBot(db, { platform, handler });
    await eventually(async () => (await db!.reader.findOneByOrFail(InboundMessage, { id: row.id })).status === 'done', 10_000);
    // an empty list is truthy: wait for the delivery itself
    const sent = (await eventually(() => {
      const delivered = platform.delivered('/cgi-bin/message/custom/send').filter((body) => body.touser === 'o_killed');
      return delivered.length > 0 ? delivered : undefined;
    }))!;
    expect(sent).toEqual([expect.objectContaining({ text: { content: '已为您登记，客服会尽快联系您。' } })]);
    expect(runs).toBe(1);

    // a late retry of the same delivery from WeChat is answered without running the handler again
    const retry = await running.post(request.path, request.body);
    expect(retry).toEqual({ status: 200, text: 'success' });
    expect(runs).toBe(1);
    expect(await db.reader.countBy(InboundMessage, { sender: 'o_killed' })).toBe(1);
    expect(await db.reader.countBy(OutboxMessage, { recipient: 'o_killed' })).toBe(1);
    // a child process compiled by ts-node at start: many seconds on a busy machine
  }, 90_000);
});
