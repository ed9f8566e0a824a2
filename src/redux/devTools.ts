/**
 * What Redux DevTools shows of a lifecycle-broadcast slice: the registry as readable data (its
 * policy, counts and first backends, like a bounded `snapshot`) instead of the tries it is
 * stored in, and every list cut to a few entries with its full length, so that the DevTools
 * state stays a few kilobytes whatever the number of backends.
 *
 * @since 0.2.0
 */
import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastPolicy } from '../domain/BroadcastPolicy';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type {
  BroadcastAck,
  BroadcastFailure,
  BroadcastResult,
  BroadcastTimeout,
  SkippedDead,
} from '../domain/BroadcastResult';
import { show } from '../internal/codec';
import type { IdleBackend, IdleDue, IdleEvent } from '../idle';
import type { Registry } from '../registry/Registry';
import { backendCount, backends, liveCount, receivedOperations } from '../registry/Registry';
import type { KeyNotFound, RegistryEvent } from '../registry/RegistryEvent';
import type { AnyLifecycleBroadcastSlice } from './slice';
import type { ActionRejected, LifecycleBroadcastEvent, LifecycleBroadcastState } from './state';
import { looksLikeSliceState } from './state';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A list cut to its first (or, for lists of recent outcomes, its latest) entries.
 *
 * @since 0.2.0
 */
export interface BoundedList<A> {
  /** How many entries the whole list has. */
  readonly total: number;
  /** The entries shown, at most the configured bound. */
  readonly shown: ReadonlyArray<A>;
}

/**
 * One backend as DevTools shows it: the backend and how many operations it received.
 *
 * @since 0.2.0
 */
export interface BackendView {
  readonly backend: Backend;
  /** How many operations it received since it was registered. */
  readonly receivedCount: number;
  /** The latest operation it received, or `null`. */
  readonly lastReceived: BroadcastOperation | null;
}

/**
 * The registry as DevTools shows it.
 *
 * @since 0.2.0
 */
export interface RegistryView {
  readonly policy: BroadcastPolicy;
  readonly backendCount: number;
  readonly liveCount: number;
  readonly deadCount: number;
  /** The first backends, in registration order. */
  readonly backends: BoundedList<BackendView>;
}

/**
 * A broadcast result with each list cut to its first entries.
 *
 * @since 0.2.0
 */
export interface ResultView {
  readonly _tag: BroadcastResult['_tag'];
  readonly operation: BroadcastOperation;
  readonly acks: BoundedList<BroadcastAck>;
  readonly timeouts: BoundedList<BroadcastTimeout>;
  readonly failures: BoundedList<BroadcastFailure>;
  readonly skippedDead: BoundedList<SkippedDead>;
}

/**
 * A broadcast result as counts only.
 *
 * @since 0.2.0
 */
export interface ResultSummary {
  readonly _tag: BroadcastResult['_tag'];
  readonly operation: BroadcastOperation;
  readonly acks: number;
  readonly timeouts: number;
  readonly failures: number;
  readonly skippedDead: number;
}

/**
 * The last event as DevTools shows it: a broadcast's result is cut like `latestResult`, a
 * rejection keeps its first lines.
 *
 * @since 0.2.0
 */
export type EventView =
  | Exclude<RegistryEvent, { readonly _tag: 'OperationBroadcast' | 'OperationBroadcastTo' }>
  | { readonly _tag: 'OperationBroadcast'; readonly result: ResultView }
  | {
      readonly _tag: 'OperationBroadcastTo';
      readonly result: ResultView;
      readonly keysNotFound: BoundedList<BackendKey>;
    }
  | IdleEvent
  | {
      readonly _tag: 'DueQuiesced';
      readonly due: BoundedList<IdleDue>;
      readonly result: ResultView;
      readonly keysNotFound: BoundedList<BackendKey>;
    }
  | RejectionView;

/**
 * A rejected action with its first error lines.
 *
 * @since 0.2.0
 */
export interface RejectionView {
  readonly _tag: 'ActionRejected';
  readonly type: string;
  readonly errors: BoundedList<string>;
}

/**
 * The slice state as DevTools shows it.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastStateView {
  readonly registry: RegistryView;
  readonly lastEvent: EventView | null;
  readonly latestResult: ResultView | null;
  /** The latest results, as counts. */
  readonly recentResults: BoundedList<ResultSummary>;
  readonly recentKeysNotFound: BoundedList<KeyNotFound>;
  readonly recentRejections: BoundedList<RejectionView>;
  /** The idle coordinator: its idle timeout and its first tracked backends. */
  readonly idle: { readonly idleTimeoutMs: number; readonly backends: BoundedList<IdleBackend> };
}

/**
 * How much DevTools shows.
 *
 * @since 0.2.0
 */
export interface DevToolsViewOptions {
  /** How many entries of each list are shown (default `DEFAULT_DEVTOOLS_ITEMS`). */
  readonly maxItems?: number;
}

/**
 * The default number of entries shown of each list.
 *
 * @since 0.2.0
 */
export const DEFAULT_DEVTOOLS_ITEMS = 20;

/** How many lines of a rejection are shown: each can be a hundred characters. */
const ERROR_LINES_SHOWN = 3;

/**
 * The `devTools` options of Redux Toolkit's `configureStore` (or of the DevTools extension's
 * `compose`): both sanitizers are typed the way Redux DevTools declares them.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastDevToolsOptions {
  /** The root state with each slice's state replaced by its `LifecycleBroadcastStateView`. */
  readonly stateSanitizer: <S>(state: S, index: number) => S;
  /** The action, with an invalid payload of one of the slices replaced by why it is invalid. */
  readonly actionSanitizer: <A extends { readonly type: string }>(action: A, id: number) => A;
}

// -------------------------------------------------------------------------------------
// views
// -------------------------------------------------------------------------------------

const firstOf = <A>(list: ReadonlyArray<A>, n: number): BoundedList<A> => {
  const shown: A[] = [];
  for (let i = 0; i < list.length && i < n; i++) {
    shown.push(list[i] as A);
  }
  return { total: list.length, shown };
};

const latestOf = <A, B>(list: ReadonlyArray<A>, n: number, f: (a: A) => B): BoundedList<B> => {
  const shown: B[] = [];
  for (let i = Math.max(0, list.length - n); i < list.length; i++) {
    shown.push(f(list[i] as A));
  }
  return { total: list.length, shown };
};

const resultView = (r: BroadcastResult, n: number): ResultView => ({
  _tag: r._tag,
  operation: r.operation,
  acks: firstOf(r.acks, n),
  timeouts: firstOf(r.timeouts, n),
  failures: firstOf(r.failures, n),
  skippedDead: firstOf(r.skippedDead, n),
});

const resultSummary = (r: BroadcastResult): ResultSummary => ({
  _tag: r._tag,
  operation: r.operation,
  acks: r.acks.length,
  timeouts: r.timeouts.length,
  failures: r.failures.length,
  skippedDead: r.skippedDead.length,
});

const rejectionView = (r: ActionRejected): RejectionView => ({
  _tag: 'ActionRejected',
  type: r.type,
  errors: firstOf(r.errors, ERROR_LINES_SHOWN),
});

const eventView = (e: LifecycleBroadcastEvent, n: number): EventView => {
  switch (e._tag) {
    case 'OperationBroadcast':
      return { _tag: 'OperationBroadcast', result: resultView(e.result, n) };
    case 'OperationBroadcastTo':
      return {
        _tag: 'OperationBroadcastTo',
        result: resultView(e.result, n),
        keysNotFound: firstOf(e.keysNotFound, n),
      };
    case 'DueQuiesced':
      return {
        _tag: 'DueQuiesced',
        due: firstOf(e.due, n),
        result: resultView(e.result, n),
        keysNotFound: firstOf(e.keysNotFound, n),
      };
    case 'DueCollected':
      // The slice answers a sweep with `DueQuiesced`; this one only comes from a hand-made state.
      return { _tag: 'DueCollected', due: firstOf(e.due, n).shown };
    case 'ActionRejected':
      return rejectionView(e);
    case 'BackendTracked':
    case 'ActivityMarked':
    case 'DrainingMarked':
    case 'QuiescedMarked':
    case 'BackendUntracked':
    case 'NotTracked':
    case 'BackendRegistered':
    case 'LivenessSet':
    case 'ResponseSet':
    case 'BackendUnregistered':
    case 'KeyNotFound':
      return e;
    default: {
      const unknownEvent: never = e;
      return unknownEvent;
    }
  }
};

const registryView = (registry: Registry, n: number): RegistryView => {
  const all = backends(registry);
  const shown = firstOf(all, n);
  return {
    policy: registry.policy,
    backendCount: backendCount(registry),
    liveCount: liveCount(registry),
    deadCount: backendCount(registry) - liveCount(registry),
    backends: {
      total: shown.total,
      shown: shown.shown.map((backend) => {
        const received = receivedOperations(registry, backend.key);
        const ops = received._tag === 'Some' ? received.value : [];
        return { backend, receivedCount: ops.length, lastReceived: ops[ops.length - 1] ?? null };
      }),
    },
  };
};

const maxItemsOf = (options: DevToolsViewOptions): number => {
  const n = options.maxItems ?? DEFAULT_DEVTOOLS_ITEMS;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`lifecycle-broadcast DevTools: maxItems must be a non-negative integer, got ${show(n)}`);
  }
  return n;
};

/**
 * The slice state as readable data whose size does not grow with the registry: counts, and the
 * first (or latest) entries of each list.
 *
 * @example
 * import { lifecycleBroadcastReducer, lifecycleBroadcastStateView } from 'lifecycle-broadcast'
 *
 * const view = lifecycleBroadcastStateView(lifecycleBroadcastReducer(undefined, { type: 'init' }), { maxItems: 5 })
 * // { registry: { policy: { ackTimeoutMs: 5000 }, backendCount: 0, liveCount: 0, deadCount: 0, backends: { total: 0, shown: [] } }, ... }
 *
 * @since 0.2.0
 */
export const lifecycleBroadcastStateView = (
  state: LifecycleBroadcastState,
  options: DevToolsViewOptions = {},
): LifecycleBroadcastStateView => {
  const n = maxItemsOf(options);
  return {
    registry: registryView(state.registry, n),
    lastEvent: state.lastEvent === null ? null : eventView(state.lastEvent, n),
    latestResult: state.latestResult === null ? null : resultView(state.latestResult, n),
    recentResults: latestOf(state.recentResults, n, resultSummary),
    recentKeysNotFound: latestOf(state.recentKeysNotFound, n, (e) => e),
    recentRejections: latestOf(state.recentRejections, n, rejectionView),
    idle: { idleTimeoutMs: state.idle.idleTimeoutMs, backends: firstOf(state.idle.backends, n) },
  };
};

// -------------------------------------------------------------------------------------
// sanitizers
// -------------------------------------------------------------------------------------

/** The value at a dot-separated `path` of `root`, or `undefined`. */
const at = (root: unknown, path: ReadonlyArray<string>): unknown => {
  let here = root;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) {
      return undefined;
    }
    here = (here as Readonly<Record<string, unknown>>)[key];
  }
  return here;
};

/** `root` with the value at `path` replaced by `value`, sharing everything else. */
const replacedAt = (root: unknown, path: ReadonlyArray<string>, value: unknown): unknown => {
  const [key, ...rest] = path;
  if (key === undefined || typeof root !== 'object' || root === null) {
    return value;
  }
  const record = root as Readonly<Record<string, unknown>>;
  return { ...record, [key]: replacedAt(record[key], rest, value) };
};

/**
 * The `devTools` options of `configureStore` for stores holding `slices`: a `stateSanitizer`
 * showing each slice state as its `lifecycleBroadcastStateView`, and an `actionSanitizer`
 * showing an invalid action of a slice as why it was rejected. Only DevTools sees them.
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import { createLifecycleBroadcastSlice, lifecycleBroadcastDevToolsOptions } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({
 *   reducer: rootReducer,
 *   devTools: { name: 'broker', ...lifecycleBroadcastDevToolsOptions(broker, { maxItems: 10 }) },
 * })
 *
 * @since 0.2.0
 */
export const lifecycleBroadcastDevToolsOptions = (
  slices: AnyLifecycleBroadcastSlice | ReadonlyArray<AnyLifecycleBroadcastSlice>,
  options: DevToolsViewOptions = {},
): LifecycleBroadcastDevToolsOptions => {
  const list: ReadonlyArray<AnyLifecycleBroadcastSlice> = Array.isArray(slices)
    ? (slices as ReadonlyArray<AnyLifecycleBroadcastSlice>)
    : [slices as AnyLifecycleBroadcastSlice];
  list.forEach((slice, i) => {
    if (typeof slice !== 'object' || (slice as unknown) === null || typeof slice.reducerPath !== 'string') {
      throw new TypeError(
        `lifecycleBroadcastDevToolsOptions: expected a slice from createLifecycleBroadcastSlice${Array.isArray(slices) ? ` at [${String(i)}]` : ''}, got ${show(slice)}`,
      );
    }
  });
  const view = { maxItems: maxItemsOf(options) };
  const paths = list.map((slice) => slice.reducerPath.split('.'));
  const views = new WeakMap<LifecycleBroadcastState, LifecycleBroadcastStateView>();
  const viewOf = (state: LifecycleBroadcastState): LifecycleBroadcastStateView => {
    let v = views.get(state);
    if (v === undefined) {
      v = lifecycleBroadcastStateView(state, view);
      views.set(state, v);
    }
    return v;
  };

  const stateSanitizer = <S>(state: S): S => {
    if (looksLikeSliceState(state)) {
      return viewOf(state) as unknown as S;
    }
    let out: unknown = state;
    for (const path of paths) {
      const sliceState = at(state, path);
      if (looksLikeSliceState(sliceState)) {
        out = replacedAt(out, path, viewOf(sliceState));
      }
    }
    return out as S;
  };

  const actionSanitizer = <A extends { readonly type: string }>(action: A): A => {
    for (const slice of list) {
      if (slice.isAction(action)) {
        const decoded = slice.decodeRegistryAction(action);
        return (decoded._tag === 'Right'
          ? action
          : { type: action.type, rejected: firstOf(decoded.left, ERROR_LINES_SHOWN) }) as unknown as A;
      }
    }
    return action;
  };

  return Object.freeze({ stateSanitizer, actionSanitizer });
};
