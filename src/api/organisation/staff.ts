import Router from '@koa/router';
import type { EntityManager } from 'typeorm';
import { ROLES, Staff } from '../../entities/staff';
import { Store } from '../../entities/store';
import { ApiError, idParam, optionalString, paging } from '../http';
import { alreadyExists, createResource, findOr404, patchResource, refuse, requireFields } from '../upsert';
import { changedFields, recordChange, writeRecorded, type Change, type Organisation, type OrganisationSession } from './changes';
import { booleanField, DEFAULT_WORKING_HOURS, parseStaffFields, splitList, staffJson, type StaffFields } from './fields';
import { StoreBook } from './stores';

/**
 * Staff with their roles, store and working hours (R-LD-2): `/api/staff`. Known by their WeCom
 * UserID, unique regardless of case on both databases (MariaDB's collation already makes it so;
 * on SQLite the check here does).
 */

/** Staff are found by WeCom UserID regardless of case, as MariaDB's unique index sees them. */
export function findStaff(manager: EntityManager, wecomUserId: string): Promise<Staff | null> {
  return manager.createQueryBuilder(Staff, 'staff').where('LOWER(staff.wecomUserId) = :id', { id: wecomUserId.toLowerCase() }).getOne();
}

export interface ResolvedStaff {
  wecomUserId?: string;
  name?: string;
  roles?: string;
  storeId?: number | null;
  active?: boolean;
  workingHours?: string;
  wechatId?: string | null;
}

export function resolveStaff(fields: StaffFields, book: StoreBook, problems: string[]): ResolvedStaff {
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

/** A member of staff as the audit entries compare them (the name is named, never written). */
const staffView = (s: Pick<Staff, 'wecomUserId' | 'name' | 'roles' | 'storeId' | 'active' | 'workingHours' | 'wechatId'>) => ({
  wecomUserId: s.wecomUserId,
  name: s.name,
  roles: s.roles,
  storeId: s.storeId ?? null,
  active: Boolean(s.active),
  workingHours: s.workingHours,
  wechatId: s.wechatId ?? null,
});

/** Writes one member of staff (new or existing) with the audit entry. */
export async function saveStaff(session: OrganisationSession, existing: Staff | null, wanted: ResolvedStaff): Promise<{ staff: Staff; changes: Change[] }> {
  const { manager } = session;
  if (existing) {
    const { wecomUserId: _same, ...rest } = wanted;
    const changed = changedFields({ ...existing, active: Boolean(existing.active) }, rest);
    if (changed.length === 0) return { staff: existing, changes: [] };
    const before = staffView(existing);
    const values = Object.fromEntries(changed.map((key) => [key, rest[key as keyof typeof rest]]));
    await manager.update(Staff, { id: existing.id }, values);
    Object.assign(existing, values);
    return { staff: existing, changes: [await recordChange(session, 'staff', existing.id, before, staffView(existing), changed)] };
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
  const fields = ['wecomUserId', 'name', 'roles', 'storeId', 'active', 'workingHours'];
  return { staff, changes: [await recordChange(session, 'staff', staff.id, null, staffView(staff), fields)] };
}

/** One WeChat identity speaks for one member of staff in the managers' group. */
async function wechatIdFree(manager: EntityManager, wechatId: string | null | undefined, self: number | null): Promise<void> {
  if (!wechatId) return;
  const holder = await manager.findOneBy(Staff, { wechatId });
  if (holder && holder.id !== self) throw new ApiError(409, `wechatId ${wechatId} is already linked to another member of staff`);
}
// ---------------------------------------------------------------- routes

export function staffRoutes(org: Organisation): Router {
  const { db } = org;
  const router = new Router();
  const staffOr404 = (manager: EntityManager, id: number) => findOr404(manager, Staff, id, 'no such member of staff');
  const staffBody = async (manager: EntityManager, staff: Staff) => {
    const store = staff.storeId === null ? null : await manager.findOneBy(Store, { id: staff.storeId });
    return staffJson(staff, store?.code ?? null);
  };

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
        writeRecorded(org, async (session) => {
          const { manager } = session;
          const book = await StoreBook.load(manager);
          const wanted = resolveStaff(fields, book, problems);
          refuse(problems);
          if (await findStaff(manager, fields.wecomUserId!)) throw new ApiError(409, taken);
          await wechatIdFree(manager, fields.wechatId, null);
          const saved = await saveStaff(session, null, wanted);
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
        writeRecorded(org, async (session) => {
          const { manager } = session;
          const existing = await staffOr404(manager, id);
          if (fields.wecomUserId !== undefined && fields.wecomUserId.toLowerCase() !== existing.wecomUserId.toLowerCase()) {
            throw new ApiError(400, 'wecomUserId cannot be changed');
          }
          const book = await StoreBook.load(manager);
          const wanted = resolveStaff(fields, book, problems);
          refuse(problems);
          await wechatIdFree(manager, fields.wechatId, existing.id);
          const saved = await saveStaff(session, existing, wanted);
          return { ...saved, storeCode: book.byId(saved.staff.storeId)?.code ?? null };
        }),
      detail: ({ staff, storeCode }) => staffJson(staff, storeCode),
    }),
  );

  return router;
}
