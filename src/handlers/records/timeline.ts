import type { EntityManager } from 'typeorm';
import { TicketEvent } from '../../entities';
import { insertRow } from '../../entities/rows';

/** The timeline of a case or a lead: every step, message and decision, in order. */

export interface TimelineEntry {
  ticketId?: number;
  leadId?: number;
  type: string;
  actor: string;
  note?: string;
  data?: Record<string, unknown>;
  at: number;
}

export async function addTimeline(db: EntityManager, entry: TimelineEntry): Promise<void> {
  // rows.ts: one INSERT, not read back
  await insertRow(db, TicketEvent, {
    ticketId: entry.ticketId ?? null,
    leadId: entry.leadId ?? null,
    type: entry.type,
    actor: entry.actor,
    note: entry.note ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    at: entry.at,
  });
}
