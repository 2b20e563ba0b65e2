import { say } from '../../../config/say';
import { hasRole, type Staff } from '../../entities/staff';
import type { HandlerContext } from '../ports';
import { fillCasesFromContract } from './contracts-of';
import { mergeCustomers } from './merge';
import { customerByPhone } from './records';
import { Customer, Ticket } from '../../entities';
import { audit } from '../records';

/** 合并 A B [强制]: the CS manager folds customer B into customer A (ids, or 11-digit phones). */
export const MERGE_COMMAND = /^\s*合并(\s|$)/;

async function customerIdOf(ctx: HandlerContext, token: string): Promise<number | null> {
  const value = token.replace(/^(客户|#)/, '');
  if (/^1\d{10}$/.test(value)) return (await customerByPhone(ctx.db, value))?.id ?? null;
  return /^\d{1,10}$/.test(value) ? Number(value) : null;
}

export async function mergeCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  if (!hasRole(staff, 'cs_manager')) {
    ctx.log.warn({ audit: 'merge_refused', user: staff.wecomUserId }, 'customer merge refused: not the CS manager');
    ctx.reply(say('customers.merge.notAllowed'));
    return;
  }
  const words = text.trim().split(/\s+/).slice(1);
  const force = words.includes('强制');
  const [a, b] = words.filter((w) => w !== '强制');
  const into = a ? await customerIdOf(ctx, a) : null;
  const from = b ? await customerIdOf(ctx, b) : null;
  if (!a || !b) {
    ctx.reply(say('customers.merge.usage'));
    return;
  }
  if (into === null || from === null) {
    ctx.reply(say('customers.merge.notFound', { id: into === null ? a : b }));
    return;
  }
  const now = ctx.clock.now();
  const result = await mergeCustomers(ctx.db, into, from, { actor: staff.wecomUserId, force, now, reason: 'staff' });
  if (result === 'not_found') return ctx.reply(say('customers.merge.notFound', { id: `${into}/${from}` }));
  if (result === 'same') return ctx.reply(say('customers.merge.same'));
  if (result === 'two_wechats') return ctx.reply(say('customers.merge.twoWechats'));
  if (result === 'two_contracts') return ctx.reply(say('customers.merge.twoContracts', { into, from }));
  await fillCasesFromContract(ctx.db, into, now);
  ctx.log.info({ audit: 'customer_merged', into, from, by: staff.wecomUserId, forced: force }, 'customers merged');
  const m = result.moved;
  ctx.reply(say('customers.merge.done', { from, into, tickets: m.ticket ?? 0, leads: m.lead ?? 0, contracts: m.contract ?? 0, surveys: m.survey ?? 0 }));
}

/** 大客户 TS…/手机号 [取消]: the CS manager or the GM marks a customer as a major customer (先行赔付 becomes possible). */
export const MAJOR_COMMAND = /^\s*大客户\s/;
const CANCEL = /^取消$/;

export async function majorCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  if (!hasRole(staff, 'cs_manager') && !hasRole(staff, 'gm')) {
    ctx.log.warn({ audit: 'major_refused', user: staff.wecomUserId }, 'major customer flag refused');
    return void ctx.reply(say('customers.major.notAllowed'));
  }
  const words = text.trim().split(/\s+/).slice(1);
  const off = words.some((w) => CANCEL.test(w));
  const token = words.find((w) => !CANCEL.test(w));
  const ticket = token && /^TS\d{12}$/i.test(token) ? await ctx.db.findOneBy(Ticket, { number: token.toUpperCase() }) : null;
  const customer = ticket ? await ctx.db.findOneBy(Customer, { id: ticket.customerId }) : token && /^1\d{10}$/.test(token) ? await customerByPhone(ctx.db, token) : null;
  if (!customer) return void ctx.reply(say('customers.major.usage'));
  const now = ctx.clock.now();
  await ctx.db.update(Customer, { id: customer.id }, { isMajor: !off });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'customer.major', subject: 'customer', subjectId: customer.id, changes: { isMajor: { from: customer.isMajor, to: !off } } }, now);
  ctx.reply(say(off ? 'customers.major.unset' : 'customers.major.set', { reference: token! }));
}
