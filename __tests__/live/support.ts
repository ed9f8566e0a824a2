/**
 * What the live specifications share: registries built from a short description, and in-memory
 * transports that answer, fail, hang or misbehave as told, recording every request they get.
 */
import { isDeepStrictEqual } from 'node:util';

import { backend, backendKey, broadcastPolicy, createRegistry, keyId, register, replay, snapshot } from '../../src';
import type {
  Backend,
  BackendKey,
  BroadcastBackendResponse,
  BroadcastOperation,
  LiveBroadcast,
  Registry,
  Transport,
} from '../../src';
import { sharedInstance } from '../../src';

/** A key for service `name`. */
export const service = (name: string): BackendKey => backendKey(sharedInstance, name, '1.0.0', '');

/** One backend of a registry: its service name, whether it is live, and its modelled response. */
export type Described = readonly [name: string, live: boolean, response: BroadcastBackendResponse];

/** A registry with the policy `ackTimeoutMs` and the described backends, in that order. */
export const registryOf = (ackTimeoutMs: number, described: ReadonlyArray<Described>): Registry =>
  described.reduce(
    (state, [name, live, response]) => register(state, backend(service(name), live, response)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

/** What an in-memory backend does with a request. */
export type Behaviour =
  | { readonly _tag: 'Resolve'; readonly value: unknown; readonly afterMs?: number }
  | { readonly _tag: 'Reject'; readonly error: unknown }
  | { readonly _tag: 'Throw'; readonly error: unknown }
  | { readonly _tag: 'Return'; readonly value: unknown }
  /** Never settles; rejects when its signal aborts, as a well-behaved transport does. */
  | { readonly _tag: 'Hang' }
  /** Never settles, and ignores its signal. */
  | { readonly _tag: 'HangDeaf' }
  /** Answers `value` only once its signal aborted: a reply that comes after the runner decided. */
  | { readonly _tag: 'Late'; readonly value: unknown };

export const resolveWith = (value: unknown, afterMs?: number): Behaviour =>
  afterMs === undefined ? { _tag: 'Resolve', value } : { _tag: 'Resolve', value, afterMs };
export const hang: Behaviour = { _tag: 'Hang' };
export const hangDeaf: Behaviour = { _tag: 'HangDeaf' };
export const late = (value: unknown): Behaviour => ({ _tag: 'Late', value });

/** One request an in-memory transport received. */
export interface Received {
  readonly backend: Backend;
  readonly operation: BroadcastOperation;
  readonly signal: AbortSignal;
}

/** An in-memory transport and what it saw. */
export interface Recorded {
  readonly transport: Transport;
  readonly received: Received[];
  /** The most requests that were outstanding at once. */
  readonly maxOutstanding: () => number;
  /** Requests not settled yet (hanging ones included). */
  readonly outstanding: () => number;
  /** Clear the timers of delayed answers still to come. */
  readonly dispose: () => void;
}

/** A transport doing what `behaviourOf` says for each backend. */
export const recordingTransport = (behaviourOf: (b: Backend) => Behaviour): Recorded => {
  const received: Received[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let outstanding = 0;
  let max = 0;
  const transport = ((b: Backend, operation: BroadcastOperation, signal: AbortSignal): unknown => {
    received.push({ backend: b, operation, signal });
    const behaviour = behaviourOf(b);
    switch (behaviour._tag) {
      case 'Throw':
        throw behaviour.error;
      case 'Return':
        return behaviour.value;
      case 'Reject':
        // A transport may reject with anything; this one rejects with what it is told to.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(behaviour.error);
      case 'Resolve':
      case 'Hang':
      case 'HangDeaf':
      case 'Late':
        break;
    }
    outstanding += 1;
    max = Math.max(max, outstanding);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        outstanding -= 1;
      };
      switch (behaviour._tag) {
        case 'Resolve': {
          if (behaviour.afterMs === undefined) {
            done();
            resolve(behaviour.value);
            return;
          }
          const timer = setTimeout(() => {
            timers.delete(timer);
            done();
            resolve(behaviour.value);
          }, behaviour.afterMs);
          timers.add(timer);
          signal.addEventListener('abort', () => {
            if (timers.delete(timer)) {
              clearTimeout(timer);
              done();
              reject(signal.reason as Error);
            }
          });
          return;
        }
        case 'Hang':
          signal.addEventListener('abort', () => {
            done();
            reject(signal.reason as Error);
          });
          return;
        case 'HangDeaf':
          return;
        case 'Late':
          signal.addEventListener('abort', () => {
            done();
            resolve(behaviour.value);
          });
          return;
      }
    });
  }) as Transport;
  return {
    transport,
    received,
    maxOutstanding: () => max,
    outstanding: () => outstanding,
    dispose: () => {
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
    },
  };
};

/** A transport answering every backend as its modelled response says (a timeout hangs). */
export const modelledTransport = (): Recorded =>
  recordingTransport((b) =>
    b.response._tag === 'Timeout' ? hang : resolveWith(b.response._tag === 'Ack' ? { _tag: 'Ack' } : b.response),
  );

/** The service names of a result list. */
export const namesOf = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((entry) => entry.key.serviceName);

/**
 * The law of a live run: replaying its actions from where it started gives its registry (same
 * snapshot) and, as the last event, its result.
 */
export const reproduces = (start: Registry, live: LiveBroadcast): boolean => {
  const replayed = replay(start, live.actions);
  const last = replayed.events[replayed.events.length - 1];
  return (
    isDeepStrictEqual(snapshot(replayed.state), snapshot(live.state)) &&
    last?._tag === 'OperationBroadcast' &&
    isDeepStrictEqual(last.result, live.result)
  );
};

/** Ids of keys, to compare lists of keys whatever objects hold them. */
export const idsOf = (keys: ReadonlyArray<BackendKey>): ReadonlyArray<string> => keys.map(keyId);
