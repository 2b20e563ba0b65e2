import type { EntityManager } from 'typeorm';
import type { Database } from '../../src/entities/database';
import { Housekeeper, type Store } from '../../src/entities';
import { startBot, TestClock, type RunningBot } from './harness';
import { addStaff, addStore } from './seed';

/** 10:00 in Shanghai on Thursday 2026-11-26: where the flow tests' clock starts (never today's date). */
export const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');

/** The stores the flow tests use: code, name, districts. */
export const CHAOYANG = ['CY01', '朝阳门店', '朝阳区'] as const;
export const HAIDIAN = ['HD01', '海淀门店', '海淀区'] as const;

/** A member of staff: WeCom UserID, name, roles, and the code of their store (none for company-wide roles). */
export type StaffSpec = readonly [wecomUserId: string, name: string, roles: string, store: string | null];

/** The head office's customer-service chain, company-wide: specialist 刘专员, CS manager 张经理, GM 周总. */
export const HEAD_OFFICE: readonly StaffSpec[] = [
  ['cs01', '刘专员', 'cs_specialist', null],
  ['csm', '张经理', 'cs_manager', null],
  ['gm01', '周总', 'gm', null],
];

export interface FlowSetup {
  /** Where the test clock starts; THURSDAY_10_AM unless said. */
  at?: number;
  /** Stores in order; the first is the default store. */
  stores?: readonly (readonly [code: string, name: string, districts: string])[];
  staff?: readonly StaffSpec[];
  /** More rows in the same write (housekeepers, customers, contracts), given the stores by code. */
  seed?: (m: EntityManager, stores: Record<string, Store>) => Promise<void>;
}

export interface Flow {
  bot: RunningBot;
  clock: TestClock;
  stores: Record<string, Store>;
}

/**
 * What every chat-flow test starts from: a bot on the test database with a controllable clock, then
 * its organisation (stores, staff, any more rows) written in one transaction. Call it in beforeAll
 * after `if (skipped()) return;`, and stop `bot` in afterAll.
 */
export async function startFlow(db: Database, setup: FlowSetup = {}): Promise<Flow> {
  const clock = new TestClock(setup.at ?? THURSDAY_10_AM);
  const bot = await startBot(db, { clock });
  const stores: Record<string, Store> = {};
  if (setup.stores?.length || setup.staff?.length || setup.seed) {
    await db.write(async (m) => {
      for (const [index, [code, name, districts]] of (setup.stores ?? []).entries()) stores[code] = await addStore(m, code, name, districts, index === 0);
      for (const [wecomUserId, name, roles, store] of setup.staff ?? []) await addStaff(m, wecomUserId, name, roles, store === null ? null : stores[store].id);
      await setup.seed?.(m, stores);
    });
  }
  return { bot, clock, stores };
}

/** 李阿姨 (A0123), on duty in `storeId`, with an ID number and an emergency contact: the housekeeper a complaint is about. */
export function addHousekeeperLi(m: EntityManager, storeId: number, at = THURSDAY_10_AM): Promise<Housekeeper> {
  return m.save(m.create(Housekeeper, { code: 'A0123', name: '李阿姨', phone: '13600001234', idNumber: '110101198001011234', emergencyContacts: [{ name: '李强', relation: '儿子', phone: '13600005678' }], skills: '保洁', storeId, status: 'on_duty', createdAt: at }));
}
