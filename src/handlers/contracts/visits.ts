import { In, LessThanOrEqual, Not, IsNull, type EntityManager } from 'typeorm';
import { CUSTOMER_VISIT_QUESTIONS, HOUSEKEEPER_VISIT_QUESTIONS } from '../../../config/visit-scripts';
import type { Approval } from '../../entities/approval';
import { Contract } from '../../entities/contract';
import { Customer } from '../../entities/customer';
import { Housekeeper } from '../../entities/housekeeper';
import { HousekeeperMovement } from '../../entities/housekeeper-movement';
import { Visit } from '../../entities/visit';
import { requestApproval } from '../approvals';
import { addDays, chineseDate } from '../calendar';
import type { FlowContext } from '../ports';
import { customerLabel } from '../customers';
import { sendSurvey } from './surveys';
import { isoDay } from '../calendar';
import { say } from '../../../config/say';

/**
 * Arrival and follow-up visits (seed 7—2, R-FU-1): the day before a housekeeper starts at a
 * customer's home the customer-service specialist gets a task to accompany her and record the
 * hand-over, and the customer is told who is coming; from the arrival date visits of the
 * customer (a chat survey) and of the housekeeper (a task card) are scheduled on day 3, day 30,
 * then monthly until the contract ends.
 */

type Reader = { db: EntityManager; clock: FlowContext['clock']; config: FlowContext['config'] };
const today = (ctx: Reader) => isoDay(ctx.clock.now(), ctx.config.timezone);
const MONTH_DAYS = 30;
/** A visit not started within this many days of its date is recorded as missed, not sent late. */
const STALE_DAYS = 7;

export function arrivingTomorrow(ctx: Reader): Promise<Contract[]> {
  return ctx.db.find(Contract, { where: { status: 'active', arrivalDate: addDays(today(ctx), 1) }, order: { id: 'ASC' } });
}

/** Contracts whose housekeeper has arrived (in the last 60 days) and that have no visits yet. */
export async function arrivedWithoutVisits(ctx: Reader): Promise<Contract[]> {
  const recent = await ctx.db.find(Contract, {
    where: { status: 'active', arrivalDate: In(Array.from({ length: 61 }, (_, i) => addDays(today(ctx), -i))) },
    order: { id: 'ASC' },
  });
  if (recent.length === 0) return [];
  const scheduled = new Set((await ctx.db.find(Visit, { select: { contractId: true }, where: { contractId: In(recent.map((c) => c.id)) } })).map((v) => v.contractId));
  return recent.filter((c) => !scheduled.has(c.id));
}

export function visitsDue(ctx: Reader): Promise<Visit[]> {
  return ctx.db.find(Visit, { where: { status: 'scheduled', dueDate: LessThanOrEqual(today(ctx)) }, order: { dueDate: 'ASC', id: 'ASC' }, take: 1000 });
}

/** Day offsets after arrival: the configured first visits, then every 30 days, within the term. */
export function visitDates(arrival: string, endDate: string, firstDays: number[]): string[] {
  const offsets = [...firstDays];
  for (let next = (offsets.at(-1) ?? 0) + MONTH_DAYS; addDays(arrival, next) <= endDate; next += MONTH_DAYS) offsets.push(next);
  return offsets.map((days) => addDays(arrival, days)).filter((day) => day <= endDate);
}

export async function scheduleVisits(ctx: FlowContext, contractId: number): Promise<number> {
  const contract = await ctx.db.findOneBy(Contract, { id: contractId });
  if (!contract?.arrivalDate || (await ctx.db.existsBy(Visit, { contractId }))) return 0;
  const dates = visitDates(contract.arrivalDate, contract.endDate, ctx.config.archives.visitDays);
  const stale = addDays(today(ctx), -STALE_DAYS);
  for (const subject of ['customer', 'housekeeper']) {
    for (const [index, dueDate] of dates.entries()) {
      // scheduled late (a contract entered after the fact): visits long past are recorded as missed
      const status = dueDate < stale ? 'skipped' : 'scheduled';
      await ctx.db.save(ctx.db.create(Visit, { contractId, subject, sequence: index + 1, dueDate, status, answers: null, score: null, recordedBy: null, completedAt: null }));
    }
  }
  if (contract.housekeeperId) {
    const arrivedAt = Date.parse(`${contract.arrivalDate}T09:00:00+08:00`);
    await ctx.db.insert(HousekeeperMovement, { housekeeperId: contract.housekeeperId, kind: 'on_duty', note: say('contracts.movement.arrived', { contractNo: contract.number }), at: arrivedAt });
    await ctx.db.update(Housekeeper, { id: contract.housekeeperId }, { status: 'on_duty' });
  }
  return dates.length * 2;
}

/** How customers call her: 王阿姨 (surname and 阿姨), never her full name or code; 您的阿姨 when none is linked yet. */
const auntieOf = (housekeeper: Pick<Housekeeper, 'name'> | null): string =>
  housekeeper?.name ? say('common.auntie', { surname: housekeeper.name.slice(0, 1) }) : say('common.yourAuntie');

/** The day before arrival: the specialist's hand-over task and the customer's notice. */
export async function prepareArrival(ctx: FlowContext, contractId: number): Promise<void> {
  const contract = await ctx.db.findOneBy(Contract, { id: contractId });
  if (!contract?.arrivalDate) return;
  const customer = await ctx.db.findOneBy(Customer, { id: contract.customerId });
  const housekeeper = contract.housekeeperId ? await ctx.db.findOneBy(Housekeeper, { id: contract.housekeeperId }) : null;
  await requestApproval(ctx, {
    contractId: contract.id,
    step: 'handover',
    kind: 'handover',
    role: 'cs_specialist',
    title: say('contracts.handover.title', { date: chineseDate(contract.arrivalDate) }),
    description: say('contracts.handover.description', { service: contract.serviceType ?? say('common.serviceDefault'), contractNo: contract.number }),
    fields: [
      { label: say('common.field.housekeeper'), value: housekeeper ? `${housekeeper.code} ${housekeeper.name}` : say('common.notAssigned') },
      { label: say('common.field.customer'), value: customerLabel(customer) },
      { label: say('common.field.contract'), value: contract.number },
    ],
    choices: [{ key: 'done', text: say('contracts.handover.button.done'), style: 1 }],
    needsText: false,
  });
  if (customer?.platform && customer.externalId) {
    ctx.send({
      type: 'text',
      to: { platform: customer.platform as 'wechat', id: customer.externalId },
      text: say('contracts.arrival.toCustomer', { auntie: auntieOf(housekeeper), date: chineseDate(contract.arrivalDate) }),
    });
  }
}

/** A visit that is due: the customer's is a chat survey; the housekeeper's a task for the specialist. */
export async function startVisit(ctx: FlowContext, visitId: number): Promise<void> {
  const visit = await ctx.db.findOneBy(Visit, { id: visitId });
  if (!visit || visit.status !== 'scheduled') return;
  if (visit.dueDate < addDays(today(ctx), -STALE_DAYS)) {
    await ctx.db.update(Visit, { id: visit.id }, { status: 'skipped' });
    return;
  }
  const contract = await ctx.db.findOneByOrFail(Contract, { id: visit.contractId });
  const housekeeper = contract.housekeeperId ? await ctx.db.findOneBy(Housekeeper, { id: contract.housekeeperId }) : null;
  if (visit.subject === 'customer') {
    const customer = await ctx.db.findOneByOrFail(Customer, { id: contract.customerId });
    const intro = say('contracts.visit.customerIntro', { auntie: auntieOf(housekeeper), sequence: visit.sequence });
    const outcome = await sendSurvey(ctx, customer, 'visit', visit.id, CUSTOMER_VISIT_QUESTIONS, intro, contract.housekeeperId);
    // busy (another survey is open): stays scheduled, tried again at the next run
    if (outcome !== 'busy') await ctx.db.update(Visit, { id: visit.id }, { status: outcome === 'unreachable' ? 'skipped' : 'sent' });
    return;
  }
  await requestApproval(ctx, {
    visitId: visit.id,
    contractId: contract.id,
    step: 'housekeeper_visit',
    kind: 'visit',
    role: 'cs_specialist',
    title: say('contracts.visit.housekeeperTitle', { sequence: visit.sequence, who: housekeeper ? `${housekeeper.code} ${housekeeper.name}` : contract.number }),
    description: HOUSEKEEPER_VISIT_QUESTIONS.join(' / ').slice(0, 44),
    fields: [
      { label: say('common.field.contract'), value: contract.number },
      { label: say('common.field.housekeeper'), value: housekeeper ? `${housekeeper.name} ${housekeeper.phone ?? ''}` : say('common.notAssigned') },
      { label: say('common.field.questions'), value: say('contracts.visit.questionsField', { count: HOUSEKEEPER_VISIT_QUESTIONS.length }) },
    ],
    choices: [],
    needsText: true,
    textHint: say('contracts.visit.answerHint', { contractNo: contract.number }),
  });
  await ctx.db.update(Visit, { id: visit.id }, { status: 'sent' });
}

/** The specialist's written record of a housekeeper visit. */
export async function housekeeperVisitRecorded(ctx: FlowContext, approval: Approval, text: string | null): Promise<void> {
  await ctx.db.update(Visit, { id: approval.visitId! }, { status: 'done', answers: { questions: HOUSEKEEPER_VISIT_QUESTIONS, record: text }, recordedBy: approval.decidedBy, completedAt: ctx.clock.now() });
}

export async function visitsOf(db: EntityManager, contractId: number): Promise<Visit[]> {
  return db.find(Visit, { where: { contractId, status: Not(IsNull()) }, order: { subject: 'ASC', sequence: 'ASC' } });
}
