import Router from '@koa/router';
import type { EntityManager, FindOptionsWhere } from 'typeorm';
import { AuditEntry } from '../entities';
import type { Database } from '../entities/database';
import { audit } from '../handlers/records';
import { ApiError, iso, optionalString, paging } from './http';

/**
 * The audit trail (R-SC-2) as the admin API writes and reads it. Every change made through the API
 * — stores, staff, housekeepers, contracts, customers — is one `audit_entry` row written in the same
 * transaction as the change, through the same helper the chat flows use (src/handlers/records):
 * personal fields are named, their values never written. `GET /api/audit` reads them back.
 */

export const ADMIN_ACTOR = 'admin';

/** How a change came: one request, or a row of a bulk import (`<subject>.import_create`). */
export type Via = 'api' | 'import';

export function adminAction(via: Via, subject: string, change: 'create' | 'update'): string {
  return `${subject}.${via === 'import' ? 'import_' : ''}${change}`;
}

/** The view of a new record as its audit entry shows it: the fields it was given. */
export function withoutNulls(view: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== null && value !== undefined && value !== ''));
}

/**
 * One audit entry for a record the admin API created or changed; `changes` as `diff` gives them
 * (for a new record: `diff({}, withoutNulls(view))`). `at` is the time of the write.
 */
export function auditAdminChange(
  manager: EntityManager,
  facts: { via: Via; subject: string; subjectId: number; change: 'create' | 'update'; changes: Record<string, unknown>; actor?: string },
  at: number,
): Promise<void> {
  const { via, subject, subjectId, change, changes } = facts;
  // the console's imports name the member of staff; the bearer API is `admin`
  return audit(manager, { actor: facts.actor ?? ADMIN_ACTOR, action: adminAction(via, subject, change), subject, subjectId, changes }, at);
}

function auditJson(entry: AuditEntry) {
  let changes: unknown = null;
  try {
    changes = entry.changes ? JSON.parse(entry.changes) : null;
  } catch {
    changes = entry.changes;
  }
  return { id: entry.id, actor: entry.actor, action: entry.action, subject: entry.subject, subjectId: entry.subjectId ?? null, changes, at: iso(entry.at) };
}

function idParamNamed(name: string, value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new ApiError(400, `${name} must be a positive whole number`);
  return Number(value);
}

export function auditRoutes(db: Database): Router {
  const router = new Router();
  router.get('/audit', async (ctx) => {
    const subject = optionalString(ctx, 'subject');
    const subjectId = optionalString(ctx, 'subjectId');
    const actionName = optionalString(ctx, 'action');
    const { take, skip } = paging(ctx);
    const where: FindOptionsWhere<AuditEntry> = {};
    if (subject !== undefined) where.subject = subject;
    if (subjectId !== undefined) where.subjectId = idParamNamed('subjectId', subjectId);
    if (actionName !== undefined) where.action = actionName;
    const entries = await db.reader.find(AuditEntry, { where, order: { at: 'DESC', id: 'DESC' }, take, skip });
    ctx.body = { entries: entries.map(auditJson) };
  });
  return router;
}
