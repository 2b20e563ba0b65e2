import { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { hasRole, Staff as StaffRow, type Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, holdersOf, openApprovalsOf, recordDecision, requestApproval, updateCards } from '../approvals';
import { stepContent } from './cards';
import { complaintDeadlines } from './commitments';
import type { FlowContext } from '../ports';
import { audit } from '../records';
import { customerLabel } from '../customers';
import { addTimeline } from '../records';
import { surveyClosedTicket } from '../contracts';
import { notifyCustomer } from './tickets';
import { HOUR_MS } from '../calendar';
import { say, sayName, type PlainKey } from '../../../config/say';

/**
 * The complaint process of the seed's section 7—5 as a state machine (R-CP-2, R-CP-4).
 *
 * Ordinary: accepted → (specialist apologises, promises a time) contacted → (CS manager's
 * instruction) instructed → (store investigates, names the responsible person) investigated →
 * (CS manager's final decision) decided → (the store delivers it by phone or visit and records
 * how; the customer is told it is coming, never the words) communicated → (CS manager signs the
 * 门店问题处理详情表) signed_cs → (GM signs) archived.
 *
 * Serious (seed order): accepted, the GM paged at once to know → (CS manager convenes 行政 and
 * 人资) → (first report to the GM) reported → (GM's instruction, given after the report)
 * instructed_gm → (housekeeper or her relatives contacted) hk_contacted → visit / police report
 * (its feedback rhythm set by the CS manager) / progress log as long as it takes, and for a major
 * customer the GM may pay compensation first → internal accountability joins the ordinary path
 * at "contacted". The person who took the call reassures the customer meanwhile.
 */

interface StepDef {
  role: 'cs_specialist' | 'cs_manager' | 'store_manager' | 'gm';
  title: PlainKey;
  needsText: boolean;
  choices: ChoiceSpec[];
  hint?: PlainKey;
  urgent?: boolean;
}

const SIGN: ChoiceSpec[] = [
  { key: 'approve', text: say('cases.button.sign'), style: 1 },
  { key: 'reject', text: say('cases.button.reject'), style: 3 },
];

export const COMPLAINT_STEPS: Record<string, StepDef> = {
  apology: { role: 'cs_specialist', title: 'cases.step.apology', needsText: true, choices: [], hint: 'cases.step.apology.hint' },
  instruction: { role: 'cs_manager', title: 'cases.step.instruction', needsText: true, choices: [], hint: 'cases.step.instruction.hint' },
  investigation: { role: 'store_manager', title: 'cases.step.investigation', needsText: true, choices: [], hint: 'cases.step.investigation.hint' },
  decision: { role: 'cs_manager', title: 'cases.step.decision', needsText: true, choices: [], hint: 'cases.step.decision.hint' },
  // the store tells the customer by phone or in person (a small gift optional) and records how
  communicated: {
    role: 'store_manager',
    title: 'cases.step.communicated',
    needsText: false,
    choices: [
      { key: 'phone', text: say('cases.deliver.phone'), style: 1 },
      { key: 'visit', text: say('cases.deliver.visit'), style: 1 },
      { key: 'visit_gift', text: say('cases.deliver.visit_gift'), style: 2 },
    ],
  },
  sign_cs: { role: 'cs_manager', title: 'cases.step.sign_cs', needsText: false, choices: SIGN },
  sign_gm: { role: 'gm', title: 'cases.step.sign_gm', needsText: false, choices: SIGN },
  // serious (seed 7—5): the CS manager convenes 行政 and 人资, then reports to the GM, whose instruction follows
  serious_ack: { role: 'cs_manager', title: 'cases.step.serious_ack', needsText: false, choices: [{ key: 'done', text: say('cases.button.convened'), style: 1 }], urgent: true },
  serious_report: { role: 'cs_manager', title: 'cases.step.serious_report', needsText: true, choices: [], hint: 'cases.step.serious_report.hint', urgent: true },
  reassure: { role: 'cs_specialist', title: 'cases.step.reassure', needsText: false, choices: [{ key: 'done', text: say('cases.button.reassured'), style: 1 }], urgent: true },
  gm_instruction: { role: 'gm', title: 'cases.step.gm_instruction', needsText: true, choices: [], hint: 'cases.step.gm_instruction.hint', urgent: true },
  housekeeper_contact: { role: 'cs_manager', title: 'cases.step.housekeeper_contact', needsText: false, choices: [{ key: 'done', text: say('cases.button.housekeeperContacted'), style: 1 }], urgent: true },
  serious_handling: {
    role: 'cs_manager',
    title: 'cases.step.serious_handling',
    needsText: false,
    choices: [
      { key: 'visit', text: say('cases.button.visited'), style: 2, keepsOpen: true },
      { key: 'police', text: say('cases.button.police'), style: 2, keepsOpen: true },
      { key: 'accountability', text: say('cases.button.accountability'), style: 1 },
    ],
    urgent: true,
  },
  compensation: { role: 'gm', title: 'cases.step.compensation', needsText: true, choices: [{ key: 'none', text: say('cases.button.noCompensation'), style: 2 }], hint: 'cases.step.compensation.hint' },
};

/** Documents the seed lists for a police report (报案) with the housekeeper's papers. */
export const POLICE_DOCUMENTS = [say('cases.police.doc1'), say('cases.police.doc2'), say('cases.police.doc3'), say('cases.police.doc4'), say('cases.police.doc5')];

/** A case's severity and category as staff read them: 「普通 · 服务态度」. */
export function severityCategory(ticket: Pick<Ticket, 'severity' | 'category'>): string {
  return say('common.severityCategory', {
    severity: say(ticket.severity === 'serious' ? 'common.severity.serious' : 'common.severity.ordinary'),
    category: sayName(`common.category.${ticket.category ?? 'other'}`, 'common.category.other'),
  });
}

/** A customer-facing sentence with a person's words inside it: their closing 。 is dropped so the text adds its own once. */
export const clause = (text: string) => text.trim().replace(/[。．.！!；;，,\s]+$/u, '');

const STATUS_AFTER: Record<string, string> = {
  apology: 'contacted',
  instruction: 'instructed',
  investigation: 'investigated',
  decision: 'decided',
  communicated: 'communicated',
  sign_cs: 'signed_cs',
  sign_gm: 'archived',
  serious_report: 'reported',
  gm_instruction: 'instructed_gm',
  housekeeper_contact: 'hk_contacted',
};

const NEXT_STEP: Record<string, string | undefined> = {
  apology: 'instruction',
  instruction: 'investigation',
  investigation: 'decision',
  decision: 'communicated',
  communicated: 'sign_cs',
  sign_cs: 'sign_gm',
  serious_ack: 'serious_report',
  serious_report: 'gm_instruction',
  gm_instruction: 'housekeeper_contact',
  housekeeper_contact: 'serious_handling',
};

export const isComplaintStep = (step: string) => step in COMPLAINT_STEPS;

export async function openStep(ctx: FlowContext, ticket: Ticket, step: string): Promise<Approval> {
  const def = COMPLAINT_STEPS[step];
  const content = await stepContent(ctx, ticket, step);
  return requestApproval(ctx, {
    ticket,
    step,
    kind: 'complaint',
    role: def.role,
    title: say(def.title),
    description: content.description,
    fields: content.fields,
    link: content.link,
    choices: def.choices,
    needsText: def.needsText,
    textHint: def.hint ? `${ticket.number} ${say(def.hint)}` : undefined,
    urgent: def.urgent,
    recipients: step === 'reassure' ? await whoTookTheCall(ctx, ticket) : undefined,
  });
}

async function setStatus(ctx: FlowContext, ticket: Ticket, status: string, extra: Partial<Ticket> = {}): Promise<void> {
  const changes = { status, updatedAt: ctx.clock.now(), ...extra };
  Object.assign(ticket, changes);
  await ctx.db.update(Ticket, { id: ticket.id }, changes);
}

/** The person who took the call reassures the customer; a case that came by chat goes to the specialists. */
async function whoTookTheCall(ctx: FlowContext, ticket: Ticket): Promise<Staff[] | undefined> {
  const logger = ticket.loggedBy ? await ctx.db.findOneBy(StaffRow, { wecomUserId: ticket.loggedBy, active: true }) : null;
  return logger ? [logger] : undefined;
}

/** A serious case: the CS manager convenes, the call-taker reassures, and the GM is paged at once — to know, not yet to decide. */
async function startSerious(ctx: FlowContext, ticket: Ticket): Promise<void> {
  await openStep(ctx, ticket, 'serious_ack');
  await openStep(ctx, ticket, 'reassure');
  const text = say('cases.serious.gmAware', { caseNo: ticket.number, category: severityCategory(ticket), summary: ticket.summary.slice(0, 80) });
  for (const gm of await holdersOf(ctx.db, 'gm')) ctx.send({ type: 'text', to: { platform: 'wecom', id: gm.wecomUserId }, text });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'gm_paged', actor: 'system', at: ctx.clock.now() });
}

/** A complaint was just opened: its first step(s). */
export async function startComplaintWorkflow(ctx: FlowContext, ticket: Ticket): Promise<void> {
  if (ticket.severity === 'serious') await startSerious(ctx, ticket);
  else await openStep(ctx, ticket, 'apology');
}

const SERIOUS_STEPS = ['serious_ack', 'serious_report', 'reassure', 'gm_instruction', 'housekeeper_contact', 'serious_handling', 'compensation'];

/** An ordinary complaint became serious: the urgent steps start now, whatever else is under way. */
export async function escalateToSerious(ctx: FlowContext, ticket: Ticket): Promise<void> {
  const open = await openApprovalsOf(ctx.db, ticket.id);
  if (open.some((a) => SERIOUS_STEPS.includes(a.step))) return;
  await startSerious(ctx, ticket);
}

/** The CS manager convenes 行政 and 人资: each gets the case; the manager is asked for the report next. */
async function convene(ctx: FlowContext, ticket: Ticket): Promise<string> {
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  const people = [...(await holdersOf(ctx.db, 'admin')), ...(await holdersOf(ctx.db, 'hr'))].filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
  const text = say('cases.serious.convene', { caseNo: ticket.number, category: severityCategory(ticket), customer: customerLabel(customer), summary: ticket.summary.slice(0, 200) });
  for (const person of people) ctx.send({ type: 'text', to: { platform: 'wecom', id: person.wecomUserId }, text });
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'convened', actor: 'system', data: { admin: people.filter((p) => hasRole(p, 'admin')).length, hr: people.filter((p) => hasRole(p, 'hr')).length }, at: ctx.clock.now() });
  return people.length ? say('cases.serious.convened', { caseNo: ticket.number, names: people.map((p) => p.name).join('、') }) : say('cases.serious.nobodyToConvene', { caseNo: ticket.number });
}


/** Progress told to the customer resets the 24-hour feedback clock (R-CP-2). */
export async function tellCustomerProgress(ctx: FlowContext, ticket: Ticket, text: string): Promise<void> {
  // not told (no reachable WeChat: a call task is open): the clock runs on until the call is recorded
  if (!(await notifyCustomer(ctx, ticket, text))) return;
  const next = ctx.clock.now() + (ticket.feedbackEveryHours ?? ctx.config.commitments.complaintFeedbackHours) * HOUR_MS;
  await ctx.db.update(Ticket, { id: ticket.id }, { feedbackDueAt: next });
  ticket.feedbackDueAt = next;
}

/** What happens after a step's decision: status, the customer told where it matters, the next step. */
export async function complaintStepDecided(ctx: FlowContext, approval: Approval, ticket: Ticket, choice: string, text: string | null): Promise<string | void> {
  const step = approval.step;
  const now = ctx.clock.now();
  if (step === 'sign_cs' || step === 'sign_gm') {
    if (choice === 'reject') {
      await setStatus(ctx, ticket, 'investigated');
      await openStep(ctx, ticket, 'decision');
      return;
    }
    if (step === 'sign_gm') {
      await setStatus(ctx, ticket, 'archived', { closedAt: now, feedbackDueAt: null });
      await tellCustomerProgress(ctx, ticket, say('cases.complaint.archived', { caseNo: ticket.number }));
      await ctx.db.update(Ticket, { id: ticket.id }, { feedbackDueAt: null });
      await surveyClosedTicket(ctx, ticket);
      return;
    }
  }
  // the store delivers the decision in person or by phone: the customer is told it is coming, not the words
  if (step === 'decision' && text) {
    await tellCustomerProgress(ctx, ticket, say('cases.complaint.decided', { caseNo: ticket.number, replyHours: ctx.config.commitments.replyHours }));
  }
  if (step === 'communicated') {
    const how = sayName(`cases.deliver.${choice}`, 'cases.deliver.done');
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'decision_delivered', actor: approval.decidedBy ?? 'store', note: how, data: { how: choice }, at: now });
    await tellCustomerProgress(ctx, ticket, say('cases.complaint.delivered', { caseNo: ticket.number }));
    await setStatus(ctx, ticket, 'communicated');
    await openStep(ctx, ticket, 'sign_cs');
    return say('cases.deliver.recorded', { caseNo: ticket.number, how });
  }
  if (step === 'reassure') {
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'reassured', actor: approval.decidedBy ?? 'cs', at: now });
    return;
  }
  if (step === 'serious_ack') {
    const reply = await convene(ctx, ticket);
    await openStep(ctx, ticket, 'serious_report');
    return reply;
  }
  if (step === 'serious_handling' && choice === 'accountability') {
    await setStatus(ctx, ticket, 'contacted');
    await openStep(ctx, ticket, 'instruction');
    return;
  }
  if (step === 'gm_instruction') {
    const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
    if (customer?.isMajor) await openStep(ctx, ticket, 'compensation');
    await tellCustomerProgress(ctx, ticket, say('cases.complaint.gmInstructed', { caseNo: ticket.number, feedbackHours: ctx.config.commitments.complaintFeedbackHours }));
  }
  if (step === 'compensation') {
    const amountFen = choice === 'text' && text ? parseAmountFen(text) : null;
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'compensation', actor: approval.decidedBy ?? 'gm', note: text ?? undefined, data: { amountFen, decided: choice === 'text' ? 'pay_first' : 'none' }, at: now });
    return;
  }
  if (STATUS_AFTER[step]) await setStatus(ctx, ticket, STATUS_AFTER[step]);
  const next = NEXT_STEP[step];
  if (next) await openStep(ctx, ticket, next);
}

/** "先行赔付 3000元" / "3,000" / "三千" is not parsed (numbers only): amounts are in yuan. */
export function parseAmountFen(text: string): number | null {
  const match = /(\d[\d,]*(?:\.\d{1,2})?)\s*(万)?/.exec(text.replace(/，/g, ','));
  if (!match) return null;
  const yuan = Number(match[1].replace(/,/g, '')) * (match[2] ? 10_000 : 1);
  return Number.isFinite(yuan) ? Math.round(yuan * 100) : null;
}

/** A click that records something but keeps the step open (visit, police report). */
export async function complaintStepNoted(ctx: FlowContext, approval: Approval, ticket: Ticket, staff: Staff, choice: string): Promise<string> {
  const now = ctx.clock.now();
  if (choice === 'police') {
    await addTimeline(ctx.db, { ticketId: ticket.id, type: 'police_report', actor: staff.wecomUserId, data: { documents: POLICE_DOCUMENTS }, at: now });
    return `${say('cases.police.recorded', { caseNo: ticket.number, documents: POLICE_DOCUMENTS.map((d) => `· ${d}`).join('\n') })}\n${say('cases.police.rhythmHint', { caseNo: ticket.number })}`;
  }
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_visit', actor: staff.wecomUserId, at: now });
  return say('cases.visit.recorded', { caseNo: ticket.number });
}

/** Changes the severity on a person's word; a downgrade needs a reason (R-CP-1). */
export async function changeSeverity(ctx: FlowContext, ticket: Ticket, to: 'ordinary' | 'serious', staff: Staff, reason: string | undefined): Promise<string> {
  if (ticket.kind !== 'complaint') return say('cases.severity.notComplaint', { caseNo: ticket.number });
  if (ticket.severity === to) return say('cases.severity.already', { caseNo: ticket.number, severity: say(to === 'serious' ? 'common.severity.serious' : 'common.severity.ordinary') });
  if (to === 'ordinary' && !reason) return say('cases.severity.needsReason', { caseNo: ticket.number });
  const now = ctx.clock.now();
  const from = ticket.severity;
  const deadlines = complaintDeadlines(ctx.config.commitments, ticket.createdAt, to);
  await ctx.db.update(Ticket, { id: ticket.id }, { severity: to, replyDueAt: deadlines.replyDueAt, updatedAt: now });
  ticket.severity = to;
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'severity', actor: staff.wecomUserId, note: reason, data: { from, to }, at: now });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.severity', subject: 'ticket', subjectId: ticket.id, changes: { severity: { from, to }, reasonGiven: Boolean(reason) } }, now);
  ctx.log.info({ audit: 'severity_changed', ticketId: ticket.id, from, to, by: staff.wecomUserId }, 'complaint severity changed');
  if (to === 'serious') {
    await escalateToSerious(ctx, ticket);
    return say('cases.severity.upgraded', { caseNo: ticket.number });
  }
  for (const pending of await openApprovalsOf(ctx.db, ticket.id)) {
    if (!SERIOUS_STEPS.includes(pending.step)) continue;
    if (await recordDecision(ctx, pending, staff, 'withdrawn', reason ?? null)) updateCards(ctx, pending, staff, say('cases.severity.withdrawn'));
  }
  // back on the ordinary path from its start, unless internal accountability is already under way
  if (['accepted', 'reported', 'instructed_gm', 'hk_contacted'].includes(ticket.status)) {
    await setStatus(ctx, ticket, 'accepted');
    if (!(await openApprovalsOf(ctx.db, ticket.id)).some((a) => a.step === 'apology')) await openStep(ctx, ticket, 'apology');
  }
  return say('cases.severity.downgraded', { caseNo: ticket.number, reason: clause(reason ?? '') });
}

