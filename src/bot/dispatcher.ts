import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { InboundMessage } from '../entities';
import type { Database } from '../entities/database';
import type { Clock, Handler, HandlerContext, OutboundMessage, Prepared } from '../handlers/ports';
import type { InboundEvent } from './inbound-event';
import type { InboundStore } from './inbound-store';
import { enqueue, type Outbox } from './outbox';
import type { ResponseCodes } from './wecom/response-codes';
import { say } from '../../config/say';

/**
 * From a stored inbound event to its handler and back, once (R-IN-1):
 * - the event is stored before anything else; a retry finds the stored row and gets its reply;
 * - the handler runs in one transaction with the outbox rows it queues and the "done" mark, so a
 *   crash mid-handler leaves nothing half-done and the message is simply run again;
 * - the platform gets an answer inside the reply budget: the first reply goes back passively if
 *   the handler finished in time, otherwise the request is acknowledged empty and every reply
 *   goes through the outbox.
 */

/** Renders a text reply as the platform's passive-reply plaintext; undefined: no passive replies. */
export type PassiveRenderer = (event: InboundEvent, text: string) => string;

/** A passive text reply is cut by WeCom past 2048 bytes; longer ones go through the API. */
const PASSIVE_MAX_BYTES = 2000;
const RECOVERY_BATCH = 50;
const DUPLICATE_POLL_MS = 50;
const RETRY_AFTER_FAILURE_MS = 10_000;
const MINUTE_MS = 60_000;
/** What a sender past RATE_LIMIT_PER_MINUTE hears, once a minute. */
export const RATE_LIMITED_TEXT = say('common.rateLimited');

interface Run {
  /** The request was already answered empty: replies must go through the outbox. */
  late: boolean;
  /** The handler finished and the reply mode was decided: the answer is about to exist. */
  deciding: boolean;
  /** When the platform stops waiting; undefined for a recovered message nobody waits for. */
  deadline?: number;
}

/**
 * Work done before the handler's transaction, such as asking the optional language model: a network
 * call inside the transaction would hold the SQLite write lock. Given the time it may take.
 */
export type Prepare = (event: InboundEvent, budgetMs: number) => Promise<Prepared | undefined>;
/** Left of the reply budget for the handler itself after preparing. */
const HANDLER_RESERVE_MS = 1000;
/** The longest a prepare step may take when nobody waits for the reply (a recovered message). */
const PREPARE_MAX_MS = 5000;

export interface DispatcherDeps {
  db: Database;
  store: InboundStore;
  handler: Handler;
  outbox: Outbox;
  config: Config;
  log: Logger;
  clock: Clock;
  responseCodes?: ResponseCodes;
  prepare?: Prepare;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Dispatcher {
  private readonly inflight = new Map<string, Promise<string | null>>();
  private recoveryTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  /** Counts handler runs (a run MariaDB rolled back and that was started over counts twice); the retry-storm tests read it. */
  handlerRuns = 0;
  /** Handler runs whose transaction committed: exactly one per stored message (the bench checks it). */
  handlerCommits = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * Stores and handles one verified event. Resolves with the passive reply plaintext, or null
   * for an empty acknowledgement. Rejects only when the event could not be stored, in which
   * case the caller must answer 5xx so the platform retries.
   */
  async receive(event: InboundEvent, render?: PassiveRenderer, arrivedAt = Date.now()): Promise<string | null> {
    // the budget counts from the request's arrival: time spent storing is time WeChat waited too
    const deadline = arrivedAt + this.deps.config.webhook.replyBudgetMs;
    const limited = await this.rateLimit(event, render);
    if (limited !== undefined) return limited;
    const outcome = await this.deps.store.store(event);
    const run: Run = { late: false, deciding: false, deadline };
    if (outcome.status === 'claimed') {
      return this.withinBudget(this.track(outcome.row, event, render, run), run, deadline);
    }
    const row = outcome.row;
    if (row.status === 'done' || row.status === 'failed') return row.reply;
    const sameProcess = this.inflight.get(row.dedupKey);
    if (sameProcess) return this.withinBudget(sameProcess, { late: false, deciding: true }, deadline);
    if (await this.deps.store.claim(row)) return this.withinBudget(this.track(row, event, render, run), run, deadline);
    return this.waitForOther(row, deadline);
  }

  /**
   * RATE_LIMIT_PER_MINUTE per sender, counted in the database (so it holds across instances): the
   * first message past the limit is answered politely, once for the minute, and leaves one row
   * (sender and answer, not the message); later ones are acknowledged empty and leave nothing.
   * A retry of a message stored before the limit was reached is answered as usual.
   * Returns undefined when the event goes on to be stored and handled.
   */
  private async rateLimit(event: InboundEvent, render: PassiveRenderer | undefined): Promise<string | null | undefined> {
    const limit = this.deps.config.limits.ratePerMinute;
    if (limit <= 0) return undefined;
    const { store, db, clock } = this.deps;
    // counted up to one past the limit: all that the answer below depends on
    const recent = await store.countFrom(event.platform, event.from, clock.now() - MINUTE_MS, limit + 1);
    if (recent < limit || (await store.has(event))) return undefined;
    const log = this.deps.log.child({ platform: event.platform, kind: event.type });
    if (recent > limit) {
      log.debug({ sender: event.from }, 'rate limited: acknowledged, nothing stored');
      return null;
    }
    const plainReply = render ? render(event, RATE_LIMITED_TEXT) : null;
    const marked = await db.write(async (manager) => {
      const row = await store.storeRateLimited(manager, event, plainReply);
      // no passive reply on this platform (Wechaty): the answer goes through the outbox
      if (row && !render) {
        await enqueue(manager, [{ dedupKey: `in:${row.id}:0`, message: { type: 'text', to: { platform: event.platform, id: event.roomId ?? event.from }, text: RATE_LIMITED_TEXT } }], clock.now());
      }
      return row;
    }, 'urgent');
    if (!marked) return null;
    if (!render) this.deps.outbox.kick();
    log.warn({ sender: event.from, limit }, 'sender past the rate limit: answered once, further messages this minute are not stored');
    return plainReply;
  }

  /** Handles messages that were stored but never finished (crash, failure): at start and periodically. */
  startRecovery(intervalMs = 5_000): void {
    const tick = () => {
      this.recovering ??= this.recover()
        .then(() => undefined)
        .catch((error) => this.deps.log.error({ err: error }, 'inbound recovery failed'))
        .finally(() => {
          this.recovering = undefined;
        });
    };
    this.recoveryTimer = setInterval(tick, intervalMs);
    this.recoveryTimer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.recoveryTimer) clearInterval(this.recoveryTimer);
    this.recoveryTimer = undefined;
    await this.recovering;
    await Promise.allSettled(this.inflight.values());
  }

  async recover(): Promise<number> {
    const rows = await this.deps.store.unfinished(RECOVERY_BATCH);
    let handled = 0;
    for (const row of rows) {
      if (this.inflight.has(row.dedupKey) || !(await this.deps.store.claim(row))) continue;
      this.deps.log.info({ inboundId: row.id, kind: row.kind, attempt: row.attempts + 1 }, 'processing a stored message that was not finished');
      await this.track(row, row.event as unknown as InboundEvent, undefined, { late: true, deciding: false });
      handled++;
    }
    return handled;
  }

  private track(row: InboundMessage, event: InboundEvent, render: PassiveRenderer | undefined, run: Run): Promise<string | null> {
    const key = row.dedupKey;
    const processing = this.process(row, event, render, run).finally(() => this.inflight.delete(key));
    this.inflight.set(key, processing);
    return processing;
  }

  private async withinBudget(processing: Promise<string | null>, run: Run, deadline: number): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()));
    });
    try {
      const first = await Promise.race([processing, budget]);
      if (first !== 'late') return first;
      // The handler is past deciding: its answer is a commit away, wait for it.
      if (run.deciding) return await processing;
      run.late = true;
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitForOther(row: InboundMessage, deadline: number): Promise<string | null> {
    while (Date.now() < deadline) {
      await sleep(DUPLICATE_POLL_MS);
      const current = await this.deps.store.find(row.id);
      if (current && (current.status === 'done' || current.status === 'failed')) return current.reply;
    }
    return null;
  }

  /** The prepare hook, bounded by the reply budget and a hard timer; its failure only costs its help. */
  private async prepare(event: InboundEvent, run: Run, log: Logger): Promise<Prepared | undefined> {
    const { prepare } = this.deps;
    if (!prepare) return undefined;
    const budgetMs = run.deadline === undefined ? PREPARE_MAX_MS : Math.min(PREPARE_MAX_MS, run.deadline - Date.now() - HANDLER_RESERVE_MS);
    if (budgetMs <= 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), budgetMs);
    });
    try {
      return await Promise.race([prepare(event, budgetMs), expired]);
    } catch (error) {
      log.warn({ err: error }, 'preparing the message failed; the handler works without it');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async process(row: InboundMessage, event: InboundEvent, render: PassiveRenderer | undefined, run: Run): Promise<string | null> {
    const { db, store, handler, outbox, config, clock } = this.deps;
    const log = this.deps.log.child({ inboundId: row.id, platform: event.platform, kind: event.type });
    try {
      if (event.type === 'card_click' && event.responseCode && this.deps.responseCodes) {
        await this.deps.responseCodes.remember(event.taskId, event.from, event.responseCode);
      }
      const prepared = await this.prepare(event, run, log);
      const passive = await db.write(async (manager) => {
        const replies: string[] = [];
        const messages: OutboundMessage[] = [];
        const ctx: HandlerContext = {
          event,
          db: manager,
          clock,
          config,
          log,
          reply: (text) => replies.push(text),
          send: (message) => messages.push(message),
          prepared,
        };
        this.handlerRuns++;
        await handler(ctx);
        run.deciding = true;
        const first = replies[0];
        const canAnswerPassively = !run.late && render !== undefined && first !== undefined && Buffer.byteLength(first) <= PASSIVE_MAX_BYTES;
        const plainReply = canAnswerPassively ? render(event, first) : null;
        const viaOutbox = (canAnswerPassively ? replies.slice(1) : replies).map<OutboundMessage>((text) => ({
          type: 'text',
          to: { platform: event.platform, id: event.roomId ?? event.from },
          text,
        }));
        const queued = [...viaOutbox, ...messages].map((message, index) => ({ dedupKey: `in:${row.id}:${index}`, message }));
        await enqueue(manager, queued, clock.now());
        await store.complete(manager, row.id, plainReply);
        return { plainReply, queued: queued.length };
      });
      this.handlerCommits++;
      if (passive.queued > 0) outbox.kick();
      log.info({ passiveReply: passive.plainReply !== null, queued: passive.queued }, 'inbound handled');
      return passive.plainReply;
    } catch (error) {
      log.error({ err: error }, 'handler failed; the message stays stored and will be retried');
      await store.fail(row, (error as Error).message ?? 'handler failed', RETRY_AFTER_FAILURE_MS).catch((failError) =>
        log.error({ err: failError }, 'could not record the handler failure'),
      );
      return null;
    }
  }
}
