import type { EntityManager } from 'typeorm';
import { Contract, Customer, Housekeeper, Staff, Store, Ticket } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';

/** Organisation rows the flow tests start from. */

export function addStore(m: EntityManager, code: string, name: string, districts: string, isDefault = false): Promise<Store> {
  return m.save(m.create(Store, { code, name, districts, isDefault }));
}

export function addStaff(m: EntityManager, wecomUserId: string, name: string, roles: string, storeId: number | null, active = true): Promise<Staff> {
  return m.save(m.create(Staff, { wecomUserId, name, roles, storeId, active, workingHours: '09:00-18:00', lastAssignedAt: null }));
}

let caseCounter = 0;

/**
 * A customer with one complaint case and a housekeeper: for tests whose subject only hangs off a
 * case (evidence, penalty slips). Records point at rows that exist (foreign keys, issue 18).
 */
export async function addCase(m: EntityManager, at = Date.parse('2026-11-26T02:00:00Z')): Promise<{ customer: Customer; ticket: Ticket; housekeeper: Housekeeper }> {
  const n = `${process.pid % 1000}${String(++caseCounter).padStart(4, '0')}${Math.floor(Math.random() * 1000)}`;
  const customer = await m.save(m.create(Customer, { platform: 'wechat', externalId: `o_case_${n}`, channel: 'wechat', createdAt: at }));
  const ticket = await m.save(
    m.create(Ticket, { number: `TS${n}`, kind: 'complaint', severity: 'ordinary', category: 'attitude', status: 'accepted', customerId: customer.id, channel: 'wechat', summary: '服务问题', storeId: null, housekeeperId: null, ownerId: null, loggedBy: null, createdAt: at, updatedAt: at, replyDueAt: null, feedbackDueAt: null, onSiteDueAt: null, closedAt: null }),
  );
  const housekeeper = await m.save(m.create(Housekeeper, { code: `A${n}`, name: '李阿姨', phone: null, idNumber: null, emergencyContacts: [], skills: '保洁', storeId: null, status: 'on_duty', createdAt: at }));
  return { customer, ticket, housekeeper };
}

/**
 * A customer signed at the counter (no WeChat yet) with one running 保洁 contract: what a 签约码
 * or a phone link attaches a follower to. Returns the customer's id.
 */
export async function addContractCustomer(m: EntityManager, who: { name: string; phone: string; contractNo: string; startDate: string; endDate: string }, now = Date.now()): Promise<number> {
  const customer = await m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name: who.name, phone: who.phone, phoneHash: phoneHash(who.phone), address: null, district: '朝阳区', channel: 'walk_in', isMajor: false, storeId: null, subscribed: false, lastInboundAt: null, createdAt: now }));
  await m.save(m.create(Contract, { number: who.contractNo, customerId: customer.id, housekeeperId: null, storeId: null, consultantId: null, serviceType: '保洁', startDate: who.startDate, arrivalDate: null, endDate: who.endDate, amountFen: 100000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: now }));
  return customer.id;
}
