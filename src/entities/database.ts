import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { driverCode } from './errors';
import { createConnection, createPool, type Pool } from 'mysql2/promise';
import { DataSource, EventSubscriber, type EntityManager, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';
import type { AfterQueryEvent, BeforeQueryEvent } from 'typeorm/subscriber/event/QueryEvent';
import type { TransactionRollbackEvent } from 'typeorm/subscriber/event/TransactionRollbackEvent';
import type { Database as DatabaseConfig } from '../../config';
import { ENTITIES, MIGRATIONS } from './index';
import { useCounterPool } from './sequence';
import { SqliteGroupCommit, type GroupTask } from './sqlite-group';

/**
 * The data source and the one way to write.
 *
 * TypeORM's SQLite drivers share a single connection: two transactions open at once would nest
 * (the second becomes a SAVEPOINT of the first) and a write outside a transaction would join
 * whichever one is open. So on SQLite every write goes through one queue per database file,
 * shared by every data source in the process. MySQL uses real pooled transactions.
 */

export type Priority = 'urgent' | 'normal';

type Work<T> = (manager: EntityManager) => Promise<T>;

interface Task {
  /** A transaction's work, which may share a commit with its neighbours; or a statement run alone. */
  work?: Work<unknown>;
  solo?: () => Promise<unknown>;
  source?: DataSource;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most transactions in one commit: the first store of a group waits for the work of all of them. */
const GROUP_URGENT = 64;
const GROUP_NORMAL = 16;

/**
 * One SQLite file's writes, one commit at a time, with an urgent lane: storing an inbound message
 * (which must happen before WeChat's 5 s are up) goes ahead of handler transactions already
 * waiting.
 *
 * Group commit: making a commit durable costs an fsync of the WAL (0.2-3 ms on this machine's
 * disk, more than the work of a transaction), so the transactions that queued up while the
 * previous commit ran are committed together: one BEGIN, each one's work inside its own SAVEPOINT
 * (a failing one is rolled back to it alone and its caller gets its error), one COMMIT, one fsync
 * on the thread pool (sqlite-group.ts) — and only then is any of them resolved, so no message is
 * acknowledged before its own row is on disk.
 */
class WriteQueue {
  private readonly lanes: Record<Priority, Task[]> = { urgent: [], normal: [] };
  private running = false;

  push<T>(task: Omit<Task, 'resolve' | 'reject'>, priority: Priority): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lanes[priority].push({ ...task, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        // started after the event loop's current I/O round: better-sqlite3 answers synchronously,
        // so a transaction started at once would run to its COMMIT before any other request
        // arriving with it had been read, and no commit would ever be shared
        this.running = true;
        setImmediate(() => void this.pump());
      }
    });
  }

  private async pump(): Promise<void> {
    for (let group = this.take(); group.length > 0; group = this.take()) {
      const [first] = group;
      if (first.solo) await first.solo().then(first.resolve, first.reject);
      else await commitTogether(first.source!, group);
      // back to the event loop between groups: SQLite answers synchronously, so without this the
      // queue, refilled by the work each commit resolves, ran on in microtasks and no socket was
      // read for seconds under load (issue 17: requests of 8 s at p99 with a median of 200 ms);
      // the requests read meanwhile join the next group
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.running = false;
  }

  /** The next task, and after a transaction the transactions of the same data source queued behind it. */
  private take(): Task[] {
    const head = this.lanes.urgent[0] ?? this.lanes.normal[0];
    if (!head) return [];
    if (head.solo) return [(this.lanes.urgent.length ? this.lanes.urgent : this.lanes.normal).shift()!];
    const group: Task[] = [];
    for (const [lane, most] of [
      [this.lanes.urgent, GROUP_URGENT],
      [this.lanes.normal, GROUP_NORMAL],
    ] as const) {
      let taken = 0;
      while (taken < most && lane.length > 0 && lane[0].work && lane[0].source === head.source) {
        group.push(lane.shift()!);
        taken++;
      }
      if (lane.length > 0 && taken < most) break; // a statement or another data source: keep the order
    }
    return group;
  }
}

/** The group commit of each SQLite data source (sqlite-group.ts). */
const groupCommits = new WeakMap<DataSource, SqliteGroupCommit>();

function commitTogether(source: DataSource, group: Task[]): Promise<void> {
  let groupCommit = groupCommits.get(source);
  if (!groupCommit) groupCommits.set(source, (groupCommit = new SqliteGroupCommit(source)));
  return groupCommit.commit(group as GroupTask[]);
}

const sqliteQueues = new Map<string, WriteQueue>();

function queueOf(file: string): WriteQueue {
  let queue = sqliteQueues.get(file);
  if (!queue) {
    queue = new WriteQueue();
    sqliteQueues.set(file, queue);
  }
  return queue;
}

/**
 * MySQL/MariaDB end a transaction on their own when it is chosen as a deadlock victim: the whole
 * transaction is rolled back and the connection goes on in autocommit mode. Code that catches
 * that error and carries on would then write outside any transaction — each later statement
 * committed on its own, the final COMMIT committing nothing — so half of the work is gone and the
 * other half kept (issue 18: a customer row rolled back, its case committed). So once a statement
 * of a transaction has failed that way, every further statement on it is refused (the COMMIT
 * too) until TypeORM's ROLLBACK, and the error reaches the caller of `write`.
 */
const TRANSACTION_ENDING_ERRORS = new Set(['ER_LOCK_DEADLOCK']);
const LOST = Symbol('transaction lost');
type MarkedRunner = QueryRunner & { [LOST]?: Error };

function endsTransaction(error: unknown): boolean {
  return TRANSACTION_ENDING_ERRORS.has(driverCode(error) ?? '');
}

/** Thrown instead of running a statement on a transaction the server had already rolled back. */
export class TransactionLostError extends Error {
  readonly code = 'ER_LOCK_DEADLOCK';
  constructor(readonly reason: Error) {
    super(`the transaction was rolled back by the database (${reason.message}); nothing of it was kept`);
  }
}

@EventSubscriber()
class TransactionGuard implements EntitySubscriberInterface {
  beforeQuery(event: BeforeQueryEvent): void {
    const lost = (event.queryRunner as MarkedRunner)[LOST];
    if (lost && !/^\s*ROLLBACK\b/i.test(event.query)) throw new TransactionLostError(lost);
  }

  afterQuery(event: AfterQueryEvent): void {
    const runner = event.queryRunner as MarkedRunner;
    if (!event.success && runner.isTransactionActive && endsTransaction(event.error)) runner[LOST] ??= event.error as Error;
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete (event.queryRunner as MarkedRunner)[LOST];
  }
}

/** A deadlock victim is run again from the start, as MySQL's manual asks; a few times at most. */
const DEADLOCK_ATTEMPTS = 4;

/**
 * TypeORM reads MariaDB's information_schema differently from MySQL's (DEFAULT NULL is reported
 * as the string 'NULL'), and only knows which one it talks to from the `type` option.
 */
async function serverFlavour(url: string): Promise<'mysql' | 'mariadb'> {
  const connection = await createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5000 });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return /mariadb/i.test(String((rows as { version: string }[])[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * TypeORM's SQLite driver writes every number parameter into the SQL text (`"id" = 5731`), so
 * nearly every statement is a new string to SQLite: prepared again, and pushing the prepared
 * statements that repeat out of the driver's cache (5,000 distinct strings for 300 messages, about
 * a tenth of the CPU a message cost). Integers are bound instead, as 64-bit integers — exactly
 * what the literal was, so comparisons and the values stored are the same; other numbers are left
 * to the driver.
 */
function bindIntegers(source: DataSource): void {
  type Escape = (sql: string, parameters: Record<string, unknown>, native: Record<string, unknown>) => [string, unknown[]];
  const driver = source.driver as unknown as { escapeQueryWithParameters: Escape };
  const original: Escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters, native) => {
    if (!parameters) return original(sql, parameters, native);
    const bound: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parameters)) bound[key] = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
    return original(sql, bound, native);
  };
}

export interface OpenOptions {
  /** Run pending migrations on open (production start, tests). */
  migrate?: boolean;
  /** Log SQL (debugging only). */
  logging?: boolean;
}

export class Database {
  private constructor(readonly source: DataSource, readonly config: DatabaseConfig, private readonly counterPool?: Pool) {}

  static async open(config: DatabaseConfig, options: OpenOptions = {}): Promise<Database> {
    const common = { entities: ENTITIES, migrations: MIGRATIONS, subscribers: [TransactionGuard], logging: options.logging ?? false, synchronize: false };
    let source: DataSource;
    if (config.kind === 'sqlite') {
      if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
      source = new DataSource({
        type: 'better-sqlite3',
        database: config.file,
        enableWAL: config.file !== ':memory:',
        timeout: 10_000,
        // every shape of statement the bot runs stays prepared (with bindIntegers, below)
        statementCacheSize: 1000,
        ...common,
      });
    } else {
      source = new DataSource({
        type: await serverFlavour(config.url),
        url: config.url.replace(/^mariadb:/, 'mysql:'),
        charset: 'utf8mb4_unicode_ci',
        supportBigNumbers: true,
        bigNumberStrings: false,
        poolSize: 10,
        // mysql2 captures a stack trace at every call to lengthen its errors' stacks: 3.5 % of the
        // bot's CPU under load on MariaDB (bench profile); an error still says what and where in SQL
        trace: false,
        ...common,
      });
    }
    if (config.kind === 'sqlite') bindIntegers(source);
    await source.initialize();
    // SQLite ignores foreign keys unless each connection asks for them; TypeORM's driver does for
    // its one connection, and this says so where it matters (issue 18: no record points nowhere)
    if (config.kind === 'sqlite') await source.query('PRAGMA foreign_keys = ON');
    // WAL (readers never wait for the writer) and NORMAL: a COMMIT does not wait for the disk,
    // and the group commit fsyncs the WAL on the thread pool before it settles any of its
    // transactions (sqlite-group.ts), so a message acknowledged to the platform survives a power
    // cut as with FULL, without the fsync blocking the event loop.
    if (config.kind === 'sqlite' && config.file !== ':memory:') await source.query('PRAGMA synchronous = NORMAL');
    // numbers of the day are taken on connections of their own (src/entities/sequence.ts)
    let counterPool: Pool | undefined;
    if (config.kind !== 'sqlite') {
      counterPool = createPool({ uri: config.url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 2, supportBigNumbers: true, trace: false });
      useCounterPool(source, counterPool);
    }
    const database = new Database(source, config, counterPool);
    if (options.migrate) await database.migrate();
    return database;
  }

  get kind(): DatabaseConfig['kind'] {
    return this.config.kind;
  }

  async migrate(): Promise<string[]> {
    const done = await this.serial(() => this.source.runMigrations({ transaction: 'each' }));
    return done.map((migration) => migration.name);
  }

  async undoLastMigration(): Promise<void> {
    await this.serial(() => this.source.undoLastMigration({ transaction: 'each' }));
  }

  /** Reads that need no transaction. */
  get reader(): EntityManager {
    return this.source.manager;
  }

  /**
   * All writes: one transaction, committed or rolled back as a whole. `work` may run more than
   * once: a transaction MySQL rolled back to break a deadlock is started over (it left nothing
   * behind), so `work` must keep its results inside the transaction or in what it returns.
   */
  async write<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.config.kind === 'sqlite'
          ? await queueOf(this.config.file).push<T>({ work: work as Work<unknown>, source: this.source }, priority)
          : await this.source.transaction(work);
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || !endsTransaction(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * One statement: on MySQL in autocommit; on SQLite a transaction of its own that may share a
   * group commit with its neighbours (rather than an fsync of its own).
   */
  statement<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    return this.config.kind === 'sqlite' ? this.write(work, priority) : work(this.source.manager);
  }

  /** One statement that must not interleave with an open SQLite transaction. */
  serial<T>(task: () => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    return this.config.kind === 'sqlite' ? queueOf(this.config.file).push<T>({ solo: task }, priority) : task();
  }

  async ping(): Promise<void> {
    await this.source.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.source.isInitialized) await this.source.destroy();
    const pool = this.counterPool;
    if (pool && !(pool as Pool & { _closed?: boolean })._closed) await pool.end();
  }
}
