import { CardResponseCode, OutboxMessage } from '../../src/entities';
import { enqueue } from '../../src/bot/outbox';
import type { OutboundMessage } from '../../src/handlers/ports';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { describeEachDatabase } from '../support/databases';
import { freshOutbox } from '../support/outbox';
import { startBot, TestClock, type RunningBot } from '../support/harness';

/**
 * Issue 19, item 9: a card's response code is single use. It used to be marked used before
 * update_template_card was called, so a network error left the card with live buttons for ever:
 * the outbox's retry found no code. It is marked used only when WeCom accepted the update.
 */

const UPDATE_PATH = '/cgi-bin/message/update_template_card';
const cardContent = { taskId: 'lead-19-9', title: '新客户咨询', fields: [{ label: '需求', value: '月嫂' }], buttons: [{ key: 'lead:19:accept', text: '接单' }] };
const card: OutboundMessage = { type: 'card', to: [{ platform: 'wecom', id: 'sales01' }], card: cardContent };
const update: OutboundMessage = { type: 'card_update', to: [{ platform: 'wecom', id: 'sales01' }], taskId: cardContent.taskId, card: cardContent, decidedText: '已接单 · 王顾问' };

let keySeq = 0;

describeEachDatabase('card updates and their response code', ({ db, skipped }) => {
  let platform: FakePlatform;
  let clock: TestClock;
  let running: RunningBot;

  beforeEach(async () => {
    if (skipped()) return;
    ({ platform, clock } = await freshOutbox(db()));
    running = await startBot(db(), { platform, clock, background: false });
  });
  afterEach(async () => {
    await running?.stop();
    await platform?.stop();
  });

  const queue = async (message: OutboundMessage) => {
    const key = `card-update-test:${keySeq++}`;
    await db().write((m) => enqueue(m, [{ dedupKey: key, message }], clock.now()));
    return key;
  };
  const row = (dedupKey: string) => db().reader.findOneByOrFail(OutboxMessage, { dedupKey });
  const code = () => db().reader.findOneByOrFail(CardResponseCode, { taskId: cardContent.taskId });

  it('keeps the code through a network error and updates the card on the outbox retry', async () => {
    if (skipped()) return;
    await queue(card);
    await running.bot.outbox.drain();
    expect((await code()).code).toBe('rc_1');

    platform.script(UPDATE_PATH, { httpStatus: 503 });
    const key = await queue(update);
    await running.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(platform.callsTo(UPDATE_PATH)).toHaveLength(1);
    expect((await code()).spentAt).toBeNull();

    clock.advance(60 * 60_000); // past any backoff
    await running.bot.outbox.drain();
    expect(await row(key)).toMatchObject({ status: 'delivered', attempts: 2 });
    const delivered = platform.delivered(UPDATE_PATH);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ response_code: 'rc_1', template_card: expect.objectContaining({ sub_title_text: '已接单 · 王顾问' }) });
    expect((await code()).spentAt).not.toBeNull();
  });

  it('marks the code used after a successful update: a second update has none left', async () => {
    if (skipped()) return;
    await queue(card);
    await running.bot.outbox.drain();
    const first = await queue(update);
    await running.bot.outbox.drain();
    expect((await row(first)).status).toBe('delivered');
    const second = await queue(update);
    await running.bot.outbox.drain();
    expect(await row(second)).toMatchObject({ status: 'undeliverable', lastError: expect.stringContaining('response_code') });
    expect(platform.callsTo(UPDATE_PATH)).toHaveLength(1);
  });

  it('keeps the newest code per task and member: the same code again changes nothing, a new one replaces it unspent', async () => {
    if (skipped()) return;
    const codes = running.bot.responseCodes;
    const mine = () => db().reader.findOneByOrFail(CardResponseCode, { taskId: 'task-remember', userId: 'sales01' });
    await codes.remember('task-remember', 'sales01', 'code-1');
    const first = await mine();
    const newest = await codes.newest('task-remember');
    await codes.markSpent(newest!);
    const spentAt = (await mine()).spentAt;
    expect(spentAt).not.toBeNull();
    clock.advance(60_000);
    // a repeated callback with the same code: still spent, still its first time
    await codes.remember('task-remember', 'sales01', 'code-1');
    expect(await mine()).toMatchObject({ id: first.id, code: 'code-1', receivedAt: first.receivedAt, spentAt });
    expect(await codes.newest('task-remember')).toBeUndefined();
    // a new code: kept in the same row, unspent, from now
    await codes.remember('task-remember', 'sales01', 'code-2');
    expect(await mine()).toMatchObject({ id: first.id, code: 'code-2', receivedAt: clock.now(), spentAt: null });
    expect(await codes.newest('task-remember')).toEqual({ id: first.id, code: 'code-2' });
    await codes.remember('task-remember', 'mgr01', 'code-3');
    expect(await db().reader.countBy(CardResponseCode, { taskId: 'task-remember' })).toBe(2);
  });
});
