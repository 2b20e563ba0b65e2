import { arrivedWithoutVisits, arrivingTomorrow, prepareArrival, scheduleVisits, startVisit, visitsDue } from '../handlers/contracts';
import { perDay } from './periods';
import type { JobWork } from './runner';

/** Hand-over before arrival, follow-up visits after it (R-FU-1). The rules are in handlers/visits. */
export const arrivalsAndVisits: JobWork = {
  name: 'arrivals-and-visits',
  period: perDay,
  async run(ctx) {
    const { read } = ctx;
    for (const contract of await arrivingTomorrow(read)) {
      await ctx.item(`contract:${contract.id}:handover:${contract.arrivalDate}`, (flow) => prepareArrival(flow, contract.id));
    }
    for (const contract of await arrivedWithoutVisits(read)) {
      await ctx.item(`contract:${contract.id}:schedule-visits`, async (flow) => void (await scheduleVisits(flow, contract.id)));
    }
    for (const visit of await visitsDue(read)) {
      await ctx.item(`visit:${visit.id}:start`, (flow) => startVisit(flow, visit.id));
    }
  },
};
