/**
 * Reports: the monthly analysis for the GM (monthly.ts, with the lead and complaint parts in
 * leads.ts and complaints.ts, and its charts in charts.ts), housekeeper performance (performance.ts)
 * and the shift digest for customer service (digest.ts).
 */
export { chartSvg, MAX_CHART_PNG_BYTES, monthlyCharts, rasterize, renderChart } from './charts';
export { complaintReport } from './complaints';
export { customerServiceStaff, sendDigest } from './digest';
export { leadReport } from './leads';
export { monthlyReport, monthlyReportMarkdown, monthsEndingWith, reportRecipients, sendMonthlyReport, type ReportImage } from './monthly';
export { performanceCsv, performanceReport } from './performance';
export { sendAttendance, sendDeductions } from './payroll';
export { complaintRecordForm, sendMonthlyComplaintsForm, leadIntakeForm, monthlyComplaintsForm, monthlyInquiriesForm, movementRegisterForm, penaltyForm, storeIssueForm, type FormContext, type FormResult } from './forms';
export { renderPdf, type FormDoc } from './pdf';
export { renderPrintView } from './print';
