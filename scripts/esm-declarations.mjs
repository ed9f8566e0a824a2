/**
 * Part of `npm run build`: the ES module declarations. `tsc` writes one tree of declarations,
 * `dist/types/**\/*.d.ts`, which TypeScript reads as CommonJS (the package has no
 * `"type": "module"`). An importer under node16 or bundler resolution gets the `import`
 * condition's types, and they must be ES modules resolving their own imports as ES modules do:
 * otherwise a type from a dual package such as fast-check comes from its CommonJS declarations
 * in ours and from its ES module declarations in the importer's code, and the two do not match.
 *
 * So each `X.d.ts` gets an `X.d.mts` twin whose imports are what Node's ES module loader
 * accepts, and what `dist/*.mjs` imports at run time:
 * - relative imports name the twin's file (`./Registry` becomes `./Registry.mjs`);
 * - `fp-ts/Option` becomes `fp-ts/lib/Option.js`, since fp-ts 2 has no `exports` map and an ES
 *   module cannot import its directories (tsup.config.ts rewrites the code the same way).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'types');

/** Every file under `dir`. */
const filesUnder = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  });

/** The specifier `spec`, found in `file`, as the ES module twin of `file` must write it. */
const esmSpecifier = (spec, file) => {
  if (spec.startsWith('.')) {
    const target = path.resolve(path.dirname(file), spec);
    if (fs.existsSync(`${target}.d.ts`)) {
      return `${spec}.mjs`;
    }
    if (fs.existsSync(path.join(target, 'index.d.ts'))) {
      return `${spec}/index.mjs`;
    }
    throw new Error(`${path.relative(root, file)}: cannot find the declarations of ${spec}`);
  }
  const fpTs = /^fp-ts\/([A-Za-z]+)$/.exec(spec);
  return fpTs === null ? spec : `fp-ts/lib/${fpTs[1]}.js`;
};

if (!fs.existsSync(root)) {
  throw new Error(`${root} is missing: tsc -p tsconfig.build.json writes it`);
}
// `from '...'`, `import('...')` and `import '...'`, as tsc writes them in declarations.
const specifiers = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\2/g;
for (const file of filesUnder(root).filter((f) => f.endsWith('.d.ts'))) {
  const esm = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    // Code only: the TSDoc carried into declarations shows imports as a user writes them.
    .map((line) =>
      /^\s*(\*|\/\*|\/\/)/.test(line)
        ? line
        : line.replace(specifiers, (_, lead, quote, spec) => `${lead}${quote}${esmSpecifier(spec, file)}${quote}`),
    )
    .join('\n');
  fs.writeFileSync(file.replace(/\.d\.ts$/, '.d.mts'), esm);
}
