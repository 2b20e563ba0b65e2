import type { EntityManager } from 'typeorm';
import { Contract, Customer, Housekeeper, HousekeeperMovement, Lead, Penalty, Store, Ticket } from '../../entities';
import type { Staff } from '../../entities/staff';
import { customerScope, recordView, scopeOf, seesCustomer, seesHousekeepers, within } from '../access';
import { chineseDateTime, chineseFullDate } from '../calendar';
import { customerByPhone, maskPhone } from '../customers';
import type { HandlerContext } from '../ports';
import { caseRecord } from './record';
import { detailOf } from './cards';
import { say, sayName } from '../../../config/say';

/**
 * 查 in the bot's WeCom chat (R-ST-2): a case (`查 TS…`), a customer by phone or name, a contract
 * (`查 HT…`), a housekeeper (`查 A0123`) — only what the asker's role and store may see
 * (handlers/access: CS staff and the GM everything, a store manager their store, a consultant
 * their own customers), and each look at personal data written to the audit trail. A refusal
 * does not say whether the record exists.
 */

export const LOOKUP_COMMAND = /^\s*查\s+\S+\s*$/;
const TICKET = /^TS\d{12}$/i;
const PHONE = /^1\d{10}$/;
/** A WeCom text message holds 2048 bytes: the answer stays well inside, the rest is behind 详情. */
const MAX_CHARS = 600;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export async function lookupCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const query = text.trim().replace(/^查\s*/, '').trim();
  const now = ctx.clock.now();
  if (!query) return void ctx.reply(say('cases.lookup.usage'));
  const answer = TICKET.test(query)
    ? await lookCase(ctx, staff, query.toUpperCase())
    : PHONE.test(query)
      ? await lookCustomers(ctx.db, staff, [await customerByPhone(ctx.db, query)].filter((c): c is Customer => c !== null), now)
      : await lookByWord(ctx.db, staff, query, now, ctx.config.timezone);
  ctx.log.info({ audit: 'lookup', user: staff.wecomUserId, kind: TICKET.test(query) ? 'case' : PHONE.test(query) ? 'phone' : 'word' }, 'staff lookup');
  ctx.reply(clip(answer, MAX_CHARS));
}

async function lookCase(ctx: HandlerContext, staff: Staff, number: string): Promise<string> {
  const now = ctx.clock.now();
  const result = await caseRecord(ctx.db, number, staff, now, 'chat');
  if ('refused' in result) return say('cases.lookup.notFound', { query: number });
  const { ticket, customer, steps, timeline, evidence, penalties, names, storeName } = result.found;
  const who = (id: string | null) => (id ? names[id] ?? id : '');
  const stepLines = steps.map((s) =>
    s.status === 'pending'
      ? say('cases.lookup.stepPending', { title: s.title, role: s.roleName })
      : say('cases.lookup.stepDone', { title: s.title, name: who(s.decidedBy), time: chineseDateTime(s.decidedAt ?? s.createdAt, ctx.config.timezone), words: s.text ? `：${clip(s.text, 40)}` : '' }),
  );
  const notes = timeline.filter((e) => e.type === 'internal_note' || e.type === 'progress').slice(-3).map((e) => say(e.type === 'internal_note' ? 'cases.lookup.note' : 'cases.lookup.progress', { name: who(e.actor), words: clip(e.note ?? '', 40) }));
  const detail = detailOf(ctx, ticket);
  return say('cases.lookup.case', {
    caseNo: ticket.number,
    kind: sayName(`cases.kind.${ticket.kind}`, 'cases.kind.other'),
    severity: ticket.severity === 'serious' ? say('common.severity.serious') : ticket.severity === 'ordinary' ? say('common.severity.ordinary') : '',
    status: sayName(`cases.status.${ticket.status}`, 'cases.status.other'),
    store: storeName ?? say('common.notAssigned'),
    customer: `${customer.name ?? say('cases.lookup.noName')} ${maskPhone(customer.phone)}${customer.isMajor ? say('cases.lookup.major') : ''}`,
    summary: clip(ticket.summary, 80),
    steps: stepLines.join('\n'),
    notes: notes.length ? notes.join('\n') : say('cases.card.none'),
    evidence: evidence.length,
    penalties: penalties.length,
    details: detail.link ? detail.link.url : say('cases.lookup.consoleHint'),
  });
}

/** A customer's history: contracts, cases, leads — each customer shown is an audited view. */
async function lookCustomers(db: EntityManager, staff: Staff, found: Customer[], now: number): Promise<string> {
  const scope = scopeOf(staff);
  const visible: Customer[] = [];
  for (const customer of found) if (await seesCustomer(db, scope, customer)) visible.push(customer);
  if (visible.length === 0) return say('cases.lookup.notFound', { query: found.length ? say('cases.lookup.thatCustomer') : say('cases.lookup.thatQuery') });
  const blocks: string[] = [];
  for (const customer of visible.slice(0, 3)) {
    const [contracts, tickets, leads] = await Promise.all([
      db.find(Contract, { where: { customerId: customer.id }, order: { id: 'DESC' }, take: 3 }),
      db.find(Ticket, { where: { customerId: customer.id }, order: { id: 'DESC' }, take: 5 }),
      db.find(Lead, { where: { customerId: customer.id }, order: { id: 'DESC' }, take: 3 }),
    ]);
    await recordView(db, { actor: staff.wecomUserId, subject: 'customer', subjectId: customer.id, via: 'chat', fields: ['name', 'phone', 'district'] }, now);
    blocks.push(
      say('cases.lookup.customer', {
        name: customer.name ?? say('cases.lookup.noName'),
        phone: maskPhone(customer.phone),
        district: customer.district ?? '—',
        major: customer.isMajor ? say('cases.lookup.major') : '',
        contracts: contracts.map((c) => say('cases.lookup.contractLine', { contractNo: c.number, status: sayName(`cases.lookup.contractStatus.${c.status}`, 'cases.lookup.contractStatus.other'), end: chineseFullDate(c.endDate) })).join('、') || say('cases.card.none'),
        cases: tickets.map((t) => `${t.number}（${sayName(`cases.status.${t.status}`, 'cases.status.other')}）`).join('、') || say('cases.card.none'),
        leads: leads.map((l) => l.number).join('、') || say('cases.card.none'),
      }),
    );
  }
  if (visible.length > 3) blocks.push(say('cases.lookup.more', { count: visible.length - 3 }));
  return blocks.join('\n\n');
}

/** 查 HT… / 查 A0123 / 查 王女士: a contract, a housekeeper, or customers by name (names are encrypted: read within the asker's scope). */
async function lookByWord(db: EntityManager, staff: Staff, word: string, now: number, timeZone: string): Promise<string> {
  const contract = await db.findOneBy(Contract, { number: word });
  if (contract) return lookContract(db, staff, contract, now);
  const housekeeper = await db.findOneBy(Housekeeper, { code: word });
  if (housekeeper) return lookHousekeeper(db, staff, housekeeper, now, timeZone);
  const scoped = await customerScope(db, scopeOf(staff));
  if (scoped !== undefined && scoped.length === 0) return say('cases.lookup.notFound', { query: word });
  const candidates = await db.find(Customer, { where: within<Customer>({}, scoped), order: { id: 'DESC' }, take: 5000 });
  const named = candidates.filter((c) => c.mergedIntoId === null && c.name !== null && c.name.includes(word));
  if (named.length === 0) return say('cases.lookup.notFound', { query: word });
  return lookCustomers(db, staff, named, now);
}

async function lookContract(db: EntityManager, staff: Staff, contract: Contract, now: number): Promise<string> {
  const customer = await db.findOneByOrFail(Customer, { id: contract.customerId });
  const scope = scopeOf(staff);
  const sees = (await seesCustomer(db, scope, customer)) || (scope.storeId !== null && contract.storeId === scope.storeId) || (scope.consultantId !== null && contract.consultantId === scope.consultantId);
  if (!sees) return say('cases.lookup.notFound', { query: contract.number });
  const [housekeeper, store] = await Promise.all([contract.housekeeperId ? db.findOneBy(Housekeeper, { id: contract.housekeeperId }) : null, contract.storeId ? db.findOneBy(Store, { id: contract.storeId }) : null]);
  await recordView(db, { actor: staff.wecomUserId, subject: 'contract', subjectId: contract.id, via: 'chat', fields: ['customer.name', 'customer.phone', 'amount'] }, now);
  return say('cases.lookup.contract', {
    contractNo: contract.number,
    customer: `${customer.name ?? say('cases.lookup.noName')} ${maskPhone(customer.phone)}`,
    housekeeper: housekeeper ? `${housekeeper.name}（${housekeeper.code}）` : say('common.notAssigned'),
    store: store?.name ?? say('common.notAssigned'),
    service: contract.serviceType ?? '—',
    start: chineseFullDate(contract.startDate),
    end: chineseFullDate(contract.endDate),
    amount: (contract.amountFen / 100).toFixed(2),
    status: sayName(`cases.lookup.contractStatus.${contract.status}`, 'cases.lookup.contractStatus.other'),
  });
}

async function lookHousekeeper(db: EntityManager, staff: Staff, housekeeper: Housekeeper, now: number, timeZone: string): Promise<string> {
  const scope = scopeOf(staff);
  // HR and customer service see every archive; a store manager the housekeepers of their store
  const sees = seesHousekeepers(scope) && (scope.all || scope.hr || housekeeper.storeId === scope.storeId);
  if (!sees) return say('cases.lookup.notFound', { query: housekeeper.code });
  const [store, movements, complaints, penalties] = await Promise.all([
    housekeeper.storeId ? db.findOneBy(Store, { id: housekeeper.storeId }) : null,
    db.find(HousekeeperMovement, { where: { housekeeperId: housekeeper.id }, order: { at: 'DESC', id: 'DESC' }, take: 3 }),
    db.find(Ticket, { where: { housekeeperId: housekeeper.id, kind: 'complaint' }, order: { id: 'DESC' }, take: 5 }),
    db.find(Penalty, { where: { housekeeperId: housekeeper.id }, order: { id: 'DESC' }, take: 5 }),
  ]);
  await recordView(db, { actor: staff.wecomUserId, subject: 'housekeeper', subjectId: housekeeper.id, via: 'chat', fields: ['name', 'phone', 'status'] }, now);
  return say('cases.lookup.housekeeper', {
    name: housekeeper.name,
    code: housekeeper.code,
    phone: maskPhone(housekeeper.phone),
    store: store?.name ?? say('common.notAssigned'),
    status: sayName(`common.housekeeperStatus.${housekeeper.status}`, 'common.housekeeperStatus.other'),
    movements: movements.map((m) => `${sayName(`common.movement.${m.kind}`, 'common.housekeeperStatus.other')} ${chineseDateTime(m.at, timeZone).split(' ')[0]}`).join('、') || say('cases.card.none'),
    complaints: complaints.map((t) => t.number).join('、') || say('cases.card.none'),
    penalties: penalties.map((p) => say('cases.lookup.penalty', { amount: (p.amountFen / 100).toFixed(2), status: sayName(`cases.penalty.status.${p.status}`, 'cases.card.none') })).join('、') || say('cases.card.none'),
  });
}
