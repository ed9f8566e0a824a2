/**
 * Hydration: slice state from a replayed registry, equal to what a store of the slice reached,
 * and a store loaded from the log another store recorded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { combineSlices, configureStore } from '@reduxjs/toolkit';

import {
  LogRecord,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  lifecycleBroadcastMiddlewareOptions,
  liveBackend,
  quiesceOperation,
  recordAction,
  replay,
  replayLog,
  snapshot,
  stateFromRegistry,
  streamSink,
} from '../../src';
import { decode } from '../../src/internal/codec';
import { collector } from '../support/streams';
import { expectRight, ghost, scenarioActions, soldr, unfrozenPaths, zccache } from './fixtures';

const policy = broadcastPolicy(250);
const broker = createLifecycleBroadcastSlice({ name: 'broker', policy });
const scenario = scenarioActions.map(broker.toSliceAction);

/** Declared before `configureStore`, which then infers the root state from it. */
const rootReducer = combineSlices(broker);

/** The state a store of `broker` reaches, without the store: the reducer folded over the scenario. */
const reached = scenario.reduce(broker.reducer, broker.getInitialState());

describe('stateFromRegistry', () => {
  it('should hold the registry, with nothing else yet, when given no events', () => {
    const { state } = replay(createRegistry(policy), scenarioActions);
    const hydrated = stateFromRegistry(broker, state);
    expect(hydrated.registry).toBe(state);
    expect(hydrated.lastEvent).toBeNull();
    expect(hydrated.latestResult).toBeNull();
    expect(hydrated.recentResults).toEqual([]);
    expect(unfrozenPaths(hydrated)).toEqual([]);
    expect(broker.getSelectors().selectCounts(hydrated)).toEqual(broker.getSelectors().selectCounts(reached));
  });

  it('should equal the state the reducer reaches, given replay’s events', () => {
    const { state, events } = replay(createRegistry(policy), scenarioActions);
    const hydrated = stateFromRegistry(broker, state, events);
    expect(hydrated).toEqual(reached);
    expect(unfrozenPaths(hydrated)).toEqual([]);
  });

  it('should keep the recent lists within the slice’s bounds', () => {
    const small = createLifecycleBroadcastSlice({ name: 'broker', policy, recentResultsLimit: 1 });
    const actions = [
      { _tag: 'Register', backend: liveBackend(zccache) },
      { _tag: 'Broadcast', operation: quiesceOperation('IdleTimeout') },
      { _tag: 'Broadcast', operation: quiesceOperation('Maintenance') },
      { _tag: 'Unregister', key: ghost },
    ] as const;
    const { state, events } = replay(createRegistry(policy), actions);
    const hydrated = stateFromRegistry(small, state, events);
    expect(hydrated.recentResults).toHaveLength(1);
    expect(hydrated.recentResults[0]?.operation).toEqual(quiesceOperation('Maintenance'));
    expect(hydrated.lastEvent?._tag).toBe('KeyNotFound');
    expect(hydrated).toEqual(actions.map(small.toSliceAction).reduce(small.reducer, small.getInitialState()));
  });

  it('should refuse, with a one-line TypeError, what is not a registry or a list of events', () => {
    const untyped = stateFromRegistry as (slice: unknown, registry: unknown, events?: unknown) => unknown;
    const registry = createRegistry(policy);
    expect(() => untyped(broker, { policy })).toThrow(
      new TypeError(
        'stateFromRegistry(broker): expected a registry (from createRegistry, step, replay or replayLog), got {"policy":{"ackTimeoutMs":250}}',
      ),
    );
    expect(() => untyped(broker, registry, 'events')).toThrow(
      new TypeError('stateFromRegistry(broker): expected the events as an array, got "events"'),
    );
    expect(() => untyped(broker, registry, [{ _tag: 'Updated' }])).toThrow(
      new TypeError('stateFromRegistry(broker): events[0]: expected a RegistryEvent, got {"_tag":"Updated"}'),
    );
    expect(() => untyped(null, registry)).toThrow(
      new TypeError('stateFromRegistry(?): expected a slice from createLifecycleBroadcastSlice, got null'),
    );
  });
});

describe('hydrating a store from a recorded log', () => {
  it('should load what one store recorded into another, equal to the recording store', async () => {
    // Arrange: a store recording its actions as an operation log.
    const file = collector();
    const recording = configureStore({
      reducer: rootReducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions(broker)).concat(
          createRecorderMiddleware({ slice: broker, sink: streamSink(file) }),
        ),
    });
    scenario.forEach((action) => recording.dispatch(action));
    const log = file.text();

    // Act: replay the log, and start a store from what it replayed to.
    const replayed = await replayLog([log], { verify: true });
    const records = log
      .split('\n')
      .slice(1)
      .filter((line) => line !== '')
      .map((line) => expectRight(decode(LogRecord, JSON.parse(line))));
    const { events } = replay(createRegistry(replayed.state.policy), records.map(recordAction));
    const hydrated = configureStore({
      reducer: rootReducer,
      preloadedState: { broker: stateFromRegistry(broker, replayed.state, events) },
    });

    // Assert: the same state, and the two stores stay equal as they go on.
    expect(replayed.divergences).toBe(0);
    expect(hydrated.getState().broker).toEqual(recording.getState().broker);
    for (const action of [
      broker.actions.livenessSet(soldr, false),
      broker.actions.operationBroadcast(quiesceOperation('Maintenance')),
    ]) {
      recording.dispatch(action);
      hydrated.dispatch(action);
    }
    expect(hydrated.getState().broker).toEqual(recording.getState().broker);
  });

  it('should load the example log of the repository into a store', async () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'broker.ndjson'), 'utf8');
    const replayed = await replayLog([text], { verify: true });
    const store = configureStore({
      reducer: rootReducer,
      preloadedState: { broker: stateFromRegistry(broker, replayed.state) },
    });
    expect(replayed.invalidLines).toBe(0);
    expect(snapshot(broker.selectors.selectRegistry(store.getState()))).toEqual(snapshot(replayed.state));
    expect(broker.selectors.selectCounts(store.getState()).registered).toBeGreaterThan(0);
    expect(store.getState().broker.registry).toBe(replayed.state);
    expect(store.getState().broker.registry.policy).toEqual(broadcastPolicy(2000));
  });
});
