import { escalateStep, escalateTicketBreach, feedbackDue, onSiteOverdue, overdueSteps, replyOverdue, sendProgressFeedback } from '../handlers/cases';
import { perMinute } from './periods';
import type { JobWork } from './runner';

/** Timers on every open case (R-SL-2). The rules are in handlers/sla. */
export const slaChecks: JobWork = {
  name: 'sla-checks',
  period: perMinute,
  async run(ctx) {
    const { read } = ctx;
    for (const ticket of await feedbackDue(read)) {
      await ctx.item(`ticket:${ticket.id}:feedback:${ticket.feedbackDueAt}`, (flow) => sendProgressFeedback(flow, ticket.id, ticket.feedbackDueAt!));
    }
    for (const ticket of await replyOverdue(read)) {
      await ctx.item(`ticket:${ticket.id}:breach:reply`, (flow) => escalateTicketBreach(flow, ticket.id, 'reply'));
    }
    for (const ticket of await onSiteOverdue(read)) {
      await ctx.item(`ticket:${ticket.id}:breach:on_site`, (flow) => escalateTicketBreach(flow, ticket.id, 'on_site'));
    }
    for (const approval of await overdueSteps(read)) {
      await ctx.item(`approval:${approval.id}:overdue`, (flow) => escalateStep(flow, approval.id));
    }
  },
};
