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

describe('lifecycle-broadcast replay bounds', () => {
  let timed: string;
  beforeAll(async () => {
    timed = path.join(dir, 'timed.ndjson');
    const r = await runCli(['generate', '--actions', '50', '--clock-start', '2026-11-27T14:00:00Z', '-o', timed]);
    expect(r.code).toBe(0);
  });

  it('should say a time before the first record is so, not that no record carries a time', async () => {
    const r = await runCli(['replay', timed, '--at', '2026-11-27T13:00:00Z', '--no-table']);
    expect(r.code).toBe(0);
    expect(linesOf(r.stderr)).toEqual([`warning: 2026-11-27T13:00:00.000Z is before the first record of ${timed}`]);
    expect(r.stdout).toContain('after line 1: 0 actions applied');
  });

  it('should warn that a window of a time and a line holds no record, rather than print zeros silently', async () => {
    const r = await runCli(['replay', timed, '--from', '2026-11-27T15:00:00Z', '--to', '20', '--no-table']);
    expect(r.code).toBe(0);
    expect(linesOf(r.stderr)).toEqual([
      `warning: no record of ${timed} falls between --from 2026-11-27T15:00:00.000Z and line 20: the counts below are all 0`,
    ]);
  });

  it.each([
    [
      ['replay', '--from', '30', '--to', '20'],
      'lifecycle-broadcast: --from line 30 is after --to line 20: the window is empty',
    ],
    [
      ['replay', '--from', '30', '--at', '20'],
      'lifecycle-broadcast: --from line 30 is after --at line 20: the window is empty',
    ],
    [
      ['report', '--from', '2026-11-27T14:03:00Z', '--to', '2026-11-27T14:02:00Z', '-o', 'never.html'],
      'lifecycle-broadcast: --from 2026-11-27T14:03:00.000Z is after --to 2026-11-27T14:02:00.000Z: the window is empty',
    ],
  ])('should refuse %j, a window that ends before it begins, with 2', async ([command, ...args], message) => {
    const r = await runCli([command ?? '', timed, ...args]);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([message]);
    expect(r.stdout).toBe('');
  });
});

describe('lifecycle-broadcast replay --assume', () => {
  const broker = path.join(ROOT, 'examples', 'broker.ndjson');

  it('should stop at --at like a replay does', async () => {
    const r = await runCli(['replay', broker, '--assume', 'soldr=Ack', '--at', '12', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, lastLine: 12, broadcasts: 3 });
  });

  it.each([['--from', '3'], ['--verify'], ['--top', '2'], ['--sort', 'ack'], ['--no-table']])(
    'should refuse %s, which a what-if replay does not apply, instead of ignoring it',
    async (...option) => {
      const r = await runCli(['replay', broker, '--assume', 'soldr=Ack', ...option]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(
        /^lifecycle-broadcast: option '--assume <service=answer>' cannot be used with option '--/,
      );
    },
  );

  it.each([['--assume-from', '3'], ['--limit', '3'], ['--verbose']])(
    'should refuse %s without --assume',
    async (option, ...value) => {
      const r = await runCli(['replay', broker, option, ...value]);
      expect(r.code).toBe(2);
      expect(linesOf(r.stderr)).toEqual([`lifecycle-broadcast: ${option} goes with --assume`]);
    },
  );
});

describe('lifecycle-broadcast generate -o -', () => {
  it('should write the log to standard output, as shrink -o - does, and leave no file named -', async () => {
    const r = await runCli(['generate', '--actions', '20', '-o', '-']);
    const plain = await runCli(['generate', '--actions', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stdout.split('\n')).toHaveLength(22);
    expect(fs.existsSync(path.join(ROOT, '-'))).toBe(false);
  });
});
