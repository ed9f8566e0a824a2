/**
 * A point on a log's timeline: a line number, or a wall-clock time for a log whose records carry
 * times. Replays stop at one (`until`) and count their statistics from one (`from`).
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';

import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { printable } from '../internal/printable';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A physical line number (the header is line 1).
 *
 * @since 0.2.0
 */
export interface AtLine {
  readonly _tag: 'AtLine';
  readonly line: number;
}

/**
 * A wall-clock time, in milliseconds since the Unix epoch.
 *
 * @since 0.2.0
 */
export interface AtTime {
  readonly _tag: 'AtTime';
  readonly time: number;
}

/**
 * A point on a log's timeline.
 *
 * @since 0.2.0
 */
export type LogBound = AtLine | AtTime;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** `value` when it is a non-negative safe integer, else the one-line error for it. */
const count = (fn: string, name: string, what: string, value: unknown): number => {
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  }
  return value;
};

const LINE = 'a line number (an integer of at least 0)';
const TIME = 'integer milliseconds since the Unix epoch';

/**
 * The point after line `line` (a line number; 0 is before the header). A line that is not an
 * integer of at least 0 throws a `TypeError` or `RangeError`.
 *
 * @since 0.2.0
 */
export const atLine = (line: number): LogBound =>
  Object.freeze({ _tag: 'AtLine', line: count('atLine', 'line', LINE, line) });

/**
 * The point at time `time` (integer milliseconds since the Unix epoch). Another value throws a
 * `TypeError` or `RangeError`.
 *
 * @since 0.2.0
 */
export const atTime = (time: number): LogBound =>
  Object.freeze({ _tag: 'AtTime', time: count('atTime', 'time', TIME, time) });

/**
 * `bound` checked, for option `name` of `fn`: a `LogBound` from plain JavaScript that is not one
 * throws a `TypeError` or `RangeError` naming them.
 *
 * @internal
 */
export const checkLogBound = (fn: string, name: string, bound: unknown): LogBound | undefined => {
  if (bound === undefined) {
    return undefined;
  }
  if (isRecord(bound) && bound._tag === 'AtLine') {
    count(fn, `${name}.line`, LINE, bound.line);
    return bound as unknown as LogBound;
  }
  if (isRecord(bound) && bound._tag === 'AtTime') {
    count(fn, `${name}.time`, TIME, bound.time);
    return bound as unknown as LogBound;
  }
  throw new TypeError(`${fn}: ${name} must be atLine(n) or atTime(ms), got ${show(bound)}`);
};

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a bound, one handler per kind.
 *
 * @since 0.2.0
 */
export const matchLogBound = matchTag<LogBound>();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** An ISO 8601 date and time with a time zone (`Z` or an offset), as `toISOString` writes it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parse a bound as written on a command line: a positive integer is a line number, an ISO 8601
 * time with its time zone (`2026-11-27T14:02:00Z`, `2026-11-27T15:02:00.250+01:00`) a time. The
 * error says what was expected.
 *
 * @example
 * import { parseLogBound } from 'lifecycle-broadcast/incident'
 *
 * parseLogBound('120') // right({ _tag: 'AtLine', line: 120 })
 * parseLogBound('2026-11-27T14:02:00Z') // right({ _tag: 'AtTime', time: 1795788120000 })
 * parseLogBound('14:02') // left('expected a line number or an ISO time with its time zone ...')
 *
 * @since 0.2.0
 */
export const parseLogBound = (text: string): E.Either<string, LogBound> => {
  if (typeof text !== 'string') {
    throw new TypeError(`parseLogBound: text must be a string, got ${show(text)}`);
  }
  if (/^[0-9]+$/.test(text)) {
    const line = Number(text);
    return Number.isSafeInteger(line) && line >= 1
      ? E.right(atLine(line))
      : E.left(
          line < 1
            ? `expected a line number of at least 1, got "${printable(text)}"`
            : `expected a line number of at most ${String(Number.MAX_SAFE_INTEGER)}, got "${printable(text)}"`,
        );
  }
  const time = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(time) && time >= 0
    ? E.right(atTime(time))
    : E.left(
        `expected a line number or an ISO time with its time zone (such as 2026-11-27T14:02:00Z), got "${printable(text)}"`,
      );
};

/**
 * A bound in words: `line 120`, or the ISO time.
 *
 * @since 0.2.0
 */
export const describeLogBound: (bound: LogBound) => string = matchLogBound<string>({
  AtLine: (b) => `line ${String(b.line)}`,
  AtTime: (b) => new Date(b.time).toISOString(),
});
