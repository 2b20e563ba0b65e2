import { In, LessThan, type EntityTarget, type FindOptionsOrder, type FindOptionsSelect, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import { CardResponseCode, ConsoleSession, InboundMessage, OutboxMessage } from '../entities';
import type { Database } from '../entities/database';
import { perDay } from './periods';
import type { JobWork } from './runner';

/**
 * Nightly purge of the bot's own working records once they have done their job (R-SC-1: keep
 * personal data no longer than needed), after RETENTION_DAYS (default 90):
 * - inbound messages handled (`done`): their dedup key only matters while WeChat retries (seconds);
 * - outbox rows delivered (or recorded in sandbox): flows remember what they sent in their own
 *   records (timeline events, statuses, approvals), so a job that looks at the same item again
 *   finds it done without the outbox row;
 * - card response codes already spent (a code is valid 72 hours anyway);
 * - console sessions past their idle timeout or longest life (whatever RETENTION_DAYS says: a dead
 *   session is no use to anyone), and login-code claims that never became a session.
 * Kept: inbound messages that failed and outbox rows that are pending or undeliverable (operators
 * look at those), and everything the audit trail and the reports read — audit entries, leads,
 * tickets and their timelines, approvals, penalties, surveys, visits, evidence. None of the three
 * purged tables is read by a report.
 *
 * Deletes go in small batches, each its own short write, so inbound messages are never held up
 * behind the purge. Running it twice, or on two instances at once, deletes nothing twice.
 */

const BATCH = 500;
const DAY_MS = 24 * 3600_000;

export interface Purged {
  inbound: number;
  outbox: number;
  responseCodes: number;
  consoleSessions: number;
}

async function purge<T extends ObjectLiteral & { id: number }>(db: Database, entity: EntityTarget<T>, where: FindOptionsWhere<T>[]): Promise<number> {
  let purged = 0;
  for (;;) {
    const batch = await db.reader.find(entity, { select: { id: true } as FindOptionsSelect<T>, where, order: { id: 'ASC' } as FindOptionsOrder<T>, take: BATCH });
    if (batch.length === 0) return purged;
    const ids = batch.map((row) => row.id);
    // the conditions again: a row that changed since it was read (e.g. retried) stays
    const result = await db.write((manager) => manager.delete(entity, where.map((w) => ({ ...w, id: In(ids) }) as FindOptionsWhere<T>)));
    purged += result.affected ?? 0;
    if (batch.length < BATCH) return purged;
  }
}

/** Purges what is older than `retentionDays` before `now` (sessions: past their timeouts); returns how many rows of each went. */
export async function purgeExpired(db: Database, now: number, retentionDays: number, sessions: { idleMinutes: number; maxHours: number } = { idleMinutes: 30, maxHours: 12 }): Promise<Purged> {
  const cutoff = now - retentionDays * DAY_MS;
  return {
    inbound: await purge(db, InboundMessage, [{ status: 'done', receivedAt: LessThan(cutoff) }]),
    outbox: await purge(db, OutboxMessage, [
      { status: 'delivered', deliveredAt: LessThan(cutoff) },
      { status: 'sandbox', deliveredAt: LessThan(cutoff) },
    ]),
    responseCodes: await purge(db, CardResponseCode, [{ spentAt: LessThan(cutoff) }]),
    consoleSessions: await purge(db, ConsoleSession, [{ lastSeenAt: LessThan(now - sessions.idleMinutes * 60_000) }, { createdAt: LessThan(now - sessions.maxHours * 3_600_000) }]),
  };
}

export const retention: JobWork = {
  name: 'retention',
  period: perDay,
  async run(ctx) {
    const purged = await purgeExpired(ctx.db, ctx.clock.now(), ctx.config.retentionDays, ctx.config.console);
    ctx.log.info({ ...purged, retentionDays: ctx.config.retentionDays }, 'retention: old working records purged');
  },
};
