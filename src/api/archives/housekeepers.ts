import Router from '@koa/router';
import { Like, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Housekeeper, HousekeeperMovement, Store } from '../../entities';
import type { HousekeeperStatus } from '../../entities/housekeeper';
import { isoDay } from '../../handlers/calendar';
import { diff } from '../../handlers/records';
import { auditAdminChange, withoutNulls } from '../audit';
import type { CsvTableShape } from '../csv';
import { ApiError, idParam, iso, optionalString, paging } from '../http';
import { findOr404, isObject, requireFields, unknownFields } from '../upsert';
import { createArchive, patchArchive, type ArchiveKind, type Archives, type Saved, type Session } from './archive';
import { addMovement, MOVEMENT_KINDS, movementJson } from './movements';
import { checkIdNumber, chars, codeValue, isClear, phoneValue, SKILL_SEPARATORS, splitSkills, textValue } from './values';

/**
 * Housekeepers (家政服务人员档案, R-AR-1): create, read, patch by code; the status follows the
 * movement log (./movements). Personal data (R-SC-1): name, phone, ID number and emergency
 * contacts are encrypted at rest by the entity's column transformers and come back decrypted only
 * from these endpoints; the audit trail names those fields without their values.
 */

const HOUSEKEEPER_STATUSES: readonly HousekeeperStatus[] = MOVEMENT_KINDS;

// ---------------------------------------------------------------- fields

export interface EmergencyContact {
  name: string;
  relation?: string;
  phone: string;
}

export interface HousekeeperInput {
  code?: string;
  name?: string;
  phone?: string | null;
  idNumber?: string | null;
  emergencyContacts?: EmergencyContact[] | null;
  skills?: string[];
  store?: string | null;
}

export const HOUSEKEEPER_FIELDS = ['code', 'name', 'phone', 'idNumber', 'emergencyContacts', 'skills', 'store'] as const;

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

export const HOUSEKEEPER_CSV: CsvTableShape = {
  columns: HOUSEKEEPER_FIELDS,
  required: ['code', 'name'],
  aliases: { 编号: 'code', 阿姨编号: 'code', 姓名: 'name', 电话: 'phone', 手机: 'phone', 手机号: 'phone', 身份证号: 'idNumber', 身份证: 'idNumber', 紧急联系人: 'emergencyContacts', 技能: 'skills', 门店: 'store' },
};

// ---------------------------------------------------------------- saving, with the audit trail

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

export async function saveHousekeeper(session: Session, existing: Housekeeper | null, input: HousekeeperInput, problems: string[]): Promise<Saved<Housekeeper> | undefined> {
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
    const storeId = lookups.storeIdOf(input.store, problems);
    if (storeId !== undefined) values.storeId = storeId;
  }
  if (problems.length) return undefined;

  if (existing) {
    const merged = Object.assign(new Housekeeper(), existing, values);
    const changes = diff(housekeeperView(existing), housekeeperView(merged));
    if (Object.keys(changes).length === 0) return { archive: existing, outcome: 'unchanged' };
    await manager.update(Housekeeper, { id: existing.id }, Object.fromEntries(Object.keys(changes).map((key) => [key, merged[key as keyof Housekeeper]])));
    await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'housekeeper', subjectId: existing.id, change: 'update', changes }, now);
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
  const changes = diff({}, withoutNulls(housekeeperView(housekeeper)));
  await auditAdminChange(manager, { via: session.via, actor: session.actor, subject: 'housekeeper', subjectId: housekeeper.id, change: 'create', changes }, now);
  // every archive starts with 新到, dated the day it was created
  await addMovement(session, housekeeper, 'new', isoDay(now, session.timeZone), null);
  lookups.rememberHousekeeper(housekeeper);
  return { archive: housekeeper, outcome: 'created' };
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

/** The archive as GET /api/housekeepers/:id shows it: with its ID number, contacts and movement log. */
async function housekeeperDetail(manager: EntityManager, h: Housekeeper, timeZone: string) {
  const store = h.storeId === null ? null : await manager.findOneBy(Store, { id: h.storeId });
  const movements = await manager.find(HousekeeperMovement, { where: { housekeeperId: h.id }, order: { at: 'ASC', id: 'ASC' } });
  return {
    ...housekeeperSummary(h, store?.code ?? null),
    idNumber: h.idNumber ?? null,
    emergencyContacts: h.emergencyContacts ?? [],
    createdAt: iso(h.createdAt),
    movements: movements.map((m) => movementJson(m, timeZone)),
  };
}

const housekeeperOr404 = (manager: EntityManager, id: number) => findOr404(manager, Housekeeper, id, 'no such housekeeper');

// ---------------------------------------------------------------- routes

export function housekeeperKind(ax: Archives): ArchiveKind<HousekeeperInput, Housekeeper> {
  return {
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
    detail: (manager, h) => housekeeperDetail(manager, h, ax.timeZone),
  };
}

export function housekeeperRoutes(ax: Archives, housekeepers: ArchiveKind<HousekeeperInput, Housekeeper>): Router {
  const { db } = ax;
  const router = new Router();

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
    ctx.body = await housekeepers.detail(db.reader, await housekeeperOr404(db.reader, idParam(ctx.params.id)));
  });

  router.post('/housekeepers', (ctx) => createArchive(ax, ctx, housekeepers));

  router.patch('/housekeepers/:id', (ctx) => patchArchive(ax, ctx, housekeepers));

  return router;
}
