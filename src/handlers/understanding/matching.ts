import type { Cue } from './lexicon';
import type { Intent } from './types';

// ───────────────────────────── matching ─────────────────────────────

export interface Hit { cue: Cue; index: number; end: number; clause: string; }

const CLAUSE_BREAK = /[,.!?;:、。~…\s]/;
/** A negator right before a cue ("不是投诉", "没有丢东西", "不想换"), with one filler character. */
const NEGATED_BEFORE = /(?:(?<!有)没有?|不是|并非|并没有|未|无|不|别)(?:说|想|打算)?(?:有|是|再|要|被|会|在|想|用|太)?$/;
/** "不考核的吗" is still a question about vetting; "不是投诉" is not a complaint. */
const NEGATABLE: ReadonlySet<Intent> = new Set<Intent>(['complaint', 'service_request', 'inquiry', 'renewal', 'human', 'cancel']);
/** Words that make a clause hypothetical ("如果阿姨偷东西怎么赔", "不满意的话可以换吗"). */
const HYPOTHETICAL_WORDS = ['如果', '万一', '假如', '假设', '假若', '一旦', '要是', '的话', '担心', '怕', '会不会', '防止', '避免'];
/** A question: particles, question words, or the A-not-A form (接不接, 有没有, 能不能). */
export const QUESTION = /吗|怎么|如何|什么|多久|多少|哪里|哪儿|哪个|哪些|几点|几个人|谁|\?|([\u4e00-\u9fa5])[不没]\1/;

/**
 * What the cancellation rules ask about one text, computed once per text. A cue can match many
 * times in a long message (2,000 negated "没偷" in one run-on clause), and each match used to
 * walk its clause and re-test the whole message: quadratic, 4,000 characters ≈ 300-450 ms inside
 * the write transaction. Here every per-match question is O(1) or answered once per clause.
 */
class TextFacts {
  /** clauseStart[i]: where the clause holding position i starts (walking back to a break). */
  private readonly clauseStart: Int32Array;
  /** clauseEnd[i]: the first break at or after i (or the end of the text). */
  private readonly clauseEnd: Int32Array;
  /** hypotheticalBy[i]: the latest start of a hypothetical word that ends at or before i, or -1. */
  private readonly hypotheticalBy: Int32Array;
  readonly isQuestion: boolean;
  private readonly memo = new Map<RegExp, Map<number, boolean>>();

  constructor(readonly text: string) {
    const n = text.length;
    this.clauseStart = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) this.clauseStart[i] = CLAUSE_BREAK.test(text[i - 1]) ? i : this.clauseStart[i - 1];
    this.clauseEnd = new Int32Array(n + 1);
    this.clauseEnd[n] = n;
    for (let i = n - 1; i >= 0; i--) this.clauseEnd[i] = CLAUSE_BREAK.test(text[i]) ? i : this.clauseEnd[i + 1];
    this.hypotheticalBy = new Int32Array(n + 1).fill(-1);
    for (let p = 0; p < n; p++) {
      for (const word of HYPOTHETICAL_WORDS) {
        if (text.startsWith(word, p)) this.hypotheticalBy[p + word.length] = Math.max(this.hypotheticalBy[p + word.length], p);
      }
    }
    for (let i = 1; i <= n; i++) this.hypotheticalBy[i] = Math.max(this.hypotheticalBy[i], this.hypotheticalBy[i - 1]);
    this.isQuestion = QUESTION.test(text);
  }

  /** The clause around a match; it may span a break when the cue's own pattern does. */
  clauseAround(index: number, length: number): { start: number; end: number } {
    return { start: this.clauseStart[index], end: this.clauseEnd[index + length] };
  }

  /** Whether a hypothetical word lies wholly inside text[from, to) (the part of the clause before a match). */
  hypotheticalWithin(from: number, to: number): boolean {
    return this.hypotheticalBy[to] >= from;
  }

  /** re.test(text.slice(start, end)), asked once per clause and regex however many matches it holds. */
  test(re: RegExp, start: number, end: number): boolean {
    let byClause = this.memo.get(re);
    if (!byClause) this.memo.set(re, (byClause = new Map()));
    const key = start * (this.text.length + 1) + end;
    let answer = byClause.get(key);
    if (answer === undefined) byClause.set(key, (answer = re.test(this.text.slice(start, end))));
    return answer;
  }
}

/**
 * Whether a match does not count. Negation is only looked for right before the cue, so
 * "不小心摔了" (careless, not negated) still counts. A hypothetical only cancels a serious cue
 * when the message is also a question: "要是找不到戒指我就报警" is a real report.
 */
function isCancelled(facts: TextFacts, cue: Cue, index: number, length: number): boolean {
  const { text } = facts;
  const { start, end } = facts.clauseAround(index, length);
  if (NEGATABLE.has(cue.intent) && NEGATED_BEFORE.test(text.slice(Math.max(start, index - 5), index))) return true;
  if (cue.unlessClause && facts.test(cue.unlessClause, start, end)) return true;
  if (cue.unlessText && facts.test(cue.unlessText, 0, text.length)) return true;
  if (cue.intent !== 'complaint' && cue.intent !== 'service_request') return false;
  const after = text.slice(index + length, index + length + 2);
  const hypothetical = facts.hypotheticalWithin(start, index) || after === '的话';
  return hypothetical && (!cue.serious || facts.isQuestion);
}

const sameMeaning = (a: Cue, b: Cue) =>
  a.intent === b.intent && a.cat === b.cat && a.kind === b.kind && a.topic === b.topic;

/** Two phrasings of one meaning matching the same words ("换个阿姨") count once. */
function overlapsSameMeaning(hits: Hit[], cue: Cue, index: number, end: number): boolean {
  return hits.some((h) => sameMeaning(h.cue, cue) && h.index < end && index < h.end);
}

/** Each cue counts once: its first match that is neither negated nor already counted. */
export function scan(text: string, lexicon: readonly Cue[]): Hit[] {
  const facts = new TextFacts(text);
  const hits: Hit[] = [];
  for (const cue of lexicon) {
    for (const m of text.matchAll(cue.re)) {
      const end = m.index + m[0].length;
      if (end === m.index || overlapsSameMeaning(hits, cue, m.index, end)) continue;
      if (!isCancelled(facts, cue, m.index, m[0].length)) {
        const clause = facts.clauseAround(m.index, m[0].length);
        hits.push({ cue, index: m.index, end, clause: text.slice(clause.start, clause.end) });
        break;
      }
    }
  }
  return hits;
}
