/**
 * The registry's reducers: each takes a registry and returns a new one together with a tagged
 * result (`register`, `setLive`, `setResponse`, `unregister`, `broadcast` and its targeted forms).
 * A reducer that changes nothing returns the same registry.
 *
 * @since 0.3.0
 */
import type { Ord } from 'fp-ts/Ord';

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
  quiesceOperation,
  releaseHandlesOperation,
} from '../domain/BroadcastOperation';
import { BroadcastResult, getBroadcastResultSemigroup, unacknowledgedKeys } from '../domain/BroadcastResult';
import { canonicalResponse, isCanonicalResponse } from '../domain/BroadcastBackendResponse';
import { PathPrefix, arrayOf, checked } from '../internal/codec';
import * as HT from '../internal/HashTrie';
import * as V from '../internal/Vector';
import type { BackendRegistered, BackendUnregistered, KeyNotFound, LivenessSet, ResponseSet } from './RegistryEvent';
import {
  addEntries,
  compact,
  emptyLists,
  findSlot,
  keyNotFound,
  lastPool,
  none,
  pooled,
  lastUpdated,
  locate,
  locatedPosition,
  registered,
  resultOf,
  sizedLists,
  slot,
  some,
  storedOperation,
  transition,
  update,
  withSwap,
} from './storage';
import type { Registry, Slot, Transition } from './storage';
import { checkRegistry, checkedIdentity, liveOf } from './checks';

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
  const s = locate(state, k);
  if (s === null) {
    return transition(state, keyNotFound(Object.freeze({ _tag: 'SetLive', key: copyKey(key), live })));
  }
  const next = update(state, locatedPosition(), s, live, s.backend.response);
  return transition(next, Object.freeze({ _tag: 'LivenessSet', previous: s.backend, backend: lastUpdated() }));
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
  const s = locate(state, k);
  if (s === null) {
    return transition(
      state,
      keyNotFound(Object.freeze({ _tag: 'SetResponse', key: copyKey(key), response: canonicalResponse(response) })),
    );
  }
  const next = update(state, locatedPosition(), s, s.backend.live, canonicalResponse(response));
  return transition(next, Object.freeze({ _tag: 'ResponseSet', previous: s.backend, backend: lastUpdated() }));
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
  const s = locate(state, k);
  if (s === null) {
    return transition(state, keyNotFound(Object.freeze({ _tag: 'Unregister', key: copyKey(key) })));
  }
  const removed = s.backend;
  const next = withSwap(
    state,
    V.replace(state.slots, locatedPosition(), null),
    HT.removeHashed(state.index, k.id, k.hash),
    removed,
    null,
  );
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
  return transition(withSwap(state, state.slots, state.index, null, null, operations, lastPool()), result);
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
// targeted broadcasts
// -------------------------------------------------------------------------------------

/**
 * A new registry and what a targeted broadcast (`broadcastTo`, `retryUnacknowledged`) did:
 * `result` is the `BroadcastResult`, as `broadcast`'s is, and `keysNotFound` beside it lists the
 * keys it was given that are not registered (in the order given), which nothing was sent to.
 *
 * @since 0.3.0
 */
export interface TargetedTransition extends Transition<BroadcastResult> {
  readonly keysNotFound: ReadonlyArray<BackendKey>;
}

/**
 * Fan `operation` out to the live backends among `keys`, in registration order (whatever the
 * order of `keys`; a key given twice counts once). Dead ones are listed in `skippedDead`; keys
 * that are not registered are returned in `keysNotFound`, beside the result, and nothing else
 * happens to them. `result` is a `BroadcastResult`, as `broadcast`'s is, and lists each
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
 * const { result, keysNotFound } = broadcastTo(registry, quiesceOperation('Maintenance'), [soldr])
 * // result.acks: [{ _tag: 'Ack', key: soldr }]; keysNotFound: []; zccache received nothing
 *
 * @since 0.2.0
 */
export const broadcastTo = (
  state: Registry,
  operation: BroadcastOperation,
  keys: ReadonlyArray<BackendKey>,
): TargetedTransition =>
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
): TargetedTransition => {
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
  const result = resultOf(op, lists);
  const notFound = Object.freeze(keysNotFound);
  if (live === 0) {
    return Object.freeze({ state, result, keysNotFound: notFound });
  }
  const at = state.operations.size;
  const operations = V.push(state.operations, op);
  // Reaching every live backend is a broadcast like any other: only a partial one needs an audience.
  const audiences =
    live === state.liveCount
      ? state.audiences
      : V.push(state.audiences, Object.freeze({ at, reached: Object.freeze(reached) }));
  return Object.freeze({
    state: withSwap(state, state.slots, state.index, null, null, operations, lastPool(), audiences),
    result,
    keysNotFound: notFound,
  });
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
 *   return { state, report: mergeRetry(state, first, result) } // the broadcast as it ended
 * }
 *
 * @since 0.2.0
 */
export const retryUnacknowledged = (state: Registry, previous: BroadcastResult): TargetedTransition => {
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
