import { In, LessThan } from 'typeorm';
import { Customer, Staff, TicketEvent } from '../../entities';
import { Lead } from '../../entities/lead';
import { leadCardBody, leadTaskId } from './cards';
import { assignLead, storeManagers } from './dispatch';
import type { FlowContext } from '../ports';
import { addTimeline } from '../records';
import { chineseDateTime } from '../calendar';
import { calendarFor } from '../calendar';
import { say } from '../../../config/say';

/**
 * Lead time-outs (R-LD-2): a lead not accepted within the working-time window goes to the next
 * consultant and the store manager is told; an accepted lead not contacted within the hours
 * reminds the consultant, then the store manager. Each step looks before it writes, so a job
 * that runs it twice changes nothing the second time.
 */

export async function overdueAssignedLeads(ctx: Omit<FlowContext, 'send'>): Promise<Lead[]> {
  const now = ctx.clock.now();
  const windowMs = ctx.config.leads.acceptMinutes * 60_000;
  // wall-clock prefilter on the index; working time is checked per lead below
  const candidates = await ctx.db.find(Lead, { where: { status: 'assigned', assignedAt: LessThan(now - windowMs) }, order: { id: 'ASC' }, take: 500 });
  if (candidates.length === 0) return [];
  const consultants = await ctx.db.find(Staff, { where: { id: In(candidates.map((l) => l.consultantId!).filter(Boolean)) } });
  const hoursOf = new Map(consultants.map((s) => [s.id, s.workingHours]));
  // working minutes on the business calendar: a lead assigned on Friday evening waits until
  // Monday's hours, and a public holiday or a 调休 Saturday counts the way the company works it
  const calendar = calendarFor(ctx);
  return candidates.filter((lead) => calendar.workingMs(lead.assignedAt!, now, (hoursOf.get(lead.consultantId!) ?? '09:00-18:00').split(',')) >= windowMs);
}

async function alreadyRecorded(ctx: FlowContext, leadId: number, type: string, marker: string): Promise<boolean> {
  const events = await ctx.db.find(TicketEvent, { where: { leadId, type } });
  return events.some((event) => event.data !== null && event.data.includes(marker));
}

/** Reassigns a lead still waiting for acceptance since `assignedAt`. */
export async function reassignOverdueLead(ctx: FlowContext, leadId: number, assignedAt: number): Promise<void> {
  const lead = await ctx.db.findOneBy(Lead, { id: leadId });
  if (!lead || lead.status !== 'assigned' || lead.assignedAt !== assignedAt) return;
  if (await alreadyRecorded(ctx, lead.id, 'accept_timeout', `"assignedAt":${assignedAt}`)) return;
  const now = ctx.clock.now();
  const previous = lead.consultantId ? await ctx.db.findOneBy(Staff, { id: lead.consultantId }) : null;
  const customer = await ctx.db.findOneByOrFail(Customer, { id: lead.customerId });
  await addTimeline(ctx.db, { leadId: lead.id, type: 'accept_timeout', actor: 'system', data: { assignedAt, consultantId: lead.consultantId }, at: now });
  const oldTask = leadTaskId(lead);
  const oldCard = leadCardBody(lead, customer, false, ctx.config.timezone);
  const next = await assignLead(ctx, lead, customer, previous ? [previous.id] : []);
  if (next && previous) {
    ctx.send({ type: 'card_update', to: [{ platform: 'wecom', id: previous.wecomUserId }], taskId: oldTask, card: { ...oldCard, taskId: oldTask, buttons: [] }, decidedText: say('leads.timeout.card', { name: next.name }) });
  }
  const minutes = ctx.config.leads.acceptMinutes;
  const who = previous ? say('leads.timeout.previous', { name: previous.name }) : '';
  const text = next ? say('leads.timeout.reassigned', { leadNo: lead.number, minutes, previous: who, to: next.name }) : say('leads.timeout.nobody', { leadNo: lead.number, minutes, previous: who });
  for (const manager of await storeManagers(ctx.db, lead.storeId)) ctx.send({ type: 'text', to: { platform: 'wecom', id: manager.wecomUserId }, text });
}

export async function acceptedNotContacted(ctx: Omit<FlowContext, 'send'>, olderThanHours: number): Promise<Lead[]> {
  const cutoff = ctx.clock.now() - olderThanHours * 3600_000;
  return ctx.db.find(Lead, { where: { status: 'accepted', acceptedAt: LessThan(cutoff) }, order: { id: 'ASC' }, take: 500 });
}

/** Reminds the consultant (first) or the store manager (after twice the time) once each. */
export async function remindToContact(ctx: FlowContext, leadId: number, who: 'consultant' | 'manager'): Promise<void> {
  const lead = await ctx.db.findOneBy(Lead, { id: leadId });
  if (!lead || lead.status !== 'accepted' || !lead.consultantId) return;
  if (await alreadyRecorded(ctx, lead.id, 'reminder', `"to":"${who}"`)) return;
  const consultant = await ctx.db.findOneBy(Staff, { id: lead.consultantId });
  const since = chineseDateTime(lead.acceptedAt!, ctx.config.timezone);
  const recipients = who === 'consultant' ? (consultant ? [consultant] : []) : await storeManagers(ctx.db, lead.storeId);
  for (const staff of recipients) {
    ctx.send({
      type: 'text',
      to: { platform: 'wecom', id: staff.wecomUserId },
      text:
        who === 'consultant'
          ? say('leads.remind.consultant', { leadNo: lead.number, since })
          : say('leads.remind.manager', { leadNo: lead.number, name: consultant?.name ?? say('leads.remind.someConsultant'), since }),
    });
  }
  await addTimeline(ctx.db, { leadId: lead.id, type: 'reminder', actor: 'system', data: { to: who }, at: ctx.clock.now() });
}
