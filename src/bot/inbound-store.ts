import { createHash } from 'node:crypto';
import { In, IsNull, LessThan, type DataSource, type EntityManager } from 'typeorm';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';
import type { Database } from '../entities/database';
import { InboundMessage } from '../entities';
import { insertRow, run } from '../entities/rows';
import { isUniqueViolation } from '../entities/errors';
import { dedupKey, type InboundEvent } from './inbound-event';

/**
 * The inbound message store (会话记录). A message is inserted under its dedup key before it is
 * acknowledged; processing is claimed with a lease so that exactly one instance runs its handler,
 * and a claim left by a crashed process expires and is picked up again.
 */

/** How long one claim lasts: longer than any handler, short enough to recover soon after a crash. */
export const CLAIM_MS = 30_000;
/** After this many failed handler runs the message is parked as failed for a person to look at. */
export const MAX_HANDLER_ATTEMPTS = 5;

export type StoreOutcome =
  | { status: 'claimed'; row: InboundMessage }
  | { status: 'duplicate'; row: InboundMessage };

/**
 * The two statements every message runs besides its insert, as parameterised SQL written once per
 * database: TypeORM building them from find options cost more CPU than SQLite running them.
 */
interface HotSql {
  recentFrom: string;
  complete: string;
  sealReply(reply: string | null): unknown;
}

function hotSql(source: DataSource): HotSql {
  const q = (name: string) => source.driver.escape(name);
  const reply = source.getMetadata(InboundMessage).findColumnWithPropertyName('reply')!;
  return {
    recentFrom: `SELECT 1 FROM ${q('inbound_message')} WHERE ${q('sender')} = ? AND ${q('platform')} = ? AND ${q('receivedAt')} > ?`,
    complete:
      `UPDATE ${q('inbound_message')} SET ${q('status')} = 'done', ${q('reply')} = ?, ${q('claimedUntil')} = NULL, ${q('processedAt')} = ?, ${q('error')} = NULL ` +
      `WHERE ${q('id')} = ?`,
    // the reply column is sealed (encrypted, bound to its table and column) like every other write of it
    sealReply: (text) => (text === null ? null : ApplyValueTransformers.transformTo(reply.transformer!, text)),
  };
}

export class InboundStore {
  private sql: HotSql | undefined;

  constructor(private readonly db: Database, private readonly now: () => number) {}

  private get hot(): HotSql {
    return (this.sql ??= hotSql(this.db.source));
  }

  /** Stores the event, claimed by the caller; a retry of a stored event comes back as duplicate. */
  async store(event: InboundEvent): Promise<StoreOutcome> {
    const key = dedupKey(event);
    const now = this.now();
    try {
      // every column set here, the id the statement's own: nothing read back (rows.ts). One
      // statement: on MariaDB in autocommit (no BEGIN and COMMIT round trips around it), on SQLite
      // in a group commit. Urgent: ahead of queued handler work, the platform is waiting.
      const row = await this.db.statement(
        (manager) =>
          insertRow(manager, InboundMessage, {
            dedupKey: key,
            platform: event.platform,
            kind: event.type,
            sender: event.from,
            event,
            status: 'processing',
            attempts: 1,
            claimedUntil: now + CLAIM_MS,
            reply: null,
            error: null,
            receivedAt: now,
            processedAt: null,
          }),
        'urgent',
      );
      return { status: 'claimed', row };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const row = await this.db.reader.findOneByOrFail(InboundMessage, { dedupKey: key });
      return { status: 'duplicate', row };
    }
  }

  /**
   * How many messages this sender's platform stored from them since `since`, counted up to `atMost`
   * (the rate limit's count: it only needs to know whether the limit is reached or passed, and a
   * count that stops there costs the same however many a sender has sent).
   */
  countFrom(platform: string, sender: string, since: number, atMost: number): Promise<number> {
    const cap = Math.max(1, Math.floor(atMost));
    // the cap is written into the SQL (LIMIT takes no bound REAL on SQLite): one string per process
    const sql = `SELECT COUNT(*) AS n FROM (${this.hot.recentFrom} LIMIT ${cap}) recent`;
    return run(this.db.reader, sql, [sender, platform, since]).then((result) => Number((result.records as { n: number | string }[])[0].n));
  }

  /** Is this event stored already (a platform's retry)? */
  async has(event: InboundEvent): Promise<boolean> {
    return (await this.db.reader.countBy(InboundMessage, { dedupKey: dedupKey(event) })) > 0;
  }

  /**
   * The one row a sender past the rate limit leaves for the minute: the sender and the polite
   * answer, not the message. Its key is the sender's minute, so however many instances see the
   * limit reached at once, only one stores it (and answers); false for the others.
   */
  async storeRateLimited(manager: EntityManager, event: InboundEvent, reply: string | null): Promise<InboundMessage | undefined> {
    const now = this.now();
    const key = createHash('sha256').update(['rate_limited', event.platform, event.appId, event.from, String(Math.floor(now / 60_000))].join('\u0000')).digest('hex');
    const row = manager.create(InboundMessage, {
      dedupKey: key,
      platform: event.platform,
      kind: 'rate_limited',
      sender: event.from,
      event: { platform: event.platform, appId: event.appId, from: event.from, type: 'rate_limited' },
      status: 'done',
      attempts: 0,
      claimedUntil: null,
      reply,
      error: null,
      receivedAt: now,
      processedAt: now,
    });
    try {
      const result = await manager.insert(InboundMessage, row);
      row.id = result.identifiers[0].id as number;
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  find(id: number): Promise<InboundMessage | null> {
    return this.db.reader.findOneBy(InboundMessage, { id });
  }

  /** Takes over an unfinished message whose claim has lapsed; false if someone else holds it. */
  async claim(row: InboundMessage): Promise<boolean> {
    const now = this.now();
    const result = await this.db.statement((manager) =>
      manager
        .createQueryBuilder()
        .update(InboundMessage)
        .set({ status: 'processing', claimedUntil: now + CLAIM_MS, attempts: () => 'attempts + 1' })
        .where('id = :id', { id: row.id })
        .andWhere("status IN ('received', 'processing')")
        .andWhere('(claimedUntil IS NULL OR claimedUntil < :now)', { now })
        .execute(),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Marks the message handled, inside the handler's transaction. */
  async complete(manager: EntityManager, id: number, reply: string | null): Promise<void> {
    await run(manager, this.hot.complete, [this.hot.sealReply(reply), this.now(), id]);
  }

  /** Releases a failed run for a later retry, or parks it after too many attempts. */
  async fail(row: InboundMessage, reason: string, retryInMs: number): Promise<void> {
    const current = await this.find(row.id);
    const attempts = current?.attempts ?? row.attempts;
    const parked = attempts >= MAX_HANDLER_ATTEMPTS;
    await this.db.write((manager) =>
      manager.update(
        InboundMessage,
        { id: row.id, status: 'processing' },
        { status: parked ? 'failed' : 'received', claimedUntil: parked ? null : this.now() + retryInMs, error: reason.slice(0, 300) },
      ),
    );
  }

  /** Messages stored but not finished whose claim has lapsed: left by a crash or a failed run. */
  async unfinished(limit: number): Promise<InboundMessage[]> {
    const now = this.now();
    const lapsed = await this.db.reader.find(InboundMessage, {
      where: [
        { status: In(['received', 'processing']), claimedUntil: LessThan(now) },
        { status: In(['received', 'processing']), claimedUntil: IsNull() },
      ],
      order: { id: 'ASC' },
      take: limit,
    });
    return lapsed;
  }
}
