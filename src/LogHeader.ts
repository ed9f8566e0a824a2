/**
 * The first line of an operation log: it names the format, the version of the format, the
 * policy the broker broadcast with and, since version 2, whether its records carry times. See
 * `docs/log-format.md`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BroadcastPolicy, defaultPolicy } from './BroadcastPolicy';
import { closedWith, decode, show } from './codec';

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
 * The newest log format version this library reads and the one it writes. Version 2 added an
 * optional `clock` to the header and an optional `time` to every record; version 1 logs are
 * still read, as version 2 logs without times.
 *
 * @since 0.1.0
 */
export const LOG_VERSION = 2;

/**
 * Every log format version this library reads, oldest first.
 *
 * @since 0.2.0
 */
export const LOG_VERSIONS: ReadonlyArray<1 | 2> = Object.freeze([1, 2] as const);

/**
 * The clock a log's records are timed with: `epochMillis`, integer milliseconds since the Unix
 * epoch (what `Date.now()` returns).
 *
 * @since 0.2.0
 */
export const LogClock = t.literal('epochMillis');

/**
 * What the `LogClock` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type LogClock = t.TypeOf<typeof LogClock>;

const isKnownVersion = (u: unknown): u is 1 | 2 => u === 1 || u === 2;

const Version = new t.Type<1 | 2, 1 | 2, unknown>(
  LOG_VERSIONS.join(' | '),
  isKnownVersion,
  (u, c) => (isKnownVersion(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const HeaderFields = closedWith(
  'LogHeader',
  { format: t.literal(LOG_FORMAT), version: Version, policy: BroadcastPolicy },
  { clock: LogClock },
);

/**
 * The header line of an operation log. Decoding refuses another format, a version this library
 * does not know, a missing or invalid policy, unknown fields, and a `clock` in a version 1
 * header (version 1 had none); encoding then decoding gives the same header back. A decoded
 * header keeps the version it was written in, so that `validate` can report it.
 *
 * @since 0.1.0
 */
export const LogHeader = new t.Type<t.TypeOf<typeof HeaderFields>, t.OutputOf<typeof HeaderFields>, unknown>(
  'LogHeader',
  (u): u is t.TypeOf<typeof HeaderFields> => HeaderFields.is(u) && !(u.version === 1 && u.clock !== undefined),
  (u, c) =>
    E.chain((h: t.TypeOf<typeof HeaderFields>) =>
      h.version === 1 && h.clock !== undefined
        ? t.failure<t.TypeOf<typeof HeaderFields>>(
            h.clock,
            t.appendContext(c, 'clock', LogClock, h.clock),
            'unexpected field in format version 1 (times came with version 2)',
          )
        : t.success(h),
    )(HeaderFields.validate(u, c)),
  HeaderFields.encode,
);

/**
 * What the `LogHeader` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type LogHeader = t.TypeOf<typeof LogHeader>;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The header of a log written now, for a broker broadcasting with `policy` (the default policy
 * when omitted), in the current format version; with `clock`, the header declares that the
 * records carry times.
 *
 * @example
 * import { broadcastPolicy, logHeader } from 'lifecycle-broadcast'
 *
 * logHeader(broadcastPolicy(250))
 * // { format: 'lifecycle-broadcast-log', version: 2, policy: { ackTimeoutMs: 250 } }
 * logHeader(broadcastPolicy(250), 'epochMillis')
 * // { format: 'lifecycle-broadcast-log', version: 2, policy: { ackTimeoutMs: 250 }, clock: 'epochMillis' }
 *
 * @since 0.1.0
 */
export const logHeader = (policy: BroadcastPolicy = defaultPolicy, clock?: LogClock): LogHeader =>
  Object.freeze(
    clock === undefined
      ? { format: LOG_FORMAT, version: LOG_VERSION, policy }
      : { format: LOG_FORMAT, version: LOG_VERSION, policy, clock },
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

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * Decode a parsed header line. On top of the codec's own messages, it says plainly when the line
 * is not a header at all, and when the log was written in a newer version than this library
 * reads, so that an old reader refuses a new log instead of misreading it.
 *
 * @example
 * import { decodeLogHeader } from 'lifecycle-broadcast'
 *
 * decodeLogHeader({ format: 'lifecycle-broadcast-log', version: 3, policy: { ackTimeoutMs: 5000 } })
 * // left([ 'log format version 3 is newer than this reader supports (2): upgrade lifecycle-broadcast to read it' ])
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
