import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../../config';
import type { Database } from '../../entities/database';
import { complaintRecordForm, leadIntakeForm, monthlyComplaintsForm, monthlyInquiriesForm, movementRegisterForm, penaltyForm, renderPdf, renderPrintView, storeIssueForm, type FormContext, type FormResult } from '../../handlers/reports';
import { ApiError, idParam } from '../http';
import { stateOf } from './session';
import { penaltyExport } from '../penalties';
import { recordView } from '../../handlers/access';
import { hasRole, type Role } from '../../entities/staff';
import { say } from '../../../config/say';

/**
 * The printed forms as PDF under /console/forms (session cookie, same scoping as the pages). They
 * open inline, so the browser's print dialog prints the A4 page (the print view); `?download=1`
 * saves the file instead.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CASE = /^TS\d{12}$/;

export function formRoutes(config: Config, db: Database, now: () => number): Router {
  const router = new Router();

  /** `.pdf` sends the PDF (inline: the browser's viewer prints it; `?download=1` saves it); `.html` the A4 print view. */
  const send = async (ctx: Context, name: string, build: (c: FormContext) => Promise<FormResult>) => {
    const { staff } = stateOf(ctx);
    // the audit entries of the look commit with the read
    const result = await db.write((m) => build({ db: m, viewer: staff, now: now(), company: config.companyName, timeZone: config.timezone }));
    if ('refused' in result) throw new ApiError(result.refused === 'not_found' ? 404 : 403, result.refused === 'not_found' ? say('console.missing.record') : say('console.refused.form'));
    if (ctx.path.endsWith('.html')) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = renderPrintView(result.form, ctx.path.replace(/\.html$/, '.pdf'));
      return;
    }
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `${ctx.query.download === '1' ? 'attachment' : 'inline'}; filename="${encodeURIComponent(name)}.pdf"`);
    ctx.body = await renderPdf(result.form);
  };
  const caseNo = (ctx: Context) => {
    if (!CASE.test(ctx.params.number ?? '')) throw new ApiError(400, say('console.bad.caseNumber'));
    return ctx.params.number!;
  };
  const month = (ctx: Context) => {
    if (!MONTH.test(ctx.params.month ?? '')) throw new ApiError(400, say('console.bad.month'));
    return ctx.params.month!;
  };

  router.get(['/complaint-record/:number.pdf', '/complaint-record/:number.html'], (ctx) => send(ctx, `${say('console.form.complaintRecord')}-${caseNo(ctx)}`, (c) => complaintRecordForm(c, caseNo(ctx))));
  router.get(['/store-issue/:number.pdf', '/store-issue/:number.html'], (ctx) => send(ctx, `${say('console.form.storeIssue')}-${caseNo(ctx)}`, (c) => storeIssueForm(c, caseNo(ctx))));
  router.get(['/penalty/:id.pdf', '/penalty/:id.html'], (ctx) => send(ctx, `${say('console.form.penalty')}-${ctx.params.id}`, (c) => penaltyForm(c, idParam(ctx.params.id))));
  router.get(['/monthly-complaints/:month.pdf', '/monthly-complaints/:month.html'], (ctx) => send(ctx, `${say('console.form.monthlyComplaints')}-${month(ctx)}`, (c) => monthlyComplaintsForm(c, month(ctx))));
  router.get(['/monthly-inquiries/:month.pdf', '/monthly-inquiries/:month.html'], (ctx) => send(ctx, `${say('console.form.monthlyInquiries')}-${month(ctx)}`, (c) => monthlyInquiriesForm(c, month(ctx))));
  router.get(['/movements/:month.pdf', '/movements/:month.html'], (ctx) => send(ctx, `${say('console.form.movements')}-${month(ctx)}`, (c) => movementRegisterForm(c, month(ctx))));
  /** 员工处罚单 of a month for payroll (finance and HR, the CS manager, the GM): the admin API's CSV. */
  router.get('/penalties/:month.csv', async (ctx) => {
    const { staff } = stateOf(ctx);
    if (!['finance', 'hr', 'cs_manager', 'gm'].some((role) => hasRole(staff, role as Role))) throw new ApiError(403, say('console.refused.form'));
    const { rows, csv } = await penaltyExport(db, month(ctx), 'approved');
    await db.write(async (m) => {
      for (const id of new Set(rows.map((r) => r.housekeeperId))) await recordView(m, { actor: staff.wecomUserId, subject: 'housekeeper', subjectId: id, via: 'export_penalties', fields: ['name'] }, now());
    });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`penalties-${month(ctx)}.csv`);
    ctx.body = csv();
  });
  router.get(['/lead/:id.pdf', '/lead/:id.html'], (ctx) => send(ctx, `${say('console.form.lead')}-${ctx.params.id}`, (c) => leadIntakeForm(c, idParam(ctx.params.id))));
  return router;
}
