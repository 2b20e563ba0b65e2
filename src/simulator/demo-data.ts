import type { EntityManager } from 'typeorm';
import { Contract, Customer, Housekeeper, HousekeeperMovement, Staff, Store } from '../entities';
import type { Database } from '../entities/database';
import { normalisePhone, phoneHash } from '../handlers/customers';
import { DAY_MS, isoDay } from '../handlers/calendar';

/**
 * Demo data for the simulator and for trying the bot (`npm run seed:demo`): two stores, staff for
 * every role, housekeepers with their movement log, customers and two contracts that make the
 * scheduled flows visible (one ending in 15 days, one whose housekeeper arrived 3 days ago).
 *
 * Idempotent: every row is looked up by its natural key (store code, WeCom UserID, housekeeper
 * code, openid, contract number) and only missing rows are added; nothing existing is changed.
 * Dates are relative to the day the row is first added. Personal fields go through the entity
 * transformers, so they are encrypted with the installed personal-data key.
 */

export interface DemoStaff {
  wecomUserId: string;
  name: string;
  roles: string;
  store: 'CY01' | 'HD01' | null;
  /** What the simulator shows next to the name. */
  title: string;
}

export const DEMO_STORES = [
  { code: 'CY01', name: '朝阳门店', districts: '朝阳区,东城区', isDefault: true },
  { code: 'HD01', name: '海淀门店', districts: '海淀区', isDefault: false },
] as const;

export const DEMO_STAFF: DemoStaff[] = [
  { wecomUserId: 'sales_li', name: '李顾问', roles: 'consultant', store: 'CY01', title: '销售顾问 · 朝阳门店' },
  { wecomUserId: 'sales_zhao', name: '赵顾问', roles: 'consultant', store: 'CY01', title: '销售顾问 · 朝阳门店' },
  { wecomUserId: 'sales_sun', name: '孙顾问', roles: 'consultant', store: 'HD01', title: '销售顾问 · 海淀门店' },
  { wecomUserId: 'mgr_wang', name: '王店长', roles: 'store_manager', store: 'CY01', title: '门店经理 · 朝阳门店' },
  { wecomUserId: 'mgr_qian', name: '钱店长', roles: 'store_manager', store: 'HD01', title: '门店经理 · 海淀门店' },
  { wecomUserId: 'cs_liu', name: '刘专员', roles: 'cs_specialist', store: null, title: '投诉专员 · 客服部' },
  { wecomUserId: 'csm_zhang', name: '张经理', roles: 'cs_manager', store: null, title: '客服部经理' },
  { wecomUserId: 'gm_zhou', name: '周总', roles: 'gm', store: null, title: '总经理' },
  { wecomUserId: 'admin_sun', name: '孙行政', roles: 'admin', store: null, title: '行政' },
  { wecomUserId: 'hr_chen', name: '陈人资', roles: 'hr', store: null, title: '人资' },
  { wecomUserId: 'fin_wu', name: '吴财务', roles: 'finance', store: null, title: '财务' },
];

export interface DemoCustomer {
  openid: string;
  name: string;
  phone: string;
  address: string;
  district: string;
  store: 'CY01' | 'HD01';
  /** What the simulator shows next to the openid. */
  note: string;
}

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  { openid: 'o_demo_1', name: '陈女士', phone: '13900001111', address: '北京市朝阳区望京西园三区 101', district: '朝阳区', store: 'CY01', note: '合同 15 天后到期' },
  { openid: 'o_demo_2', name: '刘先生', phone: '13900002222', address: '北京市东城区和平里东街 8 号', district: '东城区', store: 'CY01', note: '阿姨 3 天前到岗' },
  { openid: 'o_demo_3', name: '孙女士', phone: '13900003333', address: '北京市海淀区中关村南大街 5 号', district: '海淀区', store: 'HD01', note: '老客户，暂无合同' },
];

interface DemoHousekeeper {
  code: string;
  name: string;
  phone: string;
  idNumber: string;
  emergency: { name: string; relation: string; phone: string };
  skills: string;
  store: 'CY01' | 'HD01';
  /** Days before today: joined (新到), and went on duty (上岗), if they did. */
  joinedDaysAgo: number;
  onDutyDaysAgo?: number;
}

const DEMO_HOUSEKEEPERS: DemoHousekeeper[] = [
  { code: 'A0001', name: '王秀英', phone: '13700001001', idNumber: '110105198003120028', emergency: { name: '王建国', relation: '丈夫', phone: '13700002001' }, skills: '月嫂,育儿嫂', store: 'CY01', joinedDaysAgo: 400, onDutyDaysAgo: 350 },
  { code: 'A0002', name: '李桂兰', phone: '13700001002', idNumber: '130102198505230047', emergency: { name: '李强', relation: '儿子', phone: '13700002002' }, skills: '育儿嫂,住家保姆', store: 'CY01', joinedDaysAgo: 30, onDutyDaysAgo: 3 },
  { code: 'A0003', name: '张美华', phone: '13700001003', idNumber: '370102199001150061', emergency: { name: '张伟', relation: '弟弟', phone: '13700002003' }, skills: '住家保姆,老人陪护', store: 'HD01', joinedDaysAgo: 5 },
  { code: 'A0004', name: '赵春梅', phone: '13700001004', idNumber: '410105198211080083', emergency: { name: '赵明', relation: '丈夫', phone: '13700002004' }, skills: '钟点工,保洁', store: 'HD01', joinedDaysAgo: 200, onDutyDaysAgo: 190 },
];

interface DemoContract {
  number: string;
  customer: string;
  housekeeper: string;
  consultant: string;
  store: 'CY01' | 'HD01';
  serviceType: string;
  /** Relative to today, in days. */
  start: number;
  arrival: number;
  end: number;
  amountFen: number;
}

const DEMO_CONTRACTS: DemoContract[] = [
  // ends in 15 days: the renewal prompt is due
  { number: 'HTDEMO0001', customer: 'o_demo_1', housekeeper: 'A0001', consultant: 'sales_li', store: 'CY01', serviceType: '月嫂', start: -350, arrival: -350, end: 15, amountFen: 1_680_000 },
  // the housekeeper arrived 3 days ago: the first follow-up visit is due
  { number: 'HTDEMO0002', customer: 'o_demo_2', housekeeper: 'A0002', consultant: 'sales_zhao', store: 'CY01', serviceType: '育儿嫂', start: -3, arrival: -3, end: 362, amountFen: 860_000 },
];

export interface SeedReport {
  added: Record<'stores' | 'staff' | 'housekeepers' | 'movements' | 'customers' | 'contracts', number>;
}

/** Adds whatever demo rows are missing; returns how many of each it added. */
export async function seedDemo(db: Database, options: { now?: number; timeZone?: string } = {}): Promise<SeedReport> {
  const now = options.now ?? Date.now();
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const day = (offset: number) => isoDay(now + offset * DAY_MS, timeZone);
  const added: SeedReport['added'] = { stores: 0, staff: 0, housekeepers: 0, movements: 0, customers: 0, contracts: 0 };

  await db.write(async (m: EntityManager) => {
    const storeIds = new Map<string, number>();
    for (const store of DEMO_STORES) {
      let row = await m.findOneBy(Store, { code: store.code });
      if (!row) {
        // only one default store: the demo's becomes the default only if none is set yet
        const hasDefault = store.isDefault && (await m.countBy(Store, { isDefault: true })) > 0;
        row = await m.save(m.create(Store, { ...store, isDefault: store.isDefault && !hasDefault }));
        added.stores++;
      }
      storeIds.set(store.code, row.id);
    }

    const staffIds = new Map<string, number>();
    for (const person of DEMO_STAFF) {
      let row = await m.findOneBy(Staff, { wecomUserId: person.wecomUserId });
      if (!row) {
        row = await m.save(
          m.create(Staff, {
            wecomUserId: person.wecomUserId,
            name: person.name,
            roles: person.roles,
            storeId: person.store ? storeIds.get(person.store)! : null,
            active: true,
            workingHours: '09:00-18:00',
            lastAssignedAt: null,
          }),
        );
        added.staff++;
      }
      staffIds.set(person.wecomUserId, row.id);
    }

    const housekeeperIds = new Map<string, number>();
    for (const keeper of DEMO_HOUSEKEEPERS) {
      let row = await m.findOneBy(Housekeeper, { code: keeper.code });
      if (!row) {
        const joinedAt = now - keeper.joinedDaysAgo * DAY_MS;
        row = await m.save(
          m.create(Housekeeper, {
            code: keeper.code,
            name: keeper.name,
            phone: keeper.phone,
            idNumber: keeper.idNumber,
            emergencyContacts: [keeper.emergency],
            skills: keeper.skills,
            storeId: storeIds.get(keeper.store)!,
            status: keeper.onDutyDaysAgo === undefined ? 'new' : 'on_duty',
            createdAt: joinedAt,
          }),
        );
        added.housekeepers++;
        // the movement log is written with the housekeeper, so it is never doubled
        const movements = [{ kind: 'new', note: `新到 ${keeper.store === 'CY01' ? '朝阳门店' : '海淀门店'}，技能：${keeper.skills}`, at: joinedAt }];
        if (keeper.onDutyDaysAgo !== undefined) movements.push({ kind: 'on_duty', note: '上岗', at: now - keeper.onDutyDaysAgo * DAY_MS });
        for (const movement of movements) {
          await m.save(m.create(HousekeeperMovement, { housekeeperId: row.id, ...movement }));
          added.movements++;
        }
      }
      housekeeperIds.set(keeper.code, row.id);
    }

    const customerIds = new Map<string, number>();
    for (const customer of DEMO_CUSTOMERS) {
      let row = await m.findOneBy(Customer, { platform: 'wechat', externalId: customer.openid });
      if (!row) {
        row = await m.save(
          m.create(Customer, {
            platform: 'wechat',
            externalId: customer.openid,
            unionId: null,
            name: customer.name,
            phone: normalisePhone(customer.phone),
            phoneHash: phoneHash(customer.phone),
            address: customer.address,
            district: customer.district,
            channel: 'wechat',
            isMajor: false,
            storeId: storeIds.get(customer.store)!,
            subscribed: true,
            lastInboundAt: now,
            createdAt: now - 400 * DAY_MS,
          }),
        );
        added.customers++;
      }
      customerIds.set(customer.openid, row.id);
    }

    for (const contract of DEMO_CONTRACTS) {
      if (await m.findOneBy(Contract, { number: contract.number })) continue;
      await m.save(
        m.create(Contract, {
          number: contract.number,
          customerId: customerIds.get(contract.customer)!,
          housekeeperId: housekeeperIds.get(contract.housekeeper)!,
          storeId: storeIds.get(contract.store)!,
          consultantId: staffIds.get(contract.consultant)!,
          serviceType: contract.serviceType,
          startDate: day(contract.start),
          arrivalDate: day(contract.arrival),
          endDate: day(contract.end),
          amountFen: contract.amountFen,
          status: 'active',
          previousId: null,
          renewalPromptAt: null,
          renewalReminderAt: null,
          renewalOutcome: null,
          createdAt: now + contract.start * DAY_MS,
        }),
      );
      added.contracts++;
    }
  });
  return { added };
}

/** True when the database has no organisation yet (the simulator then loads the demo). */
export async function isEmpty(db: Database): Promise<boolean> {
  return (await db.reader.count(Store)) === 0 && (await db.reader.count(Staff)) === 0;
}
