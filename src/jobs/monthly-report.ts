import { previousMonth } from '../handlers/calendar';
import { monthlyCharts, monthlyReport, reportRecipients, sendAttendance, sendDeductions, sendMonthlyComplaintsForm, sendMonthlyReport, type ReportImage } from '../handlers/reports';
import { perMonth } from './periods';
import type { JobWork } from './runner';

/**
 * The month before the run's period. A scheduled (or caught-up) run has a YYYY-MM period: the
 * report is for the month before it, even when a catch-up runs days later. A manual run
 * (POST /api/jobs/monthly-report/run) reports the month before today.
 */
export function reportMonthOf(period: string, now: number, timeZone: string): string {
  const scheduled = /^(\d{4})-(\d{2})$/.exec(period);
  if (!scheduled) return previousMonth(now, timeZone);
  const [year, month] = [Number(scheduled[1]), Number(scheduled[2])];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/**
 * The previous month's report to every GM (R-RP-1): a markdown summary, the charts and the
 * month's 月度客户投诉汇总记录表 as a PDF file (issue 21). The
 * numbers and the message are in handlers/reports; one item per GM and month, so a re-run
 * (manual or caught up) sends nothing twice.
 */
export const monthlyReportJob: JobWork = {
  name: 'monthly-report',
  period: perMonth,
  async run(ctx) {
    const month = reportMonthOf(ctx.period, ctx.clock.now(), ctx.config.timezone);
    // month end, the seed's order: 人资 the signed penalty slips with the deductions, 财务 the attendance sheet
    await ctx.item(`payroll:${month}`, async (flow) => {
      await sendDeductions(flow, month);
      await sendAttendance(flow, month);
    });
    const gms = await reportRecipients(ctx.db.reader);
    if (gms.length === 0) {
      ctx.log.warn({ month }, 'monthly report: no active staff with the gm role, nobody to send it to');
      return;
    }
    const report = await monthlyReport(ctx.db.reader, month, ctx.config.timezone);
    let images: ReportImage[] = [];
    try {
      images = await monthlyCharts(report, (filename, bytes) => ctx.log.warn({ month, filename, bytes }, 'monthly report: chart too large for the outbox, left out'));
    } catch (error) {
      // the numbers matter more than the pictures: the summary still goes
      ctx.log.error({ err: error, month }, 'monthly report: charts could not be drawn, sending the summary alone');
    }
    for (const gm of gms) {
      await ctx.item(`gm:${gm.id}:month:${month}`, async (flow) => {
        await sendMonthlyReport(flow, gm.id, report, images);
        await sendMonthlyComplaintsForm(flow, gm.id, month);
      });
    }
  },
};
