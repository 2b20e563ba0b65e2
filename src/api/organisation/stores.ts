import Router from '@koa/router';
import type { EntityManager } from 'typeorm';
import { Store } from '../../entities/store';
import { ApiError, idParam } from '../http';
import { alreadyExists, createResource, findOr404, patchResource, requireFields } from '../upsert';
import { changedFields, recordChange, writeRecorded, type Change, type Organisation, type OrganisationSession } from './changes';
import { parseStoreFields, STORE_FIELDS, storeJson, type StoreFields, type StoreRef } from './fields';

/**
 * Stores with the districts they serve (R-LD-2): `/api/stores`. At most one store is the default
 * (the one a lead goes to when no district matches); making one the default takes it from the others.
 */

/** Stores are few: they are loaded whole, and codes compared without regard to case. */
export class StoreBook {
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

/** A store as its audit entries compare it. */
const storeView = (s: Pick<Store, 'code' | 'name' | 'districts' | 'isDefault'>) => ({ code: s.code, name: s.name, districts: s.districts, isDefault: Boolean(s.isDefault) });

/** Writes one store (new or existing) with its audit entries, and keeps "at most one default store". */
export async function saveStore(session: OrganisationSession, book: StoreBook, existing: Store | null, fields: StoreFields): Promise<{ store: Store; changes: Change[] }> {
  const { manager } = session;
  const wanted: Partial<Store> = {
    code: fields.code,
    name: fields.name,
    districts: fields.districts?.join(','),
    isDefault: fields.isDefault,
  };
  const changed = changedFields(existing ? { ...existing, isDefault: Boolean(existing.isDefault) } : null, wanted);
  const changes: Change[] = [];
  let store: Store;
  if (existing) {
    store = existing;
    if (changed.length === 0) return { store, changes };
    const before = storeView(existing);
    const values = Object.fromEntries(changed.map((key) => [key, wanted[key as keyof Store]]));
    await manager.update(Store, { id: existing.id }, values);
    Object.assign(existing, values);
    changes.push(await recordChange(session, 'store', existing.id, before, storeView(existing), changed));
  } else {
    const values = { code: fields.code!, name: fields.name!, districts: fields.districts?.join(',') ?? '', isDefault: fields.isDefault ?? false };
    const result = await manager.insert(Store, values);
    store = Object.assign(new Store(), values, { id: Number(result.identifiers[0].id) });
    book.add(store);
    changes.push(await recordChange(session, 'store', store.id, null, storeView(store), ['code', 'name', 'districts', 'isDefault']));
  }
  if (changed.includes('isDefault') && store.isDefault) {
    for (const other of book.all()) {
      if (other.id === store.id || !other.isDefault) continue;
      await manager.update(Store, { id: other.id }, { isDefault: false });
      other.isDefault = false;
      changes.push(await recordChange(session, 'store', other.id, { isDefault: true }, { isDefault: false }, ['isDefault']));
    }
    // rows another instance may have set since the book was loaded
    await manager.createQueryBuilder().update(Store).set({ isDefault: false }).where('isDefault = :yes AND id <> :id', { yes: true, id: store.id }).execute();
  }
  return { store, changes };
}

// ---------------------------------------------------------------- routes

export function storeRoutes(org: Organisation): Router {
  const { db } = org;
  const router = new Router();
  const storeOr404 = (manager: EntityManager, id: number) => findOr404(manager, Store, id, 'no such store');
  const storeCodeTaken = (fields: StoreFields) => alreadyExists('store', 'code', fields.code);

  router.get('/stores', async (ctx) => {
    const stores = await db.reader.find(Store, { order: { id: 'ASC' } });
    ctx.body = { stores: stores.map(storeJson) };
  });

  router.get('/stores/:id', async (ctx) => {
    ctx.body = storeJson(await storeOr404(db.reader, idParam(ctx.params.id)));
  });

  router.post('/stores', (ctx) =>
    createResource(ctx, {
      parse: parseStoreFields,
      requireForNew: (body, problems) => requireFields(body, ['code', 'name', 'districts'], problems),
      conflictMessage: storeCodeTaken,
      save: (fields, _problems, taken) =>
        writeRecorded(org, async (session) => {
          const book = await StoreBook.load(session.manager);
          if (book.byCode(fields.code!)) throw new ApiError(409, taken);
          return saveStore(session, book, null, fields);
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
        writeRecorded(org, async (session) => {
          const book = await StoreBook.load(session.manager);
          const existing = book.byId(id);
          if (!existing) throw new ApiError(404, 'no such store');
          const clash = fields.code ? book.byCode(fields.code) : undefined;
          if (clash && clash.id !== id) throw new ApiError(409, taken);
          return saveStore(session, book, existing, fields);
        }),
      detail: ({ store }) => storeJson(store),
    }),
  );

  return router;
}
