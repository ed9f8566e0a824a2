/**
 * The lines of the socket protocol (docs/live.md) as io-ts codecs: the broker's request, the
 * backend's reply, and where a backend listens.
 *
 * @since 0.2.0
 */
import * as t from 'io-ts';

import { BroadcastOperation } from '../domain/BroadcastOperation';
import { Name, closed } from '../internal/codec';
import { Outcome } from '../live/Transport';

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

const isRequestId = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0;

const RequestId = new t.Type<number, number, unknown>(
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

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BackendRequestC = closed('BackendRequest', { id: RequestId, operation: BroadcastOperation });

/**
 * One request line, broker to backend: `{"id":7,"operation":{"_tag":"Quiesce","reason":"Maintenance"}}`.
 * `id` is a positive integer the broker never reuses on a connection.
 *
 * @since 0.2.0
 */
export interface BackendRequest extends t.TypeOf<typeof BackendRequestC> {}

/**
 * The codec of `BackendRequest`: exactly `id` and `operation`, as `BroadcastOperation` encodes
 * it. Decoding an encoded request gives it back.
 *
 * @since 0.2.0
 */
export const BackendRequest: t.Type<BackendRequest, t.OutputOf<typeof BackendRequestC>> = BackendRequestC;

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
export const BackendReply: t.Type<BackendReply, t.OutputOf<typeof BackendReplyC>> = BackendReplyC;

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
export const SocketAddress = new t.Type<
  SocketAddress,
  t.OutputOf<typeof UnixSocketAddressC> | t.OutputOf<typeof TcpSocketAddressC>,
  unknown
>(
  'SocketAddress',
  (u): u is SocketAddress => UnixSocketAddressC.is(u) || TcpSocketAddressC.is(u),
  (u, c) =>
    typeof u === 'object' && u !== null && 'path' in u
      ? UnixSocketAddressC.validate(u, c)
      : TcpSocketAddressC.validate(u, c),
  (a) => ('path' in a ? UnixSocketAddressC.encode(a) : TcpSocketAddressC.encode(a)),
);
