/**
 * Slice state from a registry built outside the store: replayed from an operation log, or from
 * any earlier point of one, to hydrate a store (`preloadedState`) or to move it in time.
 *
 * @since 0.2.0
 */
import { BroadcastPolicy } from '../domain/BroadcastPolicy';
import { show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import type { Registry } from '../registry/Registry';
import type { RegistryEvent } from '../registry/RegistryEvent';
import type { AnyLifecycleBroadcastSlice } from './slice';
import type { LifecycleBroadcastState } from './state';
import { stateOf, withEvent } from './state';

const eventTags: ReadonlySet<string> = new Set<RegistryEvent['_tag']>([
  'BackendRegistered',
  'LivenessSet',
  'ResponseSet',
  'BackendUnregistered',
  'OperationBroadcast',
  'KeyNotFound',
  'OperationBroadcastTo',
]);

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

/**
 * The state of `slice` holding `registry`, as its reducer would have made it: `events` (`step`'s
 * events on the way there, by default none) fill `lastEvent`, `latestResult` and the recent
 * lists; the idle coordinator is the slice's initial one. With `replay`'s events, it equals the
 * state a store of the slice reaches with the same actions. Throws a `TypeError` for what is not
 * a registry or a list of events.
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import * as lb from 'lifecycle-broadcast'
 *
 * const broker = lb.createLifecycleBroadcastSlice({ name: 'broker' })
 * const key = lb.backendKey(lb.sharedInstance, 'zccache', '1.11.20')
 * const actions = [lb.registerAction(lb.liveBackend(key)), lb.broadcastAction(lb.quiesceOperation('Maintenance'))]
 * const { state, events } = lb.replay(lb.createRegistry(), actions)
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({
 *   reducer: rootReducer,
 *   preloadedState: { broker: lb.stateFromRegistry(broker, state, events) },
 * })
 * broker.selectors.selectLatestResult(store.getState())?._tag // 'AllAcked
 *
 * @since 0.2.0
 */
export const stateFromRegistry = (
  slice: AnyLifecycleBroadcastSlice,
  registry: Registry,
  events: ReadonlyArray<RegistryEvent> = [],
): LifecycleBroadcastState => {
  const where = `stateFromRegistry(${isObject(slice) && typeof slice.name === 'string' ? slice.name : '?'})`;
  if (!isObject(slice) || !isObject(slice.limits) || typeof slice.getInitialState !== 'function') {
    throw new TypeError(`${where}: expected a slice from createLifecycleBroadcastSlice, got ${show(slice)}`);
  }
  if (!isObject(registry) || !Object.isFrozen(registry) || !BroadcastPolicy.is(registry.policy)) {
    throw new TypeError(
      `${where}: expected a registry (from createRegistry, step, replay or replayLog), got ${show(registry)}`,
    );
  }
  if (!Array.isArray(events)) {
    throw new TypeError(`${where}: expected the events as an array, got ${show(events)}`);
  }
  let state = stateOf(registry, slice.getInitialState().idle);
  events.forEach((event: unknown, i) => {
    if (!isObject(event) || typeof event._tag !== 'string' || !eventTags.has(event._tag)) {
      throw new TypeError(`${where}: events[${String(i)}]: expected a RegistryEvent, got ${show(event)}`);
    }
    // Events from `step` are frozen already; any other is frozen here, as the state must be.
    state = withEvent(state, registry, deepFreeze(event as unknown as RegistryEvent), slice.limits);
  });
  return state;
};
