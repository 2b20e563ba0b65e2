import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnyXml, parseFlatXml, parseXml, XmlError } from '../../src/bot/xml';

/**
 * The flat reading of a callback (parseFlatXml) must give exactly what the validating parser
 * gives for every document it takes, and take nothing it should not: compared on the official
 * vectors, on hand-written edge cases and on thousands of generated documents.
 */

const vectors = JSON.parse(readFileSync(join(__dirname, '../fixtures/wx-vectors.json'), 'utf8')) as { vectors: Record<string, unknown>[] };

/** Small deterministic generator (the same documents every run). */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, pick };
}

const PIECES = ['a', 'Z', '9', ' ', '\n', '\t', '中文', '😀', ']]', ']', '>', '<', '&', '&amp;', '"', "'", '<![CDATA[', ']]>', '<b>', '</xml>', '\r', '/'];
const NAMES = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'AgentID', 'Event', 'EventKey', 'A', 'a_1', 'Item'];

function randomDocument(random: ReturnType<typeof generator>): string {
  const text = () => Array.from({ length: Math.floor(random.next() * 6) }, () => random.pick(PIECES)).join('');
  const blank = () => random.pick(['', '', '\n', ' ', '\n  ', '\t']);
  const elements = Array.from({ length: Math.floor(random.next() * 6) }, () => {
    const name = random.pick(NAMES);
    const form = random.next();
    if (form < 0.45) return `${blank()}<${name}><![CDATA[${text()}]]></${name}>`;
    if (form < 0.75) return `${blank()}<${name}>${text()}</${name}>`;
    if (form < 0.85) return `${blank()}<${name}/>`;
    if (form < 0.95) return `${blank()}<${name}></${name}>`;
    return `${blank()}<${name}><Inner>${text()}</Inner></${name}>`;
  });
  return `${blank()}<xml>${elements.join('')}${blank()}</xml>${blank()}`;
}

/** What the validating parser answers: its fields, or that it refused. */
function full(xml: string): unknown {
  try {
    return parseAnyXml(xml);
  } catch (error) {
    return error instanceof XmlError ? 'refused' : error;
  }
}

describe('flat XML reading', () => {
  it('takes the official vectors and gives what the validating parser gives', () => {
    const documents = vectors.vectors.flatMap((v) => [v.post_body, v.expected_plaintext]).filter((d): d is string => typeof d === 'string' && d.includes('<xml>'));
    expect(documents.length).toBeGreaterThan(1);
    for (const xml of documents) {
      expect(parseFlatXml(xml)).toBeDefined();
      expect(parseFlatXml(xml)).toEqual(full(xml));
    }
  });

  it('gives exactly the validating parser’s fields for every generated document it takes, and leaves the rest to it', () => {
    const random = generator(17);
    let taken = 0;
    for (let n = 0; n < 20_000; n++) {
      const xml = randomDocument(random);
      const flat = parseFlatXml(xml);
      if (flat === undefined) continue;
      taken++;
      expect({ xml, fields: flat }).toEqual({ xml, fields: full(xml) });
    }
    // most generated documents are of the plain kind: the comparison covered a real share
    expect(taken).toBeGreaterThan(5_000);
  });

  it('repeated names, empty and self-closed elements, the root’s blank text', () => {
    const xml = '\n<xml>\n<Item><![CDATA[一]]></Item>\n<Item>2</Item><Item/><E></E>\n</xml>\n';
    expect(parseFlatXml(xml)).toEqual({ Item: ['一', '2', ''], E: '', '#text': '\n\n\n' });
    expect(parseFlatXml(xml)).toEqual(full(xml));
    expect(parseFlatXml('<xml></xml>')).toEqual({});
  });

  it('leaves markup it does not read to the validating parser, which refuses what is hostile', () => {
    const declined = [
      '<?xml version="1.0"?><xml><A>1</A></xml>',
      '<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>',
      '<xml><A>&amp;</A></xml>',
      '<xml><!-- note --><A>1</A></xml>',
      '<xml><A x="1">1</A></xml>',
      '<xml><A><B>1</B></A></xml>',
      '<xml><A>1</B></xml>',
      '<xml><A>1</A>',
      '<xml><A>1</A></xml><xml><A>2</A></xml>',
      '<xml><__proto__>1</__proto__></xml>',
      '<xml><A>1\r\n</A></xml>',
      '<xml>text<A>1</A></xml>',
      '<xml>\n</xml>',
    ];
    for (const xml of declined) expect({ xml, flat: parseFlatXml(xml) }).toEqual({ xml, flat: undefined });
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>')).toThrow(XmlError);
    expect(() => parseXml('<xml><A>1</B></xml>')).toThrow(XmlError);
    expect(parseXml('<xml><A>&amp;</A></xml>')).toEqual({ A: '&' });
  });
});
