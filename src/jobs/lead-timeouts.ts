import { acceptedNotContacted, overdueAssignedLeads, reassignOverdueLead, remindToContact } from '../handlers/leads';
import { perMinute } from './periods';
import type { JobWork } from './runner';

/** Leads waiting too long for a consultant (R-LD-2): reassign, remind. The rules are in handlers/lead-timeouts. */
export const leadTimeouts: JobWork = {
  name: 'lead-timeouts',
  period: perMinute,
  async run(ctx) {
    const { read } = ctx;
    for (const lead of await overdueAssignedLeads(read)) {
      await ctx.item(`lead:${lead.id}:accept-timeout:${lead.assignedAt}`, (flow) => reassignOverdueLead(flow, lead.id, lead.assignedAt!));
    }
    const hours = ctx.config.leads.contactHours;
    for (const lead of await acceptedNotContacted(read, hours)) {
      await ctx.item(`lead:${lead.id}:remind:consultant`, (flow) => remindToContact(flow, lead.id, 'consultant'));
    }
    for (const lead of await acceptedNotContacted(read, 2 * hours)) {
      await ctx.item(`lead:${lead.id}:remind:manager`, (flow) => remindToContact(flow, lead.id, 'manager'));
    }
  },
};
