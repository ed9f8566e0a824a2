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
import type { LifecycleBroadcastState, RecentLimits } from './state';
import { stateOf, withEvent } from './state';

/**
 * What `stateFromRegistry` needs of a slice.
 *
 * @since 0.2.0
 */
export interface HydratedSlice {
  /** The slice's name, for error messages. */
  readonly name: string;
  /** How many entries each list of its state keeps. */
  readonly limits: RecentLimits;
}

const eventTags: ReadonlySet<string> = new Set<RegistryEvent['_tag']>([
  'BackendRegistered',
  'LivenessSet',
  'ResponseSet',
  'BackendUnregistered',
  'OperationBroadcast',
  'KeyNotFound',
]);

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

/**
 * The state of `slice` holding `registry`, as if the slice's reducer had produced it: `events`
 * (by default none), the events `step` gave on the way there in order, fill `lastEvent`,
 * `latestResult` and the recent lists exactly as the reducer would have, within the slice's
 * bounds. The registry keeps its own policy. Throws a `TypeError` for a value that is not a
 * registry or a list of events.
 *
 * With `replay`'s events, the state equals the one a store of the slice reaches by dispatching
 * the same actions (rejected actions aside: a log does not hold them).
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import { LogRecord, createLifecycleBroadcastSlice, createRegistry, recordAction, replay, stateFromRegistry } from 'lifecycle-broadcast'
 *
 * // Records of a log (here two lines of one), replayed, then loaded into a store.
 * const lines = [
 *   '{"_tag":"Register","backend":{"key":{"instance":{"_tag":"Shared"},"serviceName":"zccache","serviceVersion":"1.11.20","exeHash":""},"live":true,"response":{"_tag":"Ack"}}}',
 *   '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Maintenance"}}',
 * ]
 * const records = lines.map((line) => JSON.parse(line) as unknown).filter(LogRecord.is)
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const { state, events } = replay(createRegistry(), records.map(recordAction))
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({
 *   reducer: rootReducer,
 *   preloadedState: { broker: stateFromRegistry(broker, state, events) },
 * })
 * broker.selectors.selectLatestResult(store.getState())?._tag // 'AllAcked
 *
 * @since 0.2.0
 */
export const stateFromRegistry = (
  slice: HydratedSlice,
  registry: Registry,
  events: ReadonlyArray<RegistryEvent> = [],
): LifecycleBroadcastState => {
  const where = `stateFromRegistry(${isObject(slice) && typeof slice.name === 'string' ? slice.name : '?'})`;
  if (!isObject(slice) || !isObject(slice.limits)) {
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
  let state = stateOf(registry);
  events.forEach((event: unknown, i) => {
    if (!isObject(event) || typeof event._tag !== 'string' || !eventTags.has(event._tag)) {
      throw new TypeError(`${where}: events[${String(i)}]: expected a RegistryEvent, got ${show(event)}`);
    }
    // Events from `step` are frozen already; any other is frozen here, as the state must be.
    state = withEvent(state, registry, deepFreeze(event as unknown as RegistryEvent), slice.limits);
  });
  return state;
};
