/**
 * The events that say what a reducer or a `step` did: every reducer of the registry returns
 * one of them, and `step` returns the same one for the matching action.
 *
 * @since 0.1.0
 */
import type * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { matchTag } from '../internal/match';
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
 * An operation was broadcast to some backends (`broadcastTo`): the result of the fan-out, shaped
 * as every broadcast result is, and the keys it was given that are not registered (in the order
 * given), which nothing was sent to.
 *
 * @since 0.2.0
 */
export interface OperationBroadcastTo {
  readonly _tag: 'OperationBroadcastTo';
  readonly result: BroadcastResult;
  readonly keysNotFound: ReadonlyArray<BackendKey>;
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
