/**
 * npm run train:intents — trains the two classifiers of the understanding room (issue 14) with
 * fastText's supervised mode (fasttext.wasm.js) and writes models/intents/{intent,harm}.bin and
 * manifest.json (the corpus files' and the models' SHA-256, the settings, the held-back figures).
 *
 *   npm run train:intents             regenerate the corpus, train, check, write
 *   npm run train:intents -- --check  train again into memory and compare with the committed files
 *                                     (exit 1 when the corpus or the models differ)
 *
 * Reproducible: the corpus generator is seeded, the lines are shuffled with a seeded generator,
 * fastText runs on one thread with a fixed seed — two runs write byte-identical models.
 * The corpus: test/fixtures/intents/generated.json (scripts/intents/generate.ts),
 * test/fixtures/intents/handwritten.json, test/fixtures/intents/company.json (a company's own
 * examples, optional) and test/fixtures/intent-corpus.json. Rows marked heldBack are never
 * trained on; test/fixtures/held-out/ is never read here at all.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FastTextClassifier, modelTokens, type Harm, type ModelIntent } from '../../src/handlers/understanding/model';
import { generate, seeded, type CorpusRow } from './generate';

const ROOT = path.join(__dirname, '../..');
const OUT_DIR = path.join(ROOT, 'models/intents');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const CORPUS_FILES = ['intents/generated.json', 'intents/handwritten.json', 'intents/company.json', 'intent-corpus.json'];

/** fastText settings. dim and bucket keep both files near 1–2 MB (there is no quantise in the WebAssembly build). */
const COMMON = { lr: 0.5, epoch: 40, wordNgrams: 3, minCount: 1, minn: 0, maxn: 0, loss: 'softmax', seed: 14 };
const SETTINGS = {
  intent: { ...COMMON, dim: 16, bucket: 30000 },
  harm: { ...COMMON, dim: 12, bucket: 20000 },
};

interface OldRow { text: string; intent: string; severity?: string; category?: string; requestKind?: string }

/** The first corpus's labels in the model's terms (its unknown rows are everyday remarks: other). */
function fromOldCorpus(r: OldRow): CorpusRow | undefined {
  const intent = (r.intent === 'service_request' ? `sr_${r.requestKind ?? 'change'}` : r.intent === 'unknown' ? 'other' : r.intent) as ModelIntent;
  const harm: Harm = r.severity !== 'serious' ? 'none' : r.category === 'injury' ? 'person' : 'property';
  return { text: r.text, intent, harm };
}

export function corpusRows(): CorpusRow[] {
  const read = (file: string): unknown[] => (fs.existsSync(path.join(FIXTURES, file)) ? JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) : []);
  return [
    ...(read('intents/generated.json') as CorpusRow[]),
    ...(read('intents/handwritten.json') as CorpusRow[]),
    ...(read('intents/company.json') as CorpusRow[]),
    ...(read('intent-corpus.json') as OldRow[]).map(fromOldCorpus).filter((r): r is CorpusRow => r !== undefined),
  ];
}

const sha256 = (bytes: Buffer | string) => crypto.createHash('sha256').update(bytes).digest('hex');

function corpusHashes(): Record<string, string | null> {
  return Object.fromEntries(CORPUS_FILES.map((f) => [f, fs.existsSync(path.join(FIXTURES, f)) ? sha256(fs.readFileSync(path.join(FIXTURES, f))) : null]));
}

function trainingLines(rows: CorpusRow[], label: (r: CorpusRow) => string): string {
  const lines = rows.filter((r) => !r.heldBack).map((r) => `__label__${label(r)} ${modelTokens(r.text).join(' ')}`);
  // seeded Fisher–Yates: fastText reads lines in order, so the order is part of the recipe
  const rnd = seeded(14);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return `${lines.join('\n')}\n`;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the WebAssembly module is untyped embind */
async function fastTextModule(): Promise<any> {
  // the package's CommonJS entry imports its ES-module core itself
  const { getFastTextModule } = require('fasttext.wasm.js') as { getFastTextModule: () => Promise<any> };
  return getFastTextModule();
}

async function trainOne(mod: any, lines: string, settings: Record<string, number | string>): Promise<{ bytes: Buffer; predict: (tokens: string[]) => { label: string; p: number } }> {
  const ft = new mod.FastText();
  mod.FS.writeFile('/train.txt', lines);
  const args = new mod.Args();
  for (const [k, v] of Object.entries(settings)) if (k !== 'loss') args[k] = v;
  args.model = mod.ModelName.supervised;
  args.loss = mod.LossName[settings.loss as string];
  args.thread = 1;
  args.verbose = 0;
  args.input = '/train.txt';
  try {
    ft.train(args, () => undefined);
  } catch (e) {
    throw new Error(`fastText training failed (WebAssembly exception ${String(e)})`);
  }
  ft.saveModel('/model.bin');
  const bytes = Buffer.from(mod.FS.readFile('/model.bin'));
  return {
    bytes,
    predict: (tokens) => {
      const v = ft.predict(tokens.join(' '), 1, 0);
      const pair = v.get(0);
      return { label: String(pair[1]).replace(/^__label__/, ''), p: Number(pair[0]) };
    },
  };
}

/** Our reader must give fastText's own answer on every row, or the model is not written. */
function checkParity<L extends string>(name: string, rows: CorpusRow[], reader: FastTextClassifier<L>, wasm: (t: string[]) => { label: string; p: number }): void {
  let worst = 0;
  for (const r of rows) {
    const tokens = modelTokens(r.text);
    const ours = reader.predict(tokens)[0];
    const theirs = wasm(tokens);
    // fastText reports exp(log(p + 1e-5))
    const p = theirs.p - 1e-5;
    worst = Math.max(worst, Math.abs(ours.p - p));
    if (ours.label !== theirs.label && Math.abs(ours.p - p) > 1e-4) throw new Error(`${name}: the reader and fastText disagree on a corpus row (${ours.label} vs ${theirs.label})`);
  }
  if (worst > 1e-3) throw new Error(`${name}: probabilities differ from fastText's by up to ${worst}`);
  console.log(`${name}: reader agrees with fastText on ${rows.length} rows (largest difference ${worst.toExponential(1)})`);
}

function heldBackFigures(rows: CorpusRow[], intent: FastTextClassifier<ModelIntent>, harm: FastTextClassifier<Harm>) {
  const held = rows.filter((r) => r.heldBack);
  const intentRight = held.filter((r) => intent.predict(modelTokens(r.text))[0].label === r.intent).length;
  const harmed = held.filter((r) => r.harm !== 'none');
  const harmRight = harmed.filter((r) => harm.predict(modelTokens(r.text))[0].label !== 'none').length;
  const falseHarm = held.filter((r) => r.harm === 'none' && harm.predict(modelTokens(r.text))[0].label !== 'none').length;
  return { rows: held.length, intent: { right: intentRight, of: held.length }, harmRecall: { right: harmRight, of: harmed.length }, harmFalseAlarms: { wrong: falseHarm, of: held.length - harmed.length } };
}

export async function train(): Promise<{ intent: Buffer; harm: Buffer; manifest: Record<string, unknown> }> {
  const rows = corpusRows();
  // a fresh WebAssembly instance per model: a second training in one instance runs out of its memory
  const intent = await trainOne(await fastTextModule(), trainingLines(rows, (r) => r.intent), SETTINGS.intent);
  const harm = await trainOne(await fastTextModule(), trainingLines(rows, (r) => r.harm), SETTINGS.harm);
  const intentReader = new FastTextClassifier<ModelIntent>(intent.bytes);
  const harmReader = new FastTextClassifier<Harm>(harm.bytes);
  checkParity('intent', rows, intentReader, intent.predict);
  checkParity('harm', rows, harmReader, harm.predict);
  const manifest = {
    note: 'written by npm run train:intents; the test checks the committed files against these hashes',
    corpus: corpusHashes(),
    rows: { total: rows.length, trainedOn: rows.filter((r) => !r.heldBack).length, heldBack: rows.filter((r) => r.heldBack).length },
    settings: SETTINGS,
    models: { 'intent.bin': sha256(intent.bytes), 'harm.bin': sha256(harm.bytes) },
    heldBack: heldBackFigures(rows, intentReader, harmReader),
  };
  return { intent: intent.bytes, harm: harm.bytes, manifest };
}

function writeGenerated(): void {
  const rows = generate();
  fs.writeFileSync(path.join(FIXTURES, 'intents/generated.json'), `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  if (!check) writeGenerated();
  const corpusBefore = JSON.stringify(corpusHashes());
  const { intent, harm, manifest } = await train();
  if (check) {
    const committed = JSON.parse(fs.readFileSync(path.join(OUT_DIR, 'manifest.json'), 'utf8'));
    const problems = [
      JSON.stringify(committed.corpus) !== corpusBefore ? 'the corpus differs from the one the models were trained on' : '',
      sha256(fs.readFileSync(path.join(OUT_DIR, 'intent.bin'))) !== sha256(intent) ? 'intent.bin differs from a fresh training' : '',
      sha256(fs.readFileSync(path.join(OUT_DIR, 'harm.bin'))) !== sha256(harm) ? 'harm.bin differs from a fresh training' : '',
      JSON.stringify(generate()) !== JSON.stringify(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'intents/generated.json'), 'utf8'))) ? 'generated.json differs from the generator' : '',
    ].filter(Boolean);
    if (problems.length > 0) {
      console.error(`not reproduced: ${problems.join('; ')}`);
      process.exit(1);
    }
    console.log('reproduced: a fresh training gives byte-identical models for the committed corpus');
    return;
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'intent.bin'), intent);
  fs.writeFileSync(path.join(OUT_DIR, 'harm.bin'), harm);
  fs.writeFileSync(path.join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote models/intents: intent.bin ${(intent.length / 1e6).toFixed(2)} MB, harm.bin ${(harm.length / 1e6).toFixed(2)} MB`);
  console.log(`held back (never trained on): ${JSON.stringify(manifest.heldBack)}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
