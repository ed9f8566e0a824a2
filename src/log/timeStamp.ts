/**
 * Wall-clock times on the records a writer writes: the header declares the clock, and each
 * record is stamped as it is written. Shared by the log writer and the Redux recorder.
 *
 * @since 0.2.0
 */
import { show } from '../internal/codec';
import type { LogHeader } from './LogHeader';
import { logHeader, logVersionFeatures } from './LogHeader';
import type { LogRecord } from './LogRecord';

/**
 * What a writer writes when it is given `clock`: the header to write, and each record as it
 * should be written.
 *
 * @internal
 */
export interface TimeStamper {
  readonly header: LogHeader;
  readonly record: (record: LogRecord) => LogRecord;
}

/**
 * The time `clock` gives, checked: integer milliseconds since the Unix epoch. A clock that
 * gives anything else (a fraction, as `performance.now` does, a negative number, `NaN`, a
 * string) is a programming error, reported with what it gave.
 *
 * @since 0.2.0
 */
export const readClock = (clock: () => number, fn?: string): number => {
  const time: unknown = clock();
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new TypeError(
      `${fn === undefined ? '' : `${fn}: `}the clock must give integer milliseconds since the Unix epoch (such as Date.now()), got ${show(time)}`,
    );
  }
  return time;
};

/**
 * Whether `record` is an object a time can be read from or added to. Anything else (`null`, a
 * string, an array, from plain JavaScript) is passed on as it is, for the codec to refuse in words.
 */
const isObject = (record: LogRecord): boolean =>
  typeof record === 'object' && (record as unknown) !== null && !Array.isArray(record);

/**
 * The stamper of a log written with `header` and maybe a `clock`. With a clock, the header is
 * written in the current format version declaring the clock, and a record without a `time`
 * gets the clock's. Without one, records are written as they are, but one carrying a `time`
 * under a header that declares no clock is refused (its reader would refuse the line).
 *
 * @internal
 */
export const timeStamper = (fn: string, header: LogHeader, clock: (() => number) | undefined): TimeStamper => {
  if (clock !== undefined) {
    if (typeof clock !== 'function') {
      throw new TypeError(
        `${fn}: options.clock must be a function giving milliseconds since the Unix epoch, got ${show(clock)}`,
      );
    }
    return Object.freeze({
      header: logHeader(header.policy, 'epochMillis'),
      record: (record: LogRecord): LogRecord =>
        isObject(record) && record.time === undefined ? { ...record, time: readClock(clock, fn) } : record,
    });
  }
  const timed = logVersionFeatures(header.version).times && header.clock !== undefined;
  return Object.freeze({
    header,
    record: (record: LogRecord): LogRecord => {
      if (isObject(record) && record.time !== undefined && !timed) {
        throw new TypeError(
          `${fn}: a ${record._tag} record carries a time (${String(record.time)}) but the log's header declares no clock: write it with a clock, or with a header from logHeader(policy, 'epochMillis')`,
        );
      }
      return record;
    },
  });
};
