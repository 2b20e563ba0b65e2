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

/**
 * Parses a WeChat/WeCom XML body and returns the fields under the root element.
 * Refuses DOCTYPE/ENTITY declarations (XXE, billion laughs) and anything that is not one
 * well-formed document.
 */
export function parseXml(xml: string): XmlFields {
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
