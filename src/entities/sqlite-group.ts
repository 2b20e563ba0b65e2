import { open } from 'node:fs/promises';
import { QueryFailedError, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/**
 * One group commit on SQLite (database.ts's write queue): BEGIN, each transaction's work in its
 * own SAVEPOINT, one COMMIT, run on better-sqlite3's connection itself.
 *
 * TypeORM's transaction() did the same through its query runner: per transaction and per
 * savepoint, events broadcast to subscribers, the statement logged, timed and wrapped — twice a
 * message, ~4 % of its CPU in the bench (issue 17). The works still get an EntityManager on the
 * one runner every SQLite statement of the process uses, marked as in a transaction, so an ORM
 * save() inside does not open its own and a nested manager.transaction() becomes a savepoint.
 */

export interface GroupTask {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface NativeConnection {
  readonly inTransaction: boolean;
  prepare(sql: string): { run(): unknown };
}

/** The whole transaction is gone (SQLite rolled it back on an I/O error, a full disk…). */
class GroupLost extends Error {
  constructor(readonly reason: unknown) {
    super(`the shared transaction was rolled back: ${(reason as Error)?.message ?? reason}`);
  }
}

/**
 * Durability off the event loop. SQLite runs with synchronous=NORMAL: a COMMIT writes the WAL
 * and returns without an fsync (with FULL, the fsync blocked the one thread every request needs:
 * 11 % of its time in the bench, issue 17). Before any transaction of a group is settled — an
 * inbound message acknowledged, a handler's replies let out of the outbox — the WAL file is
 * fsynced here on libuv's thread pool, so what was acknowledged survives a power cut exactly as
 * with FULL. Groups that commit while a sync runs share the next one: a sync covers every byte
 * written to the file before it began.
 */
class WalSync {
  private waiting: { resolve(): void; reject(error: unknown): void }[] = [];
  private running = false;

  constructor(private readonly walFile: string) {}

  /** Resolves once everything committed so far is on disk. */
  afterCommit(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) this.flush();
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    syncFile(this.walFile).then(
      () => batch.forEach((waiter) => waiter.resolve()),
      (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
    ).finally(() => {
      this.running = false;
      if (this.waiting.length > 0) this.flush();
    });
  }
}

async function syncFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // no WAL file: nothing written since SQLite checkpointed it into the database file, which
    // it syncs itself after every checkpoint
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class SqliteGroupCommit {
  private readonly runner: QueryRunner;
  private readonly manager: EntityManager;
  private readonly native: NativeConnection;
  private readonly prepared = new Map<string, { run(): unknown }>();
  /** Undefined for an in-memory database: nothing to make durable. */
  private readonly walSync: WalSync | undefined;

  constructor(source: DataSource) {
    const file = (source.options as { database: string }).database;
    this.walSync = file === ':memory:' ? undefined : new WalSync(`${file}-wal`);
    this.runner = source.createQueryRunner();
    this.manager = this.runner.manager;
    this.native = (source.driver as unknown as { databaseConnection: NativeConnection }).databaseConnection;
  }

  private exec(sql: string): void {
    let statement = this.prepared.get(sql);
    if (!statement) this.prepared.set(sql, (statement = this.native.prepare(sql)));
    try {
      statement.run();
    } catch (error) {
      throw new QueryFailedError(sql, [], error as Error);
    }
  }

  /** TypeORM's view of the runner while a group is open: in a transaction, one level deep. */
  private inTransaction(active: boolean): void {
    const runner = this.runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    runner.isTransactionActive = active;
    runner.transactionDepth = active ? 1 : 0;
  }

  /**
   * Commits the group, then settles each caller: its value, or its own error (its savepoint
   * rolled back, the others kept). An error that ends SQLite's whole transaction fails them all:
   * going on would write the rest outside any transaction. A group of one needs no savepoint.
   * Returns after the COMMIT, so the next group can start; the callers are settled once the WAL
   * is synced.
   */
  async commit(group: GroupTask[]): Promise<void> {
    const outcomes: Outcome[] = [];
    // IMMEDIATE: the write lock is taken at BEGIN. Every transaction here writes; begun deferred,
    // one that read first could not write after another instance on the same file had committed
    try {
      this.exec('BEGIN IMMEDIATE');
      this.inTransaction(true);
      if (group.length === 1) {
        outcomes.push({ ok: true, value: await group[0].work(this.manager) });
      } else {
        for (const task of group) {
          this.exec('SAVEPOINT group_task');
          try {
            const value = await task.work(this.manager);
            this.exec('RELEASE group_task');
            outcomes.push({ ok: true, value });
          } catch (error) {
            if (!this.native.inTransaction) throw new GroupLost(error);
            this.exec('ROLLBACK TO group_task');
            this.exec('RELEASE group_task');
            outcomes.push({ ok: false, error });
          }
        }
      }
      this.exec('COMMIT');
    } catch (error) {
      if (this.native.inTransaction) this.exec('ROLLBACK');
      const reason = error instanceof GroupLost ? error.reason : error;
      for (const task of group) task.reject(reason);
      return;
    } finally {
      this.inTransaction(false);
    }
    const settle = () =>
      group.forEach((task, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) task.resolve(outcome.value);
        else task.reject(outcome.error);
      });
    if (!this.walSync) return settle();
    // committed but not known to be on disk: no caller may act as if it were
    void this.walSync.afterCommit().then(settle, (error: unknown) => group.forEach((task) => task.reject(error)));
  }
}
