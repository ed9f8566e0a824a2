/**
 * Redux and Redux Toolkit are for tests and for users who choose them: the library must load,
 * and type-check, without either.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

const mentionsRedux = /(?:from|import|require\()\s*['"](?:redux|@reduxjs\/toolkit|reselect)(?:\/[^'"]*)?['"]/;

/** The lines of a file that are code: TSDoc examples may show Redux, the code may not use it. */
const codeOf = (file: string): string =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(?:\*|\/\*|\/\/)/.test(line))
    .join('\n');

interface PackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

describe('the Redux composition', () => {
  it('should see an import of Redux where one is written (TSDoc examples), so the next check can fail', () => {
    const documented = sourceFiles(join(root, 'src')).filter((file) => mentionsRedux.test(readFileSync(file, 'utf8')));
    expect(documented.length).toBeGreaterThan(0);
  });

  it('should not import redux, @reduxjs/toolkit or reselect anywhere under src/, not even as types', () => {
    const offenders = sourceFiles(join(root, 'src')).filter((file) => mentionsRedux.test(codeOf(file)));
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it('should list redux and @reduxjs/toolkit as dev and optional peer dependencies only', () => {
    for (const name of ['redux', '@reduxjs/toolkit']) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.devDependencies?.[name]).toBeDefined();
      expect(pkg.peerDependencies?.[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta?.[name]?.optional).toBe(true);
    }
  });
});
