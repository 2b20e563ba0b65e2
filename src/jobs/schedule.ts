import { handoffTimeouts } from './handoffs';
import { leadTimeouts } from './lead-timeouts';
import { monthlyReportJob } from './monthly-report';
import { renewalPrompts } from './renewals';
import { retention } from './retention';
import { shiftCron, shiftDigest } from './shift-digest';
import { slaChecks } from './sla-checks';
import { arrivalsAndVisits } from './visits';
import type { Config } from '../../config';
import type { Job, JobWork } from './runner';

/**
 * The one cron table, as data: which job runs when, and why then. Times are node-cron expressions
 * in BOT_TIMEZONE (Asia/Shanghai by default); a time an operator may change is read from the
 * configuration (`setting` names its variable). Each job runs once per period across all
 * instances (job_run is the lock) and is caught up at start if missed. The README's jobs table is
 * checked against this one by test/jobs/schedule.test.ts.
 */
export interface ScheduleEntry {
  job: JobWork;
  cron: string | ((config: Config) => string);
  /** The environment variable that changes the time, if any. */
  setting?: string;
  why: string;
}

export const SCHEDULE: ScheduleEntry[] = [
  { job: leadTimeouts, cron: '* * * * *', why: 'every minute: reassign leads not accepted in time; remind about accepted leads not contacted' },
  { job: handoffTimeouts, cron: '* * * * *', why: 'every minute: hand-offs not taken in time go to the CS manager; idle live conversations end; stalled dialogues are handed to a person' },
  { job: slaChecks, cron: '*/5 * * * *', why: 'every 5 minutes: 24-hour progress messages, reply/on-site breaches, overdue approval steps' },
  { job: arrivalsAndVisits, cron: '30 8 * * *', why: '08:30 daily: hand-over tasks for tomorrow’s arrivals, visit schedules for arrived housekeepers, visits due today' },
  { job: renewalPrompts, cron: '0 9 * * *', why: '09:00 daily, before the stores open: renewal prompts 15 days ahead, reminders 7 days ahead, terms that ended' },
  { job: shiftDigest, cron: shiftCron, setting: 'SHIFT_CHANGES', why: 'at each shift change (default 09:00 and 18:00): one digest per customer-service member' },
  { job: monthlyReportJob, cron: (config) => config.reports.monthlyCron, setting: 'MONTHLY_REPORT_CRON', why: '09:00 on the 1st by default: last month’s report and charts to the general managers' },
  { job: retention, cron: '40 3 * * *', why: 'at 03:40 daily, when nobody works: purge handled inbound messages, delivered outbox rows and spent card codes older than RETENTION_DAYS (default 90)' },
];

/** The jobs as the runner schedules them: the work with its time from the table above. */
export const JOBS: Job[] = SCHEDULE.map(({ job, cron, why }) => ({ ...job, cron, description: why }));
