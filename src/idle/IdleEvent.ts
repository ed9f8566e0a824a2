/**
 * The idle coordinator's events: what a step did, and the transition that carries one.
 *
 * @since 0.3.0
 */
import type * as O from 'fp-ts/Option';

import type { BackendKey } from '../domain/BackendKey';
import { matchTag } from '../internal/match';
import type { IdleBackend, IdleCoordinator, IdleDue } from './IdleCoordinator';
import type { MarkActivityAction, MarkDrainingAction, MarkQuiescedAction, RemoveAction } from './IdleAction';

// events
// -------------------------------------------------------------------------------------

/**
 * A coordinator and what the reducer that made it did.
 *
 * @since 0.2.0
 */
export interface IdleTransition<R> {
  readonly state: IdleCoordinator;
  readonly result: R;
}

/**
 * A backend is now tracked, running since `nowMs`; `replaced` is how it was tracked before, if
 * it was.
 *
 * @since 0.2.0
 */
export interface BackendTracked {
  readonly _tag: 'BackendTracked';
  readonly backend: IdleBackend;
  readonly replaced: O.Option<IdleBackend>;
}

/**
 * A tracked backend was active: it is running, and its idle time counts from now
 * (`previous` and `backend` are one object when nothing changed).
 *
 * @since 0.2.0
 */
export interface ActivityMarked {
  readonly _tag: 'ActivityMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * The backends that were due, in tracking order; each of them is now draining.
 *
 * @since 0.2.0
 */
export interface DueCollected {
  readonly _tag: 'DueCollected';
  readonly due: ReadonlyArray<IdleDue>;
}

/**
 * A tracked backend was marked draining (`previous` and `backend` are one object when it already was).
 *
 * @since 0.2.0
 */
export interface DrainingMarked {
  readonly _tag: 'DrainingMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * A tracked backend was marked quiesced (`previous` and `backend` are one object when it already was).
 *
 * @since 0.2.0
 */
export interface QuiescedMarked {
  readonly _tag: 'QuiescedMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * A backend is no longer tracked.
 *
 * @since 0.2.0
 */
export interface BackendUntracked {
  readonly _tag: 'BackendUntracked';
  readonly backend: IdleBackend;
}

/**
 * The action named a key the coordinator does not track; nothing changed.
 *
 * @since 0.2.0
 */
export interface NotTracked {
  readonly _tag: 'NotTracked';
  readonly action: MarkActivityAction | MarkDrainingAction | MarkQuiescedAction | RemoveAction;
  readonly key: BackendKey;
}

/**
 * What one step of a coordinator did.
 *
 * @since 0.2.0
 */
export type IdleEvent =
  BackendTracked | ActivityMarked | DueCollected | DrainingMarked | QuiescedMarked | BackendUntracked | NotTracked;

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold what a coordinator step did, one handler per kind.
 *
 * @example
 * import { matchIdleEvent } from 'lifecycle-broadcast'
 *
 * const describeIdleEvent = matchIdleEvent({
 *   BackendTracked: (e) => `tracking ${e.backend.key.serviceName}`,
 *   ActivityMarked: (e) => `${e.backend.key.serviceName} active at ${e.backend.lastActivityMs} ms`,
 *   DueCollected: (e) => `${e.due.length} due`,
 *   DrainingMarked: (e) => `${e.backend.key.serviceName} draining`,
 *   QuiescedMarked: (e) => `${e.backend.key.serviceName} quiesced`,
 *   BackendUntracked: (e) => `no longer tracking ${e.backend.key.serviceName}`,
 *   NotTracked: (e) => `${e.action._tag}: ${e.key.serviceName} is not tracked`,
 * })
 *
 * @since 0.2.0
 */
export const matchIdleEvent = matchTag<IdleEvent>();
