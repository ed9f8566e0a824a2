/**
 * A broadcast to a fleet of brokers over NATS, with one deadline: each broker's result, the
 * brokers that did not answer and why, and the combined result through the result Monoid.
 *
 * @since 0.3.0
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { createInbox } from '@nats-io/transport-node';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import type { BackendKey } from '../domain/BackendKey';
import { keyId } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastOperation as OperationCodec } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { getBroadcastResultMonoid, resultEntries } from '../domain/BroadcastResult';
import { Name, decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { DEFAULT_MAX_REPLY_BYTES } from '../node/socketTransport';
import { BrokerReply, BrokerRequest } from './brokerProtocol';
import { readReplyMessage } from './natsTransport';
import { DEFAULT_BROKER_PREFIX, brokerSubject, checkedPrefix } from './subject';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A broker that answered with the result of its broadcast.
 *
 * @since 0.3.0
 */
export interface BrokerAnswered {
  readonly _tag: 'Answered';
  readonly broker: string;
  readonly result: BroadcastResult;
}

/**
 * Why a broker of the roster has no result:
 * - `NoResponders`: nothing listens on its subject (the server says so at once: it never
 *   existed, or it is down);
 * - `TimedOut`: no answer before the fleet's deadline;
 * - `Malformed`: its answer could not be read (not JSON, not a `BrokerReply`, another broker's
 *   name, over the size limit);
 * - `BroadcastFailed`: it answered that it could not run the broadcast;
 * - `ConnectionLost`: the fleet's own connection to NATS dropped (or closed) before it answered.
 *
 * @since 0.3.0
 */
export type BrokerMissingReason = 'NoResponders' | 'TimedOut' | 'Malformed' | 'BroadcastFailed' | 'ConnectionLost';

/**
 * A broker of the roster without a result, with why, and a one-line message.
 *
 * @since 0.3.0
 */
export interface BrokerMissing {
  readonly _tag: 'Missing';
  readonly broker: string;
  readonly reason: BrokerMissingReason;
  readonly message: string;
}

/**
 * What a fleet broadcast gives.
 *
 * @since 0.3.0
 */
export interface FleetBroadcast {
  readonly operation: BroadcastOperation;
  /** Every broker of the roster, in roster order, answered or missing. */
  readonly brokers: ReadonlyArray<BrokerAnswered | BrokerMissing>;
  /** The brokers that answered, in roster order. */
  readonly answered: ReadonlyArray<BrokerAnswered>;
  /** The brokers that did not, in roster order. */
  readonly missing: ReadonlyArray<BrokerMissing>;
  /**
   * The answered results combined through `getBroadcastResultMonoid` (`none` when no broker
   * answered): every backend listed once, in the order the brokers listed them, roster order
   * first; a backend two brokers report is listed once, with the later broker's entry.
   */
  readonly combined: O.Option<BroadcastResult>;
  /** Backends that more than one broker reported, by their `keyId` (a roster that overlaps). */
  readonly reportedTwice: ReadonlyArray<BackendKey>;
}

/**
 * Options of `fleetBroadcast`.
 *
 * @since 0.3.0
 */
export interface FleetBroadcastOptions {
  /** An open connection. */
  readonly connection: NatsConnection;
  /** How long to wait for the brokers, in milliseconds, all of them together. */
  readonly deadlineMs: number;
  /** The first tokens of the brokers' subjects (default `DEFAULT_BROKER_PREFIX`). */
  readonly prefix?: string;
  /** The longest answer accepted, in bytes (default 64 times `DEFAULT_MAX_REPLY_BYTES`: a result lists every backend). */
  readonly maxReplyBytes?: number;
}

// -------------------------------------------------------------------------------------
// combining
// -------------------------------------------------------------------------------------

/**
 * The combined result of the brokers that answered, through the result Monoid, with the order
 * of first appearance, and the backends reported by more than one broker.
 *
 * @since 0.3.0
 */
export const combineFleet = (
  answered: ReadonlyArray<BrokerAnswered>,
): { readonly combined: O.Option<BroadcastResult>; readonly reportedTwice: ReadonlyArray<BackendKey> } => {
  const position = new Map<string, number>();
  const twice = new Map<string, BackendKey>();
  for (const a of answered) {
    const mine = new Set<string>();
    for (const entry of resultEntries(a.result)) {
      const id = keyId(entry.key);
      if (position.has(id) && !mine.has(id)) {
        twice.set(id, entry.key);
      } else if (!position.has(id)) {
        position.set(id, position.size);
      }
      mine.add(id);
    }
  }
  const at = (k: BackendKey): number => position.get(keyId(k)) ?? Number.MAX_SAFE_INTEGER;
  const monoid = getBroadcastResultMonoid({
    equals: (x, y) => keyId(x) === keyId(y),
    compare: (x, y) => {
      const d = at(x) - at(y);
      return d < 0 ? -1 : d > 0 ? 1 : 0;
    },
  });
  const combined = answered.reduce<O.Option<BroadcastResult>>(
    (acc, a) => monoid.concat(acc, O.some(a.result)),
    monoid.empty,
  );
  return { combined, reportedTwice: [...twice.values()] };
};

// -------------------------------------------------------------------------------------
// broadcasting
// -------------------------------------------------------------------------------------

const positiveInteger = (name: string, value: unknown, fallback: number | undefined): number => {
  if (value === undefined && fallback !== undefined) {
    return fallback;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) {
    return value;
  }
  throw new RangeError(`fleetBroadcast: ${name}: expected a positive integer, got ${show(value)}`);
};

/**
 * Send `operation` to every broker of `roster` (by name, on `brokerSubject(name)`; `serveBroker`
 * answers there) and wait for their answers until `deadlineMs` has passed, all together.
 *
 * Each broker answers with the result of its own live broadcast (its runner decides its
 * backends' timeouts, within the fleet's deadline that the request carries). The fleet takes
 * the first answer of each broker and drops any later one; a broker the server knows no
 * subscriber for is `NoResponders` at once; the others are `TimedOut` at the deadline. It
 * resolves as soon as every broker is answered or missing, never later than the deadline, and
 * never rejects for what a broker did.
 *
 * @example
 * import { connect } from '@nats-io/transport-node'
 * import { releaseHandlesOperation } from 'lifecycle-broadcast'
 * import { fleetBroadcast } from 'lifecycle-broadcast/nats'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const fleet = await fleetBroadcast(['ci-runner-1', 'ci-runner-2'], releaseHandlesOperation('/shared/cache'), {
 *   connection,
 *   deadlineMs: 5000,
 * })
 * for (const b of fleet.brokers) console.log(b.broker, b._tag === 'Answered' ? b.result._tag : b.reason)
 * await connection.drain()
 *
 * @since 0.3.0
 */
export const fleetBroadcast = (
  roster: ReadonlyArray<string>,
  operation: BroadcastOperation,
  options: FleetBroadcastOptions,
): Promise<FleetBroadcast> => {
  if (!Array.isArray(roster) || !roster.every((n) => Name.is(n))) {
    return Promise.reject(new TypeError(`fleetBroadcast: roster: expected broker names, got ${show(roster)}`));
  }
  if (new Set(roster).size !== roster.length) {
    return Promise.reject(new RangeError(`fleetBroadcast: roster: a broker is named twice in ${show(roster)}`));
  }
  const op = decode(OperationCodec, operation);
  if (E.isLeft(op)) {
    return Promise.reject(new TypeError(`fleetBroadcast: operation: ${op.left.join('; ')}`));
  }
  if (
    typeof options !== 'object' ||
    (options as unknown) === null ||
    typeof (options.connection as unknown as { readonly publish?: unknown } | undefined)?.publish !== 'function'
  ) {
    return Promise.reject(
      new TypeError(`fleetBroadcast: expected options with a NATS connection, got ${show(options)}`),
    );
  }
  let deadlineMs: number;
  let maxBytes: number;
  let prefix: string;
  try {
    deadlineMs = positiveInteger('deadlineMs', options.deadlineMs, undefined);
    maxBytes = positiveInteger('maxReplyBytes', options.maxReplyBytes, DEFAULT_MAX_REPLY_BYTES * 64);
    prefix = checkedPrefix('fleetBroadcast', options.prefix ?? DEFAULT_BROKER_PREFIX);
  } catch (error: unknown) {
    return Promise.reject(error instanceof Error ? error : new Error(errorMessage(error)));
  }
  const { connection } = options;

  return new Promise<FleetBroadcast>((resolve) => {
    const outcomes = new Map<number, BrokerAnswered | BrokerMissing>();
    const inbox = createInbox();
    const deadlineUnixMs = Date.now() + deadlineMs;
    let done = false;
    let stopWatching = (): void => undefined;

    const missing = (i: number, reason: BrokerMissingReason, message: string): BrokerMissing => ({
      _tag: 'Missing',
      broker: roster[i] ?? '',
      reason,
      message,
    });

    const finish = (): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(timer);
      stopWatching();
      if (!subscription.isClosed()) {
        subscription.unsubscribe();
      }
      const brokers = roster.map(
        (name, i) =>
          outcomes.get(i) ?? missing(i, 'TimedOut', `${name} did not answer within ${String(deadlineMs)} ms`),
      );
      const answered = brokers.filter((b): b is BrokerAnswered => b._tag === 'Answered');
      resolve({
        operation: op.right,
        brokers,
        answered,
        missing: brokers.filter((b): b is BrokerMissing => b._tag === 'Missing'),
        ...combineFleet(answered),
      });
    };

    const settle = (i: number, outcome: BrokerAnswered | BrokerMissing): void => {
      if (done || outcomes.has(i)) {
        return; // a second answer of one broker is dropped
      }
      outcomes.set(i, outcome);
      if (outcomes.size === roster.length) {
        finish();
      }
    };

    const onAnswer = (msg: Msg): void => {
      const i = Number(msg.subject.slice(inbox.length + 1));
      const name = roster[i];
      if (name === undefined) {
        return;
      }
      const label = brokerSubject(name, prefix);
      const read = readReplyMessage(msg, label, maxBytes, (json) => E.right(json));
      if (E.isLeft(read)) {
        settle(i, missing(i, read.left.code === 'NoResponders' ? 'NoResponders' : 'Malformed', read.left.message));
        return;
      }
      const reply = decode(BrokerReply, read.right);
      if (E.isLeft(reply)) {
        settle(i, missing(i, 'Malformed', `malformed answer on ${label}: ${reply.left.join('; ')}`));
      } else if (reply.right.broker !== name || reply.right.id !== i + 1) {
        settle(
          i,
          missing(
            i,
            'Malformed',
            `malformed answer on ${label}: from ${show(reply.right.broker)} to request ${String(reply.right.id)}`,
          ),
        );
      } else if ('error' in reply.right) {
        settle(i, missing(i, 'BroadcastFailed', `${name}: ${reply.right.error}`));
      } else {
        settle(i, { _tag: 'Answered', broker: name, result: reply.right.result });
      }
    };

    const subscription = connection.subscribe(`${inbox}.*`, {
      callback: (error: Error | null, msg: Msg) => {
        if (error === null) {
          onAnswer(msg);
        }
      },
    });
    const timer = setTimeout(finish, deadlineMs);

    const lose = (why: string): void => {
      roster.forEach((name, i) => {
        settle(i, missing(i, 'ConnectionLost', `${why} before ${name} answered`));
      });
    };
    // The client tells a lost connection on its status stream, stopped (which ends the loop)
    // when the broadcast ends.
    const statuses = connection.status();
    stopWatching = () => {
      (statuses as { readonly stop?: () => void }).stop?.();
    };
    void (async () => {
      for await (const s of statuses) {
        if (s.type === 'disconnect' || s.type === 'close') {
          lose(s.type === 'close' ? 'the NATS connection closed' : 'the connection to NATS was lost');
        }
      }
    })();
    if (connection.isClosed()) {
      lose('the NATS connection is closed');
    }

    if (roster.length === 0) {
      finish();
      return;
    }
    roster.forEach((name, i) => {
      const request = JSON.stringify(BrokerRequest.encode({ id: i + 1, operation: op.right, deadlineUnixMs }));
      try {
        connection.publish(brokerSubject(name, prefix), request, { reply: `${inbox}.${String(i)}` });
      } catch (error: unknown) {
        settle(i, missing(i, 'ConnectionLost', `cannot ask ${name}: ${errorMessage(error)}`));
      }
    });
  });
};
