import { In, type EntityManager } from 'typeorm';
import { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { Housekeeper } from '../../entities/housekeeper';
import { Penalty } from '../../entities/penalty';
import { Ticket } from '../../entities/ticket';
import { TicketEvent } from '../../entities/ticket-event';
import type { Card, FlowContext } from '../ports';
import { customerLabel } from '../customers';
import { say, sayName, type PlainKey } from '../../../config/say';

/**
 * What each complaint card carries for its reader (R-ST-1, issue 16 item 1): the store's
 * investigation card shows the CS manager's instruction, the decision card the complaint and the
 * store's findings, the sign-off cards the filled 门店问题处理详情表, the GM's serious card the CS
 * manager's first report and the housekeeper's record. A card holds six short lines: longer words
 * are cut there and the whole record is one tap away (详情: the console's case page when
 * CONSOLE_PUBLIC_URL is set, otherwise the line tells the reader to send 「查 TS…」).
 */

type Field = { label: string; value: string };
export interface StepContent {
  description: string;
  fields: Field[];
  link?: Card['link'];
}

/** The six lines of a card: the case's own three, then the step's, then 详情 if the card has no link. */
const MAX_FIELDS = 6;

/** The words of the latest decided step of this kind on the case (an instruction, findings, a decision). */
export async function wordsOf(db: EntityManager, ticketId: number, step: string | string[]): Promise<string | null> {
  const steps = Array.isArray(step) ? step : [step];
  const decided = await db.find(Approval, { where: { ticketId, step: In(steps), status: 'decided' }, order: { id: 'DESC' }, take: 5 });
  return decided.find((a) => a.text && a.decision === 'text')?.text ?? null;
}

/** How the store told the customer the decision (电话/上门/上门并赠送小礼品), as recorded. */
async function deliveredHow(db: EntityManager, ticketId: number): Promise<string | null> {
  const delivered = await db.findOne(Approval, { where: { ticketId, step: 'communicated', status: 'decided' }, order: { id: 'DESC' } });
  if (!delivered?.decision) return null;
  return sayName(`cases.deliver.${delivered.decision}`, 'cases.deliver.done');
}

/** The customer's own words since the case opened (what they said back), if any. */
async function customerSaid(db: EntityManager, ticketId: number): Promise<string | null> {
  const said = await db.findOne(TicketEvent, { where: { ticketId, type: 'customer_message' }, order: { at: 'DESC', id: 'DESC' } });
  return said?.note ?? null;
}

async function compensationOf(db: EntityManager, ticketId: number): Promise<string> {
  const decided = await db.findOne(TicketEvent, { where: { ticketId, type: 'compensation' }, order: { at: 'DESC', id: 'DESC' } });
  const data = decided?.data ? (JSON.parse(decided.data) as { amountFen?: number | null }) : {};
  return data.amountFen ? say('common.yuan', { amount: (data.amountFen / 100).toFixed(2) }) : say('cases.card.none');
}

/** The housekeeper as the GM needs her on a serious case: who, on duty or not, and her record so far (the rest behind 详情). */
export async function housekeeperRecord(db: EntityManager, housekeeperId: number | null): Promise<string> {
  if (!housekeeperId) return say('cases.card.noHousekeeper');
  const housekeeper = await db.findOneBy(Housekeeper, { id: housekeeperId });
  if (!housekeeper) return say('cases.card.noHousekeeper');
  const [complaints, penalties] = await Promise.all([
    db.countBy(Ticket, { housekeeperId, kind: 'complaint' }),
    db.countBy(Penalty, { housekeeperId, status: 'approved' }),
  ]);
  return say('cases.card.housekeeperRecord', {
    name: housekeeper.name,
    code: housekeeper.code,
    status: sayName(`common.housekeeperStatus.${housekeeper.status}`, 'common.housekeeperStatus.other'),
    complaints,
    penalties,
  });
}

/** 详情 on a card: the console's case page, or the chat command that shows the whole record. */
export function detailOf(ctx: FlowContext, ticket: Pick<Ticket, 'number'>): { link?: Card['link']; field?: Field } {
  const base = ctx.config.console?.publicUrl;
  if (base) return { link: { title: say('cases.card.details'), url: `${base}/cases/${ticket.number}` } };
  return { field: { label: say('cases.card.details'), value: say('cases.card.askDetails', { caseNo: ticket.number }) } };
}

export async function stepContent(ctx: FlowContext, ticket: Ticket, step: string): Promise<StepContent> {
  const db = ctx.db;
  const customer = await db.findOneBy(Customer, { id: ticket.customerId });
  const base: Field[] = [
    { label: say('common.field.number'), value: ticket.number },
    { label: say('common.field.category'), value: say('common.severityCategory', { severity: say(ticket.severity === 'serious' ? 'common.severity.serious' : 'common.severity.ordinary'), category: sayName(`common.category.${ticket.category ?? 'other'}`, 'common.category.other') }) },
    { label: say('common.field.customer'), value: customerLabel(customer) },
  ];
  const complaint: Field = { label: say('cases.card.complaint'), value: ticket.summary };
  const extra: Field[] = [];
  let description = ticket.summary;
  const line = (key: PlainKey, value: string | null) => extra.push({ label: say(key), value: value ?? say('cases.card.none') });
  switch (step) {
    case 'instruction':
      extra.push(complaint);
      line('cases.card.apology', await wordsOf(db, ticket.id, 'apology'));
      break;
    case 'investigation': {
      const instruction = await wordsOf(db, ticket.id, 'instruction');
      line('cases.card.instruction', instruction);
      extra.push(complaint);
      description = say('cases.card.instructionSaid', { words: instruction ?? say('cases.card.none') });
      break;
    }
    case 'decision': {
      const findings = await wordsOf(db, ticket.id, 'investigation');
      extra.push(complaint);
      line('cases.card.findings', findings);
      description = say('cases.card.findingsSaid', { words: findings ?? say('cases.card.none') });
      break;
    }
    case 'communicated': {
      const decision = await wordsOf(db, ticket.id, 'decision');
      line('cases.card.decision', decision);
      description = say('cases.card.deliverHint', { words: decision ?? say('cases.card.none') });
      break;
    }
    case 'sign_cs':
    case 'sign_gm': {
      // 门店问题处理详情表: what happened, who was responsible, what was done, what the customer said, compensation
      const housekeeper = ticket.housekeeperId ? await db.findOneBy(Housekeeper, { id: ticket.housekeeperId }) : null;
      extra.push({ label: say('cases.card.happened'), value: ticket.summary });
      line('cases.card.responsible', (await wordsOf(db, ticket.id, 'investigation')) ?? (housekeeper ? `${housekeeper.name}（${housekeeper.code}）` : null));
      line('cases.card.done', (await wordsOf(db, ticket.id, 'decision')) ?? null);
      const how = await deliveredHow(db, ticket.id);
      const said = await customerSaid(db, ticket.id);
      line('cases.card.customerSaid', [how, said].filter(Boolean).join('；') || null);
      line('cases.card.compensation', await compensationOf(db, ticket.id));
      description = say('cases.card.storeIssueForm', { caseNo: ticket.number });
      break;
    }
    case 'serious_report':
      extra.push(complaint);
      line('cases.card.housekeeper', await housekeeperRecord(db, ticket.housekeeperId));
      break;
    case 'gm_instruction': {
      const report = await wordsOf(db, ticket.id, 'serious_report');
      line('cases.card.report', report);
      line('cases.card.housekeeper', await housekeeperRecord(db, ticket.housekeeperId));
      description = say('cases.card.reportSaid', { words: report ?? say('cases.card.none') });
      break;
    }
    case 'compensation':
      line('cases.card.gmInstruction', await wordsOf(db, ticket.id, 'gm_instruction'));
      break;
    case 'housekeeper_contact': {
      const housekeeper = ticket.housekeeperId ? await db.findOneBy(Housekeeper, { id: ticket.housekeeperId }) : null;
      if (housekeeper) {
        extra.push({ label: say('common.field.housekeeper'), value: `${housekeeper.name} ${housekeeper.phone ?? ''}`.trim() });
        for (const contact of (housekeeper.emergencyContacts ?? []).slice(0, 2)) extra.push({ label: contact.relation ?? say('common.field.relative'), value: `${contact.name} ${contact.phone}` });
      } else line('common.field.housekeeper', say('cases.card.noHousekeeper'));
      break;
    }
    default:
      extra.push(complaint);
  }
  const detail = detailOf(ctx, ticket);
  const room = MAX_FIELDS - base.length - (detail.field ? 1 : 0);
  // the sign-off form needs its five lines more than the number and the customer, which 详情 has
  const head = extra.length > room ? base.slice(0, Math.max(0, MAX_FIELDS - (detail.field ? 1 : 0) - extra.length)) : base;
  const fields = [...head, ...extra.slice(0, MAX_FIELDS - head.length - (detail.field ? 1 : 0)), ...(detail.field ? [detail.field] : [])];
  return { description, fields, link: detail.link };
}
