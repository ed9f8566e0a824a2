/**
 * Build: esbuild bundles each entry point three times: as CommonJS (`.js`, for `require`), as an
 * ES module for Node (`.mjs`, for `import`), and as an ES module for bundlers (`module/*.mjs`,
 * the `module` condition of the exports map, which esbuild, Vite, Rollup and webpack honour and
 * Node does not). tsup writes the declarations beside them (`.d.ts` for `require`, `.d.mts` for
 * both ES modules), bundled per entry point, with the registry's storage (members marked
 * `@internal`) left out of the public types.
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
  nats: 'src/nats/index.ts',
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

type Plugin = NonNullable<Options['plugins']>[number];

/**
 * fp-ts 2 has no `exports` map, and Node's ES module loader does not resolve the directories
 * behind `fp-ts/Either`: the ES module builds import the files instead. Node's gets the
 * CommonJS ones (`fp-ts/lib/Either.js`: the `es6/` files are not marked as ES modules, so Node
 * would not load them); the bundlers' gets the ES modules (`fp-ts/es6/Either.js`), the copy
 * io-ts's ES module build imports too, so that an application bundles fp-ts once and shakes it.
 * (A rewrite of the output: tsup marks dependencies external before an esbuild plugin could.)
 */
const fpTsModulesByFile = (folder: 'lib' | 'es6'): Plugin => ({
  name: `fp-ts-modules-by-file-${folder}`,
  renderChunk(code) {
    return { code: code.replace(/(["'])fp-ts\/([A-Za-z]+)\1/g, `$1fp-ts/${folder}/$2.js$1`) };
  },
});

/** What `lifecycle-broadcast/arbitraries` says when fast-check, its optional peer, is not installed. */
const FAST_CHECK_MISSING =
  'lifecycle-broadcast/arbitraries needs fast-check, an optional peer dependency: install it (npm install --save-dev fast-check)';

/** The error a failed load of fast-check becomes: the one line above when fast-check itself is missing. */
const whenFastCheckMissing = `(error) => {
  if (error !== null && typeof error === "object" && (error.code === "MODULE_NOT_FOUND" || error.code === "ERR_MODULE_NOT_FOUND") && String(error.message).includes("'fast-check'")) {
    throw new Error(${JSON.stringify(FAST_CHECK_MISSING)}, { cause: error });
  }
  throw error;
}`;

/**
 * The arbitraries load fast-check in a way that can fail in words: a plain import of a missing
 * package fails with "Cannot find module 'fast-check'" and a require stack, before any code of the
 * entry could run. CommonJS wraps the `require`; an ES module imports fast-check dynamically
 * (top-level `await`, which Node, esbuild, Vite, Rollup and webpack 5 all support). Any other
 * form of import fails the build rather than slip through unguarded.
 */
const fastCheckInWords: Plugin = {
  name: 'fast-check-in-words',
  renderChunk(code, chunk) {
    if (!/["']fast-check["']/.test(code)) {
      return { code };
    }
    const cjs = this.format === 'cjs';
    const body = cjs
      ? code.replace(/\brequire\("fast-check"\)/g, '__lbRequireFastCheck()')
      : code.replace(/^import \* as (\w+) from "fast-check";$/gm, 'const $1 = __lbFastCheck;');
    if (/["']fast-check["']/.test(body)) {
      throw new Error(`${chunk.path}: fast-check is imported in a form the build does not guard`);
    }
    if (cjs) {
      const guard = `function __lbRequireFastCheck() {\n  try {\n    return require("fast-check");\n  } catch (error) {\n    (${whenFastCheckMissing})(error);\n  }\n}\n`;
      return { code: body.replace(/^("use strict";\n)?/, (strict) => `${strict}${guard}`) };
    }
    return { code: `const __lbFastCheck = await import("fast-check").catch(${whenFastCheckMissing});\n${body}` };
  },
};

export default defineConfig([
  // The command line (`bin`) is CommonJS only: `node dist/cli/main.js` must run it. No code
  // splitting here: tsup splits CommonJS by way of sucrase, which rewrites every `?.` and `??`
  // into helper calls, several times slower on the registry's hot paths.
  {
    ...common,
    entry: { ...library, 'cli/main': 'src/cli.ts' },
    format: ['cjs'],
    splitting: false,
    plugins: [fastCheckInWords],
    dts,
  },
  { ...common, entry: library, format: ['esm'], plugins: [fpTsModulesByFile('lib'), fastCheckInWords], dts },
  // For bundlers: no declarations of its own (the exports map gives it the `.d.mts` ones).
  {
    ...common,
    entry: library,
    outDir: 'dist/module',
    format: ['esm'],
    plugins: [fpTsModulesByFile('es6'), fastCheckInWords],
  },
]);
