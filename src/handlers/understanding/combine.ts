import type { Harm, IntentModel, ModelIntent } from './model';
import { modelTokens } from './model';
import type { ComplaintCategory, Intent, RequestKind, Understanding } from './types';

/**
 * The rules and the trained model together (R-IN-3, issue 14, items 1 and 4).
 *
 *  - The rules keep what they are sure of: an explicit command (a short message a cue understood,
 *    "转人工", "查进度", the menu texts), a progress question (the dominant status cue), and a
 *    complaint they found serious. Their slots are always kept.
 *  - Otherwise the model decides: it overrides the rules when it is sure (MODEL_DECIDES), and it
 *    speaks for a message no cue understood when it is fairly sure (MODEL_TAKES).
 *  - Between MODEL_TAKES and FLOOR, with no rule to lean on, it is unsure between its two best
 *    intents: `unsure.between` lets the dialogue ask one separating question. Below FLOOR it
 *    knows nothing (`unsure.reason: 'floor'`): the hand-off rules apply.
 *  - Severity is the union: either the rules or the model seeing harm makes a complaint serious
 *    (the model alone is enough to add the complaint); a lower score never downgrades one. A
 *    model that half sees harm (HARM_UNSURE) on an ordinary complaint marks `unsure: 'harm'`, and
 *    the dialogue asks its safety question.
 *
 * Thresholds were set on the training corpus's held-back split, never on a held-out batch.
 */
export const MODEL_DECIDES = 0.75;
export const MODEL_TAKES = 0.5;
export const FLOOR = 0.3;
export const HARM_SERIOUS = 0.5;
export const HARM_UNSURE = 0.2;

export interface ModelView {
  /** The model's intents mapped onto ours, probabilities summed, most likely first. */
  intents: { intent: Intent; p: number }[];
  top: ModelIntent;
  /** Probability that the message describes harm to a person or to property. */
  harm: number;
  harmKind: Exclude<Harm, 'none'>;
}

const KIND: Partial<Record<ModelIntent, RequestKind>> = {
  sr_replacement: 'replacement', sr_on_site: 'on_site', sr_refund: 'refund', sr_leave_cover: 'leave_cover', sr_redo: 'redo',
};

/** sr_change (a time, an address, a pause) is a service request without one of the case kinds. */
function toIntent(label: ModelIntent): Intent {
  if (label.startsWith('sr_')) return 'service_request';
  // a score or a "满意" outside an open survey is a courtesy: answered like a greeting
  if (label === 'survey') return 'greeting';
  // an everyday remark ("阿姨带孩子去公园了") asks for nothing
  if (label === 'other') return 'unknown';
  return label as Intent;
}

export function predict(model: IntentModel, normalized: string): ModelView {
  const tokens = modelTokens(normalized);
  const raw = model.intent.predict(tokens);
  const sums = new Map<Intent, number>();
  for (const { label, p } of raw) sums.set(toIntent(label), (sums.get(toIntent(label)) ?? 0) + p);
  const intents = [...sums].map(([intent, p]) => ({ intent, p })).sort((a, b) => b.p - a.p);
  const harm = model.harm.predict(tokens);
  const person = harm.find((h) => h.label === 'person')?.p ?? 0;
  const property = harm.find((h) => h.label === 'property')?.p ?? 0;
  return { intents, top: raw[0].label, harm: person + property, harmKind: person >= property ? 'person' : 'property' };
}

const THEFT = /偷|少了|不见|丢了|丢失|找不到|拿走|顺走|没了/;
const NOT_IN_ALSO: ReadonlySet<Intent> = new Set<Intent>(['greeting', 'cancel', 'unknown']);
/** Intents that ask for something: the only ones the model may put in place of a rule's. */
const SUBSTANTIVE: ReadonlySet<Intent> = new Set<Intent>(['inquiry', 'complaint', 'service_request', 'status_query', 'renewal', 'human', 'faq', 'cancel']);

/** Which rule results the model may not overturn. */
export interface RulesCertainty { explicit: boolean }

export function combine(rules: Understanding, certainty: RulesCertainty, view: ModelView | undefined): Understanding {
  if (!view) {
    const known = rules.intent !== 'unknown';
    return { ...rules, confidence: known ? 1 : 0, decidedBy: 'rules', ...(known ? {} : { unsure: { reason: 'floor' as const } }) };
  }
  const top = view.intents[0];
  const pOf = (i: Intent) => view.intents.find((x) => x.intent === i)?.p ?? 0;
  const rulesSure = certainty.explicit || (rules.intent === 'complaint' && rules.severity === 'serious');
  let out: Understanding;
  if (rules.intent === top.intent || rulesSure) {
    out = { ...rules, confidence: rulesSure ? Math.max(pOf(rules.intent), certainty.explicit ? 1 : 0) : top.p, decidedBy: rules.intent === top.intent ? 'both' : 'rules' };
  } else if (rules.intent !== 'unknown' && (top.p < MODEL_DECIDES || !SUBSTANTIVE.has(top.intent))) {
    // the model overturns a rule only with something to act on, never with "nothing asked"
    out = { ...rules, confidence: pOf(rules.intent), decidedBy: 'rules' };
  } else if (rules.intent === 'unknown' && top.p < MODEL_TAKES) {
    const second = view.intents[1];
    const separable = top.p >= FLOOR && SUBSTANTIVE.has(top.intent) && second && SUBSTANTIVE.has(second.intent);
    const unsure = separable ? { reason: 'between' as const, between: [top.intent, second.intent] as [Intent, Intent] } : { reason: 'floor' as const };
    out = { ...rules, confidence: top.p, decidedBy: 'rules', unsure };
  } else {
    out = takeModel(rules, view, top);
  }
  return addHarm(out, view, rules);
}

/** The model's intent, the rules' findings kept in `also` and their labels where they fit. */
function takeModel(rules: Understanding, view: ModelView, top: { intent: Intent; p: number }): Understanding {
  const also = [...new Set([rules.intent, ...rules.also])].filter((i) => i !== top.intent && !NOT_IN_ALSO.has(i));
  const out: Understanding = { ...rules, intent: top.intent, also, confidence: top.p, decidedBy: 'model' };
  if (top.intent === 'service_request') out.requestKind = KIND[view.top] ?? rules.requestKind;
  if (top.intent === 'complaint' && !out.severity) {
    out.severity = 'ordinary';
    out.category = rules.category ?? 'other';
  }
  return out;
}

/** The union for severity, and the safety question when the model half sees harm. */
function addHarm(u: Understanding, view: ModelView, rules: Understanding): Understanding {
  const hasComplaint = u.intent === 'complaint' || u.also.includes('complaint');
  if (view.harm >= HARM_SERIOUS) {
    const category: ComplaintCategory = rules.severity === 'serious' && rules.category
      ? rules.category
      : view.harmKind === 'person' ? 'injury' : THEFT.test(u.normalized) ? 'theft' : 'property_damage';
    const out: Understanding = { ...u, severity: 'serious', category: u.severity === 'serious' ? (u.category ?? category) : category };
    if (!hasComplaint) {
      if (u.intent === 'unknown' || u.intent === 'greeting') return { ...out, intent: 'complaint', unsure: undefined, decidedBy: 'model', confidence: view.harm };
      out.also = [...u.also, 'complaint'];
    }
    return out;
  }
  if (view.harm >= HARM_UNSURE && u.severity !== 'serious') {
    if (hasComplaint) return { ...u, unsure: u.unsure ?? { reason: 'harm' } };
    // a message nobody understood that may describe harm: a complaint, and the safety question
    if (u.intent === 'unknown') return { ...u, intent: 'complaint', severity: 'ordinary', category: u.category ?? 'other', unsure: { reason: 'harm' }, decidedBy: 'model', confidence: view.harm };
  }
  return u;
}
