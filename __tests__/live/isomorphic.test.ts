/**
 * The runner is part of the root entry, which loads anywhere: bundled for a browser, what it
 * reaches imports no Node module.
 */
import * as path from 'node:path';

import { buildSync } from 'esbuild';

const SRC = path.join(__dirname, '..', '..', 'src');

describe.each([
  ['src/live/runBroadcast.ts', path.join(SRC, 'live', 'runBroadcast.ts')],
  ['src/redux/liveBroadcast.ts', path.join(SRC, 'redux', 'liveBroadcast.ts')],
])('%s', (_, entry) => {
  it('should bundle for the browser with its dependencies external, reaching no node: module', () => {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['fp-ts', 'fp-ts/*', 'io-ts', 'immer'],
    });

    expect(result.errors).toEqual([]);
    const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imported.filter((p) => p.startsWith('node:') || p.includes(`${path.sep}node${path.sep}`))).toEqual([]);
    expect(imported).toEqual(expect.arrayContaining(['io-ts']));
  });
});
