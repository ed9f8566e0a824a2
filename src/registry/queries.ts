/**
 * The registry's queries: what a registry holds, read without changing it.
 *
 * @since 0.3.0
 */
import type * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastPolicy } from '../domain/BroadcastPolicy';
import * as V from '../internal/Vector';
import { checkRegistry, keyOf } from './checks';
import { none, slotOf, some } from './storage';
import type { Audience, LiveSpan, Registry, Slot } from './storage';

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
