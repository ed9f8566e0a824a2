/**
 * lifecycle-broadcast/node: what needs Node.js. A `Transport` over Unix domain sockets and TCP
 * (`socketTransport`), and the codecs of the lines it exchanges with backends.
 *
 * @packageDocumentation
 */

// values
export { BackendReply, BackendRequest, SocketAddress } from './protocol';
export { DEFAULT_MAX_REPLY_BYTES, socketTransport } from './socketTransport';

// types
export type { TcpSocketAddress, UnixSocketAddress } from './protocol';
export type {
  SocketFailureCode,
  SocketTransport,
  SocketTransportError,
  SocketTransportOptions,
} from './socketTransport';
