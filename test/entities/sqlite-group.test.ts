import { Store } from '../../src/entities';
import { Database } from '../../src/entities/database';
import { sqliteConfig } from '../support/databases';

/**
 * The SQLite write queue's group commit (src/entities/sqlite-group.ts) on a real database file:
 * writes queued together share a commit, yet each one succeeds or fails alone; ORM saves and
 * nested transactions inside a work behave as inside any transaction.
 */
describe('SQLite group commit', () => {
  let db: Database;
  beforeEach(async () => {
    db = await Database.open(sqliteConfig(), { migrate: true });
  });
  afterEach(async () => db.close());

  const store = (code: string) => ({ code, name: `门店${code}`, districts: '', isDefault: false });
  const codes = async () => (await db.reader.find(Store, { order: { code: 'ASC' } })).map((s) => s.code);

  it('writes queued at once: the failing one is undone alone and its caller gets its error', async () => {
    const outcomes = await Promise.allSettled([
      db.write((m) => m.save(m.create(Store, store('A')))),
      db.write(async (m) => {
        await m.save(m.create(Store, store('B')));
        throw new Error('the handler failed after writing');
      }),
      db.write((m) => m.save(m.create(Store, store('C')))),
      // a duplicate code: the database refuses it, only it
      db.write((m) => m.insert(Store, store('A'))),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('the handler failed after writing');
    expect(await codes()).toEqual(['A', 'C']);
  });

  it('runs WAL with synchronous=NORMAL; many writes at once are all settled, each after the WAL sync', async () => {
    expect(await db.reader.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.reader.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    const written = await Promise.all(Array.from({ length: 200 }, (_, i) => db.write((m) => m.insert(Store, store(`S${String(i).padStart(3, '0')}`)))));
    expect(written).toHaveLength(200);
    expect(await db.reader.count(Store)).toBe(200);
  });

  it('a work alone that fails leaves nothing; a nested transaction inside a work is a savepoint of it', async () => {
    await expect(
      db.write(async (m) => {
        await m.insert(Store, store('X'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await db.write(async (m) => {
      await m.insert(Store, store('Y'));
      await m.transaction(async (inner) => inner.insert(Store, store('Z'))).catch(() => undefined);
      await m
        .transaction(async (inner) => {
          await inner.insert(Store, store('W'));
          throw new Error('inner only');
        })
        .catch(() => undefined);
    });
    expect(await codes()).toEqual(['Y', 'Z']);
    // nothing is left open: the next write commits on its own
    await db.write((m) => m.insert(Store, store('V')));
    expect(await codes()).toEqual(['V', 'Y', 'Z']);
  });
});
