import { Between, Not, type EntityManager } from 'typeorm';
import { Contract } from '../../entities/contract';
import { HousekeeperMovement } from '../../entities/housekeeper-movement';
import { Lead } from '../../entities/lead';
import { Staff, hasRole } from '../../entities/staff';
import { holdersOf } from '../approvals';
import { Survey } from '../../entities/survey';
import { Ticket } from '../../entities/ticket';
import { Visit } from '../../entities/visit';
import { channelName } from '../leads';
import type { FlowContext } from '../ports';
import { monthKey, monthRange } from '../calendar';
import { complaintReport, type ComplaintReport } from './complaints';
import { leadReport, type LeadReport } from './leads';
import { say, sayName } from '../../../config/say';
import { SEED_COMMITMENTS, type Commitments } from '../../../config/commitments';

/**
 * The monthly report to the GM (R-RP-1, R-LD-3, R-CP-5): inquiries and conversion, complaints
 * and their causes, follow-up visits and satisfaction, housekeeper movement, renewals, and a
 * six-month trend. One function gives the numbers (GET /api/reports/monthly returns them as
 * JSON); another writes them as the WeCom markdown the monthly-report job sends.
 */

export const MOVEMENT_KINDS = ['new', 'on_duty', 'returned', 'resigned'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** Survey scores at or below this count as dissatisfied (1-5 scale). */
export const LOW_SCORE = 2;
/** Months in the trend, ending with the report's month. */
export const TREND_MONTHS = 6;
/** One label for "no store" (the lead and complaint reports word it differently). */
export const NO_STORE = say('reports.noStore');

export interface StoreLine {
  store: string;
  inquiries: number;
  signed: number;
  complaints: number;
}

export interface MonthlyReport {
  month: string;
  leads: LeadReport;
  complaints: ComplaintReport;
  /** Inquiries and complaints side by side per store, busiest first. */
  byStore: StoreLine[];
  /** Visits whose due date falls in the month, and what became of them. */
  visits: {
    due: number;
    done: number;
    skipped: number;
    /** Due in the month and neither done nor skipped. */
    open: number;
    bySubject: Record<string, { due: number; done: number }>;
  };
  /** Surveys sent and answered in the month. */
  satisfaction: {
    sent: number;
    answered: number;
    meanScore: number | null;
    /** Answered with a score of LOW_SCORE or less. */
    lowScores: number;
    byScore: Record<'1' | '2' | '3' | '4' | '5', number>;
  };
  /** 阿姨动态: movements recorded in the month, by kind. */
  housekeepers: Record<MovementKind, number>;
  /** Contract terms ending in the month (terminated ones left out) and their renewal outcome. */
  renewals: {
    ending: number;
    renewed: number;
    notRenewing: number;
    /** No outcome recorded, or only "contacted". */
    noOutcome: number;
    renewalRate: number;
  };
  trend: { month: string; inquiries: number; complaints: number }[];
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** `count` months ending with `month`, oldest first (YYYY-MM). */
export function monthsEndingWith(month: string, count: number): string[] {
  const [year, mon] = month.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (mon - 1) - (count - 1 - i);
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

function lastDayOf(month: string): string {
  const [year, mon] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(year, mon, 0)).getUTCDate()).padStart(2, '0')}`;
}

function storeLines(leads: LeadReport, complaints: ComplaintReport): StoreLine[] {
  const lines = new Map<string, StoreLine>();
  const line = (name: string) => {
    const store = name === say('reports.noStoreForLead') ? NO_STORE : name;
    if (!lines.has(store)) lines.set(store, { store, inquiries: 0, signed: 0, complaints: 0 });
    return lines.get(store)!;
  };
  for (const [name, group] of Object.entries(leads.byStore)) {
    line(name).inquiries += group.inquiries;
    line(name).signed += group.signed;
  }
  for (const [name, count] of Object.entries(complaints.byStore)) line(name).complaints += count;
  return [...lines.values()].sort((a, b) => b.inquiries + b.complaints - (a.inquiries + a.complaints) || a.store.localeCompare(b.store));
}

async function visitsOf(db: EntityManager, month: string): Promise<MonthlyReport['visits']> {
  const visits = await db.find(Visit, { select: { id: true, subject: true, status: true }, where: { dueDate: Between(`${month}-01`, lastDayOf(month)) } });
  const bySubject: Record<string, { due: number; done: number }> = {};
  for (const visit of visits) {
    bySubject[visit.subject] ??= { due: 0, done: 0 };
    bySubject[visit.subject].due++;
    if (visit.status === 'done') bySubject[visit.subject].done++;
  }
  const done = visits.filter((v) => v.status === 'done').length;
  const skipped = visits.filter((v) => v.status === 'skipped').length;
  return { due: visits.length, done, skipped, open: visits.length - done - skipped, bySubject };
}

async function satisfactionOf(db: EntityManager, start: number, end: number): Promise<MonthlyReport['satisfaction']> {
  const sent = await db.count(Survey, { where: { sentAt: Between(start, end - 1) } });
  const answered = await db.find(Survey, { select: { id: true, score: true }, where: { status: 'answered', answeredAt: Between(start, end - 1) } });
  const scores = answered.map((s) => s.score).filter((score): score is number => score !== null);
  const byScore = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const score of scores) {
    const key = String(Math.min(5, Math.max(1, Math.round(score)))) as keyof typeof byScore;
    byScore[key]++;
  }
  return {
    sent,
    answered: answered.length,
    meanScore: scores.length ? round(scores.reduce((sum, s) => sum + s, 0) / scores.length, 2) : null,
    lowScores: scores.filter((s) => s <= LOW_SCORE).length,
    byScore,
  };
}

async function movementsOf(db: EntityManager, start: number, end: number): Promise<MonthlyReport['housekeepers']> {
  const movements = await db.find(HousekeeperMovement, { select: { id: true, kind: true }, where: { at: Between(start, end - 1) } });
  const counts = Object.fromEntries(MOVEMENT_KINDS.map((kind) => [kind, 0])) as Record<MovementKind, number>;
  for (const movement of movements) if (movement.kind in counts) counts[movement.kind as MovementKind]++;
  return counts;
}

async function renewalsOf(db: EntityManager, month: string): Promise<MonthlyReport['renewals']> {
  const ending = await db.find(Contract, {
    select: { id: true, status: true, renewalOutcome: true },
    where: { endDate: Between(`${month}-01`, lastDayOf(month)), status: Not('terminated') },
  });
  const renewed = ending.filter((c) => c.renewalOutcome === 'renewed' || c.status === 'renewed').length;
  const notRenewing = ending.filter((c) => c.renewalOutcome === 'not_renewing' && c.status !== 'renewed').length;
  return { ending: ending.length, renewed, notRenewing, noOutcome: ending.length - renewed - notRenewing, renewalRate: ending.length ? round(renewed / ending.length, 3) : 0 };
}

async function trendOf(db: EntityManager, month: string, timeZone: string): Promise<MonthlyReport['trend']> {
  const months = monthsEndingWith(month, TREND_MONTHS);
  const start = monthRange(months[0], timeZone).start;
  const end = monthRange(month, timeZone).end;
  const leads = await db.find(Lead, { select: { id: true, createdAt: true }, where: { createdAt: Between(start, end - 1), status: Not('cancelled') } });
  const complaints = await db.find(Ticket, { select: { id: true, createdAt: true }, where: { kind: 'complaint', createdAt: Between(start, end - 1) } });
  const bucket = (rows: { createdAt: number }[]) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(monthKey(row.createdAt, timeZone), (counts.get(monthKey(row.createdAt, timeZone)) ?? 0) + 1);
    return counts;
  };
  const inquiries = bucket(leads);
  const complaintCounts = bucket(complaints);
  return months.map((m) => ({ month: m, inquiries: inquiries.get(m) ?? 0, complaints: complaintCounts.get(m) ?? 0 }));
}

export async function monthlyReport(db: EntityManager, month: string, timeZone: string): Promise<MonthlyReport> {
  const { start, end } = monthRange(month, timeZone);
  const leads = await leadReport(db, month, timeZone);
  const complaints = await complaintReport(db, month, timeZone);
  return {
    month,
    leads,
    complaints,
    byStore: storeLines(leads, complaints),
    visits: await visitsOf(db, month),
    satisfaction: await satisfactionOf(db, start, end),
    housekeepers: await movementsOf(db, start, end),
    renewals: await renewalsOf(db, month),
    trend: await trendOf(db, month, timeZone),
  };
}

// ── the WeCom message ────────────────────────────────────────────────────────────────────────

export const MOVEMENT_NAMES: Record<MovementKind, string> = {
  new: say('common.movement.new'),
  on_duty: say('common.movement.on_duty'),
  returned: say('common.movement.returned'),
  resigned: say('common.movement.resigned'),
};

/** The commitments the report names; the hours come from the configuration, as the promises do. */
type ReportCommitments = Pick<Commitments, 'replyHours' | 'complaintFeedbackHours'>;

function commitmentName(kind: string, c: ReportCommitments): string {
  if (kind === 'reply') return say('reports.monthly.commitment.reply', { hours: c.replyHours });
  if (kind === 'feedback') return say('reports.monthly.commitment.feedback', { hours: c.complaintFeedbackHours });
  return sayName(`reports.monthly.commitment.${kind}`, 'reports.monthly.commitment.other');
}

/** WeCom refuses markdown over 4096 bytes. */
const MARKDOWN_MAX_BYTES = 4096;
/** Longest list (stores, channels, causes) written out in the message; the charts show the rest. */
const LIST_MAX = 5;

const percent = (rate: number) => `${round(rate * 100, 1)}%`;
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const minutes = (value: number | null) => (value === null ? '—' : say('reports.monthly.minutes', { count: value }));

function list(entries: [string, number][], unit = ''): string {
  const sorted = entries.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, LIST_MAX).map(([name, n]) => say('reports.list.item', { name, count: n, unit }));
  if (sorted.length > LIST_MAX) shown.push(say('reports.list.more', { count: sorted.length }));
  return shown.join(' · ') || say('reports.list.none');
}

function chineseMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number);
  return say('common.date.yearMonth', { year, month: mon });
}

/** The report as WeCom markdown (the subset WeCom renders: headings, bold, quotes, font colours). */
export function monthlyReportMarkdown(report: MonthlyReport, withCharts = true, commitments: ReportCommitments = SEED_COMMITMENTS): string {
  const { leads, complaints, visits, satisfaction, housekeepers, renewals } = report;
  const t = leads.totals;
  const severity = complaints.bySeverity;
  const low = LOW_SCORE;
  const storesLeads = report.byStore.filter((s) => s.inquiries > 0).slice(0, LIST_MAX).map((s) => `${s.store} ${s.inquiries}/${s.signed}`).join(' · ') || say('reports.list.none');
  const lines = [
    say('reports.monthly.title', { month: chineseMonth(report.month) }),
    say('reports.monthly.range', { from: `${report.month}-01`, to: lastDayOf(report.month) }),
    '',
    say('reports.monthly.leadsHeading'),
    say('reports.monthly.leadsTotals', { inquiries: t.inquiries, signed: t.signed, lost: t.lost, open: t.open, rate: percent(t.conversionRate) }),
    say('reports.monthly.channels', { list: list(Object.entries(leads.byChannel).map(([c, g]) => [channelName(c), g.inquiries]), say('reports.unit.items')) }),
    say('reports.monthly.storesLeads', { list: storesLeads }),
    say('reports.monthly.speed', { accept: minutes(leads.medianMinutesToAccept), contact: minutes(leads.medianMinutesToContact) }),
    '',
    say('reports.monthly.complaintsHeading'),
    say('reports.monthly.complaintsTotals', { total: complaints.total, ordinary: severity.ordinary ?? 0, serious: severity.serious ?? 0, closed: complaints.closed }),
    say('reports.monthly.causes', { list: list(Object.entries(complaints.byCategory).map(([c, n]) => [sayName(`common.category.${c}`, 'common.category.other'), n]), say('reports.unit.cases')) }),
    say('reports.monthly.storesComplaints', { list: list(report.byStore.map((s) => [s.store, s.complaints]), say('reports.unit.cases')) }),
    say('reports.monthly.breachesAndMoney', {
      breaches: complaints.slaBreaches.total,
      penalties: complaints.penalties.count,
      approved: yuan(complaints.penalties.approvedFen),
      compensations: complaints.compensation.count,
      compensated: yuan(complaints.compensation.amountFen),
    }),
    ...(complaints.slaBreaches.total
      ? [say('reports.monthly.breachKinds', { list: list(Object.entries(complaints.slaBreaches.byCommitment).map(([c, n]) => [commitmentName(c, commitments), n]), say('reports.unit.times')) })]
      : []),
    '',
    say('reports.monthly.visitsHeading'),
    say('reports.monthly.visits', { due: visits.due, done: visits.done, skipped: visits.skipped, open: visits.open }),
    say('reports.monthly.surveys', { sent: satisfaction.sent, answered: satisfaction.answered, mean: satisfaction.meanScore === null ? '—' : say('reports.monthly.points', { score: satisfaction.meanScore }) }) +
      (satisfaction.lowScores ? say('reports.monthly.lowScores', { low, count: satisfaction.lowScores }) : say('reports.monthly.noLowScores', { low })),
    '',
    say('reports.monthly.housekeepersHeading'),
    MOVEMENT_KINDS.map((kind) => say('reports.monthly.movement', { name: MOVEMENT_NAMES[kind], count: housekeepers[kind] })).join(' · '),
    '',
    say('reports.monthly.renewalsHeading'),
    renewals.ending === 0
      ? say('reports.monthly.noRenewalsDue')
      : say('reports.monthly.renewals', { ending: renewals.ending, renewed: renewals.renewed, notRenewing: renewals.notRenewing, noOutcome: renewals.noOutcome, rate: percent(renewals.renewalRate) }),
    '',
    say('reports.monthly.trendHeading', { count: report.trend.length }),
    report.trend.map((m) => say('reports.monthly.trendPoint', { month: Number(m.month.slice(5)), inquiries: m.inquiries, complaints: m.complaints })).join(' · '),
    ...(withCharts ? ['', say('reports.monthly.chartsBelow')] : []),
  ];
  let markdown = lines.join('\n');
  if (Buffer.byteLength(markdown) <= MARKDOWN_MAX_BYTES) return markdown;
  // lists are capped, so only very long store names get here: cut, and say so
  while (Buffer.byteLength(markdown) > MARKDOWN_MAX_BYTES - 8) markdown = markdown.slice(0, -100);
  return `${markdown}…`;
}

// ── sending it ───────────────────────────────────────────────────────────────────────────────

export interface ReportImage {
  filename: string;
  png: Buffer;
}

/** The general managers the report goes to (active staff holding the gm role). */
export function reportRecipients(db: EntityManager): Promise<Staff[]> {
  return holdersOf(db, 'gm');
}

/**
 * One GM's copy: the markdown, then each chart. Re-checks that the person is still an active GM
 * inside the item's transaction; the job's item key (GM and month) keeps a re-run from sending
 * it twice.
 */
export async function sendMonthlyReport(ctx: FlowContext, staffId: number, report: MonthlyReport, images: ReportImage[]): Promise<void> {
  const gm = await ctx.db.findOne(Staff, { where: { id: staffId, active: true } });
  if (!gm || !hasRole(gm, 'gm')) {
    ctx.log.info({ staffId }, 'monthly report: no longer an active GM, not sent');
    return;
  }
  const to = { platform: 'wecom' as const, id: gm.wecomUserId };
  ctx.send({ type: 'markdown', to, markdown: monthlyReportMarkdown(report, images.length > 0, ctx.config.commitments) });
  for (const image of images) ctx.send({ type: 'image', to, png: image.png.toString('base64'), filename: image.filename });
}
