import type { EntityManager } from 'typeorm';
import { say } from '../../../config/say';
import { Contract, Housekeeper, Staff, Ticket } from '../../entities';
import { CLOSED_TICKET_STATUSES } from '../../entities/ticket';
import { holdersOf } from '../approvals';
import type { FlowContext } from '../ports';
import { findRows } from '../../entities/rows';

/** A customer's contracts as the other rooms need them: which one a case belongs to, what a welcome names. */

export function activeContractsOf(db: EntityManager, customerId: number): Promise<Contract[]> {
  return findRows(db, Contract, { customerId, status: 'active' }, { id: 'DESC' });
}

/**
 * The contract a new case belongs to: the one running contract, or among several the one whose
 * number the customer wrote; null when it cannot be told (staff then set it: 关联 TS… 合同号).
 */
export async function contractForCase(db: EntityManager, customerId: number, text: string): Promise<Contract | null> {
  const active = await activeContractsOf(db, customerId);
  if (active.length <= 1) return active[0] ?? null;
  const named = active.filter((c) => text.toUpperCase().includes(c.number.toUpperCase()));
  return named.length === 1 ? named[0] : null;
}

/** The newest running contract, else the newest of any status: what a welcome or a card names. */
export async function mainContractOf(db: EntityManager, customerId: number): Promise<Contract | null> {
  const [active] = await activeContractsOf(db, customerId);
  return active ?? (await db.findOne(Contract, { where: { customerId }, order: { id: 'DESC' } }));
}

/** 「李阿姨（A0123）」, or the catalogue's 待安排. */
export async function housekeeperLabel(db: EntityManager, contract: Contract | null): Promise<string> {
  const housekeeper = contract?.housekeeperId ? await db.findOneBy(Housekeeper, { id: contract.housekeeperId }) : null;
  return housekeeper ? `${housekeeper.name}（${housekeeper.code}）` : say('customers.link.unknownHousekeeper');
}

/**
 * After a link or a merge: the customer's open cases that do not know their store and housekeeper
 * yet take them from the one running contract (with several, staff choose: 关联 TS… 合同号).
 */
export async function fillCasesFromContract(db: EntityManager, customerId: number, now: number): Promise<number> {
  const active = await activeContractsOf(db, customerId);
  if (active.length !== 1) return 0;
  const [contract] = active;
  const open = await db.find(Ticket, { where: { customerId } });
  let filled = 0;
  for (const ticket of open) {
    if (CLOSED_TICKET_STATUSES.includes(ticket.status)) continue;
    const changes: Partial<Ticket> = {};
    if (ticket.storeId === null && contract.storeId !== null) changes.storeId = contract.storeId;
    if (ticket.housekeeperId === null && contract.housekeeperId !== null) changes.housekeeperId = contract.housekeeperId;
    if (Object.keys(changes).length === 0) continue;
    await db.update(Ticket, { id: ticket.id }, { ...changes, updatedAt: now });
    filled++;
  }
  return filled;
}

/** A refused or failed link is told to the people who can sort it out: the contract's consultant and the specialists. */
export async function tellLinkStaff(ctx: FlowContext, contract: Contract | null, text: string): Promise<void> {
  const specialists = await holdersOf(ctx.db, 'cs_specialist');
  const consultant = contract?.consultantId ? await ctx.db.findOneBy(Staff, { id: contract.consultantId, active: true }) : null;
  const people = [...specialists, ...(consultant && !specialists.some((s) => s.id === consultant.id) ? [consultant] : [])];
  for (const person of people) ctx.send({ type: 'text', to: { platform: 'wecom', id: person.wecomUserId }, text });
  if (people.length === 0) ctx.log.warn({ contractId: contract?.id ?? null }, 'a refused customer link has nobody to tell: no customer-service specialist configured');
}
