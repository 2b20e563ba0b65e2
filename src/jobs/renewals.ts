import { dueForPrompt, dueForReminder, endContract, pastTheirEnd, sendRenewalPrompt, sendRenewalReminder } from '../handlers/contracts';
import { perDay } from './periods';
import type { JobWork } from './runner';

/** Contract-renewal prompts and reminders (R-CT-2). The rules are in handlers/renewals. */
export const renewalPrompts: JobWork = {
  name: 'renewal-prompts',
  period: perDay,
  async run(ctx) {
    const { read } = ctx;
    // a handled contract no longer matches, so batches are re-read until nothing new comes back
    // (a contract whose item failed is not retried in this run: the next run picks it up)
    const tried = new Set<number>();
    for (;;) {
      const batch = (await dueForPrompt(read)).filter((contract) => !tried.has(contract.id));
      if (batch.length === 0) break;
      for (const contract of batch) {
        tried.add(contract.id);
        await ctx.item(`contract:${contract.id}:renewal-prompt:${contract.endDate}`, (flow) => sendRenewalPrompt(flow, contract.id));
      }
    }
    for (const contract of await dueForReminder(read)) {
      await ctx.item(`contract:${contract.id}:renewal-reminder:${contract.endDate}`, (flow) => sendRenewalReminder(flow, contract.id));
    }
    for (const contract of await pastTheirEnd(read)) {
      await ctx.item(`contract:${contract.id}:ended`, (flow) => endContract(flow, contract.id));
    }
  },
};
