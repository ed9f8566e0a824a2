/**
 * The backend side of `natsTransport`: answer the socket protocol's requests on a backend's
 * subject with the same handler `serveLifecycle` takes.
 *
 * @since 0.3.0
 */
import { isUtf8 } from 'node:buffer';

import type { Msg, NatsConnection } from '@nats-io/transport-node';
import * as E from 'fp-ts/Either';

import type { BackendKey } from '../domain/BackendKey';
import { BackendKey as BackendKeyCodec } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastOperation as OperationCodec } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import type { Outcome } from '../live/Transport';
import { Outcome as OutcomeCodec, failureOutcome } from '../live/Transport';
import { BackendProgress, BackendReply, MAX_EXTEND_MS } from '../node/protocol';
import type {
  LifecycleHandler,
  LifecycleServerError,
  LifecycleServerErrorCode,
  HandlerContext,
} from '../node/serveLifecycle';
import { excerpt } from '../node/wire';
import { DEFAULT_BACKEND_PREFIX, backendSubject, checkedPrefix } from './subject';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where and how `serveNatsBackend` answers.
 *
 * @since 0.3.0
 */
export interface ServeNatsBackendOptions {
  /** An open connection; stopping the backend leaves it open. */
  readonly connection: NatsConnection;
  /** The backend this is: its subject is derived from it. */
  readonly key: BackendKey;
  /**
   * The answer to each operation: the same `LifecycleHandler` `serveLifecycle` takes, so one
   * handler serves both transports. Its context's `signal` aborts when the connection closes
   * (no answer can be sent any more).
   */
  readonly handle: LifecycleHandler;
  /** The first tokens of the default subject (default `DEFAULT_BACKEND_PREFIX`). */
  readonly prefix?: string;
  /** The subject to listen on (default `backendSubject(key, prefix)`); the broker's transport must agree. */
  readonly subjectOf?: (key: BackendKey) => string;
  /**
   * Told each problem dealt with, as `serveLifecycle` tells them (`MalformedRequest`,
   * `HandlerFailed`, `InvalidOutcome`, `ConnectionFailed` when a reply cannot be sent); default:
   * nothing. What it throws is ignored.
   */
  readonly onError?: (error: LifecycleServerError) => void;
}

/**
 * A backend answering on NATS.
 *
 * @since 0.3.0
 */
export interface NatsBackend {
  /** The subject it listens on. */
  readonly subject: string;
  /** Stop listening: requests already received are still answered; resolves when they are. */
  readonly stop: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// serving
// -------------------------------------------------------------------------------------

const backendError = failureOutcome('BackendError');
const unsupported = failureOutcome('UnsupportedOperation');

const deadlineOf = (u: unknown): number | undefined =>
  typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? u : undefined;

/** The JSON object a request message holds, with its id, or why there is nothing to answer. */
const readRequest = (msg: Msg): E.Either<string, { readonly id: number; readonly raw: Record<string, unknown> }> => {
  if (!isUtf8(msg.data)) {
    return E.left('malformed request (not UTF-8)');
  }
  const text = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left(`malformed request (not JSON): ${excerpt(text)}`);
  }
  const id = (json as { readonly id?: unknown } | null)?.id;
  return typeof json === 'object' && json !== null && !Array.isArray(json) && Number.isSafeInteger(id) && Number(id) > 0
    ? E.right({ id: id as number, raw: json as Record<string, unknown> })
    : E.left(`malformed request (no positive integer id): ${excerpt(text)}`);
};

/**
 * Answer the requests of `natsTransport` for the backend `key`: subscribe to its subject, decode
 * each request (`BackendRequest`), call `handle` with its operation and a `HandlerContext`, and
 * reply with the `BackendReply` carrying the request's id; `context.extend(ms)` sends a
 * `BackendProgress` first. The same objects as over a socket (docs/live.md), with the handler
 * `serveLifecycle` takes, so one handler serves both transports.
 *
 * A request that is not UTF-8 JSON with a positive integer id gets no reply (there is no id to
 * answer to; the broker times it out); one whose operation this version cannot read is answered
 * `UnsupportedOperation`; unknown fields are ignored. `onError` hears of each problem.
 *
 * @example
 * import { connect } from '@nats-io/transport-node'
 * import { ackOutcome, backendKey, explicitInstance, failureOutcome } from 'lifecycle-broadcast'
 * import { serveNatsBackend } from 'lifecycle-broadcast/nats'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const backend = serveNatsBackend({
 *   connection,
 *   key: backendKey(explicitInstance('ci-runner-1'), 'zccache', '1.0.0'),
 *   handle: (operation) => (operation._tag === 'ReleaseHandles' ? ackOutcome : failureOutcome('UnsupportedOperation')),
 * })
 * // ... later
 * await backend.stop()
 * await connection.drain()
 *
 * @since 0.3.0
 */
export const serveNatsBackend = (options: ServeNatsBackendOptions): NatsBackend => {
  if (
    typeof options !== 'object' ||
    (options as unknown) === null ||
    typeof (options.connection as unknown as { readonly subscribe?: unknown } | undefined)?.subscribe !== 'function' ||
    typeof options.handle !== 'function'
  ) {
    throw new TypeError(
      `serveNatsBackend: expected options with a NATS connection and a handle function, got ${show(options)}`,
    );
  }
  const key = decode(BackendKeyCodec, options.key);
  if (E.isLeft(key)) {
    throw new TypeError(`serveNatsBackend: key: ${key.left.join('; ')}`);
  }
  const { connection, handle } = options;
  const prefix = checkedPrefix('serveNatsBackend', options.prefix ?? DEFAULT_BACKEND_PREFIX);
  const subject = (options.subjectOf ?? ((k: BackendKey) => backendSubject(k, prefix)))(key.right);
  const closing = new AbortController();
  void connection.closed().then(() => {
    closing.abort();
  });
  const inFlight = new Set<Promise<void>>();

  const report = (code: LifecycleServerErrorCode, message: string): void => {
    try {
      options.onError?.(Object.assign(new Error(`${subject}: ${message}`), { code }));
    } catch {
      // what onError throws is ignored, as documented
    }
  };

  const send = (msg: Msg, id: number, json: unknown): void => {
    try {
      msg.respond(JSON.stringify(json));
    } catch (error: unknown) {
      report('ConnectionFailed', `cannot answer request ${String(id)}: ${printable(errorMessage(error))}`);
    }
  };

  const answer = async (msg: Msg, id: number, operation: BroadcastOperation, raw: Record<string, unknown>) => {
    let answered = false;
    const context: HandlerContext = Object.freeze({
      id,
      deadline: deadlineOf(raw.deadlineUnixMs),
      signal: closing.signal,
      extend: (ms: number): void => {
        if (!(typeof ms === 'number' && Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_EXTEND_MS)) {
          throw new RangeError(
            `extend: expected a positive integer of milliseconds (at most ${String(MAX_EXTEND_MS)}), got ${show(ms)}`,
          );
        }
        if (!answered) {
          send(msg, id, BackendProgress.encode({ id, progress: { extendMs: ms } }));
        }
      },
    });
    let outcome: Outcome = backendError;
    try {
      const given: unknown = await handle(operation, context);
      if (OutcomeCodec.is(given)) {
        outcome = given;
      } else {
        report(
          'InvalidOutcome',
          `the handler gave ${printable(show(given))} for request ${String(id)} (${operation._tag}), not an outcome`,
        );
      }
    } catch (error: unknown) {
      report(
        'HandlerFailed',
        `the handler failed request ${String(id)} (${operation._tag}): ${printable(errorMessage(error))}`,
      );
    }
    answered = true;
    send(msg, id, BackendReply.encode({ id, outcome }));
  };

  const onMessage = (msg: Msg): void => {
    const request = readRequest(msg);
    if (E.isLeft(request) || msg.reply === undefined || msg.reply === '') {
      report('MalformedRequest', E.isLeft(request) ? request.left : 'a request without a reply subject');
      return;
    }
    const { id, raw } = request.right;
    const operation = decode(OperationCodec, raw.operation);
    if (E.isLeft(operation)) {
      send(msg, id, BackendReply.encode({ id, outcome: unsupported }));
      return;
    }
    const answering = answer(msg, id, operation.right, raw).finally(() => inFlight.delete(answering));
    inFlight.add(answering);
  };

  const subscription = connection.subscribe(subject, {
    callback: (error: Error | null, msg: Msg) => {
      if (error === null) {
        onMessage(msg);
      }
    },
  });

  const stop = async (): Promise<void> => {
    if (!subscription.isClosed()) {
      subscription.unsubscribe();
    }
    await Promise.all([...inFlight]);
  };

  return Object.freeze({ subject, stop });
};
