/**
 * `f(...list)` puts every element of `list` on the call stack: past about 100,000 elements
 * (`errors.push(...errors)`, `Math.max(...widths)`) it throws "Maximum call stack size
 * exceeded". Nothing in src/ may spread an array into a call, unless it is the function's own rest
 * parameter, which is never longer than the call that filled it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');

const sources = (dir: string): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const file = path.join(dir, d.name);
    return d.isDirectory() ? sources(file) : d.name.endsWith('.ts') ? [file] : [];
  });

/** Whether `name` is a rest parameter of a function around `node`. */
const isRestParameter = (node: ts.Node, name: string): boolean => {
  // The source file's `parent` is undefined, although its type does not say so.
  for (let n = node.parent as ts.Node | undefined; n !== undefined; n = n.parent as ts.Node | undefined) {
    if (ts.isFunctionLike(n) && n.parameters.some((p) => p.dotDotDotToken !== undefined && p.name.getText() === name)) {
      return true;
    }
  }
  return false;
};

/** Every spread into a call or `new`, and every `.apply(`, as `file:line: text`. */
const argumentSpreads = (file: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node): string =>
    `${path.relative(SRC, file)}:${String(source.getLineAndCharacterOfPosition(node.getStart()).line + 1)}: ${node.getText()}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments !== undefined) {
      for (const arg of node.arguments) {
        if (
          ts.isSpreadElement(arg) &&
          !(ts.isIdentifier(arg.expression) && isRestParameter(arg, arg.expression.text))
        ) {
          found.push(where(node));
        }
      }
    }
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'apply' && ts.isCallExpression(node.parent)) {
      found.push(where(node.parent));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

/**
 * fast-check's variadic API over the arbitraries' fixed vocabularies (service names, hashes,
 * reasons, hex digits, the five kinds of action): each has at most 16 elements, fixed in the code.
 */
const BOUNDED = new Set([
  // The conformance table's columns: one spread of its 14 checks.
  'node/cli/conformance.ts: Math.max(5, ...report.checks.map((c) => c.name.length))',
  'node/cli/conformance.ts: Math.max(7, ...report.checks.map((c) => c.section.length))',
  'arbitraries/registry.ts: fc.constantFrom(...pool)',
  "arbitraries/registry.ts: fc.constantFrom(...'0123456789abcdef'.split(''))",
  'arbitraries/registry.ts: fc.constantFrom(...EXE_HASHES)',
  'arbitraries/registry.ts: fc.constantFrom(...quiesceReasons)',
  'arbitraries/registry.ts: fc.constantFrom(...failureReasons)',
  'arbitraries/registry.ts: fc.oneof(...weighted)',
]);

describe('src/', () => {
  it('should spread no array into a call (push(...), Math.max(...), Math.min(...), .apply)', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(20);
    const spreads = files.flatMap(argumentSpreads).filter((s) => !BOUNDED.has(s.replace(/:\d+:/, ':')));
    expect(spreads).toEqual([]);
  });

  it('should be able to see such a spread (the check itself)', () => {
    const file = path.join(__dirname, 'spread.fixture.ts');
    fs.writeFileSync(
      file,
      'const xs = [1, 2];\nexport const m = Math.max(...xs);\nexport const f = (...a: number[]) => Math.min(...a);\n',
    );
    try {
      expect(argumentSpreads(file)).toEqual([expect.stringMatching(/:2: Math\.max\(\.\.\.xs\)$/)]);
    } finally {
      fs.rmSync(file);
    }
  });
});
