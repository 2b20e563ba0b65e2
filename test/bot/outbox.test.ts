import { OutboxMessage } from '../../src/entities';
import { enqueue } from '../../src/bot/outbox';
import type { OutboundMessage } from '../../src/handlers/ports';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { describeEachDatabase } from '../support/databases';
import { freshOutbox } from '../support/outbox';
import { startBot, TestClock, type RunningBot } from '../support/harness';

const toCustomer = (id: string, text = '您好'): OutboundMessage => ({ type: 'text', to: { platform: 'wechat', id }, text });
const toMember = (id: string, text = '新线索'): OutboundMessage => ({ type: 'text', to: { platform: 'wecom', id }, text });
const card = (taskId: string): OutboundMessage => ({
  type: 'card',
  to: [{ platform: 'wecom', id: 'sales01' }, { platform: 'wecom', id: 'mgr01' }],
  card: { taskId, title: '新客户咨询', fields: [{ label: '需求', value: '月嫂' }], buttons: [{ key: `lead:1:accept`, text: '接单' }] },
});

let keySeq = 0;

describeEachDatabase('outbox and platform clients', ({ db, skipped }) => {
  let platform: FakePlatform;
  let clock: TestClock;
  const bots: RunningBot[] = [];

  beforeEach(async () => {
    if (skipped()) return;
    // each test starts from an empty outbox and token cache (the fake platform is new too)
    ({ platform, clock } = await freshOutbox(db()));
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((b) => b.stop()));
    await platform?.stop();
  });

  const bot = async (env: Record<string, string> = {}) => {
    const running = await startBot(db(), { platform, clock, background: false, env });
    bots.push(running);
    return running;
  };
  const queue = async (...messages: OutboundMessage[]) => {
    const keys = messages.map(() => `test:${keySeq++}`);
    await db().write((m) => enqueue(m, messages.map((message, i) => ({ dedupKey: keys[i], message })), clock.now()));
    return keys;
  };
  const row = (dedupKey: string) => db().reader.findOneByOrFail(OutboxMessage, { dedupKey });

  it('two instances on one database share one access token per app', async () => {
    if (skipped()) return;
    const [a, b] = [await bot(), await bot()];
    await queue(...Array.from({ length: 6 }, (_, i) => toMember(`m${i}`)), ...Array.from({ length: 6 }, (_, i) => toCustomer(`o${i}`)));
    await Promise.all([a.bot.outbox.drain(), b.bot.outbox.drain()]);
    expect(platform.callsTo('/cgi-bin/gettoken')).toHaveLength(1);
    expect(platform.callsTo('/cgi-bin/token')).toHaveLength(1);
    expect(platform.delivered('/cgi-bin/message/send')).toHaveLength(6);
    expect(platform.delivered('/cgi-bin/message/custom/send')).toHaveLength(6);
    // a third instance started later reuses the stored token
    const c = await bot();
    await queue(toMember('late'));
    await c.bot.outbox.drain();
    expect(platform.tokenIssued).toBe(2);
  });

  it('the outbox and the QR codes of one bot use one client: a token the outbox refreshed is the one the next code is made with', async () => {
    if (skipped()) return;
    const a = await bot();
    await a.bot.qrCodes!.create('probe:1', 600);
    platform.revokeTokens();
    await queue(toCustomer('o_after_revoke'));
    await a.bot.outbox.drain();
    expect(platform.callsTo('/cgi-bin/token')).toHaveLength(2);
    await a.bot.qrCodes!.create('probe:2', 600);
    // a second client kept the revoked token in memory, got 40001/42001 and fetched a third
    expect(platform.callsTo('/cgi-bin/token')).toHaveLength(2);
    expect(platform.callsTo('/cgi-bin/qrcode/create')).toHaveLength(2);
  });

  it('a revoked token (42001) is refreshed once and the call retried once', async () => {
    if (skipped()) return;
    const a = await bot();
    await queue(toMember('m1'));
    await a.bot.outbox.drain();
    platform.revokeTokens();
    const [key] = await queue(toMember('m2'));
    await a.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(platform.callsTo('/cgi-bin/gettoken')).toHaveLength(2);
    const sends = platform.callsTo('/cgi-bin/message/send').filter((c) => c.body?.touser === 'm2');
    expect(sends).toHaveLength(2); // the 42001 and the retry
  });

  it('a token error that survives the refresh is not looped on', async () => {
    if (skipped()) return;
    const a = await bot();
    platform.script('/cgi-bin/message/send', { errcode: 40014 }, { errcode: 40014 });
    const [key] = await queue(toMember('m3'));
    await a.bot.outbox.drain();
    expect(platform.callsTo('/cgi-bin/message/send')).toHaveLength(2);
    expect(await row(key)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a 5xx is retried with backoff and delivered exactly once', async () => {
    if (skipped()) return;
    const a = await bot();
    platform.script('/cgi-bin/message/send', { httpStatus: 502 });
    const [key] = await queue(toMember('m4', '请尽快联系客户'));
    await a.bot.outbox.drain();
    const failed = await row(key);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.nextAttemptAt).toBeGreaterThan(clock.now());
    await a.bot.outbox.drain(); // not due yet: nothing happens
    expect(platform.callsTo('/cgi-bin/message/send')).toHaveLength(1);
    clock.advance(failed.nextAttemptAt - clock.now());
    await a.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(platform.delivered('/cgi-bin/message/send')).toEqual([expect.objectContaining({ touser: 'm4', text: { content: '请尽快联系客户' } })]);
  });

  it('45009 (rate limit) backs off for a minute or more and does not refresh the token', async () => {
    if (skipped()) return;
    const a = await bot();
    platform.script('/cgi-bin/message/send', { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    const [key] = await queue(toMember('m5'));
    await a.bot.outbox.drain();
    const limited = await row(key);
    expect(limited.status).toBe('pending');
    expect(limited.nextAttemptAt - clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(platform.tokenIssued).toBe(1);
    clock.advance(60_000);
    await a.bot.outbox.drain();
    expect((await row(key)).status).toBe('delivered');
  });

  it('outside the 48-hour window (45015) the configured template message is used', async () => {
    if (skipped()) return;
    const a = await bot({ WECHAT_FALLBACK_TEMPLATE_ID: 'TPL_SERVICE_NOTICE' });
    platform.script('/cgi-bin/message/custom/send', { errcode: 45015, errmsg: 'response out of time limit' });
    const [key] = await queue(toCustomer('o_old', '您的投诉处理进度：门店已完成调查。'));
    await a.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'delivered' });
    expect(platform.delivered('/cgi-bin/message/template/send')).toEqual([expect.objectContaining({ touser: 'o_old', template_id: 'TPL_SERVICE_NOTICE' })]);
  });

  it('without a template, 45015 and 43004 are undeliverable with the reason, not retried', async () => {
    if (skipped()) return;
    const a = await bot();
    platform.script('/cgi-bin/message/custom/send', { errcode: 45015, errmsg: 'response out of time limit' }, { errcode: 43004, errmsg: 'require subscribe' });
    const [k1, k2] = await queue(toCustomer('o_a'), toCustomer('o_b'));
    await a.bot.outbox.drain();
    expect(await row(k1)).toMatchObject({ status: 'undeliverable', lastError: expect.stringContaining('45015') });
    expect(await row(k2)).toMatchObject({ status: 'undeliverable', lastError: expect.stringContaining('43004') });
    clock.advance(3600_000);
    await a.bot.outbox.drain();
    expect(platform.callsTo('/cgi-bin/message/custom/send')).toHaveLength(2);
  });

  it('a card is sent once, its response_code kept, and the update spends it once', async () => {
    if (skipped()) return;
    const a = await bot();
    await queue(card('lead-7-1'));
    await a.bot.outbox.drain();
    const [sent] = platform.delivered('/cgi-bin/message/send');
    expect(sent).toMatchObject({ touser: 'sales01|mgr01', msgtype: 'template_card', template_card: expect.objectContaining({ card_type: 'button_interaction', task_id: 'lead-7-1' }) });
    const update: OutboundMessage = { type: 'card_update', to: [{ platform: 'wecom', id: 'sales01' }], taskId: 'lead-7-1', card: (card('lead-7-1') as { card: any }).card, decidedText: '已接单 · 王顾问' };
    const [u1, u2] = await queue(update, update);
    await a.bot.outbox.drain();
    const updates = platform.delivered('/cgi-bin/message/update_template_card');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ response_code: 'rc_1', userids: ['sales01'], template_card: expect.objectContaining({ sub_title_text: '已接单 · 王顾问' }) });
    expect((await row(u1)).status).toBe('delivered');
    expect(await row(u2)).toMatchObject({ status: 'undeliverable', lastError: expect.stringContaining('response_code') });
  });

  it('an outage: messages wait in the outbox across a restart and are delivered once when the API is back', async () => {
    if (skipped()) return;
    const first = await bot();
    platform.down = true;
    const keys = await queue(toMember('m6'), toCustomer('o6'));
    await first.bot.outbox.drain();
    await first.stop();
    bots.splice(bots.indexOf(first), 1);
    platform.down = false;
    clock.advance(10 * 60_000);
    const second = await bot();
    await second.bot.outbox.drain();
    await second.bot.outbox.drain();
    for (const key of keys) expect((await row(key)).status).toBe('delivered');
    expect(platform.delivered('/cgi-bin/message/send').filter((b) => b.touser === 'm6')).toHaveLength(1);
    expect(platform.delivered('/cgi-bin/message/custom/send').filter((b) => b.touser === 'o6')).toHaveLength(1);
  });

  it('without credentials a platform runs in sandbox: recorded, logged, nothing sent', async () => {
    if (skipped()) return;
    const a = await bot({ WECOM_SECRET: '' });
    const [key] = await queue(card('lead-sandbox-1'));
    await a.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'sandbox', result: 'sandbox' });
    expect(platform.callsTo('/cgi-bin/message/send')).toHaveLength(0);
    expect(a.logs.text()).toContain('sandbox: message not sent');
  });

  it('queuing the same dedup key twice queues one message', async () => {
    if (skipped()) return;
    await db().write((m) => enqueue(m, [{ dedupKey: 'same-cause', message: toMember('m7') }], clock.now()));
    await db().write((m) => enqueue(m, [{ dedupKey: 'same-cause', message: toMember('m7') }], clock.now()));
    expect(await db().reader.countBy(OutboxMessage, { dedupKey: 'same-cause' })).toBe(1);
  });
});
