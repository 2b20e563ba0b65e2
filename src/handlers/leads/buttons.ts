import { openSignedHandover } from './signed';
import { Customer } from '../../entities';
import { Lead, type LeadStatus } from '../../entities/lead';
import { hasRole, type Staff } from '../../entities/staff';
import { Store } from '../../entities/store';
import { decidedText, LEAD_ACTIONS, leadCardBody, leadTaskId, type LeadAction } from './cards';
import { assignLead, storeManagers } from './dispatch';
import type { CardButton, HandlerContext } from '../ports';
import { audit } from '../records';
import { addTimeline } from '../records';
import { say, sayName } from '../../../config/say';

/**
 * The consultant's buttons on a lead card (R-LD-2/3): accept → contacted → signed | lost, or hand
 * back. Only the assigned consultant or the store's manager may press them; every refusal is
 * answered and logged, and nothing changes.
 */

/** From which states each button is allowed, and where it leads. */
const TRANSITIONS: Record<LeadAction, { from: LeadStatus[]; to: LeadStatus }> = {
  accept: { from: ['assigned'], to: 'accepted' },
  contacted: { from: ['assigned', 'accepted'], to: 'contacted' },
  signed: { from: ['accepted', 'contacted'], to: 'signed' },
  lost: { from: ['assigned', 'accepted', 'contacted'], to: 'lost' },
  handback: { from: ['assigned', 'accepted'], to: 'new' },
};


/** Buttons that still make sense in each state. */
const NEXT_BUTTONS: Partial<Record<LeadStatus, LeadAction[]>> = {
  assigned: ['accept', 'contacted', 'signed', 'lost', 'handback'],
  accepted: ['contacted', 'signed', 'lost', 'handback'],
  contacted: ['signed', 'lost'],
};

/** The card's buttons a lead in this state still offers, as {key, text}: the console's 我的待办 shows the same ones in place. */
export function leadChoices(lead: Pick<Lead, 'status'>): { key: LeadAction; text: string }[] {
  return (NEXT_BUTTONS[lead.status] ?? []).map((action) => ({ key: action, text: say(`leads.button.${action}`) }));
}

export function parseLeadKey(key: string): { leadId: number; action: LeadAction } | undefined {
  const match = /^lead:(\d{1,10}):([a-z]+)$/.exec(key);
  if (!match || !(LEAD_ACTIONS as readonly string[]).includes(match[2])) return undefined;
  return { leadId: Number(match[1]), action: match[2] as LeadAction };
}

function refuse(ctx: HandlerContext, reason: string, answer: string, facts: Record<string, unknown>): void {
  ctx.log.warn({ audit: 'lead_button_refused', reason, ...facts }, 'lead card button refused');
  ctx.reply(answer);
}

export async function handleLeadButton(ctx: HandlerContext, staff: Staff | null, key: string, taskId: string): Promise<void> {
  const parsed = parseLeadKey(key);
  const facts = { user: ctx.event.from, key: key.slice(0, 64), taskId: taskId.slice(0, 64) };
  if (!parsed) return refuse(ctx, 'bad_key', say('leads.button.unknown'), facts);
  if (!staff || !staff.active) return refuse(ctx, 'not_staff', say('leads.button.notStaff'), facts);
  const lead = await ctx.db.findOneBy(Lead, { id: parsed.leadId });
  if (!lead) return refuse(ctx, 'no_lead', say('leads.button.noLead'), facts);
  const isConsultant = lead.consultantId === staff.id;
  const isManager = hasRole(staff, 'store_manager') && staff.storeId === lead.storeId;
  if (!isConsultant && !isManager) return refuse(ctx, 'not_assigned', say('leads.button.notYours', { leadNo: lead.number }), { ...facts, leadId: lead.id });
  if (taskId !== leadTaskId(lead)) return refuse(ctx, 'stale_card', say('leads.button.stale', { leadNo: lead.number }), { ...facts, leadId: lead.id });
  const transition = TRANSITIONS[parsed.action];
  if (!transition.from.includes(lead.status)) {
    return refuse(ctx, 'wrong_state', say('leads.button.sameState', { leadNo: lead.number, status: sayName(`leads.status.${lead.status}`, 'leads.customerStatus.other') }), { ...facts, leadId: lead.id, status: lead.status });
  }
  await applyAction(ctx, lead, staff, parsed.action);
}

async function applyAction(ctx: HandlerContext, lead: Lead, staff: Staff, action: LeadAction): Promise<void> {
  const now = ctx.clock.now();
  const to = TRANSITIONS[action].to;
  const customer = await ctx.db.findOneByOrFail(Customer, { id: lead.customerId });
  const store = lead.storeId ? await ctx.db.findOneBy(Store, { id: lead.storeId }) : null;
  const consultantUserId = staff.wecomUserId;
  const taskId = leadTaskId(lead);
  const stamps: Partial<Lead> = { status: to, updatedAt: now };
  if (action === 'accept') stamps.acceptedAt = now;
  if (action === 'contacted') Object.assign(stamps, { contactedAt: now, acceptedAt: lead.acceptedAt ?? now });
  if (to === 'signed' || to === 'lost') stamps.closedAt = now;
  const from = lead.status;
  Object.assign(lead, stamps);
  await ctx.db.update(Lead, { id: lead.id }, stamps);
  await addTimeline(ctx.db, { leadId: lead.id, type: 'status', actor: staff.wecomUserId, data: { from, to, action }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: `lead.${action}`, subject: 'lead', subjectId: lead.id, changes: { status: { from, to } } }, now);
  ctx.log.info({ audit: 'lead_button', leadId: lead.id, action, by: staff.wecomUserId }, 'lead updated from its card');

  const card = leadCardBody(lead, customer, to !== 'new', ctx.config.timezone, store?.name);
  card.taskId = taskId;
  card.buttons = (NEXT_BUTTONS[to] ?? []).map((next) => card.buttons.find((b) => b.key.endsWith(`:${next}`))).filter((b): b is CardButton => Boolean(b));
  ctx.send({ type: 'card_update', to: [{ platform: 'wecom', id: consultantUserId }], taskId, card, decidedText: decidedText(action, staff, now, ctx.config.timezone) });

  if (action === 'accept' && customer.platform && customer.externalId) {
    // the customer hears who will call them (name only), through the OA customer-service message
    ctx.send({ type: 'text', to: { platform: customer.platform as 'wechat', id: customer.externalId }, text: say('leads.accepted.toCustomer', { leadNo: lead.number, name: staff.name }) });
  }
  if (action === 'handback') await handBack(ctx, lead, customer, staff);
  // 签单客户快速对应联动表: matching, the contract's registration and the hand-over visit start now
  if (action === 'signed') await openSignedHandover(ctx, lead);
}

/** Handed back: the next consultant of the store gets it; with nobody left the manager is told. */
async function handBack(ctx: HandlerContext, lead: Lead, customer: Customer, from: Staff): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.update(Lead, { id: lead.id }, { consultantId: null, assignedAt: null, acceptedAt: null });
  Object.assign(lead, { consultantId: null, assignedAt: null, acceptedAt: null });
  const next = await assignLead(ctx, lead, customer, [from.id]);
  for (const manager of await storeManagers(ctx.db, lead.storeId)) {
    ctx.send({
      type: 'text',
      to: { platform: 'wecom', id: manager.wecomUserId },
      text: next ? say('leads.handback.reassigned', { leadNo: lead.number, from: from.name, to: next.name }) : say('leads.handback.nobody', { leadNo: lead.number, from: from.name }),
    });
  }
  if (!next) await addTimeline(ctx.db, { leadId: lead.id, type: 'unassigned', actor: 'system', at: now });
}
