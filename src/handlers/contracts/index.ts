/**
 * Contracts after signing: renewals (prompts, reminders, the consultant's decision), the hand-over
 * and follow-up visits around a housekeeper's start (visits.ts), satisfaction surveys (surveys.ts),
 * and the approval steps the contracts own (steps.ts).
 */
export { dueForPrompt, dueForReminder, endContract, markRenewed, pastTheirEnd, renewable, RENEW_COMMAND, renewCommand, sendRenewalPrompt, sendRenewalReminder } from './renewals';
export { MOVEMENT_COMMAND, movementCommand } from './movements';
export { callButton, customerReachable, type LowScoreFollowUp, openCallTask, openCallTasksFor, VISITED_COMMAND, visitedCommand } from './calls';
export { renewalSteps, visitSteps } from './steps';
export { answerSurvey, surveyClosedTicket, type SurveyReply } from './surveys';
export { arrivedWithoutVisits, arrivingTomorrow, prepareArrival, scheduleVisits, startVisit, visitsDue } from './visits';
