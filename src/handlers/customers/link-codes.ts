import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { say } from '../../../config/say';
import { Customer, CustomerLink } from '../../entities';
import type { FlowContext, QrCodes } from '../ports';
import { fillCasesFromContract, housekeeperLabel, mainContractOf, tellLinkStaff } from './contracts-of';
import { mergeCustomers } from './merge';
import { customerLabel } from './records';

/**
 * Linking by the QR code handed out at signing (R-ID-1, PROTOCOL.md §10). The scene string is
 * ours: `c_` and 16 random bytes, naming nobody (never a phone or a name), used once, with an
 * explicit lifetime. The scan (a new follower's subscribe, an existing one's SCAN) links that
 * openid to the customer and is answered in the passive reply: after a scan only 3 customer-
 * service messages a minute are allowed, so the welcome must not wait for the outbox.
 */

/** How long a printed code stays valid: the platform's maximum for temporary codes (30 days). */
export const LINK_CODE_SECONDS = 30 * 24 * 3600;
const SCENE_PREFIX = 'c_';

export function newScene(): string {
  return `${SCENE_PREFIX}${randomBytes(16).toString('base64url')}`;
}

export interface LinkCode {
  id: number;
  customerId: number;
  url: string;
  ticket: string;
  expiresAt: number;
}

const asCode = (link: CustomerLink): LinkCode => ({ id: link.id, customerId: link.customerId, url: link.url ?? '', ticket: link.ticket ?? '', expiresAt: link.expiresAt });

/**
 * The customer's current code: an unused one with at least a day left is handed out again (a
 * reprinted sheet shows the same code); otherwise a new one is made on the platform. Null when
 * the customer does not exist or is merged into another record.
 */
export async function linkCodeFor(
  writer: <T>(work: (db: EntityManager) => Promise<T>) => Promise<T>,
  qr: QrCodes,
  customerId: number,
  now: number,
): Promise<LinkCode | null> {
  const reusable = await writer(async (db) => {
    const customer = await db.findOneBy(Customer, { id: customerId });
    if (!customer || customer.mergedIntoId !== null) return null;
    const open = await db.findOne(CustomerLink, { where: { customerId, kind: 'qr', status: 'open' }, order: { id: 'DESC' } });
    return { found: open && open.expiresAt - now > 24 * 3600_000 ? open : undefined };
  });
  if (!reusable) return null;
  if (reusable.found) return asCode(reusable.found);
  const scene = newScene();
  const made = await qr.create(scene, LINK_CODE_SECONDS);
  return writer(async (db) => {
    const link = await db.save(
      db.create(CustomerLink, { kind: 'qr', customerId, scene, ticket: made.ticket, url: made.url, expiresAt: now + made.expireSeconds * 1000, status: 'open', requesterId: null, attempts: 0, createdAt: now, usedAt: null }),
    );
    return asCode(link);
  });
}

/** The welcome that names the contract and the housekeeper. */
export async function welcomeFor(db: EntityManager, customer: Customer, key: 'customers.link.welcome' | 'customers.phone.linked' = 'customers.link.welcome'): Promise<string> {
  const contract = await mainContractOf(db, customer.id);
  const name = customer.name ?? '';
  if (!contract) return say('customers.link.welcomeNoContract', { name });
  const housekeeper = await housekeeperLabel(db, contract);
  return key === 'customers.link.welcome' ? say(key, { name, contractNo: contract.number, housekeeper }) : say(key, { contractNo: contract.number, housekeeper });
}

type Refusal = 'expired' | 'usedByOther' | 'otherOpenid';

async function refuse(ctx: FlowContext, link: CustomerLink, target: Customer, reason: Refusal): Promise<string> {
  const contract = await mainContractOf(ctx.db, target.id);
  ctx.log.warn({ audit: 'customer_link_refused', linkId: link.id, customerId: target.id, reason }, 'QR link refused');
  await tellLinkStaff(ctx, contract, say('customers.link.staffRefused', { reason: say(`customers.link.reason.${reason}`), contractNo: contract?.number ?? '—', customer: customerLabel(target) }));
  return say(`customers.link.${reason}`);
}

/**
 * A follower scanned a code. `follower` is their own record (made on this event if new).
 * Returns the passive reply.
 */
export async function linkByScene(ctx: FlowContext, follower: Customer, scene: string): Promise<string> {
  const now = ctx.clock.now();
  const link = scene.startsWith(SCENE_PREFIX) ? await ctx.db.findOneBy(CustomerLink, { scene, kind: 'qr' }) : null;
  if (!link) {
    ctx.log.info({ sceneLength: scene.length }, 'scan of a code this bot did not make');
    return say('customers.link.unknownCode');
  }
  const target = await ctx.db.findOneByOrFail(Customer, { id: link.customerId });
  // the same person scanning their code again: welcomed again, nothing changes
  if (target.platform === follower.platform && target.externalId === follower.externalId) return welcomeFor(ctx.db, target);
  if (link.status !== 'open') return refuse(ctx, link, target, 'usedByOther');
  if (link.expiresAt <= now) return refuse(ctx, link, target, 'expired');
  if (target.externalId) return refuse(ctx, link, target, 'otherOpenid');
  const merged = await mergeCustomers(ctx.db, target.id, follower.id, { actor: 'customer', now, reason: 'qr_link', force: true });
  if (typeof merged === 'string') return refuse(ctx, link, target, 'otherOpenid');
  await ctx.db.update(CustomerLink, { id: link.id }, { status: 'used', requesterId: follower.id, usedAt: now });
  await fillCasesFromContract(ctx.db, target.id, now);
  ctx.log.info({ audit: 'customer_linked', via: 'qr', customerId: target.id, linkId: link.id }, 'follower linked to their customer record');
  return welcomeFor(ctx.db, merged.into);
}
