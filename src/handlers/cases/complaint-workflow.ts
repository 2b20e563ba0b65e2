import { Approval } from '../../entities/approval';
import { Customer } from '../../entities/customer';
import { Housekeeper } from '../../entities/housekeeper';
import type { Staff } from '../../entities/staff';
import { Ticket } from '../../entities/ticket';
import { type ChoiceSpec, openApprovalsOf, recordDecision, requestApproval, updateCards } from '../approvals';
import { complaintDeadlines } from './commitments';
import type { FlowContext } from '../ports';
import { audit } from '../records';
import { customerLabel } from '../customers';
import { addTimeline } from '../records';
import { surveyClosedTicket } from '../contracts';
import { notifyCustomer } from './tickets';
import { HOUR_MS } from '../calendar';

/**
 * The complaint process of the seed's section 7—5 as a state machine (R-CP-2, R-CP-4).
 *
 * Ordinary: accepted → (specialist apologises, promises a time) contacted → (CS manager's
 * instruction) instructed → (store investigates, names the responsible person) investigated →
 * (CS manager's final decision) decided → (store tells the customer) communicated → (CS manager
 * signs) signed_cs → (GM signs) archived.
 *
 * Serious: accepted, with urgent cards to the CS manager and the GM at once → (GM's instruction)
 * reported → (housekeeper or her relatives contacted) hk_contacted → visit / police report /
 * progress log as long as it takes, and for a major customer the GM may pay compensation first →
 * internal accountability joins the ordinary path at "contacted".
 */

interface StepDef {
  role: 'cs_specialist' | 'cs_manager' | 'store_manager' | 'gm';
  title: string;
  needsText: boolean;
  choices: ChoiceSpec[];
  hint?: string;
  urgent?: boolean;
}

const SIGN: ChoiceSpec[] = [
  { key: 'approve', text: '签字确认', style: 1 },
  { key: 'reject', text: '驳回', style: 3 },
];

export const COMPLAINT_STEPS: Record<string, StepDef> = {
  apology: { role: 'cs_specialist', title: '新投诉：请联系客户致歉并约定处理时间', needsText: true, choices: [], hint: '已致歉，承诺X月X日前处理完毕' },
  instruction: { role: 'cs_manager', title: '请给出处理意见', needsText: true, choices: [], hint: '处理意见（交门店调查）' },
  investigation: { role: 'store_manager', title: '请门店调查并回复调查报告', needsText: true, choices: [], hint: '调查结果、责任人' },
  decision: { role: 'cs_manager', title: '请给出最终处理决定', needsText: true, choices: [], hint: '最终处理决定' },
  communicated: { role: 'store_manager', title: '请将处理结果告知客户', needsText: false, choices: [{ key: 'done', text: '已告知客户', style: 1 }] },
  sign_cs: { role: 'cs_manager', title: '门店问题处理详情表：请签字', needsText: false, choices: SIGN },
  sign_gm: { role: 'gm', title: '门店问题处理详情表：请总经理签字', needsText: false, choices: SIGN },
  serious_ack: { role: 'cs_manager', title: '严重投诉：请立即安抚客户并上报总经理', needsText: false, choices: [{ key: 'done', text: '已安抚并上报', style: 1 }], urgent: true },
  gm_instruction: { role: 'gm', title: '严重投诉：请总经理指示处理方案', needsText: true, choices: [], hint: '处理指示', urgent: true },
  housekeeper_contact: { role: 'cs_manager', title: '请联系涉事阿姨或其家属', needsText: false, choices: [{ key: 'done', text: '已联系阿姨/家属', style: 1 }], urgent: true },
  serious_handling: {
    role: 'cs_manager',
    title: '严重事件处理：上门探望、报案，完成后转入内部追责',
    needsText: false,
    choices: [
      { key: 'visit', text: '已上门探望', style: 2, keepsOpen: true },
      { key: 'police', text: '已报案', style: 2, keepsOpen: true },
      { key: 'accountability', text: '转入内部追责', style: 1 },
    ],
    urgent: true,
  },
  compensation: { role: 'gm', title: '大客户：是否先行赔付？', needsText: true, choices: [{ key: 'none', text: '不先行赔付', style: 2 }], hint: '先行赔付 金额（元）' },
};

/** Documents the seed lists for a police report (报案) with the housekeeper's papers. */
export const POLICE_DOCUMENTS = ['客户报案材料与损失清单', '涉事阿姨身份证复印件', '阿姨档案（登记表、体检证明）', '家庭服务雇佣居间合同', '上岗记录与交接单'];

const STATUS_AFTER: Record<string, string> = {
  apology: 'contacted',
  instruction: 'instructed',
  investigation: 'investigated',
  decision: 'decided',
  communicated: 'communicated',
  sign_cs: 'signed_cs',
  sign_gm: 'archived',
  gm_instruction: 'reported',
  housekeeper_contact: 'hk_contacted',
};

const NEXT_STEP: Record<string, string | undefined> = {
  apology: 'instruction',
  instruction: 'investigation',
  investigation: 'decision',
  decision: 'communicated',
  communicated: 'sign_cs',
  sign_cs: 'sign_gm',
  gm_instruction: 'housekeeper_contact',
  housekeeper_contact: 'serious_handling',
};

export const isComplaintStep = (step: string) => step in COMPLAINT_STEPS;

async function fieldsFor(ctx: FlowContext, ticket: Ticket, step: string): Promise<{ label: string; value: string }[]> {
  const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
  const fields = [
    { label: '编号', value: ticket.number },
    { label: '类别', value: `${ticket.severity === 'serious' ? '严重' : '普通'}·${ticket.category ?? ''}` },
    { label: '客户', value: customerLabel(customer) },
  ];
  if (step === 'housekeeper_contact' && ticket.housekeeperId) {
    const housekeeper = await ctx.db.findOneBy(Housekeeper, { id: ticket.housekeeperId });
    if (housekeeper) {
      fields.push({ label: '阿姨', value: `${housekeeper.name} ${housekeeper.phone ?? ''}` });
      for (const contact of (housekeeper.emergencyContacts ?? []).slice(0, 2)) fields.push({ label: contact.relation ?? '家属', value: `${contact.name} ${contact.phone}` });
    }
  }
  return fields;
}

export async function openStep(ctx: FlowContext, ticket: Ticket, step: string): Promise<Approval> {
  const def = COMPLAINT_STEPS[step];
  return requestApproval(ctx, {
    ticket,
    step,
    role: def.role,
    title: def.title,
    description: ticket.summary.slice(0, 40),
    fields: await fieldsFor(ctx, ticket, step),
    choices: def.choices,
    needsText: def.needsText,
    textHint: def.hint ? `${ticket.number} ${def.hint}` : undefined,
    urgent: def.urgent,
  });
}

async function setStatus(ctx: FlowContext, ticket: Ticket, status: string, extra: Partial<Ticket> = {}): Promise<void> {
  const changes = { status, updatedAt: ctx.clock.now(), ...extra };
  Object.assign(ticket, changes);
  await ctx.db.update(Ticket, { id: ticket.id }, changes);
}

/** A complaint was just opened: its first step(s). */
export async function startComplaintWorkflow(ctx: FlowContext, ticket: Ticket): Promise<void> {
  if (ticket.severity === 'serious') {
    await openStep(ctx, ticket, 'serious_ack');
    await openStep(ctx, ticket, 'gm_instruction');
  } else {
    await openStep(ctx, ticket, 'apology');
  }
}

/** An ordinary complaint became serious: the urgent steps start now, whatever else is under way. */
export async function escalateToSerious(ctx: FlowContext, ticket: Ticket): Promise<void> {
  const open = await openApprovalsOf(ctx.db, ticket.id);
  if (open.some((a) => a.step === 'gm_instruction')) return;
  await openStep(ctx, ticket, 'serious_ack');
  await openStep(ctx, ticket, 'gm_instruction');
}


/** Progress told to the customer resets the 24-hour feedback clock (R-CP-2). */
export async function tellCustomerProgress(ctx: FlowContext, ticket: Ticket, text: string): Promise<void> {
  await notifyCustomer(ctx, ticket, text);
  const next = ctx.clock.now() + ctx.config.commitments.complaintFeedbackHours * HOUR_MS;
  await ctx.db.update(Ticket, { id: ticket.id }, { feedbackDueAt: next });
  ticket.feedbackDueAt = next;
}

/** What happens after a step's decision: status, the customer told where it matters, the next step. */
export async function complaintStepDecided(ctx: FlowContext, approval: Approval, ticket: Ticket, choice: string, text: string | null): Promise<void> {
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
      await tellCustomerProgress(ctx, ticket, `您的投诉 ${ticket.number} 已处理完毕并归档。感谢您的反馈，我们会持续改进服务。`);
      await ctx.db.update(Ticket, { id: ticket.id }, { feedbackDueAt: null });
      await surveyClosedTicket(ctx, ticket);
      return;
    }
  }
  if (step === 'decision' && text) {
    await tellCustomerProgress(ctx, ticket, `您的投诉 ${ticket.number} 处理结果：${text}\n门店会与您联系确认。`);
  }
  if (step === 'serious_handling' && choice === 'accountability') {
    await setStatus(ctx, ticket, 'contacted');
    await openStep(ctx, ticket, 'instruction');
    return;
  }
  if (step === 'gm_instruction') {
    const customer = await ctx.db.findOneBy(Customer, { id: ticket.customerId });
    if (customer?.isMajor) await openStep(ctx, ticket, 'compensation');
    await tellCustomerProgress(ctx, ticket, `您的投诉 ${ticket.number} 已由公司总经理亲自督办，我们正在全力处理，会随时向您通报进展。`);
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
    return `已记录报案（${ticket.number}）。请准备：\n${POLICE_DOCUMENTS.map((d) => `· ${d}`).join('\n')}`;
  }
  await addTimeline(ctx.db, { ticketId: ticket.id, type: 'customer_visit', actor: staff.wecomUserId, at: now });
  return `已记录上门探望（${ticket.number}）。`;
}

/** Changes the severity on a person's word; a downgrade needs a reason (R-CP-1). */
export async function changeSeverity(ctx: FlowContext, ticket: Ticket, to: 'ordinary' | 'serious', staff: Staff, reason: string | undefined): Promise<string> {
  if (ticket.kind !== 'complaint') return `${ticket.number} 不是投诉，没有严重程度。`;
  if (ticket.severity === to) return `${ticket.number} 已经是${to === 'serious' ? '严重' : '普通'}投诉。`;
  if (to === 'ordinary' && !reason) return `降为普通投诉需要说明原因，例如：改为普通 ${ticket.number} 经核实无财物损失`;
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
    return `${ticket.number} 已升级为严重投诉，已通知客服部经理和总经理。`;
  }
  for (const pending of await openApprovalsOf(ctx.db, ticket.id)) {
    if (!['serious_ack', 'gm_instruction', 'housekeeper_contact', 'serious_handling', 'compensation'].includes(pending.step)) continue;
    if (await recordDecision(ctx, pending, staff, 'withdrawn', reason ?? null)) updateCards(ctx, pending, staff, '已撤销（降为普通投诉）');
  }
  // back on the ordinary path from its start, unless internal accountability is already under way
  if (['accepted', 'reported', 'hk_contacted'].includes(ticket.status)) {
    await setStatus(ctx, ticket, 'accepted');
    if (!(await openApprovalsOf(ctx.db, ticket.id)).some((a) => a.step === 'apology')) await openStep(ctx, ticket, 'apology');
  }
  return `${ticket.number} 已降为普通投诉（原因：${reason}）。`;
}

