import type { EntityManager } from 'typeorm';
import { Customer } from '../../entities';
import { maskPhone, normalisePhone, phoneHash } from './phones';
import { findRow, insertRow, updateRows } from '../../entities/rows';

/** Customer records: created on first contact, found by platform id or phone, updated from what they say. */

/** A customer we know nothing about yet but where they came from. */
export function newCustomer(db: EntityManager, origin: { platform: string | null; externalId: string | null; channel: string; now: number }): Customer {
  const online = origin.platform !== null;
  return db.create(Customer, {
    platform: origin.platform,
    externalId: origin.externalId,
    unionId: null,
    name: null,
    phone: null,
    phoneHash: null,
    address: null,
    district: null,
    channel: origin.channel,
    isMajor: false,
    storeId: null,
    subscribed: online,
    lastInboundAt: online ? origin.now : null,
    createdAt: origin.now,
  });
}

/** How a card names a customer before anyone has accepted the case: name and masked phone. */
export function customerLabel(customer: Pick<Customer, 'name' | 'phone'> | null | undefined): string {
  return `${customer?.name ?? ''} ${maskPhone(customer?.phone)}`.trim();
}

export async function customerByExternalId(db: EntityManager, platform: string, externalId: string, now: number): Promise<Customer> {
  // a merged record gave its WeChat id to the record it joined, so this finds the live one
  const existing = await findRow(db, Customer, { platform, externalId });
  return existing ?? insertRow(db, Customer, newCustomer(db, { platform, externalId, channel: platform, now }));
}

export async function customerByPhone(db: EntityManager, phone: string): Promise<Customer | null> {
  // a merged record has no phone hash left: the lookup finds the record that stays
  return findRow(db, Customer, { phoneHash: phoneHash(phone) }, { id: 'ASC' });
}

/** Applies what the customer told us; only fields that were said are changed. */
export async function updateCustomer(
  db: EntityManager,
  customer: Customer,
  facts: { name?: string; phone?: string; district?: string; address?: string },
): Promise<void> {
  const changes: Partial<Customer> = {};
  if (facts.name && facts.name !== customer.name) changes.name = facts.name;
  if (facts.phone && normalisePhone(facts.phone) !== customer.phone) {
    changes.phone = normalisePhone(facts.phone);
    changes.phoneHash = phoneHash(facts.phone);
  }
  if (facts.district && facts.district !== customer.district) changes.district = facts.district;
  if (facts.address && facts.address !== customer.address) changes.address = facts.address;
  if (Object.keys(changes).length === 0) return;
  Object.assign(customer, changes);
  await updateRows(db, Customer, { id: customer.id }, changes);
  // a phone that belongs to another record links nothing by itself: phone-link.ts asks first
}
