import { IsNull, LessThan, LessThanOrEqual, type EntityManager } from 'typeorm';
import { Approval } from '../../entities/approval';
import { Contract, type RenewalOutcome } from '../../entities/contract';
import { Customer } from '../../entities/customer';
import { hasRole, Staff } from '../../entities/staff';
import { type ChoiceSpec, holdersOf, mayDecide, recordDecision, requestApproval, updateCards } from '../approvals';
import { audit, diff } from '../records';
import { addDays, addMonths, chineseDate, chineseFullDate, daysBetween, wholeMonths } from '../calendar';
import type { FlowContext } from '../ports';
import { customerLabel } from '../customers';
import { isoDay } from '../calendar';
import { say } from '../../../config/say';
import { customerReachable, openCallTask } from './calls';

/**
 * Contract renewals (R-CT-2): 15 days before a contract ends the store manager and the
 * consultant get one card per term with 已联系 / 已续签 / 不续签; 7 days before the end a
 * reminder if nothing was recorded. 已续签 creates the next term, linked to this one.
 */

const CHOICES: ChoiceSpec[] = [
  { key: 'contacted', text: say('contracts.renewal.button.contacted'), style: 2, keepsOpen: true },
  // the real new term is written back (续签 HT… 起始日 结束日 金额): the bot no longer invents it
  { key: 'renewed', text: say('contracts.renewal.button.renewed'), style: 1, keepsOpen: true },
  { key: 'not_renewing', text: say('contracts.renewal.button.not_renewing'), style: 3 },
];

/** A term as people read it: 「2025年12月16日—2026年12月15日（1年）」. */
export function termText(term: Pick<Contract, 'startDate' | 'endDate'>): string {
  const months = wholeMonths(term.startDate, term.endDate);
  const length =
    months === undefined
      ? say('contracts.term.days', { count: daysBetween(term.startDate, term.endDate) + 1 })
      : months % 12 === 0
        ? say('contracts.term.years', { count: months / 12 })
        : say('contracts.term.months', { count: months });
  return say('contracts.term', { start: chineseFullDate(term.startDate), end: chineseFullDate(term.endDate), length });
}
export const RENEWAL_CHOICES = CHOICES;

type Reader = { db: EntityManager; clock: FlowContext['clock']; config: FlowContext['config'] };

const today = (ctx: Reader) => isoDay(ctx.clock.now(), ctx.config.timezone);

/** Contracts entering the notice window without a prompt for this term (index: status, endDate). */
export function dueForPrompt(ctx: Reader, limit = 1000): Promise<Contract[]> {
  const cutoff = addDays(today(ctx), ctx.config.commitments.renewalNoticeDays);
  return ctx.db.find(Contract, { where: { status: 'active', endDate: LessThanOrEqual(cutoff), renewalPromptAt: IsNull() }, order: { endDate: 'ASC', id: 'ASC' }, take: limit });
}

export function dueForReminder(ctx: Reader, limit = 1000): Promise<Contract[]> {
  const cutoff = addDays(today(ctx), ctx.config.archives.renewalReminderDays);
  return ctx.db.find(Contract, { where: { status: 'active', endDate: LessThanOrEqual(cutoff), renewalOutcome: IsNull(), renewalReminderAt: IsNull() }, order: { endDate: 'ASC', id: 'ASC' }, take: limit });
}

/** Active contracts past their end date: the term is over. */
export function pastTheirEnd(ctx: Reader, limit = 1000): Promise<Contract[]> {
  return ctx.db.find(Contract, { where: { status: 'active', endDate: LessThan(today(ctx)) }, take: limit });
}

async function peopleFor(db: EntityManager, contract: Contract): Promise<Staff[]> {
  const managers = await holdersOf(db, 'store_manager', contract.storeId);
  const consultant = contract.consultantId ? await db.findOneBy(Staff, { id: contract.consultantId, active: true }) : null;
  return [...managers, ...(consultant && !managers.some((m) => m.id === consultant.id) ? [consultant] : [])];
}

export async function sendRenewalPrompt(ctx: FlowContext, contractId: number): Promise<void> {
  const contract = await ctx.db.findOneBy(Contract, { id: contractId });
  if (!contract || contract.status !== 'active' || contract.renewalPromptAt !== null) return;
  const customer = await ctx.db.findOneBy(Customer, { id: contract.customerId });
  const left = daysBetween(today(ctx), contract.endDate);
  await requestApproval(ctx, {
    contractId: contract.id,
    storeId: contract.storeId,
    step: 'renewal',
    kind: 'renewal',
    role: 'store_manager',
    recipients: await peopleFor(ctx.db, contract),
    title: say('contracts.renewal.title', { contractNo: contract.number, days: left }),
    description: say('contracts.renewal.description', { service: contract.serviceType ?? say('common.serviceDefault'), term: termText(contract) }),
    fields: [
      { label: say('common.field.contract'), value: contract.number },
      { label: say('common.field.customer'), value: customerLabel(customer) },
      { label: say('common.field.ends'), value: chineseFullDate(contract.endDate) },
    ],
    choices: CHOICES,
    needsText: false,
  });
  // a customer without a reachable WeChat is called by the consultant, not left to the card alone (R-ID-3)
  if (customer && !customerReachable(ctx, customer)) {
    await openCallTask(ctx, { purpose: 'renewal', customer, contract, cause: `renewal:${contract.id}:${contract.endDate}`, message: say('contracts.renewal.description', { service: contract.serviceType ?? say('common.serviceDefault'), term: termText(contract) }) });
  }
  await ctx.db.update(Contract, { id: contract.id }, { renewalPromptAt: ctx.clock.now() });
}

export async function sendRenewalReminder(ctx: FlowContext, contractId: number): Promise<void> {
  const contract = await ctx.db.findOneBy(Contract, { id: contractId });
  if (!contract || contract.status !== 'active' || contract.renewalOutcome !== null || contract.renewalReminderAt !== null) return;
  const left = daysBetween(today(ctx), contract.endDate);
  for (const person of await peopleFor(ctx.db, contract)) {
    ctx.send({ type: 'text', to: { platform: 'wecom', id: person.wecomUserId }, text: say('contracts.renewal.reminder', { contractNo: contract.number, days: left, end: chineseDate(contract.endDate) }) });
  }
  await ctx.db.update(Contract, { id: contract.id }, { renewalReminderAt: ctx.clock.now() });
}

export async function endContract(ctx: FlowContext, contractId: number): Promise<void> {
  const contract = await ctx.db.findOneBy(Contract, { id: contractId });
  if (!contract || contract.status !== 'active' || contract.endDate >= today(ctx)) return;
  await ctx.db.update(Contract, { id: contract.id }, { status: 'ended' });
  await audit(ctx.db, { actor: 'system', action: 'contract.ended', subject: 'contract', subjectId: contract.id, changes: { status: { from: 'active', to: 'ended' } } }, ctx.clock.now());
}

/** The real next term as the store agreed it with the customer. */
export interface NewTerm {
  startDate: string;
  endDate: string;
  amountFen: number;
}

/** The next term, with the dates and amount the store wrote back. */
export async function renew(ctx: FlowContext, contract: Contract, actor: string, term: NewTerm): Promise<Contract> {
  const { startDate: start, endDate } = term;
  const terms = await ctx.db.countBy(Contract, { customerId: contract.customerId });
  const base = contract.number.replace(/-R\d+$/, '');
  const next = await ctx.db.save(
    ctx.db.create(Contract, {
      number: `${base}-R${terms}`,
      customerId: contract.customerId,
      housekeeperId: contract.housekeeperId,
      storeId: contract.storeId,
      consultantId: contract.consultantId,
      serviceType: contract.serviceType,
      startDate: start,
      arrivalDate: null,
      endDate,
      amountFen: term.amountFen,
      status: 'active',
      previousId: contract.id,
      renewalPromptAt: null,
      renewalReminderAt: null,
      renewalOutcome: null,
      createdAt: ctx.clock.now(),
    }),
  );
  await markRenewed(ctx.db, contract, next.id, actor, ctx.clock.now());
  return next;
}

/** Whether a term can be renewed: it is running, or it has just ended. */
export const renewable = (contract: Pick<Contract, 'status'>) => contract.status === 'active' || contract.status === 'ended';

/**
 * The renewal rule, for the card's 已续签 and for a term linked to its predecessor through the
 * admin API alike: the previous term becomes `renewed` with the outcome `renewed`, audited as
 * `contract.renewed` pointing at the next term. Returns the previous term as it now is.
 */
export async function markRenewed(db: EntityManager, previous: Contract, nextTermId: number, actor: string, at: number): Promise<Contract> {
  const after = { status: 'renewed' as const, renewalOutcome: 'renewed' as const };
  await db.update(Contract, { id: previous.id }, after);
  const changes = diff({ status: previous.status, renewalOutcome: previous.renewalOutcome, nextTerm: null }, { ...after, nextTerm: nextTermId });
  await audit(db, { actor, action: 'contract.renewed', subject: 'contract', subjectId: previous.id, changes }, at);
  return Object.assign(new Contract(), previous, after);
}

/** A button on the renewal card; only the contract's consultant or the store's manager may press it. */
export async function renewalDecided(ctx: FlowContext, approval: Approval, staff: Staff, choice: string): Promise<string> {
  const contract = await ctx.db.findOneByOrFail(Contract, { id: approval.contractId! });
  const now = ctx.clock.now();
  if (choice === 'renewed') return say('contracts.renewal.askTerms', { contractNo: contract.number });
  await ctx.db.update(Contract, { id: contract.id }, { renewalOutcome: choice as RenewalOutcome });
  await audit(ctx.db, { actor: staff.wecomUserId, action: `contract.renewal_${choice}`, subject: 'contract', subjectId: contract.id, changes: { renewalOutcome: { from: contract.renewalOutcome, to: choice } } }, now);
  return say(choice === 'contacted' ? 'contracts.renewal.contacted' : 'contracts.renewal.notRenewing', { contractNo: contract.number });
}

export function mayActOnContract(staff: Staff | null, approval: Approval, contract: Pick<Contract, 'consultantId' | 'storeId'>): boolean {
  if (!staff || !staff.active) return false;
  if (staff.id === contract.consultantId && hasRole(staff, 'consultant')) return true;
  return mayDecide(staff, approval, contract.storeId);
}


/** 续签 HT… 2026-12-16 2027-12-15 48000: the renewal with its real new term and amount. */
export const RENEW_COMMAND = /^\s*续签\s/;
const RENEW_PATTERN = /^\s*续签\s+(\S+)\s+(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})\s+(\d[\d,]*(?:\.\d{1,2})?)\s*元?\s*$/;

export async function renewCommand(ctx: FlowContext & { reply(text: string): void }, staff: Staff, text: string): Promise<void> {
  const match = RENEW_PATTERN.exec(text);
  if (!match) return void ctx.reply(say('contracts.renewal.termsUsage'));
  const [, number, startDate, endDate, amountText] = match;
  const contract = await ctx.db.findOneBy(Contract, { number });
  if (!contract) return void ctx.reply(say('contracts.renewal.noContract', { contractNo: number }));
  const approval = await ctx.db.findOne(Approval, { where: { contractId: contract.id, step: 'renewal', status: 'pending' }, order: { id: 'DESC' } });
  if (!approval || !mayActOnContract(staff, approval, contract)) {
    ctx.log.warn({ audit: 'approval_refused', reason: 'renewal_not_allowed', user: staff.wecomUserId, contractId: contract.id }, 'renewal refused');
    return void ctx.reply(say('contracts.renewal.notYours', { contractNo: number }));
  }
  const amountFen = Math.round(Number(amountText.replace(/,/g, '')) * 100);
  if (!(startDate > contract.startDate) || endDate <= startDate || !Number.isFinite(amountFen) || amountFen <= 0) return void ctx.reply(say('contracts.renewal.badTerms'));
  if (!(await recordDecision(ctx, approval, staff, 'renewed', null))) return void ctx.reply(say('common.takenMeanwhile'));
  updateCards(ctx, approval, staff, say('contracts.renewal.button.renewed'));
  const next = await renew(ctx, contract, staff.wecomUserId, { startDate, endDate, amountFen });
  ctx.reply(say('contracts.renewal.renewed', { contractNo: next.number, term: termText(next) }));
}
