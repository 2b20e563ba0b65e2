import { In, type EntityManager } from 'typeorm';
import { Approval, Customer, Evidence, Penalty, Staff, Store, Ticket, TicketEvent } from '../../entities';
import type { Staff as StaffRow } from '../../entities/staff';
import { recordView, scopeOf, seesTicket } from '../access';
import { mayDecide, roleName, stepName } from '../approvals';
import { addTimeline } from '../records';
import { say } from '../../../config/say';
import type { CaseStep } from '../../lib/case-step';

/**
 * One case as a person reads it (the console's case page, and 查 TS… in chat): the case, the
 * customer's contact, the timeline, every step with who decided and when, the evidence and the
 * penalty slips. Scoped like every other read (handlers/access) and audited: each look writes an
 * audit entry naming the case and the fields shown.
 */

export type { CaseStep };

export interface CaseRecord {
  ticket: Ticket;
  storeName: string | null;
  customer: { id: number; name: string | null; phone: string | null; address: string | null; district: string | null; isMajor: boolean };
  timeline: TicketEvent[];
  steps: CaseStep[];
  evidence: Pick<Evidence, 'id' | 'mediaType' | 'contentType' | 'size' | 'status' | 'receivedAt'>[];
  penalties: Pick<Penalty, 'id' | 'housekeeperId' | 'amountFen' | 'reason' | 'status' | 'raisedBy' | 'approvedBy' | 'createdAt' | 'decidedAt'>[];
  /** WeCom UserID → name, for the people the timeline and the steps name. */
  names: Record<string, string>;
}

export type CaseLookup = { found: CaseRecord } | { refused: 'not_found' | 'forbidden' };

/** The 回复 button a card has on a step that waits for words (approvals' REPLY_KEY). */
const REPLY_KEY = 'reply';

interface CardShape {
  buttons?: { key?: unknown; text?: unknown }[];
  fields?: unknown;
}

function stepOf(approval: Approval, viewer: StaffRow, storeId: number | null): CaseStep {
  const card = (approval.card ?? {}) as CardShape;
  const buttons = Array.isArray(card.buttons) ? card.buttons.filter((b): b is { key: string; text: string } => typeof b.key === 'string' && typeof b.text === 'string') : [];
  const decides = approval.status === 'pending' && mayDecide(viewer, approval, storeId);
  return {
    id: approval.id,
    step: approval.step,
    title: stepName(approval),
    role: approval.role,
    roleName: roleName(approval.role),
    status: approval.status,
    // the button's own words (同意, 已电话告知…); a step answered in words says so
    decision: approval.decision === null ? null : (buttons.find((b) => b.key.endsWith(`:${approval.decision}`))?.text ?? (approval.decision === 'text' ? say('cases.record.answered') : approval.decision)),
    text: approval.text,
    decidedBy: approval.decidedBy,
    decidedAt: approval.decidedAt,
    dueAt: approval.dueAt,
    createdAt: approval.createdAt,
    needsText: approval.needsText,
    mine: decides,
    // 回复意见 is the chat's way to be asked; the console writes the words directly
    choices: decides ? buttons.map((b) => ({ key: b.key.split(':').pop() ?? b.key, text: b.text })).filter((b) => b.key !== 'reply') : [],
  };
}

/** Call inside a write transaction: the audit entry of the look commits with it. */
export async function caseRecord(db: EntityManager, ticketNo: string, viewer: StaffRow, now: number, via = 'console'): Promise<CaseLookup> {
  const ticket = await db.findOneBy(Ticket, { number: ticketNo });
  if (!ticket) return { refused: 'not_found' };
  if (!(await seesTicket(db, scopeOf(viewer), ticket))) return { refused: 'forbidden' };
  const [customer, timeline, approvals, evidence, penalties, store] = await Promise.all([
    db.findOneByOrFail(Customer, { id: ticket.customerId }),
    db.find(TicketEvent, { where: { ticketId: ticket.id }, order: { at: 'ASC', id: 'ASC' } }),
    db.find(Approval, { where: { ticketId: ticket.id }, order: { id: 'ASC' } }),
    db.find(Evidence, { where: { ticketId: ticket.id }, order: { id: 'ASC' }, select: { id: true, mediaType: true, contentType: true, size: true, status: true, receivedAt: true } }),
    db.find(Penalty, { where: { ticketId: ticket.id }, order: { id: 'ASC' } }),
    ticket.storeId === null ? null : db.findOneBy(Store, { id: ticket.storeId }),
  ]);
  const userIds = [...new Set([...timeline.map((e) => e.actor), ...approvals.map((a) => a.decidedBy ?? '')].filter(Boolean))];
  const people = userIds.length ? await db.find(Staff, { where: { wecomUserId: In(userIds) }, select: { wecomUserId: true, name: true } }) : [];
  await recordView(db, { actor: viewer.wecomUserId, subject: 'ticket', subjectId: ticket.id, via, fields: ['summary', 'customer.name', 'customer.phone', 'customer.address'] }, now);
  return {
    found: {
      ticket,
      storeName: store?.name ?? null,
      customer: { id: customer.id, name: customer.name, phone: customer.phone, address: customer.address, district: customer.district, isMajor: customer.isMajor },
      timeline,
      steps: approvals.map((a) => stepOf(a, viewer, ticket.storeId)),
      evidence,
      penalties: penalties.map(({ id, housekeeperId, amountFen, reason, status, raisedBy, approvedBy, createdAt, decidedAt }) => ({ id, housekeeperId, amountFen, reason, status, raisedBy, approvedBy, createdAt, decidedAt })),
      names: Object.fromEntries(people.map((p) => [p.wecomUserId, p.name])),
    },
  };
}

/**
 * An internal note on a case (备注): for colleagues only, never sent to the customer. It goes on
 * the timeline as `internal_note` with who wrote it.
 */
export async function addInternalNote(db: EntityManager, ticket: Ticket, author: StaffRow, text: string, now: number): Promise<void> {
  await addTimeline(db, { ticketId: ticket.id, type: 'internal_note', actor: author.wecomUserId, note: text, at: now });
}
