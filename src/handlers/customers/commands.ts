import { say } from '../../../config/say';
import { hasRole, type Staff } from '../../entities/staff';
import type { HandlerContext } from '../ports';
import { fillCasesFromContract } from './contracts-of';
import { mergeCustomers } from './merge';
import { customerByPhone } from './records';

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
