import Router from '@koa/router';
import { In, type FindOptionsWhere } from 'typeorm';
import { AuditEntry, Contract, Customer, Housekeeper, HousekeeperMovement, Lead, Staff, Store, Ticket } from '../../entities';
import type { Database } from '../../entities/database';
import { customerScope, leadScope, recordView, scopeOf, seesAudit, seesCustomer, seesHousekeepers, seesRecords, within } from '../../handlers/access';
import { normalisePhone, phoneHash } from '../../handlers/customers';
import { ApiError, idParam, iso, optionalString, paging } from '../http';
import { caseRow } from './cases';
import type { Act } from './index';
import { reassignLead } from '../../handlers/leads';
import { readJsonObject } from '../upsert';
import { hasRole } from '../../entities/staff';
import { stateOf } from './session';
import type { AuditRow, CustomerDetail, CustomerRow, HousekeeperRow, LeadRow } from './types';
import { say } from '../../../config/say';

/**
 * 线索, 客户, 档案 and 审计 in the console: scoped reads (handlers/access), and an audit entry for
 * every page that shows a customer's or a housekeeper's personal data.
 */

async function namesOf(db: Database, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const staff = await db.reader.find(Staff, { where: { id: In([...new Set(ids)]) }, select: { id: true, name: true } });
  return new Map(staff.map((s) => [s.id, s.name]));
}

function leadRows(leads: Lead[], names: Map<number, string>): LeadRow[] {
  return leads.map((l) => ({ id: l.id, number: l.number, status: l.status, serviceType: l.serviceType, district: l.district, channel: l.channel, storeId: l.storeId, consultantName: l.consultantId ? (names.get(l.consultantId) ?? null) : null, createdAt: iso(l.createdAt)!, pdf: `/console/forms/lead/${l.id}.pdf` }));
}

/** How many of the newest customers a name search reads (names are encrypted, so they are matched after reading). */
const NAME_SEARCH_LIMIT = 5_000;

const customerRow = (c: Customer): CustomerRow => ({ id: c.id, name: c.name, phone: c.phone, district: c.district, isMajor: c.isMajor, storeId: c.storeId });

export function peopleRoutes(db: Database, now: () => number, act: Act): Router {
  const router = new Router();

  router.get('/leads', async (ctx) => {
    const scope = scopeOf(stateOf(ctx).staff);
    if (!seesRecords(scope)) throw new ApiError(403, say('console.refused.leads'));
    const status = optionalString(ctx, 'status', ['draft', 'new', 'assigned', 'accepted', 'contacted', 'signed', 'lost', 'cancelled']);
    const where = within<Lead>((status ? { status } : {}) as FindOptionsWhere<Lead>, await leadScope(db.reader, scope));
    const leads = Array.isArray(where) && where.length === 0 ? [] : await db.reader.find(Lead, { where, order: { id: 'DESC' }, ...paging(ctx) });
    ctx.body = { leads: leadRows(leads, await namesOf(db, leads.map((l) => l.consultantId ?? 0))) };
  });

  /** The consultants a lead may be given to: the manager's store, or every store for the CS manager and the GM. */
  router.get('/consultants', async (ctx) => {
    const { staff } = stateOf(ctx);
    const everywhere = hasRole(staff, 'cs_manager') || hasRole(staff, 'gm');
    if (!everywhere && !hasRole(staff, 'store_manager')) throw new ApiError(403, say('console.refused.reassign'));
    const people = await db.reader.find(Staff, { where: everywhere ? { active: true } : { active: true, storeId: staff.storeId ?? -1 }, order: { id: 'ASC' } });
    ctx.body = { consultants: people.filter((p) => hasRole(p, 'consultant')).map((p) => ({ id: p.id, name: p.name, storeId: p.storeId })) };
  });

  /** 改派: the leads room decides who may move which lead to whom. */
  router.post('/leads/:id/reassign', async (ctx) => {
    const { staff } = stateOf(ctx);
    const body = await readJsonObject(ctx);
    if (typeof body.consultantId !== 'number' || !Number.isInteger(body.consultantId)) throw new ApiError(400, say('console.bad.consultant'));
    const outcome = await act((flow) => reassignLead(flow, idParam(ctx.params.id), body.consultantId as number, staff));
    if (outcome === 'not_found') throw new ApiError(404, say('console.missing.record'));
    if (outcome === 'not_allowed') throw new ApiError(403, say('console.refused.reassign'));
    if (outcome === 'closed' || outcome === 'bad_consultant' || outcome === 'same') throw new ApiError(409, say(`console.reassign.${outcome}`));
    ctx.body = { answer: say('console.reassign.done') };
  });

  /** Search by phone (exact, through its hash), contract number or housekeeper code; or the newest. */
  router.get('/customers', async (ctx) => {
    const { staff } = stateOf(ctx);
    const scope = scopeOf(staff);
    if (!seesRecords(scope)) throw new ApiError(403, say('console.refused.customers'));
    const q = optionalString(ctx, 'q');
    const filter: Record<string, unknown> = {};
    let byName: string | undefined;
    if (q) {
      const digits = normalisePhone(q);
      const code = q.trim().toUpperCase();
      const contracts = await db.reader.find(Contract, { where: [{ number: code }], select: { customerId: true } });
      const housekeeper = await db.reader.findOneBy(Housekeeper, { code });
      const byHousekeeper = housekeeper ? await db.reader.find(Contract, { where: { housekeeperId: housekeeper.id }, select: { customerId: true } }) : [];
      if (/^1\d{10}$/.test(digits)) filter.phoneHash = phoneHash(digits);
      else if (contracts.length || byHousekeeper.length) filter.id = In([...contracts, ...byHousekeeper].map((c) => c.customerId));
      // names are encrypted at rest (no index can hold them): the newest customers in scope are read and matched here
      else byName = q.trim();
    }
    const where = within<Customer>(filter as FindOptionsWhere<Customer>, await customerScope(db.reader, scope));
    const empty = Array.isArray(where) && where.length === 0;
    const customers = empty
      ? []
      : byName === undefined
        ? await db.reader.find(Customer, { where, order: { id: 'DESC' }, ...paging(ctx) })
        : (await db.reader.find(Customer, { where, order: { id: 'DESC' }, take: NAME_SEARCH_LIMIT })).filter((c) => c.name?.includes(byName!)).slice(0, paging(ctx).take);
    // a list with names and phones is a view of personal data too: one entry per customer shown
    await db.write(async (m) => {
      for (const c of customers) await recordView(m, { actor: staff.wecomUserId, subject: 'customer', subjectId: c.id, via: 'console_list', fields: ['name', 'phone'] }, now());
    });
    ctx.body = { customers: customers.map(customerRow) };
  });

  router.get('/customers/:id', async (ctx) => {
    const { staff } = stateOf(ctx);
    const scope = scopeOf(staff);
    const customer = await db.reader.findOneBy(Customer, { id: idParam(ctx.params.id) });
    if (!customer) throw new ApiError(404, say('console.missing.customer'));
    if (!(await seesCustomer(db.reader, scope, customer))) throw new ApiError(403, say('console.refused.customer'));
    const [tickets, leads, contracts] = await Promise.all([
      db.reader.find(Ticket, { where: { customerId: customer.id }, order: { id: 'DESC' } }),
      db.reader.find(Lead, { where: { customerId: customer.id }, order: { id: 'DESC' } }),
      db.reader.find(Contract, { where: { customerId: customer.id }, order: { id: 'DESC' } }),
    ]);
    await db.write((m) => recordView(m, { actor: staff.wecomUserId, subject: 'customer', subjectId: customer.id, via: 'console', fields: ['name', 'phone', 'address'] }, now()));
    const detail: CustomerDetail = {
      ...customerRow(customer),
      address: customer.address,
      cases: tickets.map(caseRow),
      leads: leadRows(leads, await namesOf(db, leads.map((l) => l.consultantId ?? 0))),
      contracts: contracts.map((c) => ({ id: c.id, number: c.number, startDate: c.startDate, endDate: c.endDate, status: c.status })),
    };
    ctx.body = detail;
  });

  router.get('/housekeepers', async (ctx) => {
    const { staff } = stateOf(ctx);
    const scope = scopeOf(staff);
    if (!seesHousekeepers(scope)) throw new ApiError(403, say('console.refused.housekeepers'));
    const where = scope.all || scope.hr ? {} : { storeId: scope.storeId! };
    const housekeepers = await db.reader.find(Housekeeper, { where, order: { id: 'ASC' }, ...paging(ctx) });
    const movements = housekeepers.length ? await db.reader.find(HousekeeperMovement, { where: { housekeeperId: In(housekeepers.map((h) => h.id)) }, order: { at: 'ASC' } }) : [];
    await db.write(async (m) => {
      for (const h of housekeepers) await recordView(m, { actor: staff.wecomUserId, subject: 'housekeeper', subjectId: h.id, via: 'console_list', fields: ['name'] }, now());
    });
    const rows: HousekeeperRow[] = housekeepers.map((h) => ({ id: h.id, code: h.code, name: h.name, status: h.status, storeId: h.storeId, skills: h.skills, movements: movements.filter((mv) => mv.housekeeperId === h.id).map((mv) => ({ kind: mv.kind, at: iso(mv.at)! })) }));
    ctx.body = { housekeepers: rows };
  });

  router.get('/stores', async (ctx) => {
    stateOf(ctx);
    const stores = await db.reader.find(Store, { order: { id: 'ASC' } });
    ctx.body = { stores: stores.map((s) => ({ id: s.id, name: s.name })) };
  });

  router.get('/audit', async (ctx) => {
    if (!seesAudit(stateOf(ctx).staff)) throw new ApiError(403, say('console.refused.audit'));
    const action = optionalString(ctx, 'action');
    const entries = await db.reader.find(AuditEntry, { where: action ? { action } : {}, order: { at: 'DESC', id: 'DESC' }, ...paging(ctx) });
    const actors = [...new Set(entries.map((e) => e.actor))];
    const people = actors.length ? await db.reader.find(Staff, { where: { wecomUserId: In(actors) }, select: { wecomUserId: true, name: true } }) : [];
    const names = new Map(people.map((p) => [p.wecomUserId, p.name]));
    const rows: AuditRow[] = entries.map((e) => {
      let changes: unknown = e.changes;
      try {
        changes = e.changes ? JSON.parse(e.changes) : null;
      } catch {
        // an entry written by hand: shown as it is
      }
      return { id: e.id, actor: e.actor, actorName: names.get(e.actor) ?? null, action: e.action, subject: e.subject, subjectId: e.subjectId, changes, at: iso(e.at)! };
    });
    ctx.body = { entries: rows };
  });

  return router;
}
