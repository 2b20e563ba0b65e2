import type { EntityManager } from 'typeorm';
import type { Customer } from '../../entities';
import { Lead, type LeadStatus } from '../../entities/lead';
import { hasRole, Staff } from '../../entities/staff';
import { Store } from '../../entities/store';
import { leadCard } from './cards';
import type { FlowContext, OutboundMessage } from '../ports';
import { addTimeline } from '../records';
import { say } from '../../../config/say';
import { countRowsBy, findRows, updateRows } from '../../entities/rows';

/**
 * Lead assignment (R-LD-2), the one place the rule lives:
 *   1. the store serving the customer's district, else the default store;
 *   2. in it, the active consultant with the fewest open leads; ties go to whoever has waited
 *      longest since their last assignment.
 */

const WORKING_LEAD_STATUSES: LeadStatus[] = ['assigned', 'accepted', 'contacted'];

export async function storeForDistrict(db: EntityManager, district: string | null): Promise<Store | null> {
  const stores = await findRows(db, Store, {}, { id: 'ASC' });
  const serving = district ? stores.find((s) => s.districts.split(/[,，、\s]+/).some((d) => d && (d === district || district.startsWith(d) || d.startsWith(district)))) : undefined;
  return serving ?? stores.find((s) => s.isDefault) ?? null;
}

export async function pickConsultant(db: EntityManager, storeId: number, exclude: number[] = []): Promise<Staff | null> {
  const staff = (await findRows(db, Staff, { storeId, active: true }, { id: 'ASC' })).filter(
    (s) => hasRole(s, 'consultant') && !exclude.includes(s.id),
  );
  if (staff.length === 0) return null;
  // counted by the database: loading every open lead to count them grew with the backlog (issue 17)
  const load = await countRowsBy(db, Lead, { consultantId: staff.map((s) => s.id), status: WORKING_LEAD_STATUSES }, 'consultantId');
  return [...staff].sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0) || a.id - b.id)[0];
}

export async function storeManagers(db: EntityManager, storeId: number | null): Promise<Staff[]> {
  if (storeId === null) return [];
  return (await db.find(Staff, { where: { storeId, active: true } })).filter((s) => hasRole(s, 'store_manager'));
}

/** Gives a lead to a consultant and sends them the card; returns them, or null when nobody can take it. */
export async function assignLead(ctx: FlowContext, lead: Lead, customer: Customer, exclude: number[] = []): Promise<Staff | null> {
  const now = ctx.clock.now();
  const store = lead.storeId ? await ctx.db.findOneBy(Store, { id: lead.storeId }) : await storeForDistrict(ctx.db, lead.district ?? customer.district);
  if (!store) {
    ctx.log.warn({ leadId: lead.id }, 'lead not assigned: no store serves the district and no default store is set');
    return null;
  }
  const consultant = await pickConsultant(ctx.db, store.id, exclude);
  if (!consultant) {
    ctx.log.warn({ leadId: lead.id, storeId: store.id }, 'lead not assigned: the store has no active consultant');
    if (lead.storeId !== store.id) await ctx.db.update(Lead, { id: lead.id }, { storeId: store.id, updatedAt: now });
    return null;
  }
  Object.assign(lead, { status: 'assigned', consultantId: consultant.id, storeId: store.id, assignedAt: now, updatedAt: now });
  // the consultant's row first: pointing the lead at them takes a shared lock on it (MariaDB's
  // foreign-key check), and two handlers that each held that shared lock and then both wanted to
  // write lastAssignedAt deadlocked, one of them run again from the start (issue 17's bench)
  await updateRows(ctx.db, Staff, { id: consultant.id }, { lastAssignedAt: now });
  await updateRows(ctx.db, Lead, { id: lead.id }, { status: 'assigned', consultantId: consultant.id, storeId: store.id, assignedAt: now, updatedAt: now });
  await addTimeline(ctx.db, { leadId: lead.id, type: 'assigned', actor: 'system', data: { consultantId: consultant.id, storeId: store.id }, at: now });
  ctx.send(leadCard(lead, customer, consultant, store, ctx.config.timezone));
  return consultant;
}

/**
 * A lead is ready (or the customer added to it): assign it if nobody has it yet, or tell its
 * consultant what the customer added. Returns the consultant now responsible, if any.
 */
export async function submitLead(ctx: FlowContext, lead: Lead, customer: Customer, options: { addition?: string }): Promise<Staff | null> {
  if (lead.consultantId) {
    const consultant = await ctx.db.findOneBy(Staff, { id: lead.consultantId });
    if (consultant && options.addition) {
      const note: OutboundMessage = {
        type: 'text',
        to: { platform: 'wecom', id: consultant.wecomUserId },
        text: say('leads.addition', { leadNo: lead.number, addition: options.addition.slice(0, 200) }),
      };
      ctx.send(note);
    }
    return consultant;
  }
  if (lead.status !== 'new') return null;
  return assignLead(ctx, lead, customer);
}
