import type { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { Housekeeper } from '../../entities/housekeeper';
import { Lead } from '../../entities/lead';
import { Staff } from '../../entities/staff';
import { byRole, holdersOf, requestApproval, type StepOwnership } from '../approvals';
import { chineseFullDate } from '../calendar';
import { customerLabel } from '../customers';
import type { FlowContext } from '../ports';
import { addTimeline, audit } from '../records';
import { extractSlots } from '../understanding';
import { say } from '../../../config/say';

/**
 * After a lead is signed (R-LD-3, the seed's 签单客户快速对应联动表): nothing falls between sales
 * and after-sales. 已签单 opens
 * - sign_match: the consultant and the store manager match a housekeeper to the customer's needs
 *   and answer with her code and the arrival date (`XS… A0123 12月5日`);
 * - sign_register: the archive clerk (customer service keeps the archives) registers the contract;
 * and when the match is answered,
 * - sign_handover: customer service gets the arrival date and the housekeeper for the hand-over visit.
 */

const CODE = /\b([A-Z]{1,3}\d{2,6})\b/i;

async function customerOf(ctx: FlowContext, lead: Lead) {
  return ctx.db.findOneBy(Customer, { id: lead.customerId });
}

export async function openSignedHandover(ctx: FlowContext, lead: Lead): Promise<void> {
  const customer = await customerOf(ctx, lead);
  const consultant = lead.consultantId ? await ctx.db.findOneBy(Staff, { id: lead.consultantId, active: true }) : null;
  const managers = await holdersOf(ctx.db, 'store_manager', lead.storeId);
  const needs = [
    { label: say('common.field.number'), value: lead.number },
    { label: say('common.field.customer'), value: customerLabel(customer) },
    { label: say('leads.signed.field.service'), value: lead.serviceType ?? '—' },
    { label: say('leads.signed.field.district'), value: lead.district ?? '—' },
    { label: say('leads.signed.field.start'), value: lead.startDate ? chineseFullDate(lead.startDate) : '—' },
    { label: say('leads.signed.field.need'), value: lead.need },
  ];
  await requestApproval(ctx, {
    leadId: lead.id,
    storeId: lead.storeId,
    step: 'sign_match',
    kind: 'handover',
    role: 'store_manager',
    recipients: [...(consultant ? [consultant] : []), ...managers.filter((m) => m.id !== consultant?.id)],
    title: say('leads.signed.match.title'),
    description: lead.need.slice(0, 40),
    fields: needs,
    choices: [],
    needsText: true,
    textHint: say('leads.signed.match.hint', { leadNo: lead.number }),
  });
  await requestApproval(ctx, {
    leadId: lead.id,
    storeId: null,
    step: 'sign_register',
    kind: 'handover',
    role: 'cs_specialist',
    title: say('leads.signed.register.title'),
    description: say('leads.signed.register.description', { consultant: consultant?.name ?? say('common.notAssigned') }),
    fields: needs.slice(0, 5),
    choices: [{ key: 'done', text: say('leads.signed.register.button'), style: 1 }],
    needsText: false,
  });
  await addTimeline(ctx.db, { leadId: lead.id, type: 'handover_opened', actor: 'system', at: ctx.clock.now() });
}

/** 「A0123 12月5日」: a housekeeper's code and a date; anything else is refused before it is recorded. */
function parseMatch(text: string, now: number, timeZone: string): { code: string; date: string } | null {
  const code = CODE.exec(text)?.[1]?.toUpperCase();
  const date = extractSlots(text.replace(CODE, ' '), now, timeZone).startDate;
  return code && date ? { code, date } : null;
}

async function matched(ctx: FlowContext, approval: Approval, staff: Staff, text: string): Promise<string> {
  const lead = await ctx.db.findOneByOrFail(Lead, { id: approval.leadId! });
  const parsed = parseMatch(text, ctx.clock.now(), ctx.config.timezone)!;
  const housekeeper = await ctx.db.findOneBy(Housekeeper, { code: parsed.code });
  const customer = await customerOf(ctx, lead);
  const now = ctx.clock.now();
  await addTimeline(ctx.db, { leadId: lead.id, type: 'housekeeper_matched', actor: staff.wecomUserId, data: { housekeeperId: housekeeper?.id ?? null, arrivalDate: parsed.date }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'lead.matched', subject: 'lead', subjectId: lead.id, changes: { arrivalDate: { from: null, to: parsed.date } } }, now);
  await requestApproval(ctx, {
    leadId: lead.id,
    storeId: null,
    step: 'sign_handover',
    kind: 'handover',
    role: 'cs_specialist',
    title: say('leads.signed.handover.title', { date: chineseFullDate(parsed.date) }),
    description: lead.need.slice(0, 40),
    fields: [
      { label: say('common.field.number'), value: lead.number },
      { label: say('common.field.customer'), value: customerLabel(customer) },
      { label: say('common.field.housekeeper'), value: housekeeper ? `${housekeeper.name}（${housekeeper.code}）` : parsed.code },
      { label: say('leads.signed.field.arrival'), value: chineseFullDate(parsed.date) },
    ],
    choices: [{ key: 'done', text: say('leads.signed.handover.button'), style: 1 }],
    needsText: false,
  });
  return say('leads.signed.match.recorded', { leadNo: lead.number, housekeeper: housekeeper ? housekeeper.name : parsed.code, date: chineseFullDate(parsed.date) });
}

export const signedLeadSteps: StepOwnership = {
  owns: (step) => step === 'sign_match' || step === 'sign_register' || step === 'sign_handover',
  owner: {
    choices: (a) => (a.step === 'sign_match' ? [] : [{ key: 'done', text: say(a.step === 'sign_register' ? 'leads.signed.register.button' : 'leads.signed.handover.button') }]),
    // the match: the lead's consultant or a manager of its store; the other steps: customer service
    mayDecide: async (ctx, staff, a, t) => (a.step === 'sign_match' ? Boolean(staff?.active && a.recipients.split(',').includes(staff.wecomUserId)) : byRole(ctx, staff, a, t)),
    validate: (a, text) => (a.step === 'sign_match' && !parseMatch(text, Date.now(), 'Asia/Shanghai') ? say('leads.signed.match.invalid') : null),
    decided: async (ctx, a, s, _t, _choice, text) => {
      if (a.step === 'sign_match' && text) return matched(ctx, a, s, text);
      await audit(ctx.db, { actor: s.wecomUserId, action: `lead.${a.step}`, subject: 'lead', subjectId: a.leadId }, ctx.clock.now());
      return say(a.step === 'sign_register' ? 'leads.signed.register.recorded' : 'leads.signed.handover.recorded');
    },
  },
};
