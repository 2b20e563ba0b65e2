import Router from '@koa/router';
import type { Config } from '../../../config';
import type { Database } from '../../entities/database';
import { hasRole } from '../../entities/staff';
import { seesReports } from '../../handlers/access';
import { monthlyReport, monthlyReportMarkdown } from '../../handlers/reports';
import { ApiError, monthParam } from '../http';
import { stateOf } from './session';
import type { MonthlyReportJson } from './types';
import { say } from '../../../config/say';

/** 报表: the monthly analysis the GM gets, and the month's forms; HR and finance get their exports only. */
export function reportRoutes(config: Config, db: Database): Router {
  const router = new Router();
  router.get('/reports/monthly', async (ctx) => {
    const { staff } = stateOf(ctx);
    const month = monthParam(ctx);
    const forms: MonthlyReportJson['forms'] = [];
    const full = seesReports(staff);
    if (!full && !hasRole(staff, 'hr') && !hasRole(staff, 'finance')) throw new ApiError(403, say('console.refused.reports'));
    if (full) {
      forms.push({ title: say('console.form.monthlyComplaints'), url: `/console/forms/monthly-complaints/${month}.pdf` }, { title: say('console.form.monthlyInquiries'), url: `/console/forms/monthly-inquiries/${month}.pdf` });
    }
    if (full || hasRole(staff, 'hr')) forms.push({ title: say('console.form.movements'), url: `/console/forms/movements/${month}.pdf` });
    const report: MonthlyReportJson = { month, markdown: full ? monthlyReportMarkdown(await monthlyReport(db.reader, month, config.timezone), false) : '', forms };
    ctx.body = report;
  });
  return router;
}
