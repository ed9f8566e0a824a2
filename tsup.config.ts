/**
 * Build of the JavaScript: esbuild bundles each entry point twice, as CommonJS (`.js`) and as
 * an ES module (`.mjs`), sharing code between entry points through chunks. The declarations
 * come next in `npm run build`: `tsc -p tsconfig.build.json`, then
 * scripts/esm-declarations.mjs.
 *
 * Bundling is what lets the sources keep extensionless relative imports: Node's ES module
 * loader would need `./Registry.js` in every import of an unbundled build.
 */
import { existsSync } from 'node:fs';
import type { Options } from 'tsup';
import { defineConfig } from 'tsup';

/** The package's entry points (`exports` in package.json), by output name. */
const library: Readonly<Record<string, string>> = Object.fromEntries(
  ['index', 'arbitraries', 'node/index']
    .filter((name) => existsSync(`src/${name}.ts`))
    .map((name) => [name, `src/${name}.ts`]),
);

const common = {
  platform: 'node',
  target: 'node20',
  splitting: true,
  // Dependencies and optional peers are the user's to install, never copies inside the bundle.
  skipNodeModulesBundle: true,
  sourcemap: false,
  removeNodeProtocol: false,
  dts: false,
} as const;

/**
 * fp-ts 2 has no `exports` map, and Node's ES module loader does not resolve the directories
 * behind `fp-ts/Either`: the ES module build imports the files (`fp-ts/lib/Either.js`) instead.
 * (A rewrite of the output: tsup marks dependencies external before an esbuild plugin could.)
 */
const fpTsModulesByFile: NonNullable<Options['plugins']>[number] = {
  name: 'fp-ts-modules-by-file',
  renderChunk(code) {
    return { code: code.replace(/(["'])fp-ts\/([A-Za-z]+)\1/g, '$1fp-ts/lib/$2.js$1') };
  },
};

export default defineConfig([
  // The command line (`bin`) is CommonJS only: `node dist/cli/main.js` must run it. No code
  // splitting here: tsup splits CommonJS by way of sucrase, which rewrites every `?.` and `??`
  // into helper calls, several times slower on the registry's hot paths.
  { ...common, entry: { ...library, 'cli/main': 'src/cli/main.ts' }, format: ['cjs'], splitting: false },
  { ...common, entry: library, format: ['esm'], plugins: [fpTsModulesByFile] },
]);
