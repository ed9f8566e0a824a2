/**
 * The registry's storage: the model behind the opaque `Registry` value (a vector of slots in
 * registration order, a hash index from key id to position, the operations broadcast so far and
 * who was live for each), its constructors, and the internals the reducers and queries share
 * (the checks of what plain JavaScript gives them are in `checks.ts`).
 *
 * The registry is plain, deeply frozen JSON data, so it can live in a Redux store. A broadcast
 * appends one operation instead of touching every backend: its cost does not grow with the
 * operations broadcast before, and memory is O(backends + operations). See `docs/concepts.md`.
 *
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import { frozenBackend } from '../domain/Backend';
import type { KeyIdentity } from '../domain/BackendKey';
import type { BackendKey } from '../domain/BackendKey';
import { frozenKeyIdentity, keyIdentity } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation, QuiesceReason } from '../domain/BroadcastOperation';
import { copyOperation, quiesceOperation } from '../domain/BroadcastOperation';
import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import type {
  BroadcastAck,
  BroadcastEntry,
  BroadcastFailure,
  BroadcastTimeout,
  SkippedDead,
  BroadcastResult,
} from '../domain/BroadcastResult';
import { resultOf as uncheckedResult } from '../domain/BroadcastResult';
import { checked } from '../internal/codec';
import { frozenValue } from '../internal/frozenValue';
import * as HT from '../internal/HashTrie';
import * as V from '../internal/Vector';
import type { BackendRegistered, KeyNotFound } from './RegistryEvent';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One registered backend as the registry stores it.
 *
 * @internal
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
 * The registry: an opaque value, read with the queries of this module and changed with its
 * reducers; only its `policy` is public. It is plain, deeply frozen data (no class instances,
 * `Map` or `Set`), so it can live in a Redux store and be serialized.
 *
 * @since 0.1.0
 */
export interface Registry {
  /** The policy every broadcast uses. */
  readonly policy: BroadcastPolicy;
  /** @internal Backends in registration order; `null` marks a position freed by `unregister`. */
  readonly slots: V.Vector<Slot | null>;
  /** @internal Key id to position in `slots`. */
  readonly index: HT.HashTrie<number>;
  /** @internal How many registered backends are live. */
  readonly liveCount: number;
  /** @internal How many live backends acknowledge (`liveAcks + liveTimeouts + liveFailures = liveCount`). */
  readonly liveAcks: number;
  /** @internal How many live backends time out. */
  readonly liveTimeouts: number;
  /** @internal How many live backends fail. */
  readonly liveFailures: number;
  /** @internal Every operation that reached at least one live backend, in order. */
  readonly operations: V.Vector<BroadcastOperation>;
  /**
   * @internal The release-handles operations stored so far, one per path prefix: a broadcast of
   * an equal operation stores this one again, so a long history of a few paths holds a few objects.
   */
  readonly releases: HT.HashTrie<BroadcastOperation>;
  /**
   * @internal The operations of `operations` that reached only some of the live backends
   * (targeted broadcasts, see `broadcastTo`), oldest first, each with the ids of the backends
   * it reached.
   */
  readonly audiences: V.Vector<Audience>;
}

/**
 * A targeted broadcast that reached only some of the live backends: where its operation is in
 * `Registry.operations`, and the key ids of the backends it reached.
 *
 * @internal
 */
export interface Audience {
  /** Index of the operation in `Registry.operations`. */
  readonly at: number;
  /** The key ids of the live backends it reached, each mapped to `true`. */
  readonly reached: Readonly<Record<string, true>>;
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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A frozen registry of these parts, its live count the sum of the live counters: a value immer
 * does not draft (`frozenValue`), so a registry kept in an immer draft stays whole.
 */
const registryOf = (
  policy: Registry['policy'],
  slots: Registry['slots'],
  index: Registry['index'],
  acks: number,
  timeouts: number,
  failures: number,
  operations: Registry['operations'],
  releases: Registry['releases'],
  audiences: Registry['audiences'],
): Registry =>
  frozenValue({
    policy,
    slots,
    index,
    liveCount: acks + timeouts + failures,
    liveAcks: acks,
    liveTimeouts: timeouts,
    liveFailures: failures,
    operations,
    releases,
    audiences,
  });

/**
 * An empty registry broadcasting with `policy` (the default policy, 5000 ms, when omitted).
 * A zero timeout is clamped to 1 ms; a policy the `BroadcastPolicy` codec refuses throws a
 * `TypeError` or `RangeError` with its message (`createRegistry: policy.ackTimeoutMs: ...`).
 *
 * @example
 * import { broadcastPolicy, createRegistry } from 'lifecycle-broadcast'
 *
 * const registry = createRegistry(broadcastPolicy(250))
 *
 * @since 0.1.0
 */
export const createRegistry = (policy: BroadcastPolicy = defaultPolicy): Registry =>
  registryOf(
    Object.freeze({ ackTimeoutMs: checked('createRegistry', BroadcastPolicy, policy, 'policy').ackTimeoutMs }),
    V.empty,
    HT.empty,
    0,
    0,
    0,
    V.empty,
    HT.empty,
    V.empty,
  );

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
/** @internal */
export const none: O.Option<never> = Object.freeze({ _tag: 'None' });
/** @internal */
export const some = <A>(value: A): O.Option<A> => Object.freeze({ _tag: 'Some', value });

/**
 * `KeyNotFound` for `action`, a frozen copy that shares nothing with the caller's arguments.
 *
 * @internal
 */
export const keyNotFound = (action: KeyNotFound['action']): KeyNotFound =>
  Object.freeze({ _tag: 'KeyNotFound', action, key: action.key });

/** @internal */
export const transition = <R>(state: Registry, result: R): Transition<R> => Object.freeze({ state, result });

/** @internal */
export const registered = (backend: Backend, replaced: O.Option<Backend>): BackendRegistered =>
  Object.freeze({ _tag: 'BackendRegistered', backend, replaced });

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

/** @internal */
export const slot = (
  k: Pick<KeyIdentity, 'id' | 'hash'>,
  b: Backend,
  policy: BroadcastPolicy,
  liveSince: number,
  history: LiveSpan | null,
): Slot =>
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
 *
 * @internal
 */
export const withSwap = (
  state: Registry,
  slots: Registry['slots'],
  index: Registry['index'],
  before: Backend | null,
  after: Backend | null,
  operations: Registry['operations'] = state.operations,
  releases: Registry['releases'] = state.releases,
  audiences: Registry['audiences'] = state.audiences,
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
  return registryOf(state.policy, slots, index, acks, timeouts, failures, operations, releases, audiences);
};

/** Set by `locate`: the position of the slot it returned, -1 when it returned `null`. */
let locatedAt = -1;

/**
 * The position of the slot the last `locate` call returned (-1 for none).
 *
 * @internal
 */
export const locatedPosition = (): number => locatedAt;

/**
 * The slot of the key with identity `k`, or `null` when it is not registered; its position is
 * then `locatedPosition()`. The position the key was last found at is tried first: a slot there
 * with the key's id is the key's slot (a registry holds an id once), found with one vector read
 * instead of an index walk and a vector read.
 *
 * @internal
 */
export const locate = (state: Registry, k: KeyIdentity): Slot | null => {
  const hinted = V.get(state.slots, k.at);
  if (hinted?.id === k.id) {
    locatedAt = k.at;
    return hinted;
  }
  const at = HT.getHashed(state.index, k.id, k.hash);
  const found = at === undefined ? null : (V.get(state.slots, at) ?? null);
  locatedAt = found === null ? -1 : (at as number);
  if (found !== null) {
    k.at = locatedAt;
  }
  return found;
};

/**
 * The position and slot of `key`, or `undefined` when it is not registered.
 *
 * @internal
 */
export const findSlot = (
  state: Registry,
  key: BackendKey,
): { readonly at: number; readonly slot: Slot } | undefined => {
  const found = locate(state, keyIdentity(key));
  return found === null ? undefined : { at: locatedAt, slot: found };
};

/**
 * The slot of `key`, or `undefined` when it is not registered.
 *
 * @internal
 */
export const slotOf = (state: Registry, key: BackendKey): Slot | undefined =>
  locate(state, keyIdentity(key)) ?? undefined;

/**
 * The four lists of a result as a fan-out fills them, each with how many entries it holds: what
 * `broadcast` and `broadcastTo` share.
 */
interface Lists {
  readonly acks: BroadcastAck[];
  readonly timeouts: BroadcastTimeout[];
  readonly failures: BroadcastFailure[];
  readonly skippedDead: SkippedDead[];
  a: number;
  t: number;
  f: number;
  d: number;
}

/**
 * Lists that grow as they are filled (`broadcastTo`, whose counts are not known beforehand).
 *
 * @internal
 */
export const emptyLists = (): Lists => ({
  acks: [],
  timeouts: [],
  failures: [],
  skippedDead: [],
  a: 0,
  t: 0,
  f: 0,
  d: 0,
});

/**
 * Lists made at their final size (`broadcast`, whose counts the live counters give).
 *
 * @internal
 */
export const sizedLists = (acks: number, timeouts: number, failures: number, skippedDead: number): Lists => ({
  acks: new Array<BroadcastAck>(acks),
  timeouts: new Array<BroadcastTimeout>(timeouts),
  failures: new Array<BroadcastFailure>(failures),
  skippedDead: new Array<SkippedDead>(skippedDead),
  a: 0,
  t: 0,
  f: 0,
  d: 0,
});

/**
 * File the entry of each slot (precomputed when its backend last changed) in the list its kind
 * says, in order: the fan-out loop of `broadcast` (one call per leaf of slots) and `broadcastTo`.
 *
 * @internal
 */
export const addEntries = (lists: Lists, slots: ReadonlyArray<Slot | null>): void => {
  const { acks, timeouts, failures, skippedDead } = lists;
  // An indexed loop: `for...of` goes through the array iterator, measurably slower here.
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < slots.length; i++) {
    const e = slots[i]?.entry;
    if (e === undefined) {
      continue;
    }
    switch (e._tag) {
      case 'Ack':
        acks[lists.a++] = e;
        break;
      case 'Timeout':
        timeouts[lists.t++] = e;
        break;
      case 'Failure':
        failures[lists.f++] = e;
        break;
      case 'SkippedDead':
        skippedDead[lists.d++] = e;
        break;
    }
  }
};

const EMPTY_LIST: ReadonlyArray<never> = Object.freeze([]);

/**
 * The result of a fan-out: an empty list is the one shared frozen empty array.
 *
 * @internal
 */
export const resultOf = (op: BroadcastOperation, lists: Lists): BroadcastResult =>
  uncheckedResult({
    operation: op,
    acks: lists.a === 0 ? EMPTY_LIST : Object.freeze(lists.acks),
    timeouts: lists.t === 0 ? EMPTY_LIST : Object.freeze(lists.timeouts),
    failures: lists.f === 0 ? EMPTY_LIST : Object.freeze(lists.failures),
    skippedDead: lists.d === 0 ? EMPTY_LIST : Object.freeze(lists.skippedDead),
  });

/**
 * Positions freed by `unregister` are reclaimed once there are more than 32 of them and more
 * than half as many as backends: a broadcast then never walks more than 1.5 times the slots it
 * needs, and each reclaim, O(slots), follows at least that many removals.
 */
const MIN_HOLES_TO_COMPACT = 32;

/** @internal */
export const compact = (state: Registry): Registry => {
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

/** Set by `update`: the backend as it is after the update (the one before when unchanged). */
let updatedBackend: Backend | null = null;

/**
 * The backend as the last `update` call left it: the very backend it found when it changed nothing.
 *
 * @internal
 */
export const lastUpdated = (): Backend => updatedBackend as Backend;

/**
 * Give the backend at `at` liveness `live` and response `response` (a canonical one): the new
 * registry (the same one when nothing changes), with the backend it now holds in `lastUpdated()`.
 * A liveness flip opens or closes one of its live spans.
 *
 * @internal
 */
export const update = (
  state: Registry,
  at: number,
  s: Slot,
  live: boolean,
  response: BroadcastBackendResponse,
): Registry => {
  const previous = s.backend;
  updatedBackend = previous;
  if (live === previous.live && response === previous.response) {
    return state;
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
      history: live ? s.history : closedSpan(s.history, s.liveSince, now),
      unflipped: previous,
      unflippedEntry: s.entry,
    });
  }
  const next = changed.backend;
  updatedBackend = next;
  return withSwap(state, V.replace(state.slots, at, changed), state.index, previous, next);
};

/**
 * The history after a live span from `start` to `end` closes: the same history when the span
 * is empty (no operation was broadcast while it was open, as when a backend is flipped dead and
 * back between two broadcasts), the last span extended when this one starts where it ended,
 * otherwise one more span. A history thus holds only spans that received something, and its
 * length is bounded by the broadcasts, not by the liveness flips.
 */
const closedSpan = (history: LiveSpan | null, start: number, end: number): LiveSpan | null => {
  if (start === end) {
    return history;
  }
  return history !== null && history.end === start
    ? Object.freeze({ start: history.start, end, earlier: history.earlier })
    : Object.freeze({ start, end, earlier: history });
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
 *
 * @internal
 */
export const storedOperation = (op: BroadcastOperation): BroadcastOperation => {
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
 * The pool of release-handles operations that the last `pooled` call left.
 *
 * @internal
 */
export const lastPool = (): Registry['releases'] => pool;

/**
 * The operation to store for `op` in `state`: an equal release-handles operation stored before
 * if there is one (whatever `op` is, it is equal to it in value), otherwise `storedOperation`,
 * added to the pool in `pool`.
 *
 * @internal
 */
export const pooled = (state: Registry, op: BroadcastOperation): BroadcastOperation => pooledIn(state.releases, op);

/** `pooled` for the pool `releases`. */
const pooledIn = (releases: Registry['releases'], op: BroadcastOperation): BroadcastOperation => {
  pool = releases;
  if (op._tag !== 'ReleaseHandles' || typeof op.pathPrefix !== 'string') {
    return storedOperation(op);
  }
  const h = HT.hash(op.pathPrefix);
  const found = HT.getHashed(releases, op.pathPrefix, h);
  if (found !== undefined) {
    return found;
  }
  const stored = storedOperation(op);
  if (stored._tag === 'ReleaseHandles' && stored.pathPrefix === op.pathPrefix) {
    pool = HT.setHashed(releases, op.pathPrefix, h, stored);
  }
  return stored;
};

/**
 * A backend of a registry as a checkpoint saves it: the backend, the operation it has been live
 * since (-1 while it is dead), and its earlier live spans as `start, end` pairs, earliest first
 * (`null` when it has not gone dead since it was registered).
 *
 * @internal
 */
export interface SlotImage {
  readonly backend: Backend;
  readonly liveSince: number;
  readonly spans: ReadonlyArray<number> | null;
}

/**
 * The backends of `state` as `restoreRegistry` takes them back, in registration order.
 *
 * @internal
 */
export const slotImages = (state: Registry): ReadonlyArray<SlotImage> => {
  const images: SlotImage[] = [];
  V.forEach(state.slots, (s) => {
    if (s === null) {
      return;
    }
    let spans: number[] | null = null;
    if (s.history !== null) {
      spans = [];
      for (let span: LiveSpan | null = s.history; span !== null; span = span.earlier) {
        spans.push(span.end, span.start);
      }
      spans.reverse();
    }
    images.push({ backend: s.backend, liveSince: s.liveSince, spans });
  });
  return images;
};

/**
 * The registry with `policy` that holds `operations` (each stored as a broadcast stores it),
 * `audiences` and the backends of `images`: what `slotImages` and the registry's operations and
 * audiences saved, or why they do not make a registry (a backend twice, a span or a live index
 * outside the operations, spans out of order). The arguments are trusted to be decoded values,
 * and the audiences to be ascending within the operations (the checkpoint reader checks each
 * against the operations of its own checkpoint, which is stricter).
 *
 * @internal
 */
export const restoreRegistry = (
  policy: BroadcastPolicy,
  operations: ReadonlyArray<BroadcastOperation>,
  audiences: ReadonlyArray<Audience>,
  images: ReadonlyArray<SlotImage>,
): E.Either<string, Registry> => {
  const state = createRegistry(policy);
  let releases = state.releases;
  // A saved history repeats a few operation objects: each is pooled once.
  const seen = new Map<BroadcastOperation, BroadcastOperation>();
  const stored: BroadcastOperation[] = new Array<BroadcastOperation>(operations.length);
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i] as BroadcastOperation;
    let kept = seen.get(op);
    if (kept === undefined) {
      kept = pooledIn(releases, op);
      releases = pool;
      seen.set(op, kept);
    }
    stored[i] = kept;
  }
  const count = stored.length;
  let slots: Registry['slots'] = V.empty;
  let index: Registry['index'] = HT.empty;
  let acks = 0;
  let timeouts = 0;
  let failures = 0;
  for (const image of images) {
    const backend = frozenBackend(image.backend);
    const k = frozenKeyIdentity(backend.key);
    if (HT.getHashed(index, k.id, k.hash) !== undefined) {
      return E.left(`backend ${k.id} is held twice`);
    }
    const spans = image.spans;
    let history: LiveSpan | null = null;
    if (spans !== null) {
      if (spans.length % 2 !== 0) {
        return E.left(`backend ${k.id} has an odd number of live span bounds`);
      }
      let previous = 0;
      for (let i = 0; i < spans.length; i += 2) {
        const start = spans[i] ?? -1;
        const end = spans[i + 1] ?? -1;
        if (!(Number.isInteger(start) && Number.isInteger(end) && previous <= start && start <= end && end <= count)) {
          return E.left(`backend ${k.id} has a live span outside the operations or out of order`);
        }
        previous = end;
        history = Object.freeze({ start, end, earlier: history });
      }
    }
    const liveOk = backend.live
      ? Number.isInteger(image.liveSince) && image.liveSince >= 0 && image.liveSince <= count
      : image.liveSince === -1;
    if (!liveOk) {
      return E.left(`backend ${k.id} is ${backend.live ? 'live' : 'dead'} with live index ${String(image.liveSince)}`);
    }
    index = HT.setHashed(index, k.id, k.hash, slots.size);
    slots = V.push(slots, slot(k, backend, state.policy, image.liveSince, history));
    if (backend.live) {
      const tag = backend.response._tag;
      acks += tag === 'Ack' ? 1 : 0;
      timeouts += tag === 'Timeout' ? 1 : 0;
      failures += tag === 'Failure' ? 1 : 0;
    }
  }
  const storedOps = V.fromArray(stored);
  return E.right(
    registryOf(state.policy, slots, index, acks, timeouts, failures, storedOps, releases, V.fromArray(audiences)),
  );
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
