import { Customer, Staff, Store } from '../../entities';
import { Lead, OPEN_LEAD_STATUSES } from '../../entities/lead';
import { hasRole } from '../../entities/staff';
import { say } from '../../../config/say';
import type { FlowContext } from '../ports';
import { audit, addTimeline } from '../records';
import { leadCard, leadCardBody, leadTaskId } from './cards';

/**
 * 改派: a store manager (for their store), the CS manager or the GM gives an open lead to another
 * consultant. The old card is closed with who it went to, the new consultant gets the card as on
 * a first assignment, the timeline and the audit trail say who moved it.
 */
export type ReassignOutcome = 'done' | 'not_found' | 'closed' | 'not_allowed' | 'bad_consultant' | 'same';

export async function reassignLead(ctx: FlowContext, leadId: number, toStaffId: number, by: Staff): Promise<ReassignOutcome> {
  const lead = await ctx.db.findOneBy(Lead, { id: leadId });
  if (!lead) return 'not_found';
  if (!OPEN_LEAD_STATUSES.includes(lead.status) || lead.status === 'draft') return 'closed';
  const managesStore = hasRole(by, 'store_manager') && by.storeId !== null && by.storeId === lead.storeId;
  if (!by.active || !(managesStore || hasRole(by, 'cs_manager') || hasRole(by, 'gm'))) return 'not_allowed';
  const target = await ctx.db.findOneBy(Staff, { id: toStaffId });
  if (!target?.active || !hasRole(target, 'consultant') || (hasRole(by, 'store_manager') && !hasRole(by, 'cs_manager') && !hasRole(by, 'gm') && target.storeId !== lead.storeId)) return 'bad_consultant';
  if (lead.consultantId === target.id) return 'same';
  const now = ctx.clock.now();
  const customer = await ctx.db.findOneByOrFail(Customer, { id: lead.customerId });
  const previous = lead.consultantId ? await ctx.db.findOneBy(Staff, { id: lead.consultantId }) : null;
  if (previous) {
    const oldTask = leadTaskId(lead);
    const oldCard = leadCardBody(lead, customer, false, ctx.config.timezone);
    ctx.send({ type: 'card_update', to: [{ platform: 'wecom', id: previous.wecomUserId }], taskId: oldTask, card: { ...oldCard, taskId: oldTask, buttons: [] }, decidedText: say('leads.reassign.card', { name: target.name, by: by.name }) });
  }
  const storeId = target.storeId ?? lead.storeId;
  Object.assign(lead, { status: 'assigned', consultantId: target.id, storeId, assignedAt: now, acceptedAt: null, updatedAt: now });
  await ctx.db.update(Lead, { id: lead.id }, { status: 'assigned', consultantId: target.id, storeId, assignedAt: now, acceptedAt: null, updatedAt: now });
  await addTimeline(ctx.db, { leadId: lead.id, type: 'reassigned', actor: by.wecomUserId, data: { from: previous?.id ?? null, to: target.id }, at: now });
  await audit(ctx.db, { actor: by.wecomUserId, action: 'lead.reassign', subject: 'lead', subjectId: lead.id, changes: { consultantId: { from: previous?.id ?? null, to: target.id } } }, now);
  const store = storeId ? await ctx.db.findOneBy(Store, { id: storeId }) : null;
  if (store) ctx.send(leadCard(lead, customer, target, store, ctx.config.timezone));
  return 'done';
}
