/**
 * The amplification case: a 20 MB log whose every line holds an array of 50,000 bad elements.
 * A lenient replay reports ten problems and a count per line, so a process limited to a 256 MB
 * heap reads it to the end (without the bound it reached 2.8 GB and wrote 500 MB of messages).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { encodeHeaderLine, logHeader } from '../../../src';
import { linesOf, requireBuiltCli, runCli } from '../../support/cli';

const ELEMENTS = 50_000;
const BYTES = 20_000_000;

let dir: string;
let file: string;
let lines = 0;

beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-hostile-'));
  file = path.join(dir, 'hostile.ndjson');
  const bad = `{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"result":{"_tag":"AllAcked","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"acks":[${Array.from({ length: ELEMENTS }, () => '1').join(',')}],"timeouts":[],"failures":[],"skippedDead":[]}}\n`;
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `${encodeHeaderLine(logHeader())}\n`);
    for (let written = 0; written < BYTES; written += bad.length) {
      fs.writeSync(fd, bad);
      lines += 1;
    }
  } finally {
    fs.closeSync(fd);
  }
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lifecycle-broadcast replay --lenient on a 20 MB hostile log', () => {
  it('should complete with a 256 MB heap, one bounded line per bad line', async () => {
    const r = await runCli(['replay', file, '--lenient'], {
      nodeArgs: ['--max-old-space-size=256'],
      timeoutMs: 55_000,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const problems = linesOf(r.stderr);
    expect(problems).toHaveLength(lines);
    expect(problems.every((l) => l.endsWith(`; and ${String(ELEMENTS - 10)} more`) && l.length < 1000)).toBe(true);
    expect(r.stdout).toMatch(
      new RegExp(
        `^read +registry after line 1, the end of the log: 0 actions applied, ${String(lines)} invalid lines \\(skipped\\)$`,
        'm',
      ),
    );
  }, 60_000);
});
