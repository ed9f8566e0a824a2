/**
 * `replayLog` called from plain JavaScript: a wrong option is refused before anything is read,
 * and a callback that throws stops the replay with the state so far instead of rejecting it.
 */
import * as O from 'fp-ts/Option';

import type { InvalidLine } from '../../src';
import { encodeHeaderLine, logHeader, replayLog } from '../../src';

const HEADER = encodeHeaderLine(logHeader());
const REGISTER =
  '{"_tag":"Register","backend":{"key":{"instance":{"_tag":"Shared"},"serviceName":"zccache","serviceVersion":"1.11.20","exeHash":""},"live":true,"response":{"_tag":"Ack"}}}';
const LOG = `${HEADER}\n${REGISTER}\n{"_tag":"Nope"}\n${REGISTER}\n`;

describe('replayLog options', () => {
  it.each([
    [{ mode: 'Strict' }, RangeError, 'replayLog: mode must be "strict" or "lenient", got "Strict"'],
    [{ mode: 1 }, TypeError, 'replayLog: mode must be "strict" or "lenient", got 1'],
    [{ maxLineLength: Number.NaN }, RangeError, 'replayLog: maxLineLength must be an integer of at least 1, got NaN'],
    [{ at: Number.NaN }, RangeError, 'replayLog: at must be an integer of at least 1, got NaN'],
    [{ at: 2.5 }, RangeError, 'replayLog: at must be an integer of at least 1, got 2.5'],
    [{ at: '3' }, TypeError, 'replayLog: at must be an integer of at least 1, got "3"'],
    [{ maxProblems: -1 }, RangeError, 'replayLog: maxProblems must be an integer of at least 0, got -1'],
    [{ verify: 'yes' }, TypeError, 'replayLog: verify must be a boolean, got "yes"'],
    [{ onInvalidLine: true }, TypeError, 'replayLog: onInvalidLine must be a function, got true'],
  ])('should reject %p before reading anything', async (options, kind, message) => {
    let pulled = false;
    const source = {
      *[Symbol.iterator]() {
        pulled = true;
        yield LOG;
      },
    };
    const replay = replayLog(source, options as never);
    await expect(replay).rejects.toThrow(kind);
    await expect(replay).rejects.toThrow(message);
    expect(pulled).toBe(false);
  });

  it('should still accept every valid option', async () => {
    const r = await replayLog([LOG], { mode: 'lenient', verify: true, at: 4, maxProblems: 0, maxLineLength: 10_000 });
    expect(r.lastLine).toBe(4);
    expect(r.invalidLines).toBe(1);
    expect(r.problems).toEqual([]);
  });
});

describe('replayLog with an onInvalidLine that throws', () => {
  it('should resolve, stopped at that line with the state of the lines before it', async () => {
    const seen: InvalidLine[] = [];
    const r = await replayLog([LOG], {
      mode: 'lenient',
      onInvalidLine: (l) => {
        seen.push(l);
        throw new Error('listener broke');
      },
    });
    expect(seen.map((l) => l.line)).toEqual([3]);
    expect(r.stopped).toEqual(
      O.some({ _tag: 'StoppedAtCallbackError', line: 3, message: 'onInvalidLine threw on line 3: listener broke' }),
    );
    expect(r.lastLine).toBe(2);
    expect(r.stats.steps).toBe(1);
  });
});

describe('replayLog on an endless line after the header', () => {
  it('should stop at the limit in strict mode, keeping the header', async () => {
    let read = 0;
    async function* log(): AsyncGenerator<string> {
      yield `${HEADER}\n${REGISTER}\n`;
      for (;;) {
        read += 10_000;
        yield 'x'.repeat(10_000);
        await Promise.resolve();
      }
    }
    const r = await replayLog(log(), { maxLineLength: 100_000 });
    expect(r.lastLine).toBe(2);
    expect(O.isSome(r.header)).toBe(true);
    expect(r.stopped).toEqual(
      O.some({
        _tag: 'StoppedAtInvalidLine',
        invalid: {
          _tag: 'InvalidLine',
          line: 3,
          fatal: false,
          problems: ['line is longer than the maximum of 100000 characters'],
        },
      }),
    );
    expect(read).toBeLessThan(120_000);
  });
});
