/**
 * Shrinking: delta debugging finds a 1-minimal subsequence, and a long recorded log with one
 * divergence shrinks to the few records that still show it.
 */
import * as E from 'fp-ts/Either';

import type { BroadcastResult, LogRecord } from '../../src';
import {
  broadcastAction,
  createRegistry,
  recordAction,
  logRecord,
  step,
  encodeRecordLine,
  encodeHeaderLine,
} from '../../src';
import { ddmin, diverges, generateLog, invalid, replayLines, satisfies, shrinkLog } from '../../src/incident';

/**
 * The lines of a generated log without recorded results but one, past the middle: an all-acked
 * broadcast recorded as if its first backend had timed out.
 */
const logWithOneDivergence = (actions: number, backends: number): { lines: string[]; target: number } => {
  const log = generateLog({ backends, actions, seed: 21, results: false });
  const entries: LogRecord[] = [...log.records];
  let state = createRegistry(log.header.policy);
  let at = -1;
  let result: BroadcastResult | undefined;
  for (let i = 0; i < entries.length && at === -1; i++) {
    const next = step(state, recordAction(entries[i] as LogRecord));
    state = next.state;
    if (
      i > actions * 0.6 &&
      next.result._tag === 'OperationBroadcast' &&
      next.result.result._tag === 'AllAcked' &&
      next.result.result.acks.length > 1
    ) {
      at = i;
      result = next.result.result;
    }
  }
  if (result === undefined) {
    throw new Error('no all-acked broadcast to change');
  }
  const [first, ...acks] = result.acks;
  if (first === undefined) {
    throw new Error('no acknowledgement to change');
  }
  entries[at] = logRecord(broadcastAction(result.operation), {
    ...result,
    _tag: 'Degraded',
    acks,
    timeouts: [{ _tag: 'Timeout', key: first.key, ackTimeoutMs: log.header.policy.ackTimeoutMs }],
  });
  return { lines: [encodeHeaderLine(log.header), ...entries.map(encodeRecordLine)], target: at + 2 };
};

describe('ddmin', () => {
  it('should find a 1-minimal subsequence for which the test holds', async () => {
    const { items, tests } = await ddmin(
      Array.from({ length: 100 }, (_, i) => i),
      (xs) => xs.includes(17) && xs.includes(63) && xs.includes(64),
    );
    expect(items).toEqual([17, 63, 64]);
    expect(tests).toBeLessThan(200);
  });

  it('should stop after maxTests with what it has', async () => {
    const r = await ddmin(
      Array.from({ length: 64 }, (_, i) => i),
      (xs) => xs.includes(5) && xs.includes(50),
      { maxTests: 3 },
    );
    expect(r.exhausted).toBe(true);
    expect(r.items).toEqual(expect.arrayContaining([5, 50]));
  });
});

describe('shrinkLog', () => {
  it('should shrink a 100,000-line log with one injected divergence to at most 5 records that still diverge there', async () => {
    const { lines, target } = logWithOneDivergence(100_000, 4);
    const shrunk = await shrinkLog([lines.join('\n')], diverges);
    if (E.isLeft(shrunk)) {
      throw new Error(JSON.stringify(shrunk.left));
    }
    const s = shrunk.right;
    expect(s.before).toBe(100_000);
    expect(s.after).toBeLessThanOrEqual(5);
    expect(s.originalLines[s.originalLines.length - 1]).toBe(target);
    expect(s.exhausted).toBe(false);
    // The shrunk log is a log: its replay diverges at the same broadcast, in the same way.
    const replay = await replayLines([s.lines.join('\n')], { verify: true });
    expect(replay.invalidLines).toBe(0);
    expect(replay.divergences).toBeGreaterThan(0);
    expect(replay.firstDivergence).toMatchObject({
      _tag: 'Some',
      value: { path: '_tag', recordedValue: 'Degraded', replayedValue: 'AllAcked' },
    });
  }, 60_000);

  it('should refuse to shrink a log that does not diverge', async () => {
    const log = generateLog({ backends: 3, actions: 300, seed: 2 });
    const lines = [encodeHeaderLine(log.header), ...[...log.records].map(encodeRecordLine)];
    expect(await shrinkLog([lines.join('\n')], diverges)).toEqual(
      E.left({ _tag: 'PropertyDoesNotHold', message: 'the replay reproduces every recorded result: nothing diverges' }),
    );
  });

  it('should shrink to the first invalid line', async () => {
    const log = generateLog({ backends: 3, actions: 300, seed: 2 });
    const lines = [encodeHeaderLine(log.header), ...[...log.records].map(encodeRecordLine)];
    lines[120] = '{"_tag":"Restart"}';
    const shrunk = await shrinkLog([lines.join('\n')], invalid);
    expect(E.isRight(shrunk) && shrunk.right.lines).toEqual([lines[0], '{"_tag":"Restart"}']);
  });

  it('should shrink by a predicate of its own, keeping the header', async () => {
    const log = generateLog({ backends: 3, actions: 500, seed: 2 });
    const lines = [encodeHeaderLine(log.header), ...[...log.records].map(encodeRecordLine)];
    // At least two ReleaseHandles broadcasts.
    const shrunk = await shrinkLog(
      [lines.join('\n')],
      satisfies(
        (c) => c.lines.filter((l) => l.includes('"ReleaseHandles"')).length >= 2 && c.text.startsWith('{"format"'),
      ),
    );
    if (E.isLeft(shrunk)) {
      throw new Error(JSON.stringify(shrunk.left));
    }
    expect(shrunk.right.after).toBe(2);
    expect(shrunk.right.lines[0]).toBe(lines[0]);
  });

  it('should say when there is no header', async () => {
    expect(await shrinkLog(['{"_tag":"Restart"}'], invalid)).toMatchObject(E.left({ _tag: 'NoHeader' }));
  });

  it('should say when the source cannot be read', async () => {
    function* failing(): Generator<string, void, undefined> {
      yield '{"format":"lifecycle-broadcast-log"';
      throw new Error('disk on fire');
    }
    expect(await shrinkLog(failing(), invalid)).toEqual(E.left({ _tag: 'ReadFailed', message: 'disk on fire' }));
  });
});

describe('shrink functions on wrong arguments', () => {
  const source = ['{"format":"lifecycle-broadcast-log","version":1,"policy":{"ackTimeoutMs":5000}}\n'];

  it('should make shrinkLog reject a property that is not one with a TypeError', async () => {
    const untyped = shrinkLog as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    await expect(untyped(source, 42)).rejects.toThrow(
      new TypeError('shrinkLog: property must be diverges, invalid or satisfies(predicate), got 42'),
    );
    await expect(untyped(source, diverges, { maxTests: 'x' })).rejects.toThrow(
      new TypeError('shrinkLog: maxTests must be an integer of at least 0, got "x"'),
    );
    await expect(untyped(42, invalid)).rejects.toThrow(/^shrinkLog: a log source is a sequence/);
  });

  it('should make ddmin reject items or a test that are not', async () => {
    const untyped = ddmin as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    await expect(untyped(5, () => true)).rejects.toThrow(new TypeError('ddmin: items must be an array, got 5'));
    await expect(untyped([1, 2], 6)).rejects.toThrow(new TypeError('ddmin: test must be a function, got 6'));
  });

  it('should make satisfies throw a TypeError for a predicate that is not a function', () => {
    expect(() => (satisfies as (p: unknown) => unknown)(5)).toThrow(
      new TypeError('satisfies: predicate must be a function, got 5'),
    );
  });
});
