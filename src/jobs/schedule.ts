import { leadTimeouts } from './lead-timeouts';
import { slaChecks } from './sla-checks';
import type { Job } from './runner';

/**
 * The one cron table (times in BOT_TIMEZONE, Asia/Shanghai by default). Each job runs once per
 * period across all instances (job_run is the lock) and is caught up at start if missed.
 *
 * | job            | when                     |
 * |----------------|--------------------------|
 * | lead-timeouts  | every minute             |
 * | sla-checks     | every 5 minutes          |
 */
export const JOBS: Job[] = [leadTimeouts, slaChecks];
