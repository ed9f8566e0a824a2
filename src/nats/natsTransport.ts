/**
 * A `Transport` over NATS request/reply: each request is a NATS message to the backend's subject
 * carrying the socket protocol's request object, and the reply is the protocol's reply object.
 *
 * @since 0.3.0
 */
import { isUtf8 } from 'node:buffer';

import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { createInbox } from '@nats-io/transport-node';
import * as E from 'fp-ts/Either';

import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import type { Outcome, RequestContext, Transport } from '../live/Transport';
import { BackendMessage } from '../node/protocol';
import { DEFAULT_MAX_REPLY_BYTES } from '../node/socketTransport';
import { abortReason, checkedTransport, excerpt, requestJson } from '../node/wire';
import { DEFAULT_BACKEND_PREFIX, backendSubject, checkedPrefix } from './subject';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How `natsTransport` reaches backends.
 *
 * @since 0.3.0
 */
export interface NatsTransportOptions {
  /** An open connection from `@nats-io/transport-node`'s `connect`; the transport never closes it. */
  readonly connection: NatsConnection;
  /** The first tokens of the default subjects (default `DEFAULT_BACKEND_PREFIX`). */
  readonly prefix?: string;
  /** The subject of the backend with `key` (default `backendSubject(key, prefix)`); asked before every request. */
  readonly subjectOf?: (key: BackendKey) => string;
  /** The longest reply accepted, in bytes (default `DEFAULT_MAX_REPLY_BYTES`, as over sockets). */
  readonly maxReplyBytes?: number;
}

/**
 * Why the NATS transport could not get an answer: the `code` of the error it rejects with, which
 * `runBroadcast` keeps in its `TransportFailed` diagnostic.
 * - `InvalidSubject`: `subjectOf` threw, or gave something NATS refuses as a subject;
 * - `NoResponders`: nothing subscribes to the backend's subject (the server says so at once);
 * - `MalformedReply`: a reply that is not UTF-8, not JSON, not a `BackendReply`, or a status
 *   message other than "no responders";
 * - `MismatchedReply`: a reply with another request's id;
 * - `OversizedReply`: a reply longer than `maxReplyBytes`;
 * - `ConnectionLost`: the connection to the NATS server dropped while the request was out (a
 *   reply sent meanwhile is lost; the client reconnects by itself for later requests);
 * - `ConnectionClosed`: the connection is closed (or closing);
 * - `PublishFailed`: the client refused to send the request for another reason;
 * - `TransportClosed`: `close()` was called.
 *
 * @since 0.3.0
 */
export type NatsFailureCode =
  | 'InvalidSubject'
  | 'NoResponders'
  | 'MalformedReply'
  | 'MismatchedReply'
  | 'OversizedReply'
  | 'ConnectionLost'
  | 'ConnectionClosed'
  | 'PublishFailed'
  | 'TransportClosed';

/**
 * The error a NATS transport rejects with: a one-line message naming the backend's subject, and
 * a `NatsFailureCode`.
 *
 * @since 0.3.0
 */
export interface NatsTransportError extends Error {
  readonly code: NatsFailureCode;
}

/**
 * A `Transport` over NATS, with the reply subscription it keeps.
 *
 * @since 0.3.0
 */
export interface NatsTransport extends Transport {
  /**
   * Stop: outstanding requests reject with `TransportClosed`, and so does every later request;
   * the reply subscription is removed. The connection stays open (it is the caller's).
   */
  readonly close: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// replies
// -------------------------------------------------------------------------------------

/**
 * A NATS error for `code`.
 *
 * @internal
 */
export const natsError = (code: NatsFailureCode, message: string): NatsTransportError =>
  Object.assign(new Error(message), { code });

const NO_RESPONDERS = 503;

/**
 * The outcome a reply message carries for request `id`, or the error it is. Shared by the
 * transport and the fleet, which read the same kind of messages.
 *
 * @internal
 */
export const readReplyMessage = <A>(
  msg: Msg,
  label: string,
  maxBytes: number,
  read: (json: unknown) => E.Either<NatsTransportError, A>,
): E.Either<NatsTransportError, A> => {
  const status = msg.headers?.code ?? 0;
  if (status !== 0 && msg.data.length === 0) {
    return E.left(
      status === NO_RESPONDERS
        ? natsError('NoResponders', `no responders on ${label}: nothing subscribes there`)
        : natsError(
            'MalformedReply',
            `malformed reply on ${label}: status ${String(status)} ${msg.headers?.description ?? ''}`.trim(),
          ),
    );
  }
  if (msg.data.length > maxBytes) {
    return E.left(natsError('OversizedReply', `reply on ${label} over ${String(maxBytes)} bytes`));
  }
  if (!isUtf8(msg.data)) {
    return E.left(natsError('MalformedReply', `malformed reply on ${label}: not UTF-8`));
  }
  const text = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left(natsError('MalformedReply', `malformed reply on ${label}: not JSON: ${excerpt(text)}`));
  }
  return read(json);
};

// -------------------------------------------------------------------------------------
// transport
// -------------------------------------------------------------------------------------

interface Pending {
  readonly subject: string;
  /** The runner's, to move this request's deadline when the backend asks for more time. */
  readonly progress: ((extendMs: number) => void) | undefined;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: NatsTransportError) => void;
}

const ONCE = Object.freeze({ once: true });

const maxReplyBytesOf = (value: unknown): number => {
  if (value === undefined) {
    return DEFAULT_MAX_REPLY_BYTES;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) {
    return value;
  }
  throw new RangeError(`natsTransport: maxReplyBytes: expected a positive integer, got ${show(value)}`);
};

/**
 * A transport sending each request as a NATS message to the backend's subject (`subjectOf`, by
 * default `backendSubject(key, prefix)`), with a reply subject of its own, and resolving with the
 * backend's reply.
 *
 * The request and the reply are the socket protocol's objects (`BackendRequest`, `BackendReply`;
 * docs/live.md) as JSON, with ids this transport never reuses: a backend serves both transports
 * with one handler. All replies come to one wildcard subscription on a fresh inbox, the id in
 * the reply subject telling whose. A reply for a request given up on (its signal aborted) is
 * dropped. When the connection drops, every outstanding request rejects with `ConnectionLost`:
 * NATS does not keep a reply for a subscriber that is away.
 *
 * The transport never decides a timeout: `runBroadcast` does, from the registry's policy.
 *
 * @example
 * import { connect } from '@nats-io/transport-node'
 * import { broadcastPolicy, createRegistry, quiesceOperation, runBroadcast } from 'lifecycle-broadcast'
 * import { natsTransport } from 'lifecycle-broadcast/nats'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const transport = natsTransport({ connection })
 * try {
 *   const live = await runBroadcast(createRegistry(broadcastPolicy(2000)), quiesceOperation('BrokerShutdown'), transport)
 *   console.log(live.result._tag, live.diagnostics)
 * } finally {
 *   await transport.close()
 *   await connection.drain()
 * }
 *
 * @since 0.3.0
 */
export const natsTransport = (options: NatsTransportOptions): NatsTransport => {
  if (
    typeof options !== 'object' ||
    (options as unknown) === null ||
    typeof (options.connection as unknown as { readonly publish?: unknown } | undefined)?.publish !== 'function'
  ) {
    throw new TypeError(`natsTransport: expected options with a NATS connection, got ${show(options)}`);
  }
  if (options.subjectOf !== undefined && typeof options.subjectOf !== 'function') {
    throw new TypeError(`natsTransport: subjectOf: expected a function, got ${show(options.subjectOf)}`);
  }
  const { connection } = options;
  const prefix = checkedPrefix('natsTransport', options.prefix ?? DEFAULT_BACKEND_PREFIX);
  const subjectOf = options.subjectOf ?? ((key: BackendKey) => backendSubject(key, prefix));
  const maxReplyBytes = maxReplyBytesOf(options.maxReplyBytes);
  const inbox = createInbox();
  const pending = new Map<number, Pending>();
  let lastId = 0;
  let closed = false;
  let replies: Subscription | undefined;

  const failAll = (error: (p: Pending) => NatsTransportError): void => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) {
      p.reject(error(p));
    }
  };

  const onReply = (msg: Msg): void => {
    const id = Number(msg.subject.slice(inbox.length + 1));
    const waiting = pending.get(id);
    if (waiting === undefined) {
      return; // given up on, or answered already: NATS may deliver a second reply
    }
    const read = readReplyMessage(msg, waiting.subject, maxReplyBytes, (json) => {
      const decoded = decode(BackendMessage, json);
      if (E.isLeft(decoded)) {
        return E.left(natsError('MalformedReply', `malformed reply on ${waiting.subject}: ${decoded.left.join('; ')}`));
      }
      return decoded.right.id === id
        ? E.right(decoded.right)
        : E.left(
            natsError(
              'MismatchedReply',
              `mismatched reply on ${waiting.subject}: id ${String(decoded.right.id)}, asked ${String(id)}`,
            ),
          );
    });
    if (E.isLeft(read)) {
      pending.delete(id);
      waiting.reject(read.left);
    } else if ('outcome' in read.right) {
      pending.delete(id);
      waiting.resolve(read.right.outcome);
    } else {
      // A progress message: the backend is still at work and asks the runner for more time.
      waiting.progress?.(read.right.progress.extendMs);
    }
  };

  const watchStatus = async (): Promise<void> => {
    for await (const s of connection.status()) {
      if (closed) {
        return;
      }
      if (s.type === 'disconnect') {
        failAll((p) => natsError('ConnectionLost', `connection to NATS lost before ${p.subject} replied`));
      }
    }
  };

  const subscribe = (): Subscription => {
    if (replies === undefined) {
      replies = connection.subscribe(`${inbox}.*`, {
        callback: (error: Error | null, msg: Msg) => {
          if (error === null) {
            onReply(msg);
          }
        },
      });
      void watchStatus();
      void connection.closed().then(() => {
        failAll((p) => natsError('ConnectionClosed', `the NATS connection closed before ${p.subject} replied`));
      });
    }
    return replies;
  };

  const subjectFor = (key: BackendKey): E.Either<NatsTransportError, string> => {
    try {
      const subject: unknown = subjectOf(key);
      return typeof subject === 'string' &&
        subject.length > 0 &&
        !/\s/.test(subject) &&
        !/(^|\.)(\*|>)?(\.|$)/.test(subject)
        ? E.right(subject)
        : E.left(
            natsError(
              'InvalidSubject',
              `subjectOf gave ${show(subject)} for ${key.serviceName}, not a literal NATS subject`,
            ),
          );
    } catch (error: unknown) {
      return E.left(natsError('InvalidSubject', `subjectOf threw for ${key.serviceName}: ${errorMessage(error)}`));
    }
  };

  const request = (
    key: BackendKey,
    operation: BroadcastOperation,
    signal: AbortSignal,
    context: RequestContext | undefined,
  ): Promise<Outcome> =>
    new Promise<Outcome>((resolve, reject) => {
      if (closed) {
        reject(natsError('TransportClosed', 'the NATS transport is closed'));
        return;
      }
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const subject = subjectFor(key);
      if (E.isLeft(subject)) {
        reject(subject.left);
        return;
      }
      if (connection.isClosed() || connection.isDraining()) {
        reject(natsError('ConnectionClosed', `the NATS connection is closed: cannot ask ${subject.right}`));
        return;
      }
      subscribe();
      lastId += 1;
      const id = lastId;
      const onAbort = (): void => {
        if (pending.delete(id)) {
          reject(abortReason(signal));
        }
      };
      pending.set(id, {
        subject: subject.right,
        progress: context?.progress,
        resolve: (outcome) => {
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      signal.addEventListener('abort', onAbort, ONCE);
      try {
        connection.publish(subject.right, requestJson(id, operation, context), { reply: `${inbox}.${String(id)}` });
      } catch (error: unknown) {
        pending.get(id)?.reject(natsError('PublishFailed', `cannot ask ${subject.right}: ${errorMessage(error)}`));
        pending.delete(id);
      }
    });

  const transport = checkedTransport('natsTransport', request);

  const close = async (): Promise<void> => {
    closed = true;
    failAll((p) => natsError('TransportClosed', `the NATS transport was closed before ${p.subject} replied`));
    if (replies !== undefined && !connection.isClosed()) {
      replies.unsubscribe();
    }
    await Promise.resolve();
  };

  return Object.freeze(Object.assign(transport, { close }));
};
