/**
 * The first line of an operation log: it names the format, the version of the format, and the
 * policy the broker broadcast with. See `docs/log-format.md`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import { closed, decode, show } from '../internal/codec';
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
 * `BroadcastTo` line; version 1 logs are still read.
 *
 * @since 0.1.0
 */
export const LOG_VERSION = 2;

const isLogVersion = (u: unknown): u is 1 | 2 => u === 1 || u === 2;

/**
 * A log format version this library reads: `1` or `2`.
 *
 * @since 0.2.0
 */
export const LogVersion = new t.Type<1 | 2, 1 | 2>(
  '1 | 2',
  isLogVersion,
  (u, c) => (isLogVersion(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * What the `LogVersion` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type LogVersion = t.TypeOf<typeof LogVersion>;

const LogHeaderC = closed('LogHeader', {
  format: t.literal(LOG_FORMAT),
  version: LogVersion,
  policy: BroadcastPolicy,
});

/**
 * The header line of an operation log. Decoding refuses another format, a version this library
 * does not read, a missing or invalid policy and unknown fields; encoding then decoding gives the
 * same header back.
 *
 * @since 0.1.0
 */
export const LogHeader: t.Type<LogHeader, LogHeader> = LogHeaderC;

/**
 * What the `LogHeader` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface LogHeader extends t.TypeOf<typeof LogHeaderC> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The header of a log written now, for a broker broadcasting with `policy` (the default policy
 * when omitted).
 *
 * @example
 * import { broadcastPolicy, logHeader } from 'lifecycle-broadcast'
 *
 * logHeader(broadcastPolicy(250))
 * // { format: 'lifecycle-broadcast-log', version: 2, policy: { ackTimeoutMs: 250 } }
 *
 * @since 0.1.0
 */
export const logHeader = (policy: BroadcastPolicy = defaultPolicy): LogHeader =>
  Object.freeze({ format: LOG_FORMAT, version: LOG_VERSION, policy });

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

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * The header as one line of JSON (without the line end).
 *
 * @since 0.1.0
 */
export const encodeHeaderLine = (header: LogHeader): string => JSON.stringify(LogHeader.encode(header));
