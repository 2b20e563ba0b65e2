import { Between, In, type EntityManager } from 'typeorm';
import { Customer, Housekeeper, HousekeeperMovement, Lead, Penalty, Staff, Store, Ticket } from '../../entities';
import { hasRole, type Staff as StaffRow } from '../../entities/staff';
import { recordView, scopeOf, seesLead, seesReports, seesTicket } from '../access';
import { roleName } from '../approvals';
import { caseRecord, type CaseRecord } from '../cases';
import { chineseDateTime, monthRange } from '../calendar';
import { channelName } from '../leads';
import { leadReport } from './leads';
import { renderPdf, type FormDoc } from './pdf';
import { MAX_FILE_BYTES, type FlowContext } from '../ports';
import { say } from '../../../config/say';

/**
 * The seed's named records, filled from what the system holds (issue 21, item 4):
 * 投诉事故处理记录表 and 门店问题处理详情表 from a case, 员工处罚单 from a penalty slip,
 * 月度客户投诉汇总记录表 and the monthly inquiry analysis from a month, 家政服务人员流动情况登记表
 * for a month, 客户信息受理表 from a lead. Each is scoped like the console's pages and every form
 * that carries personal data leaves an audit entry of the look.
 */

export type FormResult = { form: FormDoc } | { refused: 'not_found' | 'forbidden' };

export interface FormContext {
  db: EntityManager;
  viewer: StaffRow;
  now: number;
  company: string;
  timeZone: string;
}

const KIND: Record<string, string> = { complaint: '投诉', service_request: '售后服务', question: '咨询' };
const SEVERITY: Record<string, string> = { ordinary: '普通', serious: '严重' };
const MOVEMENT: Record<string, string> = { new: '新到', on_duty: '上岗', returned: '返回', resigned: '辞职' };
const PENALTY_STATUS: Record<string, string> = { raised: '已开具', acknowledged: '责任人已确认', approved: '已批准', rejected: '已驳回' };
const LEAD_STATUS: Record<string, string> = { draft: '登记中', new: '新线索', assigned: '已分配', accepted: '已接单', contacted: '已联系', signed: '已签约', lost: '未成交', cancelled: '已取消' };

function footer(c: FormContext): string {
  return `打印：${c.viewer.name} · ${chineseDateTime(c.now, c.timeZone)} · 未经公司相关领导同意，不得将信息泄露给他人。`;
}

const when = (c: FormContext, at: number | null | undefined) => (at ? chineseDateTime(at, c.timeZone) : '');

function signaturesOf(c: FormContext, record: CaseRecord, steps: string[] | null) {
  return record.steps
    .filter((s) => s.status === 'decided' && (steps === null || steps.includes(s.step)))
    .map((s) => ({ role: `${roleName(s.role)}（${s.step}）`, name: s.decidedBy ? (record.names[s.decidedBy] ?? s.decidedBy) : null, at: when(c, s.decidedAt) }));
}

async function housekeeperName(db: EntityManager, id: number | null): Promise<string> {
  if (id === null) return '';
  const h = await db.findOneBy(Housekeeper, { id });
  return h ? `${h.name}（${h.code}）` : '';
}

async function openCaseForm(c: FormContext, ticketNo: string): Promise<{ record: CaseRecord } | { refused: 'not_found' | 'forbidden' }> {
  const lookup = await caseRecord(c.db, ticketNo, c.viewer, c.now, 'form');
  return 'refused' in lookup ? lookup : { record: lookup.found };
}

/** 投诉事故处理记录表: the complaint, the customer, what happened, every step and its words. */
export async function complaintRecordForm(c: FormContext, ticketNo: string): Promise<FormResult> {
  const opened = await openCaseForm(c, ticketNo);
  if ('refused' in opened) return opened;
  const { ticket, customer } = opened.record;
  return {
    form: {
      company: c.company,
      title: say('console.form.complaintRecord'),
      reference: `编号 ${ticket.number}`,
      fields: [
        { label: '受理时间', value: when(c, ticket.createdAt) },
        { label: '类别', value: `${KIND[ticket.kind] ?? ticket.kind} · ${SEVERITY[ticket.severity ?? ''] ?? ''} · ${ticket.category ?? ''}` },
        { label: '客户姓名', value: customer.name ?? '' },
        { label: '联系电话', value: customer.phone ?? '' },
        { label: '服务地址', value: customer.address ?? customer.district ?? '' },
        { label: '所属门店', value: opened.record.storeName ?? '' },
        { label: '涉事家政人员', value: await housekeeperName(c.db, ticket.housekeeperId) },
        { label: '投诉内容', value: ticket.summary },
        { label: '当前状态', value: ticket.status },
      ],
      tables: [
        { title: '处理过程', columns: ['时间', '经办人', '事项', '内容'], widths: [1.3, 1, 1.2, 3], rows: opened.record.timeline.map((e) => [when(c, e.at), opened.record.names[e.actor] ?? e.actor, e.type, e.note ?? '']) },
        { title: '各环节处理', columns: ['环节', '负责', '结果', '意见'], rows: opened.record.steps.map((s) => [s.step, roleName(s.role), s.status === 'decided' ? (s.decision ?? '') : '待处理', s.text ?? '']) },
      ],
      signatures: signaturesOf(c, opened.record, null),
      footer: footer(c),
    },
  };
}

/** 门店问题处理详情表: the store's part, signed by the CS manager and the GM. */
export async function storeIssueForm(c: FormContext, ticketNo: string): Promise<FormResult> {
  const opened = await openCaseForm(c, ticketNo);
  if ('refused' in opened) return opened;
  const { ticket, customer, steps } = opened.record;
  const textOf = (names: string[]) => steps.filter((s) => names.includes(s.step) && s.text).map((s) => s.text).join('；');
  return {
    form: {
      company: c.company,
      title: say('console.form.storeIssue'),
      reference: `编号 ${ticket.number}`,
      fields: [
        { label: '门店', value: opened.record.storeName ?? '' },
        { label: '客户', value: `${customer.name ?? ''} ${customer.phone ?? ''}` },
        { label: '问题描述', value: ticket.summary },
        { label: '处理指令', value: textOf(['instruction']) },
        { label: '调查经过', value: textOf(['investigation', 'investigate']) },
        { label: '处理决定', value: textOf(['decision', 'decide']) },
        { label: '结案时间', value: when(c, ticket.closedAt) },
      ],
      signatures: [
        ...signaturesOf(c, opened.record, null).filter((s) => /门店经理|客服部经理|总经理/.test(s.role)),
        ...(steps.some((s) => s.role === 'cs_manager' && s.status === 'decided') ? [] : [{ role: '客服部经理', name: null, at: null }]),
        ...(steps.some((s) => s.role === 'gm' && s.status === 'decided') ? [] : [{ role: '总经理', name: null, at: null }]),
      ],
      footer: footer(c),
    },
  };
}

/** 员工处罚单: seen by whoever sees its case, and by finance and HR (payroll). */
export async function penaltyForm(c: FormContext, penaltyId: number): Promise<FormResult> {
  const penalty = await c.db.findOneBy(Penalty, { id: penaltyId });
  if (!penalty) return { refused: 'not_found' };
  const ticket = await c.db.findOneByOrFail(Ticket, { id: penalty.ticketId });
  const scope = scopeOf(c.viewer);
  if (!scope.finance && !scope.hr && !(await seesTicket(c.db, scope, ticket))) return { refused: 'forbidden' };
  const names = new Map((await c.db.find(Staff, { where: { wecomUserId: In([penalty.raisedBy, penalty.acknowledgedBy ?? '', penalty.approvedBy ?? '']) } })).map((s) => [s.wecomUserId, s.name]));
  await recordView(c.db, { actor: c.viewer.wecomUserId, subject: 'penalty', subjectId: penalty.id, via: 'form', fields: ['housekeeper.name', 'reason'] }, c.now);
  const signer = (role: string, who: string | null, at: number | null) => ({ role, name: who ? (names.get(who) ?? who) : null, at: who ? when(c, at) : null });
  return {
    form: {
      company: c.company,
      title: say('console.form.penalty'),
      reference: `处罚单 ${penalty.id} · 工单 ${ticket.number}`,
      fields: [
        { label: '责任人', value: await housekeeperName(c.db, penalty.housekeeperId) },
        { label: '处罚金额', value: `${(penalty.amountFen / 100).toFixed(2)} 元` },
        { label: '处罚原因', value: penalty.reason },
        { label: '扣款月份', value: penalty.month },
        { label: '状态', value: PENALTY_STATUS[penalty.status] ?? penalty.status },
      ],
      signatures: [signer('开具（投诉专员/客服部经理）', penalty.raisedBy, penalty.createdAt), signer('责任人确认', penalty.acknowledgedBy, penalty.decidedAt), signer('总经理批准', penalty.approvedBy, penalty.decidedAt)],
      footer: footer(c),
    },
  };
}

/** 月度客户投诉汇总记录表: every complaint of the month with its outcome. */
export async function monthlyComplaintsForm(c: FormContext, month: string): Promise<FormResult> {
  if (!seesReports(c.viewer)) return { refused: 'forbidden' };
  const { start, end } = monthRange(month, c.timeZone);
  const scope = scopeOf(c.viewer);
  const storeOnly = !scope.all && !hasRole(c.viewer, 'gm') ? scope.storeId : null;
  const tickets = await c.db.find(Ticket, { where: { kind: 'complaint', createdAt: Between(start, end - 1), ...(storeOnly !== null ? { storeId: storeOnly } : {}) }, order: { createdAt: 'ASC' } });
  const customers = new Map((tickets.length ? await c.db.find(Customer, { where: { id: In(tickets.map((t) => t.customerId)) } }) : []).map((cu) => [cu.id, cu]));
  const stores = new Map((await c.db.find(Store)).map((s) => [s.id, s.name]));
  for (const t of tickets) await recordView(c.db, { actor: c.viewer.wecomUserId, subject: 'ticket', subjectId: t.id, via: 'form_month', fields: ['customer.name', 'summary'] }, c.now);
  return {
    form: {
      company: c.company,
      title: say('console.form.monthlyComplaints'),
      reference: `${month}${storeOnly !== null ? ` · ${stores.get(storeOnly) ?? ''}` : ''}`,
      fields: [
        { label: '统计月份', value: month },
        { label: '投诉总数', value: `${tickets.length} 件（严重 ${tickets.filter((t) => t.severity === 'serious').length} 件）` },
        { label: '已结案', value: `${tickets.filter((t) => t.closedAt !== null).length} 件` },
      ],
      tables: [
        {
          title: '投诉明细',
          columns: ['编号', '日期', '客户', '门店', '类别', '程度', '状态', '结案'],
          widths: [2.2, 1.3, 1, 1.1, 1.3, 0.7, 1.3, 1.3],
          rows: tickets.map((t) => [t.number, when(c, t.createdAt).slice(0, 11), customers.get(t.customerId)?.name ?? '', t.storeId ? (stores.get(t.storeId) ?? '') : '', t.category ?? '', SEVERITY[t.severity ?? ''] ?? '', t.status, when(c, t.closedAt).slice(0, 11)]),
        },
      ],
      signatures: [{ role: '投诉专员', name: null, at: null }, { role: '客服部经理', name: null, at: null }],
      footer: footer(c),
    },
  };
}

/** 月度咨询分析: inquiries, signed, lost and conversion by channel, store and consultant (no personal data). */
export async function monthlyInquiriesForm(c: FormContext, month: string): Promise<FormResult> {
  if (!seesReports(c.viewer)) return { refused: 'forbidden' };
  const report = await leadReport(c.db, month, c.timeZone);
  const rows = (groups: Record<string, { inquiries: number; signed: number; lost: number; conversionRate: number }>, name: (k: string) => string = (k) => k) =>
    Object.entries(groups).map(([key, g]) => [name(key), String(g.inquiries), String(g.signed), String(g.lost), `${Math.round(g.conversionRate * 1000) / 10}%`]);
  const columns = ['', '咨询', '成交', '未成交', '转化率'];
  return {
    form: {
      company: c.company,
      title: say('console.form.monthlyInquiries'),
      reference: month,
      fields: [
        { label: '统计月份', value: month },
        { label: '咨询总数', value: `${report.totals.inquiries} 条，成交 ${report.totals.signed} 单，转化率 ${Math.round(report.totals.conversionRate * 1000) / 10}%` },
        { label: '接单用时中位数', value: report.medianMinutesToAccept === null ? '无' : `${report.medianMinutesToAccept} 分钟` },
      ],
      tables: [
        { title: '按渠道', columns: ['渠道', ...columns.slice(1)], rows: rows(report.byChannel, channelName) },
        { title: '按门店', columns: ['门店', ...columns.slice(1)], rows: rows(report.byStore) },
        { title: '按顾问', columns: ['顾问', ...columns.slice(1)], rows: rows(report.byConsultant) },
      ],
      signatures: [{ role: '客服部经理', name: null, at: null }],
      footer: footer(c),
    },
  };
}

/** 家政服务人员流动情况登记表 for a month: HR, customer service and the GM; a store manager for their store. */
export async function movementRegisterForm(c: FormContext, month: string): Promise<FormResult> {
  const scope = scopeOf(c.viewer);
  if (!scope.all && !scope.hr && scope.storeId === null) return { refused: 'forbidden' };
  const { start, end } = monthRange(month, c.timeZone);
  const movements = await c.db.find(HousekeeperMovement, { where: { at: Between(start, end - 1) }, order: { at: 'ASC', id: 'ASC' } });
  const housekeepers = new Map((movements.length ? await c.db.find(Housekeeper, { where: { id: In(movements.map((m) => m.housekeeperId)) } }) : []).map((h) => [h.id, h]));
  const stores = new Map((await c.db.find(Store)).map((s) => [s.id, s.name]));
  const visible = movements.filter((m) => scope.all || scope.hr || housekeepers.get(m.housekeeperId)?.storeId === scope.storeId);
  for (const id of new Set(visible.map((m) => m.housekeeperId))) await recordView(c.db, { actor: c.viewer.wecomUserId, subject: 'housekeeper', subjectId: id, via: 'form_month', fields: ['name'] }, c.now);
  return {
    form: {
      company: c.company,
      title: say('console.form.movements'),
      reference: month,
      fields: [
        { label: '登记月份', value: month },
        { label: '变动合计', value: Object.entries(MOVEMENT).map(([k, name]) => `${name} ${visible.filter((m) => m.kind === k).length}`).join('，') },
      ],
      tables: [
        {
          title: '变动明细',
          columns: ['日期', '编号', '姓名', '门店', '变动', '备注'],
          rows: visible.map((m) => {
            const h = housekeepers.get(m.housekeeperId);
            return [when(c, m.at).slice(0, 11), h?.code ?? '', h?.name ?? '', h?.storeId ? (stores.get(h.storeId) ?? '') : '', MOVEMENT[m.kind] ?? m.kind, m.note ?? ''];
          }),
        },
      ],
      signatures: [{ role: '档案管理员', name: null, at: null }],
      footer: footer(c),
    },
  };
}

/** 客户信息受理表 from a lead. */
export async function leadIntakeForm(c: FormContext, leadId: number): Promise<FormResult> {
  const lead = await c.db.findOneBy(Lead, { id: leadId });
  if (!lead) return { refused: 'not_found' };
  if (!seesLead(scopeOf(c.viewer), lead)) return { refused: 'forbidden' };
  const customer = await c.db.findOneByOrFail(Customer, { id: lead.customerId });
  const consultant = lead.consultantId ? await c.db.findOneBy(Staff, { id: lead.consultantId }) : null;
  const store = lead.storeId ? await c.db.findOneBy(Store, { id: lead.storeId }) : null;
  await recordView(c.db, { actor: c.viewer.wecomUserId, subject: 'lead', subjectId: lead.id, via: 'form', fields: ['customer.name', 'customer.phone', 'customer.address', 'need'] }, c.now);
  return {
    form: {
      company: c.company,
      title: say('console.form.lead'),
      reference: `编号 ${lead.number}`,
      fields: [
        { label: '受理时间', value: when(c, lead.createdAt) },
        { label: '来源渠道', value: channelName(lead.channel) },
        { label: '客户姓名', value: customer.name ?? '' },
        { label: '联系电话', value: customer.phone ?? '' },
        { label: '地址 / 区域', value: customer.address ?? lead.district ?? '' },
        { label: '服务类型', value: lead.serviceType ?? '' },
        { label: '客户需求', value: lead.need },
        { label: '期望开始', value: lead.startDate ?? '' },
        { label: '分配门店', value: store?.name ?? '' },
        { label: '销售顾问', value: consultant?.name ?? '' },
        { label: '跟进状态', value: LEAD_STATUS[lead.status] ?? lead.status },
      ],
      signatures: [{ role: '受理人', name: lead.loggedBy ?? null, at: lead.loggedBy ? when(c, lead.createdAt) : null }, { role: '销售顾问', name: consultant && lead.acceptedAt ? consultant.name : null, at: lead.acceptedAt ? when(c, lead.acceptedAt) : null }],
      footer: footer(c),
    },
  };
}

/**
 * The month's 月度客户投诉汇总记录表 as a PDF file in the GM's WeCom, after the monthly report
 * (R-RP-1, issue 21 item 4). The GM sees every case, so the form is the whole company's; it is
 * recorded as the GM's view of that personal data. A month too large for the outbox goes as a line
 * saying where to print it instead.
 */
export async function sendMonthlyComplaintsForm(ctx: FlowContext, staffId: number, month: string): Promise<void> {
  const gm = await ctx.db.findOneBy(Staff, { id: staffId, active: true });
  if (!gm || !hasRole(gm, 'gm')) return;
  const result = await monthlyComplaintsForm({ db: ctx.db, viewer: gm, now: ctx.clock.now(), company: ctx.config.companyName, timeZone: ctx.config.timezone }, month);
  if ('refused' in result) return;
  const pdf = await renderPdf(result.form);
  const to = { platform: 'wecom' as const, id: gm.wecomUserId };
  const filename = `${say('console.form.monthlyComplaints')}-${month}.pdf`;
  if (pdf.length > MAX_FILE_BYTES) {
    ctx.log.warn({ month, bytes: pdf.length }, 'monthly report: complaints form too large for the outbox, sent as a note');
    ctx.send({ type: 'text', to, text: say('console.monthlyFormTooLarge', { month }) });
    return;
  }
  ctx.send({ type: 'file', to, data: pdf.toString('base64'), filename });
}
