import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Database } from '../entities/database';
import { csvTable, isCsvUpload, readBodyText, type CsvTableShape } from './csv';
import { ApiError } from './http';
import { driverCode, isUniqueViolation } from '../entities/errors';

/**
 * The one import engine of the admin API (staff and stores, housekeepers, contracts): an upload
 * read as a spreadsheet saved as CSV or as JSON, every row checked and reported on its own (a bad
 * row never stops the good ones), and the good rows written in transactions of IMPORT_BATCH_ROWS
 * rows, so a large import does not hold the (SQLite) write queue for minutes. A batch the database
 * refuses (a row written at the same moment by someone else) is rolled back and done again one row
 * per transaction, so only the row at fault is lost; a database that refuses row after row stops
 * the import with a 503 instead of reporting every row.
 */

export const IMPORT_MAX_ROWS = 100_000;
const IMPORT_BATCH_ROWS = 500;
const PROGRESS_EVERY_ROWS = 1000;
/** This many rows refused by the database one after another means the database is the problem, not the rows. */
const IMPORT_MAX_FAILED_IN_A_ROW = 20;

// ---------------------------------------------------------------- the upload

/** One uploaded row: its number as the spreadsheet shows it (or its place in the JSON list, from 1), its fields, or why it cannot be read. */
export interface ImportRow {
  row: number;
  fields: unknown;
  problem?: string;
}

/** The upload as text, and whether it is CSV (else JSON); `expected` is the 415 message for anything else. */
export async function readUpload(ctx: Context, limitBytes: number, expected: string): Promise<{ csv: boolean; text: string }> {
  const csv = isCsvUpload(ctx, expected);
  return { csv, text: await readBodyText(ctx, limitBytes) };
}

/** The data rows of a CSV upload, numbered as the spreadsheet numbers them; 413 beyond IMPORT_MAX_ROWS. */
export function csvImportRows(text: string, shape: CsvTableShape): ImportRow[] {
  return capped(csvTable(text, shape));
}

/** A JSON list of rows, numbered from 1; 413 beyond IMPORT_MAX_ROWS. */
export function jsonImportRows(list: unknown[]): ImportRow[] {
  return capped(list.map((fields, i) => ({ row: i + 1, fields })));
}

function capped(rows: ImportRow[]): ImportRow[] {
  if (rows.length > IMPORT_MAX_ROWS) throw new ApiError(413, `more than ${IMPORT_MAX_ROWS} rows: split the file`);
  return rows;
}

// ---------------------------------------------------------------- the report

export type Outcome = 'created' | 'updated' | 'unchanged';

/** A refused row, named by its number and, where it has one, its key (`K`: code, number, wecomUserId). */
export type Rejected<K extends string> = { row: number; reason: string } & { [key in K]?: string };

export interface ImportCounts<K extends string> {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Rejected<K>[];
}

export type RowResult<K extends string> = { outcome: Outcome } | { rejected: Rejected<K> };

export function rejectedRow<K extends string>(row: number, keyName: K, key: string | undefined, problems: string[]): { rejected: Rejected<K> } {
  return { rejected: { row, ...(key ? { [keyName]: key } : {}), reason: problems.join('; ') } as Rejected<K> };
}

function tally<K extends string>(counts: ImportCounts<K>, result: RowResult<K>): void {
  if ('rejected' in result) counts.rejected.push(result.rejected);
  else counts[result.outcome]++;
}

// ---------------------------------------------------------------- what a batch may remember

/**
 * A cache that an import batch writes into provisionally: `set` is seen by the rest of the batch,
 * `commit` keeps it once the batch's transaction committed, `discard` forgets it after a rollback.
 * `null` means "known not to exist".
 */
export class Cache<V> {
  private readonly base = new Map<string, V | null>();
  private readonly pending = new Map<string, V | null>();

  has(key: string): boolean {
    return this.pending.has(key) || this.base.has(key);
  }

  get(key: string): V | null | undefined {
    return this.pending.has(key) ? this.pending.get(key) : this.base.get(key);
  }

  /** A fact read from the database. */
  known(key: string, value: V | null): void {
    this.base.set(key, value);
  }

  /** A write of the current transaction. */
  set(key: string, value: V | null): void {
    this.pending.set(key, value);
  }

  commit(): void {
    for (const [key, value] of this.pending) this.base.set(key, value);
    this.pending.clear();
  }

  discard(): void {
    this.pending.clear();
  }
}

// ---------------------------------------------------------------- the run

/** A row with its key (where it gives one): `P` is what the importer made of it before any transaction. */
export interface KeyedRow {
  row: number;
  key?: string;
}

export interface ImportJob<P extends KeyedRow, K extends string> {
  /** Its name in the log lines (`import: contracts`). */
  name: string;
  keyName: K;
  rows: P[];
  /** Reads a batch needs, inside its transaction, before its first row. */
  beforeBatch?(manager: EntityManager, batch: P[]): Promise<void>;
  /** One row inside the batch's transaction: written, or refused with its reasons. */
  one(manager: EntityManager, row: P): Promise<RowResult<K>>;
  /** The batch committed: keep what it remembered. */
  committed?(): void;
  /** The batch was rolled back: forget what it remembered. */
  rolledBack?(): void;
  /** More fields for the closing log line. */
  finishedLog?: Record<string, unknown>;
}

export async function runImport<P extends KeyedRow, K extends string>(db: Database, log: Logger, job: ImportJob<P, K>): Promise<{ total: number } & ImportCounts<K>> {
  const { name, rows } = job;
  const report: { total: number } & ImportCounts<K> = { total: rows.length, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const batchOf = (batch: P[]) =>
    db.write(async (manager) => {
      await job.beforeBatch?.(manager, batch);
      const results: RowResult<K>[] = [];
      for (const row of batch) results.push(await job.one(manager, row));
      return results;
    });
  log.info({ import: name, total: rows.length }, 'import started');
  let done = 0;
  let failedInARow = 0;
  for (let start = 0; start < rows.length; start += IMPORT_BATCH_ROWS) {
    const batch = rows.slice(start, start + IMPORT_BATCH_ROWS);
    try {
      const results = await batchOf(batch);
      job.committed?.();
      for (const result of results) tally(report, result);
    } catch (error) {
      job.rolledBack?.();
      log.warn({ import: name, firstRow: batch[0].row, code: driverCode(error) }, 'import batch failed: retrying its rows one by one');
      for (const row of batch) {
        try {
          const [result] = await batchOf([row]);
          job.committed?.();
          tally(report, result);
          failedInARow = 0;
        } catch (rowError) {
          job.rolledBack?.();
          if (++failedInARow >= IMPORT_MAX_FAILED_IN_A_ROW) {
            log.error({ import: name, row: row.row, code: driverCode(rowError), done }, 'import stopped: the database refuses every row');
            throw new ApiError(503, `import stopped at row ${row.row}: the database refused ${IMPORT_MAX_FAILED_IN_A_ROW} rows in a row. Rows before it were saved; importing the file again is safe`);
          }
          const reason = isUniqueViolation(rowError) ? 'written at the same time by someone else: import this row again' : 'could not be saved (database error)';
          log.error({ import: name, row: row.row, code: driverCode(rowError) }, 'import row failed');
          tally(report, rejectedRow(row.row, job.keyName, row.key, [reason]));
        }
      }
    }
    const before = done;
    done += batch.length;
    if (Math.floor(done / PROGRESS_EVERY_ROWS) > Math.floor(before / PROGRESS_EVERY_ROWS)) log.info({ import: name, done, total: rows.length }, 'import progress');
  }
  report.rejected.sort((a, b) => a.row - b.row);
  const { total, created, updated, unchanged } = report;
  log.info({ import: name, ...job.finishedLog, total, created, updated, unchanged, rejected: report.rejected.length }, 'import finished');
  return report;
}
