import { z } from 'zod';
import type { ComplaintCategory, Intent, Understanding } from './types';

/**
 * The optional language model (issue 14, item 5). Asked only when the rules and the classifier are
 * both unsure, before the handler's transaction, within a hard timeout. Its answer is JSON checked
 * against ANSWER; anything else (garbage, a refusal, a timeout, an error) leaves the understanding
 * as it was. It may settle an unsure intent, add a complaint or make one serious; it never lowers
 * a serious complaint, never drops a complaint and never clears a pending safety question by
 * saying "ordinary".
 */

const INTENTS = ['inquiry', 'complaint', 'service_request', 'status_query', 'renewal', 'human', 'faq', 'greeting', 'cancel', 'unknown'] as const satisfies readonly Intent[];
const CATEGORIES = ['attitude', 'theft', 'property_damage', 'injury', 'lateness', 'quality', 'other'] as const satisfies readonly ComplaintCategory[];

export const ANSWER = z.object({
  intent: z.enum(INTENTS),
  complaint: z.boolean().optional(),
  severity: z.enum(['ordinary', 'serious']).optional(),
  category: z.enum(CATEGORIES).optional(),
});
export type Advice = z.infer<typeof ANSWER>;

/** Intents the model may put in place of an unsure guess: ones the dialogue can act on without more labels. */
const ADOPTABLE: ReadonlySet<Intent> = new Set<Intent>(['inquiry', 'complaint', 'service_request', 'status_query', 'renewal', 'human']);

export const SYSTEM_PROMPT = [
  '你是家政公司售后客服的分类助手。读客户的一句话，只输出一个 JSON 对象，不要其他文字。',
  `字段：intent（${INTENTS.join('|')}），complaint（是否在投诉，布尔），`,
  `severity（ordinary|serious；人身伤害、偷窃、财物损坏、虐待为 serious），category（${CATEGORIES.join('|')}）。`,
].join('\n');

/** The answer's text as advice, or null when it is not the JSON we asked for. */
export function parseAdvice(text: string | null): Advice | null {
  if (!text) return null;
  // some models wrap JSON in a ``` fence: take the outermost object
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    const parsed = ANSWER.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const hasComplaint = (u: Understanding) => u.intent === 'complaint' || u.also.includes('complaint');

/** The understanding with the advice applied, by the rules above. */
export function applyAdvice(u: Understanding, advice: Advice): Understanding {
  let out: Understanding = { ...u, also: [...u.also] };
  const guessing = u.unsure?.reason === 'between' || u.unsure?.reason === 'floor';
  if (guessing && ADOPTABLE.has(advice.intent) && u.intent !== 'complaint') {
    const also = [u.intent, ...u.also].filter((i) => i !== advice.intent && ADOPTABLE.has(i));
    out = { ...out, intent: advice.intent, also: [...new Set(also)], unsure: undefined, decidedBy: 'llm' };
  }
  const saysComplaint = advice.intent === 'complaint' || advice.complaint === true || advice.severity === 'serious';
  if (saysComplaint && !hasComplaint(out)) {
    if (out.intent === 'unknown' || out.intent === 'greeting') out = { ...out, intent: 'complaint', unsure: undefined, decidedBy: 'llm' };
    else out.also.push('complaint');
    out.severity = 'ordinary';
    out.category = advice.category ?? 'other';
  }
  if (advice.severity === 'serious' && hasComplaint(out) && out.severity !== 'serious') {
    out.severity = 'serious';
    out.category = advice.category && advice.category !== 'other' ? advice.category : (out.category ?? 'other');
    if (out.unsure?.reason === 'harm') out.unsure = undefined;
  }
  return out;
}
