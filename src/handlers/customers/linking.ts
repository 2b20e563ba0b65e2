import type { EntityManager } from 'typeorm';
import { Customer } from '../../entities';

/** How a personal-WeChat customer records the OA customer they turned out to be (`unionId`). */
export const LINK_PREFIX = 'link:';

/**
 * A personal-WeChat (Wechaty) customer and an OA customer who give the same mobile number are one
 * person. They are linked, not merged: each keeps its own record, conversation and cases (every
 * reply goes back on the channel the customer wrote from), and the Wechaty record's `unionId`
 * says `link:<OA customer id>`. What the company knows about the OA customer and the other record
 * lacks — major-customer status, store — is carried over, so commitments and approval steps treat
 * both the same. Works in either order (Wechaty first or OA first); a record already linked stays.
 */
export async function linkByPhone(db: EntityManager, customer: Customer): Promise<Customer | null> {
  if (!customer.phoneHash || (customer.platform !== 'wechaty' && customer.platform !== 'wechat')) return null;
  const others = await db.find(Customer, { where: { phoneHash: customer.phoneHash }, order: { id: 'ASC' } });
  const [wechaty, oa] =
    customer.platform === 'wechaty'
      ? [customer, others.find((c) => c.platform === 'wechat' && c.id !== customer.id)]
      : [others.find((c) => c.platform === 'wechaty' && c.id !== customer.id && !c.unionId), customer];
  if (!wechaty || !oa || wechaty.unionId) return null;
  const link: Partial<Customer> = { unionId: `${LINK_PREFIX}${oa.id}` };
  if (oa.isMajor && !wechaty.isMajor) link.isMajor = true;
  if (oa.storeId !== null && wechaty.storeId === null) link.storeId = oa.storeId;
  await db.update(Customer, { id: wechaty.id }, link);
  Object.assign(wechaty, link);
  return oa;
}

/** The OA customer a personal-WeChat customer was linked to by phone, if any. */
export function linkedCustomerId(customer: Pick<Customer, 'unionId'>): number | null {
  return customer.unionId?.startsWith(LINK_PREFIX) ? Number(customer.unionId.slice(LINK_PREFIX.length)) || null : null;
}
