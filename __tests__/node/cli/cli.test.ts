/**
 * End-to-end: the built command line (`npm test` builds it first), spawned on fixture logs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { replayLog, summarizeStats } from '../../../src';
import { generateLog } from '../../../src/incident';
import type { Run } from '../../support/cli';
import { ROOT, expectNoStack, linesOf, requireBuiltCli, runCli } from '../../support/cli';
import { collector } from '../../support/streams';
import { fileSource, writeLog } from '../../../src/node';

const fixture = (name: string): string => path.join('__tests__', 'fixtures', name);

/** Run the command line with `args`, feeding it `stdin`. */
const run = (args: ReadonlyArray<string>, stdin?: string): Promise<Run> =>
  runCli(args, stdin === undefined ? {} : { stdin });

/** A value as JSON would carry it (frozen arrays and all become plain). */
const plain = (u: unknown): unknown => JSON.parse(JSON.stringify(u)) as unknown;

beforeAll(() => {
  requireBuiltCli();
});

describe('lifecycle-broadcast replay', () => {
  it('should summarise a good log as JSON, with the statistics of the library', async () => {
    const r = await run(['replay', fixture('good.ndjson'), '--verify', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const expected = summarizeStats((await replayLog(fileSource(path.join(ROOT, fixture('good.ndjson'))))).stats);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...(plain(expected) as object), invalidLines: 0, complete: true });
  });

  it('should print a readable summary with a row per backend', async () => {
    const r = await run(['replay', fixture('good.ndjson')]);
    expect(r.code).toBe(0);
    const table = summarizeStats((await replayLog(fileSource(path.join(ROOT, fixture('good.ndjson'))))).stats).table;
    const out = linesOf(r.stdout);
    expect(out.some((l) => /^backends +\d+ registered: \d+ live, \d+ dead/.test(l))).toBe(true);
    expect(out.some((l) => /^outcomes +AllAcked \d+, Degraded \d+, NoLiveTargets \d+$/.test(l))).toBe(true);
    expect(out.slice(-table.length - 1)[0]).toMatch(/^BACKEND/);
  });

  it('should accept a BOM, CRLF line ends and blank lines on standard input', async () => {
    const r = await run(
      ['replay', '-', '--verify', '--json'],
      fs.readFileSync(path.join(ROOT, fixture('bom-crlf.ndjson')), 'utf8'),
    );
    expect(r.code).toBe(0);
    // The same log as good.ndjson, in other clothes.
    const expected = summarizeStats((await replayLog(fileSource(path.join(ROOT, fixture('good.ndjson'))))).stats);
    expect(JSON.parse(r.stdout)).toMatchObject({ ...(plain(expected) as object), file: '-', invalidLines: 0 });
  });

  it('should report every bad line in lenient mode and exit with 1', async () => {
    const r = await run(['replay', fixture('corrupt.ndjson'), '--lenient', '--max-line-length', '4096']);
    expect(r.code).toBe(1);
    const problems = linesOf(r.stderr);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^line 5: invalid JSON: /);
    expect(problems.slice(1)).toEqual([
      'line 7: operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"',
      'line 12: _tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast", got "Restart"',
      'line 15: live: expected boolean, got "yes"',
      'line 20: line is longer than the maximum of 4096 characters',
    ]);
    expect(r.stdout).toMatch(
      /^read +registry after line 46, the end of the log: 40 actions applied, 5 invalid lines \(skipped\)$/m,
    );
    expectNoStack(r);
  });

  it('should stop at the first bad line in strict mode, summarising the state before it', async () => {
    const r = await run(['replay', fixture('corrupt.ndjson'), '--json']);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([
      expect.stringMatching(/^line 5: invalid JSON: /),
      'stopped at line 5 (strict mode; --lenient skips bad lines)',
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ lastLine: 4, complete: false, steps: 3 });
  });

  it('should report a divergence with its line and the fields that differ, and exit with 1', async () => {
    const r = await run(['replay', fixture('divergent.ndjson'), '--verify']);
    expect(r.code).toBe(1);
    const [first, tag, firstAck] = linesOf(r.stderr);
    expect(first).toBe(
      'line 17: the recorded result differs from the replayed one at _tag: recorded "Degraded", replayed "AllAcked"',
    );
    expect(tag).toBe('  _tag: recorded "Degraded", replayed "AllAcked"');
    expect(firstAck).toBe('  acks[0].key.serviceName: recorded "zccache", replayed "fbuild"');
    expect(r.stdout).toMatch(/^verify +\d+ recorded results checked, 1 not reproduced; the first: line 17: /m);
  });

  it('should refuse a log of a newer version in one line', async () => {
    const r = await run(['replay', fixture('newer-version.ndjson'), '--lenient']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'line 1: log format version 4 is newer than this reader supports (3): upgrade lifecycle-broadcast to read it\n',
    );
    expect(r.stdout).toBe('');
  });

  it('should show the registry as it was after --at', async () => {
    const r = await run(['replay', fixture('good.ndjson'), '--at', '10', '--json']);
    expect(r.code).toBe(0);
    const expected = summarizeStats(
      (await replayLog(fileSource(path.join(ROOT, fixture('good.ndjson'))), { at: 10 })).stats,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ at: 10, lastLine: 10, table: plain(expected.table) });
  });

  it('should give 2 and one line for a file that does not exist', async () => {
    const r = await run(['replay', 'no-such.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lifecycle-broadcast: cannot read no-such.ndjson: no such file or directory (ENOENT)\n');
  });

  it.each([
    [['replay', 'x.ndjson', '--strict', '--lenient'], /cannot be used with option/],
    [['replay', 'x.ndjson', '--at', 'ten'], /expected a line number/],
    [['restart'], /unknown command 'restart'/],
  ])('should give 2 for the usage error %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)[0]).toMatch(message);
    expectNoStack(r);
  });
});

describe('lifecycle-broadcast validate', () => {
  it('should print each problem, change nothing, and exit with 1', async () => {
    const before = fs.readFileSync(path.join(ROOT, fixture('corrupt.ndjson')));
    const r = await run(['validate', fixture('corrupt.ndjson'), '--max-line-length', '4096']);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr).map((l) => l.replace(/:.*/, ''))).toEqual([
      'line 5',
      'line 7',
      'line 12',
      'line 15',
      'line 20',
    ]);
    expect(r.stdout).toBe(
      `${fixture('corrupt.ndjson')}: invalid: format version 1, 40 entries, 5 invalid lines (read to line 46)\n`,
    );
    expect(fs.readFileSync(path.join(ROOT, fixture('corrupt.ndjson')))).toEqual(before);
  });
});

describe('lifecycle-broadcast generate', () => {
  it('should write the same bytes as the library for the same seed', async () => {
    const r = await run(['generate', '--backends', '4', '--actions', '300', '--seed', '9']);
    expect(r.code).toBe(0);
    const log = generateLog({ backends: 4, actions: 300, seed: 9 });
    const sink = collector();
    await writeLog(sink, log.header, log.records);
    expect(r.stdout).toBe(sink.text());
  });

  it('should leave recorded results out with --no-results', async () => {
    const r = await run(['generate', '--backends', '3', '--actions', '200', '--seed', '4', '--no-results']);
    expect(r.code).toBe(0);
    const log = generateLog({ backends: 3, actions: 200, seed: 4, results: false });
    const sink = collector();
    await writeLog(sink, log.header, log.records);
    expect(r.stdout).toBe(sink.text());
    expect(r.stdout).not.toContain('"result"');
  });
});
