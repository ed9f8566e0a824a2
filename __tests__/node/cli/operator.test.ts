/**
 * End-to-end: what an operator met on large logs (issue 23), each kept from coming back: an
 * output written over its input, shrink asked about a log with nothing recorded, what-if answers
 * in any case and from a time, divergences as field-level diffs, and times no date can show.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as E from 'fp-ts/Either';

import {
  backendKey,
  broadcast,
  broadcastAction,
  createRegistry,
  decodeRecordLine,
  divergenceFields,
  encodeHeaderLine,
  encodeRecordLine,
  liveBackend,
  logHeader,
  logRecord,
  quiesceOperation,
  registerAction,
  register,
  sharedInstance,
  timeout,
  withResponse,
} from '../../../src';
import type { Divergence } from '../../../src';
import { parseAssumption } from '../../../src/incident';
import { expectNoStack, linesOf, requireBuiltCli, runCli } from '../../support/cli';

jest.setTimeout(60_000);

let dir: string;
const file = (name: string): string => path.join(dir, name);
const fixture = (name: string): string => path.join(__dirname, '..', '..', 'fixtures', name);

beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-operator-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('no command writes its output over its input', () => {
  it.each([
    ['index', (log: string) => ['index', log, '-o', log]],
    ['report', (log: string) => ['report', log, '-o', path.join(path.dirname(log), '.', path.basename(log))]],
    ['shrink', (log: string) => ['shrink', log, '--until', 'diverges', '-o', log]],
  ])('should refuse %s -o <its own log> with one line and leave the log as it was', async (name, args) => {
    const log = file(`${name}.ndjson`);
    fs.copyFileSync(fixture('divergent.ndjson'), log);
    const before = fs.readFileSync(log, 'utf8');

    const r = await runCli(args(log));

    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([
      `lifecycle-broadcast: ${name}: the output ${args(log).at(-1) ?? ''} is the log it reads: write it to another file`,
    ]);
    expect(fs.readFileSync(log, 'utf8')).toBe(before);
  });

  it('should refuse a link to the log as well', async () => {
    const log = file('linked.ndjson');
    fs.copyFileSync(fixture('good.ndjson'), log);
    fs.symlinkSync(log, file('link.ndjson'));

    const r = await runCli(['index', log, '-o', file('link.ndjson')]);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is the log it reads');
  });
});

describe('shrink --until diverges on a log with nothing recorded', () => {
  it('should say that nothing was recorded and exit as a usage error', async () => {
    const log = file('no-results.ndjson');
    const g = await runCli(['generate', '--no-results', '--backends', '4', '--actions', '200', '-o', log]);
    expect(g.code).toBe(0);

    const r = await runCli(['shrink', log, '--until', 'diverges']);

    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([
      `lifecycle-broadcast: --until diverges: ${log}: no broadcast of the log carries a recorded result, so nothing can diverge (a log generated with --no-results records none)`,
    ]);
    expect(fs.existsSync(`${log.replace(/\.ndjson$/, '')}.shrunk.ndjson`)).toBe(false);
  });
});

describe('replay --assume', () => {
  it('should read an answer whatever its case', async () => {
    expect(parseAssumption('soldr=ack')).toEqual(parseAssumption('soldr=Ack'));
    expect(parseAssumption('soldr=TIMEOUT')).toEqual(parseAssumption('soldr=Timeout'));
    expect(parseAssumption('soldr=failure:rejected')).toEqual(parseAssumption('soldr=Failure:Rejected'));
    expect(E.isLeft(parseAssumption('soldr=Failure:Sleepy'))).toBe(true);

    const log = fixture('good.ndjson');
    const [lower, upper] = await Promise.all([
      runCli(['replay', log, '--assume', 'zccache=timeout']),
      runCli(['replay', log, '--assume', 'zccache=Timeout']),
    ]);
    expect(lower.code).toBe(0);
    expect(lower.stdout).toBe(upper.stdout);
  });

  it('should take --assume-from as a time, holding from the first record at or after it', async () => {
    const log = file('timed.ndjson');
    const g = await runCli([
      'generate',
      '--backends',
      '6',
      '--actions',
      '300',
      '--clock-start',
      '2026-11-27T14:00:00Z',
      '--clock-step-ms',
      '1000',
      '-o',
      log,
    ]);
    expect(g.code).toBe(0);

    // Record 151 (line 152) is the first at 14:02:30.
    const [byTime, byLine] = await Promise.all([
      runCli(['replay', log, '--assume', 'zccache=Ack', '--assume-from', '2026-11-27T14:02:30Z', '--json']),
      runCli(['replay', log, '--assume', 'zccache=Ack', '--assume-from', '152', '--json']),
    ]);

    expectNoStack(byTime);
    expect(byTime.code).toBe(0);
    expect(JSON.parse(byTime.stdout)).toEqual(JSON.parse(byLine.stdout));
  });
});

describe('a divergence', () => {
  it('should print a field-level diff of at most 20 lines, not the two results whole', async () => {
    const r = await runCli(['replay', fixture('divergent.ndjson'), '--verify', '--no-table']);

    expect(r.code).toBe(1);
    const lines = linesOf(r.stderr);
    expect(lines[0]).toMatch(/^line 17: the recorded result differs from the replayed one at _tag/);
    expect(lines.slice(1)).toContain('  _tag: recorded "Degraded", replayed "AllAcked"');
    expect(lines.length).toBeLessThanOrEqual(21);
    expect(r.stderr).not.toContain('  recorded: {');
  });

  it('should say how many more fields differ past the limit', () => {
    const many = (n: number, word: string): ReadonlyArray<{ readonly id: number; readonly word: string }> =>
      Array.from({ length: n }, (_, id) => ({ id, word }));
    const d: Divergence = {
      line: 9,
      path: 'acks[0]',
      recordedValue: 1,
      replayedValue: 2,
      recorded: { acks: many(50, 'a') },
      replayed: { acks: many(50, 'b') },
    };

    const lines = divergenceFields(d);

    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('acks[0].word: recorded "a", replayed "b"');
    expect(lines[19]).toBe('... and 31 more differing fields');
  });
});

describe('times a date cannot show', () => {
  const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
  const header = encodeHeaderLine(logHeader(undefined, 'epochMillis'));

  it('should be refused by the reader, so that no command meets them', async () => {
    const line = JSON.stringify({ ...registerAction(liveBackend(zccache)), time: 9007199254740991 });
    expect(decodeRecordLine(line, 2, logHeader(undefined, 'epochMillis'))).toMatchObject({ _tag: 'InvalidLine' });

    const log = file('far-future.ndjson');
    fs.writeFileSync(log, `${header}\n${line}\n`);
    const [validate, report] = await Promise.all([
      runCli(['validate', log]),
      runCli(['report', log, '-o', file('far-future.html')]),
    ]);

    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain('time: expected milliseconds since the epoch, 0 to 8640000000000000');
    expect(report.code).toBe(1);
    expectNoStack(report);
    expect(report.stderr).not.toContain('unexpected error');
  });

  it('should be refused by the writers, and the latest date accepted', () => {
    const slow = withResponse(liveBackend(zccache), timeout);
    const result = broadcast(register(createRegistry(), slow).state, quiesceOperation('Maintenance')).result;

    expect(() => logRecord(broadcastAction(quiesceOperation('Maintenance')), result, 9007199254740991)).toThrow(
      RangeError,
    );
    const latest = logRecord(registerAction(slow), undefined, 8_640_000_000_000_000);
    expect(decodeRecordLine(encodeRecordLine(latest), 2, logHeader(undefined, 'epochMillis'))).toMatchObject({
      _tag: 'RecordLine',
    });
  });
});
