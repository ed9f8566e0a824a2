/**
 * The incident commands answer hostile input as the rest of the command line does: one line
 * saying where and what, the documented exit code, no stack trace, nothing left half done.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Run } from '../../support/cli';
import { expectNoStack, linesOf, requireBuiltCli, ROOT, runCli } from '../../support/cli';

jest.setTimeout(60_000);

const fixture = (name: string): string => path.join(ROOT, '__tests__', 'fixtures', name);

let dir: string;
const file = (name: string, content: string): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
};

beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-incident-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lifecycle-broadcast shrink', () => {
  const shrinkBy = (name: string, source: string): Promise<Run> =>
    runCli(['shrink', fixture('divergent.ndjson'), '--until', file(name, source), '-o', path.join(dir, 'out.ndjson')]);

  it.each([
    ['throws.cjs', 'module.exports = () => { throw new Error("boom"); };', /: the predicate failed: boom$/],
    ['rejects.mjs', 'export default async () => { throw "nope"; };', /: the predicate failed: "nope"$/],
    ['says-yes.cjs', 'module.exports = () => "yes";', /: the predicate must return true or false, got "yes"$/],
  ] as const)('should name the predicate module %s when it fails, in one line', async (name, source, message) => {
    const r = await shrinkBy(name, source);
    expect(r.code).toBe(2);
    expectNoStack(r);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`lifecycle-broadcast: --until ${path.join(dir, name)}: `);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('should give 2, not 0, when the predicate never settles', async () => {
    const r = await shrinkBy('never.cjs', 'module.exports = () => new Promise(() => undefined);');
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([
      'lifecycle-broadcast: the command could not finish: a promise it waited for never settled (such as one a --until predicate returned)',
    ]);
    expect(fs.existsSync(path.join(dir, 'out.ndjson'))).toBe(false);
  });

  it('should refuse standard input that is a directory as a read failure', async () => {
    const stdin = fs.openSync(dir, 'r');
    try {
      const r = await runCli(['shrink', '-', '--until', 'diverges'], { stdin });
      expect(r.code).toBe(2);
      expect(linesOf(r.stderr)).toEqual(['lifecycle-broadcast: cannot read standard input: is a directory (EISDIR)']);
    } finally {
      fs.closeSync(stdin);
    }
  });

  it('should refuse an endless input in one line instead of running out of memory', async () => {
    const r = await runCli(['shrink', '/dev/zero', '--until', 'diverges']);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([
      'lifecycle-broadcast: cannot read /dev/zero: longer than the longest string Node.js can hold (536,870,888 characters)',
    ]);
  });
});
