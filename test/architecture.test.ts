import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The shape of the house (issue 12), read from the import declarations with the TypeScript parser:
 * no import cycles in src/, the handlers never reach into src/bot or src/api, a room of src/handlers is
 * entered only through its front door (index.ts), src/handlers holds rooms and nothing loose but
 * the table of contents and the ports, and no source file grows past 400 lines.
 */

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const HANDLERS = path.join(SRC, 'handlers');
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

interface Import {
  target: string;
  /** `import type …`: erased by the compiler, so it cannot make a load-order cycle. */
  typeOnly: boolean;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** Every relative module a file imports or re-exports (dynamic imports too), resolved to a file. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node) });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((f) => f.specifier.startsWith('.')).flatMap(({ specifier, typeOnly }) => {
    const base = path.resolve(path.dirname(file), specifier);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
    return target ? [{ target, typeOnly }] : [];
  });
}

const files = sourceFiles(SRC);
const imports = new Map(files.map((file) => [file, importsOf(file)]));
const graph = new Map(files.map((file) => [file, imports.get(file)!.map((i) => i.target)]));
const rel = (file: string) => path.relative(ROOT, file);
const roomOf = (file: string): string | undefined => {
  const inside = path.relative(HANDLERS, file);
  return inside.startsWith('..') || !inside.includes(path.sep) ? undefined : inside.split(path.sep)[0];
};

/** Cycles among `scope` as file paths, by depth-first search over the edges `edges` gives. */
function cycles(scope: string[], edges: (file: string) => string[]): string[][] {
  const found: string[][] = [];
  const inScope = new Set(scope);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges(file).filter((target) => inScope.has(target))) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map(rel));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of scope) if (!state.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  it('finds the rooms and the imports it checks (the checks below are not vacuous)', () => {
    const rooms = new Set(files.map(roomOf).filter(Boolean));
    expect(rooms.size).toBeGreaterThanOrEqual(10);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect(graph.get(path.join(HANDLERS, 'index.ts'))).toContain(path.join(HANDLERS, 'staff', 'index.ts'));
  });

  it('has no import cycles between files in src/ (imports that run: type-only ones are erased)', () => {
    expect(cycles(files, (file) => imports.get(file)!.filter((i) => !i.typeOnly).map((i) => i.target))).toEqual([]);
  });

  it('has no cycles in src/handlers even counting type-only imports: the rooms form layers', () => {
    const handlers = files.filter((file) => file.startsWith(HANDLERS + path.sep));
    expect(cycles(handlers, (file) => graph.get(file)!)).toEqual([]);
  });

  it('keeps the handlers free of src/bot: src/bot may use the ports, never the other way round', () => {
    const bot = path.join(SRC, 'bot') + path.sep;
    const offending = files
      .filter((file) => file.startsWith(HANDLERS + path.sep))
      .flatMap((file) => graph.get(file)!.filter((target) => target.startsWith(bot)).map((target) => `${rel(file)} → ${rel(target)}`));
    expect(offending).toEqual([]);
  });

  it('keeps the handlers free of src/api: the admin API calls the handlers, never the other way round', () => {
    const api = path.join(SRC, 'api') + path.sep;
    const offending = files
      .filter((file) => file.startsWith(HANDLERS + path.sep))
      .flatMap((file) => graph.get(file)!.filter((target) => target.startsWith(api)).map((target) => `${rel(file)} → ${rel(target)}`));
    expect(offending).toEqual([]);
  });

  it('keeps src/lib a leaf: small helpers that import nothing else of ours, so any layer may use them', () => {
    const lib = path.join(SRC, 'lib') + path.sep;
    const offending = files.filter((file) => file.startsWith(lib)).flatMap((file) => graph.get(file)!.filter((target) => !target.startsWith(lib)).map((target) => `${rel(file)} → ${rel(target)}`));
    expect(offending).toEqual([]);
  });

  it('enters a room of src/handlers only through its index.ts', () => {
    const offending = files.flatMap((file) =>
      graph.get(file)!.filter((target) => {
        const room = roomOf(target);
        return room !== undefined && room !== roomOf(file) && path.basename(target) !== 'index.ts';
      }).map((target) => `${rel(file)} → ${rel(target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('keeps src/handlers to rooms, with nothing loose but the table of contents and the ports', () => {
    const loose = fs.readdirSync(HANDLERS, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
    expect(loose.sort()).toEqual(['index.ts', 'ports.ts']);
    const rooms = fs.readdirSync(HANDLERS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const withoutFrontDoor = rooms.filter((room) => !fs.existsSync(path.join(HANDLERS, room.name, 'index.ts'))).map((room) => room.name);
    expect(withoutFrontDoor).toEqual([]);
  });

  it(`has no file in src/ over ${MAX_LINES} lines`, () => {
    const long = files.map((file) => ({ file: rel(file), lines: fs.readFileSync(file, 'utf8').split('\n').length })).filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
