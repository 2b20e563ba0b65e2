import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource, EventSubscriber, type EntityManager, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';
import type { AfterQueryEvent, BeforeQueryEvent } from 'typeorm/subscriber/event/QueryEvent';
import type { TransactionRollbackEvent } from 'typeorm/subscriber/event/TransactionRollbackEvent';
import type { Database as DatabaseConfig } from '../../config';
import { ENTITIES, MIGRATIONS } from './index';

/**
 * The data source and the one way to write.
 *
 * TypeORM's SQLite drivers share a single connection: two transactions open at once would nest
 * (the second becomes a SAVEPOINT of the first) and a write outside a transaction would join
 * whichever one is open. So on SQLite every write goes through one queue per database file,
 * shared by every data source in the process. MySQL uses real pooled transactions.
 */

export type Priority = 'urgent' | 'normal';

/**
 * One SQLite file's writes, one at a time, with an urgent lane: storing an inbound message (which
 * must happen before WeChat's 5 s are up) goes ahead of handler transactions already waiting.
 */
class WriteQueue {
  private readonly lanes: Record<Priority, (() => Promise<void>)[]> = { urgent: [], normal: [] };
  private running = false;

  push<T>(task: () => Promise<T>, priority: Priority): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lanes[priority].push(() => task().then(resolve, reject));
      if (!this.running) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.running = true;
    for (let next = this.take(); next; next = this.take()) await next();
    this.running = false;
  }

  private take(): (() => Promise<void>) | undefined {
    return this.lanes.urgent.shift() ?? this.lanes.normal.shift();
  }
}

const sqliteQueues = new Map<string, WriteQueue>();

function serialised<T>(file: string, task: () => Promise<T>, priority: Priority): Promise<T> {
  let queue = sqliteQueues.get(file);
  if (!queue) {
    queue = new WriteQueue();
    sqliteQueues.set(file, queue);
  }
  return queue.push(task, priority);
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
  const err = error as { code?: string; driverError?: { code?: string } } | undefined;
  return TRANSACTION_ENDING_ERRORS.has(err?.driverError?.code ?? err?.code ?? '');
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

export interface OpenOptions {
  /** Run pending migrations on open (production start, tests). */
  migrate?: boolean;
  /** Log SQL (debugging only). */
  logging?: boolean;
}

export class Database {
  private constructor(readonly source: DataSource, readonly config: DatabaseConfig) {}

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
        ...common,
      });
    }
    await source.initialize();
    // SQLite ignores foreign keys unless each connection asks for them; TypeORM's driver does for
    // its one connection, and this says so where it matters (issue 18: no record points nowhere)
    if (config.kind === 'sqlite') await source.query('PRAGMA foreign_keys = ON');
    const database = new Database(source, config);
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
        return await this.serial(() => this.source.transaction(work), priority);
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || !endsTransaction(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /** One statement that must not interleave with an open SQLite transaction. */
  serial<T>(task: () => Promise<T>, priority: Priority = 'normal'): Promise<T> {
    return this.config.kind === 'sqlite' ? serialised(this.config.file, task, priority) : task();
  }

  async ping(): Promise<void> {
    await this.source.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.source.isInitialized) await this.source.destroy();
  }
}
