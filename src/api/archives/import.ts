import Router from '@koa/router';
import type { Context } from 'koa';
import { ADMIN_ACTOR } from '../audit';
import { ApiError } from '../http';
import { csvImportRows, jsonImportRows, readUpload, rejectedRow, runImport, type ImportRow } from '../import';
import { isObject, parseJson } from '../upsert';
import type { ArchiveKind, Archives } from './archive';
import { Lookups } from './lookups';

/**
 * `POST /api/import/housekeepers` and `/api/import/contracts`: upsert by code / number from a
 * spreadsheet saved as CSV or from JSON `{ rows: [...] }`, through the one import engine (../import):
 * one report line per refused row, the good rows saved in batches.
 */

/** 50,000 contracts are about 5 MB as CSV. */
const IMPORT_LIMIT_BYTES = 16 * 1024 * 1024;

/** A row checked without the database: its key (code / number), its fields, or why it is refused. */
interface Prepared<I> {
  row: number;
  key?: string;
  input?: I;
  problems: string[];
}

function jsonRows(text: string): ImportRow[] {
  const body = parseJson(text, 'a JSON object { rows: [...] }');
  if (!isObject(body)) throw new ApiError(400, 'the body must be a JSON object { rows: [...] }');
  const extra = Object.keys(body).filter((k) => k !== 'rows');
  if (extra.length) throw new ApiError(400, `unknown field: ${extra[0].slice(0, 40)} (expected rows)`);
  if (!Array.isArray(body.rows)) throw new ApiError(400, 'rows must be a list');
  return jsonImportRows(body.rows);
}

/** Checks an uploaded row without the database: its fields one by one, and that it gives its key. */
function prepareRow<I, E extends { id: number }>(kind: ArchiveKind<I, E>, { row, fields, problem }: ImportRow, today: string): Prepared<I> {
  const problems = problem ? [problem] : [];
  if (!isObject(fields)) return { row, problems: [`a ${kind.noun} must be an object`] };
  const input = kind.parse(fields, problems, today);
  if (fields[kind.keyName] === undefined) problems.push(`${kind.keyName} missing`);
  return { row, key: kind.key(input), input, problems };
}

export async function importArchives<I, E extends { id: number }>(ax: Archives, ctx: Context, kind: ArchiveKind<I, E>, actor = ADMIN_ACTOR): Promise<void> {
  const { db, log } = ax;
  const { csv, text } = await readUpload(ctx, IMPORT_LIMIT_BYTES, 'send CSV (text/csv) or JSON { rows: [...] } (application/json)');
  const rows = csv ? csvImportRows(text, kind.csv) : jsonRows(text);
  const day = ax.today();
  const prepared = rows.map((row) => prepareRow(kind, row, day));
  const lookups = await Lookups.load(db.reader);
  await kind.preloadImport?.(db.reader, lookups);
  const { keyName } = kind;
  ctx.body = await runImport(db, log, {
    name: kind.path,
    keyName,
    rows: prepared,
    beforeBatch: (manager, batch) => kind.preloadBatch(manager, lookups, batch),
    one: async (manager, { row, key, input, problems }) => {
      const reasons = [...problems];
      const earlier = key ? lookups.seen.get(key) : undefined;
      if (key && earlier) reasons.push(`${keyName} ${key} already appears in row ${earlier}`);
      if (reasons.length || !input || !key) return rejectedRow(row, keyName, key, reasons);
      const existing = await kind.find(manager, lookups, key);
      const saved = await kind.save(ax.session(manager, lookups, 'import', actor), existing, input, reasons);
      if (!saved) return rejectedRow(row, keyName, key, reasons);
      lookups.seen.set(key, row);
      return { outcome: saved.outcome };
    },
    committed: () => lookups.commit(),
    rolledBack: () => lookups.discard(),
    finishedLog: { audit: `${kind.path}_imported`, by: actor },
  });
}

export function importRoutes<H extends { id: number }, C extends { id: number }>(ax: Archives, housekeepers: ArchiveKind<unknown, H>, contracts: ArchiveKind<unknown, C>): Router {
  const router = new Router();
  router.post('/import/housekeepers', (ctx) => importArchives(ax, ctx, housekeepers));
  router.post('/import/contracts', (ctx) => importArchives(ax, ctx, contracts));
  return router;
}
