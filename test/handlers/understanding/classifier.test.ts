import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { understand, type Understanding } from '../../../src/handlers/understanding';
import { combine, HARM_SERIOUS, MODEL_TAKES, type ModelView } from '../../../src/handlers/understanding/combine';
import { FastTextClassifier, intentModel, modelDir, modelTokens, type Harm, type ModelIntent } from '../../../src/handlers/understanding/model';
import { chosenIntent, separatingQuestion } from '../../../src/handlers/understanding/separate';
import { describeFigures, figures, readBatch, type Count } from './figures';

/** Thursday 2026-11-26 10:00 in Shanghai. */
const NOW = Date.parse('2026-11-26T02:00:00Z');
const ROOT = path.join(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const both = (text: string) => understand(text, NOW);
const rulesAlone = (text: string) => understand(text, NOW, undefined, null);

describe('the committed model is the one npm run train:intents writes for the committed corpus', () => {
  // Retraining takes seconds, not milliseconds: `npm run train:intents -- --check` retrains and
  // compares bytes. Here: the files are the ones the script recorded, for the corpus as it is.
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir(), 'manifest.json'), 'utf8'));

  it('records the hash of every corpus file as it is now', () => {
    const now = Object.fromEntries(Object.keys(manifest.corpus).map((f) => [f, fs.existsSync(path.join(FIXTURES, f)) ? sha256(path.join(FIXTURES, f)) : null]));
    expect(now).toEqual(manifest.corpus);
  });

  it('records the hash of both model files, which stay small', () => {
    for (const file of ['intent.bin', 'harm.bin']) {
      expect(sha256(path.join(modelDir(), file))).toBe(manifest.models[file]);
      expect(fs.statSync(path.join(modelDir(), file)).size).toBeLessThan(3_000_000);
    }
  });

  it('never trains on a held-out batch: no held-out message is in the corpus', () => {
    // one- and two-word messages (「收到」) are everyone's; longer ones are somebody's wording
    const corpus = new Set(
      ['intents/generated.json', 'intents/handwritten.json', 'intents/company.json', 'intent-corpus.json']
        .filter((f) => fs.existsSync(path.join(FIXTURES, f)))
        .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as { text: string }[]).map((r) => r.text)),
    );
    for (const file of Object.keys(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'held-out/first-runs.json'), 'utf8')))) {
      expect(readBatch(file).filter((r) => r.text.length > 6 && corpus.has(r.text)).length).toBe(0);
    }
  });
});

describe('the model reader', () => {
  it('tokenises characters, Latin words and digit runs the same way in training and at run time', () => {
    expect(modelTokens('阿姨偷了我的金錶！！ nanny 13800138000 花了2000块😡')).toEqual(['阿', '姨', '偷', '了', '我', '的', '金', '表', '!', '!', 'nanny', '花', '了', '0', '块', '😡']);
    expect(modelTokens('')).toEqual([]);
  });

  it('refuses a file that is not a fastText model instead of predicting nonsense', () => {
    expect(() => new FastTextClassifier(Buffer.from('not a model at all, just text'))).toThrow(/fastText/);
  });

  it('gives probabilities over the labels it was trained with', () => {
    const p = intentModel()!.intent.predict(modelTokens('我想找个月嫂'));
    expect(p.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 5);
    expect(p[0].label).toBe('inquiry');
  });
});

/** The corpus rows training never saw (about one template in eight, one hand-written row in seven). */
const HELD_BACK = ['intents/generated.json', 'intents/handwritten.json']
  .flatMap((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8')) as { text: string; intent: ModelIntent; harm: Harm; heldBack?: boolean }[])
  .filter((r) => r.heldBack);

describe('the held-back split of the training corpus (never trained on)', () => {
  const toIntent = (l: ModelIntent) => (l.startsWith('sr_') ? 'service_request' : l === 'survey' ? 'greeting' : l === 'other' ? 'unknown' : l);

  it('is routed right on at least 85 % of its rows, and every harm it describes is seen (rules and model together)', () => {
    const results = HELD_BACK.map((r) => ({ r, u: both(r.text), rules: rulesAlone(r.text) }));
    const right = results.filter(({ r, u }) => u.intent === toIntent(r.intent)).length;
    const rulesRight = results.filter(({ r, rules }) => rules.intent === toIntent(r.intent)).length;
    const harmed = results.filter(({ r }) => r.harm !== 'none');
    const seen = harmed.filter(({ u }) => u.severity === 'serious');
    const missed = harmed.filter(({ u }) => u.severity !== 'serious').map(({ r, u }) => `  ${r.harm} → ${u.intent}/${u.severity ?? '-'}: ${r.text}`);
    console.log(`held-back split: intent ${right}/${results.length} with the model, ${rulesRight}/${results.length} rules alone; harm seen ${seen.length}/${harmed.length}\n${missed.join('\n')}`);
    expect(right / results.length).toBeGreaterThanOrEqual(0.88);
    expect(seen.length / harmed.length).toBeGreaterThanOrEqual(0.98);
  });
});

/** withModel: the first run of rules + model (history); modelFloor: what is asserted (see first-runs.json). */
interface WithModel { intent: Count; seriousRecall: Count; ordinaryFlaggedSerious: { wrong: number; of: number }; category: Count; requestKind: Count; faqTopic: Count; severity: Count }
const FIRST_RUNS: Record<string, { rows: number; withModel?: WithModel; modelFloor?: WithModel }> = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'held-out/first-runs.json'), 'utf8'));

describe.each(Object.entries(FIRST_RUNS).filter(([, run]) => run.withModel).map(([file, run]) => ({ file, run: run.modelFloor ?? run.withModel! })))(
  'rules + model on the held-out $file (floors: its first run with the model, or the floor recorded since)',
  ({ file, run }) => {
    const rows = readBatch(file);
    const f = figures(rows, both);

    it('does no worse than the first run with the model, and prints its figures beside the rules alone', () => {
      // batch-7's misses are not printed: reading them would be tuning on it (held-out/README.md)
      const show = file === 'batch-7.json' ? { ...f, misses: [] } : f;
      console.log(`${describeFigures(`${file} rules + model`, show)}\n${describeFigures(`${file} rules alone`, { ...figures(rows, rulesAlone), misses: [] })}`);
      expect(f.intent.right).toBeGreaterThanOrEqual(run.intent.right);
      expect(f.seriousRecall.right).toBeGreaterThanOrEqual(run.seriousRecall.right);
      expect(f.ordinaryFlaggedSerious.wrong).toBeLessThanOrEqual(run.ordinaryFlaggedSerious.wrong);
      for (const label of ['category', 'requestKind', 'faqTopic', 'severity'] as const) expect(f[label].right).toBeGreaterThanOrEqual(run[label].right);
    });
  },
);

describe('combining the rules and the model', () => {
  const rules = (over: Partial<Understanding>): Understanding => ({ intent: 'unknown', also: [], slots: {}, normalized: 'x', confidence: 0, decidedBy: 'rules', ...over });
  const view = (intents: [string, number][], harm = 0, harmKind: 'person' | 'property' = 'person'): ModelView => ({
    intents: intents.map(([intent, p]) => ({ intent: intent as Understanding['intent'], p })), top: intents[0][0] as ModelIntent, harm, harmKind,
  });

  it('keeps an explicit command whatever the model says', () => {
    expect(combine(rules({ intent: 'human' }), { explicit: true }, view([['complaint', 0.99]]))).toMatchObject({ intent: 'human', confidence: 1, decidedBy: 'rules' });
  });

  it('lets a sure model overturn a rule, keeping the rule\'s finding in also', () => {
    const u = combine(rules({ intent: 'complaint', severity: 'ordinary', category: 'other' }), { explicit: false }, view([['faq', 0.9], ['complaint', 0.1]]));
    expect(u).toMatchObject({ intent: 'faq', also: ['complaint'], severity: 'ordinary', decidedBy: 'model' });
  });

  it('never lets the model overturn a serious complaint, nor turn a rule into "nothing asked"', () => {
    expect(combine(rules({ intent: 'complaint', severity: 'serious', category: 'theft' }), { explicit: false }, view([['inquiry', 0.99]])).intent).toBe('complaint');
    expect(combine(rules({ intent: 'inquiry' }), { explicit: false }, view([['unknown', 0.99]])).intent).toBe('inquiry');
  });

  it('is unsure between the model\'s two best when no rule helps and the model is not sure', () => {
    const u = combine(rules({}), { explicit: false }, view([['inquiry', MODEL_TAKES - 0.05], ['service_request', 0.4]]));
    expect(u).toMatchObject({ intent: 'unknown', unsure: { reason: 'between', between: ['inquiry', 'service_request'] } });
    expect(combine(rules({}), { explicit: false }, view([['inquiry', 0.2], ['faq', 0.2]])).unsure).toEqual({ reason: 'floor' });
  });

  it('makes a complaint serious when either side sees harm, never lowering a serious one', () => {
    const byModel = combine(rules({ intent: 'complaint', severity: 'ordinary', category: 'quality' }), { explicit: false }, view([['complaint', 0.9]], HARM_SERIOUS + 0.1, 'property'));
    expect(byModel).toMatchObject({ severity: 'serious', category: 'property_damage' });
    const byRules = combine(rules({ intent: 'complaint', severity: 'serious', category: 'injury' }), { explicit: false }, view([['complaint', 0.9]], 0));
    expect(byRules).toMatchObject({ severity: 'serious', category: 'injury' });
    // harm the model sees in a message nobody understood is a serious complaint, not 「没太明白」
    expect(combine(rules({}), { explicit: false }, view([['unknown', 0.6]], 0.9))).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'injury' });
  });

  it('marks a complaint the model half sees harm in, so the safety question is asked', () => {
    expect(combine(rules({ intent: 'complaint', severity: 'ordinary' }), { explicit: false }, view([['complaint', 0.9]], 0.3)).unsure).toEqual({ reason: 'harm' });
  });

  it('hears the rules alone when asked to', () => {
    expect(understand('随便说点什么', NOW, undefined, null)).toMatchObject({ intent: 'unknown', decidedBy: 'rules', unsure: { reason: 'floor' } });
  });
});

describe('the separating question', () => {
  it('asks the question of the issue for a new booking versus a change to the current service', () => {
    expect(separatingQuestion(['inquiry', 'service_request'])).toBe('您是想预约新的服务，还是调整现在的服务？');
  });

  it('reads the answer by order, by the words of one option, or by what the answer says', () => {
    const between = ['inquiry', 'service_request'] as const;
    expect(chosenIntent('第一个', between, 'unknown')).toBe('inquiry');
    expect(chosenIntent('后者吧', between, 'unknown')).toBe('service_request');
    expect(chosenIntent('预约新的', between, 'unknown')).toBe('inquiry');
    expect(chosenIntent('调整一下现在的', between, 'unknown')).toBe('service_request');
    expect(chosenIntent('我要投诉', between, 'complaint')).toBeUndefined();
  });
});
