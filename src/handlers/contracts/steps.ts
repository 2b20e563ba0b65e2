import { Contract } from '../../entities/contract';
import { byRole, type StepOwnership } from '../approvals';
import { audit } from '../records';
import { mayActOnContract, RENEWAL_CHOICES, renewalDecided } from './renewals';
import { housekeeperVisitRecorded } from './visits';
import { say } from '../../../config/say';

/** The approval steps the contracts own, registered in the table of contents (src/handlers/index.ts). */

export const renewalSteps: StepOwnership = {
  owns: (step) => step === 'renewal',
  owner: {
    choices: () => RENEWAL_CHOICES,
    mayDecide: async (ctx, staff, a) => mayActOnContract(staff, a, await ctx.db.findOneByOrFail(Contract, { id: a.contractId! })),
    decided: (ctx, a, s, _t, choice) => renewalDecided(ctx, a, s, choice),
    noted: (ctx, a, s, _t, choice) => renewalDecided(ctx, a, s, choice),
  },
};

/** The hand-over when a housekeeper starts (handover) and the written-up visits to her (housekeeper_visit). */
export const visitSteps: StepOwnership = {
  owns: (step) => step === 'handover' || step === 'housekeeper_visit',
  owner: {
    choices: (a) => (a.step === 'handover' ? [{ key: 'done', text: say('contracts.handover.button.done') }] : []),
    mayDecide: byRole,
    decided: async (ctx, a, s, _t, _choice, text) => {
      if (a.step === 'housekeeper_visit') return housekeeperVisitRecorded(ctx, a, text);
      await audit(ctx.db, { actor: s.wecomUserId, action: 'contract.handover_done', subject: 'contract', subjectId: a.contractId }, ctx.clock.now());
      return say('contracts.handover.recorded');
    },
  },
};
