import { cnNumber } from './dates';
import { normalize } from './normalise';

/** The two dialogue parsers: a survey answer ("5分", "非常满意") and a yes/no. */

const SCORE_WORDS: ReadonlyArray<[RegExp, number]> = [
  [/非常不满意|很不满意|特别不满意|极不满意|太差了?|很差|非常差|差评|垃圾/, 1],
  [/不太满意|不满意|不怎么样|较差|比较差|不好/, 2],
  [/一般般?|还行|还可以|凑合|马马虎虎|中等/, 3],
  [/非常满意|很满意|十分满意|特别满意|超级满意|满分|好评|非常好|很好|太好了|完美|特别好/, 5],
  [/比较满意|满意|挺好|不错|还不错|好的很/, 4],
];
const SCORE_NUMBER = /(?:打|给|评)?\s*([1-5一二两三四五])\s*(?:分|颗星|星)(?!钟)/;
const SCORE_ALONE = /^\s*([1-5])\s*[.!]?\s*$/;
const STARS = /^[\s]*([⭐★]{1,5})/u;

function surveyScore(t: string): { score: number; span: string } | undefined {
  const stars = t.match(STARS);
  if (stars) return { score: [...stars[1]].length, span: stars[0] };
  const alone = t.match(SCORE_ALONE);
  if (alone) return { score: Number(alone[1]), span: alone[0] };
  const num = t.match(SCORE_NUMBER);
  if (num && !/\d/.test(t.charAt((num.index ?? 0) - 1))) return { score: cnNumber(num[1]), span: num[0] };
  for (const [re, score] of SCORE_WORDS) {
    const m = t.match(re);
    if (m) return { score, span: m[0] };
  }
  return undefined;
}

export function parseSurveyAnswer(text: string): { score: number; comment?: string } | undefined {
  const t = normalize(text);
  const found = surveyScore(t);
  if (!found || found.score < 1 || found.score > 5) return undefined;
  const comment = t.replace(found.span, ' ').replace(/^[\s,.!;:。、~]+|[\s,.!;:。、~]+$/g, '').trim();
  // "打三分吧": a lone particle is not a comment
  return comment && !/^[吧啊呀哈了的呢嘛哦噢]+$/.test(comment) ? { score: found.score, comment } : { score: found.score };
}

const PARTICLES = '[了啊吧呀哈呢嘛哦噢喔的]*';
const YES = new RegExp(`^(?:是|对|好|好滴|好哒|可以|行|嗯+|恩|ok|okay|yes|y|没问题|确认|确定|同意|需要|要)${PARTICLES}$`, 'i');
const NO = new RegExp(`^(?:不是|不对|不用|算|不要|不需要|没有|不行|不可以|否|no|n|取消|先不用|暂时不用|不)${PARTICLES}$`, 'i');
const HESITANT = /再想想|考虑|不确定|不知道|看看再说/;

export function parseYesNo(text: string): boolean | undefined {
  const t = normalize(text);
  if (!t || HESITANT.test(t)) return undefined;
  // Only the first phrase counts: "好的，谢谢" is yes, "不用了谢谢" is no.
  const first = t.split(/[,.!?;~。、\s]/)[0].replace(/(?:谢谢|谢了|多谢)$/, '');
  if (NO.test(first)) return false;
  if (YES.test(first)) return true;
  return undefined;
}
