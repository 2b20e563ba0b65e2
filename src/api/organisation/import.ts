import Router from '@koa/router';
import type { EntityManager } from 'typeorm';
import { Staff } from '../../entities/staff';
import { ADMIN_ACTOR } from '../audit';
import { ApiError } from '../http';
import { Cache, csvImportRows, jsonImportRows, readUpload, rejectedRow, runImport, type ImportCounts, type ImportRow, type Outcome } from '../import';
import { isObject, parseJson, requireFields } from '../upsert';
import { logChanges, type Change, type Organisation, type OrganisationSession } from './changes';
import { parseStaffFields, parseStoreFields, STAFF_CSV } from './fields';
import { findStaff, resolveStaff, saveStaff } from './staff';
import { saveStore, StoreBook } from './stores';

/**
 * `POST /api/import/staff`: stores, then staff, from JSON `{ stores?: [...], staff: [...] }` or
 * staff from a spreadsheet saved as CSV, upserted by store code and WeCom UserID through the one
 * import engine (../import): one report line per refused row, the good rows saved in batches.
 */

const BODY_LIMIT_BYTES = 1024 * 1024;

function jsonRows(body: unknown): { stores: ImportRow[]; staff: ImportRow[] } {
  if (!isObject(body)) throw new ApiError(400, 'the body must be a JSON object { stores?: [...], staff: [...] }');
  const extra = Object.keys(body).filter((k) => k !== 'stores' && k !== 'staff');
  if (extra.length) throw new ApiError(400, `unknown field: ${extra[0].slice(0, 40)} (expected stores and staff)`);
  if (body.stores !== undefined && !Array.isArray(body.stores)) throw new ApiError(400, 'stores must be a list');
  if (body.staff !== undefined && !Array.isArray(body.staff)) throw new ApiError(400, 'staff must be a list');
  if (body.stores === undefined && body.staff === undefined) throw new ApiError(400, 'staff missing: give a list of staff (and optionally stores)');
  return { stores: jsonImportRows((body.stores as unknown[] | undefined) ?? []), staff: jsonImportRows((body.staff as unknown[] | undefined) ?? []) };
}

/** A saved row changed something if it is new or its save recorded a change. */
const outcomeOf = (existing: object | null, changes: Change[]): Outcome => (!existing ? 'created' : changes.length ? 'updated' : 'unchanged');

/** What the rows of one kind (stores or staff) share while they are imported batch by batch. */
class Batches {
  /** The store book of the batch's transaction (stores are few: loaded whole for each batch). */
  book!: StoreBook;
  /** Keys of rows already taken, by row: kept only once their batch has committed. */
  readonly seen = new Cache<number>();
  private pending: Change[] = [];

  constructor(private readonly org: Organisation) {}

  async begin(manager: EntityManager): Promise<OrganisationSession> {
    this.book = await StoreBook.load(manager);
    return { manager, now: this.org.clock(), via: 'import' };
  }

  changed(changes: Change[]): void {
    this.pending.push(...changes);
  }

  committed(): void {
    this.seen.commit();
    logChanges(this.org.log, this.pending, 'import');
    this.pending = [];
  }

  rolledBack(): void {
    this.seen.discard();
    this.pending = [];
  }
}

async function importStores(org: Organisation, rows: ImportRow[]): Promise<ImportCounts<'code'>> {
  const state = new Batches(org);
  let session: OrganisationSession;
  const job = {
    name: 'stores',
    keyName: 'code' as const,
    rows: rows.map((r) => ({ ...r, key: isObject(r.fields) && typeof r.fields.code === 'string' ? r.fields.code.trim() : undefined })),
    beforeBatch: async (manager: EntityManager) => {
      session = await state.begin(manager);
    },
    one: async (_manager: EntityManager, { row, fields: raw }: ImportRow) => {
      if (!isObject(raw)) return rejectedRow(row, 'code', undefined, ['a store must be an object']);
      const problems: string[] = [];
      const fields = parseStoreFields(raw, problems);
      const code = fields.code;
      requireFields(raw, ['code'], problems);
      const existing = code ? (state.book.byCode(code) ?? null) : null;
      if (!existing && code) requireFields(raw, ['name', 'districts'], problems);
      const earlier = code ? state.seen.get(code.toLowerCase()) : undefined;
      if (earlier) problems.push(`code ${code} already appears in row ${earlier}`);
      const defaultRow = state.seen.get('\0default');
      if (fields.isDefault && defaultRow) problems.push(`only one store can be the default: row ${defaultRow} already is`);
      if (problems.length) return rejectedRow(row, 'code', code, problems);
      state.seen.set(code!.toLowerCase(), row);
      if (fields.isDefault) state.seen.set('\0default', row);
      const saved = await saveStore(session, state.book, existing, fields);
      state.changed(saved.changes);
      return { outcome: outcomeOf(existing, saved.changes) };
    },
    committed: () => state.committed(),
    rolledBack: () => state.rolledBack(),
  };
  return runImport(org.db, org.log, job);
}

async function importStaff(org: Organisation, rows: ImportRow[]): Promise<ImportCounts<'wecomUserId'>> {
  const state = new Batches(org);
  let session: OrganisationSession;
  const job = {
    name: 'staff',
    keyName: 'wecomUserId' as const,
    rows: rows.map((r) => ({ ...r, key: isObject(r.fields) && typeof r.fields.wecomUserId === 'string' ? r.fields.wecomUserId.trim() : undefined })),
    beforeBatch: async (manager: EntityManager) => {
      session = await state.begin(manager);
    },
    one: async (_manager: EntityManager, { row, fields: raw, problem }: ImportRow) => {
      if (!isObject(raw)) return rejectedRow(row, 'wecomUserId', undefined, ['a member of staff must be an object']);
      const problems: string[] = problem ? [problem] : [];
      const fields = parseStaffFields(raw, problems);
      const userId = fields.wecomUserId;
      requireFields(raw, ['wecomUserId'], problems);
      const key = userId?.toLowerCase();
      const existing: Staff | null = userId ? await findStaff(session.manager, userId) : null;
      if (!existing && key) requireFields(raw, ['name', 'roles'], problems);
      const earlier = key ? state.seen.get(key) : undefined;
      if (earlier) problems.push(`wecomUserId ${userId} already appears in row ${earlier}`);
      const wanted = resolveStaff(fields, state.book, problems);
      if (problems.length) return rejectedRow(row, 'wecomUserId', userId, problems);
      state.seen.set(key!, row);
      const saved = await saveStaff(session, existing, wanted);
      state.changed(saved.changes);
      return { outcome: outcomeOf(existing, saved.changes) };
    },
    committed: () => state.committed(),
    rolledBack: () => state.rolledBack(),
  };
  return runImport(org.db, org.log, job);
}

const counts = <K extends string>({ created, updated, unchanged, rejected }: ImportCounts<K>): ImportCounts<K> => ({ created, updated, unchanged, rejected });

export function importRoutes(org: Organisation): Router {
  const router = new Router();
  router.post('/import/staff', async (ctx) => {
    const { csv, text } = await readUpload(ctx, BODY_LIMIT_BYTES, 'send JSON (application/json) or CSV (text/csv)');
    const input = csv ? { stores: [], staff: csvImportRows(text, STAFF_CSV) } : jsonRows(parseJson(text));
    // stores first: the staff rows name them
    const stores = counts(await importStores(org, input.stores));
    const staff = counts(await importStaff(org, input.staff));
    org.log.info(
      { audit: 'staff_imported', by: ADMIN_ACTOR, format: csv ? 'csv' : 'json', created: staff.created, updated: staff.updated, unchanged: staff.unchanged, rejected: staff.rejected.length },
      'staff import',
    );
    ctx.body = { ...staff, stores };
  });
  return router;
}
