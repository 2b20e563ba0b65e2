import type { EntityManager } from 'typeorm';
import { say } from '../../../config/say';
import { Contract, Housekeeper, Ticket } from '../../entities';
import { hasRole, type Staff } from '../../entities/staff';
import type { HandlerContext } from '../ports';
import { addTimeline, audit } from '../records';

/**
 * A case's store and housekeeper set by staff (R-ID-2) when the contract did not tell them: a
 * contract number (the case takes its store and housekeeper) or a housekeeper's code (her, and
 * her store when the case has none). `关联 TS… HT…/A0123` in WeCom, POST /api/tickets/:id/link.
 */

export type CaseLinkRefusal = 'no_ticket' | 'no_contract' | 'no_housekeeper' | 'other_customer';

export async function linkCaseTo(db: EntityManager, ticketId: number, named: { contract?: string; housekeeper?: string }, actor: string, now: number): Promise<Ticket | CaseLinkRefusal> {
  const ticket = await db.findOneBy(Ticket, { id: ticketId });
  if (!ticket) return 'no_ticket';
  const changes: Partial<Ticket> = {};
  if (named.contract) {
    const contract = await db.findOneBy(Contract, { number: named.contract });
    if (!contract) return 'no_contract';
    if (contract.customerId !== ticket.customerId) return 'other_customer';
    if (contract.storeId !== null) changes.storeId = contract.storeId;
    if (contract.housekeeperId !== null) changes.housekeeperId = contract.housekeeperId;
  }
  if (named.housekeeper) {
    const housekeeper = await db.findOneBy(Housekeeper, { code: named.housekeeper });
    if (!housekeeper) return 'no_housekeeper';
    changes.housekeeperId = housekeeper.id;
    if (changes.storeId === undefined && ticket.storeId === null && housekeeper.storeId !== null) changes.storeId = housekeeper.storeId;
  }
  const before = { storeId: ticket.storeId, housekeeperId: ticket.housekeeperId };
  await db.update(Ticket, { id: ticket.id }, { ...changes, updatedAt: now });
  Object.assign(ticket, changes);
  await addTimeline(db, { ticketId: ticket.id, type: 'linked', actor, data: { storeId: ticket.storeId, housekeeperId: ticket.housekeeperId }, at: now });
  await audit(db, { actor, action: 'ticket.linked', subject: 'ticket', subjectId: ticket.id, changes: { storeId: { from: before.storeId, to: ticket.storeId }, housekeeperId: { from: before.housekeeperId, to: ticket.housekeeperId } } }, now);
  return ticket;
}

const LINK_PATTERN = /^\s*关联\s+(TS\d+)\s+(\S+)\s*$/i;

/** 关联 TS… <合同号或阿姨编号>: customer-service staff (specialists and their manager). */
export async function linkCaseCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const match = LINK_PATTERN.exec(text);
  if (!match) {
    ctx.reply(say('cases.link.usage'));
    return;
  }
  if (!hasRole(staff, 'cs_specialist') && !hasRole(staff, 'cs_manager')) {
    ctx.reply(say('cases.link.notAllowed'));
    return;
  }
  const ticket = await ctx.db.findOneBy(Ticket, { number: match[1].toUpperCase() });
  if (!ticket) {
    ctx.reply(say('cases.link.noTicket', { caseNo: match[1] }));
    return;
  }
  const value = match[2];
  const isContract = await ctx.db.existsBy(Contract, { number: value });
  const result = await linkCaseTo(ctx.db, ticket.id, isContract ? { contract: value } : { housekeeper: value }, staff.wecomUserId, ctx.clock.now());
  if (typeof result === 'string') {
    ctx.reply(say(result === 'other_customer' ? 'cases.link.otherCustomer' : 'cases.link.notFound', { value, caseNo: ticket.number }));
    return;
  }
  const housekeeper = result.housekeeperId ? await ctx.db.findOneBy(Housekeeper, { id: result.housekeeperId }) : null;
  ctx.reply(say('cases.link.done', { caseNo: ticket.number, housekeeper: housekeeper ? `${housekeeper.name}（${housekeeper.code}）` : '—' }));
}
