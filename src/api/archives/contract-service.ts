import { Contract, Customer } from '../../entities';
import type { ContractStatus } from '../../entities/contract';
import { markRenewed, renewable } from '../../handlers/contracts';
import { phoneHash } from '../../handlers/customers';
import { diff } from '../../handlers/records';
import { ADMIN_ACTOR, auditAdminChange, withoutNulls } from '../audit';
import type { CsvTableShape } from '../csv';
import type { Outcome } from '../import';
import { requireFields, unknownFields } from '../upsert';
import type { Saved, Session } from './archive';
import { amountValue, codeValue, dayValue, isClear, phoneValue, reference, textValue } from './values';

/**
 * Contracts (家庭服务雇佣居间合同, R-CT-1) as the admin API writes them: the fields a body or a
 * spreadsheet row may give, and the save that finds or creates the customer by phone, checks the
 * term and its link to the previous term, and writes the audit trail. Linking a term to its
 * predecessor renews the predecessor by the renewal rule of the chat flow (handlers/contracts).
 */

export const CONTRACT_STATUSES: readonly ContractStatus[] = ['active', 'renewed', 'ended', 'terminated'];

// ---------------------------------------------------------------- fields

type ContractCustomer = { id: number } | { phone: string };

export interface ContractInput {
  number?: string;
  customer?: ContractCustomer;
  customerName?: string;
  housekeeper?: string | null;
  store?: string | null;
  consultant?: string | null;
  serviceType?: string | null;
  startDate?: string;
  arrivalDate?: string | null;
  endDate?: string;
  amountFen?: number;
  status?: ContractStatus;
  previousNumber?: string | null;
}

export const CONTRACT_FIELDS = [
  'number',
  'customerPhone',
  'customerName',
  'customerId',
  'housekeeper',
  'store',
  'consultant',
  'serviceType',
  'startDate',
  'arrivalDate',
  'endDate',
  'amountYuan',
  'status',
  'previousNumber',
] as const;

export function parseContractFields(body: Record<string, unknown>, problems: string[]): ContractInput {
  unknownFields(body, CONTRACT_FIELDS, problems);
  const fields: ContractInput = {};
  if (body.number !== undefined) fields.number = codeValue('number', body.number, problems);
  if (body.customerPhone !== undefined && body.customerId !== undefined) problems.push('give customerPhone or customerId, not both');
  else if (body.customerId !== undefined) {
    const id = typeof body.customerId === 'string' && /^\d{1,10}$/.test(body.customerId.trim()) ? Number(body.customerId) : body.customerId;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) problems.push('customerId must be a customer id');
    else fields.customer = { id };
  } else if (body.customerPhone !== undefined) {
    const phone = phoneValue('customerPhone', body.customerPhone, problems);
    if (phone) fields.customer = { phone };
  }
  if (body.customerName !== undefined) {
    if (body.customerPhone === undefined) problems.push('customerName goes with customerPhone (it names a customer found or created by phone)');
    else fields.customerName = textValue('customerName', body.customerName, 64, problems);
  }
  fields.housekeeper = reference('housekeeper', body.housekeeper, problems, 'a housekeeper code');
  if (fields.housekeeper) fields.housekeeper = fields.housekeeper.toUpperCase();
  fields.store = reference('store', body.store, problems, 'a store code');
  fields.consultant = reference('consultant', body.consultant, problems, "a consultant's WeCom UserID");
  if (body.serviceType !== undefined) fields.serviceType = isClear(body.serviceType) ? null : textValue('serviceType', body.serviceType, 16, problems);
  if (body.startDate !== undefined) fields.startDate = dayValue('startDate', body.startDate, problems);
  if (body.arrivalDate !== undefined) fields.arrivalDate = isClear(body.arrivalDate) ? null : dayValue('arrivalDate', body.arrivalDate, problems);
  if (body.endDate !== undefined) fields.endDate = dayValue('endDate', body.endDate, problems);
  if (body.amountYuan !== undefined) fields.amountFen = amountValue(body.amountYuan, problems);
  if (body.status !== undefined) {
    if (typeof body.status === 'string' && (CONTRACT_STATUSES as readonly string[]).includes(body.status.trim())) fields.status = body.status.trim() as ContractStatus;
    else problems.push(`status must be one of ${CONTRACT_STATUSES.join(', ')}`);
  }
  if (body.previousNumber !== undefined) fields.previousNumber = isClear(body.previousNumber) ? null : codeValue('previousNumber', body.previousNumber, problems);
  for (const key of Object.keys(fields) as (keyof ContractInput)[]) if (fields[key] === undefined) delete fields[key];
  return fields;
}

export const CONTRACT_CSV: CsvTableShape = {
  columns: CONTRACT_FIELDS,
  required: ['number', 'startDate', 'endDate'],
  aliases: {
    合同编号: 'number',
    客户电话: 'customerPhone',
    客户姓名: 'customerName',
    客户编号: 'customerId',
    阿姨编号: 'housekeeper',
    门店: 'store',
    顾问: 'consultant',
    服务类型: 'serviceType',
    开始日期: 'startDate',
    到岗日期: 'arrivalDate',
    结束日期: 'endDate',
    金额: 'amountYuan',
    合同金额: 'amountYuan',
    状态: 'status',
    上期合同: 'previousNumber',
  },
};

// ---------------------------------------------------------------- saving, with the audit trail

function contractView(c: Partial<Contract>) {
  return {
    number: c.number,
    customerId: c.customerId,
    housekeeperId: c.housekeeperId ?? null,
    storeId: c.storeId ?? null,
    consultantId: c.consultantId ?? null,
    serviceType: c.serviceType ?? null,
    startDate: c.startDate,
    arrivalDate: c.arrivalDate ?? null,
    endDate: c.endDate,
    amountFen: c.amountFen,
    status: c.status,
    previousId: c.previousId ?? null,
  };
}

async function createCustomer(session: Session, phone: string, name: string | null, storeId: number | null): Promise<Customer> {
  const { manager, now } = session;
  const row = {
    platform: null,
    externalId: null,
    unionId: null,
    name,
    phone,
    phoneHash: phoneHash(phone),
    address: null,
    district: null,
    channel: 'walk_in',
    isMajor: false,
    storeId,
    subscribed: false,
    lastInboundAt: null,
    createdAt: now,
  };
  const result = await manager.insert(Customer, row);
  const customer = Object.assign(new Customer(), row, { id: Number(result.identifiers[0].id) });
  const view = withoutNulls({ name, phone, channel: 'walk_in', storeId });
  await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'customer', subjectId: customer.id, change: 'create', changes: diff({}, view) }, now);
  session.lookups.rememberCustomer(customer);
  return customer;
}

function blankContract(now: number): Contract {
  return Object.assign(new Contract(), {
    number: '',
    customerId: 0,
    housekeeperId: null,
    storeId: null,
    consultantId: null,
    serviceType: null,
    startDate: '',
    arrivalDate: null,
    endDate: '',
    amountFen: 0,
    status: 'active',
    previousId: null,
    renewalPromptAt: null,
    renewalReminderAt: null,
    renewalOutcome: null,
    createdAt: now,
  });
}

export async function saveContract(session: Session, existing: Contract | null, input: ContractInput, problems: string[]): Promise<Saved<Contract> | undefined> {
  const { manager, lookups, now } = session;
  if (!existing) {
    requireFields(input as Record<string, unknown>, ['number'], problems);
    if (input.customer === undefined) problems.push('customerPhone or customerId missing');
    requireFields(input as Record<string, unknown>, ['startDate', 'endDate'], problems);
  }
  const values: Partial<Contract> = {};
  if (input.number !== undefined) values.number = input.number;

  let customer: Customer | null = null;
  let newCustomerPhone: string | undefined;
  if (input.customer && 'id' in input.customer) {
    customer = await lookups.customerById(manager, input.customer.id);
    if (!customer) problems.push(`unknown customerId: ${input.customer.id}`);
  } else if (input.customer) {
    customer = await lookups.customerByPhone(manager, input.customer.phone);
    if (!customer) newCustomerPhone = input.customer.phone;
  }
  if (customer) values.customerId = customer.id;

  if (input.housekeeper !== undefined) {
    if (input.housekeeper === null) values.housekeeperId = null;
    else {
      const id = await lookups.housekeeperId(manager, input.housekeeper);
      if (id === null) problems.push(`unknown housekeeper code: ${input.housekeeper.slice(0, 40)}`);
      else values.housekeeperId = id;
    }
  }
  if (input.store !== undefined) {
    const storeId = lookups.storeIdOf(input.store, problems);
    if (storeId !== undefined) values.storeId = storeId;
  }
  if (input.consultant !== undefined) {
    if (input.consultant === null) values.consultantId = null;
    else {
      const staff = lookups.consultant(input.consultant);
      if (!staff) problems.push(`unknown consultant: ${input.consultant.slice(0, 64)}`);
      else values.consultantId = staff.id;
    }
  }
  if (input.serviceType !== undefined) values.serviceType = input.serviceType;
  if (input.startDate !== undefined) values.startDate = input.startDate;
  if (input.arrivalDate !== undefined) values.arrivalDate = input.arrivalDate;
  if (input.endDate !== undefined) values.endDate = input.endDate;
  if (input.amountFen !== undefined) values.amountFen = input.amountFen;
  if (input.status !== undefined) {
    if (input.status === 'renewed' && existing?.status !== 'renewed') problems.push('status renewed comes from a renewal: give previousNumber on the next term');
    else if (existing?.status === 'renewed' && input.status !== 'renewed') problems.push('this term was renewed (it has a next term): its status cannot be changed');
    else values.status = input.status;
  }
  let previous: Contract | null = null;
  if (input.previousNumber !== undefined) {
    if (input.previousNumber === null) values.previousId = null;
    else {
      previous = await lookups.contract(manager, input.previousNumber);
      if (!previous) problems.push(`unknown previousNumber: ${input.previousNumber}`);
      else values.previousId = previous.id;
    }
  }

  const merged = Object.assign(new Contract(), existing ?? blankContract(now), values);
  if (merged.startDate && merged.endDate) {
    if (merged.endDate <= merged.startDate) problems.push('endDate must be after startDate');
    else if (merged.arrivalDate && (merged.arrivalDate < merged.startDate || merged.arrivalDate > merged.endDate)) problems.push('arrivalDate must be within the term (startDate to endDate)');
  }
  const linking = previous !== null && previous.id !== existing?.previousId;
  if (previous && linking) {
    if (existing && previous.id === existing.id) problems.push('previousNumber cannot be the contract itself');
    else {
      if (newCustomerPhone || previous.customerId !== merged.customerId) problems.push(`previous term ${previous.number} belongs to another customer`);
      if (merged.startDate && previous.startDate >= merged.startDate) problems.push(`previous term ${previous.number} must start before this one`);
      const next = await manager.findOne(Contract, { where: { customerId: previous.customerId, previousId: previous.id }, select: { id: true, number: true } });
      if (next && next.id !== existing?.id) problems.push(`previous term ${previous.number} already has a next term: ${next.number}`);
    }
  }
  if (problems.length) return undefined;

  // the row is good: now write
  if (newCustomerPhone) {
    customer = await createCustomer(session, newCustomerPhone, input.customerName ?? null, merged.storeId);
    merged.customerId = customer.id;
  } else if (customer && input.customerName && !customer.name) {
    await manager.update(Customer, { id: customer.id }, { name: input.customerName });
    await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'customer', subjectId: customer.id, change: 'update', changes: diff({ name: null }, { name: input.customerName }) }, now);
    lookups.rememberCustomer(Object.assign(new Customer(), customer, { name: input.customerName }));
  }

  let contract: Contract;
  let outcome: Outcome;
  if (existing) {
    const changes = diff(contractView(existing), contractView(merged));
    if (Object.keys(changes).length === 0) return { archive: existing, outcome: 'unchanged' };
    await manager.update(Contract, { id: existing.id }, Object.fromEntries(Object.keys(changes).map((key) => [key, merged[key as keyof Contract]])));
    await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'contract', subjectId: existing.id, change: 'update', changes }, now);
    if (existing.number !== merged.number) lookups.contracts.set(existing.number, null);
    contract = merged;
    outcome = 'updated';
  } else {
    const { id: _none, ...row } = merged;
    const result = await manager.insert(Contract, row);
    contract = Object.assign(new Contract(), row, { id: Number(result.identifiers[0].id) });
    await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'contract', subjectId: contract.id, change: 'create', changes: diff({}, withoutNulls(contractView(contract))) }, now);
    outcome = 'created';
  }
  lookups.contracts.set(contract.number, contract);

  // linking a term to its predecessor is a renewal of the predecessor, by the renewal flow's own rule
  if (previous && linking && renewable(previous)) {
    lookups.contracts.set(previous.number, await markRenewed(manager, previous, contract.id, ADMIN_ACTOR, now));
  }
  return { archive: contract, outcome };
}
