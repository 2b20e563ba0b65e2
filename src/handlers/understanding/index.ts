/**
 * Understanding a customer's free text (R-IN-3, R-CP-1, R-AS-1) without any external AI service.
 * The front door of the room; inside it:
 *   normalise.ts  NFKC and 繁體 → 简体            lexicon.ts   the weighted cues, by intent
 *   matching.ts   negation, hypotheticals, clauses  classify.ts  scoring and the routing policy
 *   slots.ts      phone, name, district, address, service type, start date
 *   dates.ts      dates in Chinese (后天, 下个月1号, chrono.zh)  answers.ts  survey scores, yes/no
 *   model.ts      the trained classifiers (intent, harm)        combine.ts  rules + model, confidence
 *   separate.ts   the question that separates two intents the model hesitates between
 *   advice.ts     the optional language model, asked only when unsure
 */
export { applyAdvice, parseAdvice, SYSTEM_PROMPT, type Advice } from './advice';
export { parseSurveyAnswer, parseYesNo } from './answers';
export { understand } from './classify';
export { FLOOR } from './combine';
export { normalize } from './normalise';
export { extractSlots } from './slots';
export { intentModel } from './model';
export { canSeparate, chosenIntent, separatingQuestion } from './separate';
export type { ComplaintCategory, FaqTopic, Intent, RequestKind, ServiceType, Slots, Understanding } from './types';
