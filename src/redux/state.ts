/**
 * The state of a lifecycle-broadcast slice and its bookkeeping: how the state takes in the event
 * `step` returned, or the rejection of an invalid action.
 *
 * @since 0.2.0
 */
import type { BroadcastResult } from '../domain/BroadcastResult';
import { frozenValue } from '../internal/frozenValue';
import type { IdleCoordinator, IdleEvent, DueQuiesced, IdleSweep } from '../idle';
import type { Registry } from '../registry/Registry';
import type { KeyNotFound, RegistryEvent } from '../registry/RegistryEvent';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An action of the slice whose type was its own but whose payload was not valid: nothing
 * changed. `errors` has one readable line per problem, such as
 * `payload.key.exeHash: expected lowercase hex string, got "XYZ"`.
 *
 * @since 0.1.0
 */
export interface ActionRejected {
  readonly _tag: 'ActionRejected';
  readonly type: string;
  readonly errors: ReadonlyArray<string>;
}

/**
 * What the slice's last action did: the `step` event, the idle coordinator's event (`DueQuiesced`
 * for an idle sweep), or the rejection of an invalid action.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastEvent = RegistryEvent | IdleEvent | DueQuiesced | ActionRejected;

/**
 * The slice state: plain, deeply frozen JSON. The registry is only changed by `step`; the other
 * fields make what each action did observable without any side effect in the reducer. Every
 * list is oldest first and bounded.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastState {
  /** The registry (read it with the selectors or the registry queries). */
  readonly registry: Registry;
  /** What the last action of this slice did; `null` before the first. */
  readonly lastEvent: LifecycleBroadcastEvent | null;
  /**
   * The result of the latest broadcast (to all, to some, or by an idle sweep that found some
   * due); `null` before the first.
   */
  readonly latestResult: BroadcastResult | null;
  /** The results of the latest broadcasts, oldest first. */
  readonly recentResults: ReadonlyArray<BroadcastResult>;
  /** The latest actions that named a key that is not registered, oldest first. */
  readonly recentKeysNotFound: ReadonlyArray<KeyNotFound>;
  /** The latest actions rejected for an invalid payload, oldest first. */
  readonly recentRejections: ReadonlyArray<ActionRejected>;
  /** The idle coordinator: when each tracked backend was last active (see `dueQuiesced`). */
  readonly idle: IdleCoordinator;
}

/**
 * How many entries each list of the slice state keeps.
 *
 * @since 0.2.0
 */
export interface RecentLimits {
  /** Bound of `recentResults`. */
  readonly results: number;
  /** Bound of `recentKeysNotFound`. */
  readonly keysNotFound: number;
  /** Bound of `recentRejections`. */
  readonly rejections: number;
}

/**
 * The default bound of each list of recent outcomes in the slice state.
 *
 * @since 0.1.0
 */
export const DEFAULT_RECENT_LIMIT = 16;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The state holding `registry` and `idle`, and nothing else yet.
 *
 * @internal
 */
export const stateOf = (registry: Registry, idle: IdleCoordinator): LifecycleBroadcastState =>
  frozenValue({
    registry,
    lastEvent: null,
    latestResult: null,
    recentResults: NONE,
    recentKeysNotFound: NONE,
    recentRejections: NONE,
    idle,
  });

const NONE: ReadonlyArray<never> = Object.freeze([]);

/**
 * Whether `u` has the shape of a slice state (a registry, the lists and the last event), for
 * the middleware and thunks that find it in a store through a selector they were given.
 *
 * @internal
 */
export const looksLikeSliceState = (u: unknown): u is LifecycleBroadcastState =>
  typeof u === 'object' &&
  u !== null &&
  'registry' in u &&
  typeof u.registry === 'object' &&
  u.registry !== null &&
  'recentResults' in u &&
  Array.isArray(u.recentResults) &&
  'lastEvent' in u;

// -------------------------------------------------------------------------------------
// bookkeeping
// -------------------------------------------------------------------------------------

// Plain spreads, not immer's `produce`: `npm run bench:redux` measures both on this
// bookkeeping with 10,000 backends, and the spreads are the faster (docs/redux.md has the
// figures). Each list holds at most its bound, a few dozen entries, so copying it is cheap.

/** `list` with `item` appended, keeping the last `limit` items; `list` itself when `limit` is 0. */
const pushBounded = <A>(list: ReadonlyArray<A>, item: A, limit: number): ReadonlyArray<A> => {
  if (limit === 0) {
    return list;
  }
  const from = Math.max(0, list.length + 1 - limit);
  const out: A[] = [];
  for (let i = from; i < list.length; i++) {
    out.push(list[i] as A);
  }
  out.push(item);
  return Object.freeze(out);
};

/**
 * `state` with `changes`, as a new frozen slice state that immer reads as a value: an
 * application's own case reducer (`extraReducers`) that hands a slice state it read from its
 * draft to the slice's reducer gets the state itself, never a draft (see `frozenValue`).
 */
const changed = (state: LifecycleBroadcastState, changes: Partial<LifecycleBroadcastState>): LifecycleBroadcastState =>
  frozenValue({ ...state, ...changes });

/**
 * The state after `step` gave `registry` and `event`: every event is already deeply frozen, so
 * it is stored as it is.
 *
 * @internal
 */
export const withEvent = (
  state: LifecycleBroadcastState,
  registry: Registry,
  event: RegistryEvent,
  limits: RecentLimits,
): LifecycleBroadcastState => {
  switch (event._tag) {
    case 'OperationBroadcast':
    case 'OperationBroadcastTo':
      return changed(state, {
        registry,
        lastEvent: event,
        latestResult: event.result,
        recentResults: pushBounded(state.recentResults, event.result, limits.results),
      });
    case 'KeyNotFound':
      return changed(state, {
        registry,
        lastEvent: event,
        recentKeysNotFound: pushBounded(state.recentKeysNotFound, event, limits.keysNotFound),
      });
    case 'BackendRegistered':
    case 'LivenessSet':
    case 'ResponseSet':
    case 'BackendUnregistered':
      return changed(state, { registry, lastEvent: event });
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
};

/**
 * The state after an action of the slice was rejected: the registry is unchanged.
 *
 * @internal
 */
export const withRejection = (
  state: LifecycleBroadcastState,
  rejected: ActionRejected,
  limits: RecentLimits,
): LifecycleBroadcastState =>
  changed(state, {
    lastEvent: rejected,
    recentRejections: pushBounded(state.recentRejections, rejected, limits.rejections),
  });

/**
 * The state after the idle coordinator answered an action other than a sweep with `event`: the
 * registry is unchanged.
 *
 * @internal
 */
export const withIdleEvent = (
  state: LifecycleBroadcastState,
  idle: IdleCoordinator,
  event: IdleEvent,
): LifecycleBroadcastState => changed(state, { lastEvent: event, idle });

/**
 * The state after an idle sweep: a sweep that found some due lands its result in
 * `latestResult` and `recentResults`; one that found none changes neither.
 *
 * @internal
 */
export const withSweep = (
  state: LifecycleBroadcastState,
  sweep: IdleSweep,
  limits: RecentLimits,
): LifecycleBroadcastState => {
  const found = sweep.swept.due.length > 0;
  return changed(state, {
    registry: sweep.registry,
    lastEvent: sweep.swept,
    ...(found
      ? {
          latestResult: sweep.swept.result,
          recentResults: pushBounded(state.recentResults, sweep.swept.result, limits.results),
        }
      : {}),
    idle: sweep.coordinator,
  });
};
