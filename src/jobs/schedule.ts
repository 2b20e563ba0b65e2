import { handoffTimeouts } from './handoffs';
import { leadTimeouts } from './lead-timeouts';
import { monthlyReportJob } from './monthly-report';
import { renewalPrompts } from './renewals';
import { retention } from './retention';
import { shiftDigest } from './shift-digest';
import { slaChecks } from './sla-checks';
import { arrivalsAndVisits } from './visits';
import type { Job } from './runner';

/**
 * The one cron table (times in BOT_TIMEZONE, Asia/Shanghai by default). Each job runs once per
 * period across all instances (job_run is the lock) and is caught up at start if missed.
 *
 * | job            | when                     |
 * |----------------|--------------------------|
 * | lead-timeouts  | every minute             |
 * | handoffs       | every minute             | 转人工 not taken in time, idle live conversations, stalled dialogues
 * | sla-checks     | every 5 minutes          |
 * | arrivals-and-visits | 08:30 daily         | hand-over tasks, visit schedules, visits due
 * | renewal-prompts     | 09:00 daily         | before the stores open
 * | shift-digest        | SHIFT_CHANGES       | default 09:00 and 18:00
 * | monthly-report      | MONTHLY_REPORT_CRON | default 09:00 on the 1st: last month's report and charts to the GM
 * | retention           | 03:40 daily         | purge handled working records after RETENTION_DAYS (default 90)
 */
export const JOBS: Job[] = [leadTimeouts, handoffTimeouts, slaChecks, arrivalsAndVisits, renewalPrompts, shiftDigest, monthlyReportJob, retention];
