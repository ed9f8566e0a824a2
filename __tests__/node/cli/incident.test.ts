/**
 * End-to-end: the built command line's incident commands, spawned on fixture and generated logs
 * (`npm test` builds dist/ first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  broadcastAction,
  liveBackend,
  logRecord,
  logHeader,
  quiesceOperation,
  registerAction,
  replayLog,
  setLiveAction,
  summarizeStats,
  backendKey,
  sharedInstance,
} from '../../../src';
import { atLine, generateLog } from '../../../src/incident';
import { fileSource, writeLog } from '../../../src/node';

import { CLI, ROOT, run } from './support';

// Each test spawns the command line, which a loaded machine may start slowly.
jest.setTimeout(60_000);
const fixture = (name: string): string => path.join(ROOT, '__tests__', 'fixtures', name);

let dir: string;

beforeAll(() => {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-incident-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const T0 = Date.parse('2026-11-27T14:00:00Z');

/** A timed log: zccache registered at 14:00, dead at 14:03, a broadcast every minute. */
const writeTimedLog = async (file: string): Promise<void> => {
  const minute = 60_000;
  await writeLog(fs.createWriteStream(file), logHeader(undefined, 'epochMillis'), [
    logRecord(registerAction(liveBackend(zccache)), undefined, T0),
    logRecord(broadcastAction(quiesceOperation('IdleTimeout')), undefined, T0 + minute),
    logRecord(broadcastAction(quiesceOperation('IdleTimeout')), undefined, T0 + 2 * minute),
    logRecord(setLiveAction(zccache, false), undefined, T0 + 3 * minute),
    logRecord(broadcastAction(quiesceOperation('Maintenance')), undefined, T0 + 4 * minute),
  ]);
};

describe('lifecycle-broadcast report', () => {
  it('should write the HTML report and say where, with its lanes and columns', async () => {
    const out = path.join(dir, 'incident.html');
    const r = await run(['report', fixture('good.ndjson'), '--verify', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const replayed = summarizeStats((await replayLog(fileSource(fixture('good.ndjson')))).stats);
    expect(r.stdout).toBe(
      `${out}: ${String(replayed.table.length)} lanes, ${String(replayed.broadcasts.total)} columns, ${String(
        replayed.broadcasts.total,
      )} broadcasts, ${String(Math.ceil(fs.statSync(out).size / 1024))} KiB\n`,
    );
    const html = fs.readFileSync(out, 'utf8');
    const data = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}';
    expect((JSON.parse(data) as { readonly lanes: ReadonlyArray<unknown> }).lanes).toHaveLength(replayed.table.length);
    expect(html).toContain('all reproduced');
  });

  it('should exit with 1 and still write the report when the log diverges', async () => {
    const out = path.join(dir, 'divergent.html');
    const r = await run(['report', fixture('divergent.ndjson'), '--verify', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^line 17: the recorded result differs/);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('should give 2 and one line when the report cannot be written', async () => {
    const r = await run(['report', fixture('good.ndjson'), '-o', path.join(dir, 'no', 'such', 'dir.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lifecycle-broadcast: cannot write .*dir\.html: no such file or directory \(ENOENT\)\n$/);
  });
});

describe('lifecycle-broadcast replay with times', () => {
  it('should stop at an ISO time', async () => {
    const file = path.join(dir, 'timed.ndjson');
    await writeTimedLog(file);
    const r = await run(['replay', file, '--at', '2026-11-27T14:02:30Z', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { lastLine: number; at: string; broadcasts: { total: number } };
    expect(json.lastLine).toBe(4);
    expect(json.at).toBe('2026-11-27T14:02:30.000Z');
    expect(json.broadcasts.total).toBe(2);
  });

  it('should count the summary within --from and --to, as line numbers or times', async () => {
    const file = path.join(dir, 'timed2.ndjson');
    await writeTimedLog(file);
    const byTime = await run([
      'replay',
      file,
      '--from',
      '2026-11-27T14:02:00Z',
      '--to',
      '2026-11-27T14:10:00Z',
      '--json',
    ]);
    const byLine = await run(['replay', file, '--from', '4', '--to', '6', '--json']);
    expect(byTime.code).toBe(0);
    const a = JSON.parse(byTime.stdout) as {
      broadcasts: { total: number };
      table: ReadonlyArray<{ skipped: number; acks: number }>;
    };
    const b = JSON.parse(byLine.stdout) as typeof a;
    expect(a.broadcasts.total).toBe(2);
    expect(a.table).toEqual([expect.objectContaining({ acks: 1, skipped: 1 })]);
    expect(b).toEqual({ ...a, from: 'line 4', at: 6 });
  });

  it('should warn when the log carries no time', async () => {
    const r = await run(['replay', fixture('good.ndjson'), '--at', '2026-11-27T14:02:30Z']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: no record of .*good\.ndjson carries a time/);
  });

  it.each([['14:02'], ['2026-11-27T14:02:00'], ['0']])('should refuse --at %s in one line', async (at) => {
    const r = await run(['replay', fixture('good.ndjson'), '--at', at]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/expected a line number/);
  });
});

describe('a committed version 1 log', () => {
  it('should replay, verify and report its version', async () => {
    const r = await run(['replay', fixture('good.ndjson'), '--verify', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { header: { version: number } }).header.version).toBe(1);
  });

  it('should replay to the state of the same log written in the current version', async () => {
    const v1 = await replayLog(fileSource(fixture('good.ndjson')), { verify: true });
    const file = path.join(dir, 'v2.ndjson');
    const log = generateLog({ backends: 2, actions: 10, seed: 1 });
    await writeLog(fs.createWriteStream(file), log.header, log.records);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toContain('"version":3');
    expect(v1.divergences).toBe(0);
    expect(atLine(3)).toEqual({ _tag: 'AtLine', line: 3 });
  });
});

describe('lifecycle-broadcast validate --json', () => {
  it('should report the version, the clock and every problem as JSON', async () => {
    const file = path.join(dir, 'timed-validate.ndjson');
    await writeTimedLog(file);
    const good = await run(['validate', file, '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({
      schemaVersion: 1,
      file,
      valid: true,
      formatVersion: 3,
      clock: 'epochMillis',
      entries: 5,
      invalidLines: 0,
      problems: [],
      problemsTruncated: false,
      lastLine: 6,
      readFailure: null,
    });
    const bad = await run(['validate', fixture('corrupt.ndjson'), '--json', '--max-line-length', '4096']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, formatVersion: 1, clock: null, invalidLines: 5 });
    const missing = await run(['validate', path.join(dir, 'no-such.ndjson'), '--json']);
    expect(missing.code).toBe(2);
    const document = JSON.parse(missing.stdout) as { valid: boolean; entries: number; readFailure: string };
    expect([document.valid, document.entries]).toEqual([false, 0]);
    expect(document.readFailure).toContain('ENOENT');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('should name the version in its text verdict', async () => {
    const file = path.join(dir, 'timed-validate2.ndjson');
    await writeTimedLog(file);
    const r = await run(['validate', file]);
    expect(r.stdout).toBe(`${file}: valid: format version 3 (timed), 5 entries, 0 invalid lines (read to line 6)\n`);
  });
});

describe('lifecycle-broadcast index', () => {
  it('should say plainly that a log shorter than the spacing gets no checkpoint, and its size in bytes', async () => {
    const file = path.join(dir, 'short.ndjson');
    fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'broker.ndjson'), file);
    const r = await run(['index', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\.index: no checkpoint before line 36 \(at least 5,000 lines apart, --every changes it; and each only once the index stays within a tenth of the log before it\), \d+ bytes\n$/,
    );
  });

  it('should write checkpoints that replay --at then resumes from, with the same summary', async () => {
    const file = path.join(dir, 'indexed.ndjson');
    const g = generateLog({ backends: 5, actions: 3000, seed: 4 });
    await writeLog(fs.createWriteStream(file), g.header, g.records);
    const r = await run(['index', file, '--every', '1000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\.index: 3 checkpoints at least 1,000 lines apart, the last after line 3,000 of 3,001, \d+ KiB\n$/,
    );
    const indexed = await run(['replay', file, '--at', '2990', '--verify', '--json']);
    const plain = await run(['replay', file, '--at', '2990', '--verify', '--json', '--no-index']);
    const a = JSON.parse(indexed.stdout) as { resumedAfter: number };
    const b = JSON.parse(plain.stdout) as { resumedAfter: number };
    expect(a.resumedAfter).toBe(2000);
    expect(b.resumedAfter).toBe(0);
    expect({ ...a, resumedAfter: 0 }).toEqual(b);
    const text = await run(['replay', file, '--at', '2990']);
    expect(text.stdout).toMatch(/^index +resumed from the checkpoint after line 2,000$/m);
  });

  it('should warn when the log changed since it was indexed', async () => {
    const file = path.join(dir, 'changed.ndjson');
    const g = generateLog({ backends: 5, actions: 3000, seed: 4 });
    await writeLog(fs.createWriteStream(file), g.header, g.records);
    await run(['index', file, '--every', '1000']);
    const other = generateLog({ backends: 5, actions: 3000, seed: 5 });
    await writeLog(fs.createWriteStream(file), other.header, other.records);
    const r = await run(['replay', file, '--at', '2990']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: .*changed\.ndjson\.index: 2 checkpoints after lines 1,000 to 2,000 do not match .*: ignored\n$/,
    );
  });

  it('should refuse standard input', async () => {
    const r = await run(['index', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'lifecycle-broadcast: index needs a file, not standard input (its checkpoints point into the file)\n',
    );
  });
});

describe('lifecycle-broadcast replay --assume', () => {
  it('should print how each broadcast would have differed', async () => {
    const r = await run(['replay', 'examples/broker.ndjson', '--assume', 'soldr=Ack']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'what if     soldr=Ack (1 backend) from line 1',
        'broadcasts  10 replayed to line 36; 1 would have had another result',
        'statuses    no broadcast would have changed status',
        '',
        'line 12  ReleaseHandles /home/dev/.cache/zccache  Degraded  1 backend: Failure(BackendError) -> Ack',
        '(--verbose names the backends)',
        '',
      ].join('\n'),
    );
  });

  it('should name the backends with --verbose, one line each under their broadcast', async () => {
    const r = await run([
      'replay',
      'examples/broker.ndjson',
      '--assume',
      'zccache=Timeout',
      '--limit',
      '2',
      '--verbose',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(4)).toEqual([
      'line 7  Quiesce IdleTimeout  AllAcked -> Degraded  1 backend: Ack -> Timeout',
      '    zccache 1.11.20 shared #a3f29c1e: Ack -> Timeout',
      'line 10  ReleaseHandles /home/dev/.cache/zccache  Degraded  2 backends: Ack -> Timeout',
      '    zccache 1.11.20 shared #a3f29c1e: Ack -> Timeout',
      '    zccache 1.11.20 explicit:ci-runner-1 #77b0e2c4: Ack -> Timeout',
      '... and 6 more (--limit N lists more, --json lists up to 1,000)',
      '',
    ]);
    const json = await run(['replay', 'examples/broker.ndjson', '--assume', 'zccache=Timeout', '--json']);
    const plain = JSON.parse(json.stdout) as { differences: ReadonlyArray<Record<string, unknown>> };
    expect(plain.differences[0]).toEqual({
      line: 7,
      time: null,
      operation: expect.any(Object) as unknown,
      recorded: 'AllAcked',
      assumed: 'Degraded',
      changed: 1,
      answerChanges: { 'Ack -> Timeout': 1 },
    });
  });

  it('should take several assumptions and a line to start from, as JSON', async () => {
    const r = await run([
      'replay',
      'examples/broker.ndjson',
      '--assume',
      'zccache@1.11.20=Timeout',
      '--assume',
      'nothing=Ack',
      '--assume-from',
      '20',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: --assume nothing=Ack matches no backend of the log\n');
    const json = JSON.parse(r.stdout) as {
      fromLine: number;
      affected: number;
      statusChanges: unknown;
      assumptions: unknown;
    };
    expect(json).toMatchObject({
      schemaVersion: 1,
      fromLine: 20,
      affected: 4,
      statusChanges: { 'AllAcked -> Degraded': 2 },
      assumptions: [
        { assumption: 'zccache@1.11.20=Timeout', matched: 2 },
        { assumption: 'nothing=Ack', matched: 0 },
      ],
    });
  });

  it('should refuse an answer it does not know, in one line', async () => {
    const r = await run(['replay', 'examples/broker.ndjson', '--assume', 'soldr=Maybe']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `lifecycle-broadcast: option '--assume <service=answer>' argument 'soldr=Maybe' is invalid. expected Ack, Timeout or Failure:<reason> (UnsupportedOperation, Rejected, BackendError) after "=", got "Maybe"`,
    );
    // The hint names the command whose help lists the option.
    expect(r.stderr.split('\n')[1]).toBe('(run lifecycle-broadcast replay --help for usage)');
  });
});

describe('lifecycle-broadcast shrink', () => {
  it('should write the few records that still diverge, and report the sizes', async () => {
    const out = path.join(dir, 'shrunk.ndjson');
    const r = await run(['shrink', fixture('divergent.ndjson'), '--until', 'diverges', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /divergent\.ndjson: shrunk from 40 records to [12] \(lines? [\d, ]*17\) in \d+ tests: .*shrunk\.ndjson\n$/,
    );
    const replayed = await replayLog(fileSource(out), { verify: true });
    expect(replayed.divergences).toBe(1);
    expect(replayed.invalidLines).toBe(0);
  });

  it('should shrink by a predicate module', async () => {
    const predicate = path.join(dir, 'two-quiesces.cjs');
    fs.writeFileSync(
      predicate,
      'module.exports = (c) => c.lines.filter((l) => l.includes(\'"Quiesce"\')).length >= 2;\n',
    );
    const r = await run(['shrink', 'examples/broker.ndjson', '--until', predicate, '-o', '-']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\{"format":"lifecycle-broadcast-log"/);
    expect(r.stderr).toMatch(/^examples\/broker\.ndjson: shrunk from 35 records to 2 /);
  });

  it('should shrink by an ES module predicate', async () => {
    const predicate = path.join(dir, 'two-releases.mjs');
    fs.writeFileSync(
      predicate,
      'export default async (c) => c.lines.filter((l) => l.includes(\'"ReleaseHandles"\')).length >= 2;\n',
    );
    const r = await run(['shrink', 'examples/broker.ndjson', '--until', predicate, '-o', '-']);
    expect(r.stderr).toMatch(/^examples\/broker\.ndjson: shrunk from 35 records to 2 /);
    expect(r.code).toBe(0);
  });

  it.each([
    [
      ['--until', 'diverges'],
      'good.ndjson',
      1,
      /good\.ndjson: the replay reproduces every recorded result: nothing diverges$/,
    ],
    [
      ['--until', 'no-such-module.cjs'],
      'good.ndjson',
      2,
      /^lifecycle-broadcast: --until no-such-module\.cjs: not diverges, invalid or a loadable module: /,
    ],
    [[], 'good.ndjson', 2, /required option '--until <property>' not specified/],
  ] as const)('should explain %j in one line', async (args, log, code, message) => {
    const r = await run(['shrink', fixture(log), ...args, '-o', path.join(dir, 'x.ndjson')]);
    expect(r.code).toBe(code);
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });
});
