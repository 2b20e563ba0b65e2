import { byRole, type StepOwnership } from '../approvals';
import { COMPLAINT_STEPS, complaintStepDecided, complaintStepNoted, isComplaintStep, parseAmountFen } from './complaint-workflow';
import { say } from '../../../config/say';
import { isPenaltyStep, PENALTY_STEPS, penaltyStepDecided, penaltyStepNoted } from './penalties';
import { isRequestStep, REQUEST_STEPS, requestStepDecided } from './service-request-workflow';

/** The approval steps the cases own, registered in the table of contents (src/handlers/index.ts). */

export const complaintSteps: StepOwnership = {
  owns: isComplaintStep,
  owner: {
    choices: (a) => COMPLAINT_STEPS[a.step].choices,
    mayDecide: byRole,
    // an amount must be a number: 「好的」 is never a compensation instruction
    validate: (a, text) => (a.step === 'compensation' && parseAmountFen(text) === null ? say('cases.compensation.notAmount') : null),
    decided: (ctx, a, _s, t, choice, text) => complaintStepDecided(ctx, a, t!, choice, text),
    noted: (ctx, a, s, t, choice) => complaintStepNoted(ctx, a, t!, s, choice),
  },
};

export const serviceRequestSteps: StepOwnership = {
  owns: isRequestStep,
  owner: { choices: (a, t) => REQUEST_STEPS[a.step].choices(t?.category ?? ''), mayDecide: byRole, decided: (ctx, a, _s, t, choice, text) => requestStepDecided(ctx, a, t!, choice, text) },
};

export const penaltySteps: StepOwnership = {
  owns: isPenaltyStep,
  owner: { choices: (a) => PENALTY_STEPS[a.step].choices, mayDecide: byRole, decided: (ctx, a, _s, _t, choice) => penaltyStepDecided(ctx, a, choice), noted: (ctx, a, s) => penaltyStepNoted(ctx, a, s) },
};
