import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../../config';
import type { Database } from '../../entities/database';
import { complaintRecordForm, leadIntakeForm, monthlyComplaintsForm, monthlyInquiriesForm, movementRegisterForm, penaltyForm, renderPdf, storeIssueForm, type FormContext, type FormResult } from '../../handlers/reports';
import { ApiError, idParam } from '../http';
import { stateOf } from './session';

/**
 * The printed forms as PDF under /console/forms (session cookie, same scoping as the pages). They
 * open inline, so the browser's print dialog prints the A4 page (the print view); `?download=1`
 * saves the file instead.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CASE = /^TS\d{12}$/;

export function formRoutes(config: Config, db: Database, now: () => number): Router {
  const router = new Router();

  const send = async (ctx: Context, name: string, build: (c: FormContext) => Promise<FormResult>) => {
    const { staff } = stateOf(ctx);
    // the audit entries of the look commit with the read
    const result = await db.write((m) => build({ db: m, viewer: staff, now: now(), company: config.companyName, timeZone: config.timezone }));
    if ('refused' in result) throw new ApiError(result.refused === 'not_found' ? 404 : 403, result.refused === 'not_found' ? '没有这条记录' : '这份表格不在您的权限范围内');
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `${ctx.query.download === '1' ? 'attachment' : 'inline'}; filename="${encodeURIComponent(name)}.pdf"`);
    ctx.body = await renderPdf(result.form);
  };
  const caseNo = (ctx: Context) => {
    if (!CASE.test(ctx.params.number ?? '')) throw new ApiError(400, '工单编号格式不正确');
    return ctx.params.number!;
  };
  const month = (ctx: Context) => {
    if (!MONTH.test(ctx.params.month ?? '')) throw new ApiError(400, '月份格式应为 YYYY-MM');
    return ctx.params.month!;
  };

  router.get('/complaint-record/:number.pdf', (ctx) => send(ctx, `投诉事故处理记录表-${caseNo(ctx)}`, (c) => complaintRecordForm(c, caseNo(ctx))));
  router.get('/store-issue/:number.pdf', (ctx) => send(ctx, `门店问题处理详情表-${caseNo(ctx)}`, (c) => storeIssueForm(c, caseNo(ctx))));
  router.get('/penalty/:id.pdf', (ctx) => send(ctx, `员工处罚单-${ctx.params.id}`, (c) => penaltyForm(c, idParam(ctx.params.id))));
  router.get('/monthly-complaints/:month.pdf', (ctx) => send(ctx, `月度客户投诉汇总记录表-${month(ctx)}`, (c) => monthlyComplaintsForm(c, month(ctx))));
  router.get('/monthly-inquiries/:month.pdf', (ctx) => send(ctx, `月度咨询分析表-${month(ctx)}`, (c) => monthlyInquiriesForm(c, month(ctx))));
  router.get('/movements/:month.pdf', (ctx) => send(ctx, `家政服务人员流动情况登记表-${month(ctx)}`, (c) => movementRegisterForm(c, month(ctx))));
  router.get('/lead/:id.pdf', (ctx) => send(ctx, `客户信息受理表-${ctx.params.id}`, (c) => leadIntakeForm(c, idParam(ctx.params.id))));
  return router;
}
