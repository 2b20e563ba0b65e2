import type { EntityManager } from 'typeorm';
import { Customer, Sequence, TicketEvent } from '../../entities';
import { lookupHash } from '../../entities/personal-data';
import { dayKey } from '../calendar/time';

/** Shared record keeping used by every flow: numbers, customers, the timeline. */

/**
 * The next human-readable number of the day: TS202611260001. The counter row is updated inside
 * the caller's transaction, so two instances never hand out the same number.
 *
 * One upsert statement, never "UPDATE, and INSERT if nothing was updated": on MariaDB/MySQL
 * (REPEATABLE READ) an UPDATE that finds no row takes a gap lock, two transactions that both
 * miss the day's row then both INSERT into that gap, and InnoDB resolves the deadlock by rolling
 * back one transaction as a whole. Catching that error and carrying on (as this function once
 * did) left the handler writing in autocommit mode: everything it had written before — the new
 * customer row — was gone, while the case written after it committed and pointed at a customer
 * that no longer existed (issue 18).
 */
export async function nextNumber(db: EntityManager, prefix: 'TS' | 'XS', now: number, timeZone: string): Promise<string> {
  const name = `${prefix}${dayKey(now, timeZone)}`;
  const mysql = db.connection.options.type === 'mysql' || db.connection.options.type === 'mariadb';
  await db.query(
    mysql
      ? 'INSERT INTO `sequence` (`name`, `value`) VALUES (?, 1) ON DUPLICATE KEY UPDATE `value` = `value` + 1'
      : 'INSERT INTO "sequence" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1',
    [name],
  );
  // the row is locked by this transaction now: the value read is the one it just set
  const { value } = await db.findOneByOrFail(Sequence, { name });
  return `${name}${String(value).padStart(4, '0')}`;
}

/** Mobile numbers are stored and hashed in one form: 11 digits. */
export function normalisePhone(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
}

export function phoneHash(phone: string): string {
  return lookupHash(`phone:${normalisePhone(phone)}`);
}

/** 138****8000: what staff see before a lead is accepted, and what logs would show. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '未留电话';
  const digits = normalisePhone(phone);
  return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(7)}` : '***';
}

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
  const existing = await db.findOneBy(Customer, { platform, externalId });
  return existing ?? db.save(newCustomer(db, { platform, externalId, channel: platform, now }));
}

export async function customerByPhone(db: EntityManager, phone: string): Promise<Customer | null> {
  return db.findOne(Customer, { where: { phoneHash: phoneHash(phone) }, order: { id: 'ASC' } });
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
  await db.update(Customer, { id: customer.id }, changes);
  if (changes.phoneHash) await linkByPhone(db, customer);
}

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

export interface TimelineEntry {
  ticketId?: number;
  leadId?: number;
  type: string;
  actor: string;
  note?: string;
  data?: Record<string, unknown>;
  at: number;
}

export async function addTimeline(db: EntityManager, entry: TimelineEntry): Promise<void> {
  await db.insert(TicketEvent, {
    ticketId: entry.ticketId ?? null,
    leadId: entry.leadId ?? null,
    type: entry.type,
    actor: entry.actor,
    note: entry.note ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    at: entry.at,
  });
}
