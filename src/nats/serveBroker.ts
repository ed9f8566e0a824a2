/**
 * A broker on NATS: it answers fleet broadcasts with the result of its own live broadcast.
 *
 * @since 0.3.0
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import * as E from 'fp-ts/Either';

import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastResult } from '../domain/BroadcastResult';
import { Name, decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import { BrokerReply, BrokerRequest } from './brokerProtocol';
import { DEFAULT_BROKER_PREFIX, brokerSubject, checkedPrefix } from './subject';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a broker's broadcast knows about the fleet's request.
 *
 * @since 0.3.0
 */
export interface BrokerRequestContext {
  /** The fleet's deadline, milliseconds since the Unix epoch, when it sent one. */
  readonly deadline: number | undefined;
  /** Aborts at the fleet's deadline (nobody waits for the answer after it): pass it to `runBroadcast`. */
  readonly signal: AbortSignal;
}

/**
 * Options of `serveBroker`.
 *
 * @since 0.3.0
 */
export interface ServeBrokerOptions {
  /** An open connection; stopping the broker leaves it open. */
  readonly connection: NatsConnection;
  /** The broker's name: its subject is `brokerSubject(name, prefix)`, and every answer carries it. */
  readonly name: string;
  /**
   * Run the live broadcast of `operation` over this broker's backends and give its result
   * (typically `runBroadcast(registry, operation, transport, { signal })`, keeping the state it
   * returns). Broadcasts run one at a time, in the order the requests came.
   */
  readonly broadcast: (operation: BroadcastOperation, context: BrokerRequestContext) => Promise<BroadcastResult>;
  /** The first tokens of the subject (default `DEFAULT_BROKER_PREFIX`). */
  readonly prefix?: string;
  /** Told, in one line, of each request that could not be answered as asked (default: nothing). */
  readonly onError?: (message: string) => void;
}

/**
 * A broker answering on NATS.
 *
 * @since 0.3.0
 */
export interface NatsBroker {
  /** The subject it listens on. */
  readonly subject: string;
  /** Stop listening; the broadcast under way and those queued still answer. Resolves when they have. */
  readonly stop: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// serving
// -------------------------------------------------------------------------------------

/**
 * Expose a broker on NATS: on each `BrokerRequest` to `brokerSubject(name)`, run `broadcast` and
 * reply with a `BrokerReply`, the result and the broker's name (or, when `broadcast` throws or
 * gives something that is not a `BroadcastResult`, the error in one line). A request that cannot
 * be read gets no reply: the fleet counts the broker as not answering; nor does a request whose
 * deadline has passed when its turn comes (broadcasts run one at a time). `fleetBroadcast` is the
 * other side.
 *
 * @example
 * import { connect } from '@nats-io/transport-node'
 * import { broadcastPolicy, createRegistry, runBroadcast } from 'lifecycle-broadcast'
 * import { natsTransport, serveBroker } from 'lifecycle-broadcast/nats'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const transport = natsTransport({ connection })
 * let registry = createRegistry(broadcastPolicy(2000))
 * const broker = serveBroker({
 *   connection,
 *   name: 'ci-runner-1',
 *   broadcast: async (operation, { signal }) => {
 *     const live = await runBroadcast(registry, operation, transport, { signal })
 *     registry = live.state
 *     return live.result
 *   },
 * })
 * // ... later
 * await broker.stop()
 *
 * @since 0.3.0
 */
export const serveBroker = (options: ServeBrokerOptions): NatsBroker => {
  if (
    typeof options !== 'object' ||
    (options as unknown) === null ||
    typeof (options.connection as unknown as { readonly subscribe?: unknown } | undefined)?.subscribe !== 'function' ||
    typeof options.broadcast !== 'function'
  ) {
    throw new TypeError(
      `serveBroker: expected options with a NATS connection and a broadcast function, got ${show(options)}`,
    );
  }
  if (!Name.is(options.name)) {
    throw new TypeError(`serveBroker: name: expected a non-empty string, got ${show(options.name)}`);
  }
  const { connection, name, broadcast } = options;
  const onError = (message: string): void => {
    try {
      options.onError?.(`${name}: ${message}`);
    } catch {
      // what onError throws is ignored
    }
  };
  const subject = brokerSubject(name, checkedPrefix('serveBroker', options.prefix ?? DEFAULT_BROKER_PREFIX));
  let queue: Promise<void> = Promise.resolve();

  const reply = (msg: Msg, answer: BrokerReply): void => {
    try {
      msg.respond(JSON.stringify(BrokerReply.encode(answer)));
    } catch (error: unknown) {
      onError(`cannot answer request ${String(answer.id)}: ${printable(errorMessage(error))}`);
    }
  };

  const run = async (msg: Msg, request: BrokerRequest): Promise<void> => {
    const controller = new AbortController();
    const left = request.deadlineUnixMs === undefined ? undefined : request.deadlineUnixMs - Date.now();
    if (left !== undefined && left <= 0) {
      // Its turn came after the fleet stopped waiting: the fleet has it as timed out already,
      // so it is not run behind the operator's back.
      onError(`request ${String(request.id)} not run: its deadline passed while an earlier broadcast ran`);
      return;
    }
    const timer =
      left === undefined
        ? undefined
        : setTimeout(() => {
            controller.abort(new Error('past the fleet deadline'));
          }, left);
    try {
      const result: unknown = await broadcast(request.operation, {
        deadline: request.deadlineUnixMs,
        signal: controller.signal,
      });
      if (BroadcastResult.is(result)) {
        reply(msg, { id: request.id, broker: name, result });
      } else {
        const error = `the broadcast gave ${printable(show(result))}, not a BroadcastResult`;
        onError(error);
        reply(msg, { id: request.id, broker: name, error });
      }
    } catch (error: unknown) {
      const message = `the broadcast failed: ${printable(errorMessage(error))}`;
      onError(message);
      reply(msg, { id: request.id, broker: name, error: message });
    } finally {
      clearTimeout(timer);
    }
  };

  const subscription = connection.subscribe(subject, {
    callback: (error: Error | null, msg: Msg) => {
      if (error !== null) {
        return;
      }
      let json: unknown;
      try {
        json = msg.json();
      } catch {
        onError(`a request that is not JSON: ${printable(show(msg.string().slice(0, 60)))}`);
        return;
      }
      const request = decode(BrokerRequest, json);
      if (E.isLeft(request) || msg.reply === undefined) {
        onError(`a request that cannot be read: ${E.isLeft(request) ? request.left.join('; ') : 'no reply subject'}`);
        return;
      }
      queue = queue.then(() => run(msg, request.right));
    },
  });

  const stop = async (): Promise<void> => {
    if (!subscription.isClosed()) {
      subscription.unsubscribe();
    }
    await queue;
  };

  return Object.freeze({ subject, stop });
};
