import type { EntityManager } from 'typeorm';
import { counters } from '../../entities/sequence';
import { dayKey } from '../calendar';

/**
 * The next human-readable number of the day: TS202611260001. The day's counter is taken by
 * `counters.next` (src/entities/sequence.ts): unique across instances, one statement, and on
 * MariaDB/MySQL outside the caller's transaction, so no case or lead holds the day's row while its
 * handler runs (issue 17). A handler that fails after taking a number leaves a gap in the day's
 * numbers, never a duplicate.
 *
 * Never "UPDATE, and INSERT if nothing was updated": on MariaDB/MySQL (REPEATABLE READ) an UPDATE
 * that finds no row takes a gap lock, two transactions that both miss the day's row then both
 * INSERT into that gap, and InnoDB resolves the deadlock by rolling back one transaction as a
 * whole (issue 18).
 */
export async function nextNumber(db: EntityManager, prefix: 'TS' | 'XS', now: number, timeZone: string): Promise<string> {
  const name = `${prefix}${dayKey(now, timeZone)}`;
  const value = await counters.next(db, name);
  return `${name}${String(value).padStart(4, '0')}`;
}
