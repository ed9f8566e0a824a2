/**
 * `step`: the one entry point that applies any `RegistryAction` to a registry, and the events
 * that say what each step did. Redux stores and log replay are both built on it.
 *
 * @since 0.1.0
 */
import type * as O from 'fp-ts/Option';

import type { Backend } from './Backend';
import { frozenBackend } from './Backend';
import type { BackendKey } from './BackendKey';
import { copyKey } from './BackendKey';
import { canonicalResponse } from './BroadcastBackendResponse';
import type { BroadcastResult } from './BroadcastResult';
import { matchTag } from './internal/match';
import type { OperationBroadcastTo, Registry, Transition } from './Registry';
import { broadcast, broadcastTo, register, setLive, setResponse, unregister } from './Registry';
import type { RegistryAction } from './RegistryAction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A backend was registered; `replaced` is the backend it took the place of, if any.
 *
 * @since 0.1.0
 */
export interface BackendRegistered {
  readonly _tag: 'BackendRegistered';
  readonly backend: Backend;
  readonly replaced: O.Option<Backend>;
}

/**
 * A backend's liveness was set (`previous` and `backend` are one object when it did not change).
 *
 * @since 0.1.0
 */
export interface LivenessSet {
  readonly _tag: 'LivenessSet';
  readonly previous: Backend;
  readonly backend: Backend;
}

/**
 * A backend's response was set (`previous` and `backend` are one object when it did not change).
 *
 * @since 0.1.0
 */
export interface ResponseSet {
  readonly _tag: 'ResponseSet';
  readonly previous: Backend;
  readonly backend: Backend;
}

/**
 * A backend was removed.
 *
 * @since 0.1.0
 */
export interface BackendUnregistered {
  readonly _tag: 'BackendUnregistered';
  readonly backend: Backend;
}

/**
 * An operation was broadcast, with its result.
 *
 * @since 0.1.0
 */
export interface OperationBroadcast {
  readonly _tag: 'OperationBroadcast';
  readonly result: BroadcastResult;
}

/**
 * The action named a key that is not registered; nothing changed.
 *
 * @since 0.1.0
 */
export interface KeyNotFound {
  readonly _tag: 'KeyNotFound';
  readonly action: Exclude<RegistryAction, { readonly _tag: 'Register' | 'Broadcast' | 'BroadcastTo' }>;
  readonly key: BackendKey;
}

/**
 * What one `step` did.
 *
 * @since 0.1.0
 */
export type RegistryEvent =
  | BackendRegistered
  | LivenessSet
  | ResponseSet
  | BackendUnregistered
  | OperationBroadcast
  | KeyNotFound
  | OperationBroadcastTo;

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an event, one handler per kind.
 *
 * @example
 * import { backendKey, createRegistry, matchEvent, sharedInstance, step, unregisterAction } from 'lifecycle-broadcast'
 *
 * const describeEvent = matchEvent({
 *   BackendRegistered: (e) => `registered ${e.backend.key.serviceName}`,
 *   LivenessSet: (e) => `${e.backend.key.serviceName} is ${e.backend.live ? 'live' : 'dead'}`,
 *   ResponseSet: (e) => `${e.backend.key.serviceName} answers ${e.backend.response._tag}`,
 *   BackendUnregistered: (e) => `unregistered ${e.backend.key.serviceName}`,
 *   OperationBroadcast: (e) => `broadcast: ${e.result._tag}`,
 *   KeyNotFound: (e) => `${e.action._tag}: ${e.key.serviceName} is not registered`,
 *   OperationBroadcastTo: (e) => `broadcast to some: ${e.result._tag}, ${e.keysNotFound.length} not registered`,
 * })
 * describeEvent(step(createRegistry(), unregisterAction(backendKey(sharedInstance, 'soldr', '0.4.1'))).result)
 * // 'Unregister: soldr is not registered'
 *
 * @since 0.1.0
 */
export const matchEvent = matchTag<RegistryEvent>();

// -------------------------------------------------------------------------------------
// reducer
// -------------------------------------------------------------------------------------

const event = (state: Registry, e: RegistryEvent): Transition<RegistryEvent> =>
  Object.freeze({ state, result: Object.freeze(e) });

/** A frozen copy of the caller's action, so that an event shares nothing with its input. */
const notFound = (state: Registry, action: KeyNotFound['action']): Transition<RegistryEvent> => {
  const key = copyKey(action.key);
  const copy: KeyNotFound['action'] =
    action._tag === 'SetLive'
      ? { _tag: 'SetLive', key, live: action.live }
      : action._tag === 'SetResponse'
        ? { _tag: 'SetResponse', key, response: canonicalResponse(action.response) }
        : { _tag: 'Unregister', key };
  return event(state, { _tag: 'KeyNotFound', action: Object.freeze(copy), key });
};

/**
 * Apply one action: the new registry and the event saying what happened. `step` agrees with the
 * individual reducers (`register`, `setLive`, `setResponse`, `unregister`, `broadcast`, `broadcastTo`); it never
 * throws, and an unregistered key yields `KeyNotFound` with the state unchanged.
 *
 * @example
 * import { backendKey, createRegistry, registerAction, liveBackend, sharedInstance, step } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'soldr', '0.4.1')
 * const { state, result: event } = step(createRegistry(), registerAction(liveBackend(key)))
 * // event._tag === 'BackendRegistered'
 *
 * @since 0.1.0
 */
export const step = (state: Registry, action: RegistryAction): Transition<RegistryEvent> => {
  switch (action._tag) {
    case 'Register': {
      // The registry stores a frozen backend as it is, so the event can name the stored object.
      const stored = frozenBackend(action.backend);
      const r = register(state, stored);
      return event(r.state, { _tag: 'BackendRegistered', backend: stored, replaced: r.result });
    }
    case 'SetLive': {
      const r = setLive(state, action.key, action.live);
      return r.result._tag === 'UnknownKey'
        ? notFound(state, action)
        : event(r.state, { _tag: 'LivenessSet', previous: r.result.previous, backend: r.result.backend });
    }
    case 'SetResponse': {
      const r = setResponse(state, action.key, action.response);
      return r.result._tag === 'UnknownKey'
        ? notFound(state, action)
        : event(r.state, { _tag: 'ResponseSet', previous: r.result.previous, backend: r.result.backend });
    }
    case 'Unregister': {
      const r = unregister(state, action.key);
      return r.result._tag === 'UnknownKey'
        ? notFound(state, action)
        : event(r.state, { _tag: 'BackendUnregistered', backend: r.result.backend });
    }
    case 'Broadcast': {
      const r = broadcast(state, action.operation);
      return event(r.state, { _tag: 'OperationBroadcast', result: r.result });
    }
    case 'BroadcastTo':
      // `broadcastTo` returns this very event, frozen.
      return broadcastTo(state, action.operation, action.keys);
  }
};
