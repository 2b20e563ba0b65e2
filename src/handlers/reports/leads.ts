import { Between, type EntityManager } from 'typeorm';
import { Lead } from '../../entities/lead';
import { Staff } from '../../entities/staff';
import { Store } from '../../entities/store';
import { monthRange } from '../calendar';
import { say } from '../../../config/say';

/**
 * Monthly inquiry analysis (R-LD-3, 每月月末…业务信息咨询的分析报告): inquiries by channel, store and
 * consultant, how many signed, and how fast consultants accepted (assignment → accept) and
 * how long customers waited to be contacted (inquiry → contact). Cancelled inquiries are left out.
 */

export interface LeadGroup {
  inquiries: number;
  signed: number;
  lost: number;
  open: number;
  conversionRate: number;
}

export interface LeadReport {
  month: string;
  totals: LeadGroup;
  byChannel: Record<string, LeadGroup>;
  byStore: Record<string, LeadGroup>;
  byConsultant: Record<string, LeadGroup>;
  medianMinutesToAccept: number | null;
  medianMinutesToContact: number | null;
}

function group(leads: Lead[]): LeadGroup {
  const signed = leads.filter((l) => l.status === 'signed').length;
  const lost = leads.filter((l) => l.status === 'lost').length;
  return { inquiries: leads.length, signed, lost, open: leads.length - signed - lost, conversionRate: leads.length ? Math.round((signed / leads.length) * 1000) / 1000 : 0 };
}

function groupBy(leads: Lead[], keyOf: (lead: Lead) => string): Record<string, LeadGroup> {
  const buckets = new Map<string, Lead[]>();
  for (const lead of leads) buckets.set(keyOf(lead), [...(buckets.get(keyOf(lead)) ?? []), lead]);
  return Object.fromEntries([...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => [key, group(list)]));
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const minutes = (ms: number) => Math.round(ms / 6000) / 10;

export async function leadReport(db: EntityManager, month: string, timeZone: string): Promise<LeadReport> {
  const { start, end } = monthRange(month, timeZone);
  const leads = (await db.find(Lead, { where: { createdAt: Between(start, end - 1) } })).filter((l) => l.status !== 'cancelled');
  const stores = new Map((await db.find(Store)).map((s) => [s.id, s.name]));
  const staff = new Map((await db.find(Staff)).map((s) => [s.id, s.name]));
  const accept = leads.filter((l) => l.acceptedAt && l.assignedAt).map((l) => l.acceptedAt! - l.assignedAt!);
  const contact = leads.filter((l) => l.contactedAt).map((l) => l.contactedAt! - l.createdAt);
  const toAccept = median(accept);
  const toContact = median(contact);
  return {
    month,
    totals: group(leads),
    byChannel: groupBy(leads, (l) => l.channel),
    byStore: groupBy(leads, (l) => (l.storeId ? stores.get(l.storeId) ?? `#${l.storeId}` : say('reports.noStoreForLead'))),
    byConsultant: groupBy(leads, (l) => (l.consultantId ? staff.get(l.consultantId) ?? `#${l.consultantId}` : say('reports.noConsultant'))),
    medianMinutesToAccept: toAccept === null ? null : minutes(toAccept),
    medianMinutesToContact: toContact === null ? null : minutes(toContact),
  };
}
