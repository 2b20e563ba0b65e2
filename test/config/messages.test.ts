import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { MESSAGE_PARTS, MESSAGES } from '../../config/messages.zh-CN';
import { isMessageKey, MessageError, placeholdersOf, say } from '../../config/say';

/**
 * The catalogue of words (issue 12, item 4): every key belongs to one room's part, no text is
 * empty, placeholders are well formed, and say() refuses to show a text with a hole in it.
 */

describe('the message catalogue', () => {
  it('holds texts, each part with keys named after it, no key claimed twice', () => {
    const seen = new Map<string, string>();
    const misplaced: string[] = [];
    const twice: string[] = [];
    for (const [part, texts] of Object.entries(MESSAGE_PARTS)) {
      for (const key of Object.keys(texts)) {
        if (!key.startsWith(`${part}.`)) misplaced.push(`${part}: ${key}`);
        if (seen.has(key)) twice.push(`${key} (${seen.get(key)} and ${part})`);
        seen.set(key, part);
      }
    }
    expect(misplaced).toEqual([]);
    expect(twice).toEqual([]);
    expect(seen.size).toBe(Object.keys(MESSAGES).length);
    expect(seen.size).toBeGreaterThan(0);
  });

  it('has no empty text and no stray brace that is not a {placeholder}', () => {
    const bad = Object.entries(MESSAGES).filter(([, text]) => {
      const s = text as string;
      return s.trim() === '' || /[{}]/.test(s.replace(/\{[A-Za-z][A-Za-z0-9_]*\}/g, ''));
    });
    expect(bad).toEqual([]);
  });

  it('fills named placeholders and refuses a missing one at run time', () => {
    expect(placeholdersOf('编号 {caseNo}，{time}前；再次 {caseNo}')).toEqual(['caseNo', 'time']);
    expect(say('common.role.gm')).toBe('总经理');
    // A key built from data is checked before use; an unknown one throws rather than showing the key.
    expect(isMessageKey('common.role.gm')).toBe(true);
    expect(isMessageKey('common.role.nobody')).toBe(false);
    expect(() => (say as (key: string) => string)('common.role.nobody')).toThrow(MessageError);
    const filled = say('cases.sla.overdue', { kind: '投诉', reference: 'TS202611260001', step: '门店调查', role: '门店经理', names: '王店长' });
    expect(filled).toBe('超时提醒：投诉 TS202611260001「门店调查」已超时（负责：门店经理 王店长），请督促处理。');
    const loose = say as (key: string, params: Record<string, unknown>) => string;
    expect(() => loose('cases.sla.overdue', { kind: '投诉', reference: 'TS1', step: '门店调查', role: '门店经理' })).toThrow(/cases\.sla\.overdue.*\{names\}/);
  });

  it('is checked by the compiler: an unknown key or a missing placeholder does not type-check', () => {
    // These lines are compiled by `tsc --noEmit -p .`: if say() stopped checking, @ts-expect-error would fail the build.
    const attempts = [
      // @ts-expect-error an unknown key
      () => say('cases.no.such.key'),
      // @ts-expect-error {name} left out
      () => say('cases.sla.overdue', { kind: '投诉', reference: 'TS1', step: 'x', role: 'y' }),
      // @ts-expect-error a text with placeholders called without any
      () => say('cases.sla.overdue'),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(MessageError);
  });
});

// ── no words outside the catalogue ───────────────────────────────────────────────────────────

const ROOT = path.join(__dirname, '..', '..');
/** Han characters: a literal of punctuation alone (、 as a list separator) is not a text. */
const CJK = /[\u3400-\u9fff]/;
/**
 * The chat commands staff type are the public contract (README, "In chat"): code compares what
 * arrived with them, so they are input, not texts to translate. Only these exact literals pass.
 */
const COMMAND_WORDS = new Set(['同意', '驳回', '登记', '进展', '严重', '普通', '处罚', '强制', '关联', '查']);
const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A log call: `ctx.log.warn(…)`, `log.info(…)`, `this.log.error(…)`, `logger.debug(…)`. Its words are for operators. */
function isLogCall(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const method = node.expression.name.text;
  const target = node.expression.expression;
  const name = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : '';
  return LOG_METHODS.has(method) && /^(log|logger)$/i.test(name);
}

/** Input words (what customers or staff type, read by code, never shown) are marked so where they are declared. */
function markedAsInput(node: ts.Node, text: string): boolean {
  for (let at: ts.Node | undefined = node; at; at = at.parent) {
    const ranges = [...(ts.getLeadingCommentRanges(text, at.getFullStart()) ?? []), ...(ts.getTrailingCommentRanges(text, at.getEnd()) ?? [])];
    if (ranges.some((r) => /input words/.test(text.slice(r.pos, r.end)))) return true;
    if (ts.isStatement(at) || ts.isPropertyAssignment(at) || ts.isVariableDeclaration(at)) {
      const line = text.slice(text.lastIndexOf('\n', at.getStart()) + 1, text.indexOf('\n', at.getEnd()) === -1 ? undefined : text.indexOf('\n', at.getEnd()));
      if (/\/\/ input words/.test(line)) return true;
      if (ts.isStatement(at)) return false;
    }
  }
  return false;
}

function wordsOutsideTheCatalogue(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isLogCall(node) || ts.isLiteralTypeNode(node) || ts.isImportDeclaration(node)) return;
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('…') : undefined;
    if (literal !== undefined && CJK.test(literal) && !COMMAND_WORDS.has(literal) && !markedAsInput(node, text)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${path.relative(ROOT, file)}:${line + 1} ${literal.slice(0, 40)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('words outside the catalogue', () => {
  // the understanding room's lexicon, patterns and date words are what customers write, read by
  // the classifier; what it sends (clarifying questions) comes from config/messages/understanding.ts
  const understanding = path.join(ROOT, 'src', 'handlers', 'understanding') + path.sep;
  const files = [...sourcesUnder(path.join(ROOT, 'src', 'handlers')), ...sourcesUnder(path.join(ROOT, 'src', 'bot'))].filter((f) => !f.startsWith(understanding));

  it('finds none in src/handlers and src/bot: no Chinese literal but log lines, input words and chat commands', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(files.flatMap(wordsOutsideTheCatalogue)).toEqual([]);
  });

  it('catches a reply written in code, and lets a log line and a marked input word through', () => {
    const probe = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'words-')), 'probe.ts');
    fs.writeFileSync(
      probe,
      [
        "ctx.reply(`已记录 ${n} 的进展`);",
        "ctx.log.warn({ id }, '日志里的中文');",
        "const MENU = { BOOK: '我想预约' }; // input words",
        "if (verb === '同意') go();",
        "type Verb = '同意' | '驳回';",
      ].join('\n'),
    );
    expect(wordsOutsideTheCatalogue(probe).map((f) => f.replace(/^.*probe\.ts:/, ''))).toEqual(['1 已记录 … 的进展']);
  });
});

describe('the call sites', () => {
  /**
   * The compiler already refuses an unknown key or a missing placeholder; this reads the calls
   * themselves, so a cast or an `any` cannot slip one past: every say('key', { … }) with a literal
   * key names a text of the catalogue and fills each of its placeholders.
   */
  it('use keys that exist and fill every placeholder of their text', () => {
    const files = [...sourcesUnder(path.join(ROOT, 'src')), ...sourcesUnder(path.join(ROOT, 'config'))];
    const problems: string[] = [];
    let calls = 0;
    for (const file of files) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['say', 't'].includes(node.expression.text) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
          calls++;
          const key = node.arguments[0].text;
          const where = `${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${key}`;
          const text = (MESSAGES as Record<string, string>)[key];
          const params = node.arguments[1];
          if (text === undefined) problems.push(`${where}: no such key`);
          else if (params === undefined) {
            if (placeholdersOf(text).length > 0) problems.push(`${where}: needs ${placeholdersOf(text).join(', ')}`);
          } else if (ts.isObjectLiteralExpression(params) && !params.properties.some(ts.isSpreadAssignment)) {
            const given = new Set(params.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '')));
            const missing = placeholdersOf(text).filter((name) => !given.has(name));
            if (missing.length > 0) problems.push(`${where}: missing ${missing.join(', ')}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(calls).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  });
});
