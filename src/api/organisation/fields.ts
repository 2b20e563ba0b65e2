import { ROLES, type Role, type Staff } from '../../entities/staff';
import type { Store } from '../../entities/store';
import type { CsvTableShape } from '../csv';
import { unknownFields } from '../upsert';

/**
 * Stores and staff as the admin API reads and writes them: the fields a body or a spreadsheet row
 * may give, each checked with one problem per bad value, and the JSON sent back.
 */

export const DEFAULT_WORKING_HOURS = '09:00-18:00';
/** The separators the lead dispatcher splits districts on (src/handlers/leads/dispatch.ts). */
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

export function splitList(value: string | null | undefined, separators: RegExp): string[] {
  return (value ?? '')
    .split(separators)
    .map((item) => item.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------- CSV

export const STAFF_CSV: CsvTableShape = {
  columns: ['wecomUserId', 'name', 'roles', 'store', 'active', 'workingHours'],
  required: ['wecomUserId', 'name', 'roles'],
};

// ---------------------------------------------------------------- field validation

export type StoreRef = { code: string } | { id: number } | null;

export interface StoreFields {
  code?: string;
  name?: string;
  districts?: string[];
  isDefault?: boolean;
}

export interface StaffFields {
  wecomUserId?: string;
  name?: string;
  roles?: Role[];
  store?: StoreRef;
  active?: boolean;
  workingHours?: string;
  wechatId?: string | null;
}

export const STORE_FIELDS = ['code', 'name', 'districts', 'isDefault'];
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

export function booleanField(field: string, value: unknown, problems: string[]): boolean | undefined {
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

export function parseStoreFields(body: Record<string, unknown>, problems: string[]): StoreFields {
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

export function parseStaffFields(body: Record<string, unknown>, problems: string[]): StaffFields {
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
