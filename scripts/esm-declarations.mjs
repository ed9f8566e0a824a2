/**
 * Part of `npm run build`: the declarations of the `import` condition. `tsc` writes one tree,
 * `dist/types/**\/*.d.ts`, which TypeScript reads as CommonJS (the package has no
 * `"type": "module"`). package.json gives each entry point `X.d.mts` for importers, and this
 * writes them.
 *
 * Most of the tree reads the same either way (fp-ts and io-ts have one set of declarations), so
 * `X.d.mts` is `export * from './X.js'`, the CommonJS declarations themselves. A file that
 * imports a package whose declarations differ between the two, such as fast-check, which ships
 * an ES module set and a CommonJS set, gets a full ES module twin instead; otherwise its types
 * would come from fast-check's CommonJS declarations while the importer's own `import 'fast-check'`
 * gets the ES module ones, and the two do not match. A twin names its relative imports with
 * extensions, as ES modules must: `./X.mjs` for a file that has a twin itself, `./X.js` (the
 * CommonJS declarations) for one that does not. In a twin, `fp-ts/Option` becomes
 * `fp-ts/lib/Option.js`, as in dist/*.mjs (see tsup.config.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const types = path.join(root, 'dist', 'types');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

if (!fs.existsSync(types)) {
  throw new Error(`${types} is missing: tsc -p tsconfig.build.json writes it`);
}

// `from '...'`, `import('...')` and `import '...'`, as tsc writes them in declarations.
const SPECIFIERS = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\2/g;
// Code only: the TSDoc carried into declarations shows imports as a user writes them.
const isComment = (line) => /^\s*(\*|\/\*|\/\/)/.test(line);

const specifiersOf = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !isComment(line))
    .flatMap((line) => [...line.matchAll(SPECIFIERS)].map((m) => m[3]));

/** The declarations `spec` (relative) names from `file`. */
const relativeTarget = (spec, file) => {
  const target = path.resolve(path.dirname(file), spec);
  for (const candidate of [`${target}.d.ts`, path.join(target, 'index.d.ts')]) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(`${path.relative(types, file)}: cannot find the declarations of ${spec}`);
};

const options = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
const resolved = (spec, file, mode) =>
  ts.resolveModuleName(spec, file, options, ts.sys, undefined, undefined, mode).resolvedModule?.resolvedFileName;

/** Whether `file` (a .d.ts) reads differently as an ES module: through its own imports, or a relative import's. */
const needsTwin = (() => {
  const known = new Map();
  const check = (file) => {
    if (!known.has(file)) {
      known.set(file, false); // a cycle adds nothing
      const differs = specifiersOf(file).some((spec) =>
        spec.startsWith('.')
          ? check(relativeTarget(spec, file))
          : !spec.startsWith('node:') &&
            resolved(spec, file, ts.ModuleKind.ESNext) !== resolved(spec, file, ts.ModuleKind.CommonJS),
      );
      known.set(file, differs);
    }
    return known.get(file);
  };
  return check;
})();

const esmSpecifier = (spec, file) => {
  if (spec.startsWith('.')) {
    const target = relativeTarget(spec, file);
    const named = target.endsWith(`${path.sep}index.d.ts`) ? `${spec}/index` : spec;
    return `${named}${needsTwin(target) ? '.mjs' : '.js'}`;
  }
  const fpTs = /^fp-ts\/([A-Za-z]+)$/.exec(spec);
  return fpTs === null ? spec : `fp-ts/lib/${fpTs[1]}.js`;
};

/** Write the ES module declarations of `file`, and of the files its twin imports. */
const writeTwin = (file, written = new Set()) => {
  const twin = file.replace(/\.d\.ts$/, '.d.mts');
  if (written.has(twin)) {
    return;
  }
  written.add(twin);
  if (!needsTwin(file)) {
    fs.writeFileSync(twin, `export * from './${path.basename(file, '.d.ts')}.js';\n`);
    return;
  }
  const text = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) =>
      isComment(line)
        ? line
        : line.replace(SPECIFIERS, (_, lead, quote, spec) => `${lead}${quote}${esmSpecifier(spec, file)}${quote}`),
    )
    .join('\n');
  fs.writeFileSync(twin, text);
  for (const spec of specifiersOf(file).filter((s) => s.startsWith('.'))) {
    const target = relativeTarget(spec, file);
    if (needsTwin(target)) {
      writeTwin(target, written);
    }
  }
};

/** The `types` of the `import` and `require` conditions of each entry point. */
const entryTypes = Object.values(manifest.exports).flatMap((target) =>
  typeof target === 'object' && target.import?.types !== undefined
    ? [{ esm: path.join(root, target.import.types), cjs: path.join(root, target.require.types) }]
    : [],
);
for (const { esm, cjs } of entryTypes) {
  if (esm !== cjs.replace(/\.d\.ts$/, '.d.mts')) {
    throw new Error(`package.json: ${esm} should be the .d.mts beside ${cjs}`);
  }
  if (!fs.existsSync(cjs)) {
    throw new Error(`package.json names ${path.relative(root, cjs)}, which tsc did not write`);
  }
  writeTwin(cjs);
}
