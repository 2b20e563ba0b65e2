/**
 * Contracts after signing: renewals (prompts, reminders, the consultant's decision), the hand-over
 * and follow-up visits around a housekeeper's start (visits.ts), satisfaction surveys (surveys.ts),
 * and the approval steps the contracts own (steps.ts).
 */
export { dueForPrompt, dueForReminder, endContract, markRenewed, pastTheirEnd, renewable, sendRenewalPrompt, sendRenewalReminder } from './renewals';
export { callButton, customerReachable, type LowScoreFollowUp, openCallTask, openCallTasksFor, VISITED_COMMAND, visitedCommand } from './calls';
export { renewalSteps, visitSteps } from './steps';
export { answerSurvey, surveyClosedTicket, type SurveyReply } from './surveys';
export { arrivedWithoutVisits, arrivingTomorrow, prepareArrival, scheduleVisits, startVisit, visitsDue } from './visits';
