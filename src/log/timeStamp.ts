/**
 * Wall-clock times on the records a writer writes: the header declares the clock, and each
 * record is stamped as it is written. Shared by the log writer and the Redux recorder.
 *
 * @since 0.2.0
 */
import type { LogEntry } from '../LogEntry';
import type { LogHeader } from '../LogHeader';
import { logHeader } from '../LogHeader';
import { show } from '../codec';

/**
 * What a writer writes when it is given `clock`: the header to write, and each entry as it
 * should be written.
 *
 * @since 0.2.0
 */
export interface TimeStamper {
  readonly header: LogHeader;
  readonly entry: (entry: LogEntry) => LogEntry;
}

/**
 * The time `clock` gives, checked: integer milliseconds since the Unix epoch. A clock that
 * gives anything else (a fraction, as `performance.now` does, a negative number, `NaN`, a
 * string) is a programming error, reported with what it gave.
 *
 * @since 0.2.0
 */
export const readClock = (clock: () => number): number => {
  const time: unknown = clock();
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new TypeError(
      `the clock must give integer milliseconds since the Unix epoch (such as Date.now()), got ${show(time)}`,
    );
  }
  return time;
};

/**
 * The stamper of a log written with `header` and maybe a `clock`. With a clock, the header is
 * written in the current format version declaring the clock, and an entry without a `time`
 * gets the clock's. Without one, entries are written as they are, but one carrying a `time`
 * under a header that declares no clock is refused (its reader would refuse the line).
 *
 * @since 0.2.0
 */
export const timeStamper = (header: LogHeader, clock: (() => number) | undefined): TimeStamper => {
  if (clock !== undefined) {
    return Object.freeze({
      header: logHeader(header.policy, 'epochMillis'),
      entry: (entry: LogEntry): LogEntry => (entry.time === undefined ? { ...entry, time: readClock(clock) } : entry),
    });
  }
  const timed = header.version >= 2 && header.clock !== undefined;
  return Object.freeze({
    header,
    entry: (entry: LogEntry): LogEntry => {
      if (entry.time !== undefined && !timed) {
        throw new TypeError(
          `a ${entry._tag} entry carries a time (${String(entry.time)}) but the log's header declares no clock: write it with a clock, or with a header from logHeader(policy, 'epochMillis')`,
        );
      }
      return entry;
    },
  });
};
