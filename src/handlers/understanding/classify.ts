/**
 * Understanding a customer's free text (R-IN-3, R-CP-1, R-AS-1) without any external AI service:
 * normalisation, a lexicon of weighted cues, negation / hypothetical handling, a small scorer
 * and a routing policy, plus slot extraction (phone, name, district, address, service type,
 * start date) and the two dialogue parsers (survey answers, yes/no).
 *
 * Policy in one place (see `decideMain`):
 *  1. A question about the progress of an existing case (进度/有结果了吗/到账了吗…) is a
 *     status_query, even when it mentions the complaint it is about; the complaint stays in `also`.
 *  2. Otherwise any expression of dissatisfaction (a complaint cue) makes the message a complaint;
 *     the remedy the customer asks for (换人/退款…) and any question go to `also`. One exception:
 *     poor work plus a redo request ("没打扫干净，回来重新打扫") is a redo service_request.
 *     And an injury that names no housekeeper inside a request for care ("我爸摔骨折了，想找个
 *     护工") is the reason for the lead: inquiry, with the complaint kept in `also`.
 *  3. Otherwise an intent about the customer's own case (service request, renewal, status, human)
 *     outranks a lead or a general question; among those, and then among inquiry / faq / cancel,
 *     the best-scored wins (ties: the order in PRIORITY).
 *  4. Greeting is the main intent only when nothing else is present; cancel competes with
 *     inquiry and faq on score ("取消预约" is a cancel). Neither is ever listed in `also`
 *     ("你好，我想找月嫂" is an inquiry, not a greeting plus an inquiry).
 *  5. A message no cue understood that names the housekeeper with a person, a belonging or a
 *     negative word falls into a safety net (`safetyNet`): a complaint, serious when a person,
 *     body part, pet or belonging is named.
 *  6. Severity is 'serious' as soon as one serious cue (theft, loss, damage, injury, police) is
 *     present and not negated — a missed theft or injury is the worst outcome, so doubt goes to
 *     serious and staff can downgrade it (R-CP-1: "the bot proposes the severity").
 *  English: only a few unmistakable words are understood (complaint, theft/injury/police,
 *  human/help, hi/hello/thanks); any other English text is 'unknown' so it goes to a person.
 */
import { ENGLISH_CUES, LEXICON, cues } from './lexicon';
import { QUESTION, scan, type Hit } from './matching';
import { normalize } from './normalise';
import { DEFAULT_TZ } from './dates';
import { blankData, extractSlots } from './slots';
import { combine, predict } from './combine';
import { intentModel, type IntentModel } from './model';
import type { ComplaintCategory, Intent, Slots, Understanding } from './types';

// ───────────────────────────── scoring and policy ─────────────────────────────

/** Tie-break between substantive intents with the same score, most specific first. */
const PRIORITY: readonly Intent[] = [
  'complaint', 'status_query', 'renewal', 'service_request', 'human', 'inquiry', 'faq', 'cancel', 'greeting',
];
/** A complaint needs this much evidence: one real cue (weight ≥ 2). */
const COMPLAINT_MIN = 2;
/** Never listed in `also`: they only matter when they are the whole message. */
const NOT_IN_ALSO: ReadonlySet<Intent> = new Set<Intent>(['greeting', 'cancel']);

function sumBy<K extends string>(hits: Hit[], key: (h: Hit) => K | undefined): Map<K, number> {
  const out = new Map<K, number>();
  for (const h of hits) {
    const k = key(h);
    if (k !== undefined) out.set(k, (out.get(k) ?? 0) + h.cue.w);
  }
  return out;
}

function best<K extends string>(scores: Map<K, number>): K | undefined {
  let top: K | undefined;
  for (const [k, v] of scores) if (top === undefined || v > (scores.get(top) ?? 0)) top = k;
  return top;
}

/** Intents present, strongest first (ties by PRIORITY). */
function rank(scores: Map<Intent, number>): Intent[] {
  return [...scores.keys()]
    .filter((i) => i !== 'complaint' || (scores.get(i) ?? 0) >= COMPLAINT_MIN)
    .sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || PRIORITY.indexOf(a) - PRIORITY.indexOf(b));
}

/**
 * Intents about the customer's own case. Any of them outranks a lead or a general question in
 * the same message: "续一年，手续怎么办" is a renewal, "想换个阿姨，孩子大了需要育儿嫂" is a
 * replacement whose need is the new housekeeper.
 */
const CASE_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['status_query', 'renewal', 'service_request', 'human']);

/**
 * "没打扫干净，让她回来重新打扫": when the only fault is the work itself (poor or unfinished) and
 * the customer asks for it to be redone, the redo is the request (R-AS-1), the complaint `also`.
 */
function isRedoOfPoorWork(hits: Hit[]): boolean {
  const complaints = hits.filter((h) => h.cue.intent === 'complaint');
  return hits.some((h) => h.cue.kind === 'redo') && complaints.every((h) => h.cue.cat === 'quality' || h.cue.cat === 'lateness');
}

/** Someone who could have caused an incident in the customer's home. */
const AGENT = /阿姨|啊姨|保姆|保母|月嫂|育儿嫂|育婴|钟点工|小时工|护工|保洁|师傅|家政|你们/;

/**
 * "我爸摔骨折了，想找个护工": an injury that names no housekeeper, inside a request for care, is
 * the reason for the lead, not an incident. The complaint stays in `also` (severity serious) so
 * a person still sees it, but the message is routed as an inquiry.
 */
function isBackgroundInjury(hits: Hit[]): boolean {
  const complaints = hits.filter((h) => h.cue.intent === 'complaint');
  const strongLead = hits.some((h) => h.cue.intent === 'inquiry' && h.cue.w >= 3);
  return strongLead && complaints.every((h) => h.cue.cat === 'injury' && !AGENT.test(h.clause));
}

/** The routing policy described at the top of this file; `ranked` is strongest first. */
function decideMain(ranked: Intent[], hits: Hit[]): Intent {
  if (hits.some((h) => h.cue.dominant)) return 'status_query';
  if (ranked.includes('complaint') && !isBackgroundInjury(hits)) {
    return isRedoOfPoorWork(hits) ? 'service_request' : 'complaint';
  }
  const own = ranked.find((i) => CASE_INTENTS.has(i));
  if (own) return own;
  // "取消预约" is a cancel (3 > 2), "你好，我想找月嫂" is not a greeting.
  return ranked.find((i) => i !== 'greeting') ?? ranked[0] ?? 'unknown';
}

/** Serious categories outrank ordinary ones: the serious thing is what staff must see first. */
function complaintCategory(hits: Hit[]): ComplaintCategory {
  const serious = hits.filter((h) => h.cue.serious && h.cue.cat !== 'other');
  const pool = serious.length > 0 ? serious : hits.filter((h) => h.cue.cat && h.cue.cat !== 'other');
  return best(sumBy(pool, (h) => h.cue.cat)) ?? 'other';
}

/**
 * Intent scores are the sum of their cues' weights, with two adjustments:
 * - faq counts its strongest topic only: a message touching price and process is not "more faq"
 *   than one clear request;
 * - inquiry gets a small boost from a concrete need (a service type, a start date).
 */
function intentScores(hits: Hit[], slots: Slots): Map<Intent, number> {
  const scores = sumBy(hits, (h) => h.cue.intent);
  const faqHits = hits.filter((h) => h.cue.intent === 'faq');
  if (faqHits.length > 0) {
    const topics = sumBy(faqHits, (h) => h.cue.topic ?? 'scope');
    scores.set('faq', Math.max(...topics.values()));
  }
  const inquiry = scores.get('inquiry');
  if (inquiry !== undefined) scores.set('inquiry', inquiry + (slots.serviceType ? 1 : 0) + (slots.startDate ? 1 : 0));
  return scores;
}

type RulesPart = Omit<Understanding, 'slots' | 'normalized' | 'confidence' | 'decidedBy'>;

function classify(hits: Hit[], slots: Slots): RulesPart {
  const ranked = rank(intentScores(hits, slots));
  const intent = decideMain(ranked, hits);
  const also = ranked.filter((i) => i !== intent && !NOT_IN_ALSO.has(i));
  const out: RulesPart = { intent, also };
  const present = new Set<Intent>([intent, ...also]);
  if (present.has('complaint')) {
    const complaintHits = hits.filter((h) => h.cue.intent === 'complaint');
    out.severity = complaintHits.some((h) => h.cue.serious) ? 'serious' : 'ordinary';
    out.category = complaintCategory(complaintHits);
  }
  if (present.has('service_request')) out.requestKind = best(sumBy(hits, (h) => h.cue.kind));
  if (present.has('faq')) out.faqTopic = best(sumBy(hits, (h) => h.cue.topic));
  return out;
}

/**
 * Safety net for messages no cue understood: one that names the housekeeper (or us) together
 * with a sign of trouble is a complaint — serious when it also names a body part, a person,
 * money, a belonging or a pet, ordinary otherwise. Without a sign of trouble ("阿姨今天带孩子
 * 去公园了") or with praise or a question, the message stays unknown: a false serious alert
 * pages the CS manager at once (R-CP-4), so the net must not fire on everyday remarks.
 */
const FALLBACK_CUES = {
  theft: cues('complaint', 2, { cat: 'theft', serious: true }, ['{VAL}'])[0],
  bodyInjury: cues('complaint', 2, { cat: 'injury', serious: true }, ['{BODY}'])[0],
  injury: cues('complaint', 2, { cat: 'injury', serious: true }, ['{KID}'])[0],
  damage: cues('complaint', 2, { cat: 'property_damage', serious: true }, ['猫|狗|宠物|家具|电器'])[0],
  ordinary: cues('complaint', 2, { cat: 'other' }, ['.'])[0],
};
/** Signs that something went wrong; 被 is the adversative passive ("孩子被…"). */
const TROUBLE = /不|没|太|老是|总是|一直|又|还是|偷偷|乱|随便|怎么回事|竟然|居然|结果|发现|怀疑|莫名其妙|差点|突然|根本|害得|弄得|搞得|被/;
const PRAISE = /很好|挺好|真好|不错|满意|喜欢|爱吃|感谢|谢谢|辛苦|棒|优秀|表扬|好评|放心|勤快|麻利|利索|踏实|贴心/;

function safetyNet(text: string, hits: Hit[]): Hit[] {
  const substantive = hits.some((h) => h.cue.intent !== 'greeting');
  if (substantive || PRAISE.test(text) || QUESTION.test(text) || !TROUBLE.test(text)) return [];
  const agent = text.match(AGENT);
  if (!agent || agent.index === undefined) return [];
  const order: (keyof typeof FALLBACK_CUES)[] =
    agent[0] === '你们' ? ['ordinary'] : ['bodyInjury', 'theft', 'injury', 'damage', 'ordinary'];
  for (const key of order) {
    const cue = FALLBACK_CUES[key];
    const m = text.match(new RegExp(cue.re.source, 'i'));
    if (m?.index !== undefined) return [{ cue, index: m.index, end: m.index + m[0].length, clause: text }];
  }
  return [];
}

const CJK = /[\u3400-\u9fff]/;
const LATIN = /[a-z]/i;

/**
 * The model is asked about Chinese messages with some variety in them. English-only text keeps
 * the documented policy (only unmistakable words; anything else goes to a person); text without
 * a Chinese character (digits, emoji, "？？？") and one word repeated hundreds of times carry no
 * request the model could have learnt.
 */
function worthAsking(words: string, english: boolean): boolean {
  if (english || !CJK.test(words)) return false;
  const chars = words.match(/[\u3400-\u9fff]|[a-z0-9]/gi) ?? [];
  return chars.length < 40 || new Set(chars).size / chars.length >= 0.15;
}

/** A command short enough that the cue that understood it is the whole message ("转人工", "查进度"). */
const EXPLICIT_MAX_CHARS = 6;

/**
 * The rules first, then the trained model beside them (combine.ts). `model` defaults to the
 * committed one, read once per process; pass null to hear the rules alone (the bench and the
 * first-run figures compare the two).
 */
export function understand(text: string, now: number, timeZone: string = DEFAULT_TZ, model: IntentModel | null = intentModel()): Understanding {
  const normalized = normalize(text);
  const slots = extractSlots(normalized, now, timeZone);
  // Phone numbers are data, not words: blank them so a "110" inside one cannot look like a cue.
  const words = blankData(normalized);
  const english = !CJK.test(words) && LATIN.test(words);
  const hits = english ? scan(words.toLowerCase(), ENGLISH_CUES) : scan(words, LEXICON);
  if (!english) hits.push(...safetyNet(words, hits));
  const rules: Understanding = { ...classify(hits, slots), slots, normalized, confidence: 0, decidedBy: 'rules' };
  const bare = words.replace(/[\s,.!?;:、。~…]/g, '');
  const explicit = hits.some((h) => h.cue.dominant) || (rules.intent !== 'unknown' && bare.length <= EXPLICIT_MAX_CHARS);
  return combine(rules, { explicit }, model && worthAsking(words, english) ? predict(model, normalized) : undefined);
}
