import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalize } from './normalise';
import { blankData } from './slots';

/**
 * The trained second layer (R-IN-3, issue 14): two fastText supervised models over characters
 * and character n-grams — one for the intent, one for harm (person, property, none) — trained by
 * `npm run train:intents` with the fastText WebAssembly build (fasttext.wasm.js) and committed
 * under models/intents/.
 *
 * Why a reader here instead of the WebAssembly build at run time: that build is an ES module
 * that loads itself asynchronously, which understand() (synchronous, inside the webhook's write
 * transaction) and the CommonJS tests cannot wait for. Prediction with a softmax model is a
 * short, well-defined computation over the saved matrices (below), so this file reads the
 * model fastText saved and computes the same probabilities; the training script checks that
 * they agree with fastText's own predict() on every corpus row before it writes a model.
 */

export type ModelIntent =
  | 'inquiry' | 'complaint' | 'sr_replacement' | 'sr_on_site' | 'sr_refund' | 'sr_leave_cover' | 'sr_redo' | 'sr_change'
  | 'status_query' | 'renewal' | 'human' | 'faq' | 'greeting' | 'cancel' | 'survey' | 'other';
export type Harm = 'none' | 'person' | 'property';

/**
 * The tokens the model sees, the same in training and at run time: the normalised text
 * (NFKC, 简体, phones blanked), one token per Chinese character, emoji and ?/!, one per run of
 * Latin letters, and "0" for a run of digits. Word n-grams over these are character n-grams.
 */
export function modelTokens(text: string): string[] {
  const s = blankData(normalize(text)).toLowerCase();
  return s.match(/[a-z]+|\d+|[\u3400-\u9fff]|\p{Extended_Pictographic}|[?!]/gu)?.map((t) => (/^\d/.test(t) ? '0' : t)) ?? [];
}

// ───────────────────────────── the fastText model file ─────────────────────────────

const FASTTEXT_MAGIC = 793712314;
const LITTLE_ENDIAN = os.endianness() === 'LE';
const FASTTEXT_VERSION = 12;
const EOS = '</s>';
const LOSS_SOFTMAX = 3;

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Buffer) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  i32(): number { const v = this.view.getInt32(this.offset, true); this.offset += 4; return v; }
  i64(): number { const v = Number(this.view.getBigInt64(this.offset, true)); this.offset += 8; return v; }
  f64(): number { const v = this.view.getFloat64(this.offset, true); this.offset += 8; return v; }
  u8(): number { return this.view.getUint8(this.offset++); }
  cstring(): string {
    const end = this.bytes.indexOf(0, this.offset);
    const s = this.bytes.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }
  /** A dense matrix: int64 rows, int64 cols, then rows × cols float32 (copied: alignment). */
  matrix(): { rows: number; cols: number; data: Float32Array } {
    const rows = this.i64();
    const cols = this.i64();
    const start = this.bytes.byteOffset + this.offset;
    let data: Float32Array;
    if (LITTLE_ENDIAN) {
      // one copy into an aligned buffer: the file is little-endian like the machine
      data = new Float32Array(this.bytes.buffer.slice(start, start + 4 * rows * cols));
    } else {
      data = new Float32Array(rows * cols);
      for (let i = 0; i < data.length; i++) data[i] = this.view.getFloat32(this.offset + 4 * i, true);
    }
    this.offset += 4 * data.length;
    return { rows, cols, data };
  }
  get atEnd(): boolean { return this.offset === this.bytes.length; }
}

/** fastText's 32-bit FNV-1a over UTF-8 bytes, each byte sign-extended as fastText does. */
function fnv1a(word: string): number {
  let h = 2166136261;
  for (const byte of Buffer.from(word, 'utf8')) {
    h = (h ^ ((byte << 24) >> 24)) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

const U64 = (1n << 64n) - 1n;

export interface Prediction<L extends string> { label: L; p: number }

export class FastTextClassifier<L extends string> {
  private readonly words = new Map<string, number>();
  private readonly labels: L[] = [];
  private readonly nwords: number;
  private readonly dim: number;
  private readonly bucket: number;
  private readonly wordNgrams: number;
  private readonly input: Float32Array;
  private readonly output: Float32Array;

  constructor(bytes: Buffer) {
    const r = new Reader(bytes);
    if (r.i32() !== FASTTEXT_MAGIC || r.i32() !== FASTTEXT_VERSION) throw new Error('not a fastText model (version 12)');
    const [dim, , , , , wordNgrams, loss, , bucket, minn, maxn] = Array.from({ length: 12 }, () => r.i32());
    r.f64();
    // subword features (minn/maxn) are not read here: the training script turns them off
    if (loss !== LOSS_SOFTMAX || minn !== 0 || maxn !== 0) throw new Error('the intent models must be softmax models without subwords');
    const size = r.i32();
    this.nwords = r.i32();
    r.i32(); // nlabels
    r.i64(); // ntokens
    const pruned = r.i64();
    for (let i = 0; i < size; i++) {
      const word = r.cstring();
      r.i64(); // count
      const type = r.u8();
      if (type === 0) this.words.set(word, i);
      else this.labels.push(word.replace(/^__label__/, '') as L);
    }
    if (pruned > 0) throw new Error('pruned (quantised) models are not supported');
    if (r.u8() !== 0) throw new Error('quantised input matrices are not supported');
    const input = r.matrix();
    if (r.u8() !== 0) throw new Error('quantised output matrices are not supported');
    const output = r.matrix();
    if (!r.atEnd || input.cols !== dim || output.rows !== this.labels.length) throw new Error('unexpected fastText model layout');
    this.dim = dim;
    this.bucket = bucket;
    this.wordNgrams = wordNgrams;
    this.input = input.data;
    this.output = output.data;
  }

  get labelSet(): readonly L[] {
    return this.labels;
  }

  /** The rows of the input matrix a line of tokens selects (fastText's getLine + addWordNgrams). */
  private features(tokens: readonly string[]): number[] {
    const ids: number[] = [];
    const hashes: bigint[] = [];
    for (const token of [...tokens, EOS]) {
      const id = this.words.get(token);
      // fastText keeps the hashes as int32 and widens them to uint64 with the sign
      hashes.push(BigInt.asUintN(64, BigInt(fnv1a(token) | 0)));
      if (id !== undefined) ids.push(id);
    }
    if (this.bucket > 0) {
      for (let i = 0; i < hashes.length; i++) {
        let h = hashes[i];
        for (let j = i + 1; j < hashes.length && j < i + this.wordNgrams; j++) {
          h = (h * 116049371n + hashes[j]) & U64;
          ids.push(this.nwords + Number(h % BigInt(this.bucket)));
        }
      }
    }
    return ids;
  }

  /** Every label with its probability, most likely first. */
  predict(tokens: readonly string[]): Prediction<L>[] {
    const ids = this.features(tokens);
    const hidden = new Float32Array(this.dim);
    for (const id of ids) {
      const row = id * this.dim;
      for (let d = 0; d < this.dim; d++) hidden[d] += this.input[row + d];
    }
    if (ids.length > 0) for (let d = 0; d < this.dim; d++) hidden[d] /= ids.length;
    const scores = this.labels.map((_, k) => {
      let s = 0;
      for (let d = 0; d < this.dim; d++) s += this.output[k * this.dim + d] * hidden[d];
      return s;
    });
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    return this.labels.map((label, k) => ({ label, p: exp[k] / sum })).sort((a, b) => b.p - a.p);
  }
}

// ───────────────────────────── the committed models ─────────────────────────────

export interface IntentModel {
  intent: FastTextClassifier<ModelIntent>;
  harm: FastTextClassifier<Harm>;
}

/**
 * models/intents/ in the project, found from here in src/ (ts-node) and in dist/src (build), or
 * under the working directory (a transpiled copy elsewhere, as the bench runs).
 */
export function modelDir(): string {
  for (const from of [__dirname, process.cwd()]) {
    let dir = from;
    for (let i = 0; i < 6; i++) {
      const candidate = path.join(dir, 'models', 'intents');
      if (fs.existsSync(path.join(candidate, 'manifest.json'))) return candidate;
      dir = path.dirname(dir);
    }
  }
  throw new Error('models/intents/manifest.json not found: run npm run train:intents');
}

export function readIntentModel(dir: string = modelDir()): IntentModel {
  return {
    intent: new FastTextClassifier<ModelIntent>(fs.readFileSync(path.join(dir, 'intent.bin'))),
    harm: new FastTextClassifier<Harm>(fs.readFileSync(path.join(dir, 'harm.bin'))),
  };
}

let loaded: IntentModel | null | undefined;

/**
 * The committed model, read once per process (a few milliseconds, at the first message) and kept.
 * Without its files the bot still answers with the rules alone, and says so once in the log.
 */
export function intentModel(): IntentModel | null {
  if (loaded === undefined) {
    try {
      loaded = readIntentModel();
    } catch (e) {
      loaded = null;
      process.emitWarning(`intent model not loaded, understanding with the rules alone: ${(e as Error).message}`);
    }
  }
  return loaded;
}
