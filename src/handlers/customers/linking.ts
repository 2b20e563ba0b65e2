import type { EntityManager } from 'typeorm';
import { Customer } from '../../entities';

/** How a personal-WeChat customer records the OA customer they turned out to be (`unionId`). */
export const LINK_PREFIX = 'link:';

/**
 * A personal-WeChat (Wechaty) customer confirmed (phone-link.ts) to be an OA customer: they are
 * linked, not merged — each keeps its own record, conversation and cases (every reply goes back
 * on the channel the customer wrote from), and the Wechaty record's `unionId` says
 * `link:<OA customer id>`. What the company knows about the OA customer — major-customer status,
 * store — is carried over, so commitments and approval steps treat both the same. Never on a
 * phone number alone: typing someone else's number takes over nothing.
 */
export async function linkWechatyToOa(db: EntityManager, wechaty: Customer, oa: Customer): Promise<void> {
  const link: Partial<Customer> = { unionId: `${LINK_PREFIX}${oa.id}` };
  if (oa.isMajor && !wechaty.isMajor) link.isMajor = true;
  if (oa.storeId !== null && wechaty.storeId === null) link.storeId = oa.storeId;
  await db.update(Customer, { id: wechaty.id }, link);
  Object.assign(wechaty, link);
}

/** The OA customer a personal-WeChat customer was linked to, if any. */
export function linkedCustomerId(customer: Pick<Customer, 'unionId'>): number | null {
  return customer.unionId?.startsWith(LINK_PREFIX) ? Number(customer.unionId.slice(LINK_PREFIX.length)) || null : null;
}
