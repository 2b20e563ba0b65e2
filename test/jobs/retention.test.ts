import { AuditEntry, CardResponseCode, InboundMessage, OutboxMessage } from '../../src/entities';
import type { OutboxStatus } from '../../src/entities/outbox-message';
import type { InboundStatus } from '../../src/entities/inbound-message';
import { enqueue } from '../../src/bot/outbox';
import { purgeExpired } from '../../src/jobs/retention';
import { describeEachDatabase } from '../support/databases';
import { startBot, TestClock } from '../support/harness';

/**
 * The nightly retention job on both databases: what has done its job and is older than
 * RETENTION_DAYS goes, what operators, the audit trail and the reports need stays, and running
 * it again (or on two instances at once) changes nothing more.
 */

const NOW = Date.UTC(2026, 5, 1, 19, 40); // a fixed night, 03:40 in Shanghai
const DAY = 24 * 3600_000;
const OLD = NOW - 91 * DAY;
const RECENT = NOW - 89 * DAY;

let seq = 0;

describeEachDatabase('retention job', ({ db, skipped }) => {
  const inbound = (status: InboundStatus, receivedAt: number) =>
    db().write((m) =>
      m.save(
        m.create(InboundMessage, {
          dedupKey: `retention-${seq++}`,
          platform: 'wechat',
          kind: 'text',
          sender: 'o_retention',
          event: { text: '我的电话是13912345678' },
          status,
          attempts: 1,
          claimedUntil: null,
          reply: null,
          error: null,
          receivedAt,
          processedAt: status === 'done' ? receivedAt : null,
        }),
      ),
    );
  const outbox = async (status: OutboxStatus, at: number) => {
    const dedupKey = `retention:${seq++}`;
    await db().write(async (m) => {
      await enqueue(m, [{ dedupKey, message: { type: 'text', to: { platform: 'wechat', id: 'o_retention' }, text: '您好' } }], at);
      await m.update(OutboxMessage, { dedupKey }, { status, deliveredAt: status === 'delivered' || status === 'sandbox' ? at : null });
    });
    return dedupKey;
  };
  const code = (receivedAt: number, spentAt: number | null) =>
    db().write((m) => m.save(m.create(CardResponseCode, { taskId: `task-${seq++}`, userId: 'u1', code: `rc-${seq}`, receivedAt, spentAt })));

  it('purges only handled, delivered and spent records past RETENTION_DAYS, in batches, and keeps the rest', async () => {
    if (skipped()) return;
    const purgedInbound = [await inbound('done', OLD), await inbound('done', OLD - 300 * DAY)];
    const keptInbound = [await inbound('done', RECENT), await inbound('failed', OLD), await inbound('processing', OLD)];
    const purgedOutbox = [await outbox('delivered', OLD), await outbox('sandbox', OLD)];
    // more than one batch of old delivered rows
    await db().write(async (m) => {
      const keys = Array.from({ length: 620 }, () => `retention:${seq++}`);
      await enqueue(m, keys.map((dedupKey) => ({ dedupKey, message: { type: 'text', to: { platform: 'wecom', id: 'u1' }, text: '提醒' } })), OLD);
      await m.createQueryBuilder().update(OutboxMessage).set({ status: 'delivered', deliveredAt: OLD }).where('dedupKey IN (:...keys)', { keys }).execute();
    });
    const keptOutbox = [await outbox('delivered', RECENT), await outbox('pending', OLD), await outbox('undeliverable', OLD)];
    const purgedCodes = [await code(OLD - DAY, OLD)];
    const keptCodes = [await code(RECENT, RECENT), await code(OLD, null)];
    await db().write((m) => m.insert(AuditEntry, { actor: 'csm', action: 'approval.apology', subject: 'ticket', subjectId: 1, changes: null, at: OLD - 400 * DAY }));
    const audits = await db().reader.count(AuditEntry);

    const clock = new TestClock(NOW);
    const bot = await startBot(db(), { clock, background: false });
    try {
      const outcome = await bot.bot.jobs.runNow('retention');
      expect(outcome).toMatchObject({ status: 'done', errors: 0 });
      expect(bot.logs.find((line) => line.msg === 'retention: old working records purged')).toMatchObject({ inbound: 2, outbox: 622, responseCodes: 1, retentionDays: 90 });
      expect(bot.logs.text()).not.toContain('13912345678');
    } finally {
      await bot.stop();
    }

    for (const row of purgedInbound) expect(await db().reader.findOneBy(InboundMessage, { id: row.id })).toBeNull();
    for (const row of keptInbound) expect(await db().reader.findOneBy(InboundMessage, { id: row.id })).not.toBeNull();
    for (const key of purgedOutbox) expect(await db().reader.findOneBy(OutboxMessage, { dedupKey: key })).toBeNull();
    for (const key of keptOutbox) expect(await db().reader.findOneBy(OutboxMessage, { dedupKey: key })).not.toBeNull();
    expect(await db().reader.countBy(OutboxMessage, { status: 'delivered' })).toBe(1);
    for (const row of purgedCodes) expect(await db().reader.findOneBy(CardResponseCode, { id: row.id })).toBeNull();
    for (const row of keptCodes) expect(await db().reader.findOneBy(CardResponseCode, { id: row.id })).not.toBeNull();
    expect(await db().reader.count(AuditEntry)).toBe(audits);

    // again, and on two instances at once: nothing more goes
    const [a, b] = await Promise.all([purgeExpired(db(), NOW, 90), purgeExpired(db(), NOW, 90)]);
    expect([a, b]).toEqual([
      { inbound: 0, outbox: 0, responseCodes: 0, consoleSessions: 0 },
      { inbound: 0, outbox: 0, responseCodes: 0, consoleSessions: 0 },
    ]);
    // RETENTION_DAYS shorter: the recent rows go too, the kept kinds still stay
    expect(await purgeExpired(db(), NOW, 30)).toEqual({ inbound: 1, outbox: 1, responseCodes: 1, consoleSessions: 0 });
    expect(await db().reader.countBy(InboundMessage, { status: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(await db().reader.countBy(OutboxMessage, { status: 'undeliverable' })).toBeGreaterThanOrEqual(1);
  });
});
