import { In, type EntityManager } from 'typeorm';
import { Contract, Customer, Housekeeper, Staff, Store } from '../../entities';
import { phoneHash } from '../../handlers/customers';
import { Cache } from '../import';

/**
 * What a request or an import reads about other records while it writes archives. Stores and
 * staff are few and loaded whole; contracts, customers and housekeepers on demand, a batch's worth
 * in a few queries. What a batch writes is remembered provisionally (`Cache`): kept when its
 * transaction commits, forgotten when it rolls back.
 */

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Stores and staff (few, loaded whole); contracts, customers and housekeepers on demand. */
export class Lookups {
  readonly contracts = new Cache<Contract>();
  readonly customers = new Cache<Customer>();
  readonly housekeeperIds = new Cache<number>();
  readonly housekeepers = new Cache<Housekeeper>();
  /** Keys (number or code) already taken by an earlier row of the same file. */
  readonly seen = new Cache<number>();
  private allHousekeeperIds = false;

  private constructor(
    private readonly stores: Map<string, Store>,
    private readonly staff: Map<string, Staff>,
  ) {}

  static async load(manager: EntityManager): Promise<Lookups> {
    const stores = await manager.find(Store);
    const staff = await manager.find(Staff);
    return new Lookups(new Map(stores.map((s) => [s.code.toLowerCase(), s])), new Map(staff.map((s) => [s.wecomUserId.toLowerCase(), s])));
  }

  private caches(): Cache<unknown>[] {
    return [this.contracts, this.customers, this.housekeeperIds, this.housekeepers, this.seen];
  }

  commit(): void {
    for (const cache of this.caches()) cache.commit();
  }

  discard(): void {
    for (const cache of this.caches()) cache.discard();
  }

  store(code: string): Store | undefined {
    return this.stores.get(code.toLowerCase());
  }

  /** A row's store given by code (null clears it): its id, or undefined with the problem noted. */
  storeIdOf(code: string | null, problems: string[]): number | null | undefined {
    if (code === null) return null;
    const store = this.store(code);
    if (!store) problems.push(`unknown store code: ${code.slice(0, 40)}`);
    return store?.id;
  }

  consultant(wecomUserId: string): Staff | undefined {
    return this.staff.get(wecomUserId.toLowerCase());
  }

  /** One row by its key, read from the database the first time only. */
  private async cached<E>(cache: Cache<E>, key: string, read: () => Promise<E | null>): Promise<E | null> {
    if (!cache.has(key)) cache.known(key, await read());
    return cache.get(key) ?? null;
  }

  /** Rows by key (kept in upper case), those not cached yet read a chunk at a time. */
  private async preload<E>(cache: Cache<E>, keys: string[], read: (part: string[]) => Promise<E[]>, keyOf: (row: E) => string): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !cache.has(key));
    for (const part of chunks(missing)) {
      // keyed in upper case: MariaDB's collation also finds a key stored in another case
      const found = new Map((await read(part)).map((row) => [keyOf(row).toUpperCase(), row]));
      for (const key of part) cache.known(key, found.get(key) ?? null);
    }
  }

  contract(manager: EntityManager, number: string): Promise<Contract | null> {
    return this.cached(this.contracts, number, () => manager.findOneBy(Contract, { number }));
  }

  preloadContracts(manager: EntityManager, numbers: string[]): Promise<void> {
    return this.preload(this.contracts, numbers, (part) => manager.find(Contract, { where: { number: In(part) } }), (c) => c.number);
  }

  async customerByPhone(manager: EntityManager, phone: string): Promise<Customer | null> {
    const key = `h:${phoneHash(phone)}`;
    if (!this.customers.has(key)) {
      this.customers.known(key, await manager.findOne(Customer, { where: { phoneHash: phoneHash(phone) }, order: { id: 'ASC' } }));
    }
    return this.customers.get(key) ?? null;
  }

  async customerById(manager: EntityManager, id: number): Promise<Customer | null> {
    const key = `i:${id}`;
    if (!this.customers.has(key)) this.customers.known(key, await manager.findOneBy(Customer, { id }));
    return this.customers.get(key) ?? null;
  }

  async preloadCustomers(manager: EntityManager, phones: string[], ids: number[]): Promise<void> {
    const hashes = [...new Set(phones.map((p) => phoneHash(p)))].filter((h) => !this.customers.has(`h:${h}`));
    for (const part of chunks(hashes)) {
      const found = new Map<string, Customer>();
      for (const customer of await manager.find(Customer, { where: { phoneHash: In(part) }, order: { id: 'ASC' } })) {
        if (customer.phoneHash && !found.has(customer.phoneHash)) found.set(customer.phoneHash, customer);
      }
      for (const hash of part) this.customers.known(`h:${hash}`, found.get(hash) ?? null);
    }
    const missingIds = [...new Set(ids)].filter((id) => !this.customers.has(`i:${id}`));
    for (const part of chunks(missingIds)) {
      const found = new Map((await manager.find(Customer, { where: { id: In(part) } })).map((c) => [c.id, c]));
      for (const id of part) this.customers.known(`i:${id}`, found.get(id) ?? null);
    }
  }

  rememberCustomer(customer: Customer): void {
    if (customer.phoneHash) this.customers.set(`h:${customer.phoneHash}`, customer);
    this.customers.set(`i:${customer.id}`, customer);
  }

  async housekeeperId(manager: EntityManager, code: string): Promise<number | null> {
    if (!this.housekeeperIds.has(code) && !this.allHousekeeperIds) {
      const found = await manager.findOne(Housekeeper, { where: { code }, select: { id: true, code: true } });
      this.housekeeperIds.known(code, found?.id ?? null);
    }
    return this.housekeeperIds.get(code) ?? null;
  }

  /** Every housekeeper's id by code (a contract import refers to many of them). */
  async preloadHousekeeperIds(manager: EntityManager): Promise<void> {
    for (const h of await manager.find(Housekeeper, { select: { id: true, code: true } })) this.housekeeperIds.known(h.code.toUpperCase(), h.id);
    this.allHousekeeperIds = true;
  }

  housekeeper(manager: EntityManager, code: string): Promise<Housekeeper | null> {
    return this.cached(this.housekeepers, code, () => manager.findOneBy(Housekeeper, { code }));
  }

  preloadHousekeepers(manager: EntityManager, codes: string[]): Promise<void> {
    return this.preload(this.housekeepers, codes, (part) => manager.find(Housekeeper, { where: { code: In(part) } }), (h) => h.code);
  }

  rememberHousekeeper(housekeeper: Housekeeper): void {
    this.housekeepers.set(housekeeper.code, housekeeper);
    this.housekeeperIds.set(housekeeper.code, housekeeper.id);
  }
}
