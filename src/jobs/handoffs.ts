import { closeIdle, escalateNotTaken, handOffStalled, idleConversations, notTakenInTime, stalledDialogues } from '../handlers/handoff';
import { perMinute } from './periods';
import type { Job } from './runner';

/** The hand-off clocks (R-HO): not taken in time → the CS manager; idle live conversations end; stalled dialogues go to a person. */
export const handoffTimeouts: Job = {
  name: 'handoffs',
  cron: '* * * * *',
  description: 'every minute: hand-offs not taken in time go to the CS manager; idle live conversations end; stalled dialogues are handed to a person',
  period: perMinute,
  async run(ctx) {
    const read = { db: ctx.db.reader, clock: ctx.clock, config: ctx.config, log: ctx.log };
    for (const handoff of await notTakenInTime(read)) {
      await ctx.item(`handoff:${handoff.id}:escalate`, (flow) => escalateNotTaken(flow, handoff.id));
    }
    for (const handoff of await idleConversations(read)) {
      await ctx.item(`handoff:${handoff.id}:idle:${handoff.lastActivityAt}`, (flow) => closeIdle(flow, handoff.id));
    }
    for (const row of await stalledDialogues(read)) {
      await ctx.item(`handoff:stalled:${row.id}:${row.updatedAt}`, (flow) => handOffStalled(flow, row.id, row.updatedAt));
    }
  },
};
