import type { Config } from '../../config';
import { customerServiceStaff, sendDigest } from '../handlers/reports';
import { perMinute } from './periods';
import type { JobWork } from './runner';

/** "09:00,18:00" → "0 9,18 * * *" (shift changes share the minute in practice; the first one's minute is used for all). */
export function shiftCron(config: Config): string {
  const [first] = config.archives.shiftChanges;
  const minute = Number(first.slice(3, 5));
  const hours = [...new Set(config.archives.shiftChanges.map((time) => Number(time.slice(0, 2))))].join(',');
  return `${minute} ${hours} * * *`;
}

/** Hand-over digest to customer-service staff at each shift change (seed 二.7-1). */
export const shiftDigest: JobWork = {
  name: 'shift-digest',
  period: perMinute,
  async run(ctx) {
    for (const staff of await customerServiceStaff({ db: ctx.db.reader })) {
      await ctx.item(`staff:${staff.id}:digest:${ctx.period}`, (flow) => sendDigest(flow, staff.id));
    }
  },
};
