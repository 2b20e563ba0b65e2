import type { EntityManager } from 'typeorm';
import { Contract, Conversation, Customer } from '../../entities';
import { FOREIGN_KEYS } from '../../entities/foreign-keys';
import { audit } from '../records';

/**
 * Merging two records of one person (R-ID-1): `from` is folded into `into`. Every record that
 * points at a customer (the foreign-key table, so a room that adds one is covered) moves to
 * `into`; what `into` lacks is taken from `from` (name, phone, address, district, store, the
 * WeChat id when `into` has none); `from` stays as an empty row pointing at `into`
 * (mergedIntoId) for the audit trail. Runs inside the caller's transaction, audited.
 */

export type MergeRefusal = 'not_found' | 'same' | 'two_contracts' | 'two_wechats';

export interface MergeResult {
  into: Customer;
  moved: Record<string, number>;
}

/** Both have a running contract and their phones differ: perhaps two people, unless a person says otherwise. */
async function conflictingContracts(db: EntityManager, into: Customer, from: Customer): Promise<boolean> {
  const [a, b] = await Promise.all([db.existsBy(Contract, { customerId: into.id, status: 'active' }), db.existsBy(Contract, { customerId: from.id, status: 'active' })]);
  return a && b && into.phoneHash !== null && from.phoneHash !== null && into.phoneHash !== from.phoneHash;
}

export async function mergeCustomers(
  db: EntityManager,
  intoId: number,
  fromId: number,
  options: { actor: string; force?: boolean; now: number; reason: 'staff' | 'qr_link' | 'phone_link' },
): Promise<MergeResult | MergeRefusal> {
  if (intoId === fromId) return 'same';
  const into = await db.findOneBy(Customer, { id: intoId });
  const from = await db.findOneBy(Customer, { id: fromId });
  if (!into || !from || into.mergedIntoId !== null || from.mergedIntoId !== null) return 'not_found';
  if (into.externalId && from.externalId) return 'two_wechats';
  if (!options.force && (await conflictingContracts(db, into, from))) return 'two_contracts';

  const moved: Record<string, number> = {};
  for (const [entity, column, target] of FOREIGN_KEYS) {
    if (target() !== Customer || entity === Customer) continue;
    if (entity === Conversation) continue;
    const result = await db.createQueryBuilder().update(entity).set({ [column]: into.id }).where(`${column} = :from`, { from: from.id }).execute();
    const name = db.connection.getMetadata(entity).tableName;
    moved[name] = (moved[name] ?? 0) + (result.affected ?? 0);
  }
  // one dialogue per customer: the one kept is the record's own, the other's was only state
  if (await db.existsBy(Conversation, { customerId: into.id })) await db.delete(Conversation, { customerId: from.id });
  else await db.update(Conversation, { customerId: from.id }, { customerId: into.id });

  const taken: Partial<Customer> = {};
  for (const field of ['name', 'address', 'district', 'storeId'] as const) if (into[field] === null && from[field] !== null) Object.assign(taken, { [field]: from[field] });
  if (!into.phone && from.phone) Object.assign(taken, { phone: from.phone, phoneHash: from.phoneHash });
  if (from.isMajor && !into.isMajor) taken.isMajor = true;
  const wechat = !into.externalId && from.externalId ? { platform: from.platform, externalId: from.externalId, unionId: from.unionId, subscribed: from.subscribed, lastInboundAt: from.lastInboundAt } : null;
  // the unique (platform, externalId) index: the old row lets go of the WeChat id before the kept one takes it
  await db.update(Customer, { id: from.id }, { mergedIntoId: into.id, platform: null, externalId: null, unionId: null, phoneHash: null, subscribed: false });
  const changes = { ...taken, ...(wechat ?? {}) };
  if (Object.keys(changes).length > 0) await db.update(Customer, { id: into.id }, changes);
  Object.assign(into, changes);
  await audit(
    db,
    { actor: options.actor, action: 'customer.merged', subject: 'customer', subjectId: into.id, changes: { mergedFrom: from.id, reason: options.reason, forced: Boolean(options.force), moved, tookWechat: wechat !== null, tookFields: Object.keys(taken) } },
    options.now,
  );
  return { into, moved };
}
