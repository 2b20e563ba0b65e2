import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { Column, Entity, PrimaryColumn, type DataSource, type EntityManager } from 'typeorm';

/** Counters for human-readable numbers (TS202611260001): one row per prefix and day. */
@Entity('sequence')
export class Sequence {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'integer', default: 0 })
  value: number;
}

/** MySQL/MariaDB: each data source's own small pool for taking numbers, outside its transactions. */
const counterPools = new WeakMap<DataSource, Pool>();

export function useCounterPool(source: DataSource, pool: Pool): void {
  counterPools.set(source, pool);
}

/**
 * The next value of a counter, unique across every instance on the database; a value taken by
 * work that is then rolled back is simply never used (numbers may have gaps, never twins).
 *
 * MySQL/MariaDB: one autocommitted statement on a connection of its own, so the counter's row is
 * locked for that statement only — never for the length of the handler that asked (the day's row
 * was the hot lock every case and lead of the day queued on). LAST_INSERT_ID(expr) hands the new
 * value back in the statement's own reply, so no second read. The pool is the counter's own:
 * taken from the handlers' pool, ten handlers holding its ten connections would wait for an
 * eleventh forever.
 *
 * SQLite: one upsert … RETURNING inside the caller's transaction. SQLite has no row locks (the
 * writer holds the whole file, and the process's writes are queued one commit at a time), so
 * there is no hot row to release, and its one connection cannot run a second transaction beside
 * the caller's.
 */
export const counters = {
  async next(manager: EntityManager, name: string): Promise<number> {
    const pool = counterPools.get(manager.connection);
    if (pool) {
      const [result] = await pool.query<ResultSetHeader>(
        'INSERT INTO `sequence` (`name`, `value`) VALUES (?, LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE `value` = LAST_INSERT_ID(`value` + 1)',
        [name],
      );
      return Number(result.insertId);
    }
    if (manager.connection.options.type === 'mysql' || manager.connection.options.type === 'mariadb') throw new Error('no counter pool for this MySQL data source');
    const rows = (await manager.query('INSERT INTO "sequence" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1 RETURNING "value"', [name])) as { value: number }[];
    return Number(rows[0].value);
  },
};
