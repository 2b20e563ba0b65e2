import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chrono from 'chrono-node';
import { CHRONO_NEEDS } from '../../../src/handlers/understanding/dates';

/**
 * firstDate() gives chrono.zh only texts with a character one of its patterns needs
 * (CHRONO_NEEDS). This holds the list to chrono itself: the parsers it runs are the ones the list
 * was read from (an upgrade that adds one fails here), each of their patterns finds nothing once
 * the listed characters are gone, and on every text of the corpora chrono finds nothing where the
 * gate would not ask it.
 */

type Parser = { constructor: { name: string }; innerPattern?: (context: object) => RegExp; pattern?: (context: object) => RegExp };

const parsers = chrono.zh.casual.parsers as unknown as Parser[];
const corpus = (file: string) => (JSON.parse(readFileSync(join(__dirname, '../../fixtures', file), 'utf8')) as { text: string }[]).map((row) => row.text);

describe('the characters chrono.zh needs', () => {
  it('are read from the parsers chrono.zh runs, and no other', () => {
    expect(parsers.map((p) => p.constructor.name)).toEqual([
      'ZHHantCasualDateParser',
      'ISOFormatParser',
      'ZHHantDateParser',
      'ZHHansDateParser',
      'ZHHantRelationWeekdayParser',
      'ZHHansRelationWeekdayParser',
      'ZHHantWeekdayParser',
      'ZHHansWeekdayParser',
      'ZHHantTimeExpressionParser',
      'ZHHansTimeExpressionParser',
      'ZHHantDeadlineFormatParser',
      'ZHHansDeadlineFormatParser',
    ]);
  });

  it('no pattern matches a text made of everything else its own source contains', () => {
    for (const parser of parsers) {
      const pattern = (parser.innerPattern ?? parser.pattern)!.call(parser, {});
      // every character the pattern names, and digits and blanks, minus the listed ones
      const material = [...new Set([...pattern.source, ...'0123456789 ，,'])].filter((c) => !CHRONO_NEEDS.test(c) && !/[()[\]?:*+|\\{}.^$<>=!]/.test(c));
      const texts = [material.join(''), material.join(' '), ...material.map((c) => `${c}${c}${c}`), ...material.flatMap((a) => material.map((b) => `12${a}${b}5`))];
      for (const text of texts) expect({ parser: parser.constructor.name, text, match: new RegExp(pattern.source, pattern.flags).test(text) }).toMatchObject({ match: false });
    }
  });

  it('on every corpus text chrono finds a date only where the gate lets it look', () => {
    const texts = [...corpus('intent-corpus.json'), '现在过来', '2026-12-05', '下午三点', '3天后', '两周内', '周六', '12月5日', '明早', '今晚八点', '而家', '立即'];
    const reference = new Date(2026, 10, 26, 10, 0);
    let gated = 0;
    for (const text of texts) {
      if (CHRONO_NEEDS.test(text)) continue;
      gated++;
      expect({ text, found: chrono.zh.parse(text, reference, { forwardDate: true }).length }).toEqual({ text, found: 0 });
    }
    expect(gated).toBeGreaterThan(50);
  });
});
