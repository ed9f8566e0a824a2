/**
 * `replay --follow` in a child process, while this test appends to the log it reads: every step
 * waits for the output the previous one caused, never for a delay.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CLI, ROOT, expectNoStack, linesOf, requireBuiltCli, runCli, watchOutput } from '../../support/cli';

const fixture = (name: string): string => path.join(ROOT, '__tests__', 'fixtures', name);

/** The lines of a fixture, each with its line break. */
const fixtureLines = (name: string): ReadonlyArray<string> =>
  fs
    .readFileSync(fixture(name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l}\n`);

/** Start `replay --follow` with `args`; it is killed after `timeoutMs` whatever happens. */
const follow = (args: ReadonlyArray<string>, timeoutMs = 30_000) => {
  const child = spawn(process.execPath, [CLI, 'replay', '--follow', ...args], { cwd: ROOT });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const seen = watchOutput(child);
  return {
    child,
    stderrMatches: seen.stderrMatches,
    closed: seen.closed.finally(() => {
      clearTimeout(timer);
    }),
  };
};

jest.setTimeout(40_000);

describe('replay --follow', () => {
  let dir: string;
  let log: string;

  beforeAll(() => {
    requireBuiltCli();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-follow-'));
    log = path.join(dir, 'broker.ndjson');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should replay records as they are appended, wait for an unfinished line, and print the summary on Ctrl-C', async () => {
    const lines = fixtureLines('divergent.ndjson');
    fs.writeFileSync(log, lines.slice(0, 10).join(''));
    const f = follow([log, '--verify']);
    await f.stderrMatches(/following .*: line 10, 9 records, 2 broadcasts, 0 diverged\n/);
    // Lines 11 to 20 (a divergence at 17), then half of line 21.
    const half = (lines[20] ?? '').slice(0, 30);
    fs.appendFileSync(log, lines.slice(10, 20).join('') + half);
    await f.stderrMatches(/line 20, 19 records, 5 broadcasts, 1 diverged\n/);
    expect(f.child.exitCode).toBeNull();
    fs.appendFileSync(log, (lines[20] ?? '').slice(30));
    await f.stderrMatches(/line 21, 20 records/);
    f.child.kill('SIGINT');
    const r = await f.closed;
    expect(r.code).toBe(1);
    expectNoStack(r);
    const err = linesOf(r.stderr);
    // The divergence was printed as it was met, between the two progress lines around it.
    const at = err.findIndex((l) => l.startsWith('line 17: the recorded result differs'));
    expect(at).toBeGreaterThan(0);
    expect(err[at - 1]).toMatch(/^following .*: line 10,/);
    expect(err[at + 1]).toBe('  _tag: recorded "Degraded", replayed "AllAcked"');
    expect(err.filter((l) => l.startsWith('line 17:'))).toHaveLength(1);
    expect(r.stdout).toMatch(
      /^read +registry after line 21, the end of the log: 20 actions applied, no invalid line$/m,
    );
    expect(r.stdout).toMatch(/^verify +\d+ recorded results checked, 1 not reproduced; the first: line 17: /m);
  });

  it('should leave out an unfinished last line when Ctrl-C comes first, and exit 0 on a clean log', async () => {
    const lines = fixtureLines('divergent.ndjson');
    fs.writeFileSync(log, lines.slice(0, 12).join('') + (lines[12] ?? '').slice(0, 10));
    const f = follow([log, '--json']);
    await f.stderrMatches(/line 12, 11 records/);
    f.child.kill('SIGINT');
    const r = await f.closed;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lastLine: 12, invalidLines: 0 });
  });

  it('should end with one line and exit 2 when the followed file is truncated', async () => {
    const lines = fixtureLines('divergent.ndjson');
    fs.writeFileSync(log, lines.slice(0, 10).join(''));
    const f = follow([log]);
    await f.stderrMatches(/line 10, 9 records/);
    fs.truncateSync(log, 100);
    const r = await f.closed;
    expect(r.code).toBe(2);
    expectNoStack(r);
    expect(linesOf(r.stderr).slice(1)).toEqual([
      `lifecycle-broadcast: cannot read ${log}: the file was truncated while followed (to 100 bytes, after ${String(
        lines.slice(0, 10).join('').length,
      )} were read)`,
    ]);
  });

  it('should end with one line and exit 2 when the followed file is replaced', async () => {
    const lines = fixtureLines('divergent.ndjson');
    fs.writeFileSync(log, lines.slice(0, 10).join(''));
    const f = follow([log]);
    await f.stderrMatches(/line 10, 9 records/);
    const other = path.join(dir, 'rotated.ndjson');
    fs.writeFileSync(other, lines.join(''));
    fs.renameSync(other, log);
    const r = await f.closed;
    expect(r.code).toBe(2);
    expectNoStack(r);
    expect(linesOf(r.stderr).slice(1)).toEqual([
      `lifecycle-broadcast: cannot read ${log}: the file was replaced by another while followed`,
    ]);
  });

  it('should refuse standard input and the options that stop a replay, in one line with exit 2', async () => {
    const stdin = await runCli(['replay', '-', '--follow'], { stdin: '' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toBe('lifecycle-broadcast: --follow reads a file as it grows, not standard input\n');
    const at = await runCli(['replay', fixture('divergent.ndjson'), '--follow', '--at', '3']);
    expect(at.code).toBe(2);
    expect(linesOf(at.stderr)[0]).toMatch(/--follow.*cannot be used with.*--at|--at.*cannot be used with.*--follow/);
  });

  it('should say in one line that a missing file cannot be read', async () => {
    const r = await runCli(['replay', path.join(dir, 'missing.ndjson'), '--follow']);
    expect(r.code).toBe(2);
    expectNoStack(r);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^lifecycle-broadcast: cannot read .*missing\.ndjson: no such file or directory \(ENOENT\)$/m,
    );
  });
});
