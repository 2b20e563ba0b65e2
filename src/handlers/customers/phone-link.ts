import { MoreThan } from 'typeorm';
import { say } from '../../../config/say';
import { Contract, Customer, CustomerLink, Housekeeper } from '../../entities';
import type { HandlerContext } from '../ports';
import { fillCasesFromContract, housekeeperLabel, mainContractOf, tellLinkStaff } from './contracts-of';
import { linkWechatyToOa } from './linking';
import { mergeCustomers } from './merge';
import { maskPhone } from './phones';
import { customerLabel } from './records';
import { welcomeFor } from './link-codes';
import { findRow, findRows, insertRow, rowExists, updateRows } from '../../entities/rows';

/**
 * Linking by phone, confirmed (R-ID-1): a follower (OA or personal WeChat) who gives a phone
 * number that belongs to a contract customer is asked for something only that customer knows —
 * the last 4 digits of a contract number, or the housekeeper's surname — before anything is
 * linked. Three wrong answers stop it and customer service is told. A number alone never moves
 * anything (before, a Wechaty contact typing someone's number took over their major-customer
 * flag and store).
 */

export const MAX_ATTEMPTS = 3;
/** A question left unanswered this long is dropped (the customer can give the number again later). */
const OPEN_FOR_MS = 24 * 3600_000;

/** The other record with this customer's phone that has a contract: who they may be. */
async function contractCustomerWithPhone(ctx: HandlerContext, customer: Customer): Promise<Customer | null> {
  if (!customer.phoneHash) return null;
  const others = (await findRows(ctx.db, Customer, { phoneHash: customer.phoneHash, mergedIntoId: null }, { id: 'ASC' })).filter((other) => other.id !== customer.id);
  for (const other of others) if (await rowExists(ctx.db, Contract, { customerId: other.id })) return other;
  return null;
}

/** After a customer's message: if they just gave a contract customer's phone, ask the question (once per pair). */
export async function askPhoneLink(ctx: HandlerContext, asked: Customer): Promise<void> {
  // nothing to ask a customer who has given no phone (this message may have given one: the row is read again then)
  if (!asked.phone) return;
  const customer = await findRow(ctx.db, Customer, { id: asked.id });
  if (!customer || customer.mergedIntoId !== null || !customer.phone) return;
  if (await rowExists(ctx.db, Contract, { customerId: customer.id })) return;
  const target = await contractCustomerWithPhone(ctx, customer);
  if (!target) return;
  if (await ctx.db.existsBy(CustomerLink, { kind: 'phone', requesterId: customer.id, customerId: target.id })) return;
  const now = ctx.clock.now();
  await insertRow(ctx.db, CustomerLink, { kind: 'phone', customerId: target.id, scene: null, ticket: null, url: null, expiresAt: now + OPEN_FOR_MS, status: 'open', requesterId: customer.id, attempts: 0, createdAt: now, usedAt: null });
  ctx.log.info({ customerId: customer.id, targetId: target.id }, 'phone belongs to a contract customer: asking to confirm before linking');
  ctx.reply(say('customers.phone.ask', { phone: maskPhone(customer.phone) }));
}

/** What a reply could be: four digits, or a surname (「王」「王阿姨」). */
function answerOf(text: string): { digits?: string; surname?: string } | null {
  const clean = text.replace(/[\s。，.!！]/g, '');
  if (/^\d{4}$/.test(clean)) return { digits: clean };
  const name = clean.replace(/(阿姨|姐|姨|师傅)$/, '');
  if (/^[\u4e00-\u9fa5]{1,2}$/.test(name)) return { surname: name[0] };
  return null;
}

async function isRight(ctx: HandlerContext, targetId: number, answer: { digits?: string; surname?: string }): Promise<boolean> {
  const contracts = await ctx.db.find(Contract, { where: { customerId: targetId } });
  if (answer.digits) return contracts.some((c) => c.number.replace(/\D/g, '').slice(-4) === answer.digits);
  for (const contract of contracts) {
    const housekeeper = contract.housekeeperId ? await ctx.db.findOneBy(Housekeeper, { id: contract.housekeeperId }) : null;
    if (housekeeper && housekeeper.name.startsWith(answer.surname!)) return true;
  }
  return false;
}

/** A reply while the question is open: true when it was taken as the answer (right or wrong). */
export async function answerPhoneLink(ctx: HandlerContext, customer: Customer, text: string): Promise<boolean> {
  const now = ctx.clock.now();
  // words that cannot be the answer need no look-up
  const answer = answerOf(text);
  if (!answer) return false;
  const link = await ctx.db.findOne(CustomerLink, { where: { kind: 'phone', requesterId: customer.id, status: 'open', expiresAt: MoreThan(now) }, order: { id: 'DESC' } });
  if (!link) return false;
  const target = await ctx.db.findOneByOrFail(Customer, { id: link.customerId });
  if (!(await isRight(ctx, target.id, answer))) {
    const attempts = link.attempts + 1;
    const blocked = attempts >= MAX_ATTEMPTS;
    await updateRows(ctx.db, CustomerLink, { id: link.id }, { attempts, status: blocked ? 'blocked' : 'open' });
    ctx.log.warn({ audit: 'customer_link_wrong_answer', linkId: link.id, attempts }, 'phone link: wrong answer');
    if (!blocked) {
      ctx.reply(say('customers.phone.wrong', { left: MAX_ATTEMPTS - attempts }));
      return true;
    }
    const contract = await mainContractOf(ctx.db, target.id);
    await tellLinkStaff(ctx, contract, say('customers.phone.staffBlocked', { customer: customerLabel(target), contractNo: contract?.number ?? '—' }));
    ctx.reply(say('customers.phone.blocked'));
    return true;
  }
  await updateRows(ctx.db, CustomerLink, { id: link.id }, { status: 'used', usedAt: now });
  if (!target.externalId) {
    const merged = await mergeCustomers(ctx.db, target.id, customer.id, { actor: 'customer', now, reason: 'phone_link', force: true });
    if (typeof merged !== 'string') {
      await fillCasesFromContract(ctx.db, target.id, now);
      ctx.log.info({ audit: 'customer_linked', via: 'phone', customerId: target.id }, 'follower linked to their customer record');
      ctx.reply(await welcomeFor(ctx.db, merged.into, 'customers.phone.linked'));
      return true;
    }
  } else if (customer.platform === 'wechaty' && target.platform === 'wechat') {
    await linkWechatyToOa(ctx.db, customer, target);
    const contract = await mainContractOf(ctx.db, target.id);
    ctx.reply(say('customers.phone.linked', { contractNo: contract?.number ?? '—', housekeeper: await housekeeperLabel(ctx.db, contract) }));
    return true;
  }
  const contract = await mainContractOf(ctx.db, target.id);
  await tellLinkStaff(ctx, contract, say('customers.link.staffRefused', { reason: say('customers.link.reason.otherOpenid'), contractNo: contract?.number ?? '—', customer: customerLabel(target) }));
  ctx.reply(say('customers.phone.otherOpenid'));
  return true;
}
