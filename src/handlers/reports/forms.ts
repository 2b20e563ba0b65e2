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
import { isMessageKey, say, sayName } from '../../../config/say';

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

/** The name the catalogue gives a stored value (`reports.form.kind.complaint`), or the value itself when it names none. */
const named = (key: string, value: string): string => (isMessageKey(key) ? sayName(key, 'reports.form.noValue') : value);
const KIND = (kind: string) => named(`reports.form.kind.${kind}`, kind);
const SEVERITY = (severity: string | null) => (severity ? named(`common.severity.${severity}`, '') : '');
const MOVEMENT_KINDS = ['new', 'on_duty', 'returned', 'resigned'] as const;
const MOVEMENT = (kind: string) => named(`common.movement.${kind}`, kind);
/** A case's status, a timeline entry and its actor as staff read them, never the stored code (「signed_cs」, 「step_opened」). */
const TICKET_STATUS = (status: string) => sayName(`reports.form.ticketStatus.${status}`, 'reports.form.ticketStatus.other');
const CATEGORY = (category: string | null) => (category ? sayName(`common.category.${category}`, 'common.category.other') : '');
const EVENT = (type: string) => sayName(`reports.form.event.${type}`, 'reports.form.event.other');
const actorOf = (record: CaseRecord, actor: string) => record.names[actor] ?? named(`reports.form.actor.${actor}`, actor);

function footer(c: FormContext): string {
  return say('reports.form.footer', { name: c.viewer.name, time: chineseDateTime(c.now, c.timeZone) });
}

const when = (c: FormContext, at: number | null | undefined) => (at ? chineseDateTime(at, c.timeZone) : '');

function signaturesOf(c: FormContext, record: CaseRecord, steps: string[] | null) {
  return record.steps
    .filter((s) => s.status === 'decided' && (steps === null || steps.includes(s.step)))
    .map((s) => ({ role: `${roleName(s.role)}（${s.title}）`, name: s.decidedBy ? (record.names[s.decidedBy] ?? s.decidedBy) : null, at: when(c, s.decidedAt) }));
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
      reference: say('reports.form.number', { number: ticket.number }),
      fields: [
        { label: say('reports.form.field.receivedAt'), value: when(c, ticket.createdAt) },
        { label: say('reports.form.field.category'), value: `${KIND(ticket.kind)} · ${SEVERITY(ticket.severity)} · ${CATEGORY(ticket.category)}` },
        { label: say('reports.form.field.customerName'), value: customer.name ?? '' },
        { label: say('reports.form.field.phone'), value: customer.phone ?? '' },
        { label: say('reports.form.field.address'), value: customer.address ?? customer.district ?? '' },
        { label: say('reports.form.field.store'), value: opened.record.storeName ?? '' },
        { label: say('reports.form.field.housekeeper'), value: await housekeeperName(c.db, ticket.housekeeperId) },
        { label: say('reports.form.field.complaint'), value: ticket.summary },
        { label: say('reports.form.field.status'), value: TICKET_STATUS(ticket.status) },
      ],
      tables: [
        { title: say('reports.form.table.process'), columns: [say('reports.form.col.time'), say('reports.form.col.actor'), say('reports.form.col.event'), say('reports.form.col.content')], widths: [1.3, 1, 1.2, 3], rows: opened.record.timeline.map((e) => [when(c, e.at), actorOf(opened.record, e.actor), EVENT(e.type), e.note ?? '']) },
        { title: say('reports.form.table.steps'), columns: [say('reports.form.col.step'), say('reports.form.col.owner'), say('reports.form.col.result'), say('reports.form.col.opinion')], rows: opened.record.steps.map((s) => [s.title, s.roleName, s.status === 'decided' ? (s.decision ?? '') : say('reports.form.pending'), s.text ?? '']) },
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
      reference: say('reports.form.number', { number: ticket.number }),
      fields: [
        { label: say('reports.form.field.storeName'), value: opened.record.storeName ?? '' },
        { label: say('reports.form.field.customer'), value: `${customer.name ?? ''} ${customer.phone ?? ''}` },
        { label: say('reports.form.field.problem'), value: ticket.summary },
        { label: say('reports.form.field.instruction'), value: textOf(['instruction']) },
        { label: say('reports.form.field.investigation'), value: textOf(['investigation', 'investigate']) },
        { label: say('reports.form.field.decision'), value: textOf(['decision', 'decide']) },
        { label: say('reports.form.field.closedAt'), value: when(c, ticket.closedAt) },
      ],
      signatures: [
        // the store's, the CS manager's and the GM's signatures, chosen by role rather than by the words of their names
        ...signaturesOf(c, { ...opened.record, steps: steps.filter((s) => ['store_manager', 'cs_manager', 'gm'].includes(s.role)) }, null),
        ...(steps.some((s) => s.role === 'cs_manager' && s.status === 'decided') ? [] : [{ role: say('common.role.cs_manager'), name: null, at: null }]),
        ...(steps.some((s) => s.role === 'gm' && s.status === 'decided') ? [] : [{ role: say('common.role.gm'), name: null, at: null }]),
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
      reference: say('reports.form.penaltyReference', { id: penalty.id, caseNo: ticket.number }),
      fields: [
        { label: say('reports.form.field.responsible'), value: await housekeeperName(c.db, penalty.housekeeperId) },
        { label: say('reports.form.field.penaltyAmount'), value: say('reports.form.yuan', { amount: (penalty.amountFen / 100).toFixed(2) }) },
        { label: say('reports.form.field.penaltyReason'), value: penalty.reason },
        { label: say('reports.form.field.deductionMonth'), value: penalty.month },
        { label: say('reports.form.field.state'), value: named(`reports.form.penaltyStatus.${penalty.status}`, penalty.status) },
      ],
      signatures: [signer(say('reports.form.sign.raised'), penalty.raisedBy, penalty.createdAt), signer(say('reports.form.sign.acknowledged'), penalty.acknowledgedBy, penalty.decidedAt), signer(say('reports.form.sign.approved'), penalty.approvedBy, penalty.decidedAt)],
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
        { label: say('reports.form.field.month'), value: month },
        { label: say('reports.form.field.complaintsTotal'), value: say('reports.form.complaintsTotal', { total: tickets.length, serious: tickets.filter((t) => t.severity === 'serious').length }) },
        { label: say('reports.form.field.closed'), value: say('reports.form.cases', { count: tickets.filter((t) => t.closedAt !== null).length }) },
      ],
      tables: [
        {
          title: say('reports.form.table.complaints'),
          columns: (['number', 'date', 'customer', 'store', 'category', 'severity', 'status', 'closed'] as const).map((col) => say(`reports.form.col.${col}`)),
          widths: [2.2, 1.3, 1, 1.1, 1.3, 0.7, 1.3, 1.3],
          rows: tickets.map((t) => [t.number, when(c, t.createdAt).slice(0, 11), customers.get(t.customerId)?.name ?? '', t.storeId ? (stores.get(t.storeId) ?? '') : '', CATEGORY(t.category), SEVERITY(t.severity), TICKET_STATUS(t.status), when(c, t.closedAt).slice(0, 11)]),
        },
      ],
      signatures: [{ role: say('common.role.cs_specialist'), name: null, at: null }, { role: say('common.role.cs_manager'), name: null, at: null }],
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
  const columns = ['', ...(['inquiries', 'signed', 'lost', 'rate'] as const).map((col) => say(`reports.form.col.${col}`))];
  return {
    form: {
      company: c.company,
      title: say('console.form.monthlyInquiries'),
      reference: month,
      fields: [
        { label: say('reports.form.field.month'), value: month },
        { label: say('reports.form.field.inquiriesTotal'), value: say('reports.form.inquiriesTotal', { inquiries: report.totals.inquiries, signed: report.totals.signed, rate: Math.round(report.totals.conversionRate * 1000) / 10 }) },
        { label: say('reports.form.field.medianAccept'), value: report.medianMinutesToAccept === null ? say('reports.form.noValue') : say('reports.form.minutes', { count: report.medianMinutesToAccept }) },
      ],
      tables: [
        { title: say('reports.form.table.byChannel'), columns: [say('reports.form.col.channel'), ...columns.slice(1)], rows: rows(report.byChannel, channelName) },
        { title: say('reports.form.table.byStore'), columns: [say('reports.form.col.store'), ...columns.slice(1)], rows: rows(report.byStore) },
        { title: say('reports.form.table.byConsultant'), columns: [say('reports.form.col.consultant'), ...columns.slice(1)], rows: rows(report.byConsultant) },
      ],
      signatures: [{ role: say('common.role.cs_manager'), name: null, at: null }],
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
        { label: say('reports.form.field.registerMonth'), value: month },
        { label: say('reports.form.field.movementTotals'), value: MOVEMENT_KINDS.map((k) => `${MOVEMENT(k)} ${visible.filter((m) => m.kind === k).length}`).join('，') },
      ],
      tables: [
        {
          title: say('reports.form.table.movements'),
          columns: (['date', 'number', 'name', 'store', 'movement', 'note'] as const).map((col) => say(`reports.form.col.${col}`)),
          rows: visible.map((m) => {
            const h = housekeepers.get(m.housekeeperId);
            return [when(c, m.at).slice(0, 11), h?.code ?? '', h?.name ?? '', h?.storeId ? (stores.get(h.storeId) ?? '') : '', MOVEMENT(m.kind), m.note ?? ''];
          }),
        },
      ],
      signatures: [{ role: say('reports.form.sign.archivist'), name: null, at: null }],
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
      reference: say('reports.form.number', { number: lead.number }),
      fields: [
        { label: say('reports.form.field.receivedAt'), value: when(c, lead.createdAt) },
        { label: say('reports.form.field.channel'), value: channelName(lead.channel) },
        { label: say('reports.form.field.customerName'), value: customer.name ?? '' },
        { label: say('reports.form.field.phone'), value: customer.phone ?? '' },
        { label: say('reports.form.field.addressOrDistrict'), value: customer.address ?? lead.district ?? '' },
        { label: say('reports.form.field.serviceType'), value: lead.serviceType ?? '' },
        { label: say('reports.form.field.need'), value: lead.need },
        { label: say('reports.form.field.startDate'), value: lead.startDate ?? '' },
        { label: say('reports.form.field.assignedStore'), value: store?.name ?? '' },
        { label: say('reports.form.field.consultant'), value: consultant?.name ?? '' },
        { label: say('reports.form.field.leadStatus'), value: named(`reports.form.leadStatus.${lead.status}`, lead.status) },
      ],
      signatures: [{ role: say('reports.form.sign.receiver'), name: lead.loggedBy ?? null, at: lead.loggedBy ? when(c, lead.createdAt) : null }, { role: say('common.role.consultant'), name: consultant && lead.acceptedAt ? consultant.name : null, at: lead.acceptedAt ? when(c, lead.acceptedAt) : null }],
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
