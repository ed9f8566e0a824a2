/** esbuild bundling for a browser as an application's production build does. */
import type { BuildOptions } from 'esbuild';
import { buildSync } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BROWSER = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  minify: true,
  write: false,
  metafile: true,
  logLevel: 'silent',
} as const;

/** Bundle what `options` names as one minified ES module for a browser, in memory, with its metafile. */
export const bundleForBrowser = (options: Pick<BuildOptions, 'stdin' | 'entryPoints' | 'absWorkingDir' | 'external'>) =>
  buildSync({ ...BROWSER, ...options });

/** The size of a bundle's code, minified and gzipped (level 9), in bytes. */
export const bundleSize = (
  result: ReturnType<typeof bundleForBrowser>,
): { readonly minified: number; readonly gzipped: number } => {
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
};
