import type { EntityManager } from 'typeorm';
import { Conversation } from '../../entities';
import type { Intent, Slots } from '../understanding';
import { findRow, insertRow, updateRows } from '../../entities/rows';

/** Where a customer's dialogue stands, kept in the database so any instance can continue it. */

/** clarify: a question that separates two intents the classifier hesitated between is open. */
export type Flow = 'lead' | 'complaint' | 'service_request' | 'clarify';
export type Awaiting = 'serviceType' | 'district' | 'phone' | 'name' | 'complaint_detail' | 'safety_check' | 'contract_choice';

export interface ActiveDialogue {
  flow: Flow;
  awaiting: Awaiting | null;
  leadId: number | null;
  ticketId: number | null;
  slots: Slots;
  /** Slots already asked for once: optional ones are not asked again. */
  asked: Awaiting[];
  /** clarify: the message the question was about, and the two intents it separates. */
  pending?: { text: string; between: [Intent, Intent] };
  /** The row it was read from in this transaction (never stored): saving it again needs no look-up. */
  rowId?: number;
}

export async function loadDialogue(db: EntityManager, customerId: number, now: number): Promise<ActiveDialogue | null> {
  const row = await findRow(db, Conversation, { customerId });
  if (!row || row.expiresAt <= now || row.flow === 'idle') return null;
  const state = (row.state ?? {}) as { slots?: Slots; asked?: Awaiting[]; pending?: ActiveDialogue['pending'] };
  return {
    flow: row.flow as Flow,
    awaiting: row.awaiting as Awaiting | null,
    leadId: row.leadId,
    ticketId: row.ticketId,
    slots: state.slots ?? {},
    asked: state.asked ?? [],
    ...(state.pending ? { pending: state.pending } : {}),
    rowId: row.id,
  };
}

export async function saveDialogue(db: EntityManager, customerId: number, dialogue: ActiveDialogue, now: number, idleMinutes: number): Promise<void> {
  const values = {
    flow: dialogue.flow,
    awaiting: dialogue.awaiting,
    leadId: dialogue.leadId,
    ticketId: dialogue.ticketId,
    state: { slots: dialogue.slots, asked: dialogue.asked, ...(dialogue.pending ? { pending: dialogue.pending } : {}) },
    updatedAt: now,
    expiresAt: now + idleMinutes * 60_000,
  };
  // a dialogue read in this transaction is written back to its row, by id (the row is the
  // customer's: an UPDATE by primary key takes no gap lock)
  if (dialogue.rowId !== undefined && (await updateRows(db, Conversation, { id: dialogue.rowId, customerId }, values)) === 1) return;
  // otherwise read first, not "UPDATE, and INSERT when it changed nothing": on MariaDB an UPDATE
  // that finds no row gap-locks the unique index, and two new customers' inserts into that gap
  // deadlock (the bench saw 80 re-runs in 949 messages; issue 18 was the same pattern)
  const existing = await findRow(db, Conversation, { customerId });
  if (existing) await updateRows(db, Conversation, { id: existing.id }, values);
  else await insertRow(db, Conversation, { customerId, ...values });
}

export async function endDialogue(db: EntityManager, customerId: number, now: number): Promise<void> {
  await updateRows(db, Conversation, { customerId }, { flow: 'idle', awaiting: null, leadId: null, ticketId: null, state: null, updatedAt: now, expiresAt: now });
}
