/**
 * The API reference (`npm run docs`) is generated from TSDoc: every name the package exports
 * has a comment with a one-line summary and `@since`. TypeDoc checks the same when it runs; this
 * keeps `npm test` from letting a new export through undocumented.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');

/** The entry points of the package, as source files. */
const entryPoints = [
  'index.ts',
  'arbitraries.ts',
  'incident.ts',
  path.join('node', 'index.ts'),
  path.join('nats', 'index.ts'),
]
  .map((f) => path.join(SRC, f))
  .filter((f) => fs.existsSync(f));

const parse = (file: string): ts.SourceFile =>
  ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** The name each top-level statement of `source` declares, if it is exported. */
const exportedNames = (statement: ts.Statement): ReadonlyArray<string> => {
  const exported = ts.canHaveModifiers(statement)
    ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    : false;
  if (!exported) {
    return [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((d) => d.name.getText());
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  ) {
    return statement.name === undefined ? [] : [statement.name.text];
  }
  return [];
};

/** The TSDoc block right before `statement`, if any. */
const docOf = (statement: ts.Statement): string | undefined => {
  const trivia = statement.getFullText().slice(0, statement.getLeadingTriviaWidth());
  const blocks = trivia.match(/\/\*\*[\s\S]*?\*\//g);
  return blocks?.[blocks.length - 1];
};

interface Exported {
  readonly name: string;
  readonly file: string;
  readonly doc: string | undefined;
}

/** Every declaration behind the names an entry point exports (a codec and its type are two). */
const publicDeclarations = (entry: string): ReadonlyArray<Exported> => {
  const found: Exported[] = [];
  const fromModule = (file: string, names: ReadonlySet<string> | 'all'): void => {
    for (const statement of parse(file).statements) {
      if (
        ts.isExportDeclaration(statement) &&
        statement.moduleSpecifier !== undefined &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        const base = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
        const target = fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts');
        const clause = statement.exportClause;
        const reexported =
          clause !== undefined && ts.isNamedExports(clause)
            ? clause.elements.filter((e) => names === 'all' || names.has(e.name.text))
            : undefined;
        if (reexported === undefined || reexported.length > 0) {
          fromModule(
            target,
            reexported === undefined ? names : new Set(reexported.map((e) => (e.propertyName ?? e.name).text)),
          );
        }
      }
      for (const name of exportedNames(statement)) {
        if (names === 'all' || names.has(name)) {
          found.push({ name, file: path.relative(SRC, file), doc: docOf(statement) });
        }
      }
    }
  };
  fromModule(entry, 'all');
  return found;
};

describe.each(entryPoints.map((f) => [path.relative(SRC, f), f] as const))('the exports of src/%s', (_, entry) => {
  const declarations = publicDeclarations(entry);

  it('should be found, so that the checks below can fail', () => {
    expect(declarations.length).toBeGreaterThan(10);
  });

  it('should each have TSDoc with a one-line summary', () => {
    const undocumented = declarations.filter(
      (d) => d.doc === undefined || !/^\/\*\*\s*\*?\s*[A-Z`'"(]/.test(d.doc.replace(/\n\s*/g, ' ')),
    );
    expect(undocumented.map((d) => `${d.file}: ${d.name}`)).toEqual([]);
  });

  it('should each say since which version they exist (@since)', () => {
    const undated = declarations.filter((d) => d.doc?.includes('@since') !== true);
    expect(undated.map((d) => `${d.file}: ${d.name}`)).toEqual([]);
  });
});

describe('the examples of the TSDoc comments', () => {
  /** Every source file under src/, recursively. */
  const sources = (dir: string): ReadonlyArray<string> =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );

  it('should import fp-ts by file, as the ES module loader of Node needs (fp-ts/lib/Either.js)', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(10);
    const directoryImports = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /^\s*\*\s*import .* from 'fp-ts\/(?!lib\/)/.test(line))
        .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
    );
    expect(directoryImports).toEqual([]);
  });
});
