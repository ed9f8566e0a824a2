/**
 * The idle coordinator's reducers: each returns a new coordinator with what it did; `stepIdle`
 * applies any `IdleAction`.
 *
 * @since 0.3.0
 */
import type * as O from 'fp-ts/Option';

import type { BackendKey } from '../domain/BackendKey';
import { copyKey, keyId } from '../domain/BackendKey';
import { checked } from '../internal/codec';
import { IdleAction } from './IdleAction';
import type { MarkDrainingAction, MarkQuiescedAction } from './IdleAction';
import type { IdleState, IdleBackend, IdleCoordinator, IdleDue } from './IdleCoordinator';
import type {
  ActivityMarked,
  BackendTracked,
  BackendUntracked,
  DrainingMarked,
  DueCollected,
  IdleEvent,
  IdleTransition,
  NotTracked,
  QuiescedMarked,
} from './IdleEvent';
import {
  checkedMillis,
  clampTimeout,
  coordinatorOf,
  frozenCoordinator,
  idleBackendOf,
  idleFor,
  isDue,
  keyArg,
  none,
  positionOf,
  replaced,
  some,
  NOTHING_DUE,
} from './IdleCoordinator';

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const transition = <R>(state: IdleCoordinator, result: R): IdleTransition<R> => Object.freeze({ state, result });

const notTracked = (c: IdleCoordinator, action: NotTracked['action']): IdleTransition<NotTracked> =>
  transition(c, Object.freeze({ _tag: 'NotTracked', action, key: action.key }));

/** Set a tracked backend's state by hand: the shared body of `markDraining` and `markQuiesced`. */
const markState = <T extends 'DrainingMarked' | 'QuiescedMarked'>(
  coordinator: IdleCoordinator,
  action: MarkDrainingAction | MarkQuiescedAction,
  state: IdleState,
  tag: T,
): IdleTransition<{ readonly _tag: T; readonly previous: IdleBackend; readonly backend: IdleBackend } | NotTracked> => {
  const c = frozenCoordinator(action._tag === 'MarkDraining' ? 'markDraining' : 'markQuiesced', coordinator);
  const at = positionOf(c, keyId(action.key));
  if (at < 0) {
    return notTracked(c, action);
  }
  const previous = c.backends[at] as IdleBackend;
  if (previous.state === state) {
    return transition(c, Object.freeze({ _tag: tag, previous, backend: previous }));
  }
  const backend = idleBackendOf(previous.key, state, previous.lastActivityMs, previous.idleTimeoutMs);
  return transition(replaced(c, at, backend), Object.freeze({ _tag: tag, previous, backend }));
};

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/**
 * Track `key`: running, last active at `now`, idle for at most `idleTimeoutMs` (the
 * coordinator's when omitted; zero is clamped to 1 ms). A key already tracked is replaced in
 * place, keeping its position, and `replaced` says how it was; tracking it again exactly as it is
 * returns the same coordinator. Throws a `RangeError` when `now` or `idleTimeoutMs` is not a
 * non-negative integer.
 *
 * @example
 * import { backendKey, createIdleCoordinator, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { state: idle } = track(createIdleCoordinator(), zccache, 0)
 *
 * @since 0.2.0
 */
export const track = (
  coordinator: IdleCoordinator,
  key: BackendKey,
  now: number,
  idleTimeoutMs?: number,
): IdleTransition<BackendTracked> => {
  checkedMillis('track', 'now', now);
  keyArg('track', key);
  const c = frozenCoordinator('track', coordinator);
  const timeoutMs =
    idleTimeoutMs === undefined
      ? c.idleTimeoutMs
      : clampTimeout(checkedMillis('track', 'idleTimeoutMs', idleTimeoutMs));
  const at = positionOf(c, keyId(key));
  const previous = at < 0 ? undefined : (c.backends[at] as IdleBackend);
  if (previous?.state === 'Running' && previous.lastActivityMs === now && previous.idleTimeoutMs === timeoutMs) {
    return transition(c, Object.freeze({ _tag: 'BackendTracked', backend: previous, replaced: some(previous) }));
  }
  const backend = idleBackendOf(key, 'Running', now, timeoutMs);
  const next =
    previous === undefined ? coordinatorOf(c.idleTimeoutMs, [...c.backends, backend]) : replaced(c, at, backend);
  return transition(
    next,
    Object.freeze({ _tag: 'BackendTracked', backend, replaced: previous === undefined ? none : some(previous) }),
  );
};

/**
 * The backend with `key` was active at `now`: it is running again whatever it was, and its idle
 * time counts from `now`. Marking the activity it already has returns the same coordinator; a key
 * that is not tracked gives `NotTracked`. Throws a `RangeError` when `now` is not a non-negative
 * integer.
 *
 * @since 0.2.0
 */
export const markActivity = (
  coordinator: IdleCoordinator,
  key: BackendKey,
  now: number,
): IdleTransition<ActivityMarked | NotTracked> => {
  checkedMillis('markActivity', 'now', now);
  keyArg('markActivity', key);
  const c = frozenCoordinator('markActivity', coordinator);
  const at = positionOf(c, keyId(key));
  if (at < 0) {
    return notTracked(c, Object.freeze({ _tag: 'MarkActivity', key: copyKey(key), nowMs: now }));
  }
  const previous = c.backends[at] as IdleBackend;
  if (previous.state === 'Running' && previous.lastActivityMs === now) {
    return transition(c, Object.freeze({ _tag: 'ActivityMarked', previous, backend: previous }));
  }
  const backend = idleBackendOf(previous.key, 'Running', now, previous.idleTimeoutMs);
  return transition(replaced(c, at, backend), Object.freeze({ _tag: 'ActivityMarked', previous, backend }));
};

/**
 * The backends due at `now`: every running backend idle for at least its timeout, in tracking
 * order, with how long it was idle. Each of them is moved to draining, so collecting again
 * returns none of them until they are active again. Nothing due returns the same coordinator.
 * Idle time is never negative: a backend last active after `now` has been idle for 0 ms. Throws a
 * `RangeError` when `now` is not a non-negative integer.
 *
 * @example
 * import { backendKey, collectDue, createIdleCoordinator, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const idle = track(createIdleCoordinator(30_000), zccache, 1_000).state
 * collectDue(idle, 20_000).result.due // []
 * collectDue(idle, 31_000).result.due // [{ key: zccache, idleForMs: 30000, idleTimeoutMs: 30000, reason: 'IdleTimeout' }]
 *
 * @since 0.2.0
 */
export const collectDue = (coordinator: IdleCoordinator, now: number): IdleTransition<DueCollected> => {
  checkedMillis('collectDue', 'now', now);
  const c = frozenCoordinator('collectDue', coordinator);
  const due: IdleDue[] = [];
  let backends: IdleBackend[] | undefined;
  for (let i = 0; i < c.backends.length; i++) {
    const b = c.backends[i] as IdleBackend;
    if (isDue(b, now)) {
      due.push(
        Object.freeze({
          key: b.key,
          idleForMs: idleFor(b, now),
          idleTimeoutMs: b.idleTimeoutMs,
          reason: 'IdleTimeout',
        }),
      );
      backends ??= [...c.backends];
      backends[i] = idleBackendOf(b.key, 'Draining', b.lastActivityMs, b.idleTimeoutMs);
    }
  }
  return backends === undefined
    ? transition(c, Object.freeze({ _tag: 'DueCollected', due: NOTHING_DUE }))
    : transition(
        coordinatorOf(c.idleTimeoutMs, backends),
        Object.freeze({ _tag: 'DueCollected', due: Object.freeze(due) }),
      );
};

/**
 * Mark the backend with `key` draining (asked to stop taking work), whatever it was; it is not
 * due again until it is active again. Already draining returns the same coordinator; a key that is
 * not tracked gives `NotTracked`.
 *
 * @since 0.2.0
 */
export const markDraining = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<DrainingMarked | NotTracked> =>
  markState(
    coordinator,
    Object.freeze({ _tag: 'MarkDraining', key: copyKey(keyArg('markDraining', key)) }),
    'Draining',
    'DrainingMarked',
  );

/**
 * Mark the backend with `key` quiesced (it has drained); it is not due again until it is active
 * again. Already quiesced returns the same coordinator; a key that is not tracked gives
 * `NotTracked`.
 *
 * @since 0.2.0
 */
export const markQuiesced = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<QuiescedMarked | NotTracked> =>
  markState(
    coordinator,
    Object.freeze({ _tag: 'MarkQuiesced', key: copyKey(keyArg('markQuiesced', key)) }),
    'Quiesced',
    'QuiescedMarked',
  );

/**
 * Stop tracking the backend with `key`; the others keep their order. A key that is not tracked
 * gives `NotTracked` and the same coordinator.
 *
 * @since 0.2.0
 */
export const remove = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<BackendUntracked | NotTracked> => {
  keyArg('remove', key);
  const c = frozenCoordinator('remove', coordinator);
  const at = positionOf(c, keyId(key));
  if (at < 0) {
    return notTracked(c, Object.freeze({ _tag: 'Remove', key: copyKey(key) }));
  }
  const backend = c.backends[at] as IdleBackend;
  const backends = [...c.backends];
  backends.splice(at, 1);
  return transition(coordinatorOf(c.idleTimeoutMs, backends), Object.freeze({ _tag: 'BackendUntracked', backend }));
};

/**
 * Apply one idle action with the reducer it stands for: the new coordinator and the event saying
 * what happened. It agrees with the reducers, and an untracked key gives `NotTracked` with the
 * coordinator unchanged. Decode actions from outside with the `IdleAction` codec first.
 *
 * @example
 * import { backendKey, collectDueAction, createIdleCoordinator, sharedInstance, stepIdle, trackAction } from 'lifecycle-broadcast'
 *
 * const soldr = backendKey(sharedInstance, 'soldr', '0.4.1')
 * const tracked = stepIdle(createIdleCoordinator(5_000), trackAction(soldr, 0)).state
 * stepIdle(tracked, collectDueAction(5_000)).result // { _tag: 'DueCollected', due: [{ key: soldr, idleForMs: 5000, ... }] }
 *
 * @since 0.2.0
 */
export const stepIdle = (coordinator: IdleCoordinator, input: IdleAction): IdleTransition<IdleEvent> => {
  // From plain JavaScript, an action of no known kind would fall through the switch.
  const action = checked('stepIdle', IdleAction, input, 'action');
  switch (action._tag) {
    case 'Track':
      return track(coordinator, action.key, action.nowMs, action.idleTimeoutMs);
    case 'MarkActivity':
      return markActivity(coordinator, action.key, action.nowMs);
    case 'CollectDue':
      return collectDue(coordinator, action.nowMs);
    case 'MarkDraining':
      return markDraining(coordinator, action.key);
    case 'MarkQuiesced':
      return markQuiesced(coordinator, action.key);
    case 'Remove':
      return remove(coordinator, action.key);
  }
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * How the backend with `key` is tracked, or `none`.
 *
 * @since 0.2.0
 */
export const idleBackend = (coordinator: IdleCoordinator, key: BackendKey): O.Option<IdleBackend> => {
  const c = frozenCoordinator('idleBackend', coordinator);
  const at = positionOf(c, keyId(keyArg('idleBackend', key)));
  return at < 0 ? none : some(c.backends[at] as IdleBackend);
};

/**
 * The earliest time at which a running backend becomes due (`lastActivityMs + idleTimeoutMs`),
 * or `none` when no backend is running: when a broker should sweep next.
 *
 * @example
 * import { backendKey, createIdleCoordinator, nextDueAt, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const idle = track(createIdleCoordinator(30_000), backendKey(sharedInstance, 'fbuild', '2.0.3'), 4_000).state
 * nextDueAt(idle) // { _tag: 'Some', value: 34000 }
 *
 * @since 0.2.0
 */
export const nextDueAt = (coordinator: IdleCoordinator): O.Option<number> => {
  let earliest = Number.POSITIVE_INFINITY;
  const { backends } = coordinator;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < backends.length; i++) {
    const b = backends[i] as IdleBackend;
    if (b.state === 'Running') {
      earliest = Math.min(earliest, b.lastActivityMs + b.idleTimeoutMs);
    }
  }
  return earliest === Number.POSITIVE_INFINITY ? none : some(earliest);
};
