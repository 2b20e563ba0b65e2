import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { In, Like, LessThan, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { AuditEntry, Contract, Customer, Housekeeper, HousekeeperMovement, Staff, Store } from '../entities';
import type { ContractStatus } from '../entities/contract';
import type { Database } from '../entities/database';
import type { HousekeeperStatus } from '../entities/housekeeper';
import { audit, diff } from '../handlers/records/audit';
import { maskPhone, normalisePhone, phoneHash } from '../handlers/customers/records';
import { isoDay } from '../handlers/calendar/time';
import { csvTable, isCsvUpload, readBodyText, type CsvTableShape } from './csv';
import { ApiError, idParam, iso, optionalString, paging } from './http';
import {
  alreadyExists,
  createResource,
  driverCode,
  findOr404,
  isObject,
  isUniqueViolation,
  parseJson,
  patchResource,
  readJsonObject,
  refuse,
  rejectedRow,
  requireFields,
  tally,
  unknownFields,
  type ContextWithParams,
  type ImportCounts,
  type ImportRow,
  type Outcome,
  type RowResult,
} from './upsert';

/**
 * The archives (R-AR-1, R-CT-1): housekeepers (家政服务人员档案) with their movement log
 * (新到 / 上岗 / 返回 / 辞职), and contracts (家庭服务雇佣居间合同) with their chain of terms.
 * Create, read, patch, and a bulk import from JSON or a spreadsheet saved as CSV (upsert by
 * housekeeper code / contract number; one report line per bad row; a bad row never stops the
 * good ones). The audit trail (R-SC-2) is written in the same transaction as every change and
 * read back with `GET /api/audit`.
 *
 * Personal data (R-SC-1): a housekeeper's name, phone, ID number and emergency contacts are
 * encrypted at rest by the entity's column transformers and come back decrypted only from the
 * housekeeper endpoints. The audit trail names personal fields without their values (`diff`), log
 * lines carry counts and ids only, and refusal reasons never repeat a phone or an ID number.
 *
 * Housekeeper codes and contract numbers are kept in upper case: then the unique index means the
 * same on SQLite and MariaDB (whose collation ignores case) and every lookup can use it.
 */

/** 50,000 contracts are about 5 MB as CSV. */
const IMPORT_LIMIT_BYTES = 16 * 1024 * 1024;
const IMPORT_MAX_ROWS = 100_000;
/** Rows per transaction: a large import does not hold the (SQLite) write queue for minutes. */
const IMPORT_BATCH_ROWS = 500;
const PROGRESS_EVERY_ROWS = 1000;
/** This many rows refused by the database one after another means the database is the problem, not the rows. */
const IMPORT_MAX_FAILED_IN_A_ROW = 20;
const ACTOR = 'admin';
const MAX_AMOUNT_FEN = 1_000_000_000; // 10 million yuan: well inside a 32-bit INT

export const MOVEMENT_KINDS = ['new', 'on_duty', 'returned', 'resigned'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export const MOVEMENT_LABELS: Record<MovementKind, string> = { new: '新到', on_duty: '上岗', returned: '返回', resigned: '辞职' };
const HOUSEKEEPER_STATUSES: readonly HousekeeperStatus[] = MOVEMENT_KINDS;
const CONTRACT_STATUSES: readonly ContractStatus[] = ['active', 'renewed', 'ended', 'terminated'];

// ---------------------------------------------------------------- values

const chars = (value: string) => [...value].length;
const pad = (n: number) => String(n).padStart(2, '0');

/** A real calendar day as YYYY-MM-DD; spreadsheets' 2026/1/5, 2026.1.5 and 2026年1月5日 are read too. */
export function calendarDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1900 || year > 2199) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The instant a calendar day begins in the business time zone (what a movement's `at` holds). */
export function dayStart(day: string, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number);
  // noon UTC lies within the same local day in every zone from UTC-11 to UTC+11
  const probe = Date.UTC(year, month - 1, date, 12);
  const local = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(probe);
  const [h, min] = local.split(':').map(Number);
  return probe - (h * 60 + min) * 60_000;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARACTERS = '10X98765432';

/**
 * A mainland resident ID number (GB 11643): 6-digit region, 8-digit date of birth, 3-digit
 * sequence, and a check character (ISO 7064 MOD 11-2, X for 10). Returns the upper-case number or
 * why it is not one — without repeating it.
 */
export function checkIdNumber(value: string, today?: string): { idNumber: string } | { problem: string } {
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { problem: 'idNumber must be 18 characters: 17 digits and a check digit (0-9 or X)' };
  if (id[0] === '0') return { problem: 'idNumber does not start with a region code' };
  const birth = calendarDay(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
  if (!birth || (today !== undefined && birth > today)) return { problem: 'idNumber does not hold a valid date of birth' };
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  if (ID_CHECK_CHARACTERS[sum % 11] !== id[17]) return { problem: 'idNumber check digit does not match (mistyped?)' };
  return { idNumber: id };
}

/** A mobile number (11 digits), or with `landline` also a fixed line with its area code. */
function phoneValue(field: string, value: unknown, problems: string[], landline = false): string | undefined {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  const digits = /^[+\d\s()-]{5,24}$/.test(text) ? normalisePhone(text) : '';
  if (/^1[3-9]\d{9}$/.test(digits) || (landline && /^0\d{9,11}$/.test(digits))) return digits;
  problems.push(landline ? `${field} must be a mobile number or a landline with its area code` : `${field} must be a mobile number (11 digits)`);
  return undefined;
}

/** ¥8,800.50 → 880050 fen. */
function amountValue(value: unknown, problems: string[]): number | undefined {
  let fen: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const cents = Math.round(value * 100);
    if (Math.abs(value * 100 - cents) < 1e-6) fen = cents;
  } else if (typeof value === 'string') {
    const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value.trim().replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '').replace(/,(?=\d{3}(\D|$))/g, ''));
    if (match) fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  }
  if (fen === undefined || fen > MAX_AMOUNT_FEN) {
    problems.push('amountYuan must be an amount in yuan (0 to 10,000,000, at most 2 decimals)');
    return undefined;
  }
  return fen;
}

/** Codes and numbers: 1-32 characters without spaces, commas or quotes, kept in upper case. */
function codeValue(field: string, value: unknown, problems: string[]): string | undefined {
  const code = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : '';
  if (code === '') {
    problems.push(`${field} missing`);
    return undefined;
  }
  if (!/^[^\s,，"]+$/u.test(code) || chars(code) > 32) {
    problems.push(`${field} must be 1-32 characters without spaces, commas or quotes`);
    return undefined;
  }
  return code.toUpperCase();
}

function textValue(field: string, value: unknown, max: number, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || chars(value.trim()) > max) {
    problems.push(`${field} must be 1-${max} characters`);
    return undefined;
  }
  return value.trim();
}

/** `null` or '' clears a nullable field. */
const isClear = (value: unknown) => value === null || (typeof value === 'string' && value.trim() === '');

function dayValue(field: string, value: unknown, problems: string[]): string | undefined {
  const day = calendarDay(value);
  if (!day) problems.push(`${field} must be a real date (YYYY-MM-DD)`);
  return day;
}

const SKILL_SEPARATORS = /[,，、|;；\s]+/;

function splitSkills(skills: string | null | undefined): string[] {
  return (skills ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------- housekeeper fields

export interface EmergencyContact {
  name: string;
  relation?: string;
  phone: string;
}

interface HousekeeperInput {
  code?: string;
  name?: string;
  phone?: string | null;
  idNumber?: string | null;
  emergencyContacts?: EmergencyContact[] | null;
  skills?: string[];
  store?: string | null;
}

const HOUSEKEEPER_FIELDS = ['code', 'name', 'phone', 'idNumber', 'emergencyContacts', 'skills', 'store'] as const;

/** A contact as an object, or as text "name|relation|phone" / "name phone". */
function contactValue(value: unknown, index: number, problems: string[]): EmergencyContact | undefined {
  const label = `emergencyContacts[${index + 1}]`;
  let raw: { name?: unknown; relation?: unknown; phone?: unknown };
  if (typeof value === 'string') {
    const parts = value.split(/[|/／,，:：\s]+/).filter(Boolean);
    if (parts.length < 2 || parts.length > 3) {
      problems.push(`${label}: write a contact as name|relation|phone`);
      return undefined;
    }
    raw = { name: parts[0], relation: parts.length === 3 ? parts[1] : undefined, phone: parts[parts.length - 1] };
  } else if (isObject(value)) {
    const extra = Object.keys(value).filter((k) => !['name', 'relation', 'phone'].includes(k));
    if (extra.length) problems.push(`${label}: unknown field ${extra[0].slice(0, 40)}`);
    raw = value;
  } else {
    problems.push(`${label} must be { name, relation, phone }`);
    return undefined;
  }
  const before = problems.length;
  const name = textValue(`${label}.name`, raw.name, 64, problems);
  const relation = raw.relation === undefined || raw.relation === null || raw.relation === '' ? undefined : textValue(`${label}.relation`, raw.relation, 16, problems);
  const phone = phoneValue(`${label}.phone`, raw.phone, problems, true);
  if (problems.length > before) return undefined;
  return relation ? { name: name!, relation, phone: phone! } : { name: name!, phone: phone! };
}

function parseHousekeeperFields(body: Record<string, unknown>, problems: string[], today: string): HousekeeperInput {
  if (body.status !== undefined) problems.push('status follows the movement log: POST /api/housekeepers/:id/movements');
  unknownFields(body, [...HOUSEKEEPER_FIELDS, 'status'], problems);
  const fields: HousekeeperInput = {};
  if (body.code !== undefined) fields.code = codeValue('code', body.code, problems);
  if (body.name !== undefined) fields.name = textValue('name', body.name, 64, problems);
  if (body.phone !== undefined) fields.phone = isClear(body.phone) ? null : phoneValue('phone', body.phone, problems);
  if (body.idNumber !== undefined) {
    if (isClear(body.idNumber)) fields.idNumber = null;
    else if (typeof body.idNumber !== 'string') problems.push('idNumber must be text (18 characters)');
    else {
      const checked = checkIdNumber(body.idNumber, today);
      if ('problem' in checked) problems.push(checked.problem);
      else fields.idNumber = checked.idNumber;
    }
  }
  if (body.emergencyContacts !== undefined) {
    const value = body.emergencyContacts;
    const list = isClear(value) ? [] : typeof value === 'string' ? value.split(/[;；\n]+/).filter((c) => c.trim() !== '') : Array.isArray(value) ? value : undefined;
    if (!list) problems.push('emergencyContacts must be a list of { name, relation, phone }');
    else if (list.length > 5) problems.push('emergencyContacts: at most 5 contacts');
    else {
      const before = problems.length;
      const contacts = list.map((c, i) => contactValue(c, i, problems));
      if (problems.length === before) fields.emergencyContacts = contacts.length ? (contacts as EmergencyContact[]) : null;
    }
  }
  if (body.skills !== undefined) {
    const list = typeof body.skills === 'string' ? [body.skills] : body.skills;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) problems.push('skills must be a list of skills (月嫂, 育儿嫂…) or one comma-separated text');
    else {
      const skills = [...new Set(list.flatMap((s: string) => s.split(SKILL_SEPARATORS).map((x) => x.trim())).filter(Boolean))];
      if (skills.some((s) => chars(s) > 16)) problems.push('skills: each skill must be at most 16 characters');
      else if (skills.length > 20 || skills.join(',').length > 200) problems.push('skills: at most 20 skills, 200 characters in all');
      else fields.skills = skills;
    }
  }
  if (body.store !== undefined) {
    if (isClear(body.store)) fields.store = null;
    else if (typeof body.store === 'string') fields.store = body.store.trim();
    else problems.push('store must be a store code or null');
  }
  return fields;
}

// ---------------------------------------------------------------- contract fields

type ContractCustomer = { id: number } | { phone: string };

interface ContractInput {
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

const CONTRACT_FIELDS = [
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

function reference(field: string, value: unknown, problems: string[], what: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (isClear(value)) return null;
  if (typeof value === 'string') return value.trim();
  problems.push(`${field} must be ${what} or null`);
  return undefined;
}

function parseContractFields(body: Record<string, unknown>, problems: string[]): ContractInput {
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

// ---------------------------------------------------------------- lookups shared by a request or an import

/**
 * A cache that an import batch writes into provisionally: `set` is seen by the rest of the batch,
 * `commit` keeps it once the batch's transaction committed, `discard` forgets it after a rollback.
 * `null` means "known not to exist".
 */
class Cache<V> {
  private readonly base = new Map<string, V | null>();
  private readonly pending = new Map<string, V | null>();

  has(key: string): boolean {
    return this.pending.has(key) || this.base.has(key);
  }

  get(key: string): V | null | undefined {
    return this.pending.has(key) ? this.pending.get(key) : this.base.get(key);
  }

  /** A fact read from the database. */
  known(key: string, value: V | null): void {
    this.base.set(key, value);
  }

  /** A write of the current transaction. */
  set(key: string, value: V | null): void {
    this.pending.set(key, value);
  }

  commit(): void {
    for (const [key, value] of this.pending) this.base.set(key, value);
    this.pending.clear();
  }

  discard(): void {
    this.pending.clear();
  }
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Stores and staff (few, loaded whole); contracts, customers and housekeepers on demand. */
class Lookups {
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

// ---------------------------------------------------------------- saving, with the audit trail

interface Session {
  manager: EntityManager;
  lookups: Lookups;
  now: number;
  timeZone: string;
  /** Audit actions of an import are `<subject>.import_create` / `.import_update`. */
  via: 'api' | 'import';
}

/** A saved archive (housekeeper or contract) and what saving it did. */
interface Saved<E> {
  archive: E;
  outcome: Outcome;
}

const action = (session: Session, subject: string, change: 'create' | 'update') => `${subject}.${session.via === 'import' ? 'import_' : ''}${change}`;

function withoutNulls(view: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== null && value !== undefined && value !== ''));
}

function housekeeperView(h: Partial<Housekeeper>) {
  return {
    code: h.code,
    name: h.name,
    phone: h.phone ?? null,
    idNumber: h.idNumber ?? null,
    emergencyContacts: h.emergencyContacts?.length ? h.emergencyContacts : null,
    skills: h.skills ?? '',
    storeId: h.storeId ?? null,
    status: h.status,
  };
}

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

async function saveHousekeeper(session: Session, existing: Housekeeper | null, input: HousekeeperInput, problems: string[]): Promise<Saved<Housekeeper> | undefined> {
  const { manager, lookups, now } = session;
  if (!existing) requireFields(input as Record<string, unknown>, ['code', 'name'], problems);
  const values: Partial<Housekeeper> = {};
  if (input.code !== undefined) values.code = input.code;
  if (input.name !== undefined) values.name = input.name;
  if (input.phone !== undefined) values.phone = input.phone;
  if (input.idNumber !== undefined) values.idNumber = input.idNumber;
  if (input.emergencyContacts !== undefined) values.emergencyContacts = input.emergencyContacts;
  if (input.skills !== undefined) values.skills = input.skills.join(',');
  if (input.store !== undefined) {
    if (input.store === null) values.storeId = null;
    else {
      const store = lookups.store(input.store);
      if (!store) problems.push(`unknown store code: ${input.store.slice(0, 40)}`);
      else values.storeId = store.id;
    }
  }
  if (problems.length) return undefined;

  if (existing) {
    const merged = Object.assign(new Housekeeper(), existing, values);
    const changes = diff(housekeeperView(existing), housekeeperView(merged));
    if (Object.keys(changes).length === 0) return { archive: existing, outcome: 'unchanged' };
    await manager.update(Housekeeper, { id: existing.id }, Object.fromEntries(Object.keys(changes).map((key) => [key, merged[key as keyof Housekeeper]])));
    await audit(manager, { actor: ACTOR, action: action(session, 'housekeeper', 'update'), subject: 'housekeeper', subjectId: existing.id, changes }, now);
    if (existing.code !== merged.code) {
      lookups.housekeepers.set(existing.code, null);
      lookups.housekeeperIds.set(existing.code, null);
    }
    lookups.rememberHousekeeper(merged);
    return { archive: merged, outcome: 'updated' };
  }

  const row = {
    code: values.code!,
    name: values.name!,
    phone: values.phone ?? null,
    idNumber: values.idNumber ?? null,
    emergencyContacts: values.emergencyContacts ?? null,
    skills: values.skills ?? '',
    storeId: values.storeId ?? null,
    status: 'new' as HousekeeperStatus,
    createdAt: now,
  };
  const result = await manager.insert(Housekeeper, row);
  const housekeeper = Object.assign(new Housekeeper(), row, { id: Number(result.identifiers[0].id) });
  await audit(manager, { actor: ACTOR, action: action(session, 'housekeeper', 'create'), subject: 'housekeeper', subjectId: housekeeper.id, changes: diff({}, withoutNulls(housekeeperView(housekeeper))) }, now);
  // every archive starts with 新到, dated the day it was created
  await addMovement(session, housekeeper, 'new', isoDay(now, session.timeZone), null);
  lookups.rememberHousekeeper(housekeeper);
  return { archive: housekeeper, outcome: 'created' };
}

/** Appends to the movement log; the status is the kind of the latest movement by date. */
async function addMovement(session: Session, housekeeper: Housekeeper, kind: MovementKind, date: string, note: string | null): Promise<HousekeeperStatus> {
  const { manager, now } = session;
  await manager.insert(HousekeeperMovement, { housekeeperId: housekeeper.id, kind, note, at: dayStart(date, session.timeZone) });
  const latest = await manager.findOne(HousekeeperMovement, { where: { housekeeperId: housekeeper.id }, order: { at: 'DESC', id: 'DESC' } });
  const status = (latest?.kind ?? kind) as HousekeeperStatus;
  if (status !== housekeeper.status) await manager.update(Housekeeper, { id: housekeeper.id }, { status });
  const changes = diff({ status: housekeeper.status }, { status, movement: kind, date, note });
  await audit(manager, { actor: ACTOR, action: 'housekeeper.movement', subject: 'housekeeper', subjectId: housekeeper.id, changes }, now);
  return status;
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
  await audit(manager, { actor: ACTOR, action: action(session, 'customer', 'create'), subject: 'customer', subjectId: customer.id, changes: diff({}, view) }, now);
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

async function saveContract(session: Session, existing: Contract | null, input: ContractInput, problems: string[]): Promise<Saved<Contract> | undefined> {
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
    if (input.store === null) values.storeId = null;
    else {
      const store = lookups.store(input.store);
      if (!store) problems.push(`unknown store code: ${input.store.slice(0, 40)}`);
      else values.storeId = store.id;
    }
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
    await audit(manager, { actor: ACTOR, action: action(session, 'customer', 'update'), subject: 'customer', subjectId: customer.id, changes: diff({ name: null }, { name: input.customerName }) }, now);
    lookups.rememberCustomer(Object.assign(new Customer(), customer, { name: input.customerName }));
  }

  let contract: Contract;
  let outcome: Outcome;
  if (existing) {
    const changes = diff(contractView(existing), contractView(merged));
    if (Object.keys(changes).length === 0) return { archive: existing, outcome: 'unchanged' };
    await manager.update(Contract, { id: existing.id }, Object.fromEntries(Object.keys(changes).map((key) => [key, merged[key as keyof Contract]])));
    await audit(manager, { actor: ACTOR, action: action(session, 'contract', 'update'), subject: 'contract', subjectId: existing.id, changes }, now);
    if (existing.number !== merged.number) lookups.contracts.set(existing.number, null);
    contract = merged;
    outcome = 'updated';
  } else {
    const { id: _none, ...row } = merged;
    const result = await manager.insert(Contract, row);
    contract = Object.assign(new Contract(), row, { id: Number(result.identifiers[0].id) });
    await audit(manager, { actor: ACTOR, action: action(session, 'contract', 'create'), subject: 'contract', subjectId: contract.id, changes: diff({}, withoutNulls(contractView(contract))) }, now);
    outcome = 'created';
  }
  lookups.contracts.set(contract.number, contract);

  // linking a term to its predecessor is a renewal of the predecessor, as the renewal flow records it
  if (previous && linking && (previous.status === 'active' || previous.status === 'ended')) {
    const after = { status: 'renewed' as ContractStatus, renewalOutcome: 'renewed' as const };
    await manager.update(Contract, { id: previous.id }, after);
    const changes = diff({ status: previous.status, renewalOutcome: previous.renewalOutcome, nextTerm: null }, { ...after, nextTerm: contract.id });
    await audit(manager, { actor: ACTOR, action: 'contract.renewed', subject: 'contract', subjectId: previous.id, changes }, now);
    lookups.contracts.set(previous.number, Object.assign(new Contract(), previous, after));
  }
  return { archive: contract, outcome };
}

// ---------------------------------------------------------------- JSON shapes

function housekeeperSummary(h: Housekeeper, storeCode: string | null) {
  return {
    id: h.id,
    code: h.code,
    name: h.name,
    phone: h.phone ?? null,
    skills: splitSkills(h.skills),
    storeId: h.storeId ?? null,
    storeCode: h.storeId === null || h.storeId === undefined ? null : storeCode,
    status: h.status,
  };
}

function movementJson(m: HousekeeperMovement, timeZone: string) {
  const kind = m.kind as MovementKind;
  return { id: m.id, kind, label: MOVEMENT_LABELS[kind] ?? kind, date: isoDay(m.at, timeZone), note: m.note ?? null };
}

function contractJson(c: Contract, names: Names) {
  return {
    id: c.id,
    number: c.number,
    customerId: c.customerId,
    housekeeperId: c.housekeeperId ?? null,
    housekeeperCode: c.housekeeperId === null ? null : (names.housekeepers.get(c.housekeeperId) ?? null),
    storeId: c.storeId ?? null,
    storeCode: c.storeId === null ? null : (names.stores.get(c.storeId) ?? null),
    consultantId: c.consultantId ?? null,
    consultant: c.consultantId === null ? null : (names.staff.get(c.consultantId) ?? null),
    serviceType: c.serviceType ?? null,
    startDate: c.startDate,
    arrivalDate: c.arrivalDate ?? null,
    endDate: c.endDate,
    amountFen: c.amountFen,
    amountYuan: (c.amountFen / 100).toFixed(2),
    status: c.status,
    previousId: c.previousId ?? null,
    renewalOutcome: c.renewalOutcome ?? null,
    renewalPromptAt: iso(c.renewalPromptAt),
    createdAt: iso(c.createdAt),
  };
}

/** Codes for the ids a page of contracts refers to. */
interface Names {
  housekeepers: Map<number, string>;
  stores: Map<number, string>;
  staff: Map<number, string>;
}

async function namesFor(manager: EntityManager, contracts: Contract[]): Promise<Names> {
  const ids = (pick: (c: Contract) => number | null) => [...new Set(contracts.map(pick).filter((id): id is number => id !== null))];
  const housekeeperIds = ids((c) => c.housekeeperId);
  const staffIds = ids((c) => c.consultantId);
  const housekeepers = housekeeperIds.length ? await manager.find(Housekeeper, { where: { id: In(housekeeperIds) }, select: { id: true, code: true } }) : [];
  const staff = staffIds.length ? await manager.find(Staff, { where: { id: In(staffIds) }, select: { id: true, wecomUserId: true } }) : [];
  const stores = await manager.find(Store, { select: { id: true, code: true } });
  return {
    housekeepers: new Map(housekeepers.map((h) => [h.id, h.code])),
    stores: new Map(stores.map((s) => [s.id, s.code])),
    staff: new Map(staff.map((s) => [s.id, s.wecomUserId])),
  };
}

/**
 * The terms a contract belongs to, oldest first. Renewals are terms of the same customer, so the
 * chain is found among the customer's contracts (indexed) rather than by previousId (not indexed).
 */
async function chainOf(manager: EntityManager, contract: Contract): Promise<Contract[]> {
  const family = await manager.find(Contract, { where: { customerId: contract.customerId }, order: { id: 'ASC' } });
  const byId = new Map(family.map((c) => [c.id, c]));
  const nextOf = new Map<number, Contract>();
  for (const c of family) if (c.previousId !== null && !nextOf.has(c.previousId)) nextOf.set(c.previousId, c);
  const terms = [contract];
  const visited = new Set([contract.id]);
  for (let current = contract; current.previousId !== null; ) {
    const previous = byId.get(current.previousId) ?? (await manager.findOneBy(Contract, { id: current.previousId }));
    if (!previous || visited.has(previous.id)) break;
    visited.add(previous.id);
    terms.unshift(previous);
    current = previous;
  }
  for (let next = nextOf.get(contract.id); next && !visited.has(next.id); next = nextOf.get(next.id)) {
    visited.add(next.id);
    terms.push(next);
  }
  return terms;
}

function auditJson(entry: AuditEntry) {
  let changes: unknown = null;
  try {
    changes = entry.changes ? JSON.parse(entry.changes) : null;
  } catch {
    changes = entry.changes;
  }
  return { id: entry.id, actor: entry.actor, action: entry.action, subject: entry.subject, subjectId: entry.subjectId ?? null, changes, at: iso(entry.at) };
}

// ---------------------------------------------------------------- import

/** An archive's key: a housekeeper's code, a contract's number. */
type ArchiveKey = 'code' | 'number';

type ImportReport = { total: number } & ImportCounts<ArchiveKey>;

const HOUSEKEEPER_CSV: CsvTableShape = {
  columns: HOUSEKEEPER_FIELDS,
  required: ['code', 'name'],
  aliases: { 编号: 'code', 阿姨编号: 'code', 姓名: 'name', 电话: 'phone', 手机: 'phone', 手机号: 'phone', 身份证号: 'idNumber', 身份证: 'idNumber', 紧急联系人: 'emergencyContacts', 技能: 'skills', 门店: 'store' },
};

const CONTRACT_CSV: CsvTableShape = {
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

function importRows(text: string, csv: boolean, shape: CsvTableShape): ImportRow[] {
  let rows: ImportRow[];
  if (csv) rows = csvTable(text, shape);
  else {
    const body = parseJson(text, 'a JSON object { rows: [...] }');
    if (!isObject(body)) throw new ApiError(400, 'the body must be a JSON object { rows: [...] }');
    const extra = Object.keys(body).filter((k) => k !== 'rows');
    if (extra.length) throw new ApiError(400, `unknown field: ${extra[0].slice(0, 40)} (expected rows)`);
    if (!Array.isArray(body.rows)) throw new ApiError(400, 'rows must be a list');
    rows = body.rows.map((fields, i) => ({ row: i + 1, fields }));
  }
  if (rows.length > IMPORT_MAX_ROWS) throw new ApiError(413, `more than ${IMPORT_MAX_ROWS} rows: split the file`);
  return rows;
}

/** A row checked without the database: its key (code / number), its fields, or why it is refused. */
interface Prepared<I> {
  row: number;
  key?: string;
  input?: I;
  problems: string[];
}

/** Checks an uploaded row without the database: its fields one by one, and that it gives its key. */
function prepareRow<I, E extends { id: number }>(archives: ArchiveKind<I, E>, { row, fields, problem }: ImportRow, today: string): Prepared<I> {
  const problems = problem ? [problem] : [];
  if (!isObject(fields)) return { row, problems: [`a ${archives.noun} must be an object`] };
  const input = archives.parse(fields, problems, today);
  if (fields[archives.keyName] === undefined) problems.push(`${archives.keyName} missing`);
  return { row, key: archives.key(input), input, problems };
}

type ArchiveRowResult = RowResult<ArchiveKey>;

/**
 * Runs an import in transactions of IMPORT_BATCH_ROWS rows. A row that is refused is reported and
 * skipped; a batch that fails in the database (a row written at the same moment by someone else)
 * is rolled back and done again one row per transaction, so only the row at fault is lost.
 */
async function runImport<I, E extends { id: number }>(
  db: Database,
  log: Logger,
  archives: ArchiveKind<I, E>,
  lookups: Lookups,
  rows: Prepared<I>[],
  one: (manager: EntityManager, row: Prepared<I>) => Promise<ArchiveRowResult>,
): Promise<ImportReport> {
  const kind = archives.path;
  const report: ImportReport = { total: rows.length, created: 0, updated: 0, unchanged: 0, rejected: [] };
  const batchOf = (batch: Prepared<I>[]) =>
    db.write(async (manager) => {
      await archives.preloadBatch(manager, lookups, batch);
      const results: ArchiveRowResult[] = [];
      for (const row of batch) results.push(await one(manager, row));
      return results;
    });
  log.info({ import: kind, total: rows.length }, 'import started');
  let done = 0;
  let failedInARow = 0;
  for (let start = 0; start < rows.length; start += IMPORT_BATCH_ROWS) {
    const batch = rows.slice(start, start + IMPORT_BATCH_ROWS);
    try {
      const results = await batchOf(batch);
      lookups.commit();
      for (const result of results) tally(report, result);
    } catch (error) {
      lookups.discard();
      log.warn({ import: kind, firstRow: batch[0].row, code: driverCode(error) }, 'import batch failed: retrying its rows one by one');
      for (const row of batch) {
        try {
          const [result] = await batchOf([row]);
          lookups.commit();
          tally(report, result);
          failedInARow = 0;
        } catch (rowError) {
          lookups.discard();
          if (++failedInARow >= IMPORT_MAX_FAILED_IN_A_ROW) {
            log.error({ import: kind, row: row.row, code: driverCode(rowError), done }, 'import stopped: the database refuses every row');
            throw new ApiError(503, `import stopped at row ${row.row}: the database refused ${IMPORT_MAX_FAILED_IN_A_ROW} rows in a row. Rows before it were saved; importing the file again is safe`);
          }
          const reason = isUniqueViolation(rowError) ? 'written at the same time by someone else: import this row again' : 'could not be saved (database error)';
          log.error({ import: kind, row: row.row, code: driverCode(rowError) }, 'import row failed');
          tally(report, rejectedRow(row.row, archives.keyName, row.key, [reason]));
        }
      }
    }
    const before = done;
    done += batch.length;
    if (Math.floor(done / PROGRESS_EVERY_ROWS) > Math.floor(before / PROGRESS_EVERY_ROWS)) log.info({ import: kind, done, total: rows.length }, 'import progress');
  }
  report.rejected.sort((a, b) => a.row - b.row);
  log.info({ import: kind, audit: `${kind}_imported`, by: ACTOR, total: report.total, created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected.length }, 'import finished');
  return report;
}

// ---------------------------------------------------------------- routes

/**
 * One kind of archive as the create, patch and import routes handle it: housekeepers by code,
 * contracts by number. `I`: its parsed fields; `E`: its entity.
 */
interface ArchiveKind<I, E extends { id: number }> {
  /** Its routes under /api/ (also the import's name in the logs). */
  path: 'housekeepers' | 'contracts';
  /** As messages name one: "a housekeeper with code … already exists". */
  noun: 'housekeeper' | 'contract';
  keyName: ArchiveKey;
  /** The fields a body may give, named when a patch gives none. */
  fields: readonly string[];
  csv: CsvTableShape;
  /** `today` (YYYY-MM-DD, business time zone) bounds dates that cannot lie in the future. */
  parse(body: Record<string, unknown>, problems: string[], today: string): I;
  key(input: I): string | undefined;
  /** What a create must give beyond valid values for the fields it gives. */
  requireForNew(body: Record<string, unknown>, problems: string[]): void;
  find(manager: EntityManager, lookups: Lookups, key: string): Promise<E | null>;
  /** Writes with the audit trail; undefined (with `problems` told why) where the database refuses the input, e.g. an unknown store. */
  save(session: Session, existing: E | null, input: I, problems: string[]): Promise<Saved<E> | undefined>;
  /** Reads an import needs once, before its first batch. */
  preloadImport?(manager: EntityManager, lookups: Lookups): Promise<void>;
  /** Reads a batch needs, made in a few queries rather than one per row. */
  preloadBatch(manager: EntityManager, lookups: Lookups, batch: Prepared<I>[]): Promise<void>;
  or404(manager: EntityManager, id: number): Promise<E>;
  /** The JSON of one archive as GET /api/<path>/:id sends it. */
  detail(manager: EntityManager, archive: E): Promise<unknown>;
}

/**
 * `clock` gives "now" (createdAt, audit times, today's date for a new archive and for
 * refusing future movements); `timeZone` is the business time zone of movement dates.
 */
export function archiveRoutes(db: Database, log: Logger, clock: () => number, timeZone = 'Asia/Shanghai'): Router {
  const router = new Router();
  const today = () => isoDay(clock(), timeZone);
  const session = (manager: EntityManager, lookups: Lookups, via: Session['via'] = 'api'): Session => ({ manager, lookups, now: clock(), timeZone, via });

  const housekeeperOr404 = (manager: EntityManager, id: number) => findOr404(manager, Housekeeper, id, 'no such housekeeper');
  const contractOr404 = (manager: EntityManager, id: number) => findOr404(manager, Contract, id, 'no such contract');

  const housekeeperDetail = async (manager: EntityManager, h: Housekeeper) => {
    const store = h.storeId === null ? null : await manager.findOneBy(Store, { id: h.storeId });
    const movements = await manager.find(HousekeeperMovement, { where: { housekeeperId: h.id }, order: { at: 'ASC', id: 'ASC' } });
    return {
      ...housekeeperSummary(h, store?.code ?? null),
      idNumber: h.idNumber ?? null,
      emergencyContacts: h.emergencyContacts ?? [],
      createdAt: iso(h.createdAt),
      movements: movements.map((m) => movementJson(m, timeZone)),
    };
  };

  const contractDetail = async (manager: EntityManager, c: Contract) => {
    const terms = await chainOf(manager, c);
    const customer = await manager.findOneBy(Customer, { id: c.customerId });
    const index = terms.findIndex((t) => t.id === c.id);
    const brief = (t: Contract | undefined) => (t ? { id: t.id, number: t.number, startDate: t.startDate, endDate: t.endDate, status: t.status } : null);
    return {
      ...contractJson(c, await namesFor(manager, [c])),
      customer: customer ? { id: customer.id, name: customer.name ?? null, phone: customer.phone ? maskPhone(customer.phone) : null } : null,
      previous: brief(terms[index - 1]),
      next: brief(terms[index + 1]),
      terms: terms.map(brief),
    };
  };

  const housekeepers: ArchiveKind<HousekeeperInput, Housekeeper> = {
    path: 'housekeepers',
    noun: 'housekeeper',
    keyName: 'code',
    fields: HOUSEKEEPER_FIELDS,
    csv: HOUSEKEEPER_CSV,
    parse: parseHousekeeperFields,
    key: (input) => input.code,
    requireForNew: (body, problems) => requireFields(body, ['code', 'name'], problems),
    find: (manager, lookups, code) => lookups.housekeeper(manager, code),
    save: saveHousekeeper,
    preloadBatch: (manager, lookups, batch) => lookups.preloadHousekeepers(manager, batch.flatMap((r) => (r.key ? [r.key] : []))),
    or404: housekeeperOr404,
    detail: housekeeperDetail,
  };

  const contracts: ArchiveKind<ContractInput, Contract> = {
    path: 'contracts',
    noun: 'contract',
    keyName: 'number',
    fields: CONTRACT_FIELDS,
    csv: CONTRACT_CSV,
    parse: parseContractFields,
    key: (input) => input.number,
    requireForNew: (body, problems) => {
      if (body.customerPhone === undefined && body.customerId === undefined) problems.push('customerPhone or customerId missing');
      requireFields(body, ['number', 'startDate', 'endDate'], problems);
    },
    find: (manager, lookups, number) => lookups.contract(manager, number),
    save: saveContract,
    // contracts refer to many housekeepers: all their ids in one query
    preloadImport: (manager, lookups) => lookups.preloadHousekeeperIds(manager),
    preloadBatch: async (manager, lookups, batch) => {
      const inputs = batch.flatMap((r) => (r.input && r.problems.length === 0 ? [r.input] : []));
      await lookups.preloadContracts(manager, inputs.flatMap((i) => [i.number, i.previousNumber].filter((n): n is string => typeof n === 'string')));
      const phones = inputs.flatMap((i) => (i.customer && 'phone' in i.customer ? [i.customer.phone] : []));
      const ids = inputs.flatMap((i) => (i.customer && 'id' in i.customer ? [i.customer.id] : []));
      await lookups.preloadCustomers(manager, phones, ids);
    },
    or404: contractOr404,
    detail: contractDetail,
  };

  /** The archive as GET /api/<path>/:id shows it, read after the write committed. */
  const showArchive = async <I, E extends { id: number }>(archives: ArchiveKind<I, E>, id: number) =>
    archives.detail(db.reader, await archives.or404(db.reader, id));

  const keyTaken = <I, E extends { id: number }>(archives: ArchiveKind<I, E>, input: I) => alreadyExists(archives.noun, archives.keyName, archives.key(input));

  /** POST /api/<path>: a new archive, refused with 409 when its key is taken. */
  const createArchive = <I, E extends { id: number }>(ctx: Context, archives: ArchiveKind<I, E>) =>
    createResource(ctx, {
      parse: (body, problems) => archives.parse(body, problems, today()),
      requireForNew: archives.requireForNew,
      conflictMessage: (input) => keyTaken(archives, input),
      save: (input, problems, taken) =>
        db.write(async (manager) => {
          const lookups = await Lookups.load(manager);
          if (await archives.find(manager, lookups, archives.key(input)!)) throw new ApiError(409, taken);
          const saved = await archives.save(session(manager, lookups), null, input, problems);
          refuse(problems);
          return saved!.archive;
        }),
      location: (archive) => `/api/${archives.path}/${archive.id}`,
      detail: (archive) => showArchive(archives, archive.id),
    });

  /** PATCH /api/<path>/:id: the given fields; a new key must not be another archive's. */
  const patchArchive = <I, E extends { id: number }>(ctx: ContextWithParams, archives: ArchiveKind<I, E>) =>
    patchResource(ctx, {
      parse: (body, problems) => archives.parse(body, problems, today()),
      changeable: archives.fields,
      conflictMessage: (input) => keyTaken(archives, input),
      save: (id, input, problems, taken) =>
        db.write(async (manager) => {
          const existing = await archives.or404(manager, id);
          const lookups = await Lookups.load(manager);
          const key = archives.key(input);
          const clash = key ? await archives.find(manager, lookups, key) : null;
          if (clash && clash.id !== id) throw new ApiError(409, taken);
          await archives.save(session(manager, lookups), existing, input, problems);
          refuse(problems);
          return id;
        }),
      detail: (id) => showArchive(archives, id),
    });

  /** POST /api/import/<path>: upsert by key, one report line per refused row. */
  const importArchives = async <I, E extends { id: number }>(ctx: Context, archives: ArchiveKind<I, E>) => {
    const csv = isCsvUpload(ctx, 'send CSV (text/csv) or JSON { rows: [...] } (application/json)');
    const rows = importRows(await readBodyText(ctx, IMPORT_LIMIT_BYTES), csv, archives.csv);
    const day = today();
    const prepared = rows.map((row) => prepareRow(archives, row, day));
    const lookups = await Lookups.load(db.reader);
    await archives.preloadImport?.(db.reader, lookups);
    ctx.body = await runImport(db, log, archives, lookups, prepared, async (manager, { row, key, input, problems }) => {
      const { keyName } = archives;
      const reasons = [...problems];
      const earlier = key ? lookups.seen.get(key) : undefined;
      if (key && earlier) reasons.push(`${keyName} ${key} already appears in row ${earlier}`);
      if (reasons.length || !input || !key) return rejectedRow(row, keyName, key, reasons);
      const existing = await archives.find(manager, lookups, key);
      const saved = await archives.save(session(manager, lookups, 'import'), existing, input, reasons);
      if (!saved) return rejectedRow(row, keyName, key, reasons);
      lookups.seen.set(key, row);
      return { outcome: saved.outcome };
    });
  };

  // -------- housekeepers

  router.get('/housekeepers', async (ctx) => {
    const status = optionalString(ctx, 'status', HOUSEKEEPER_STATUSES);
    const storeCode = optionalString(ctx, 'store');
    const skill = optionalString(ctx, 'skill');
    const { take, skip } = paging(ctx);
    const where: FindOptionsWhere<Housekeeper> = {};
    if (status) where.status = status as HousekeeperStatus;
    const stores = await db.reader.find(Store);
    if (storeCode !== undefined) {
      const store = stores.find((s) => s.code.toLowerCase() === storeCode.toLowerCase());
      if (!store) throw new ApiError(400, `unknown store code: ${storeCode}`);
      where.storeId = store.id;
    }
    let page: Housekeeper[];
    let total: number;
    if (skill === undefined) {
      [page, total] = await db.reader.findAndCount(Housekeeper, { where, order: { id: 'ASC' }, take, skip });
    } else {
      // skills are one comma-separated column: LIKE narrows, the exact match is made here
      where.skills = Like(`%${skill.replace(/[%_\\]/g, '')}%`);
      const matching = (await db.reader.find(Housekeeper, { where, order: { id: 'ASC' } })).filter((h) => splitSkills(h.skills).includes(skill));
      [page, total] = [matching.slice(skip, skip + take), matching.length];
    }
    const codes = new Map(stores.map((s) => [s.id, s.code]));
    ctx.body = { housekeepers: page.map((h) => housekeeperSummary(h, h.storeId === null ? null : (codes.get(h.storeId) ?? null))), total };
  });

  router.get('/housekeepers/:id', async (ctx) => {
    ctx.body = await housekeeperDetail(db.reader, await housekeeperOr404(db.reader, idParam(ctx.params.id)));
  });

  router.post('/housekeepers', (ctx) => createArchive(ctx, housekeepers));

  router.patch('/housekeepers/:id', (ctx) => patchArchive(ctx, housekeepers));

  router.post('/housekeepers/:id/movements', async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJsonObject(ctx);
    const problems: string[] = [];
    unknownFields(body, ['kind', 'date', 'note'], problems);
    requireFields(body, ['kind', 'date'], problems);
    const kindText = typeof body.kind === 'string' ? body.kind.trim() : '';
    const kind = (MOVEMENT_KINDS as readonly string[]).includes(kindText)
      ? (kindText as MovementKind)
      : (Object.entries(MOVEMENT_LABELS).find(([, label]) => label === kindText)?.[0] as MovementKind | undefined);
    if (body.kind !== undefined && !kind) problems.push(`kind must be one of ${MOVEMENT_KINDS.map((k) => `${k} (${MOVEMENT_LABELS[k]})`).join(', ')}`);
    const date = body.date === undefined ? undefined : dayValue('date', body.date, problems);
    if (date && date > today()) problems.push('date is in the future: the movement log records what happened');
    let note: string | null = null;
    if (body.note !== undefined && !isClear(body.note)) note = textValue('note', body.note, 500, problems) ?? null;
    refuse(problems);
    await db.write(async (manager) => {
      const housekeeper = await housekeeperOr404(manager, id);
      await addMovement(session(manager, await Lookups.load(manager)), housekeeper, kind!, date!, note);
    });
    ctx.status = 201;
    ctx.body = await housekeeperDetail(db.reader, await housekeeperOr404(db.reader, id));
  });

  // -------- contracts

  router.get('/contracts', async (ctx) => {
    const status = optionalString(ctx, 'status', CONTRACT_STATUSES);
    const customerText = optionalString(ctx, 'customerId');
    const housekeeperCode = optionalString(ctx, 'housekeeper');
    const storeCode = optionalString(ctx, 'store');
    const endingText = optionalString(ctx, 'endingBefore');
    const { take, skip } = paging(ctx);
    const where: FindOptionsWhere<Contract> = {};
    if (status) where.status = status as ContractStatus;
    if (customerText !== undefined) {
      if (!/^\d{1,10}$/.test(customerText)) throw new ApiError(400, 'customerId must be a positive whole number');
      where.customerId = Number(customerText);
    }
    if (housekeeperCode !== undefined) {
      const housekeeper = await db.reader.findOne(Housekeeper, { where: { code: housekeeperCode.toUpperCase() }, select: { id: true } });
      if (!housekeeper) throw new ApiError(400, `unknown housekeeper code: ${housekeeperCode}`);
      where.housekeeperId = housekeeper.id;
    }
    if (storeCode !== undefined) {
      const store = (await db.reader.find(Store)).find((s) => s.code.toLowerCase() === storeCode.toLowerCase());
      if (!store) throw new ApiError(400, `unknown store code: ${storeCode}`);
      where.storeId = store.id;
    }
    if (endingText !== undefined) {
      const day = calendarDay(endingText);
      if (!day) throw new ApiError(400, 'endingBefore must be a real date (YYYY-MM-DD)');
      where.endDate = LessThan(day);
    }
    const [contracts, total] = await db.reader.findAndCount(Contract, { where, order: endingText ? { endDate: 'ASC', id: 'ASC' } : { id: 'ASC' }, take, skip });
    const names = await namesFor(db.reader, contracts);
    ctx.body = { contracts: contracts.map((c) => contractJson(c, names)), total };
  });

  router.get('/contracts/:id', async (ctx) => {
    ctx.body = await contractDetail(db.reader, await contractOr404(db.reader, idParam(ctx.params.id)));
  });

  router.post('/contracts', (ctx) => createArchive(ctx, contracts));

  router.patch('/contracts/:id', (ctx) => patchArchive(ctx, contracts));

  // -------- imports

  router.post('/import/housekeepers', (ctx) => importArchives(ctx, housekeepers));

  router.post('/import/contracts', (ctx) => importArchives(ctx, contracts));

  // -------- audit trail

  router.get('/audit', async (ctx) => {
    const subject = optionalString(ctx, 'subject');
    const subjectId = optionalString(ctx, 'subjectId');
    const actionName = optionalString(ctx, 'action');
    const { take, skip } = paging(ctx);
    const where: FindOptionsWhere<AuditEntry> = {};
    if (subject !== undefined) where.subject = subject;
    if (subjectId !== undefined) where.subjectId = idParamNamed('subjectId', subjectId);
    if (actionName !== undefined) where.action = actionName;
    const entries = await db.reader.find(AuditEntry, { where, order: { at: 'DESC', id: 'DESC' }, take, skip });
    ctx.body = { entries: entries.map(auditJson) };
  });

  return router;
}

function idParamNamed(name: string, value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new ApiError(400, `${name} must be a positive whole number`);
  return Number(value);
}
