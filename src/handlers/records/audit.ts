import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../../entities/audit-entry';
import { insertRow } from '../../entities/rows';

/**
 * The audit trail (R-SC-2): who changed what, when, through chat or the admin API. `changes`
 * holds field names with before/after values that are not personal data (statuses, ids,
 * amounts); personal fields are named but their values are never written here.
 */

export interface AuditFacts {
  actor: string;
  action: string;
  subject: string;
  subjectId?: number | null;
  changes?: Record<string, unknown>;
}

export async function audit(db: EntityManager, facts: AuditFacts, at: number): Promise<void> {
  await insertRow(db, AuditEntry, {
    actor: facts.actor.slice(0, 64),
    action: facts.action.slice(0, 64),
    subject: facts.subject.slice(0, 32),
    subjectId: facts.subjectId ?? null,
    changes: facts.changes ? JSON.stringify(facts.changes) : null,
    at,
  });
}

/** Field names that carry personal data: their values are replaced before anything is written. */
const PERSONAL = new Set(['name', 'phone', 'address', 'idNumber', 'emergencyContacts', 'reason', 'need', 'summary', 'text', 'note']);

/** before/after for changed fields, with personal values hidden. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    changes[key] = PERSONAL.has(key) ? { from: '[personal]', to: '[personal]' } : { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changes;
}
