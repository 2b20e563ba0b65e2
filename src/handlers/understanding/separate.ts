import { say } from '../../../config/say';
import { normalize } from './normalise';
import type { Intent } from './types';

/**
 * When the classifier hesitates between two intents (Understanding.unsure.between), the dialogue
 * asks one short question that separates them instead of 「没太明白」 (issue 14, item 4), and
 * reads the answer here.
 */

type Choice = 'inquiry' | 'service_request' | 'complaint' | 'status_query' | 'renewal' | 'human' | 'faq' | 'cancel';
const CHOICE_KEYS = {
  inquiry: 'understanding.choice.inquiry',
  service_request: 'understanding.choice.service_request',
  complaint: 'understanding.choice.complaint',
  status_query: 'understanding.choice.status_query',
  renewal: 'understanding.choice.renewal',
  human: 'understanding.choice.human',
  faq: 'understanding.choice.faq',
  cancel: 'understanding.choice.cancel',
} as const satisfies Record<Choice, string>;

const isChoice = (i: Intent): i is Choice => Object.prototype.hasOwnProperty.call(CHOICE_KEYS, i);

/** Whether the dialogue can ask about these two (both must be something a customer can choose). */
export function canSeparate(between: readonly Intent[]): boolean {
  return between.length === 2 && between.every(isChoice) && between[0] !== between[1];
}

/** 「您是想预约新的服务，还是调整现在的服务？」 */
export function separatingQuestion(between: readonly [Intent, Intent]): string {
  const [a, b] = between;
  if (!isChoice(a) || !isChoice(b)) throw new Error('separatingQuestion: not a choice a customer can make');
  return say('understanding.separate', { first: say(CHOICE_KEYS[a]), second: say(CHOICE_KEYS[b]) });
}

/** Words by which an answer picks one option ("预约新的", "调整一下现在的"). */
const PICKS: Record<Choice, RegExp> = {
  inquiry: /新|预约|找|请个|请一个|要个|订/,
  service_request: /调整|现在|改|换|停|暂停|原来/,
  complaint: /问题|投诉|反映|不满/,
  status_query: /进度|查/,
  renewal: /续/,
  human: /人工|客服|真人/,
  faq: /了解|咨询|问问/,
  cancel: /取消|不要了|不用了/,
};
const FIRST = /^(?:前者|前面的?|第一个?|1|一)$|^(?:前者|前面那个|第一个)/;
const SECOND = /^(?:后者|后面的?|第二个?|2|二)$|^(?:后者|后面那个|第二个)/;

/**
 * Which of the two the answer picks: an ordinal ("第一个", "后者"), the words of one option and
 * not the other, or the intent the answer is understood as on its own. Undefined when it picks
 * neither: the answer is then a new message.
 */
export function chosenIntent(answer: string, between: readonly [Intent, Intent], understoodAs: Intent): Intent | undefined {
  const t = normalize(answer).replace(/[\s,.!?;:、。~…的吧呀啊呢哈]+$/g, '');
  if (FIRST.test(t)) return between[0];
  if (SECOND.test(t)) return between[1];
  const [a, b] = between;
  const pickA = isChoice(a) && PICKS[a].test(t);
  const pickB = isChoice(b) && PICKS[b].test(t);
  if (pickA !== pickB) return pickA ? a : b;
  return between.includes(understoodAs) ? understoodAs : undefined;
}
