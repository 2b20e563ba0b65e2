import * as fs from 'fs';
import * as path from 'path';
import type { Intent, Understanding } from '../../../src/handlers/understanding';

/**
 * The figures a labelled batch is judged by (issue 14, item 3), computed one way for the tests,
 * the first-run records and the closing notes: intent accuracy, serious recall, ordinary
 * complaints flagged serious, the secondary labels, and every miss.
 */
export interface Labelled {
  text: string;
  intent: Intent;
  severity?: 'ordinary' | 'serious';
  category?: string;
  requestKind?: string;
  faqTopic?: string;
  also?: Intent[];
}
export interface Count { right: number; of: number }
export interface Figures {
  rows: number;
  intent: Count;
  seriousRecall: Count;
  ordinaryFlaggedSerious: { wrong: number; of: number };
  category: Count;
  requestKind: Count;
  faqTopic: Count;
  severity: Count;
  misses: string[];
}

export const HELD_OUT_DIR = path.join(__dirname, '../../fixtures/held-out');
export const readBatch = (file: string): Labelled[] => JSON.parse(fs.readFileSync(path.join(HELD_OUT_DIR, file), 'utf8'));

const hasComplaint = (u: Understanding) => u.intent === 'complaint' || u.also.includes('complaint');

export function figures(rows: Labelled[], understandOne: (text: string) => Understanding): Figures {
  const results = rows.map((c) => ({ c, u: understandOne(c.text) }));
  const misses: string[] = [];
  const secondary = (label: 'category' | 'requestKind' | 'faqTopic'): Count => {
    const labelled = results.filter(({ c }) => c[label] !== undefined);
    const wrong = labelled.filter(({ c, u }) => u[label] !== c[label]);
    for (const { c, u } of wrong) misses.push(`${label} ${c[label]} → ${u[label]}: ${c.text}`);
    return { right: labelled.length - wrong.length, of: labelled.length };
  };
  for (const { c, u } of results) if (u.intent !== c.intent) misses.push(`intent ${c.intent} → ${u.intent}: ${c.text}`);
  const serious = results.filter(({ c }) => c.severity === 'serious');
  const caught = serious.filter(({ u }) => hasComplaint(u) && u.severity === 'serious');
  for (const { c, u } of serious) if (!caught.some((r) => r.c === c)) misses.push(`serious → ${u.severity ?? 'none'} (${u.intent}): ${c.text}`);
  const ordinary = results.filter(({ c }) => c.severity === 'ordinary');
  const over = ordinary.filter(({ u }) => u.severity === 'serious');
  for (const { c } of over) misses.push(`ordinary → serious: ${c.text}`);
  const withSeverity = results.filter(({ c }) => c.severity !== undefined);
  return {
    rows: rows.length,
    intent: { right: results.filter(({ c, u }) => u.intent === c.intent).length, of: rows.length },
    seriousRecall: { right: caught.length, of: serious.length },
    ordinaryFlaggedSerious: { wrong: over.length, of: ordinary.length },
    category: secondary('category'),
    requestKind: secondary('requestKind'),
    faqTopic: secondary('faqTopic'),
    severity: { right: withSeverity.filter(({ c, u }) => hasComplaint(u) && u.severity === c.severity).length, of: withSeverity.length },
    misses,
  };
}

export function describeFigures(name: string, f: Figures): string {
  const pct = (c: Count) => `${c.right}/${c.of} (${((100 * c.right) / Math.max(1, c.of)).toFixed(0)} %)`;
  return `${name}: intent ${pct(f.intent)}, serious recall ${pct(f.seriousRecall)}, ordinary flagged serious ${f.ordinaryFlaggedSerious.wrong}/${f.ordinaryFlaggedSerious.of}, ` +
    `category ${pct(f.category)}, request kind ${pct(f.requestKind)}, FAQ topic ${pct(f.faqTopic)}\n` +
    f.misses.map((m) => `  ${m}`).join('\n');
}
