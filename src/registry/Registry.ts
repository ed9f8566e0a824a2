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
import * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';
import type { Ord } from 'fp-ts/Ord';
import * as t from 'io-ts';

import { Backend, frozenBackend } from '../domain/Backend';
import type { KeyIdentity } from '../domain/BackendKey';
import {
  BackendKey,
  EqBackendKey,
  cachedKeyIdentity,
  copyKey,
  frozenKeyIdentity,
  keyId,
  keyIdentity,
} from '../domain/BackendKey';
import { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import {
  BroadcastOperation,
  QuiesceReason,
  copyOperation,
  quiesceOperation,
  releaseHandlesOperation,
} from '../domain/BroadcastOperation';
import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import type {
  BroadcastAck,
  BroadcastEntry,
  BroadcastFailure,
  BroadcastTimeout,
  SkippedDead,
} from '../domain/BroadcastResult';
import {
  BroadcastResult,
  getBroadcastResultSemigroup,
  resultOf as uncheckedResult,
  unacknowledgedKeys,
} from '../domain/BroadcastResult';
import { canonicalResponse, isCanonicalResponse } from '../domain/BroadcastBackendResponse';
import { PathPrefix, arrayOf, checked, show } from '../internal/codec';
import * as HT from '../internal/HashTrie';
import { isRecord } from '../internal/isRecord';
import * as V from '../internal/Vector';
import type {
  BackendRegistered,
  BackendUnregistered,
  KeyNotFound,
  LivenessSet,
  OperationBroadcastTo,
  ResponseSet,
} from './RegistryEvent';

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
  Object.freeze({
    policy: Object.freeze({
      ackTimeoutMs: checked('createRegistry', BroadcastPolicy, policy, 'policy').ackTimeoutMs,
    }),
    slots: V.empty,
    index: HT.empty,
    liveCount: 0,
    liveAcks: 0,
    liveTimeouts: 0,
    liveFailures: 0,
    operations: V.empty,
    releases: HT.empty,
    audiences: V.empty,
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

/** `KeyNotFound` for `action`, a frozen copy that shares nothing with the caller's arguments. */
const keyNotFound = (action: KeyNotFound['action']): KeyNotFound =>
  Object.freeze({ _tag: 'KeyNotFound', action, key: action.key });

const transition = <R>(state: Registry, result: R): Transition<R> => Object.freeze({ state, result });

const registered = (backend: Backend, replaced: O.Option<Backend>): BackendRegistered =>
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
    audiences,
  });
};

/** The position of the slot of the key with identity `k` in `slots`, or -1 when it is not registered. */
const positionOf = (state: Registry, k: KeyIdentity): number => HT.getHashed(state.index, k.id, k.hash) ?? -1;

/** The slot at position `at` of `slots`, or `null` for -1 (not registered). */
const slotAt = (state: Registry, at: number): Slot | null => (at < 0 ? null : (V.get(state.slots, at) ?? null));

/** The position and slot of `key`, or `undefined` when it is not registered. */
const findSlot = (state: Registry, key: BackendKey): { readonly at: number; readonly slot: Slot } | undefined => {
  const at = positionOf(state, keyIdentity(key));
  const found = slotAt(state, at);
  return found === null ? undefined : { at, slot: found };
};

/** The slot of `key`, or `undefined` when it is not registered. */
const slotOf = (state: Registry, key: BackendKey): Slot | undefined =>
  slotAt(state, positionOf(state, keyIdentity(key))) ?? undefined;

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

/** Lists that grow as they are filled (`broadcastTo`, whose counts are not known beforehand). */
const emptyLists = (): Lists => ({ acks: [], timeouts: [], failures: [], skippedDead: [], a: 0, t: 0, f: 0, d: 0 });

/** Lists made at their final size (`broadcast`, whose counts the live counters give). */
const sizedLists = (acks: number, timeouts: number, failures: number, skippedDead: number): Lists => ({
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
 */
const addEntries = (lists: Lists, slots: ReadonlyArray<Slot | null>): void => {
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

/** The result of a fan-out: an empty list is the one shared frozen empty array. */
const resultOf = (op: BroadcastOperation, lists: Lists): BroadcastResult =>
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

/** What `update` did to a backend: how it was and how it is now (one object if unchanged). */
interface Change {
  readonly previous: Backend;
  readonly backend: Backend;
}

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
): { readonly state: Registry; readonly change: Change } => {
  const previous = s.backend;
  if (live === previous.live && response === previous.response) {
    return { state, change: { previous, backend: previous } };
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
  const slots = V.set(state.slots, at, changed);
  return { state: withSwap(state, slots, state.index, previous, next), change: { previous, backend: next } };
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
const pooled = (state: Registry, op: BroadcastOperation): BroadcastOperation => pooledIn(state.releases, op);

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
  return E.right(
    Object.freeze({
      policy: state.policy,
      slots,
      index,
      liveCount: acks + timeouts + failures,
      liveAcks: acks,
      liveTimeouts: timeouts,
      liveFailures: failures,
      operations: V.fromArray(stored),
      releases,
      audiences: V.fromArray(audiences),
    }),
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

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

// A reducer reached from plain JavaScript checks what it is given with the codecs the log reader
// uses, before anything is stored: a wrong value throws a `TypeError` or `RangeError` carrying
// the codec's message, and is never kept in a registry.

/**
 * Check that `state` looks like a registry (one a reducer made, or its serialized copy): a
 * `TypeError` naming `fn` otherwise, rather than a failure deep inside.
 *
 * @internal
 */
export const checkRegistry = (fn: string, state: unknown): Registry => {
  if (
    isRecord(state) &&
    isRecord(state.policy) &&
    isRecord(state.slots) &&
    isRecord(state.index) &&
    typeof state.liveCount === 'number' &&
    isRecord(state.operations)
  ) {
    return state as unknown as Registry;
  }
  throw new TypeError(`${fn}: state: expected a Registry (from createRegistry or a reducer), got ${show(state)}`);
};

const keyOf = (fn: string, key: unknown): BackendKey => checked(fn, BackendKey, key, 'key');

/**
 * The identity of `key` checked for `fn`: a key with a cached identity was checked when it was
 * cached, so the common case is one lookup serving as both the check and the identity.
 */
const checkedIdentity = (fn: string, key: unknown): KeyIdentity =>
  cachedKeyIdentity(key) ?? keyIdentity(keyOf(fn, key));

/** `live` checked for `fn`: a boolean as it is, anything else the codec's error. */
const liveOf = (fn: string, live: unknown): boolean =>
  typeof live === 'boolean' ? live : checked(fn, t.boolean, live, 'live');

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/**
 * `register` without the checks, for `step`, which checked the whole action.
 *
 * @internal
 */
export const registerChecked = (state: Registry, backend: Backend): Transition<BackendRegistered> => {
  // A frozen backend whose key has a cached identity (so is frozen all the way down) and whose
  // response is canonical is stored as it is, checked with one `isFrozen` and one cache lookup.
  // The registry stores a frozen backend as it is, so the event names the stored object.
  const known =
    Object.isFrozen(backend) && isCanonicalResponse(backend.response) ? cachedKeyIdentity(backend.key) : undefined;
  const b = known === undefined ? frozenBackend(backend) : backend;
  const k = known ?? frozenKeyIdentity(b.key);
  const fresh = slot(k, b, state.policy, b.live ? state.operations.size : -1, null);
  const { existing: at, map: index } = HT.getOrAddHashed(state.index, k.id, k.hash, state.slots.size);
  const previous = at === undefined ? null : V.get(state.slots, at);
  if (at === undefined || previous === undefined || previous === null) {
    return transition(withSwap(state, V.push(state.slots, fresh), index, null, b), registered(b, none));
  }
  return transition(
    withSwap(state, V.set(state.slots, at, fresh), state.index, previous.backend, b),
    registered(b, some(previous.backend)),
  );
};

/**
 * Register `backend`. A new key is appended; a key already registered is replaced in place,
 * keeping its position, and the event names the replaced backend. The replacement starts with
 * no received operations, as a new endpoint would. A backend the `Backend` codec refuses throws
 * a `TypeError` or `RangeError` with its message (`register: backend.live: expected boolean,
 * got "yes"`) and changes nothing.
 *
 * @example
 * import { backendKey, createRegistry, liveBackend, register, sharedInstance } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { state, result } = register(createRegistry(), liveBackend(key))
 * // result: { _tag: 'BackendRegistered', backend: { key, live: true, ... }, replaced: none }
 *
 * @since 0.1.0
 */
export const register = (state: Registry, backend: Backend): Transition<BackendRegistered> =>
  registerChecked(checkRegistry('register', state), checked('register', Backend, backend, 'backend'));

/**
 * `setLive` without the checks, for `step`, which checked the whole action (and for `setLive`,
 * which passes the identity it looked up as `k`).
 *
 * @internal
 */
export const setLiveChecked = (
  state: Registry,
  key: BackendKey,
  live: boolean,
  k: KeyIdentity = keyIdentity(key),
): Transition<LivenessSet | KeyNotFound> => {
  const at = positionOf(state, k);
  const s = slotAt(state, at);
  if (s === null) {
    return transition(state, keyNotFound(Object.freeze({ _tag: 'SetLive', key: copyKey(key), live })));
  }
  const r = update(state, at, s, live, s.backend.response);
  return transition(
    r.state,
    Object.freeze({ _tag: 'LivenessSet', previous: r.change.previous, backend: r.change.backend }),
  );
};

/**
 * Mark the backend with `key` live or dead: `LivenessSet`. Setting the value it already has
 * returns the same state; an unregistered key returns the same state with `KeyNotFound`. A key
 * the codec refuses, or a `live` that is not a boolean, throws a `TypeError` or `RangeError`.
 *
 * @since 0.1.0
 */
export const setLive = (state: Registry, key: BackendKey, live: boolean): Transition<LivenessSet | KeyNotFound> => {
  const k = checkedIdentity('setLive', key);
  return setLiveChecked(checkRegistry('setLive', state), key, liveOf('setLive', live), k);
};

/**
 * `setResponse` without the checks, for `step`, which checked the whole action (and for
 * `setResponse`, which passes the identity it looked up as `k`).
 *
 * @internal
 */
export const setResponseChecked = (
  state: Registry,
  key: BackendKey,
  response: BroadcastBackendResponse,
  k: KeyIdentity = keyIdentity(key),
): Transition<ResponseSet | KeyNotFound> => {
  const at = positionOf(state, k);
  const s = slotAt(state, at);
  if (s === null) {
    return transition(
      state,
      keyNotFound(Object.freeze({ _tag: 'SetResponse', key: copyKey(key), response: canonicalResponse(response) })),
    );
  }
  const r = update(state, at, s, s.backend.live, canonicalResponse(response));
  return transition(
    r.state,
    Object.freeze({ _tag: 'ResponseSet', previous: r.change.previous, backend: r.change.backend }),
  );
};

/**
 * Make the backend with `key` answer broadcasts with `response`: `ResponseSet`. Setting the
 * response it already has returns the same state; an unregistered key gives `KeyNotFound`. A key
 * or response the codecs refuse throws a `TypeError` or `RangeError` and changes nothing.
 *
 * @since 0.1.0
 */
export const setResponse = (
  state: Registry,
  key: BackendKey,
  response: BroadcastBackendResponse,
): Transition<ResponseSet | KeyNotFound> => {
  const k = checkedIdentity('setResponse', key);
  const r = checked('setResponse', BroadcastBackendResponse, response, 'response');
  return setResponseChecked(checkRegistry('setResponse', state), key, r, k);
};

/**
 * `unregister` without the checks, for `step`, which checked the whole action (and for
 * `unregister`, which passes the identity it looked up as `k`).
 *
 * @internal
 */
export const unregisterChecked = (
  state: Registry,
  key: BackendKey,
  k: KeyIdentity = keyIdentity(key),
): Transition<BackendUnregistered | KeyNotFound> => {
  const at = positionOf(state, k);
  const s = slotAt(state, at);
  if (s === null) {
    return transition(state, keyNotFound(Object.freeze({ _tag: 'Unregister', key: copyKey(key) })));
  }
  const removed = s.backend;
  const next = withSwap(state, V.set(state.slots, at, null), HT.removeHashed(state.index, k.id, k.hash), removed, null);
  return transition(compact(next), Object.freeze({ _tag: 'BackendUnregistered', backend: removed }));
};

/**
 * Remove the backend with `key`: `BackendUnregistered`; the others keep their order. An
 * unregistered key gives `KeyNotFound` and the same state; a key the codec refuses throws a
 * `TypeError` or `RangeError`.
 *
 * @since 0.1.0
 */
export const unregister = (state: Registry, key: BackendKey): Transition<BackendUnregistered | KeyNotFound> =>
  unregisterChecked(checkRegistry('unregister', state), key, checkedIdentity('unregister', key));

/**
 * `broadcast` without the checks, for `step`, which checked the whole action.
 *
 * @internal
 */
export const broadcastChecked = (state: Registry, operation: BroadcastOperation): Transition<BroadcastResult> => {
  // Nothing is stored when nothing is live, and then nothing needs pooling.
  const op = state.liveCount === 0 ? storedOperation(operation) : pooled(state, operation);
  // The counters give each list's length: the lists are made at their size, never grown.
  const lists = sizedLists(state.liveAcks, state.liveTimeouts, state.liveFailures, state.index.size - state.liveCount);
  V.forEachLeaf(state.slots, (leaf) => {
    addEntries(lists, leaf);
  });
  const result = resultOf(op, lists);
  if (state.liveCount === 0) {
    return transition(state, result);
  }
  const operations = V.push(state.operations, op);
  return transition(withSwap(state, state.slots, state.index, null, null, operations, pool), result);
};

/**
 * Fan `operation` out to every live backend, in registration order. Dead backends are skipped;
 * a timeout or failure does not stop the fan-out. The result lists every backend once. An
 * operation the `BroadcastOperation` codec refuses (`{ _tag: 'toString' }`) throws a `TypeError`
 * or `RangeError` and changes nothing.
 *
 * @example
 * import { broadcast, createRegistry, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const { state, result } = broadcast(createRegistry(), releaseHandlesOperation('/cache'))
 * // result._tag === 'NoLiveTargets'
 *
 * @since 0.1.0
 */
export const broadcast = (state: Registry, operation: BroadcastOperation): Transition<BroadcastResult> =>
  broadcastChecked(checkRegistry('broadcast', state), checked('broadcast', BroadcastOperation, operation, 'operation'));

/**
 * Ask every live backend to release its file handles below `pathPrefix` (checked as
 * `releaseHandlesOperation` checks it).
 *
 * @since 0.1.0
 */
export const releaseHandlesUnderPath = (state: Registry, pathPrefix: string): Transition<BroadcastResult> => {
  const path = checked('releaseHandlesUnderPath', PathPrefix, pathPrefix, 'pathPrefix');
  return broadcastChecked(checkRegistry('releaseHandlesUnderPath', state), releaseHandlesOperation(path));
};

/**
 * Ask every live backend to stop taking new work and drain, for `reason` (checked as
 * `quiesceOperation` checks it).
 *
 * @since 0.1.0
 */
export const quiesce = (state: Registry, reason: QuiesceReason): Transition<BroadcastResult> => {
  const r = checked('quiesce', QuiesceReason, reason, 'reason');
  return broadcastChecked(checkRegistry('quiesce', state), quiesceOperation(r));
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The backend registered under `key`.
 *
 * @since 0.1.0
 */
export const lookup = (state: Registry, key: BackendKey): O.Option<Backend> => {
  const s = slotOf(checkRegistry('lookup', state), keyOf('lookup', key));
  return s === undefined ? none : some(s.backend);
};

/**
 * True when a backend is registered under `key`.
 *
 * @since 0.1.0
 */
export const isRegistered = (state: Registry, key: BackendKey): boolean =>
  slotOf(checkRegistry('isRegistered', state), keyOf('isRegistered', key)) !== undefined;

const backendsCache = new WeakMap<Registry['slots'], ReadonlyArray<Backend>>();

/**
 * Every registered backend in registration order, as a frozen array. The same registry gives
 * the same array (by reference).
 *
 * @since 0.1.0
 */
export const backends = (state: Registry): ReadonlyArray<Backend> => {
  checkRegistry('backends', state);
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
export const backendCount = (state: Registry): number => checkRegistry('backendCount', state).index.size;

/**
 * How many registered backends are live.
 *
 * @since 0.1.0
 */
export const liveCount = (state: Registry): number => checkRegistry('liveCount', state).liveCount;

/** The position of the first audience of a targeted broadcast at or after operation `from`. */
const firstAudienceFrom = (audiences: Registry['audiences'], from: number): number => {
  let lo = 0;
  let hi = audiences.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((V.get(audiences, mid) as Audience).at < from) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
};

const receivedOf = (state: Registry, s: Slot): ReadonlyArray<BroadcastOperation> => {
  const out: BroadcastOperation[] = [];
  const { audiences } = state;
  // A live span received every operation in it, except the targeted broadcasts that left it out.
  const collectRange = (from: number, to: number): void => {
    let next = firstAudienceFrom(audiences, from);
    let audience = V.get(audiences, next);
    V.forEachRange(state.operations, from, to, (op, i) => {
      if (audience?.at === i) {
        if (Object.hasOwn(audience.reached, s.id)) {
          out.push(op);
        }
        next += 1;
        audience = V.get(audiences, next);
      } else {
        out.push(op);
      }
    });
  };
  const spans: LiveSpan[] = [];
  for (let span = s.history; span !== null; span = span.earlier) {
    spans.push(span);
  }
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i] as LiveSpan;
    collectRange(span.start, span.end);
  }
  if (s.liveSince >= 0) {
    collectRange(s.liveSince, state.operations.size);
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
  const s = slotOf(checkRegistry('receivedOperations', state), keyOf('receivedOperations', key));
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
  checkRegistry('snapshot', state);
  const out: BackendSnapshot[] = [];
  V.forEach(state.slots, (s) => {
    if (s !== null) {
      out.push(Object.freeze({ backend: s.backend, received: receivedOf(state, s) }));
    }
  });
  return Object.freeze({ policy: state.policy, backends: Object.freeze(out) });
};

// -------------------------------------------------------------------------------------
// targeted broadcasts
// -------------------------------------------------------------------------------------

/**
 * Fan `operation` out to the live backends among `keys`, in registration order (whatever the
 * order of `keys`; a key given twice counts once). Dead ones are listed in `skippedDead`; keys
 * that are not registered are returned in `keysNotFound`, beside the result, and nothing else
 * happens to them. The result has the shape and codec of every broadcast result, and lists each
 * targeted backend once. Only the backends reached receive the operation; when none of them is
 * live, the registry is returned as it was. `broadcast(state, op)` is `broadcastTo` over every
 * registered key. An operation or keys the codecs refuse throw a `TypeError` or `RangeError`
 * with their message, and change nothing.
 *
 * @example
 * import { backendKey, broadcastTo, createRegistry, liveBackend, quiesceOperation, register, sharedInstance } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const soldr = backendKey(sharedInstance, 'soldr', '0.4.1')
 * const registry = register(register(createRegistry(), liveBackend(zccache)).state, liveBackend(soldr)).state
 * const { result } = broadcastTo(registry, quiesceOperation('Maintenance'), [soldr])
 * // result.result.acks: [{ _tag: 'Ack', key: soldr }]; zccache received nothing
 *
 * @since 0.2.0
 */
export const broadcastTo = (
  state: Registry,
  operation: BroadcastOperation,
  keys: ReadonlyArray<BackendKey>,
): Transition<OperationBroadcastTo> =>
  broadcastToChecked(
    checkRegistry('broadcastTo', state),
    checked('broadcastTo', BroadcastOperation, operation, 'operation'),
    checked('broadcastTo', Keys, keys, 'keys'),
  );

const Keys = arrayOf(BackendKey);

/**
 * `broadcastTo` without the checks, for `step`, which checked the whole action.
 *
 * @internal
 */
export const broadcastToChecked = (
  state: Registry,
  operation: BroadcastOperation,
  keys: ReadonlyArray<BackendKey>,
): Transition<OperationBroadcastTo> => {
  const seen = new Set<string>();
  const targets: Array<{ readonly at: number; readonly slot: Slot }> = [];
  const keysNotFound: BackendKey[] = [];
  for (const key of keys) {
    const id = keyId(key);
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    const found = findSlot(state, key);
    if (found === undefined) {
      keysNotFound.push(copyKey(key));
    } else {
      targets.push(found);
    }
  }
  const slots = targets.sort((a, b) => a.at - b.at).map((t) => t.slot);
  const reached: Record<string, true> = {};
  let live = 0;
  for (const s of slots) {
    if (s.backend.live) {
      reached[s.id] = true;
      live += 1;
    }
  }
  // Stored as `broadcast` stores it: reaching every live backend gives the very registry it gives.
  const op = live === 0 ? storedOperation(operation) : pooled(state, operation);
  const lists = emptyLists();
  addEntries(lists, slots);
  const outcome: OperationBroadcastTo = Object.freeze({
    _tag: 'OperationBroadcastTo',
    result: resultOf(op, lists),
    keysNotFound: Object.freeze(keysNotFound),
  });
  if (live === 0) {
    return transition(state, outcome);
  }
  const at = state.operations.size;
  const operations = V.push(state.operations, op);
  // Reaching every live backend is a broadcast like any other: only a partial one needs an audience.
  const audiences =
    live === state.liveCount
      ? state.audiences
      : V.push(state.audiences, Object.freeze({ at, reached: Object.freeze(reached) }));
  return transition(withSwap(state, state.slots, state.index, null, null, operations, pool, audiences), outcome);
};

/**
 * Send `previous.operation` again to exactly the backends that did not acknowledge it: the keys
 * of its `timeouts` and `failures` (`unacknowledgedKeys`). Those that acknowledged receive
 * nothing more. Combine the two results with `mergeRetry` to report the broadcast as it ended.
 *
 * @example
 * import { ack, mergeRetry, retryUnacknowledged, setResponse } from 'lifecycle-broadcast'
 * import type { BackendKey, BroadcastResult, Registry } from 'lifecycle-broadcast'
 *
 * // After a degraded broadcast, the backend that timed out answers again: send it the operation once more.
 * const retryAfterRecovery = (registry: Registry, first: BroadcastResult, recovered: BackendKey) => {
 *   const { state, result } = retryUnacknowledged(setResponse(registry, recovered, ack).state, first)
 *   return { state, report: mergeRetry(state, first, result.result) } // the broadcast as it ended
 * }
 *
 * @since 0.2.0
 */
export const retryUnacknowledged = (state: Registry, previous: BroadcastResult): Transition<OperationBroadcastTo> => {
  const result = checked('retryUnacknowledged', BroadcastResult, previous, 'previous');
  return broadcastToChecked(checkRegistry('retryUnacknowledged', state), result.operation, unacknowledgedKeys(result));
};

/**
 * The order in which `state` lists its backends, as an fp-ts `Ord` of keys: registered keys by
 * position, then keys that are not registered, by `keyId`. It orders distinct keys apart, as
 * `getBroadcastResultSemigroup` needs.
 *
 * @since 0.2.0
 */
export const registrationOrder = (state: Registry): Ord<BackendKey> => {
  checkRegistry('registrationOrder', state);
  const rank = (key: BackendKey): number => HT.get(state.index, keyId(key)) ?? Number.POSITIVE_INFINITY;
  return Object.freeze({
    equals: EqBackendKey.equals,
    compare: (a: BackendKey, b: BackendKey) => {
      const pa = rank(a);
      const pb = rank(b);
      if (pa !== pb) {
        return pa < pb ? -1 : 1;
      }
      if (pa !== Number.POSITIVE_INFINITY) {
        return 0;
      }
      const ia = keyId(a);
      const ib = keyId(b);
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    },
  });
};

/**
 * The result a broadcast and its retry report together: every backend with its latest answer
 * (the retry's when it was retried, the first one's otherwise), each list in the registration
 * order of `state`. It equals the result the first broadcast would have had if the retried
 * backends had answered it as they answered the retry. It is `concat` of
 * `getBroadcastResultSemigroup(registrationOrder(state))`, so retries of retries merge too.
 *
 * @since 0.2.0
 */
export const mergeRetry = (state: Registry, first: BroadcastResult, retry: BroadcastResult): BroadcastResult =>
  getBroadcastResultSemigroup(registrationOrder(checkRegistry('mergeRetry', state))).concat(
    checked('mergeRetry', BroadcastResult, first, 'first'),
    checked('mergeRetry', BroadcastResult, retry, 'retry'),
  );
