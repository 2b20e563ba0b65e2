import Router from '@koa/router';
import type { Context } from 'koa';
import type { FindOptionsWhere } from 'typeorm';
import { Approval, Ticket } from '../../entities';
import type { Database } from '../../entities/database';
import { say, sayName } from '../../../config/say';
import { scopeOf, seesRecords, ticketScope, within } from '../../handlers/access';
import { addInternalNote, caseRecord, type CaseRecord } from '../../handlers/cases';
import { ApiError, iso, optionalString, paging } from '../http';
import { readJsonObject } from '../upsert';
import { stateOf } from './session';
import type { ActionResult, CaseDetail, CaseRow } from './types';

/**
 * 工单 in the console: the list (scoped, filtered) and the case page (handlers/cases caseRecord:
 * scoped, audited). Every action goes the way the same action goes in chat: a step's button or
 * answer, 进展 (words to the customer) are handed to the bot's table of contents as if the member
 * of staff had pressed or typed them in WeCom (`Perform`), so the same rules decide and refuse.
 * Internal notes are written by the cases room.
 */

/** Runs a staff action through the bot's table of contents, as WeCom would deliver it; resolves with the bot's answer. */
export type Perform = (userId: string, action: { type: 'card_click'; key: string; taskId: string } | { type: 'text'; text: string }) => Promise<string | null>;

export const kindName = (kind: string) => sayName(`cases.kind.${kind}`, 'cases.kind.other');

export function caseRow(ticket: Ticket): CaseRow {
  return { number: ticket.number, kind: ticket.kind, kindName: kindName(ticket.kind), severity: ticket.severity, category: ticket.category, status: ticket.status, storeId: ticket.storeId, createdAt: iso(ticket.createdAt)!, closedAt: iso(ticket.closedAt) };
}

function detailOf(record: CaseRecord): CaseDetail {
  const { ticket, names } = record;
  return {
    ...caseRow(ticket),
    summary: ticket.summary,
    storeName: record.storeName,
    customer: record.customer,
    timeline: record.timeline.map((e) => ({ id: e.id, type: e.type, actor: e.actor, actorName: names[e.actor] ?? null, note: e.note, at: iso(e.at)! })),
    steps: record.steps.map((s) => ({ ...s, decidedByName: s.decidedBy ? (names[s.decidedBy] ?? null) : null, decidedAt: iso(s.decidedAt), dueAt: iso(s.dueAt), createdAt: iso(s.createdAt)! })),
    evidence: record.evidence.map((e) => ({ id: e.id, mediaType: e.mediaType, status: e.status, receivedAt: iso(e.receivedAt)!, url: `/console/api/evidence/${e.id}` })),
    penalties: record.penalties.map((p) => ({ id: p.id, amountYuan: p.amountFen / 100, status: p.status, createdAt: iso(p.createdAt)!, pdf: `/console/forms/penalty/${p.id}.pdf` })),
    forms: [
      { title: say('console.form.complaintRecord'), url: `/console/forms/complaint-record/${ticket.number}.pdf` },
      { title: say('console.form.storeIssue'), url: `/console/forms/store-issue/${ticket.number}.pdf` },
    ],
  };
}

const CASE_NUMBER = /^TS\d{12}$/;

function caseNumber(ctx: Context): string {
  const number = String(ctx.params.number ?? '');
  if (!CASE_NUMBER.test(number)) throw new ApiError(400, say('console.bad.caseNumber'));
  return number;
}

/** The case as the viewer may see it, or the refusal as an HTTP error (404 for both unknown and out of scope would hide too much from staff: 403 says "not yours"). */
export async function openCase(db: Database, ctx: Context, number: string, via: string, now: () => number): Promise<CaseRecord> {
  const { staff } = stateOf(ctx);
  const lookup = await db.write((m) => caseRecord(m, number, staff, now(), via));
  if ('refused' in lookup) throw new ApiError(lookup.refused === 'not_found' ? 404 : 403, lookup.refused === 'not_found' ? say('console.missing.case') : say('console.refused.case'));
  return lookup.found;
}

function words(body: Record<string, unknown>, name: string, max = 1000): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw new ApiError(400, say('console.bad.empty'));
  if ([...value].length > max) throw new ApiError(400, say('console.bad.tooLong', { max }));
  return value.trim().replace(/\s+/g, ' ');
}

export function caseRoutes(db: Database, perform: Perform, now: () => number): Router {
  const router = new Router();

  router.get('/cases', async (ctx) => {
    const scope = scopeOf(stateOf(ctx).staff);
    if (!seesRecords(scope)) throw new ApiError(403, say('console.refused.cases'));
    const filter: Record<string, unknown> = {};
    const kind = optionalString(ctx, 'kind', ['complaint', 'service_request', 'question']);
    if (kind) filter.kind = kind;
    const severity = optionalString(ctx, 'severity', ['ordinary', 'serious']);
    if (severity) filter.severity = severity;
    const status = optionalString(ctx, 'status');
    if (status) filter.status = status;
    const where = within<Ticket>(filter as FindOptionsWhere<Ticket>, await ticketScope(db.reader, scope));
    const tickets = Array.isArray(where) && where.length === 0 ? [] : await db.reader.find(Ticket, { where, order: { id: 'DESC' }, ...paging(ctx) });
    ctx.body = { cases: tickets.map(caseRow) };
  });

  router.get('/cases/:number', async (ctx) => {
    ctx.body = detailOf(await openCase(db, ctx, caseNumber(ctx), 'console', now));
  });

  /** A step's button: {choice} as on the card; or the words a step waits for: {text}. */
  router.post('/cases/:number/steps/:id', async (ctx) => {
    const record = await openCase(db, ctx, caseNumber(ctx), 'console_action', now);
    const step = record.steps.find((s) => String(s.id) === ctx.params.id);
    if (!step) throw new ApiError(404, say('console.missing.step'));
    const body = await readJsonObject(ctx);
    const { staff } = stateOf(ctx);
    let answer: string | null;
    if (typeof body.choice === 'string') {
      const approval = await db.reader.findOneByOrFail(Approval, { id: step.id });
      answer = await perform(staff.wecomUserId, { type: 'card_click', key: `ap:${step.id}:${body.choice.slice(0, 32)}`, taskId: approval.taskId });
    } else {
      answer = await perform(staff.wecomUserId, { type: 'text', text: `${record.ticket.number} ${words(body, 'text')}` });
    }
    const result: ActionResult = { answer };
    ctx.body = result;
  });

  /** 进展: words to the customer, on the case's progress log (resets the feedback clock). */
  router.post('/cases/:number/progress', async (ctx) => {
    const record = await openCase(db, ctx, caseNumber(ctx), 'console_action', now);
    const text = words(await readJsonObject(ctx), 'text');
    const result: ActionResult = { answer: await perform(stateOf(ctx).staff.wecomUserId, { type: 'text', text: `进展 ${record.ticket.number} ${text}` }) };
    ctx.body = result;
  });

  /** 备注: for colleagues only. */
  router.post('/cases/:number/notes', async (ctx) => {
    const record = await openCase(db, ctx, caseNumber(ctx), 'console_action', now);
    const text = words(await readJsonObject(ctx), 'text');
    await db.write((m) => addInternalNote(m, record.ticket, stateOf(ctx).staff, text, now()));
    const result: ActionResult = { answer: say('console.noteSaved') };
    ctx.body = result;
  });

  return router;
}
