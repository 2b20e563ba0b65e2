import Router from '@koa/router';
import type { Config } from '../../../config';
import { Store } from '../../entities';
import type { Database } from '../../entities/database';
import { hasRole } from '../../entities/staff';
import { seesReports } from '../../handlers/access';
import { monthlyCharts, monthlyReport, monthlyReportMarkdown } from '../../handlers/reports';
import { ApiError, monthParam } from '../http';
import { say } from '../../../config/say';
import { stateOf } from './session';
import type { MonthlyReportJson } from './types';

/**
 * 报表: the monthly analysis the GM gets, with its charts, per store and per month. The GM and the
 * CS manager see the whole company; a store manager their store's line and the forms of their
 * store; HR the movement register, finance nothing but their exports (the penalty slips' forms).
 */
export function reportRoutes(config: Config, db: Database): Router {
  const router = new Router();
  router.get('/reports/monthly', async (ctx) => {
    const { staff } = stateOf(ctx);
    const month = monthParam(ctx);
    const forms: MonthlyReportJson['forms'] = [];
    const seesForms = seesReports(staff);
    const whole = hasRole(staff, 'gm') || hasRole(staff, 'cs_manager');
    if (!seesForms && !hasRole(staff, 'hr') && !hasRole(staff, 'finance')) throw new ApiError(403, say('console.refused.reports'));
    if (seesForms) {
      forms.push({ title: say('console.form.monthlyComplaints'), url: `/console/forms/monthly-complaints/${month}.pdf` }, { title: say('console.form.monthlyInquiries'), url: `/console/forms/monthly-inquiries/${month}.pdf` });
    }
    if (seesForms || hasRole(staff, 'hr')) forms.push({ title: say('console.form.movements'), url: `/console/forms/movements/${month}.pdf` });
    if (whole || hasRole(staff, 'hr') || hasRole(staff, 'finance')) forms.push({ title: say('console.form.penaltiesCsv'), url: `/console/forms/penalties/${month}.csv` });
    const body: MonthlyReportJson = { month, markdown: '', stores: [], charts: [], forms };
    if (seesForms) {
      const report = await monthlyReport(db.reader, month, config.timezone);
      const ownStore = staff.storeId ? (await db.reader.findOneBy(Store, { id: staff.storeId }))?.name : undefined;
      body.stores = whole ? report.byStore : report.byStore.filter((line) => line.store === ownStore);
      if (whole) {
        body.markdown = monthlyReportMarkdown(report, false, config.commitments);
        body.charts = (await monthlyCharts(report)).map((image) => ({ filename: image.filename, dataUrl: `data:image/png;base64,${image.png.toString('base64')}` }));
      }
    }
    ctx.body = body;
  });
  return router;
}
