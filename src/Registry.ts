/**
 * The broadcast registry: an immutable value holding the backends in registration order, and
 * the pure reducers that return a new registry together with a tagged result.
 *
 * The registry is plain, deeply frozen JSON data, so it can live in a Redux store. Inside, it
 * keeps two persistent tries (a vector of backends in registration order and a hash index from
 * key id to position) and the list of operations broadcast so far; each backend remembers only
 * the spans of that list during which it was live. A broadcast therefore appends one operation
 * instead of touching every backend: its cost does not grow with the operations broadcast
 * before, and memory is O(backends + operations). See `docs/concepts.md`.
 *
 * @since 0.1.0
 */
import type * as O from 'fp-ts/Option';

import { frozenBackend } from './Backend';
import type { Backend } from './Backend';
import type { BackendKey, KeyIdentity } from './BackendKey';
import { cachedKeyIdentity, copyKey, frozenKeyIdentity, keyIdentity } from './BackendKey';
import type { BroadcastBackendResponse } from './BroadcastBackendResponse';
import { canonicalResponse } from './BroadcastBackendResponse';
import type { BroadcastOperation, QuiesceReason } from './BroadcastOperation';
import { copyOperation, quiesceOperation, releaseHandlesOperation } from './BroadcastOperation';
import type { BroadcastPolicy } from './BroadcastPolicy';
import { broadcastPolicy, defaultPolicy } from './BroadcastPolicy';
import type {
  BroadcastAck,
  BroadcastEntry,
  BroadcastFailure,
  BroadcastResult,
  BroadcastTimeout,
  SkippedDead,
} from './BroadcastResult';
import { broadcastResult } from './BroadcastResult';
import * as HT from './internal/HashTrie';
import { matchTag } from './internal/match';
import * as V from './internal/Vector';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One registered backend as the registry stores it.
 *
 * @since 0.1.0
 */
export interface Slot {
  /** The key's canonical id (see `keyId`). */
  readonly id: string;
  /** The hash the index files `id` under, kept so that reindexing never computes it again. */
  readonly hash: number;
  /** The backend: key, liveness and modelled response. */
  readonly backend: Backend;
  /** The entry this backend contributes to a broadcast result, computed once per change. */
  readonly entry: BroadcastEntry;
  /** Index into `Registry.operations` from which it has been live; -1 while it is dead. */
  readonly liveSince: number;
  /** Earlier live spans since it was registered, the latest first; `null` until it first goes dead. */
  readonly history: LiveSpan | null;
  /**
   * The backend as it was before its last liveness flip, with its entry (`null` before the first
   * flip, or after a change of response): flipping back reuses both instead of making them again.
   */
  readonly unflipped: Backend | null;
  readonly unflippedEntry: BroadcastEntry | null;
}

/**
 * One earlier live span of a backend: the operations from `start` (inclusive) to `end`
 * (exclusive) of `Registry.operations` reached it. Spans are linked from the latest to the
 * earliest, so closing one costs one small object.
 *
 * @since 0.2.0
 */
export interface LiveSpan {
  readonly start: number;
  readonly end: number;
  /** The span before this one, or `null`. */
  readonly earlier: LiveSpan | null;
}

/**
 * The registry. Treat it as opaque: read it with the queries of this module, change it with its
 * reducers. It is plain, deeply frozen data (no class instances, `Map` or `Set`).
 *
 * @since 0.1.0
 */
export interface Registry {
  /** The policy every broadcast uses. */
  readonly policy: BroadcastPolicy;
  /** Backends in registration order; `null` marks a position freed by `unregister`. */
  readonly slots: V.Vector<Slot | null>;
  /** Key id to position in `slots`. */
  readonly index: HT.HashTrie<number>;
  /** How many registered backends are live. */
  readonly liveCount: number;
  /** How many live backends acknowledge (`liveAcks + liveTimeouts + liveFailures = liveCount`). */
  readonly liveAcks: number;
  /** How many live backends time out. */
  readonly liveTimeouts: number;
  /** How many live backends fail. */
  readonly liveFailures: number;
  /** Every operation that reached at least one live backend, in order. */
  readonly operations: V.Vector<BroadcastOperation>;
  /**
   * The release-handles operations stored so far, one per path prefix: a broadcast of an equal
   * operation stores this one again, so a long history of a few paths holds a few objects.
   */
  readonly releases: HT.HashTrie<BroadcastOperation>;
}

/**
 * A new registry and what the reducer did.
 *
 * @since 0.1.0
 */
export interface Transition<R> {
  readonly state: Registry;
  readonly result: R;
}

/**
 * A reducer changed a registered backend: `previous` is how it was, `backend` how it is now.
 * When nothing changed, both are the same object and the state is returned as it was.
 *
 * @since 0.1.0
 */
export interface Updated {
  readonly _tag: 'Updated';
  readonly previous: Backend;
  readonly backend: Backend;
}

/**
 * A reducer removed a registered backend.
 *
 * @since 0.1.0
 */
export interface Removed {
  readonly _tag: 'Removed';
  readonly backend: Backend;
}

/**
 * A reducer was given a key that is not registered; the state is returned unchanged.
 *
 * @since 0.1.0
 */
export interface UnknownKey {
  readonly _tag: 'UnknownKey';
  readonly key: BackendKey;
}

/**
 * What `setLive` and `setResponse` did.
 *
 * @since 0.1.0
 */
export type UpdateOutcome = Updated | UnknownKey;

/**
 * What `unregister` did.
 *
 * @since 0.1.0
 */
export type RemoveOutcome = Removed | UnknownKey;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An empty registry broadcasting with `policy` (the default policy, 5000 ms, when omitted).
 * A zero timeout is clamped to 1 ms.
 *
 * @example
 * import { broadcastPolicy, createRegistry } from 'lifecycle-broadcast'
 *
 * const registry = createRegistry(broadcastPolicy(250))
 *
 * @since 0.1.0
 */
export const createRegistry = (policy: BroadcastPolicy = defaultPolicy): Registry =>
  Object.freeze({
    policy: broadcastPolicy(policy.ackTimeoutMs),
    slots: V.empty,
    index: HT.empty,
    liveCount: 0,
    liveAcks: 0,
    liveTimeouts: 0,
    liveFailures: 0,
    operations: V.empty,
    releases: HT.empty,
  });

/**
 * The empty registry with the default policy.
 *
 * @since 0.1.0
 */
export const emptyRegistry: Registry = createRegistry();

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// fp-ts's `none` and `some` are not frozen; everything this module returns is.
const none: O.Option<never> = Object.freeze({ _tag: 'None' });
const some = <A>(value: A): O.Option<A> => Object.freeze({ _tag: 'Some', value });

const updated = (previous: Backend, backend: Backend): Updated => Object.freeze({ _tag: 'Updated', previous, backend });

const unknownKey = (key: BackendKey): UnknownKey => Object.freeze({ _tag: 'UnknownKey', key: copyKey(key) });

const transition = <R>(state: Registry, result: R): Transition<R> => Object.freeze({ state, result });

const entryOf = (b: Backend, policy: BroadcastPolicy): BroadcastEntry => {
  if (!b.live) {
    return Object.freeze({ _tag: 'SkippedDead', key: b.key });
  }
  switch (b.response._tag) {
    case 'Ack':
      return Object.freeze({ _tag: 'Ack', key: b.key });
    case 'Timeout':
      return Object.freeze({ _tag: 'Timeout', key: b.key, ackTimeoutMs: policy.ackTimeoutMs });
    case 'Failure':
      return Object.freeze({ _tag: 'Failure', key: b.key, reason: b.response.reason });
  }
};

const slot = (k: KeyIdentity, b: Backend, policy: BroadcastPolicy, liveSince: number, history: LiveSpan | null): Slot =>
  Object.freeze({
    id: k.id,
    hash: k.hash,
    backend: b,
    entry: entryOf(b, policy),
    liveSince,
    history,
    unflipped: null,
    unflippedEntry: null,
  });

/**
 * The registry with new slots, index and operations, where the backend `before` (or none) was
 * replaced by `after` (or none): the live counters move by what each of them counted for.
 */
const withSwap = (
  state: Registry,
  slots: Registry['slots'],
  index: Registry['index'],
  before: Backend | null,
  after: Backend | null,
  operations: Registry['operations'] = state.operations,
  releases: Registry['releases'] = state.releases,
): Registry => {
  let acks = state.liveAcks;
  let timeouts = state.liveTimeouts;
  let failures = state.liveFailures;
  if (before?.live === true) {
    const tag = before.response._tag;
    acks -= tag === 'Ack' ? 1 : 0;
    timeouts -= tag === 'Timeout' ? 1 : 0;
    failures -= tag === 'Failure' ? 1 : 0;
  }
  if (after?.live === true) {
    const tag = after.response._tag;
    acks += tag === 'Ack' ? 1 : 0;
    timeouts += tag === 'Timeout' ? 1 : 0;
    failures += tag === 'Failure' ? 1 : 0;
  }
  return Object.freeze({
    policy: state.policy,
    slots,
    index,
    liveCount: acks + timeouts + failures,
    liveAcks: acks,
    liveTimeouts: timeouts,
    liveFailures: failures,
    operations,
    releases,
  });
};

/** The position of the slot of `key` in `slots`, or -1 when it is not registered. */
const positionOf = (state: Registry, key: BackendKey): number => {
  const k = keyIdentity(key);
  return HT.getHashed(state.index, k.id, k.hash) ?? -1;
};

/** The slot of `key`, or `undefined` when it is not registered. */
const slotOf = (state: Registry, key: BackendKey): Slot | undefined => {
  const at = positionOf(state, key);
  return at < 0 ? undefined : (V.get(state.slots, at) ?? undefined);
};

/**
 * Positions freed by `unregister` are reclaimed once there are more than 32 of them and more
 * than half as many as backends: a broadcast then never walks more than 1.5 times the slots it
 * needs, and each reclaim, O(slots), follows at least that many removals.
 */
const MIN_HOLES_TO_COMPACT = 32;

const compact = (state: Registry): Registry => {
  const holes = state.slots.size - state.index.size;
  if (holes <= MIN_HOLES_TO_COMPACT || holes * 2 <= state.index.size) {
    return state;
  }
  let slots: Registry['slots'] = V.empty;
  let index: Registry['index'] = HT.empty;
  V.forEach(state.slots, (s) => {
    if (s !== null) {
      index = HT.setHashed(index, s.id, s.hash, slots.size);
      slots = V.push(slots, s);
    }
  });
  return withSwap(state, slots, index, null, null);
};

/**
 * Give the backend at `at` liveness `live` and response `response` (a canonical one). A
 * liveness flip opens or closes one of its live spans.
 */
const update = (
  state: Registry,
  at: number,
  s: Slot,
  live: boolean,
  response: BroadcastBackendResponse,
): Transition<UpdateOutcome> => {
  const previous = s.backend;
  if (live === previous.live && response === previous.response) {
    return transition(state, updated(previous, previous));
  }
  const now = state.operations.size;
  let changed: Slot;
  if (live === previous.live) {
    changed = slot(s, Object.freeze({ key: previous.key, live, response }), state.policy, s.liveSince, s.history);
  } else {
    // A flip back to how the backend was reuses that backend and its entry.
    const back = s.unflipped !== null && s.unflipped.response === response ? s.unflipped : null;
    const next = back ?? Object.freeze({ key: previous.key, live, response });
    changed = Object.freeze({
      id: s.id,
      hash: s.hash,
      backend: next,
      entry: back === null ? entryOf(next, state.policy) : (s.unflippedEntry ?? entryOf(next, state.policy)),
      // Going dead closes the open span into the history; going live opens a new one.
      liveSince: live ? now : -1,
      history: live ? s.history : Object.freeze({ start: s.liveSince, end: now, earlier: s.history }),
      unflipped: previous,
      unflippedEntry: s.entry,
    });
  }
  const next = changed.backend;
  const slots = V.set(state.slots, at, changed);
  return transition(withSwap(state, slots, state.index, previous, next), updated(previous, next));
};

/** The canonical frozen quiesce operations: a broadcast of one stores no object of its own. */
const quiesceOperations: Readonly<Record<QuiesceReason, BroadcastOperation>> = Object.freeze({
  IdleTimeout: quiesceOperation('IdleTimeout'),
  BrokerShutdown: quiesceOperation('BrokerShutdown'),
  Maintenance: quiesceOperation('Maintenance'),
});

/** True when `op` is frozen and has no own fields beyond a release-handles operation's two. */
const isSharableRelease = (op: BroadcastOperation): boolean => {
  if (!Object.isFrozen(op) || op._tag !== 'ReleaseHandles' || typeof op.pathPrefix !== 'string') {
    return false;
  }
  let fields = 0;
  for (const k in op) {
    if (Object.hasOwn(op, k)) {
      fields += 1;
    }
  }
  return fields === 2;
};

/**
 * The operation a broadcast stores and returns: a canonical instance for a quiesce, the given
 * object for a frozen release-handles operation (it can never change), otherwise a frozen copy.
 */
const storedOperation = (op: BroadcastOperation): BroadcastOperation => {
  if (op._tag === 'Quiesce') {
    switch (op.reason) {
      case 'IdleTimeout':
      case 'BrokerShutdown':
      case 'Maintenance':
        return quiesceOperations[op.reason];
    }
  }
  return isSharableRelease(op) ? op : copyOperation(op);
};

/** Set by `pooled`: the pool of release-handles operations after it (the same when unchanged). */
let pool: Registry['releases'] = HT.empty;

/**
 * The operation to store for `op` in `state`: an equal release-handles operation stored before
 * if there is one (whatever `op` is, it is equal to it in value), otherwise `storedOperation`,
 * added to the pool in `pool`.
 */
const pooled = (state: Registry, op: BroadcastOperation): BroadcastOperation => {
  pool = state.releases;
  if (op._tag !== 'ReleaseHandles' || typeof op.pathPrefix !== 'string') {
    return storedOperation(op);
  }
  const h = HT.hash(op.pathPrefix);
  const found = HT.getHashed(state.releases, op.pathPrefix, h);
  if (found !== undefined) {
    return found;
  }
  const stored = storedOperation(op);
  if (stored._tag === 'ReleaseHandles' && stored.pathPrefix === op.pathPrefix) {
    pool = HT.setHashed(state.releases, op.pathPrefix, h, stored);
  }
  return stored;
};

/**
 * The status a broadcast from `state` has, read from the live counters in O(1): what
 * `broadcast(state, op).result._tag` is, for any `op`.
 *
 * @internal
 */
export const broadcastStatus = (state: Registry): BroadcastResult['_tag'] =>
  state.liveTimeouts > 0 || state.liveFailures > 0 ? 'Degraded' : state.liveAcks > 0 ? 'AllAcked' : 'NoLiveTargets';

/**
 * A broadcast of `operation` without its result lists, in O(1) whatever the number of
 * backends: the registry `broadcast` returns, with the operation stored and its status (from
 * `broadcastStatus`). For folds, such as a replay, that never look at the lists.
 *
 * @internal
 */
export const broadcastCounted = (
  state: Registry,
  operation: BroadcastOperation,
): { readonly state: Registry; readonly operation: BroadcastOperation; readonly status: BroadcastResult['_tag'] } => {
  const status = broadcastStatus(state);
  if (state.liveCount === 0) {
    return { state, operation: storedOperation(operation), status };
  }
  const op = pooled(state, operation);
  return {
    state: withSwap(state, state.slots, state.index, null, null, V.push(state.operations, op), pool),
    operation: op,
    status,
  };
};

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/**
 * Register `backend`. A new key is appended; a key already registered is replaced in place,
 * keeping its position, and the replaced backend is returned. The replacement starts with no
 * received operations, as a new endpoint would.
 *
 * @example
 * import { backendKey, createRegistry, liveBackend, register, sharedInstance } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { state, result: replaced } = register(createRegistry(), liveBackend(key))
 * // replaced: none
 *
 * @since 0.1.0
 */
export const register = (state: Registry, backend: Backend): Transition<O.Option<Backend>> => {
  // A frozen backend whose key has a cached identity (so is frozen all the way down) and whose
  // response is canonical is stored as it is, checked with one `isFrozen` and one cache lookup.
  const known =
    Object.isFrozen(backend) && canonicalResponse(backend.response) === backend.response
      ? cachedKeyIdentity(backend.key)
      : undefined;
  const b = known === undefined ? frozenBackend(backend) : backend;
  const k = known ?? frozenKeyIdentity(b.key);
  const fresh = slot(k, b, state.policy, b.live ? state.operations.size : -1, null);
  const { existing: at, map: index } = HT.getOrAddHashed(state.index, k.id, k.hash, state.slots.size);
  const previous = at === undefined ? null : V.get(state.slots, at);
  if (at === undefined || previous === undefined || previous === null) {
    return transition(withSwap(state, V.push(state.slots, fresh), index, null, b), none);
  }
  return transition(
    withSwap(state, V.set(state.slots, at, fresh), state.index, previous.backend, b),
    some(previous.backend),
  );
};

/**
 * Mark the backend with `key` live or dead. Setting the value it already has returns the same
 * state; an unregistered key returns the same state with an `UnknownKey` outcome.
 *
 * @since 0.1.0
 */
export const setLive = (state: Registry, key: BackendKey, live: boolean): Transition<UpdateOutcome> => {
  const at = positionOf(state, key);
  const s = at < 0 ? null : V.get(state.slots, at);
  return s === undefined || s === null
    ? transition(state, unknownKey(key))
    : update(state, at, s, live, s.backend.response);
};

/**
 * Make the backend with `key` answer broadcasts with `response`. Setting the response it
 * already has returns the same state; an unregistered key gives `UnknownKey`.
 *
 * @since 0.1.0
 */
export const setResponse = (
  state: Registry,
  key: BackendKey,
  response: BroadcastBackendResponse,
): Transition<UpdateOutcome> => {
  const at = positionOf(state, key);
  const s = at < 0 ? null : V.get(state.slots, at);
  return s === undefined || s === null
    ? transition(state, unknownKey(key))
    : update(state, at, s, s.backend.live, canonicalResponse(response));
};

/**
 * Remove the backend with `key`; the others keep their order. An unregistered key gives
 * `UnknownKey` and the same state.
 *
 * @since 0.1.0
 */
export const unregister = (state: Registry, key: BackendKey): Transition<RemoveOutcome> => {
  const k = keyIdentity(key);
  const at = HT.getHashed(state.index, k.id, k.hash);
  const s = at === undefined ? null : V.get(state.slots, at);
  if (at === undefined || s === undefined || s === null) {
    return transition(state, unknownKey(key));
  }
  const removed = s.backend;
  const next = withSwap(state, V.set(state.slots, at, null), HT.removeHashed(state.index, k.id, k.hash), removed, null);
  return transition(compact(next), Object.freeze({ _tag: 'Removed', backend: removed }));
};

const EMPTY_LIST: ReadonlyArray<never> = Object.freeze([]);

/**
 * Fan `operation` out to every live backend, in registration order. Dead backends are skipped;
 * a timeout or failure does not stop the fan-out. The result lists every backend once.
 *
 * @example
 * import { broadcast, createRegistry, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const { state, result } = broadcast(createRegistry(), releaseHandlesOperation('/cache'))
 * // result._tag === 'NoLiveTargets'
 *
 * @since 0.1.0
 */
export const broadcast = (state: Registry, operation: BroadcastOperation): Transition<BroadcastResult> => {
  // Nothing is stored when nothing is live, and then nothing needs pooling.
  const op = state.liveCount === 0 ? storedOperation(operation) : pooled(state, operation);
  // The counters give each list's length: the lists are made at their size, never grown.
  const acks = new Array<BroadcastAck>(state.liveAcks);
  const timeouts = new Array<BroadcastTimeout>(state.liveTimeouts);
  const failures = new Array<BroadcastFailure>(state.liveFailures);
  const skippedDead = new Array<SkippedDead>(state.index.size - state.liveCount);
  let a = 0;
  let t = 0;
  let f = 0;
  let d = 0;
  V.forEachLeaf(state.slots, (leaf) => {
    // An indexed loop: `for...of` goes through the array iterator, measurably slower here.
    // eslint-disable-next-line @typescript-eslint/prefer-for-of
    for (let i = 0; i < leaf.length; i++) {
      const e = leaf[i]?.entry;
      if (e === undefined) {
        continue;
      }
      switch (e._tag) {
        case 'Ack':
          acks[a++] = e;
          break;
        case 'Timeout':
          timeouts[t++] = e;
          break;
        case 'Failure':
          failures[f++] = e;
          break;
        case 'SkippedDead':
          skippedDead[d++] = e;
          break;
      }
    }
  });
  // An empty list is the one shared frozen empty array: most results have one or more.
  const result = broadcastResult({
    operation: op,
    acks: a === 0 ? EMPTY_LIST : Object.freeze(acks),
    timeouts: t === 0 ? EMPTY_LIST : Object.freeze(timeouts),
    failures: f === 0 ? EMPTY_LIST : Object.freeze(failures),
    skippedDead: d === 0 ? EMPTY_LIST : Object.freeze(skippedDead),
  });
  if (state.liveCount === 0) {
    return transition(state, result);
  }
  const operations = V.push(state.operations, op);
  return transition(withSwap(state, state.slots, state.index, null, null, operations, pool), result);
};

/**
 * Ask every live backend to release its file handles below `pathPrefix`.
 *
 * @since 0.1.0
 */
export const releaseHandlesUnderPath = (state: Registry, pathPrefix: string): Transition<BroadcastResult> =>
  broadcast(state, releaseHandlesOperation(pathPrefix));

/**
 * Ask every live backend to stop taking new work and drain, for `reason`.
 *
 * @since 0.1.0
 */
export const quiesce = (state: Registry, reason: QuiesceReason): Transition<BroadcastResult> =>
  broadcast(state, quiesceOperation(reason));

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The backend registered under `key`.
 *
 * @since 0.1.0
 */
export const lookup = (state: Registry, key: BackendKey): O.Option<Backend> => {
  const s = slotOf(state, key);
  return s === undefined ? none : some(s.backend);
};

/**
 * True when a backend is registered under `key`.
 *
 * @since 0.1.0
 */
export const has = (state: Registry, key: BackendKey): boolean => slotOf(state, key) !== undefined;

const backendsCache = new WeakMap<Registry['slots'], ReadonlyArray<Backend>>();

/**
 * Every registered backend in registration order, as a frozen array. The same registry gives
 * the same array (by reference).
 *
 * @since 0.1.0
 */
export const backends = (state: Registry): ReadonlyArray<Backend> => {
  const cached = backendsCache.get(state.slots);
  if (cached !== undefined) {
    return cached;
  }
  const out: Backend[] = [];
  V.forEach(state.slots, (s) => {
    if (s !== null) {
      out.push(s.backend);
    }
  });
  const frozen = Object.freeze(out);
  backendsCache.set(state.slots, frozen);
  return frozen;
};

/**
 * How many backends are registered.
 *
 * @since 0.1.0
 */
export const size = (state: Registry): number => state.index.size;

/**
 * How many registered backends are live.
 *
 * @since 0.1.0
 */
export const liveCount = (state: Registry): number => state.liveCount;

const receivedOf = (state: Registry, s: Slot): ReadonlyArray<BroadcastOperation> => {
  const out: BroadcastOperation[] = [];
  const collect = (op: BroadcastOperation): void => {
    out.push(op);
  };
  const spans: LiveSpan[] = [];
  for (let span = s.history; span !== null; span = span.earlier) {
    spans.push(span);
  }
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i] as LiveSpan;
    V.forEachRange(state.operations, span.start, span.end, collect);
  }
  if (s.liveSince >= 0) {
    V.forEachRange(state.operations, s.liveSince, state.operations.size, collect);
  }
  return Object.freeze(out);
};

/**
 * The operations that reached the backend registered under `key`, oldest first (since it was
 * last registered); `none` when the key is not registered.
 *
 * @since 0.1.0
 */
export const receivedOperations = (state: Registry, key: BackendKey): O.Option<ReadonlyArray<BroadcastOperation>> => {
  const s = slotOf(state, key);
  return s === undefined ? none : some(receivedOf(state, s));
};

/**
 * One backend of a snapshot, with the operations it received.
 *
 * @since 0.1.0
 */
export interface BackendSnapshot {
  readonly backend: Backend;
  readonly received: ReadonlyArray<BroadcastOperation>;
}

/**
 * A registry as plain data, independent of how it is stored: two registries with equal
 * snapshots behave the same under every reducer.
 *
 * @since 0.1.0
 */
export interface RegistrySnapshot {
  readonly policy: BroadcastPolicy;
  readonly backends: ReadonlyArray<BackendSnapshot>;
}

/**
 * The registry's snapshot: its policy, and every backend in registration order with the
 * operations it received.
 *
 * @example
 * import { deepStrictEqual } from 'node:assert'
 * import { backendKey, createRegistry, liveBackend, register, setLive, sharedInstance, snapshot } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const before = register(createRegistry(), liveBackend(zccache)).state
 * const after = setLive(setLive(before, zccache, false).state, zccache, true).state
 * deepStrictEqual(snapshot(after), snapshot(before)) // passes: the same backends, in the same state
 *
 * @since 0.1.0
 */
export const snapshot = (state: Registry): RegistrySnapshot => {
  const out: BackendSnapshot[] = [];
  V.forEach(state.slots, (s) => {
    if (s !== null) {
      out.push(Object.freeze({ backend: s.backend, received: receivedOf(state, s) }));
    }
  });
  return Object.freeze({ policy: state.policy, backends: Object.freeze(out) });
};

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold the outcome of `setLive` or `setResponse`.
 *
 * @example
 * import { backendKey, createRegistry, matchUpdate, setLive, sharedInstance } from 'lifecycle-broadcast'
 *
 * const { result } = setLive(createRegistry(), backendKey(sharedInstance, 'zccache', '1.11.20'), true)
 * matchUpdate({
 *   Updated: (u) => `${u.backend.key.serviceName} is ${u.backend.live ? 'live' : 'dead'}`,
 *   UnknownKey: (u) => `${u.key.serviceName} is not registered`,
 * })(result)
 * // 'zccache is not registered'
 *
 * @since 0.1.0
 */
export const matchUpdate = matchTag<UpdateOutcome>();

/**
 * Fold the outcome of `unregister`.
 *
 * @example
 * import { backendKey, createRegistry, liveBackend, matchRemoval, register, sharedInstance, unregister } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { result } = unregister(register(createRegistry(), liveBackend(zccache)).state, zccache)
 * matchRemoval({
 *   Removed: (r) => `removed ${r.backend.key.serviceName}`,
 *   UnknownKey: (u) => `${u.key.serviceName} is not registered`,
 * })(result)
 * // 'removed zccache'
 *
 * @since 0.1.0
 */
export const matchRemoval = matchTag<RemoveOutcome>();
