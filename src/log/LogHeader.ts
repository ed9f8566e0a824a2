/**
 * The first line of an operation log: it names the format, the version of the format, the
 * policy the broker broadcast with and, since version 2, whether its records carry times. See
 * `docs/log-format.md`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import { checked, closed, closedWith, decode, show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The name every operation log gives in its header's `format` field.
 *
 * @since 0.1.0
 */
export const LOG_FORMAT = 'lifecycle-broadcast-log';

/**
 * The newest log format version this library reads and the one it writes. Version 2 added the
 * `BroadcastTo` line, an optional `clock` to the header and an optional `time` to every record;
 * version 1 logs are still read, as version 2 logs without those. Version 3 added the compact
 * `summary` of a broadcast's result (see `RecordedSummary`), which its writers record instead of
 * the whole result; versions 1 and 2 are still read.
 *
 * @since 0.1.0
 */
export const LOG_VERSION = 3;

const isLogVersion = (u: unknown): u is LogVersion => u === 1 || u === 2 || u === 3;

/**
 * A log format version this library reads: `1`, `2` or `3`.
 *
 * @since 0.2.0
 */
export const LogVersion: t.Type<LogVersion, LogVersion> = new t.Type<LogVersion, LogVersion>(
  '1 | 2 | 3',
  isLogVersion,
  (u, c) => (isLogVersion(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * What the `LogVersion` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type LogVersion = 1 | 2 | 3;

/**
 * Every log format version this library reads, oldest first.
 *
 * @since 0.2.0
 */
export const LOG_VERSIONS: ReadonlyArray<LogVersion> = Object.freeze([1, 2, 3] as const);

/**
 * The clock a log's records are timed with: `epochMillis`, integer milliseconds since the Unix
 * epoch (what `Date.now()` returns).
 *
 * @since 0.2.0
 */
export const LogClock: t.Type<LogClock, LogClock> = t.literal('epochMillis');

/**
 * What the `LogClock` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type LogClock = 'epochMillis';

/**
 * What a log format version accepts beyond what every version does: the one place that decides
 * which header fields and which records each version reads and writes.
 *
 * @since 0.2.0
 */
export interface LogVersionFeatures {
  /** The version it describes. */
  readonly version: LogVersion;
  /** Whether the header may declare a `clock` and the records carry a `time` (version 2 on). */
  readonly times: boolean;
  /** Whether `BroadcastTo` records, targeted broadcasts, may appear (version 2 on). */
  readonly broadcastTo: boolean;
  /**
   * Whether a broadcast may record its result as a compact `summary`, and the log's writers
   * record it so (version 3 on).
   *
   * @since 0.3.0
   */
  readonly summaries: boolean;
}

const features: Readonly<Record<LogVersion, LogVersionFeatures>> = Object.freeze({
  1: Object.freeze({ version: 1, times: false, broadcastTo: false, summaries: false }),
  2: Object.freeze({ version: 2, times: true, broadcastTo: true, summaries: false }),
  3: Object.freeze({ version: 3, times: true, broadcastTo: true, summaries: true }),
});

/**
 * What log format `version` accepts.
 *
 * @example
 * import { logVersionFeatures } from 'lifecycle-broadcast'
 *
 * logVersionFeatures(1).times // false: version 1 records carry no time
 *
 * @since 0.2.0
 */
export const logVersionFeatures = (version: LogVersion): LogVersionFeatures => features[version];

/**
 * The first version that accepts a feature, for messages such as "times came with version 2".
 *
 * @internal
 */
export const firstVersionWith = (feature: keyof Omit<LogVersionFeatures, 'version'>): LogVersion =>
  LOG_VERSIONS.find((v) => features[v][feature]) ?? LOG_VERSION;

const LogHeaderC = closedWith(
  'LogHeader',
  { format: t.literal(LOG_FORMAT), version: LogVersion, policy: BroadcastPolicy },
  { clock: LogClock },
);

/**
 * What the `LogHeader` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface LogHeader extends t.TypeOf<typeof LogHeaderC> {}

/** What `header` declares that its version does not accept, if anything. */
const headerProblem = (header: LogHeader): string | undefined =>
  header.clock !== undefined && !features[header.version].times
    ? `unexpected field in format version ${String(header.version)} (times came with version ${String(
        firstVersionWith('times'),
      )})`
    : undefined;

/**
 * The header line of an operation log. Decoding refuses another format, a version this library
 * does not read, a missing or invalid policy, unknown fields, and a field its version does not
 * accept (a `clock` in a version 1 header); encoding then decoding gives the same header back.
 * A decoded header keeps the version it was written in.
 *
 * @since 0.1.0
 */
export const LogHeader: t.Type<LogHeader, LogHeader> = new t.Type<LogHeader, LogHeader>(
  'LogHeader',
  (u): u is LogHeader => LogHeaderC.is(u) && headerProblem(u) === undefined,
  (u, c) =>
    E.chain((h: LogHeader) => {
      const problem = headerProblem(h);
      return problem === undefined
        ? t.success(h)
        : t.failure<LogHeader>(h.clock, t.appendContext(c, 'clock', LogClock, h.clock), problem);
    })(LogHeaderC.validate(u, c)),
  LogHeaderC.encode,
);

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The header of a log written now, for a broker broadcasting with `policy` (the default policy
 * when omitted), in the current format version; with `clock`, the header declares that the
 * records carry times. A policy the `BroadcastPolicy` codec refuses throws a `TypeError` or
 * `RangeError` with its message.
 *
 * @example
 * import { broadcastPolicy, logHeader } from 'lifecycle-broadcast'
 *
 * logHeader(broadcastPolicy(250))
 * // { format: 'lifecycle-broadcast-log', version: 3, policy: { ackTimeoutMs: 250 } }
 * logHeader(broadcastPolicy(250), 'epochMillis')
 * // { format: 'lifecycle-broadcast-log', version: 3, policy: { ackTimeoutMs: 250 }, clock: 'epochMillis' }
 *
 * @since 0.1.0
 */
export const logHeader = (policy: BroadcastPolicy = defaultPolicy, clock?: LogClock): LogHeader =>
  Object.freeze(
    checked(
      'logHeader',
      LogHeader,
      clock === undefined
        ? { format: LOG_FORMAT, version: LOG_VERSION, policy }
        : { format: LOG_FORMAT, version: LOG_VERSION, policy, clock },
    ),
  );

/**
 * True when the header declares that its records carry times.
 *
 * @since 0.2.0
 */
export const isTimedLog = (header: LogHeader): boolean => header.clock !== undefined;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decode a parsed header line. On top of the codec's own messages, it says plainly when the line
 * is not a header at all, and when the log was written in a newer version than this library
 * reads, so that an old reader refuses a new log instead of misreading it.
 *
 * @example
 * import { decodeLogHeader } from 'lifecycle-broadcast'
 *
 * decodeLogHeader({ format: 'lifecycle-broadcast-log', version: 4, policy: { ackTimeoutMs: 5000 } })
 * // left([ 'log format version 4 is newer than this reader supports (3): upgrade lifecycle-broadcast to read it' ])
 *
 * @since 0.1.0
 */
export const decodeLogHeader = (input: unknown): E.Either<ReadonlyArray<string>, LogHeader> => {
  if (!isRecord(input) || !Object.hasOwn(input, 'format')) {
    return E.left([
      `not a ${LOG_FORMAT}: the first line must be a header such as ${JSON.stringify(
        LogHeader.encode(logHeader()),
      )}, got ${show(input)}`,
    ]);
  }
  const { format, version } = input;
  if (format === LOG_FORMAT && typeof version === 'number' && Number.isInteger(version) && version > LOG_VERSION) {
    return E.left([
      `log format version ${String(version)} is newer than this reader supports (${String(
        LOG_VERSION,
      )}): upgrade lifecycle-broadcast to read it`,
    ]);
  }
  return decode(LogHeader, input);
};

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * The header as one line of JSON (without the line end). A header the `LogHeader` codec refuses
 * (a policy of `1.5` ms from plain JavaScript) throws a `TypeError` or `RangeError` with its
 * message instead of writing a line the reader would reject.
 *
 * @since 0.1.0
 */
export const encodeHeaderLine = (header: LogHeader): string => headerLine('encodeHeaderLine', header);

const HeaderArgs = closed('header', { header: LogHeader });

/**
 * `encodeHeaderLine` for `fn`, which names `fn` in its errors.
 *
 * @internal
 */
export const headerLine = (fn: string, header: LogHeader): string =>
  JSON.stringify(LogHeader.encode(checked(fn, HeaderArgs, { header }).header));
