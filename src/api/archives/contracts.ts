import Router from '@koa/router';
import { In, LessThan, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Contract, Customer, Housekeeper, Staff, Store } from '../../entities';
import type { ContractStatus } from '../../entities/contract';
import { maskPhone } from '../../handlers/customers';
import { ApiError, idParam, iso, optionalString, paging } from '../http';
import { findOr404, requireFields } from '../upsert';
import { createArchive, patchArchive, type ArchiveKind, type Archives } from './archive';
import { CONTRACT_CSV, CONTRACT_FIELDS, CONTRACT_STATUSES, parseContractFields, saveContract, type ContractInput } from './contract-service';
import { calendarDay } from './values';

/**
 * Contracts (R-CT-1) with their chain of terms: the routes, and the JSON they send. What a write
 * checks and records is in ./contract-service.
 */

// ---------------------------------------------------------------- JSON shapes

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

const contractOr404 = (manager: EntityManager, id: number) => findOr404(manager, Contract, id, 'no such contract');

/** The contract as GET /api/contracts/:id shows it: with its customer (phone masked) and its chain of terms. */
async function contractDetail(manager: EntityManager, c: Contract) {
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
}

// ---------------------------------------------------------------- routes

export function contractKind(): ArchiveKind<ContractInput, Contract> {
  return {
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
}

export function contractRoutes(ax: Archives, contracts: ArchiveKind<ContractInput, Contract>): Router {
  const { db } = ax;
  const router = new Router();

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

  router.post('/contracts', (ctx) => createArchive(ax, ctx, contracts));

  router.patch('/contracts/:id', (ctx) => patchArchive(ax, ctx, contracts));

  return router;
}
