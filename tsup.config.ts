/**
 * Build: esbuild bundles each entry point twice, as CommonJS (`.js`) and as an ES module
 * (`.mjs`), and tsup writes the declarations beside them (`.d.ts` for `require`, `.d.mts` for
 * `import`), bundled per entry point, with the registry's storage (members marked `@internal`)
 * left out of the public types.
 *
 * Bundling is what lets the sources keep extensionless relative imports: Node's ES module
 * loader would need `./Registry.js` in every import of an unbundled build.
 */
import type { Options } from 'tsup';
import { defineConfig } from 'tsup';

/** The package's entry points (`exports` in package.json), by output name. */
const library: Readonly<Record<string, string>> = {
  index: 'src/index.ts',
  arbitraries: 'src/arbitraries.ts',
  incident: 'src/incident.ts',
  node: 'src/node/index.ts',
};

const common = {
  platform: 'node',
  target: 'node20',
  splitting: true,
  // Dependencies and optional peers are the user's to install, never copies inside the bundle.
  skipNodeModulesBundle: true,
  sourcemap: false,
  removeNodeProtocol: false,
} as const;

/** Declarations for the library's entry points, without what the sources mark `@internal`. */
const dts = { entry: library, compilerOptions: { stripInternal: true } } as const;

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
  {
    ...common,
    entry: { ...library, 'cli/main': 'src/node/cli/main.ts' },
    format: ['cjs'],
    splitting: false,
    dts,
  },
  { ...common, entry: library, format: ['esm'], plugins: [fpTsModulesByFile], dts },
]);
