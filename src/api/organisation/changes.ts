import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Database } from '../../entities/database';
import { diff } from '../../handlers/records';
import { ADMIN_ACTOR, auditAdminChange, withoutNulls, type Via } from '../audit';

/**
 * How a change to a store or a member of staff is recorded: an `audit_entry` in the same
 * transaction, through the helper every admin change uses (../audit), and — once the transaction
 * has committed — a log line naming the changed fields (`audit: store_changed` / `staff_changed`)
 * for whoever follows the logs. Neither holds a name or a phone.
 */

export interface OrganisationSession {
  manager: EntityManager;
  now: number;
  via: Via;
}

/** A committed change, as its log line tells it. */
export interface Change {
  audit: 'staff_changed' | 'store_changed';
  id: number;
  fields: string[];
  change: 'created' | 'updated';
}

/** The fields of `wanted` that would change `existing` (every given field of a new row). */
export function changedFields<T extends object>(existing: T | null, wanted: Partial<T>): string[] {
  return (Object.keys(wanted) as (keyof T)[]).filter((key) => wanted[key] !== undefined && (!existing || existing[key] !== wanted[key])) as string[];
}

/** Values the audit trail names without writing (a personal WeChat id links a person). */
const HIDDEN = new Set(['wechatId']);

/**
 * Writes the audit entry of one store or staff change (`before` null: created) and returns the
 * log line to emit after the commit; `fields` are the fields the log line names.
 */
export async function recordChange(
  session: OrganisationSession,
  subject: 'store' | 'staff',
  id: number,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  fields: string[],
): Promise<Change> {
  const changes: Record<string, unknown> = before ? diff(before, after) : diff({}, withoutNulls(after));
  for (const key of Object.keys(changes)) if (HIDDEN.has(key)) changes[key] = { from: '[personal]', to: '[personal]' };
  await auditAdminChange(session.manager, { via: session.via, subject, subjectId: id, change: before ? 'update' : 'create', changes }, session.now);
  return { audit: subject === 'store' ? 'store_changed' : 'staff_changed', id, fields, change: before ? 'updated' : 'created' };
}

export function logChanges(log: Logger, changes: Change[], via: Via): void {
  for (const { audit, id, fields, change } of changes) {
    log.info({ audit, id, by: ADMIN_ACTOR, fields }, `${audit === 'store_changed' ? 'store' : 'staff'} ${change} (${via})`);
  }
}

/** What the organisation routes are given: the database, the log, and the clock of audit times. */
export interface Organisation {
  db: Database;
  log: Logger;
  clock: () => number;
}

/** A write through the API: its audit entries commit with it, its log lines follow the commit. */
export async function writeRecorded<T extends { changes: Change[] }>(org: Organisation, work: (session: OrganisationSession) => Promise<T>): Promise<T> {
  const saved = await org.db.write((manager) => work({ manager, now: org.clock(), via: 'api' }));
  logChanges(org.log, saved.changes, 'api');
  return saved;
}
