import { Customer, Handoff, OutboxMessage } from '../../src/entities';
import { driverCode, isUniqueViolation } from '../../src/entities/errors';
import { countRowsBy, findRow, findRows, findRowsWhere, insertRow, rowExists, updateRows } from '../../src/entities/rows';
import { describeEachDatabase } from '../support/databases';

/**
 * The hot path's plain SQL (src/entities/rows.ts) must store and read exactly what TypeORM's own
 * find, insert and update do: the same defaults, encrypted columns sealed and opened the same way,
 * booleans, instants and JSON the same, on both databases.
 */
describeEachDatabase('plain-SQL rows behave as the ORM', ({ db }) => {
  it('an inserted row is what the ORM reads back, defaults included, and the ORM reads what it stored', async () => {
    const inserted = await db().write((m) => insertRow(m, Customer, { platform: 'wechat', externalId: 'o_rows_1', channel: 'wechat', phone: '13900001111', name: '王女士', createdAt: 1_765_000_000_123, lastInboundAt: null }));
    expect(inserted.id).toBeGreaterThan(0);
    const viaOrm = await db().reader.findOneByOrFail(Customer, { id: inserted.id });
    expect({ ...viaOrm }).toEqual({ ...inserted });
    expect(viaOrm).toMatchObject({ phone: '13900001111', name: '王女士', isMajor: false, subscribed: true, storeId: null, mergedIntoId: null, createdAt: 1_765_000_000_123 });
    // the personal fields are sealed in the table, not plain
    const [raw] = (await db().reader.query(`SELECT phone FROM customer WHERE id = ${inserted.id}`)) as { phone: string }[];
    expect(raw.phone).not.toContain('13900001111');

    const viaRows = await db().write((m) => findRow(m, Customer, { platform: 'wechat', externalId: 'o_rows_1' }));
    expect({ ...viaRows }).toEqual({ ...viaOrm });
  });

  it('reads with IN, IS NULL, order and limit, and reports what an update changed', async () => {
    const customer = await db().write((m) => insertRow(m, Customer, { platform: 'wechat', externalId: 'o_rows_2', channel: 'wechat', createdAt: 1 }));
    const open = (status: string, at: number) =>
      db().write((m) => insertRow(m, Handoff, { customerId: customer.id, status, reason: 'asked', urgent: status === 'live', transcript: [{ side: 'customer', text: '转人工' }], createdAt: at, dueAt: at + 1 }));
    const first = await open('closed', 10);
    const second = await open('waiting', 20);
    const third = await open('live', 30);
    const openOnes = await db().write((m) => findRows(m, Handoff, { customerId: customer.id, status: ['waiting', 'live'] }, { id: 'DESC' }));
    expect(openOnes.map((h) => h.id)).toEqual([third.id, second.id]);
    expect(openOnes[0]).toMatchObject({ urgent: true, transcript: [{ side: 'customer', text: '转人工' }], windowKind: 'message', sentInWindow: 0, staffId: null });
    expect(await db().write((m) => findRow(m, Handoff, { customerId: customer.id }, { id: 'ASC' }))).toMatchObject({ id: first.id, urgent: false });
    expect(await db().write((m) => findRows(m, Handoff, { customerId: customer.id, staffId: null }, {}, 2))).toHaveLength(2);
    expect(await db().write((m) => findRows(m, Handoff, { customerId: customer.id, status: [] }))).toEqual([]);

    expect(await db().write((m) => updateRows(m, Handoff, { customerId: customer.id, status: ['waiting', 'live'] }, { status: 'closed', closedAt: 99 }))).toBe(2);
    expect(await db().write((m) => updateRows(m, Handoff, { customerId: customer.id, status: 'waiting' }, { status: 'closed' }))).toBe(0);
    expect(await db().reader.countBy(Handoff, { customerId: customer.id, status: 'closed' })).toBe(3);
    await db().write((m) => updateRows(m, Handoff, { id: first.id }, { staffId: null, status: 'waiting' }));
    const byStatus = await db().write((m) => countRowsBy(m, Handoff, { customerId: customer.id }, 'status'));
    expect([...byStatus].sort()).toEqual([['closed', 2], ['waiting', 1]]);
    expect(await db().write((m) => countRowsBy(m, Handoff, { customerId: customer.id, status: ['live'] }, 'status'))).toEqual(new Map());
    expect(await db().write((m) => rowExists(m, Handoff, { customerId: customer.id, status: 'waiting' }))).toBe(true);
    expect(await db().write((m) => rowExists(m, Handoff, { customerId: customer.id, status: 'live' }))).toBe(false);
    // what equality cannot say, written by the caller: a range, newest first, at most one
    const since20 = await db().write((m) => findRowsWhere(m, Handoff, (q) => `${q('customerId')} = ? AND ${q('createdAt')} >= ?`, [customer.id, 20], 'ORDER BY id DESC LIMIT 1'));
    expect(since20.map((h) => h.id)).toEqual([third.id]);
    expect(since20[0]).toMatchObject({ transcript: [{ side: 'customer', text: '转人工' }], urgent: true });
  });

  it('ifAbsent leaves a row with the same unique key as it was, and fails on nothing else', async () => {
    const row = (text: string) => ({ dedupKey: 'rows:dup', platform: 'wechat', kind: 'text', recipient: 'o_rows', payload: { text }, status: 'pending' as const, attempts: 0, nextAttemptAt: 1, createdAt: 1 });
    await db().write((m) => insertRow(m, OutboxMessage, row('first'), { ifAbsent: true }));
    await db().write((m) => insertRow(m, OutboxMessage, row('second'), { ifAbsent: true }));
    const stored = await db().reader.findBy(OutboxMessage, { dedupKey: 'rows:dup' });
    expect(stored).toHaveLength(1);
    expect(stored[0].payload).toEqual({ text: 'first' });
    // a NOT NULL column left empty is still an error, not silently dropped
    await expect(db().write((m) => insertRow(m, OutboxMessage, { ...row('x'), dedupKey: 'rows:other', recipient: undefined }, { ifAbsent: true }))).rejects.toThrow(/NOT NULL|cannot be null/i);
  });

  it('a duplicate key is told apart from other errors the same way through rows.ts and through the ORM', async () => {
    const row = { dedupKey: 'rows:unique', platform: 'wechat', kind: 'text', recipient: 'o_rows', payload: {}, status: 'pending' as const, attempts: 0, nextAttemptAt: 1, createdAt: 1 };
    await db().write((m) => insertRow(m, OutboxMessage, row));
    const failure = (work: Promise<unknown>) => work.then(() => new Error('it succeeded'), (error: unknown) => error);
    const viaRows = await failure(db().write((m) => insertRow(m, OutboxMessage, row)));
    const viaOrm = await failure(db().write((m) => m.insert(OutboxMessage, row)));
    const notNull = await failure(db().write((m) => insertRow(m, OutboxMessage, { ...row, dedupKey: 'rows:unique2', recipient: undefined })));
    expect([isUniqueViolation(viaRows), isUniqueViolation(viaOrm), isUniqueViolation(notNull)]).toEqual([true, true, false]);
    expect(driverCode(notNull)).toMatch(/NOTNULL|BAD_NULL/);
  });
});
