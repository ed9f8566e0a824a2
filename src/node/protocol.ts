/**
 * The lines of the socket protocol (docs/live.md) as io-ts codecs: the broker's request, the
 * backend's reply and progress, and where a backend listens.
 *
 * @since 0.2.0
 */
import * as t from 'io-ts';

import { BroadcastOperation } from '../domain/BroadcastOperation';
import { Millis, Name, closed, closedWith } from '../internal/codec';
import { Traceparent, Tracestate } from '../live/TraceContext';
import { MAX_EXTEND_MS, Outcome } from '../live/Transport';

export { MAX_EXTEND_MS };

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

const isRequestId = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0;

/**
 * A request id on the wire: a positive safe integer. The broker's fleet protocol uses the same.
 *
 * @since 0.3.0
 */
export const RequestId = new t.Type<number, number, unknown>(
  'positive integer',
  isRequestId,
  (u, c) => (isRequestId(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const isPort = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 1 && u <= 65535;

const Port = new t.Type<number, number, unknown>(
  'port number (1 to 65535)',
  isPort,
  (u, c) => (isPort(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const isExtendMs = (u: unknown): u is number =>
  typeof u === 'number' && Number.isSafeInteger(u) && u > 0 && u <= MAX_EXTEND_MS;

const ExtendMs = new t.Type<number, number, unknown>(
  `positive integer milliseconds (at most ${String(MAX_EXTEND_MS)})`,
  isExtendMs,
  (u, c) => (isExtendMs(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BackendRequestC = closedWith(
  'BackendRequest',
  { id: RequestId, operation: BroadcastOperation },
  { deadlineUnixMs: Millis, traceparent: Traceparent, tracestate: Tracestate },
);

/**
 * One request line, broker to backend: `{"id":7,"operation":{"_tag":"Quiesce","reason":"Maintenance"}}`.
 * `id` is a positive integer the broker never reuses on a connection. Since 0.3.0 a request may
 * also carry `deadlineUnixMs` (the broadcast's overall deadline, milliseconds since the Unix
 * epoch) and the W3C trace context `traceparent` and `tracestate`; a backend that does not know
 * them ignores them.
 *
 * @since 0.2.0
 */
export interface BackendRequest extends t.TypeOf<typeof BackendRequestC> {}

/**
 * The codec of `BackendRequest`: `id` and `operation`, as `BroadcastOperation` encodes it, and
 * optionally `deadlineUnixMs`, `traceparent` and `tracestate` (any other field is an error).
 * Decoding an encoded request gives it back.
 *
 * @since 0.2.0
 */
export const BackendRequest: t.Type<BackendRequest, BackendRequest> = BackendRequestC;

const ProgressC = closed('Progress', { extendMs: ExtendMs });

/**
 * What a backend asks for while it works on a request: `extendMs` more milliseconds, from when
 * the broker reads it.
 *
 * @since 0.3.0
 */
export interface Progress extends t.TypeOf<typeof ProgressC> {}

/** The codec of `Progress`, under its name: a `BackendProgress` then reads `progress: Progress`. */
const ProgressNamed: t.Type<Progress, Progress> = ProgressC;

const BackendProgressC = closed('BackendProgress', { id: RequestId, progress: ProgressNamed });

/**
 * A progress line, backend to broker, before the reply to request `id`:
 * `{"id":7,"progress":{"extendMs":10000}}` asks for 10 s more to answer it. The broker extends
 * that request's timer (never past the broadcast's deadline, and a bounded number of times: see docs/live.md).
 *
 * @since 0.3.0
 */
export interface BackendProgress extends t.TypeOf<typeof BackendProgressC> {}

/**
 * The codec of `BackendProgress`: exactly `id` and `progress`, whose `extendMs` is a positive
 * integer of at most `MAX_EXTEND_MS`. Decoding an encoded progress line gives it back.
 *
 * @since 0.3.0
 */
export const BackendProgress: t.Type<BackendProgress, BackendProgress> = BackendProgressC;

const BackendReplyC = closed('BackendReply', { id: RequestId, outcome: Outcome });

/**
 * One reply line, backend to broker: `{"id":7,"outcome":{"_tag":"Ack"}}` or
 * `{"id":7,"outcome":{"_tag":"Failure","reason":"Rejected"}}`, with the id of the request it
 * answers.
 *
 * @since 0.2.0
 */
export interface BackendReply extends t.TypeOf<typeof BackendReplyC> {}

/**
 * The codec of `BackendReply`: exactly `id` and `outcome` (an unknown field is an error).
 * Decoding an encoded reply gives it back.
 *
 * @since 0.2.0
 */
export const BackendReply: t.Type<BackendReply, BackendReply> = BackendReplyC;

/**
 * Any line a backend sends: a `BackendReply` or a `BackendProgress`.
 *
 * @since 0.3.0
 */
export type BackendMessage = BackendReply | BackendProgress;

/**
 * The codec of `BackendMessage`: a record with a `progress` field is checked as a
 * `BackendProgress`, any other as a `BackendReply`, so an error names what the line was meant to be.
 *
 * @example
 * import { BackendMessage } from 'lifecycle-broadcast/node'
 *
 * BackendMessage.decode({ id: 7, progress: { extendMs: 10000 } }) // right: a progress line
 * BackendMessage.decode({ id: 7, outcome: { _tag: 'Ack' } }) // right: a reply
 *
 * @since 0.3.0
 */
export const BackendMessage: t.Type<BackendMessage, BackendMessage> = new t.Type<
  BackendMessage,
  BackendMessage,
  unknown
>(
  'BackendMessage',
  (u): u is BackendMessage => BackendReplyC.is(u) || BackendProgressC.is(u),
  (u, c) =>
    typeof u === 'object' && u !== null && 'progress' in u
      ? BackendProgressC.validate(u, c)
      : BackendReplyC.validate(u, c),
  (a) => ('progress' in a ? BackendProgressC.encode(a) : BackendReplyC.encode(a)),
);

const UnixSocketAddressC = closed('UnixSocketAddress', { path: Name });

/**
 * A backend listening on a Unix domain socket at `path`.
 *
 * @since 0.2.0
 */
export interface UnixSocketAddress extends t.TypeOf<typeof UnixSocketAddressC> {}

const TcpSocketAddressC = closed('TcpSocketAddress', { host: Name, port: Port });

/**
 * A backend listening on TCP at `host` (a name or an IP address) and `port`.
 *
 * @since 0.2.0
 */
export interface TcpSocketAddress extends t.TypeOf<typeof TcpSocketAddressC> {}

/**
 * Where a backend listens: `{ path }` for a Unix domain socket, `{ host, port }` for TCP.
 *
 * @since 0.2.0
 */
export type SocketAddress = UnixSocketAddress | TcpSocketAddress;

/**
 * The codec of `SocketAddress`: a record with `path` is a Unix socket address, any other a TCP
 * one, each checked exactly.
 *
 * @example
 * import { formatErrors } from 'lifecycle-broadcast'
 * import { SocketAddress } from 'lifecycle-broadcast/node'
 *
 * const decoded = SocketAddress.decode({ host: '127.0.0.1', port: 70000 })
 * if (decoded._tag === 'Left') console.log(formatErrors(decoded.left))
 * // [ 'port: expected port number (1 to 65535), got 70000' ]
 *
 * @since 0.2.0
 */
export const SocketAddress: t.Type<SocketAddress, SocketAddress> = new t.Type<SocketAddress, SocketAddress, unknown>(
  'SocketAddress',
  (u): u is SocketAddress => UnixSocketAddressC.is(u) || TcpSocketAddressC.is(u),
  (u, c) =>
    typeof u === 'object' && u !== null && 'path' in u
      ? UnixSocketAddressC.validate(u, c)
      : TcpSocketAddressC.validate(u, c),
  (a) => ('path' in a ? UnixSocketAddressC.encode(a) : TcpSocketAddressC.encode(a)),
);
