import type { EntityManager } from 'typeorm';
import { Lead, OPEN_LEAD_STATUSES, type LeadStatus } from '../../entities/lead';
import type { Customer } from '../../entities';
import { addTimeline, nextNumber } from '../records';
import { findRow, insertRow, updateRows } from '../../entities/rows';

/** Leads (咨询受理, R-LD-1): created from the first message, completed as the dialogue fills it. */

export interface LeadFacts {
  need: string;
  serviceType?: string;
  district?: string;
  startDate?: string;
  channel: string;
  loggedBy?: string;
}

export async function openLeadOf(db: EntityManager, customerId: number): Promise<Lead | null> {
  return findRow(db, Lead, { customerId, status: OPEN_LEAD_STATUSES }, { id: 'DESC' });
}

export async function createLead(db: EntityManager, customer: Customer, facts: LeadFacts, now: number, timeZone: string, actor: string): Promise<Lead> {
  const lead = db.create(Lead, {
    number: await nextNumber(db, 'XS', now, timeZone),
    customerId: customer.id,
    need: facts.need,
    serviceType: facts.serviceType ?? null,
    district: facts.district ?? customer.district ?? null,
    startDate: facts.startDate ?? null,
    channel: facts.channel,
    status: 'draft',
    storeId: customer.storeId,
    consultantId: null,
    loggedBy: facts.loggedBy ?? null,
    createdAt: now,
    updatedAt: now,
    assignedAt: null,
    acceptedAt: null,
    contactedAt: null,
    closedAt: null,
  });
  // rows.ts: one INSERT, not read back
  const saved = await insertRow(db, Lead, lead);
  await addTimeline(db, { leadId: saved.id, type: 'created', actor, note: facts.need, data: { channel: facts.channel }, at: now });
  return saved;
}

/** Fills in what the customer has said since; a correction replaces the earlier value. */
export async function updateLeadFacts(db: EntityManager, lead: Lead, facts: Partial<Pick<Lead, 'serviceType' | 'district' | 'startDate'>>, now: number): Promise<void> {
  const changes: Partial<Lead> = {};
  for (const key of ['serviceType', 'district', 'startDate'] as const) {
    if (facts[key] && facts[key] !== lead[key]) changes[key] = facts[key];
  }
  if (Object.keys(changes).length === 0) return;
  Object.assign(lead, changes, { updatedAt: now });
  await updateRows(db, Lead, { id: lead.id }, { ...changes, updatedAt: now });
}

export async function setLeadStatus(db: EntityManager, lead: Lead, status: LeadStatus, now: number, actor: string, note?: string): Promise<void> {
  const stamps: Partial<Lead> = { status, updatedAt: now };
  if (status === 'signed' || status === 'lost' || status === 'cancelled') stamps.closedAt = now;
  const from = lead.status;
  Object.assign(lead, stamps);
  await updateRows(db, Lead, { id: lead.id }, stamps);
  await addTimeline(db, { leadId: lead.id, type: 'status', actor, note, data: { from, to: status }, at: now });
}
