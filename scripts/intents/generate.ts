/**
 * Writes test/fixtures/intents/generated.json (issue 14, item 2): thousands of labelled customer
 * messages from the templates in templates.ts, roughened the way real messages are (voice-to-text
 * without punctuation, typos and homophones, Sichuan and northern colloquial words, 繁體, emoji,
 * English words, rants). Seeded: the same file every run.
 *
 * Held back: every row of about one template in eight (isHeldBack) is marked `heldBack` — training never sees
 * those sentence shapes, so the held-back figures say something about wording it has not seen.
 *
 *   npx ts-node --transpile-only scripts/intents/generate.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import * as OpenCC from 'opencc-js';
import { COMPOUNDS, FILLERS, TEMPLATES, type Harm, type ModelIntent } from './templates';

export interface CorpusRow { text: string; intent: ModelIntent; harm: Harm; heldBack?: boolean }

const OUT = path.join(__dirname, '../../test/fixtures/intents/generated.json');
const SEED = 20261201;
const PER_TEMPLATE = 14;

/** mulberry32: a tiny seeded generator, enough for choosing words. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Typos, homophones and colloquial words customers really type, simplified → what they write. */
const ROUGH: [RegExp, string[]][] = [
  [/阿姨/g, ['啊姨', '阿yi', 'ayi', '嬢嬢', '大姐']],
  [/保姆/g, ['保母', '褓姆']],
  [/什么/g, ['啥', '啥子', '神马', '甚么']],
  [/没有/g, ['莫得', '没得', '木有']],
  [/怎么/g, ['咋', '咋个', '怎莫', '肿么']],
  [/弄/g, ['整', '搞']],
  [/孩子/g, ['娃娃', '娃', '小孩儿', '孩纸']],
  [/一下/g, ['一哈', '一下下']],
  [/很/g, ['贼', '老', '好', '忒']],
  [/了/g, ['咯', '勒', '啦']],
  [/吗/g, ['嘛', '么', '不']],
  [/的/g, ['滴', '地', '得']],
  [/谢谢/g, ['3q', '谢啦', 'thx']],
  [/投诉/g, ['complain', '投数']],
  [/退款/g, ['refund', '退宽']],
  [/预约/g, ['book', '预定']],
  [/现在/g, ['这会儿', '眼下']],
  [/知道/g, ['晓得', '知到']],
  [/东西/g, ['东东', '玩意儿']],
  [/这个/g, ['这', '这货', '这个人']],
];
const RANT_OPEN = ['我真的服了，', '气死我了', '你们这什么公司啊，', '我跟你们说个事，', '说实话，', '忍了好久了，', '唉，', '无语了，', '家人们谁懂啊，', '我就想问问，'];
const RANT_CLOSE = ['，你们看着办吧', '，太过分了', '！！！', '。。。', '，必须给个说法', '，我要曝光你们', '，气得我一晚上没睡着', '，再这样我就不用了', '，麻烦尽快处理', '？？？'];
const POLITE_OPEN = ['你好，', '您好 ', '在吗 ', '亲，', '麻烦问下，', 'hello，', '打扰一下，', '那个，'];
const VOICE_FILLERS = ['那个', '就是', '嗯', '然后', '就是说'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function fill(rnd: () => number, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => pick(rnd, FILLERS[name] ?? [name]));
}

/** One way a real message differs from the tidy template, chosen at random. */
function roughen(rnd: () => number, text: string, intent: ModelIntent): string {
  let s = text;
  const roll = () => rnd();
  if (roll() < 0.35) {
    // voice-to-text: no punctuation, the odd filler word
    s = s.replace(/[，。！？、,.!?；;]+/g, roll() < 0.5 ? ' ' : '');
    if (roll() < 0.4) s = `${pick(rnd, VOICE_FILLERS)}${s}`;
  }
  for (const [re, options] of ROUGH) if (re.test(s) && roll() < 0.12) s = s.replace(re, () => pick(rnd, options));
  if (intent === 'complaint' && roll() < 0.3) s = `${roll() < 0.5 ? pick(rnd, RANT_OPEN) : ''}${s}${pick(rnd, RANT_CLOSE)}`;
  else if (roll() < 0.15) s = `${pick(rnd, POLITE_OPEN)}${s}`;
  if (roll() < 0.15) s = roll() < 0.5 ? `${s}${pick(rnd, FILLERS.EMOJI)}` : `${pick(rnd, FILLERS.EMOJI)}${s}`;
  if (roll() < 0.08) s = toTraditional(s);
  if (roll() < 0.1) s = `${s}${'？！。'[Math.floor(roll() * 3)].repeat(1 + Math.floor(roll() * 3))}`;
  return s;
}

/**
 * About one template in eight is held back, chosen by a hash of its text: adding a template
 * elsewhere does not move the others in or out of the held-back split.
 */
function isHeldBack(template: string): boolean {
  let h = 2166136261;
  for (const ch of template) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return h % 8 === 0;
}

export function generate(seed = SEED): CorpusRow[] {
  const rnd = seeded(seed);
  const rows: CorpusRow[] = [];
  const seen = new Set<string>();
  const add = (row: CorpusRow) => {
    if (seen.has(row.text)) return;
    seen.add(row.text);
    rows.push(row);
  };
  for (const template of TEMPLATES) {
    for (const t of template.t) {
      const heldBack = isHeldBack(t);
      // short fixed phrases (greetings, commands) have few real variants: fewer copies
      const copies = /\{/.test(t) ? PER_TEMPLATE : 4;
      for (let i = 0; i < copies; i++) {
        const text = i === 0 ? fill(rnd, t) : roughen(rnd, fill(rnd, t), template.intent);
        add({ text, intent: template.intent, harm: template.harm ?? 'none', ...(heldBack ? { heldBack } : {}) });
      }
    }
  }
  for (const c of COMPOUNDS) {
    const heldBack = isHeldBack(c.first + c.second);
    for (let i = 0; i < PER_TEMPLATE; i++) {
      const sep = pick(rnd, ['，', '。', ' ', '！', '；还有']);
      add({ text: roughen(rnd, `${fill(rnd, c.first)}${sep}${fill(rnd, c.second)}`, c.intent), intent: c.intent, harm: c.harm, ...(heldBack ? { heldBack } : {}) });
    }
  }
  return rows;
}

if (require.main === module) {
  const rows = generate();
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  console.log(`${rows.length} rows (${rows.filter((r) => r.heldBack).length} held back) → ${path.relative(process.cwd(), OUT)}`);
}
