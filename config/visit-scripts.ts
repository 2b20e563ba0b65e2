import { say } from './say';

/**
 * 回访话术: the standard questions of follow-up visits (seed 7—2) and of the satisfaction survey
 * after a case closes. Scores are 1-5; the customer can add a comment to any answer. The wording
 * lives in the message catalogue (config/messages/contracts.ts); this file says which questions
 * each script asks, in order.
 */
export const CUSTOMER_VISIT_QUESTIONS = [say('contracts.visit.customerQ1'), say('contracts.visit.customerQ2'), say('contracts.visit.customerQ3')];

export const HOUSEKEEPER_VISIT_QUESTIONS = [say('contracts.visit.housekeeperQ1'), say('contracts.visit.housekeeperQ2'), say('contracts.visit.housekeeperQ3')];

export const CASE_SURVEY_QUESTIONS = [say('contracts.survey.caseQ1')];

/** A score at or below this opens a ticket so someone follows up. */
export const LOW_SCORE = 2;
