/**
 * The backend side of the socket protocol (docs/live.md): a server that reads the broker's
 * request lines, hands each operation to a handler, and writes its outcome back with the
 * request's id. Framing, ids, size limits, decoding and graceful close are done here; a backend
 * is a handler.
 *
 * @since 0.3.0
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as net from 'node:net';

import * as E from 'fp-ts/Either';

import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastOperation as BroadcastOperationCodec } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import type { Outcome } from '../live/Transport';
import { Outcome as OutcomeCodec, failureOutcome } from '../live/Transport';
import type { SocketAddress } from './protocol';
import { BackendProgress, BackendReply, MAX_EXTEND_MS } from './protocol';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The default limit on one request line: 64 KiB (a request is a few hundred bytes).
 *
 * @since 0.3.0
 */
export const DEFAULT_MAX_REQUEST_BYTES = 65_536;

/**
 * The default number of requests handled at once on one connection: 1,024. While that many are
 * outstanding, the connection is not read (the broker's later requests wait in the socket).
 *
 * @since 0.3.0
 */
export const DEFAULT_MAX_OUTSTANDING = 1024;

/**
 * The default limit on the replies waiting to be written to one broker: 1 MiB. A broker that
 * lets more pile up is not reading, and its connection is closed.
 *
 * @since 0.3.0
 */
export const DEFAULT_MAX_UNREAD_REPLY_BYTES = 1_048_576;

/**
 * Where `serveLifecycle` listens: a Unix domain socket at `path`, or TCP at `host` and `port`
 * (`port` 0: any free port; the server's `address` says which).
 *
 * @since 0.3.0
 */
export type ListenAddress = { readonly path: string } | { readonly host: string; readonly port: number };

/**
 * What a handler knows about the request it answers, beside its operation.
 *
 * @since 0.3.0
 */
export interface HandlerContext {
  /** The request's id on its connection (the reply carries it: a handler need not). */
  readonly id: number;
  /**
   * The broadcast's overall deadline, milliseconds since the Unix epoch, when the broker sent one
   * (`deadlineUnixMs`); past it the broker no longer waits for this answer.
   */
  readonly deadline: number | undefined;
  /**
   * Ask the broker for `ms` more milliseconds to answer (a progress line,
   * `{"id":n,"progress":{"extendMs":ms}}`): for work that takes longer than the broker's ack
   * timeout. `ms` is a positive integer of at most `MAX_EXTEND_MS` (otherwise a `RangeError`).
   * Once the request is answered, or its connection is gone, it does nothing.
   */
  readonly extend: (ms: number) => void;
  /**
   * Aborts when the broker closes the request's connection (or it fails) before the answer:
   * nobody waits for it any more.
   */
  readonly signal: AbortSignal;
}

/**
 * A backend: what it answers to each operation. It may resolve with the outcome or return it;
 * a handler that throws, rejects or gives something that is not an `Outcome` is answered
 * `Failure BackendError` (and reported to `onError`).
 *
 * @since 0.3.0
 */
export type LifecycleHandler = (operation: BroadcastOperation, context: HandlerContext) => Promise<Outcome> | Outcome;

/**
 * What `serveLifecycle` reports to `onError` (docs/live.md, "The backend helper", says when).
 *
 * @since 0.3.0
 */
export type LifecycleServerErrorCode =
  'MalformedRequest' | 'OversizedRequest' | 'UnreadReplies' | 'HandlerFailed' | 'InvalidOutcome' | 'ConnectionFailed';

/**
 * A problem `serveLifecycle` met and dealt with: a one-line message naming the connection, and
 * its `code`. The server goes on serving.
 *
 * @since 0.3.0
 */
export interface LifecycleServerError extends Error {
  readonly code: LifecycleServerErrorCode;
}

/**
 * Options of `serveLifecycle`.
 *
 * @since 0.3.0
 */
export interface ServeLifecycleOptions {
  /** The longest request line read, in bytes, line end excluded (default `DEFAULT_MAX_REQUEST_BYTES`). */
  readonly maxRequestBytes?: number;
  /** Requests handled at once per connection (default `DEFAULT_MAX_OUTSTANDING`). */
  readonly maxOutstanding?: number;
  /** Replies that may wait unread for one broker, in bytes (default `DEFAULT_MAX_UNREAD_REPLY_BYTES`). */
  readonly maxUnreadReplyBytes?: number;
  /**
   * Told each problem the server dealt with (default: one line on standard error). It should not
   * throw; what it throws is ignored.
   */
  readonly onError?: (error: LifecycleServerError) => void;
}

/**
 * A running backend server.
 *
 * @since 0.3.0
 */
export interface LifecycleServer {
  /** Where it listens (for TCP port 0, the port it was given). */
  readonly address: SocketAddress;
  /** The connections open now. */
  readonly connections: () => number;
  /**
   * Stop: accept no connection and read no request any more, let every request already read be
   * answered, then close each connection (and remove the socket file). Resolves once all is closed.
   */
  readonly close: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const serverError = (code: LifecycleServerErrorCode, message: string): LifecycleServerError =>
  Object.assign(new Error(message), { code });

const positiveInteger = (name: string, value: unknown, fallback: number): number => {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) {
    return value;
  }
  throw new RangeError(`serveLifecycle: ${name}: expected a positive integer, got ${show(value)}`);
};

const isRequestId = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0;

/** The fields of each operation: a backend ignores any other (docs/live.md, Requests). */
const OPERATION_FIELDS: Readonly<Record<BroadcastOperation['_tag'], ReadonlyArray<string>>> = {
  ReleaseHandles: ['_tag', 'pathPrefix'],
  Quiesce: ['_tag', 'reason'],
};

/** The operation of a request, its unknown fields left out; none when it cannot be read as one. */
const operationOf = (u: unknown): BroadcastOperation | undefined => {
  if (typeof u !== 'object' || u === null) {
    return undefined;
  }
  const tag = (u as { readonly _tag?: unknown })._tag;
  const fields =
    typeof tag === 'string' && Object.hasOwn(OPERATION_FIELDS, tag)
      ? OPERATION_FIELDS[tag as BroadcastOperation['_tag']]
      : [];
  const known = Object.fromEntries(
    fields.filter((f) => Object.hasOwn(u, f)).map((f) => [f, (u as Record<string, unknown>)[f]]),
  );
  const decoded = decode(BroadcastOperationCodec, known);
  return E.isRight(decoded) ? decoded.right : undefined;
};

const deadlineOf = (u: unknown): number | undefined =>
  typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? u : undefined;

/** A line's text for a message: short, on one line. */
const excerpt = (bytes: Buffer): string => {
  const text = bytes.subarray(0, 80).toString('utf8');
  return printable(show(bytes.length > 80 ? `${text.slice(0, 57)}...` : text));
};

const unsupported = failureOutcome('UnsupportedOperation');
const backendError = failureOutcome('BackendError');

const removeStaleSocket = async (path: string): Promise<void> => {
  if (fs.lstatSync(path, { throwIfNoEntry: false })?.isSocket() !== true) {
    return;
  }
  // A socket file nobody accepts on is left over from a process that is gone; a live one stays.
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      resolve(false);
    });
  });
  if (!alive) {
    fs.rmSync(path, { force: true });
  }
};

// -------------------------------------------------------------------------------------
// server
// -------------------------------------------------------------------------------------

interface Connection {
  readonly socket: net.Socket;
  readonly label: string;
  /** Aborted requests: the connection is gone. */
  readonly lost: AbortController;
  outstanding: number;
  /** Bytes of a line not yet ended. */
  partial: Buffer[];
  partialBytes: number;
  /** Bytes read but not yet taken apart (kept while `maxOutstanding` requests are outstanding). */
  unread: Buffer | undefined;
  /** No more requests are read: the server is closing, or the connection failed. */
  stopped: boolean;
}

/**
 * Serve the protocol of docs/live.md at `address`: each request read is decoded and handed to
 * `handler`, and its outcome written back with the request's id. An operation it cannot read is
 * answered `UnsupportedOperation`; a handler that fails, `BackendError`. A hostile broker loses
 * its connection, with one line to `onError`. Resolves once listening.
 *
 * @example
 * import { ackOutcome, failureOutcome } from 'lifecycle-broadcast'
 * import { serveLifecycle } from 'lifecycle-broadcast/node'
 *
 * const server = await serveLifecycle({ path: '/run/broker/zccache.sock' }, async (operation) => {
 *   if (operation._tag === 'Quiesce') return failureOutcome('Rejected')
 *   return ackOutcome // the handles under operation.pathPrefix are released
 * })
 * process.on('SIGTERM', () => void server.close())
 *
 * @since 0.3.0
 */
export const serveLifecycle = async (
  address: ListenAddress,
  handler: LifecycleHandler,
  options: ServeLifecycleOptions = {},
): Promise<LifecycleServer> => {
  if (typeof handler !== 'function') {
    throw new TypeError(`serveLifecycle: expected a handler function, got ${show(handler)}`);
  }
  const isPath = typeof address === 'object' && (address as unknown) !== null && 'path' in address;
  if (
    !isPath &&
    !(
      typeof address === 'object' &&
      (address as unknown) !== null &&
      typeof (address as { host?: unknown }).host === 'string' &&
      Number.isInteger((address as { port?: unknown }).port) &&
      (address as { port: number }).port >= 0 &&
      (address as { port: number }).port <= 65535
    )
  ) {
    throw new TypeError(`serveLifecycle: expected { path } or { host, port } (port 0 to 65535), got ${show(address)}`);
  }
  if (
    isPath &&
    (typeof (address as { path?: unknown }).path !== 'string' || (address as { path: string }).path === '')
  ) {
    throw new TypeError(
      `serveLifecycle: path: expected a non-empty string, got ${show((address as { path?: unknown }).path)}`,
    );
  }
  const maxRequestBytes = positiveInteger('maxRequestBytes', options.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES);
  const maxOutstanding = positiveInteger('maxOutstanding', options.maxOutstanding, DEFAULT_MAX_OUTSTANDING);
  const maxUnread = positiveInteger('maxUnreadReplyBytes', options.maxUnreadReplyBytes, DEFAULT_MAX_UNREAD_REPLY_BYTES);
  const onError =
    options.onError ??
    ((error: LifecycleServerError): void => {
      process.stderr.write(`lifecycle-broadcast backend: ${error.message}\n`);
    });
  const report = (code: LifecycleServerErrorCode, message: string): void => {
    try {
      onError(serverError(code, message));
    } catch {
      // A failing hook must not take the server down with it.
    }
  };

  const connections = new Set<Connection>();
  let closing = false;
  let connectionCount = 0;

  /** End `conn` once nothing more will be read from it and every request read is answered. */
  const endIfDrained = (conn: Connection): void => {
    if (conn.stopped && conn.outstanding === 0 && !conn.socket.destroyed && !conn.socket.writableEnded) {
      // Once the last reply is written out, the connection goes (a broker keeping its side open included).
      conn.socket.end(() => conn.socket.destroy());
    }
  };

  const drop = (conn: Connection, code: LifecycleServerErrorCode, message: string): void => {
    conn.stopped = true;
    conn.unread = undefined;
    conn.partial = [];
    report(code, `${conn.label}: ${message}`);
    conn.socket.destroy();
  };

  const write = (conn: Connection, line: string): void => {
    if (conn.socket.destroyed || !conn.socket.writable) {
      return;
    }
    conn.socket.write(line);
    if (conn.socket.writableLength > maxUnread) {
      drop(
        conn,
        'UnreadReplies',
        `the broker left over ${String(maxUnread)} bytes of replies unread: connection closed`,
      );
    }
  };

  const answer = (conn: Connection, id: number, raw: Record<string, unknown>): void => {
    const operation = operationOf(raw.operation);
    if (operation === undefined) {
      write(conn, `${JSON.stringify(BackendReply.encode({ id, outcome: unsupported }))}\n`);
      return;
    }
    conn.outstanding += 1;
    let answered = false;
    const context: HandlerContext = Object.freeze({
      id,
      deadline: deadlineOf(raw.deadlineUnixMs),
      signal: conn.lost.signal,
      extend: (ms: number): void => {
        if (!(typeof ms === 'number' && Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_EXTEND_MS)) {
          throw new RangeError(
            `extend: expected a positive integer of milliseconds (at most ${String(MAX_EXTEND_MS)}), got ${show(ms)}`,
          );
        }
        if (!answered) {
          write(conn, `${JSON.stringify(BackendProgress.encode({ id, progress: { extendMs: ms } }))}\n`);
        }
      },
    });
    const settle = (outcome: Outcome): void => {
      answered = true;
      conn.outstanding -= 1;
      write(conn, `${JSON.stringify(BackendReply.encode({ id, outcome }))}\n`);
      if (conn.unread !== undefined && conn.outstanding < maxOutstanding && !conn.stopped) {
        const rest = conn.unread;
        conn.unread = undefined;
        take(conn, rest);
      }
      endIfDrained(conn);
    };
    const failed = (error: unknown): void => {
      report(
        'HandlerFailed',
        `${conn.label}: the handler failed request ${String(id)} (${operation._tag}): ${printable(errorMessage(error))}`,
      );
      settle(backendError);
    };
    let result: Promise<Outcome> | Outcome;
    try {
      result = handler(operation, context);
    } catch (error: unknown) {
      failed(error);
      return;
    }
    Promise.resolve(result).then((outcome: unknown) => {
      if (OutcomeCodec.is(outcome)) {
        settle(outcome);
      } else {
        report(
          'InvalidOutcome',
          `${conn.label}: the handler gave ${printable(show(outcome))} for request ${String(id)} (${operation._tag}), not an outcome`,
        );
        settle(backendError);
      }
    }, failed);
  };

  const onLine = (conn: Connection, bytes: Buffer): void => {
    const line = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (line.every((b) => b === 0x20 || b === 0x09)) {
      return;
    }
    let json: unknown;
    try {
      json = isUtf8(line) ? JSON.parse(line.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const id = (json as { readonly id?: unknown } | undefined)?.id;
    if (typeof json !== 'object' || json === null || Array.isArray(json) || !isRequestId(id)) {
      const what = json === undefined ? (isUtf8(line) ? 'not JSON' : 'not UTF-8') : 'no positive integer id';
      drop(conn, 'MalformedRequest', `malformed request (${what}): ${excerpt(line)}: connection closed`);
      return;
    }
    answer(conn, id, json as Record<string, unknown>);
  };

  /** Take the lines of `chunk` apart, until the connection may not start another request. */
  const take = (conn: Connection, chunk: Buffer): void => {
    let start = 0;
    while (!conn.stopped) {
      if (conn.outstanding >= maxOutstanding) {
        conn.unread = chunk.subarray(start);
        conn.socket.pause();
        return;
      }
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      if (conn.partialBytes + piece.length > maxRequestBytes) {
        drop(conn, 'OversizedRequest', `request line over ${String(maxRequestBytes)} bytes: connection closed`);
        return;
      }
      if (end < 0) {
        if (piece.length > 0) {
          // A copy: the rest of a large chunk is not kept alive by a short partial line.
          conn.partial.push(Buffer.from(piece));
          conn.partialBytes += piece.length;
        }
        if (conn.socket.isPaused()) {
          conn.socket.resume();
        }
        return;
      }
      const line = conn.partial.length === 0 ? piece : Buffer.concat([...conn.partial, piece]);
      conn.partial = [];
      conn.partialBytes = 0;
      start = end + 1;
      onLine(conn, line);
    }
  };

  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connectionCount += 1;
    const label = isPath
      ? `connection ${String(connectionCount)}`
      : `connection ${String(connectionCount)} from ${String(socket.remoteAddress)}:${String(socket.remotePort)}`;
    const conn: Connection = {
      socket,
      label,
      lost: new AbortController(),
      outstanding: 0,
      partial: [],
      partialBytes: 0,
      unread: undefined,
      stopped: closing,
    };
    connections.add(conn);
    if (!isPath) {
      socket.setNoDelay(true);
    }
    socket.on('data', (chunk: Buffer) => {
      take(conn, chunk);
    });
    socket.on('end', () => {
      // The broker sends no more, and is most likely gone: answer what was read (a broker that
      // only closed its side still gets it), tell the handlers, and end our side too.
      conn.stopped = true;
      conn.lost.abort(new Error(`${label}: the broker closed the connection before the answer`));
      endIfDrained(conn);
    });
    socket.on('error', (error) => {
      if (!conn.stopped || conn.outstanding > 0) {
        report('ConnectionFailed', `${label}: ${printable(errorMessage(error))}`);
      }
      conn.stopped = true;
      socket.destroy();
    });
    socket.on('close', () => {
      conn.stopped = true;
      connections.delete(conn);
      conn.lost.abort(new Error(`${label}: the connection closed before the answer`));
    });
    endIfDrained(conn);
  });

  const where: string = isPath
    ? (address as { path: string }).path
    : `${(address as { host: string }).host}:${String((address as { port: number }).port)}`;
  if (isPath) {
    await removeStaleSocket((address as { path: string }).path);
  }
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      reject(new Error(`serveLifecycle: cannot listen on ${printable(where)}: ${errorMessage(error)}`));
    };
    server.once('error', failed);
    const listening = (): void => {
      server.off('error', failed);
      resolve();
    };
    if (isPath) {
      server.listen((address as { path: string }).path, listening);
    } else {
      server.listen((address as { port: number }).port, (address as { host: string }).host, listening);
    }
  });
  server.on('error', (error) => {
    report('ConnectionFailed', `server: ${printable(errorMessage(error))}`);
  });

  const bound = server.address();
  const actual: SocketAddress = Object.freeze(
    isPath || typeof bound !== 'object' || bound === null
      ? { path: (address as { path: string }).path }
      : { host: (address as { host: string }).host, port: bound.port },
  );

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      server.close(() => {
        resolve();
      });
      for (const conn of connections) {
        conn.stopped = true;
        conn.unread = undefined;
        conn.socket.pause();
        endIfDrained(conn);
      }
    });
    return closed;
  };

  return Object.freeze({ address: actual, connections: () => connections.size, close });
};
