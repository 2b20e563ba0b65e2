import Router from '@koa/router';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Database } from '../entities/database';
import { ROLES, Staff, type Role } from '../entities/staff';
import { Store } from '../entities/store';
import { csvTable, isCsvUpload, readBodyText } from './csv';
import { ApiError, idParam, optionalString, paging } from './http';
import {
  alreadyExists,
  conflictsAs409,
  createResource,
  findOr404,
  importCounts,
  isObject,
  parseJson,
  patchResource,
  refuse,
  rejectedRow,
  requireFields,
  tally,
  unknownFields,
  type ImportCounts,
  type ImportRow,
  type Outcome,
  type RowResult,
} from './upsert';

/**
 * The organisation behind lead assignment (R-LD-2): stores with the districts they serve, and
 * staff with their roles, store and working hours. Create, read, patch, and a bulk import from
 * JSON or from a spreadsheet saved as CSV (upsert by wecomUserId, one report line per bad row).
 *
 * Codes and WeCom UserIDs are unique regardless of case on both databases (MariaDB's collation
 * already makes them so; on SQLite the check here does). Every change is audited by field name
 * only — never a name or a phone.
 */

const BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_WORKING_HOURS = '09:00-18:00';
/** The separators the lead dispatcher splits districts on (src/handlers/lead-dispatch.ts). */
const DISTRICT_SEPARATORS = /[,，、\s]+/;
const ROLE_SEPARATORS = /[,，、|;；\s]+/;

// ---------------------------------------------------------------- JSON shapes

export function storeJson(store: Store) {
  return { id: store.id, code: store.code, name: store.name, districts: splitList(store.districts, DISTRICT_SEPARATORS), isDefault: Boolean(store.isDefault) };
}

export function staffJson(staff: Staff, storeCode: string | null) {
  return {
    id: staff.id,
    wecomUserId: staff.wecomUserId,
    name: staff.name,
    roles: splitList(staff.roles, /,/),
    storeId: staff.storeId ?? null,
    storeCode: staff.storeId === null || staff.storeId === undefined ? null : storeCode,
    active: Boolean(staff.active),
    workingHours: staff.workingHours,
    // only once linked: the personal-WeChat id the managers' group accepts commands from
    ...(staff.wechatId ? { wechatId: staff.wechatId } : {}),
  };
}

function splitList(value: string | null | undefined, separators: RegExp): string[] {
  return (value ?? '')
    .split(separators)
    .map((item) => item.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------- CSV

/** The reader lives in ./csv (shared with the archive imports); re-exported for existing callers. */
export { CsvError, parseCsv } from './csv';

const CSV_COLUMNS = ['wecomUserId', 'name', 'roles', 'store', 'active', 'workingHours'] as const;
const CSV_REQUIRED = ['wecomUserId', 'name', 'roles'];

function csvStaffRows(text: string): ImportRow[] {
  return csvTable(text, { columns: CSV_COLUMNS, required: CSV_REQUIRED });
}

// ---------------------------------------------------------------- field validation

type StoreRef = { code: string } | { id: number } | null;

interface StoreFields {
  code?: string;
  name?: string;
  districts?: string[];
  isDefault?: boolean;
}

interface StaffFields {
  wecomUserId?: string;
  name?: string;
  roles?: Role[];
  store?: StoreRef;
  active?: boolean;
  workingHours?: string;
  wechatId?: string | null;
}

const STORE_FIELDS = ['code', 'name', 'districts', 'isDefault'];
const STAFF_FIELDS = ['wecomUserId', 'name', 'roles', 'store', 'storeId', 'active', 'workingHours', 'wechatId'];
/** A Wechaty contact id (wxid_…, or whatever the puppet reports); null unlinks. */
const WECHAT_ID = /^[^\s,，"]{1,128}$/u;

const chars = (value: string) => [...value].length;

function nameField(value: unknown, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || chars(value.trim()) > 64) {
    problems.push('name must be 1-64 characters');
    return undefined;
  }
  return value.trim();
}

function booleanField(field: string, value: unknown, problems: string[]): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['1', 'true', 'yes', 'y', '是', '在职'].includes(text)) return true;
    if (['0', 'false', 'no', 'n', '否', '离职'].includes(text)) return false;
  }
  problems.push(`${field} must be true or false (1/0, 是/否)`);
  return undefined;
}

function parseStoreFields(body: Record<string, unknown>, problems: string[]): StoreFields {
  unknownFields(body, STORE_FIELDS, problems);
  const fields: StoreFields = {};
  if (body.code !== undefined) {
    const code = typeof body.code === 'string' ? body.code.trim() : '';
    if (!/^[^\s,，"]{1,32}$/u.test(code) || chars(code) > 32) problems.push('code must be 1-32 characters without spaces, commas or quotes');
    else fields.code = code;
  }
  if (body.name !== undefined) fields.name = nameField(body.name, problems);
  if (body.districts !== undefined) {
    const list = typeof body.districts === 'string' ? [body.districts] : body.districts;
    if (!Array.isArray(list) || list.some((d) => typeof d !== 'string')) {
      problems.push('districts must be a list of district names or one comma-separated text');
    } else {
      const districts = [...new Set(list.flatMap((d: string) => splitList(d, DISTRICT_SEPARATORS)))];
      if (districts.some((d) => chars(d) > 32)) problems.push('districts: each district must be at most 32 characters');
      else if (districts.length > 200) problems.push('districts: at most 200 districts');
      else fields.districts = districts;
    }
  }
  if (body.isDefault !== undefined) fields.isDefault = booleanField('isDefault', body.isDefault, problems);
  return fields;
}

const WECOM_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export function normaliseWorkingHours(value: string): string | undefined {
  const match = /^\s*(\d{1,2}):(\d{2})\s*[-~–—－]\s*(\d{1,2}):(\d{2})\s*$/.exec(value);
  if (!match) return undefined;
  const [sh, sm, eh, em] = match.slice(1).map(Number);
  if (sh > 23 || sm > 59 || em > 59 || eh > 24 || (eh === 24 && em > 0)) return undefined;
  // the same day only: src/handlers/working-time.ts reads an overnight window as the default one
  if (eh * 60 + em <= sh * 60 + sm) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(sh)}:${pad(sm)}-${pad(eh)}:${pad(em)}`;
}

function parseStaffFields(body: Record<string, unknown>, problems: string[]): StaffFields {
  unknownFields(body, STAFF_FIELDS, problems);
  const fields: StaffFields = {};
  if (body.wecomUserId !== undefined) {
    const id = typeof body.wecomUserId === 'string' ? body.wecomUserId.trim() : '';
    if (id === '') problems.push('wecomUserId missing');
    else if (!WECOM_USER_ID.test(id)) problems.push('wecomUserId must be 1-64 letters, digits or _ - . @, starting with a letter or digit');
    else fields.wecomUserId = id;
  }
  if (body.name !== undefined) fields.name = nameField(body.name, problems);
  if (body.roles !== undefined) {
    const list = typeof body.roles === 'string' ? [body.roles] : body.roles;
    if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) {
      problems.push(`roles must be a list among ${ROLES.join(', ')}`);
    } else {
      const roles = [...new Set(list.flatMap((r: string) => splitList(r, ROLE_SEPARATORS)))];
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      for (const role of unknown) problems.push(`unknown role: ${role.slice(0, 40)}`);
      if (roles.length === 0) problems.push(`roles missing: give at least one of ${ROLES.join(', ')}`);
      if (unknown.length === 0 && roles.length > 0) fields.roles = roles as Role[];
    }
  }
  if (body.store !== undefined && body.storeId !== undefined) problems.push('give store or storeId, not both');
  const store = body.store !== undefined ? body.store : body.storeId;
  const storeField = body.store !== undefined ? 'store' : 'storeId';
  if (store === null) fields.store = null;
  else if (typeof store === 'number' && Number.isInteger(store) && store > 0) fields.store = { id: store };
  else if (typeof store === 'string' && store.trim() !== '' && storeField === 'store') fields.store = { code: store.trim() };
  else if (store !== undefined) problems.push(storeField === 'store' ? 'store must be a store code, a store id or null' : 'storeId must be a store id or null');
  if (body.active !== undefined) fields.active = booleanField('active', body.active, problems);
  if (body.workingHours !== undefined) {
    const hours = typeof body.workingHours === 'string' ? normaliseWorkingHours(body.workingHours) : undefined;
    if (!hours) problems.push('workingHours must be HH:MM-HH:MM, ending after it starts on the same day');
    else fields.workingHours = hours;
  }
  if (body.wechatId !== undefined) {
    const id = typeof body.wechatId === 'string' ? body.wechatId.trim() : body.wechatId;
    if (id === null || id === '') fields.wechatId = null;
    else if (typeof id !== 'string' || !WECHAT_ID.test(id)) problems.push('wechatId must be the WeChat id the bot reports (1-128 characters without spaces or commas), or null');
    else fields.wechatId = id;
  }
  return fields;
}

// ---------------------------------------------------------------- the organisation as loaded in a transaction

/** Stores are few: they are loaded whole, and codes compared without regard to case. */
class StoreBook {
  private constructor(private readonly stores: Store[]) {}

  static async load(manager: EntityManager): Promise<StoreBook> {
    return new StoreBook(await manager.find(Store, { order: { id: 'ASC' } }));
  }

  all(): Store[] {
    return this.stores;
  }

  byCode(code: string): Store | undefined {
    const key = code.toLowerCase();
    return this.stores.find((s) => s.code.toLowerCase() === key);
  }

  byId(id: number | null): Store | undefined {
    return id === null ? undefined : this.stores.find((s) => s.id === id);
  }

  resolve(ref: StoreRef, problems: string[]): number | null | undefined {
    if (ref === null) return null;
    if ('code' in ref) {
      const store = this.byCode(ref.code);
      if (!store) problems.push(`unknown store code: ${ref.code.slice(0, 40)}`);
      return store?.id;
    }
    if (!this.byId(ref.id)) problems.push(`unknown store id: ${ref.id}`);
    return this.byId(ref.id)?.id;
  }

  add(store: Store): void {
    this.stores.push(store);
  }
}

interface Audit {
  audit: 'staff_changed' | 'store_changed';
  id: number;
  fields: string[];
  change: 'created' | 'updated';
}

function emit(log: Logger, audits: Audit[], via: string): void {
  for (const { audit, id, fields, change } of audits) {
    log.info({ audit, id, by: 'admin', fields }, `${audit === 'store_changed' ? 'store' : 'staff'} ${change} (${via})`);
  }
}

/** What `fields` would change on `existing` (every given field on a new row). */
function diff<T extends object>(existing: T | null, wanted: Partial<T>): string[] {
  return (Object.keys(wanted) as (keyof T)[]).filter((key) => wanted[key] !== undefined && (!existing || existing[key] !== wanted[key])) as string[];
}

/** Writes one store (new or existing) and keeps "at most one default store". */
async function saveStore(manager: EntityManager, book: StoreBook, existing: Store | null, fields: StoreFields): Promise<{ store: Store; audits: Audit[] }> {
  const wanted: Partial<Store> = {
    code: fields.code,
    name: fields.name,
    districts: fields.districts?.join(','),
    isDefault: fields.isDefault,
  };
  const changed = diff(existing ? { ...existing, isDefault: Boolean(existing.isDefault) } : null, wanted);
  const audits: Audit[] = [];
  let store: Store;
  if (existing) {
    store = existing;
    if (changed.length === 0) return { store, audits };
    const values = Object.fromEntries(changed.map((key) => [key, wanted[key as keyof Store]]));
    await manager.update(Store, { id: existing.id }, values);
    Object.assign(existing, values);
    audits.push({ audit: 'store_changed', id: existing.id, fields: changed, change: 'updated' });
  } else {
    const values = { code: fields.code!, name: fields.name!, districts: fields.districts?.join(',') ?? '', isDefault: fields.isDefault ?? false };
    const result = await manager.insert(Store, values);
    store = Object.assign(new Store(), values, { id: Number(result.identifiers[0].id) });
    book.add(store);
    audits.push({ audit: 'store_changed', id: store.id, fields: ['code', 'name', 'districts', 'isDefault'], change: 'created' });
  }
  if (changed.includes('isDefault') && store.isDefault) {
    for (const other of book.all()) {
      if (other.id === store.id || !other.isDefault) continue;
      await manager.update(Store, { id: other.id }, { isDefault: false });
      other.isDefault = false;
      audits.push({ audit: 'store_changed', id: other.id, fields: ['isDefault'], change: 'updated' });
    }
    // rows another instance may have set since the book was loaded
    await manager.createQueryBuilder().update(Store).set({ isDefault: false }).where('isDefault = :yes AND id <> :id', { yes: true, id: store.id }).execute();
  }
  return { store, audits };
}

/** Staff are found by WeCom UserID regardless of case, as MariaDB's unique index sees them. */
function findStaff(manager: EntityManager, wecomUserId: string): Promise<Staff | null> {
  return manager.createQueryBuilder(Staff, 'staff').where('LOWER(staff.wecomUserId) = :id', { id: wecomUserId.toLowerCase() }).getOne();
}

interface ResolvedStaff {
  wecomUserId?: string;
  name?: string;
  roles?: string;
  storeId?: number | null;
  active?: boolean;
  workingHours?: string;
  wechatId?: string | null;
}

function resolveStaff(fields: StaffFields, book: StoreBook, problems: string[]): ResolvedStaff {
  return {
    wecomUserId: fields.wecomUserId,
    name: fields.name,
    roles: fields.roles?.join(','),
    storeId: fields.store === undefined ? undefined : book.resolve(fields.store, problems),
    active: fields.active,
    workingHours: fields.workingHours,
    wechatId: fields.wechatId,
  };
}

async function saveStaff(manager: EntityManager, existing: Staff | null, wanted: ResolvedStaff): Promise<{ staff: Staff; audits: Audit[] }> {
  if (existing) {
    const { wecomUserId: _same, ...rest } = wanted;
    const changed = diff({ ...existing, active: Boolean(existing.active) }, rest);
    if (changed.length === 0) return { staff: existing, audits: [] };
    const values = Object.fromEntries(changed.map((key) => [key, rest[key as keyof typeof rest]]));
    await manager.update(Staff, { id: existing.id }, values);
    Object.assign(existing, values);
    return { staff: existing, audits: [{ audit: 'staff_changed', id: existing.id, fields: changed, change: 'updated' }] };
  }
  const values = {
    wecomUserId: wanted.wecomUserId!,
    name: wanted.name!,
    roles: wanted.roles!,
    storeId: wanted.storeId ?? null,
    active: wanted.active ?? true,
    workingHours: wanted.workingHours ?? DEFAULT_WORKING_HOURS,
    lastAssignedAt: null,
    wechatId: wanted.wechatId ?? null,
  };
  const result = await manager.insert(Staff, values);
  const staff = Object.assign(new Staff(), values, { id: Number(result.identifiers[0].id) });
  return { staff, audits: [{ audit: 'staff_changed', id: staff.id, fields: ['wecomUserId', 'name', 'roles', 'storeId', 'active', 'workingHours'], change: 'created' }] };
}

/** One WeChat identity speaks for one member of staff in the managers' group. */
async function wechatIdFree(manager: EntityManager, wechatId: string | null | undefined, self: number | null): Promise<void> {
  if (!wechatId) return;
  const holder = await manager.findOneBy(Staff, { wechatId });
  if (holder && holder.id !== self) throw new ApiError(409, `wechatId ${wechatId} is already linked to another member of staff`);
}

// ---------------------------------------------------------------- import

function jsonImportRows(body: unknown): { stores: ImportRow[]; staff: ImportRow[] } {
  if (!isObject(body)) throw new ApiError(400, 'the body must be a JSON object { stores?: [...], staff: [...] }');
  const extra = Object.keys(body).filter((k) => k !== 'stores' && k !== 'staff');
  if (extra.length) throw new ApiError(400, `unknown field: ${extra[0].slice(0, 40)} (expected stores and staff)`);
  if (body.stores !== undefined && !Array.isArray(body.stores)) throw new ApiError(400, 'stores must be a list');
  if (body.staff !== undefined && !Array.isArray(body.staff)) throw new ApiError(400, 'staff must be a list');
  if (body.stores === undefined && body.staff === undefined) throw new ApiError(400, 'staff missing: give a list of staff (and optionally stores)');
  const rows = (list: unknown[] | undefined) => (list ?? []).map((fields, i) => ({ row: i + 1, fields }));
  return { stores: rows(body.stores as unknown[] | undefined), staff: rows(body.staff as unknown[] | undefined) };
}

/** A saved row changed something if it is new or its save wrote an audit line. */
const outcomeOf = (existing: object | null, audits: Audit[]): Outcome => (!existing ? 'created' : audits.length ? 'updated' : 'unchanged');

async function importStores(manager: EntityManager, book: StoreBook, rows: ImportRow[], report: ImportCounts<'code'>, audits: Audit[]): Promise<void> {
  const seen = new Map<string, number>();
  let defaultRow: number | undefined;
  const importStore = async ({ row, fields: raw }: ImportRow): Promise<RowResult<'code'>> => {
    if (!isObject(raw)) return rejectedRow(row, 'code', undefined, ['a store must be an object']);
    const problems: string[] = [];
    const fields = parseStoreFields(raw, problems);
    const code = fields.code;
    requireFields(raw, ['code'], problems);
    const existing = code ? (book.byCode(code) ?? null) : null;
    if (!existing && code) requireFields(raw, ['name', 'districts'], problems);
    if (code && seen.has(code.toLowerCase())) problems.push(`code ${code} already appears in row ${seen.get(code.toLowerCase())}`);
    if (fields.isDefault && defaultRow !== undefined) problems.push(`only one store can be the default: row ${defaultRow} already is`);
    if (problems.length) return rejectedRow(row, 'code', code, problems);
    seen.set(code!.toLowerCase(), row);
    if (fields.isDefault) defaultRow = row;
    const saved = await saveStore(manager, book, existing, fields);
    audits.push(...saved.audits);
    return { outcome: outcomeOf(existing, saved.audits) };
  };
  for (const row of rows) tally(report, await importStore(row));
}

async function importStaff(manager: EntityManager, book: StoreBook, rows: ImportRow[], report: ImportCounts<'wecomUserId'>, audits: Audit[]): Promise<void> {
  const everyone = new Map((await manager.find(Staff)).map((s) => [s.wecomUserId.toLowerCase(), s]));
  const seen = new Map<string, number>();
  const importMember = async ({ row, fields: raw, problem }: ImportRow): Promise<RowResult<'wecomUserId'>> => {
    if (!isObject(raw)) return rejectedRow(row, 'wecomUserId', undefined, ['a member of staff must be an object']);
    const problems: string[] = problem ? [problem] : [];
    const fields = parseStaffFields(raw, problems);
    const userId = fields.wecomUserId;
    requireFields(raw, ['wecomUserId'], problems);
    const key = userId?.toLowerCase();
    const existing = key ? (everyone.get(key) ?? null) : null;
    if (!existing && key) requireFields(raw, ['name', 'roles'], problems);
    if (key && seen.has(key)) problems.push(`wecomUserId ${userId} already appears in row ${seen.get(key)}`);
    const wanted = resolveStaff(fields, book, problems);
    if (problems.length) return rejectedRow(row, 'wecomUserId', userId, problems);
    seen.set(key!, row);
    const saved = await saveStaff(manager, existing, wanted);
    everyone.set(key!, saved.staff);
    audits.push(...saved.audits);
    return { outcome: outcomeOf(existing, saved.audits) };
  };
  for (const row of rows) tally(report, await importMember(row));
}

// ---------------------------------------------------------------- routes

export function organisationRoutes(db: Database, log: Logger): Router {
  const router = new Router();

  /** A write through the API: its audit lines are logged once its transaction has committed. */
  const writeAudited = async <T extends { audits: Audit[] }>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    const saved = await db.write(work);
    emit(log, saved.audits, 'api');
    return saved;
  };

  const storeOr404 = (manager: EntityManager, id: number) => findOr404(manager, Store, id, 'no such store');
  const staffOr404 = (manager: EntityManager, id: number) => findOr404(manager, Staff, id, 'no such member of staff');
  const staffBody = async (manager: EntityManager, staff: Staff) => {
    const store = staff.storeId === null ? null : await manager.findOneBy(Store, { id: staff.storeId });
    return staffJson(staff, store?.code ?? null);
  };

  // -------- stores

  router.get('/stores', async (ctx) => {
    const stores = await db.reader.find(Store, { order: { id: 'ASC' } });
    ctx.body = { stores: stores.map(storeJson) };
  });

  router.get('/stores/:id', async (ctx) => {
    ctx.body = storeJson(await storeOr404(db.reader, idParam(ctx.params.id)));
  });

  const storeCodeTaken = (fields: StoreFields) => alreadyExists('store', 'code', fields.code);

  router.post('/stores', (ctx) =>
    createResource(ctx, {
      parse: parseStoreFields,
      requireForNew: (body, problems) => requireFields(body, ['code', 'name', 'districts'], problems),
      conflictMessage: storeCodeTaken,
      save: (fields, _problems, taken) =>
        writeAudited(async (manager) => {
          const book = await StoreBook.load(manager);
          if (book.byCode(fields.code!)) throw new ApiError(409, taken);
          return saveStore(manager, book, null, fields);
        }),
      location: ({ store }) => `/api/stores/${store.id}`,
      detail: ({ store }) => storeJson(store),
    }),
  );

  router.patch('/stores/:id', (ctx) =>
    patchResource(ctx, {
      parse: parseStoreFields,
      changeable: STORE_FIELDS,
      conflictMessage: storeCodeTaken,
      save: (id, fields, _problems, taken) =>
        writeAudited(async (manager) => {
          const book = await StoreBook.load(manager);
          const existing = book.byId(id);
          if (!existing) throw new ApiError(404, 'no such store');
          const clash = fields.code ? book.byCode(fields.code) : undefined;
          if (clash && clash.id !== id) throw new ApiError(409, taken);
          return saveStore(manager, book, existing, fields);
        }),
      detail: ({ store }) => storeJson(store),
    }),
  );

  // -------- staff

  router.get('/staff', async (ctx) => {
    const role = optionalString(ctx, 'role', ROLES);
    const storeCode = optionalString(ctx, 'store');
    const activeText = optionalString(ctx, 'active');
    const { take, skip } = paging(ctx);
    const where: Record<string, unknown> = {};
    if (activeText !== undefined) {
      const problems: string[] = [];
      where.active = booleanField('active', activeText, problems);
      refuse(problems);
    }
    const stores = await db.reader.find(Store);
    if (storeCode !== undefined) {
      const store = stores.find((s) => s.code.toLowerCase() === storeCode.toLowerCase());
      if (!store) throw new ApiError(400, `unknown store code: ${storeCode}`);
      where.storeId = store.id;
    }
    // roles live in one text column; the staff list is small enough to filter here
    const matching = (await db.reader.find(Staff, { where, order: { id: 'ASC' } })).filter(
      (s) => !role || splitList(s.roles, /,/).includes(role),
    );
    const codes = new Map(stores.map((s) => [s.id, s.code]));
    ctx.body = {
      staff: matching.slice(skip, skip + take).map((s) => staffJson(s, s.storeId === null ? null : (codes.get(s.storeId) ?? null))),
      total: matching.length,
    };
  });

  router.get('/staff/:id', async (ctx) => {
    ctx.body = await staffBody(db.reader, await staffOr404(db.reader, idParam(ctx.params.id)));
  });

  router.post('/staff', (ctx) =>
    createResource(ctx, {
      parse: parseStaffFields,
      requireForNew: (body, problems) => requireFields(body, ['wecomUserId', 'name', 'roles'], problems),
      conflictMessage: (fields) => alreadyExists('member of staff', 'wecomUserId', fields.wecomUserId),
      save: (fields, problems, taken) =>
        writeAudited(async (manager) => {
          const book = await StoreBook.load(manager);
          const wanted = resolveStaff(fields, book, problems);
          refuse(problems);
          if (await findStaff(manager, fields.wecomUserId!)) throw new ApiError(409, taken);
          await wechatIdFree(manager, fields.wechatId, null);
          const saved = await saveStaff(manager, null, wanted);
          return { ...saved, storeCode: book.byId(saved.staff.storeId)?.code ?? null };
        }),
      location: ({ staff }) => `/api/staff/${staff.id}`,
      detail: ({ staff, storeCode }) => staffJson(staff, storeCode),
    }),
  );

  router.patch('/staff/:id', (ctx) =>
    patchResource(ctx, {
      parse: parseStaffFields,
      changeable: ['name', 'roles', 'store', 'active', 'workingHours'],
      // the key cannot change; what a concurrent write can take is the WeChat link
      conflictMessage: (fields) => `wechatId ${fields.wechatId} is already linked to another member of staff`,
      save: (id, fields, problems) =>
        writeAudited(async (manager) => {
          const existing = await staffOr404(manager, id);
          if (fields.wecomUserId !== undefined && fields.wecomUserId.toLowerCase() !== existing.wecomUserId.toLowerCase()) {
            throw new ApiError(400, 'wecomUserId cannot be changed');
          }
          const book = await StoreBook.load(manager);
          const wanted = resolveStaff(fields, book, problems);
          refuse(problems);
          await wechatIdFree(manager, fields.wechatId, existing.id);
          const saved = await saveStaff(manager, existing, wanted);
          return { ...saved, storeCode: book.byId(saved.staff.storeId)?.code ?? null };
        }),
      detail: ({ staff, storeCode }) => staffJson(staff, storeCode),
    }),
  );

  // -------- import

  router.post('/import/staff', async (ctx) => {
    const csv = isCsvUpload(ctx, 'send JSON (application/json) or CSV (text/csv)');
    const text = await readBodyText(ctx, BODY_LIMIT_BYTES);
    const input = csv ? { stores: [], staff: csvStaffRows(text) } : jsonImportRows(parseJson(text));
    const stores = importCounts<'code'>();
    const staff = importCounts<'wecomUserId'>();
    const audits: Audit[] = [];
    await conflictsAs409(
      db.write(async (manager) => {
        const book = await StoreBook.load(manager);
        await importStores(manager, book, input.stores, stores, audits);
        await importStaff(manager, book, input.staff, staff, audits);
      }),
      'a store or member of staff was created at the same time by someone else: import again',
    );
    emit(log, audits, 'import');
    log.info(
      { audit: 'staff_imported', by: 'admin', format: csv ? 'csv' : 'json', created: staff.created, updated: staff.updated, unchanged: staff.unchanged, rejected: staff.rejected.length },
      'staff import',
    );
    ctx.body = { ...staff, stores };
  });

  return router;
}
