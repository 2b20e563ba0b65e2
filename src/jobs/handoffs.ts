import { closeIdle, escalateNotTaken, handOffStalled, idleConversations, notTakenInTime, stalledDialogues } from '../handlers/handoff';
import { perMinute } from './periods';
import type { JobWork } from './runner';

/** The hand-off clocks (R-HO): not taken in time → the CS manager; idle live conversations end; stalled dialogues go to a person. */
export const handoffTimeouts: JobWork = {
  name: 'handoffs',
  period: perMinute,
  async run(ctx) {
    const { read } = ctx;
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
