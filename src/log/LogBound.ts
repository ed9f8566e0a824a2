/**
 * A point on a log's timeline: a line number, or a wall-clock time for a log whose records carry
 * times. Replays stop at one (`until`) and count their statistics from one (`from`).
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';

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

/**
 * The point after line `line`.
 *
 * @since 0.2.0
 */
export const atLine = (line: number): LogBound => Object.freeze({ _tag: 'AtLine', line });

/**
 * The point at time `time` (milliseconds since the Unix epoch).
 *
 * @since 0.2.0
 */
export const atTime = (time: number): LogBound => Object.freeze({ _tag: 'AtTime', time });

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
 * import { parseLogBound } from 'lifecycle-broadcast'
 *
 * parseLogBound('120') // right({ _tag: 'AtLine', line: 120 })
 * parseLogBound('2026-11-27T14:02:00Z') // right({ _tag: 'AtTime', time: 1795788120000 })
 * parseLogBound('14:02') // left('expected a line number or an ISO time with its time zone ...')
 *
 * @since 0.2.0
 */
export const parseLogBound = (text: string): E.Either<string, LogBound> => {
  if (/^[0-9]+$/.test(text)) {
    const line = Number(text);
    return Number.isSafeInteger(line) && line >= 1
      ? E.right(atLine(line))
      : E.left(`expected a line number of at least 1, got "${text}"`);
  }
  const time = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(time) && time >= 0
    ? E.right(atTime(time))
    : E.left(`expected a line number or an ISO time with its time zone (such as 2026-11-27T14:02:00Z), got "${text}"`);
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
