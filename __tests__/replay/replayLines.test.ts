/**
 * The replay engine agrees with `replayLog`, stops at a line or a time, counts from one, and
 * gives the points a checkpoint saves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as O from 'fp-ts/Option';

import type { LogBound, ReplayStart } from '../../src/incident';
import { replayLog, snapshot, summarizeStats } from '../../src';
import { atLine, atTime, describeLogBound, parseLogBound, replayLines } from '../../src/incident';
import { fileSource } from '../../src/node';
import { expectLeft, expectRight } from '../support/helpers';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', name);

describe('replayLines', () => {
  it.each([
    ['good.ndjson', { verify: true }],
    ['divergent.ndjson', { verify: true }],
    ['corrupt.ndjson', { mode: 'lenient' as const, maxLineLength: 4096 }],
    ['corrupt.ndjson', { mode: 'strict' as const }],
    ['good.ndjson', { at: 12 }],
  ])('should agree with replayLog on %s %j', async (name, options) => {
    const a = await replayLog(fileSource(fixture(name)), options);
    const { at, ...rest } = options as { at?: number };
    const b = await replayLines(fileSource(fixture(name)), {
      ...rest,
      ...(at === undefined ? {} : { until: atLine(at) }),
    });
    expect(snapshot(b.state)).toEqual(snapshot(a.state));
    expect(summarizeStats(b.stats)).toEqual(summarizeStats(a.stats));
    expect([b.lastLine, b.invalidLines, b.checked, b.divergences]).toEqual([
      a.lastLine,
      a.invalidLines,
      a.checked,
      a.divergences,
    ]);
    expect(b.problems).toEqual(a.problems);
    expect(b.firstDivergence).toEqual(a.firstDivergence);
    expect(b.stopped).toEqual(a.stopped);
  });

  it('should stop, saying which observer threw on which line, when an observer throws', async () => {
    const r = await replayLines(fileSource(fixture('good.ndjson')), {
      onStep: (s) => {
        if (s.line === 7) {
          throw new Error('observer failed');
        }
      },
    });
    expect(r.stopped).toEqual(
      O.some({ _tag: 'StoppedAtCallbackError', line: 7, message: 'onStep threw on line 7: observer failed' }),
    );
    expect(r.lastLine).toBe(7);
  });

  it('should count the same statistics with an observer (every broadcast built) as without one', async () => {
    const quick = await replayLines(fileSource(fixture('good.ndjson')));
    const observed = await replayLines(fileSource(fixture('good.ndjson')), { onStep: () => undefined });
    expect(observed.stats).toEqual(quick.stats);
    expect(snapshot(observed.state)).toEqual(snapshot(quick.state));
  });

  it('should give a point every N lines, each equal to a replay stopped there', async () => {
    const points: ReplayStart[] = [];
    await replayLines(fileSource(fixture('good.ndjson')), { snapshotEvery: 10, onSnapshot: (p) => points.push(p) });
    expect(points.map((p) => p.lastLine)).toEqual([10, 20, 30, 40]);
    for (const p of points) {
      const stopped = await replayLines(fileSource(fixture('good.ndjson')), { until: atLine(p.lastLine) });
      expect(snapshot(p.state)).toEqual(snapshot(stopped.state));
    }
  });

  it('should resume from a point and end where a replay from the start ends', async () => {
    let start: ReplayStart | undefined;
    await replayLines(fileSource(fixture('good.ndjson')), {
      verify: true,
      snapshotEvery: 20,
      onSnapshot: (p) => {
        start ??= p;
      },
    });
    const whole = await replayLines(fileSource(fixture('good.ndjson')), { verify: true });
    const all = await replayLines(fileSource(fixture('good.ndjson')), {});
    // The rest of the log after the point's line.
    const rest = fs.readFileSync(fixture('good.ndjson'), 'utf8').split('\n').slice(20).join('\n');
    const resumed = await replayLines([rest], { verify: true, start: start as ReplayStart });
    expect(snapshot(resumed.state)).toEqual(snapshot(whole.state));
    expect(summarizeStats(resumed.stats)).toEqual(summarizeStats(whole.stats));
    expect(resumed.checked).toBe(whole.checked);
    expect(all.checked).toBe(0);
    expect(resumed.lastLine).toBe(whole.lastLine);
  });

  it('should stop before a record later than a time, and not for a log without times', async () => {
    const r = await replayLines(fileSource(fixture('good.ndjson')), { until: atTime(0) });
    expect(r.lastLine).toBe(41);
    expect(O.isNone(r.lastTime)).toBe(true);
  });
});

describe('parseLogBound', () => {
  it('should read a line number or an ISO time with its zone', () => {
    expect(expectRight(parseLogBound('120'))).toEqual({ _tag: 'AtLine', line: 120 });
    const t: LogBound = expectRight(parseLogBound('2026-11-27T15:02:00.250+01:00'));
    expect(t).toEqual({ _tag: 'AtTime', time: Date.parse('2026-11-27T14:02:00.250Z') });
    expect(describeLogBound(t)).toBe('2026-11-27T14:02:00.250Z');
  });

  it.each(['0', '14:02', '2026-11-27T14:02:00', '2026-13-45T99:99:99Z', 'yesterday'])('should refuse %j', (text) => {
    expect(expectLeft(parseLogBound(text))).toMatch(/^expected a line number/);
  });

  it('should say a line number too large is too large', () => {
    expect(expectLeft(parseLogBound('99999999999999999999'))).toBe(
      'expected a line number of at most 9007199254740991, got "99999999999999999999"',
    );
  });

  it('should quote what it refuses as one printable line', () => {
    expect(expectLeft(parseLogBound('1\n2'))).toMatch(/, got "1\\u000a2"$/);
    expect(expectLeft(parseLogBound('\u001b[2J'))).toMatch(/, got "\\u001b\[2J"$/);
  });

  it('should throw a TypeError when given no string from plain JavaScript', () => {
    expect(() => (parseLogBound as (text: unknown) => unknown)(5)).toThrow(
      new TypeError('parseLogBound: text must be a string, got 5'),
    );
  });
});
