/**
 * Memoised selectors over the slice state, for a store that mounts the slice anywhere in its
 * root state. A selector returns the same reference while what it reads has not changed, so
 * subscribers comparing by reference (`useSelector`, `connect`) do no work for unrelated
 * actions.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import { keyId } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import type { Registry, RegistrySnapshot } from '../registry/Registry';
import { backends, liveCount, lookup, receivedOperations, backendCount, snapshot } from '../registry/Registry';
import type { KeyNotFound } from '../registry/RegistryEvent';
import type { IdleCoordinator } from '../idle';
import { memoizeByRef, memoizeByRefAndId, shallowEqualArrays } from './memoize';
import type { ActionRejected, LifecycleBroadcastEvent, LifecycleBroadcastState } from './state';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How many backends are registered, and how many of them are live and dead.
 *
 * @since 0.1.0
 */
export interface BackendCounts {
  readonly registered: number;
  readonly live: number;
  readonly dead: number;
}

/**
 * The selectors of the slice, each taking the root state of the store (`Root`).
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastSelectors<Root> {
  /** The slice state. */
  readonly selectState: (root: Root) => LifecycleBroadcastState;
  /** The registry. */
  readonly selectRegistry: (root: Root) => Registry;
  /** Every registered backend, in registration order. */
  readonly selectBackends: (root: Root) => ReadonlyArray<Backend>;
  /** The live backends, in registration order. */
  readonly selectLiveBackends: (root: Root) => ReadonlyArray<Backend>;
  /** The dead backends, in registration order. */
  readonly selectDeadBackends: (root: Root) => ReadonlyArray<Backend>;
  /** The backend registered under `key`, or `undefined`. */
  readonly selectBackendByKey: (root: Root, key: BackendKey) => Backend | undefined;
  /**
   * The operations received by the backend registered under `key`, oldest first, or
   * `undefined` when the key is not registered.
   */
  readonly selectReceivedOperations: (root: Root, key: BackendKey) => ReadonlyArray<BroadcastOperation> | undefined;
  /** How many backends are registered, live and dead. */
  readonly selectCounts: (root: Root) => BackendCounts;
  /** The result of the latest broadcast, or `null`. */
  readonly selectLatestResult: (root: Root) => BroadcastResult | null;
  /** The results of the latest broadcasts, oldest first. */
  readonly selectRecentResults: (root: Root) => ReadonlyArray<BroadcastResult>;
  /** What the slice's last action did, or `null`. */
  readonly selectLastEvent: (root: Root) => LifecycleBroadcastEvent | null;
  /** The latest actions that named a key that is not registered, oldest first. */
  readonly selectRecentKeysNotFound: (root: Root) => ReadonlyArray<KeyNotFound>;
  /** The latest actions rejected for an invalid payload, oldest first. */
  readonly selectRecentRejections: (root: Root) => ReadonlyArray<ActionRejected>;
  /** The registry as plain data (see `snapshot`), for comparison and display. */
  readonly selectSnapshot: (root: Root) => RegistrySnapshot;
  /** The idle coordinator (the same object until an idle action changes it). */
  readonly selectIdleCoordinator: (root: Root) => IdleCoordinator;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const countsEqual = (x: BackendCounts, y: BackendCounts): boolean =>
  x.registered === y.registered && x.live === y.live && x.dead === y.dead;

const optionalArraysEqual = <A>(x: ReadonlyArray<A> | undefined, y: ReadonlyArray<A> | undefined): boolean =>
  x === undefined || y === undefined ? x === y : shallowEqualArrays(x, y);

/**
 * The selectors for a store whose root state holds the slice where `selectState` finds it. Each
 * call makes selectors with their own caches; make them once, next to the store.
 *
 * @example
 * import { createLifecycleBroadcastSelectors } from 'lifecycle-broadcast'
 * import type { LifecycleBroadcastState } from 'lifecycle-broadcast'
 *
 * interface RootState { readonly broker: LifecycleBroadcastState }
 * const broker = createLifecycleBroadcastSelectors((root: RootState) => root.broker)
 * // broker.selectLiveBackends(store.getState())
 *
 * @since 0.1.0
 */
export const createLifecycleBroadcastSelectors = <Root>(
  selectState: (root: Root) => LifecycleBroadcastState,
): LifecycleBroadcastSelectors<Root> => {
  const selectRegistry = (root: Root): Registry => selectState(root).registry;

  const backendsOf = memoizeByRef((registry: Registry) => backends(registry), shallowEqualArrays);
  const liveOf = memoizeByRef(
    (all: ReadonlyArray<Backend>) => Object.freeze(all.filter((b) => b.live)),
    shallowEqualArrays,
  );
  const deadOf = memoizeByRef(
    (all: ReadonlyArray<Backend>) => Object.freeze(all.filter((b) => !b.live)),
    shallowEqualArrays,
  );
  const countsOf = memoizeByRef(
    (registry: Registry): BackendCounts =>
      Object.freeze({
        registered: backendCount(registry),
        live: liveCount(registry),
        dead: backendCount(registry) - liveCount(registry),
      }),
    countsEqual,
  );
  const receivedOf = memoizeByRefAndId(
    (registry: Registry, key: BackendKey) => O.toUndefined(receivedOperations(registry, key)),
    keyId,
    optionalArraysEqual,
    (received) => received === undefined,
  );
  const snapshotOf = memoizeByRef((registry: Registry) => snapshot(registry));

  return Object.freeze({
    selectState,
    selectRegistry,
    selectBackends: (root: Root) => backendsOf(selectRegistry(root)),
    selectLiveBackends: (root: Root) => liveOf(backendsOf(selectRegistry(root))),
    selectDeadBackends: (root: Root) => deadOf(backendsOf(selectRegistry(root))),
    // The registry hands out the backend it stores, which is replaced only when it changes.
    selectBackendByKey: (root: Root, key: BackendKey) => O.toUndefined(lookup(selectRegistry(root), key)),
    selectReceivedOperations: (root: Root, key: BackendKey) => receivedOf(selectRegistry(root), key),
    selectCounts: (root: Root) => countsOf(selectRegistry(root)),
    selectLatestResult: (root: Root) => selectState(root).latestResult,
    selectRecentResults: (root: Root) => selectState(root).recentResults,
    selectLastEvent: (root: Root) => selectState(root).lastEvent,
    selectRecentKeysNotFound: (root: Root) => selectState(root).recentKeysNotFound,
    selectRecentRejections: (root: Root) => selectState(root).recentRejections,
    selectSnapshot: (root: Root) => snapshotOf(selectRegistry(root)),
    selectIdleCoordinator: (root: Root) => selectState(root).idle,
  });
};

/**
 * The selectors over the slice state itself.
 *
 * @example
 * import { backendKey, backendRegistered, lifecycleBroadcastReducer, lifecycleBroadcastSelectors, liveBackend, sharedInstance } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const state = lifecycleBroadcastReducer(undefined, backendRegistered(liveBackend(key)))
 * lifecycleBroadcastSelectors.selectCounts(state) // { registered: 1, live: 1, dead: 0 }
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastSelectors: LifecycleBroadcastSelectors<LifecycleBroadcastState> =
  createLifecycleBroadcastSelectors((state: LifecycleBroadcastState) => state);
