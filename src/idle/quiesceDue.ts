/**
 * The bridge from the idle coordinator to the registry: an idle sweep collects the backends that
 * are due and sends them, and only them, `Quiesce { IdleTimeout }`.
 *
 * @since 0.2.0
 */
import type { BackendKey } from '../domain/BackendKey';
import { quiesceOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import type { Registry } from '../registry/Registry';
import { broadcastTo } from '../registry/Registry';
import type { IdleCoordinator, IdleDue } from './IdleCoordinator';
import { checkedMillis } from './IdleCoordinator';
import { collectDue } from './reducers';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What an idle sweep did: the backends that were due (now draining in the coordinator), and the
 * result of the `Quiesce { IdleTimeout }` broadcast targeted at exactly them, with the due keys
 * the registry does not hold (`keysNotFound`), to which nothing was sent.
 *
 * @since 0.2.0
 */
export interface DueQuiesced {
  readonly _tag: 'DueQuiesced';
  readonly due: ReadonlyArray<IdleDue>;
  readonly result: BroadcastResult;
  readonly keysNotFound: ReadonlyArray<BackendKey>;
}

/**
 * The registry and the coordinator after an idle sweep, and what the sweep did.
 *
 * @since 0.2.0
 */
export interface IdleSweep {
  readonly registry: Registry;
  readonly coordinator: IdleCoordinator;
  readonly swept: DueQuiesced;
}

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/**
 * Sweep at `now`: `collectDue(coordinator, now)`, then `broadcastTo(registry, Quiesce {
 * IdleTimeout }, the due keys)`. Only the due backends receive the quiesce; they are draining
 * afterwards, so sweeping again quiesces none of them until they are active again. With nothing
 * due, both values are returned as they were and the result is `NoLiveTargets`. A due backend
 * that is dead in the registry is listed in `skippedDead`, one the registry does not hold in
 * `keysNotFound`; both are draining in the coordinator all the same, as it asked for them to be.
 * Throws a `RangeError` when `now` is not a non-negative integer.
 *
 * @example
 * import { backendKey, createIdleCoordinator, createRegistry, liveBackend, quiesceDue, register, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const registry = register(createRegistry(), liveBackend(zccache)).state
 * const idle = track(createIdleCoordinator(30_000), zccache, 0).state
 * const { swept } = quiesceDue(registry, idle, 30_000)
 * // swept.result: AllAcked, one ack from zccache, operation { _tag: 'Quiesce', reason: 'IdleTimeout' }
 *
 * @since 0.2.0
 */
export const quiesceDue = (registry: Registry, coordinator: IdleCoordinator, now: number): IdleSweep => {
  const collected = collectDue(coordinator, checkedMillis('quiesceDue', 'now', now));
  const { due } = collected.result;
  const sent = broadcastTo(
    registry,
    quiesceOperation('IdleTimeout'),
    due.map((d) => d.key),
  );
  return Object.freeze({
    registry: sent.state,
    coordinator: collected.state,
    swept: Object.freeze({
      _tag: 'DueQuiesced',
      due,
      result: sent.result,
      keysNotFound: sent.keysNotFound,
    }),
  });
};
