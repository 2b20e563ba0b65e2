import type { EntityManager } from 'typeorm';
import { Sequence } from '../../entities';
import { dayKey } from '../calendar';

/**
 * The next human-readable number of the day: TS202611260001. The counter row is updated inside
 * the caller's transaction, so two instances never hand out the same number.
 *
 * One upsert statement, never "UPDATE, and INSERT if nothing was updated": on MariaDB/MySQL
 * (REPEATABLE READ) an UPDATE that finds no row takes a gap lock, two transactions that both
 * miss the day's row then both INSERT into that gap, and InnoDB resolves the deadlock by rolling
 * back one transaction as a whole. Catching that error and carrying on (as this function once
 * did) left the handler writing in autocommit mode: everything it had written before — the new
 * customer row — was gone, while the case written after it committed and pointed at a customer
 * that no longer existed (issue 18).
 */
export async function nextNumber(db: EntityManager, prefix: 'TS' | 'XS', now: number, timeZone: string): Promise<string> {
  const name = `${prefix}${dayKey(now, timeZone)}`;
  const mysql = db.connection.options.type === 'mysql' || db.connection.options.type === 'mariadb';
  await db.query(
    mysql
      ? 'INSERT INTO `sequence` (`name`, `value`) VALUES (?, 1) ON DUPLICATE KEY UPDATE `value` = `value` + 1'
      : 'INSERT INTO "sequence" ("name", "value") VALUES (?, 1) ON CONFLICT ("name") DO UPDATE SET "value" = "value" + 1',
    [name],
  );
  // the row is locked by this transaction now: the value read is the one it just set
  const { value } = await db.findOneByOrFail(Sequence, { name });
  return `${name}${String(value).padStart(4, '0')}`;
}

