/**
 * A `Transport` over stream sockets (Unix domain sockets or TCP) speaking the NDJSON protocol of
 * docs/live.md: one request line out, one reply line back, matched by id. Connections are opened
 * on first use, kept for later broadcasts, and closed by `close()`.
 *
 * @since 0.2.0
 */
import { isUtf8 } from 'node:buffer';
import * as net from 'node:net';

import * as E from 'fp-ts/Either';

import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import type { Outcome, RequestContext, Transport } from '../live/Transport';
import type { SocketAddress } from './protocol';
import { BackendMessage, SocketAddress as SocketAddressCodec } from './protocol';
import { abortReason, checkedTransport, excerpt, requestJson } from './wire';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The default limit on one reply line: 64 KiB (a reply is a few dozen bytes).
 *
 * @since 0.2.0
 */
export const DEFAULT_MAX_REPLY_BYTES = 65_536;

/**
 * The default limit on what may wait, written but not yet taken by the backend, on one
 * connection: 1 MiB (thousands of requests).
 *
 * @since 0.3.0
 */
export const DEFAULT_MAX_QUEUED_BYTES = 1_048_576;

/**
 * How `socketTransport` reaches backends.
 *
 * @since 0.2.0
 */
export interface SocketTransportOptions {
  /** Where the backend with `key` listens; asked before every request, so an address may change. */
  readonly addressOf: (key: BackendKey) => SocketAddress;
  /** The longest reply line accepted, in bytes (line end excluded; default `DEFAULT_MAX_REPLY_BYTES`). */
  readonly maxReplyBytes?: number;
  /**
   * The most bytes of requests that may wait on one connection for the backend to read them
   * (default `DEFAULT_MAX_QUEUED_BYTES`). A request that would queue more fails the connection
   * (`NotReading`) and goes out on a new one; one request alone is always sent, whatever its size.
   */
  readonly maxQueuedBytes?: number;
}

/**
 * Why the socket transport could not get an answer: the `code` of the error it rejects with,
 * which `runBroadcast` keeps in its `TransportFailed` diagnostic.
 * - `InvalidAddress`: `addressOf` threw or returned something that is not a `SocketAddress`;
 * - `ConnectionRefused`: nothing listens there (`ECONNREFUSED`, or no socket file);
 * - `ConnectionReset`: the connection was reset (`ECONNRESET`, `EPIPE`);
 * - `ConnectionClosed`: the backend closed the connection before it replied;
 * - `NotReading`: the backend does not read its requests (more than `maxQueuedBytes` wait);
 * - `ConnectionFailed`: any other socket error;
 * - `MalformedReply`: a reply line that is not UTF-8, not JSON, or not a `BackendReply`;
 * - `MismatchedReply`: a reply with an id that was not asked on that connection;
 * - `OversizedReply`: a reply line longer than `maxReplyBytes`;
 * - `TransportClosed`: `close()` was called.
 *
 * @since 0.2.0
 */
export type SocketFailureCode =
  | 'InvalidAddress'
  | 'ConnectionRefused'
  | 'ConnectionReset'
  | 'ConnectionClosed'
  | 'NotReading'
  | 'ConnectionFailed'
  | 'MalformedReply'
  | 'MismatchedReply'
  | 'OversizedReply'
  | 'TransportClosed';

/**
 * The error a socket transport rejects with: a one-line message naming the backend's address,
 * and a `SocketFailureCode`.
 *
 * @since 0.2.0
 */
export interface SocketTransportError extends Error {
  readonly code: SocketFailureCode;
}

/**
 * A `Transport` over sockets, with the connections it keeps open.
 *
 * @since 0.2.0
 */
export interface SocketTransport extends Transport {
  /**
   * Close every connection; outstanding requests reject with `TransportClosed`, and so does
   * every later request. Resolves once every socket is closed. Until then, open connections keep
   * a Node process running.
   */
  readonly close: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// connections
// -------------------------------------------------------------------------------------

interface Pending {
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: Error) => void;
  readonly progress: ((extendMs: number) => void) | undefined;
  /**
   * Send the request again on a fresh connection, when it went out on a reused, idle one that
   * failed before answering anything (the backend most likely never read it); `undefined` when
   * that does not apply.
   */
  readonly retry: (() => void) | undefined;
  /** `linesRead` of the connection when the request was written. */
  readonly linesAtWrite: number;
}

interface Connection {
  readonly socket: net.Socket;
  readonly id: string;
  readonly label: string;
  readonly pending: Map<number, Pending>;
  /** Ids of requests given up on (timed out or cancelled): their replies are dropped when they come. */
  readonly abandoned: Set<number>;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  connected: boolean;
  failed: boolean;
  /** Lines read from the backend so far. */
  linesRead: number;
  /** The bytes of a reply line not yet ended. */
  partial: Buffer[];
  partialBytes: number;
}

const ONCE = Object.freeze({ once: true });

/** How many abandoned ids a connection remembers; a reply older than that counts as mismatched. */
const MAX_ABANDONED = 4096;

const socketError = (code: SocketFailureCode, message: string): SocketTransportError =>
  Object.assign(new Error(message), { code });

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { readonly code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

const connectionError = (label: string, error: unknown): SocketTransportError => {
  const code = errorCode(error) ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return socketError('ConnectionRefused', `connection refused by ${label} (ECONNREFUSED)`);
    case 'ENOENT':
      return socketError('ConnectionRefused', `connection refused by ${label}: no socket there (ENOENT)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return socketError('ConnectionReset', `connection to ${label} reset before the reply (${code})`);
    default:
      return socketError('ConnectionFailed', `cannot talk to ${label}: ${errorMessage(error)}`);
  }
};

const addressId = (a: SocketAddress): string => ('path' in a ? `unix:${a.path}` : `tcp:${a.host}:${String(a.port)}`);

const addressLabel = (a: SocketAddress): string => ('path' in a ? a.path : `${a.host}:${String(a.port)}`);

const positiveOption = (name: string, value: unknown, fallback: number): number => {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number') {
    throw new TypeError(`socketTransport: ${name}: expected a positive integer, got ${show(value)}`);
  }
  if (Number.isSafeInteger(value) && value > 0) {
    return value;
  }
  throw new RangeError(`socketTransport: ${name}: expected a positive integer, got ${show(value)}`);
};

/** The failures after which a request on a reused idle connection is sent again once. */
const RETRIED_ONCE: ReadonlySet<SocketFailureCode> = new Set(['ConnectionClosed', 'ConnectionReset']);

// -------------------------------------------------------------------------------------
// transport
// -------------------------------------------------------------------------------------

/**
 * A transport sending each request over a stream socket to the address `options.addressOf`
 * gives for the backend's key, and resolving with the backend's reply.
 *
 * One connection per address, opened on first use and reused by later requests and broadcasts;
 * several requests may be outstanding on one, told apart by their ids (positive integers, never
 * reused by this transport). A reply for a request given up on (its signal aborted) is dropped
 * when it comes, so a late backend never answers the next request. A connection that fails
 * (refused, reset, closed before the reply, a malformed, mismatched or oversized reply) rejects
 * every request outstanding on it with a `SocketTransportError` and is dropped; the next request
 * to that address opens a new one.
 *
 * @example
 * import * as path from 'node:path'
 * import { broadcastPolicy, createRegistry, quiesceOperation, runBroadcast } from 'lifecycle-broadcast'
 * import { socketTransport } from 'lifecycle-broadcast/node'
 *
 * // Each backend listens on /run/broker/<service>.sock.
 * const transport = socketTransport({ addressOf: (key) => ({ path: path.join('/run/broker', `${key.serviceName}.sock`) }) })
 * try {
 *   const live = await runBroadcast(createRegistry(broadcastPolicy(2000)), quiesceOperation('BrokerShutdown'), transport)
 *   console.log(live.result._tag, live.diagnostics)
 * } finally {
 *   await transport.close()
 * }
 *
 * @since 0.2.0
 */
export const socketTransport = (options: SocketTransportOptions): SocketTransport => {
  if (typeof options !== 'object' || (options as unknown) === null || typeof options.addressOf !== 'function') {
    throw new TypeError(`socketTransport: expected options with an addressOf function, got ${show(options)}`);
  }
  const { addressOf } = options;
  const maxReplyBytes = positiveOption('maxReplyBytes', options.maxReplyBytes, DEFAULT_MAX_REPLY_BYTES);
  const maxQueuedBytes = positiveOption('maxQueuedBytes', options.maxQueuedBytes, DEFAULT_MAX_QUEUED_BYTES);
  const connections = new Map<string, Connection>();
  let lastId = 0;
  let closed = false;

  /** Reject everything outstanding on `conn` with `error`, and drop it. */
  const fail = (conn: Connection, error: SocketTransportError): void => {
    if (conn.failed) {
      return;
    }
    conn.failed = true;
    if (connections.get(conn.id) === conn) {
      connections.delete(conn.id);
    }
    const waiting = [...conn.pending.values()];
    conn.pending.clear();
    conn.socket.destroy();
    for (const p of waiting) {
      if (p.retry !== undefined && RETRIED_ONCE.has(error.code) && conn.linesRead === p.linesAtWrite) {
        p.retry();
      } else {
        p.reject(error);
      }
    }
  };

  const onLine = (conn: Connection, bytes: Buffer): void => {
    if (!isUtf8(bytes)) {
      fail(conn, socketError('MalformedReply', `malformed reply from ${conn.label}: not UTF-8`));
      return;
    }
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) {
      text = text.slice(0, -1);
    }
    if (text.trim() === '') {
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      fail(conn, socketError('MalformedReply', `malformed reply from ${conn.label}: not JSON: ${excerpt(text)}`));
      return;
    }
    conn.linesRead += 1;
    const decoded = decode(BackendMessage, json);
    if (E.isLeft(decoded)) {
      const id = (json as { readonly id?: unknown } | null)?.id;
      const problem = `malformed reply from ${conn.label}: ${decoded.left.join('; ')}`;
      const waiting = typeof id === 'number' ? conn.pending.get(id) : undefined;
      if (typeof id === 'number' && waiting !== undefined) {
        conn.pending.delete(id);
        waiting.reject(socketError('MalformedReply', `${problem} (reply to request ${String(id)})`));
      } else if (!(typeof id === 'number' && conn.abandoned.delete(id))) {
        fail(conn, socketError('MalformedReply', problem));
      }
      return;
    }
    const message = decoded.right;
    const { id } = message;
    const waiting = conn.pending.get(id);
    if ('progress' in message) {
      if (waiting !== undefined) {
        waiting.progress?.(message.progress.extendMs);
        return;
      }
      if (conn.abandoned.has(id)) {
        return;
      }
    } else if (waiting !== undefined) {
      conn.pending.delete(id);
      waiting.resolve(message.outcome);
      return;
    } else if (conn.abandoned.delete(id)) {
      return;
    }
    {
      const asked = [...conn.pending.keys()].join(', ');
      fail(
        conn,
        socketError(
          'MismatchedReply',
          `mismatched reply from ${conn.label}: id ${String(id)} was not asked${
            asked === '' ? '' : ` (waiting for ${asked})`
          }`,
        ),
      );
    }
  };

  const onData = (conn: Connection, chunk: Buffer): void => {
    let start = 0;
    while (!conn.failed) {
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      if (conn.partialBytes + piece.length > maxReplyBytes) {
        fail(conn, socketError('OversizedReply', `reply from ${conn.label} over ${String(maxReplyBytes)} bytes`));
        return;
      }
      if (end < 0) {
        if (piece.length > 0) {
          conn.partial.push(piece);
          conn.partialBytes += piece.length;
        }
        return;
      }
      const line = conn.partial.length === 0 ? piece : Buffer.concat([...conn.partial, piece]);
      conn.partial = [];
      conn.partialBytes = 0;
      onLine(conn, line);
      start = end + 1;
    }
  };

  const open = (address: SocketAddress): Connection => {
    const id = addressId(address);
    const label = addressLabel(address);
    const socket =
      'path' in address ? net.connect({ path: address.path }) : net.connect({ host: address.host, port: address.port });
    const conn: Connection = {
      socket,
      id,
      label,
      pending: new Map(),
      abandoned: new Set(),
      closed: new Promise((resolve) => {
        socket.once('close', () => {
          resolve();
        });
      }),
      connected: false,
      failed: false,
      linesRead: 0,
      partial: [],
      partialBytes: 0,
    };
    socket.on('connect', () => {
      conn.connected = true;
      if (!('path' in address)) {
        socket.setNoDelay(true);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      onData(conn, chunk);
    });
    socket.on('error', (error) => {
      fail(conn, connectionError(label, error));
    });
    // The backend's end of the stream: nothing more can come, so no request may go out on it.
    socket.on('end', () => {
      fail(conn, socketError('ConnectionClosed', `${label} closed the connection before it replied`));
    });
    socket.on('close', () => {
      fail(conn, socketError('ConnectionClosed', `${label} closed the connection before it replied`));
    });
    connections.set(id, conn);
    return conn;
  };

  const addressFor = (key: BackendKey): E.Either<SocketTransportError, SocketAddress> => {
    let given: unknown;
    try {
      given = addressOf(key);
    } catch (error: unknown) {
      return E.left(socketError('InvalidAddress', `addressOf threw for ${key.serviceName}: ${errorMessage(error)}`));
    }
    const decoded = decode(SocketAddressCodec, given);
    return E.isRight(decoded)
      ? decoded
      : E.left(
          socketError(
            'InvalidAddress',
            `addressOf gave ${show(given)} for ${key.serviceName}, not a socket address: ${decoded.left.join('; ')}`,
          ),
        );
  };

  /** The open connection to `address`, or a new one when the old one would queue too much. */
  const connectionFor = (address: SocketAddress, line: string): Connection => {
    const conn = connections.get(addressId(address));
    if (conn === undefined) {
      return open(address);
    }
    const queued = conn.socket.writableLength;
    if (queued > 0 && queued + Buffer.byteLength(line) > maxQueuedBytes) {
      fail(
        conn,
        socketError(
          'NotReading',
          `${conn.label} does not read its requests: ${String(queued)} bytes wait on its connection (maxQueuedBytes ${String(maxQueuedBytes)})`,
        ),
      );
      return open(address);
    }
    return conn;
  };

  const request = (
    key: BackendKey,
    operation: BroadcastOperation,
    signal: AbortSignal,
    context: RequestContext | undefined,
  ): Promise<Outcome> =>
    new Promise<Outcome>((resolve, reject) => {
      if (closed) {
        reject(socketError('TransportClosed', 'the socket transport is closed'));
        return;
      }
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const address = addressFor(key);
      if (E.isLeft(address)) {
        reject(address.left);
        return;
      }
      lastId += 1;
      const id = lastId;
      const line = `${requestJson(id, operation, context)}\n`;
      let conn: Connection;

      const onAbort = (): void => {
        if (!conn.pending.delete(id)) {
          return;
        }
        conn.abandoned.add(id);
        if (conn.abandoned.size > MAX_ABANDONED) {
          const oldest = conn.abandoned.values().next();
          if (oldest.done !== true) {
            conn.abandoned.delete(oldest.value);
          }
        }
        reject(abortReason(signal));
        if (conn.pending.size === 0 && (!conn.connected || conn.socket.writableLength > 0)) {
          // Nobody waits on it, and it is still connecting, or the backend has not even read
          // what was written (a backend that does not read): give it up rather than let
          // abandoned requests pile up on it.
          fail(conn, socketError('ConnectionFailed', `gave up on the connection to ${conn.label}`));
        }
      };

      const attempt = (retryable: boolean): void => {
        conn = connectionFor(address.right, line);
        const reused = retryable && conn.connected && conn.linesRead > 0 && conn.pending.size === 0;
        conn.pending.set(id, {
          resolve: (outcome) => {
            signal.removeEventListener('abort', onAbort);
            resolve(outcome);
          },
          reject: (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
          progress: context?.progress,
          retry: reused
            ? () => {
                if (closed) {
                  signal.removeEventListener('abort', onAbort);
                  reject(socketError('TransportClosed', 'the socket transport is closed'));
                } else {
                  attempt(false);
                }
              }
            : undefined,
          linesAtWrite: conn.linesRead,
        });
        conn.socket.write(line);
      };

      attempt(true);
      signal.addEventListener('abort', onAbort, ONCE);
    });

  const transport = checkedTransport('socketTransport', request);

  const close = async (): Promise<void> => {
    closed = true;
    const all = [...connections.values()];
    for (const conn of all) {
      fail(conn, socketError('TransportClosed', `the socket transport was closed before ${conn.label} replied`));
    }
    await Promise.all(all.map((conn) => conn.closed));
  };

  return Object.freeze(Object.assign(transport, { close }));
};
