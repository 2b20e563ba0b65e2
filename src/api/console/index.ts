import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../../../config';
import { Store } from '../../entities';
import type { Database } from '../../entities/database';
import type { EvidenceStore } from '../../bot/evidence-store';
import { scopeOf, seesAudit, seesHousekeepers, seesLead, seesRecords, seesReports, seesTicket } from '../../handlers/access';
import { leadChoices, leadTaskId } from '../../handlers/leads';
import { pendingFor } from '../../handlers/staff';
import { hasRole, type Staff } from '../../entities/staff';
import { Approval, Lead, Ticket } from '../../entities';
import { In } from 'typeorm';
import { apiErrors, ApiError, idParam, iso } from '../http';
import { readJsonObject } from '../upsert';
import { archiveConsoleRoutes } from './archives';
import { authRoutes, type ExchangeCode } from './auth';
import { caseRoutes, type Perform } from './cases';
import type { FlowContext } from '../../handlers/ports';

export type Act = <T>(work: (flow: FlowContext) => Promise<T>) => Promise<T>;
import { formRoutes } from './forms';
import { peopleRoutes } from './people';
import { reportRoutes } from './reports';
import { clearSessionCookie, requireSession, Sessions, stateOf } from './session';
import { securityHeaders, serveConsole } from './static';
import type { ActionResult, Me, Page, QueueItem } from './types';
import { say } from '../../../config/say';

/**
 * The staff console (工作台, issue 21) under /console: login (auth.ts), the JSON API under
 * /console/api (session cookie + CSRF token, thin over the handler rooms), the printable forms
 * under /console/forms, and the built front-end. The bearer admin API under /api is separate and
 * stays for machines.
 */

export interface ConsoleDeps {
  config: Config;
  db: Database;
  log: Logger;
  evidence: EvidenceStore;
  now: () => number;
  /** WeCom's auth/getuserinfo, when WeCom has credentials. */
  exchange: ExchangeCode | undefined;
  perform: Perform;
  /** Runs a flow step (its writes and messages in one transaction, messages through the outbox). */
  act: Act;
}

export function pagesOf(staff: Staff): Page[] {
  const scope = scopeOf(staff);
  const pages: Page[] = ['queue'];
  if (seesRecords(scope)) pages.push('cases', 'leads', 'customers');
  if (seesHousekeepers(scope)) pages.push('archives');
  if (seesReports(staff) || hasRole(staff, 'hr') || hasRole(staff, 'finance')) pages.push('reports');
  if (seesAudit(staff)) pages.push('audit');
  return pages;
}

export type Middleware = (ctx: Context, next: Next) => Promise<unknown>;

export function consoleApp(deps: ConsoleDeps): Middleware[] {
  const { config, db, log, now } = deps;
  const sessions = new Sessions(db, config.console, now);
  const consoleLog = log.child({ component: 'console' });

  const open = new Router({ prefix: '/console' });
  open.use(apiErrors(consoleLog), async (ctx, next) => {
    securityHeaders(ctx);
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  const auth = authRoutes({ config, db, sessions, exchange: deps.exchange, log: consoleLog });
  open.use(auth.routes(), auth.allowedMethods());

  const api = new Router({ prefix: '/console/api' });
  api.use(apiErrors(consoleLog), async (ctx, next) => {
    securityHeaders(ctx);
    ctx.set('Cache-Control', 'no-store');
    await next();
  }, requireSession(sessions, consoleLog));

  api.get('/me', async (ctx) => {
    const { staff, session } = stateOf(ctx);
    const store = staff.storeId ? await db.reader.findOneBy(Store, { id: staff.storeId }) : null;
    const me: Me = { userId: staff.wecomUserId, name: staff.name, roles: staff.roles.split(','), storeId: staff.storeId, storeName: store?.name ?? null, csrfToken: session.csrfToken, pages: pagesOf(staff), devLogin: config.console.devLogin };
    ctx.body = me;
  });

  api.post('/logout', async (ctx) => {
    await sessions.end(stateOf(ctx).session.id);
    clearSessionCookie(ctx);
    ctx.body = { ok: true };
  });

  /**
   * 我的待办 with the actions in place: a step of a case carries its card's buttons (and whether
   * it waits for words), which the page posts to the case's step route like the case page does;
   * a lead carries its lead card's buttons, posted to the lead's action route below.
   */
  api.get('/queue', async (ctx) => {
    const items = await pendingFor(db.reader, stateOf(ctx).staff, now());
    const stepIds = items.filter((i) => i.kind === 'step' && i.number).map((i) => i.id);
    const steps = new Map((stepIds.length ? await db.reader.find(Approval, { where: { id: In(stepIds) } }) : []).map((a) => [a.id, a]));
    const leadIds = items.filter((i) => i.kind === 'lead').map((i) => i.id);
    const leads = new Map((leadIds.length ? await db.reader.find(Lead, { where: { id: In(leadIds) } }) : []).map((l) => [l.id, l]));
    const rows: QueueItem[] = items.map((i) => {
      const step = i.kind === 'step' && i.number ? steps.get(i.id) : undefined;
      const buttons = ((step?.card as { buttons?: { key?: unknown; text?: unknown }[] } | null)?.buttons ?? []).filter((b): b is { key: string; text: string } => typeof b.key === 'string' && typeof b.text === 'string');
      // the card's 回复 button only asks for words in chat; the page has its own box
      const lead = i.kind === 'lead' ? leads.get(i.id) : undefined;
      const actions = step
        ? { choices: buttons.map((b) => ({ key: b.key.split(':').pop()!, text: b.text })).filter((c) => !(step.needsText && c.key === 'reply')), needsText: step.needsText }
        : lead
          ? { choices: leadChoices(lead), needsText: false }
          : undefined;
      return { ...i, since: iso(i.since)!, actions };
    });
    ctx.body = { items: rows };
  });

  /**
   * A lead card's button pressed in the console ({choice}: accept, contacted, …): out of the
   * viewer's scope is refused here; otherwise it goes to the bot's table of contents as the press
   * on the current card it stands for, so the leads room decides (whose lead, which state) exactly
   * as in chat, and its answer (a refusal, or nothing) comes back.
   */
  api.post('/leads/:id/actions', async (ctx) => {
    const { staff } = stateOf(ctx);
    const lead = await db.reader.findOneBy(Lead, { id: idParam(ctx.params.id) });
    if (!lead) throw new ApiError(404, say('console.missing.record'));
    if (!seesLead(scopeOf(staff), lead)) throw new ApiError(403, say('console.refused.lead'));
    const body = await readJsonObject(ctx);
    if (typeof body.choice !== 'string' || !/^[a-z]{1,32}$/.test(body.choice)) throw new ApiError(400, say('console.bad.choice'));
    const result: ActionResult = { answer: await deps.perform(staff.wecomUserId, { type: 'card_click', key: `lead:${lead.id}:${body.choice}`, taskId: leadTaskId(lead) }) };
    ctx.body = result;
  });

  /** A customer's photo, voice or video on a case the viewer may see. */
  api.get('/evidence/:id', async (ctx) => {
    const { staff } = stateOf(ctx);
    const loaded = await deps.evidence.load(idParam(ctx.params.id));
    if (!loaded) throw new ApiError(404, say('console.missing.evidence'));
    const ticket = await db.reader.findOneByOrFail(Ticket, { id: loaded.evidence.ticketId });
    if (!(await seesTicket(db.reader, scopeOf(staff), ticket))) throw new ApiError(403, say('console.refused.case'));
    if (loaded.evidence.status !== 'stored') throw new ApiError(409, say('console.evidencePending'));
    ctx.type = loaded.evidence.contentType ?? 'application/octet-stream';
    ctx.set('Content-Disposition', `attachment; filename="evidence-${loaded.evidence.id}"`);
    ctx.body = loaded.body;
  });

  for (const routes of [caseRoutes(db, deps.perform, now), peopleRoutes(db, now, deps.act), reportRoutes(config, db), archiveConsoleRoutes(config, db, consoleLog, now)]) api.use(routes.routes(), routes.allowedMethods());

  const forms = new Router({ prefix: '/console/forms' });
  forms.use(apiErrors(consoleLog), requireSession(sessions, consoleLog));
  const formRouter = formRoutes(config, db, now);
  forms.use(formRouter.routes(), formRouter.allowedMethods());

  // mounted in this order by app.ts: login, the JSON API, the forms, then the built front-end
  return [open, api, forms].flatMap((r) => [r.routes(), r.allowedMethods()] as Middleware[]).concat(serveConsole());
}
