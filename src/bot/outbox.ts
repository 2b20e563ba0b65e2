import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Database } from '../entities/database';
import { OutboxMessage } from '../entities';
import { findRowsWhere, insertRow, run, updateRows } from '../entities/rows';
import type { OutboundMessage } from '../handlers/ports';
import { dispositionOf } from './api-client';
import type { Platform } from './inbound-event';

/**
 * The outbox: every outbound message is a row written in the same transaction as the change that
 * caused it, then delivered by a worker. Nothing is sent from a request handler directly, so a
 * platform outage or a restart loses nothing, and the dedup key means nothing is queued twice.
 */

export interface DeliveryResult {
  /** Kept on the row: platform msgid, "sandbox", "via template"… */
  detail?: string;
}

/** Knows how to deliver a neutral message on one platform (or to log it in sandbox mode). */
export interface Transport {
  readonly sandbox: boolean;
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}

/** A claimed row is the claimer's for this long; a crashed worker's rows come back after it. */
const CLAIM_MS = 60_000;
/** A media download may take its 60 s plus a video's 120 s: its claim outlasts both. */
const MEDIA_CLAIM_MS = 5 * 60_000;
const BATCH = 20;
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 10 * 60_000;
/** Rate limits (45009 and friends) reset slowly: start at a minute. */
const RATE_LIMIT_BASE_MS = 60_000;
const RATE_LIMIT_MAX_MS = 60 * 60_000;

/**
 * The longest a message can stay pending while the worker retries it: every backoff on the slow
 * (rate-limited) schedule up to the last attempt, plus a claim. Longer than this means stuck
 * (`npm run check:data`).
 */
export function longestRetryMs(maxAttempts: number): number {
  let total = MEDIA_CLAIM_MS;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += Math.min(RATE_LIMIT_MAX_MS, RATE_LIMIT_BASE_MS * 2 ** (attempt - 1));
  return total;
}

function platformOf(message: OutboundMessage): Platform {
  return message.type === 'card' || message.type === 'card_update' ? message.to[0]?.platform ?? 'wecom' : message.to.platform;
}

function recipientOf(message: OutboundMessage): string {
  const ids = message.type === 'card' || message.type === 'card_update' ? message.to.map((r) => r.id) : [message.to.id];
  return ids.join('|').slice(0, 128);
}

/** Queues messages inside the caller's transaction; `dedupKey` must name the cause (inbound id, job item). */
export async function enqueue(
  manager: EntityManager,
  items: { dedupKey: string; message: OutboundMessage }[],
  now: number,
): Promise<void> {
  // one statement a message: a dedup key already queued (a handler run again) is left as it is
  for (const { dedupKey, message } of items) {
    await insertRow(
      manager,
      OutboxMessage,
      {
        dedupKey,
        platform: platformOf(message),
        kind: message.type,
        recipient: recipientOf(message),
        payload: message,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lastError: null,
        result: null,
        createdAt: now,
        deliveredAt: null,
      },
      { ifAbsent: true },
    );
  }
}

/**
 * Two queues over the one table, drained side by side: downloads of customers' media (slow,
 * large, from a CDN) never hold back a message to a person, an urgent alert least of all.
 */
type Lane = 'messages' | 'media';
const LANES: Lane[] = ['messages', 'media'];
const MEDIA_KIND = 'fetch_media';

export interface OutboxOptions {
  pollMs: number;
  maxAttempts: number;
  now?: () => number;
}

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private readonly lanes: Record<Lane, { draining: Promise<number> | undefined; again: boolean }> = {
    messages: { draining: undefined, again: false },
    media: { draining: undefined, again: false },
  };
  private readonly now: () => number;
  private claimStatement: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly transports: Partial<Record<Platform, Transport>>,
    private readonly log: Logger,
    private readonly options: OutboxOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(LANES.map((lane) => this.lanes[lane].draining));
  }

  /** Deliver what is due now (called after a commit that queued something, and on every tick). */
  kick(): void {
    for (const lane of LANES) this.kickLane(lane);
  }

  private kickLane(lane: Lane): void {
    const state = this.lanes[lane];
    if (state.draining) {
      state.again = true;
      return;
    }
    state.draining = this.drainLane(lane)
      .catch((error) => {
        this.log.error({ err: error, lane }, 'outbox drain failed');
        return 0;
      })
      .finally(() => {
        state.draining = undefined;
        if (state.again) {
          state.again = false;
          this.kickLane(lane);
        }
      });
  }

  /** Delivers every due message once (both queues); returns how many were attempted. */
  async drain(): Promise<number> {
    const counts = await Promise.all(LANES.map((lane) => this.drainLane(lane)));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  private async drainLane(lane: Lane): Promise<number> {
    let attempted = 0;
    for (;;) {
      // written once as SQL (rows.ts): on the index of status and due time, run after every commit that queued something
      const now = this.now();
      const due = await findRowsWhere(
        this.db.reader,
        OutboxMessage,
        (q) => `${q('status')} = 'pending' AND ${q('nextAttemptAt')} <= ? AND (${q('lockedUntil')} IS NULL OR ${q('lockedUntil')} < ?) AND ${q('kind')} ${lane === 'media' ? '=' : '<>'} ?`,
        [now, now, MEDIA_KIND],
        `ORDER BY nextAttemptAt ASC, id ASC LIMIT ${BATCH}`,
      );
      if (due.length === 0) return attempted;
      for (const row of due) {
        if (await this.claim(row)) {
          attempted++;
          await this.deliver(row);
        }
      }
      if (due.length < BATCH) return attempted;
    }
  }

  /** Outbox backlog for /readyz and operators. */
  async backlog(): Promise<{ pending: number; undeliverable: number }> {
    const [pending, undeliverable] = await Promise.all([
      this.db.reader.countBy(OutboxMessage, { status: 'pending' }),
      this.db.reader.countBy(OutboxMessage, { status: 'undeliverable' }),
    ]);
    return { pending, undeliverable };
  }

  private async claim(row: OutboxMessage): Promise<boolean> {
    const now = this.now();
    const lockedUntil = now + (row.kind === MEDIA_KIND ? MEDIA_CLAIM_MS : CLAIM_MS);
    const result = await this.db.statement((manager) => run(manager, this.claimSql(manager), [lockedUntil, row.id, now]));
    return (result.affected ?? 0) === 1;
  }

  private async deliver(row: OutboxMessage): Promise<void> {
    const message = row.payload as OutboundMessage;
    const transport = this.transports[row.platform as Platform];
    const attempts = row.attempts + 1;
    const log = this.log.child({ outboxId: row.id, platform: row.platform, kind: row.kind, attempt: attempts });
    if (!transport) {
      await this.finish(row.id, { status: 'undeliverable', attempts, lastError: `no transport for platform ${row.platform}` });
      log.error('outbox message has no transport: marked undeliverable');
      return;
    }
    try {
      const result = await transport.deliver(message);
      await this.finish(row.id, {
        status: transport.sandbox ? 'sandbox' : 'delivered',
        attempts,
        deliveredAt: this.now(),
        result: result.detail?.slice(0, 300) ?? null,
        lastError: null,
      });
      log.info(transport.sandbox ? 'outbox message recorded in sandbox (platform not configured)' : 'outbox message delivered');
    } catch (error) {
      const disposition = dispositionOf(error);
      const reason = (error as Error).message.slice(0, 300);
      if (disposition === 'permanent' || attempts >= this.options.maxAttempts) {
        await this.finish(row.id, { status: 'undeliverable', attempts, lastError: reason });
        log.error({ reason, disposition }, 'outbox message undeliverable');
        return;
      }
      const [base, max] = disposition === 'rate_limited' ? [RATE_LIMIT_BASE_MS, RATE_LIMIT_MAX_MS] : [RETRY_BASE_MS, RETRY_MAX_MS];
      const delay = Math.min(max, base * 2 ** (attempts - 1));
      await this.finish(row.id, { status: 'pending', attempts, nextAttemptAt: this.now() + delay, lastError: reason });
      log.warn({ reason, disposition, retryInMs: delay }, 'outbox delivery failed; will retry');
    }
  }

  private async finish(id: number, changes: Partial<Omit<OutboxMessage, 'payload'>>): Promise<void> {
    await this.db.write((manager) => updateRows(manager, OutboxMessage, { id }, { ...changes, lockedUntil: null }));
  }

  private claimSql(manager: EntityManager): string {
    const q = (name: string) => manager.connection.driver.escape(name);
    return (this.claimStatement ??= `UPDATE ${q('outbox_message')} SET ${q('lockedUntil')} = ? WHERE ${q('id')} = ? AND ${q('status')} = 'pending' AND (${q('lockedUntil')} IS NULL OR ${q('lockedUntil')} < ?)`);
  }
}
