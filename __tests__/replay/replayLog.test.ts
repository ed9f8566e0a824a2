import * as path from 'node:path';

import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import type { LogSource } from '../../src';
import { fileSource } from '../../src/node';
import type { InvalidLine, LogRecord } from '../../src';
import {
  addEvent,
  broadcastPolicy,
  createRegistry,
  encodeRecordLine,
  encodeHeaderLine,
  emptyLogStats,
  recordAction,
  isCleanReplay,
  logHeader,
  readLog,
  replay,
  replayLog,
  snapshot,
} from '../../src';
import { actionsArb, recordEntries } from '../support/logArbitraries';
import { collect, readableOf } from '../support/streams';

const fixture = (name: string): LogSource => fileSource(path.join(__dirname, '..', 'fixtures', name));
const POLICY = broadcastPolicy(250);
const HEADER = encodeHeaderLine(logHeader(POLICY));

const logText = (entries: ReadonlyArray<LogRecord>, extra: Readonly<Record<number, string>> = {}): string => {
  const lines = [HEADER, ...entries.map(encodeRecordLine)];
  // Insert extra lines at the given (1-based) line numbers.
  for (const at of Object.keys(extra)
    .map(Number)
    .sort((a, b) => a - b)) {
    lines.splice(at - 1, 0, extra[at] ?? '');
  }
  return `${lines.join('\n')}\n`;
};

/** The entries of a good log, read with the reader: the oracle for replays of the fixtures. */
const entriesOf = async (file: LogSource): Promise<ReadonlyArray<LogRecord>> =>
  (await collect(readLog(file))).flatMap((l) => (l._tag === 'RecordLine' ? [l.record] : []));

describe('replayLog', () => {
  it('should end with the registry the pure replay gives', async () => {
    await fc.assert(
      fc.asyncProperty(actionsArb, async (actions) => {
        const r = await replayLog(readableOf(logText(recordEntries(createRegistry(POLICY), actions))));
        expect(snapshot(r.state)).toEqual(snapshot(replay(createRegistry(POLICY), actions).state));
        expect(isCleanReplay(r)).toBe(true);
        expect(r.lastLine).toBe(actions.length + 1);
      }),
      { numRuns: 50 },
    );
  });

  it('should fold the statistics addEvent folds over the events of the pure replay, verifying or not', async () => {
    await fc.assert(
      fc.asyncProperty(actionsArb, async (actions) => {
        const text = logText(recordEntries(createRegistry(POLICY), actions));
        const expected = replay(createRegistry(POLICY), actions).events.reduce(addEvent, emptyLogStats);

        const plain = await replayLog(readableOf(text));
        const verified = await replayLog(readableOf(text), { verify: true });

        expect(plain.stats).toEqual(expected);
        expect(verified.stats).toEqual(expected);
        expect(verified.state).toEqual(plain.state);
      }),
      { numRuns: 40 },
    );
  });

  it('should use the policy of the header', async () => {
    const r = await replayLog(readableOf(logText([])));
    expect(r.state.policy).toEqual(POLICY);
    expect(r.header).toEqual(O.some(logHeader(POLICY)));
  });

  it('should stop at the first bad line in strict mode, keeping the state of the last good one', async () => {
    const entries = await entriesOf(fixture('good.ndjson'));
    const r = await replayLog(fixture('corrupt.ndjson'), { maxLineLength: 4096 });
    // corrupt.ndjson is good.ndjson with bad lines inserted; the first is line 5.
    expect(r.lastLine).toBe(4);
    expect(snapshot(r.state)).toEqual(
      snapshot(replay(createRegistry(POLICY), entries.slice(0, 3).map(recordAction)).state),
    );
    expect(O.map((s: { readonly _tag: string }) => s._tag)(r.stopped)).toEqual(O.some('StoppedAtInvalidLine'));
    expect(r.invalidLines).toBe(1);
  });

  it('should skip bad lines in lenient mode, reporting each one', async () => {
    const entries = await entriesOf(fixture('good.ndjson'));
    const seen: InvalidLine[] = [];
    const r = await replayLog(fixture('corrupt.ndjson'), {
      mode: 'lenient',
      maxLineLength: 4096,
      onInvalidLine: (l) => seen.push(l),
    });
    expect(seen.map((l) => l.line)).toEqual([5, 7, 12, 15, 20]);
    expect(r.problems).toEqual(seen);
    expect(r.invalidLines).toBe(5);
    expect(r.stopped).toEqual(O.none);
    expect(snapshot(r.state)).toEqual(snapshot(replay(createRegistry(POLICY), entries.map(recordAction)).state));
  });

  it('should keep only the first maxProblems bad lines but count them all', async () => {
    const r = await replayLog(readableOf(logText([], { 2: '{', 3: '[', 4: '"' })), { mode: 'lenient', maxProblems: 2 });
    expect(r.invalidLines).toBe(3);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('should stop in any mode at a header it refuses', async () => {
    const r = await replayLog(fixture('newer-version.ndjson'), { mode: 'lenient' });
    expect(r.header).toEqual(O.none);
    expect(r.stats.steps).toBe(0);
    expect(r.problems[0]?.fatal).toBe(true);
  });

  it('should give the registry as it was after line `at`', async () => {
    const entries = await entriesOf(fixture('good.ndjson'));
    const r = await replayLog(fixture('good.ndjson'), { at: 10 });
    expect(r.lastLine).toBe(10);
    expect(r.stats.steps).toBe(9);
    expect(snapshot(r.state)).toEqual(
      snapshot(replay(createRegistry(POLICY), entries.slice(0, 9).map(recordAction)).state),
    );
  });

  it('should count lines in `at` the way the reader does, empty ones included', async () => {
    const plain = await replayLog(fixture('good.ndjson'), { at: 20 });
    // bom-crlf.ndjson has blank lines at 4 and 11: line 22 there is line 20 of good.ndjson.
    const padded = await replayLog(fixture('bom-crlf.ndjson'), { at: 22 });
    expect(snapshot(padded.state)).toEqual(snapshot(plain.state));
  });

  it('should find no divergence when replaying what was recorded', async () => {
    const r = await replayLog(fixture('good.ndjson'), { verify: true });
    expect(r.checked).toBeGreaterThan(0);
    expect(r.divergences).toBe(0);
    expect(isCleanReplay(r)).toBe(true);
  });

  it('should report the first divergence with its line and both values', async () => {
    const r = await replayLog(fixture('divergent.ndjson'), { verify: true });
    expect(r.divergences).toBe(1);
    const d = O.toUndefined(r.firstDivergence);
    expect(d).toMatchObject({ line: 17, path: '_tag', recordedValue: 'Degraded', replayedValue: 'AllAcked' });
    expect(d?.recorded).not.toEqual(d?.replayed);
    expect(isCleanReplay(r)).toBe(false);
  });

  it('should not compare results unless asked to', async () => {
    const r = await replayLog(fixture('divergent.ndjson'));
    expect(r.checked).toBe(0);
    expect(isCleanReplay(r)).toBe(true);
  });

  it('should keep the state read so far when the source fails', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield `${HEADER}\n{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"}}\n`;
      await Promise.resolve();
      throw new Error('disk on fire');
    }
    const r = await replayLog(failing());
    expect(r.lastLine).toBe(2);
    expect(r.stats.steps).toBe(1);
    expect(r.stopped).toEqual(
      O.some({
        _tag: 'StoppedAtReadFailure',
        failure: { _tag: 'ReadFailed', line: 2, message: 'cannot read input: disk on fire' },
      }),
    );
  });
});
