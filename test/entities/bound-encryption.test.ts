import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Database } from '../../src/entities/database';
import { Customer, Evidence, EvidenceChunk, Penalty } from '../../src/entities';
import { EvidenceStore } from '../../src/bot/evidence-store';
import { openText, placeOf, sealText } from '../../src/entities/personal-data';
import { DIALECTS, mysqlAvailable, mysqlConfig, sqliteConfig, TEST_DATA_KEY } from '../support/databases';
import { addCase } from '../support/seed';

/**
 * Personal data sealed for its table and column (AES-GCM additional data): a ciphertext moved
 * elsewhere does not decrypt, and migration 1764892800000 takes rows of the format without AAD
 * (g1:) to the bound one (g2:) and back, on SQLite and MariaDB.
 */

const MIGRATION = 'BoundEncryption1764892800000';
const PHONE = '13912345678';
const ADDRESS = '北京市朝阳区建国路88号3单元1201';

describe('the sealed format', () => {
  it('checks a full 16-byte tag: a value carrying a 4-byte tag (a 2^32 forgery) is refused', () => {
    // sealed as an attacker with 2^32 tries could: the real key, a tag cut to 4 bytes, an empty value
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(TEST_DATA_KEY, 'base64'), Buffer.alloc(0), 'personal-data-encryption', 32));
    const forge = (aad?: string) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 4 });
      if (aad) cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(Buffer.alloc(0)), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    };
    const place = placeOf('customer', 'phone');
    expect(() => openText('g1:' + forge(), place)).toThrow();
    expect(() => openText('g2:' + forge(place), place)).toThrow();
    const sealed = sealText('13912345678', place);
    expect(openText(sealed, place)).toBe('13912345678');
  });
});

describe.each(DIALECTS)('bound encryption on %s', (dialect) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    if (dialect === 'mysql' && !(await mysqlAvailable())) return;
    const config = dialect === 'sqlite' ? sqliteConfig() : await mysqlConfig();
    db = await Database.open(config, { migrate: true });
    dispose = async () => {
      await db.close();
      if ('drop' in config) await (config as { drop(): Promise<void> }).drop();
    };
  });
  afterAll(async () => dispose?.());

  const raw = async (table: string, column: string, id: number): Promise<string> => {
    const rows: Record<string, unknown>[] = await db.source.query(`SELECT \`${column}\` AS v FROM \`${table}\` WHERE id = ?`, [id]);
    return String(rows[0].v);
  };
  const setRaw = (table: string, column: string, id: number, value: string) => db.source.query(`UPDATE \`${table}\` SET \`${column}\` = ? WHERE id = ?`, [value, id]);
  const evidenceData = async (evidenceId: number) =>
    (await db.reader.find(EvidenceChunk, { where: { evidenceId }, order: { seq: 'ASC' } })).map((c) => c.data).join('');

  const seed = () =>
    db.write(async (m) => {
      const customer = await m.save(m.create(Customer, { platform: 'wechat', externalId: `o_bound_${Date.now()}_${Math.random()}`, name: '陈女士', phone: PHONE, address: ADDRESS, channel: 'wechat', createdAt: 1 }));
      const { ticket, housekeeper } = await addCase(m);
      const penalty = await m.save(m.create(Penalty, { ticketId: ticket.id, housekeeperId: housekeeper.id, amountFen: 100, reason: '迟到', status: 'raised', month: '2026-11', raisedBy: 'csm', acknowledgedBy: null, approvedBy: null, createdAt: 1, decidedAt: null }));
      const photo = await m.save(m.create(Evidence, { ticketId: ticket.id, platform: 'wechat', mediaId: `bound_${customer.id}`, mediaType: 'image', contentType: 'image/jpeg', size: 0, status: 'pending', receivedAt: 1, fetchedAt: null }));
      return { customer, penalty, photo };
    });

  it('a value moved to another column or another table does not decrypt; in its own place it does', async () => {
    if (!db) return;
    const { customer, penalty } = await seed();
    const address = await raw('customer', 'address', customer.id);
    expect(address.startsWith('g2:')).toBe(true);
    expect(address).not.toContain(ADDRESS);

    const name = await raw('customer', 'name', customer.id);
    const reason = await raw('penalty', 'reason', penalty.id);

    await setRaw('customer', 'name', customer.id, address);
    await expect(db.reader.findOneByOrFail(Customer, { id: customer.id })).rejects.toThrow(/authenticate/);
    await setRaw('penalty', 'reason', penalty.id, address);
    await expect(db.reader.findOneByOrFail(Penalty, { id: penalty.id })).rejects.toThrow(/authenticate/);

    // put back where they belong, the same bytes open again
    await setRaw('customer', 'name', customer.id, name);
    await setRaw('penalty', 'reason', penalty.id, reason);
    expect(await db.reader.findOneByOrFail(Customer, { id: customer.id })).toMatchObject({ name: '陈女士', phone: PHONE, address: ADDRESS });
    expect(await db.reader.findOneByOrFail(Penalty, { id: penalty.id })).toMatchObject({ reason: '迟到' });
  });

  it('an evidence file moved to another record does not decrypt', async () => {
    if (!db) return;
    const store = new EvidenceStore(db, () => 1);
    const { photo } = await seed();
    const other = (await seed()).photo;
    await store.save(photo.id, Buffer.from('\xff\xd8secret-photo', 'latin1'), 'image/jpeg');
    await store.save(other.id, Buffer.from('\xff\xd8other-photo', 'latin1'), 'image/jpeg');
    expect((await store.load(photo.id))!.body.toString('latin1')).toContain('secret-photo');
    // the photo's ciphertext copied under the other record (in place of its own file)
    const copied: { seq: number; data: string }[] = await db.source.query('SELECT seq, data FROM evidence_chunk WHERE evidenceId = ? ORDER BY seq', [photo.id]);
    await db.source.query('DELETE FROM evidence_chunk WHERE evidenceId = ?', [other.id]);
    for (const chunk of copied) await db.source.query('INSERT INTO evidence_chunk (evidenceId, seq, data) VALUES (?, ?, ?)', [other.id, chunk.seq, chunk.data]);
    await expect(store.load(other.id)).rejects.toThrow(/authenticate/);
  });

  it('the migration rewrites old-format rows as bound ones and back, in batches, readable either way', async () => {
    if (!db) return;
    const store = new EvidenceStore(db, () => 1);
    // more rows than one batch of the migration (500)
    const customers = await db.write(async (m) => {
      const made: Customer[] = [];
      for (let i = 0; i < 520; i++) made.push(await m.save(m.create(Customer, { platform: 'wechat', externalId: `o_batch_${i}`, name: `客户${i}`, phone: PHONE, address: ADDRESS, channel: 'wechat', createdAt: 1 })));
      return made;
    });
    const { penalty, photo } = await seed();
    // the evidence test left a file under the wrong record: it stays as it is, and blocks nothing
    const damaged: { evidenceId: number }[] = await db.source.query("SELECT DISTINCT evidenceId FROM evidence_chunk WHERE data LIKE 'g2:%'");
    const damagedBefore = new Map<number, string>();
    for (const { evidenceId } of damaged) {
      const unreadable = await store.load(Number(evidenceId)).then(() => false, () => true);
      if (unreadable) damagedBefore.set(Number(evidenceId), await evidenceData(Number(evidenceId)));
    }
    const file = Buffer.alloc(120_000, 7); // several chunks
    await store.save(photo.id, file, 'image/jpeg');

    // down to the release before: everything in the old format, which still reads
    for (;;) {
      const [last] = await db.source.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
      await db.undoLastMigration();
      if (last.name === MIGRATION) break;
    }
    const lastCustomer = customers[customers.length - 1];
    for (const column of ['name', 'phone', 'address']) expect(await raw('customer', column, lastCustomer.id)).toMatch(/^g1:/);
    expect(await raw('penalty', 'reason', penalty.id)).toMatch(/^g1:/);
    expect(openText(await raw('customer', 'address', lastCustomer.id), placeOf('customer', 'address'))).toBe(ADDRESS);
    const legacyFile = await evidenceData(photo.id);
    expect(legacyFile).toMatch(/^[A-Za-z0-9+/]/); // the old evidence format had no prefix
    const [{ n: legacyRows }] = await db.source.query("SELECT COUNT(*) AS n FROM customer WHERE name LIKE 'g1:%'");
    expect(Number(legacyRows)).toBeGreaterThanOrEqual(520);

    // up again: every row bound to its place
    await db.migrate();
    const [{ n: left }] = await db.source.query("SELECT COUNT(*) AS n FROM customer WHERE name LIKE 'g1:%' OR phone LIKE 'g1:%' OR address LIKE 'g1:%'");
    expect(Number(left)).toBe(0);
    expect(await raw('penalty', 'reason', penalty.id)).toMatch(/^g2:/);
    expect(await db.reader.findOneByOrFail(Customer, { id: lastCustomer.id })).toMatchObject({ name: '客户519', phone: PHONE, address: ADDRESS });
    expect(await db.reader.findOneByOrFail(Penalty, { id: penalty.id })).toMatchObject({ reason: '迟到' });
    expect((await evidenceData(photo.id)).startsWith('g2:')).toBe(true);
    expect((await store.load(photo.id))!.body.equals(file)).toBe(true);
    const unreadable = [...damagedBefore].filter(([id]) => id !== photo.id);
    expect(unreadable.length).toBeGreaterThan(0);
    for (const [id, data] of unreadable) expect(await evidenceData(id)).toBe(data);
    // 520 customers written, every row rewritten down and up again, migrations undone and redone
  }, 120_000);
});
