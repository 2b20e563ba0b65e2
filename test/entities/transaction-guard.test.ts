import type { EntityManager } from 'typeorm';
import { Customer, Sequence } from '../../src/entities';
import { openTestDatabase } from '../support/databases';

/**
 * Issue 18's safety net: MariaDB ends a deadlock victim's transaction on its own. Code that catches
 * the error and carries on must not be able to write what follows in autocommit mode (half the
 * work gone, half kept); the write is refused, the transaction rolled back, and Database.write runs
 * the work again from the start.
 */

describe('a transaction MariaDB rolled back to break a deadlock [mysql]', () => {
  it('keeps nothing of the failed attempt, even when the work swallowed the error, and is run again whole', async () => {
    const handle = await openTestDatabase('mysql');
    if (!handle) return;
    const { db } = handle;
    try {
      await db.write(async (m) => {
        await m.insert(Sequence, { name: 'A', value: 0 });
        await m.insert(Sequence, { name: 'B', value: 0 });
      });
      const bump = (m: EntityManager, name: string) => m.createQueryBuilder().update(Sequence).set({ value: () => 'value + 1' }).where('name = :name', { name }).execute();
      // both first attempts hold their first row before either asks for the other's: a sure deadlock
      let holding = 0;
      let release!: () => void;
      const bothHolding = new Promise<void>((resolve) => (release = resolve));
      const attempts = { one: 0, two: 0 };
      let swallowed = 0;
      const work = (who: 'one' | 'two', first: string, second: string) => (m: EntityManager) => {
        return (async () => {
          const attempt = ++attempts[who];
          await m.insert(Customer, { platform: 'wechat', externalId: `o_guard_${who}`, channel: 'wechat', createdAt: 1 });
          await bump(m, first);
          if (attempt === 1) {
            if (++holding === 2) release();
            await bothHolding;
          }
          try {
            await bump(m, second);
          } catch {
            // the mistake issue 18 was made of: an error inside a transaction, caught and ignored
            swallowed++;
          }
          await m.insert(Customer, { platform: 'wechat', externalId: `o_guard_${who}_after`, channel: 'wechat', createdAt: 1 });
        })();
      };
      await Promise.all([db.write(work('one', 'A', 'B')), db.write(work('two', 'B', 'A'))]);

      expect(swallowed).toBe(1);
      expect(attempts.one + attempts.two).toBe(3);
      const ids = (await db.reader.find(Customer)).map((c) => c.externalId).sort();
      expect(ids).toEqual(['o_guard_one', 'o_guard_one_after', 'o_guard_two', 'o_guard_two_after']);
      const values = (await db.reader.find(Sequence, { order: { name: 'ASC' } })).map((s) => [s.name, s.value]);
      expect(values).toEqual([
        ['A', 2],
        ['B', 2],
      ]);
    } finally {
      await handle.dispose();
    }
  });
});
