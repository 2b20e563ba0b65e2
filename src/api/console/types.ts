/**
 * The console's JSON shapes: the server builds them, the front-end (console/src/api.ts) imports
 * them as types, so the two cannot drift apart. Instants are ISO strings. Nothing here imports
 * code, only types (erased from the bundle): where a shape is the handlers' own, it is derived from
 * their type rather than written twice.
 */

import type { CaseStep } from '../../lib/case-step';

export type Page = 'queue' | 'cases' | 'leads' | 'customers' | 'archives' | 'reports' | 'audit';

export interface LoginOptions {
  wecom: boolean;
  devLogin: boolean;
}

export interface Me {
  userId: string;
  name: string;
  roles: string[];
  storeId: number | null;
  storeName: string | null;
  csrfToken: string;
  /** The pages this member of staff may open; the server refuses the others. */
  pages: Page[];
  devLogin: boolean;
}

export interface QueueItem {
  kind: 'step' | 'lead' | 'handoff' | 'call';
  id: number;
  number: string | null;
  title: string;
  since: string;
  waitedMinutes: number;
  link: string;
  /** Decided in place: a case's step (its buttons, or a box for words) or a lead (its lead card's buttons). */
  actions?: { choices: { key: string; text: string }[]; needsText: boolean };
}

export interface CaseRow {
  number: string;
  kind: string;
  kindName: string;
  severity: string | null;
  category: string | null;
  status: string;
  storeId: number | null;
  createdAt: string;
  closedAt: string | null;
}

/** A step as JSON: the case record's step (src/lib/case-step.ts, handlers/cases/record.ts) with its instants as ISO strings and who decided it by name. */
export type CaseStepJson = Omit<CaseStep, 'decidedAt' | 'dueAt' | 'createdAt'> & {
  decidedByName: string | null;
  decidedAt: string | null;
  dueAt: string | null;
  createdAt: string;
};

export interface CaseDetail extends CaseRow {
  summary: string;
  storeName: string | null;
  customer: { id: number; name: string | null; phone: string | null; address: string | null; district: string | null; isMajor: boolean };
  timeline: { id: number; type: string; actor: string; actorName: string | null; note: string | null; at: string }[];
  steps: CaseStepJson[];
  evidence: { id: number; mediaType: string; status: string; receivedAt: string; url: string }[];
  penalties: { id: number; amountYuan: number; status: string; createdAt: string; pdf: string }[];
  forms: { title: string; url: string }[];
}

export interface ActionResult {
  /** What the bot answered, as it would in chat. */
  answer: string | null;
}

export interface LeadRow {
  id: number;
  number: string;
  status: string;
  serviceType: string | null;
  district: string | null;
  channel: string;
  storeId: number | null;
  consultantName: string | null;
  createdAt: string;
  pdf: string;
}

export interface CustomerRow {
  id: number;
  name: string | null;
  phone: string | null;
  district: string | null;
  isMajor: boolean;
  storeId: number | null;
}

export interface CustomerDetail extends CustomerRow {
  address: string | null;
  cases: CaseRow[];
  leads: LeadRow[];
  contracts: { id: number; number: string; startDate: string; endDate: string; status: string }[];
}

export interface HousekeeperRow {
  id: number;
  code: string;
  name: string;
  status: string;
  storeId: number | null;
  skills: string;
  movements: { kind: string; at: string }[];
}

export interface ContractChain {
  customerName: string | null;
  /** The housekeeper's code on the newest term. */
  housekeeper: string | null;
  store: string | null;
  /** Newest term first; each renewal follows the one below it. */
  terms: { id: number; number: string; startDate: string; endDate: string; status: string; amountYuan: number }[];
}

/** What an import answers: counts and one line per refused row. */
export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { row: number; reason: string; code?: string; number?: string }[];
}

export interface AuditRow {
  id: number;
  actor: string;
  actorName: string | null;
  action: string;
  subject: string;
  subjectId: number | null;
  changes: unknown;
  at: string;
}

export interface MonthlyReportJson {
  month: string;
  /** The GM's monthly summary (the GM and the CS manager). */
  markdown: string;
  /** Inquiries, signed and complaints per store: every store, or the store manager's own. */
  stores: { store: string; inquiries: number; signed: number; complaints: number }[];
  /** The report's charts as PNG data URLs (the GM and the CS manager). */
  charts: { filename: string; dataUrl: string }[];
  forms: { title: string; url: string }[];
}
