import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Flat view of a WeChat/WeCom XML document: every field a string, nested elements as objects. */
export type XmlFields = { [name: string]: string | XmlFields | XmlFields[] | string[] | undefined };

export class XmlError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'XmlError';
  }
}

/** The deepest real payload (template_card_event SelectedItems) is five levels; leave a margin. */
const MAX_DEPTH = 12;

const parser = new XMLParser({
  parseTagValue: false, // MsgId and similar are 64-bit: keep them as strings
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: false,
  // Only the five predefined entities can appear: documents with a DOCTYPE are refused before parsing
  // (refuseDeclarations).
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: MAX_DEPTH,
});

/**
 * Refuses any markup declaration (DOCTYPE, ENTITY, INCLUDE/IGNORE sections…) in the document
 * itself: the parser would expand the entities it declares (XXE, billion laughs). The same
 * characters inside a CDATA section, a comment, a processing instruction or an attribute value
 * are text: a customer who types "<!DOCTYPE html>" sends it as CDATA, and refusing that would
 * lose the message. One linear pass that ends each construct exactly where fast-xml-parser 5
 * does (OrderedObjParser: the first "]]>" or "-->", a closing tag at the first ">", a start tag
 * or processing instruction at the first ">" or "?>" outside quotes), so nothing the parser
 * reads as markup can hide from this check.
 */
function refuseDeclarations(xml: string): void {
  const unterminated = () => new XmlError('malformed XML: unterminated markup');
  const after = (terminator: string, from: number): number => {
    const at = xml.indexOf(terminator, from);
    if (at < 0) throw unterminated();
    return at + terminator.length;
  };
  const afterQuoted = (terminator: string, from: number): number => {
    for (let i = from; i < xml.length; i++) {
      const c = xml[i];
      if (c === '"' || c === "'") {
        i = xml.indexOf(c, i + 1);
        if (i < 0) break;
      } else if (xml.startsWith(terminator, i)) return i + terminator.length;
    }
    throw unterminated();
  };
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i)) {
    if (xml.startsWith('<![CDATA[', i)) i = after(']]>', i + 9);
    else if (xml.startsWith('<!--', i)) i = after('-->', i + 4);
    else if (xml.startsWith('<!', i)) throw new XmlError('DOCTYPE/ENTITY is not allowed');
    else if (xml.startsWith('<?', i)) i = afterQuoted('?>', i + 2);
    else if (xml.startsWith('</', i)) i = after('>', i + 2);
    else i = afterQuoted('>', i + 1);
  }
}

/** Names the flat reading takes; any other (and a name an object would treat specially) goes to the full parser. */
function isPlainName(name: string): boolean {
  if (name.length === 0 || name.length > 64 || name === '__proto__' || name === 'constructor' || name === 'prototype') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && (i === 0 || c < 48 || c > 57)) return false;
  }
  return true;
}

const isBlank = (text: string) => /^[ \t\n]*$/.test(text);

/**
 * What nearly every callback is — `<xml>` holding plain elements, each one CDATA section, bare
 * text without markup or entities, or empty — read in one pass with indexOf. Anything else
 * (nesting, entities, comments, a declaration, a carriage return, a name outside [A-Za-z_0-9])
 * answers undefined and goes to the validating parser below, which then decides alone. For the
 * documents it takes the answer is exactly fast-xml-parser's with the options above, including
 * repeated names as arrays and the root's blank text as '#text' (test/bot/xml.test.ts compares
 * them): validating and parsing such a document twice was 3-4 % of a message's CPU (issue 17).
 */
export function parseFlatXml(xml: string): XmlFields | undefined {
  if (xml.includes('\r')) return undefined;
  const start = xml.indexOf('<xml>');
  if (start < 0 || !isBlank(xml.slice(0, start))) return undefined;
  const fields: XmlFields = {};
  let rootText = '';
  let elements = 0;
  let i = start + 5;
  for (;;) {
    const open = xml.indexOf('<', i);
    if (open < 0) return undefined;
    if (open > i) {
      const text = xml.slice(i, open);
      if (!isBlank(text)) return undefined;
      rootText += text;
    }
    if (xml.startsWith('</xml>', open)) {
      i = open + 6;
      break;
    }
    const close = xml.indexOf('>', open + 1);
    if (close < 0) return undefined;
    let name = xml.slice(open + 1, close);
    let value: string;
    if (name.endsWith('/')) {
      name = name.slice(0, -1);
      if (!isPlainName(name)) return undefined;
      value = '';
      i = close + 1;
    } else {
      if (!isPlainName(name)) return undefined;
      let at = close + 1;
      if (xml.startsWith('<![CDATA[', at)) {
        const end = xml.indexOf(']]>', at + 9);
        if (end < 0) return undefined;
        value = xml.slice(at + 9, end);
        at = end + 3;
      } else {
        const next = xml.indexOf('<', at);
        if (next < 0) return undefined;
        value = xml.slice(at, next);
        if (value.includes('&')) return undefined;
        at = next;
      }
      if (!xml.startsWith(`</${name}>`, at)) return undefined;
      i = at + name.length + 3;
    }
    const previous = fields[name];
    if (previous === undefined) fields[name] = value;
    else if (Array.isArray(previous)) (previous as string[]).push(value);
    else fields[name] = [previous as string, value];
    elements++;
  }
  if (!isBlank(xml.slice(i))) return undefined;
  if (rootText) {
    // fast-xml-parser gives a root of blank text alone as that text, which is refused below
    if (elements === 0) return undefined;
    fields['#text'] = rootText;
  }
  return fields;
}

/**
 * Parses a WeChat/WeCom XML body and returns the fields under the root element.
 * Refuses DOCTYPE/ENTITY declarations (XXE, billion laughs) and anything that is not one
 * well-formed document.
 */
export function parseXml(xml: string): XmlFields {
  return parseFlatXml(xml) ?? parseAnyXml(xml);
}

/** The validating path: every document the flat reading does not take. */
export function parseAnyXml(xml: string): XmlFields {
  refuseDeclarations(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlError(`malformed XML: ${valid.err.code}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new XmlError(`malformed XML: ${(error as Error).message.slice(0, 80)}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1) throw new XmlError('expected exactly one root element');
  const root = doc[roots[0]];
  if (root === '' || root === undefined) return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new XmlError('root element has no fields');
  return root as XmlFields;
}

/** A field that must be plain text (not repeated, not nested). */
export function textField(fields: XmlFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new XmlError(`field ${name} is not plain text`);
  return value;
}

function cdata(value: string): string {
  // "]]>" inside CDATA must be split across two sections
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Builds a flat reply document; numbers are written bare, strings as CDATA. */
export function buildXml(fields: Record<string, string | number | Record<string, string>>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => {
      if (typeof value === 'number') return `<${name}>${value}</${name}>`;
      if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
      const inner = Object.entries(value)
        .map(([k, v]) => `<${k}>${cdata(v)}</${k}>`)
        .join('');
      return `<${name}>${inner}</${name}>`;
    })
    .join('');
  return `<xml>${body}</xml>`;
}
