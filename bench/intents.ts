/* eslint-disable no-console */
import * as fs from 'fs';
import * as path from 'path';
import { understand } from '../src/handlers/understanding';
import { predict } from '../src/handlers/understanding/combine';
import { readIntentModel } from '../src/handlers/understanding/model';
import { normalize } from '../src/handlers/understanding/normalise';

/**
 * `npm run bench` (part): what the trained classifier costs per message (issue 14). In this
 * process, over every message of the labelled corpus: understand() with the rules alone, with
 * the rules and the model, and the model's prediction by itself; plus reading the model once.
 * Prints a table and writes bench/intents-results.json.
 */

const NOW = Date.parse('2026-11-26T02:00:00Z');
const texts: string[] = (JSON.parse(fs.readFileSync(path.join(__dirname, '../test/fixtures/intent-corpus.json'), 'utf8')) as { text: string }[]).map((r) => r.text);

function perCall(label: string, fn: (text: string) => unknown, rounds = 5): { label: string; msPerCall: number } {
  for (const t of texts) fn(t); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (const t of texts) fn(t);
    runs.push(Number(process.hrtime.bigint() - start) / 1e6 / texts.length);
  }
  runs.sort((a, b) => a - b);
  return { label, msPerCall: runs[Math.floor(runs.length / 2)] };
}

const loadStart = process.hrtime.bigint();
readIntentModel();
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
const model = readIntentModel();
const normalized = texts.map(normalize);
let i = 0;
const rows = [
  perCall('understand(), rules alone', (t) => understand(t, NOW, undefined, null)),
  perCall('understand(), rules + model', (t) => understand(t, NOW)),
  perCall('model prediction alone (intent + harm)', () => predict(model, normalized[i++ % normalized.length])),
];
console.log(`\nunderstand() with and without the trained model (median of 5 passes over ${texts.length} corpus messages, in-process)\n`);
console.log(`${'what'.padEnd(42)}ms per message`);
for (const r of rows) console.log(`${r.label.padEnd(42)}${r.msPerCall.toFixed(4)}`);
console.log(`${'reading the model files once'.padEnd(42)}${loadMs.toFixed(1)} ms`);
fs.writeFileSync(path.join(__dirname, 'intents-results.json'), `${JSON.stringify({ messages: texts.length, rows, loadMs }, null, 2)}\n`);
