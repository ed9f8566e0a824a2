/**
 * The index at 20,000 backends (the 45 MB log of 300,000 lines on which 0.2 failed with
 * `Invalid string length`), in child processes limited to a 256 MB heap: writing it streams one
 * checkpoint at a time, and a replay resumed from it agrees with one from the start.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ROOT, linesOf, requireBuiltCli, runCli } from '../../support/cli';

const HEAP = ['--max-old-space-size=256'];
const LIMIT = 240_000;

let dir = '';
let log: string;

beforeAll(async () => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-index-scale-'));
  log = path.join(dir, 'fleet.ndjson');
  const r = await runCli(
    ['generate', '--backends', '20000', '--actions', '300000', '--no-results', '--seed', '4', '-o', log],
    { timeoutMs: LIMIT },
  );
  expect([r.code, r.stderr]).toEqual([0, '']);
}, LIMIT);

afterAll(() => {
  if (dir !== '') {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Run `script` (CommonJS, with `lib` the built `lifecycle-broadcast/node`) under a 256 MB heap; its standard output. */
const underHeapLimit = (script: string): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...HEAP, '-e', `const lib = require(${JSON.stringify(path.join(ROOT, 'dist', 'node.js'))});\n${script}`],
      { timeout: LIMIT, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${error.message}: ${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });

describe('the index of 20,000 backends under a 256 MB heap', () => {
  it(
    'should write checkpoints of the whole registry one at a time, and resume from them',
    async () => {
      const indexFile = path.join(dir, 'dense.index');
      // share 1: as many checkpoints as --every allows, each holding all 20,000 backends.
      const out = await underHeapLimit(
        `lib.writeLogIndex(${JSON.stringify(log)}, ${JSON.stringify(indexFile)}, { every: 50000, share: 1 })` +
          `.then((w) => console.log(JSON.stringify({ checkpoints: w.checkpoints, bytes: w.bytes })))`,
      );
      const written = JSON.parse(out) as { readonly checkpoints: number; readonly bytes: number };
      expect(written.checkpoints).toBeGreaterThanOrEqual(3);
      expect(written.bytes).toBe(fs.statSync(indexFile).size);
      // No line holds a whole registry: a part line holds at most 1,000 backends. A checkpoint's
      // head still carries the latest broadcast's result (20,000 acknowledgements here, about
      // 2.4 MB), so the longest line is bounded by that, well under one checkpoint.
      const lines = fs.readFileSync(indexFile, 'utf8').split('\n');
      const longest = lines.reduce((m, l) => Math.max(m, l.length), 0);
      expect(longest).toBeLessThan(4 << 20);
      expect(longest).toBeLessThan(written.bytes / written.checkpoints / 2);
      const at = ['--at', '290000', '--json', '--no-table'];
      const indexed = await runCli(['replay', log, ...at, '--index', indexFile], { nodeArgs: HEAP, timeoutMs: LIMIT });
      const plain = await runCli(['replay', log, ...at, '--no-index'], { nodeArgs: HEAP, timeoutMs: LIMIT });
      expect([indexed.code, indexed.stderr, plain.code]).toEqual([0, '', 0]);
      const a = JSON.parse(indexed.stdout) as Record<string, unknown>;
      const b = JSON.parse(plain.stdout) as Record<string, unknown>;
      // Resumed from the checkpoint after line 250,000 when restoring it pays, else from the start.
      expect([0, 250_000]).toContain(a.resumedAfter);
      expect({ ...a, resumedAfter: 0 }).toEqual(b);
    },
    LIMIT * 3,
  );

  it(
    'should write its default index within a tenth of the log',
    async () => {
      const r = await runCli(['index', log], { nodeArgs: HEAP, timeoutMs: LIMIT });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(linesOf(r.stdout)).toHaveLength(1);
      expect(fs.statSync(`${log}.index`).size).toBeLessThanOrEqual(0.1 * fs.statSync(log).size);
    },
    LIMIT,
  );
});
