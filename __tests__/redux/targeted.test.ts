/**
 * Targeted broadcasts and the idle coordinator in the slice, in a real Redux Toolkit store with
 * its development checks on, recorded by the recorder and replayed.
 */
import { configureStore } from '@reduxjs/toolkit';

import {
  arraySink,
  backendActivitySeen,
  backendMarkedDraining,
  backendMarkedQuiesced,
  backendRegistered,
  broadcastPolicy,
  broadcastRequested,
  broadcastToRequested,
  createLifecycleBroadcastSelectors,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  idleCoordinatorActions,
  idleSweepRequested,
  idleTrackingStarted,
  idleTrackingStopped,
  isIdleSliceAction,
  isLifecycleBroadcastAction,
  liveBackend,
  quiesceOperation,
  receivedOperations,
  recordedResult,
  releaseHandlesOperation,
  replay,
  snapshot,
  timeout,
  toSliceAction,
  unacknowledgedKeys,
  withResponse,
} from '../../src';
import type { LifecycleBroadcastState } from '../../src';
import {
  actionsOf,
  checksWithoutTimingWarnings,
  decodeEntries,
  fbuild,
  ghost,
  soldr,
  unfrozenPaths,
  zccache,
} from './fixtures';

const policy = broadcastPolicy(250);

interface RootState {
  readonly broker: LifecycleBroadcastState;
}

const broker = createLifecycleBroadcastSlice({ policy, idleTimeoutMs: 10_000 });
const selectors = createLifecycleBroadcastSelectors((root: RootState) => root.broker);

const storeWith = (sink = arraySink()) => ({
  sink,
  store: configureStore({
    reducer: { broker: broker.reducer },
    middleware: (getDefault) =>
      getDefault(checksWithoutTimingWarnings).concat(
        createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker }),
      ),
  }),
});

let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn');
  error = jest.spyOn(console, 'error');
});

afterEach(() => {
  // Redux Toolkit's serializable and immutability checks would have said so here.
  expect(warn).not.toHaveBeenCalled();
  expect(error).not.toHaveBeenCalled();
  jest.restoreAllMocks();
});

describe('broadcastToRequested', () => {
  it('should broadcast to the live backends among the keys, and land the result and missing keys in the state', () => {
    const { store } = storeWith();
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(withResponse(liveBackend(soldr), timeout)));
    store.dispatch(backendRegistered(liveBackend(fbuild)));

    store.dispatch(broadcastToRequested(quiesceOperation('Maintenance'), [fbuild, soldr, ghost]));

    const state = store.getState().broker;
    expect(state.lastEvent).toMatchObject({ _tag: 'OperationBroadcastTo', keysNotFound: [ghost] });
    expect(state.latestResult?.acks.map((a) => a.key)).toEqual([fbuild]);
    expect(state.latestResult?.timeouts.map((t) => t.key)).toEqual([soldr]);
    expect(selectors.selectReceivedOperations(store.getState(), zccache)).toEqual([]);
    expect(unfrozenPaths(state)).toEqual([]);
  });

  it('should retry the unacknowledged of the latest result', () => {
    const { store } = storeWith();
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(withResponse(liveBackend(soldr), timeout)));
    store.dispatch(broadcastRequested(releaseHandlesOperation('/cache')));
    const first = store.getState().broker.latestResult;
    if (first === null) {
      throw new Error('no result');
    }

    store.dispatch(broadcastToRequested(first.operation, unacknowledgedKeys(first)));

    expect(selectors.selectReceivedOperations(store.getState(), zccache)).toHaveLength(1);
    expect(selectors.selectReceivedOperations(store.getState(), soldr)).toHaveLength(2);
  });

  it('should reject a payload that is not valid, naming the field, and change nothing else', () => {
    const { store, sink } = storeWith();
    const before = store.getState().broker.registry;

    store.dispatch({
      type: broadcastToRequested.type,
      payload: { operation: quiesceOperation('Maintenance'), keys: 7 },
    });

    expect(store.getState().broker.lastEvent).toEqual({
      _tag: 'ActionRejected',
      type: 'lifecycleBroadcast/broadcastToRequested',
      errors: ['payload.keys: expected ReadonlyArray<BackendKey>, got 7'],
    });
    expect(store.getState().broker.registry).toBe(before);
    expect(sink.entries).toEqual([]);
  });

  it('should be what toSliceAction makes of a BroadcastTo action', () => {
    const action = toSliceAction({ _tag: 'BroadcastTo', operation: quiesceOperation('Maintenance'), keys: [zccache] });

    expect(action).toEqual(broadcastToRequested(quiesceOperation('Maintenance'), [zccache]));
    expect(isLifecycleBroadcastAction(action)).toBe(true);
  });
});

describe('idle coordinator actions', () => {
  it('should be named lifecycleBroadcast/<event in the past tense>, and be told apart from registry actions', () => {
    expect(Object.values(idleCoordinatorActions).map((c) => c.type)).toEqual([
      'lifecycleBroadcast/idleTrackingStarted',
      'lifecycleBroadcast/backendActivitySeen',
      'lifecycleBroadcast/idleSweepRequested',
      'lifecycleBroadcast/backendMarkedDraining',
      'lifecycleBroadcast/backendMarkedQuiesced',
      'lifecycleBroadcast/idleTrackingStopped',
    ]);
    expect(broker.idleActions).toBe(idleCoordinatorActions);
    expect(isIdleSliceAction(idleSweepRequested(5))).toBe(true);
    expect(isLifecycleBroadcastAction(idleSweepRequested(5))).toBe(false);
    expect(idleTrackingStarted(zccache, 3)).toEqual({
      type: 'lifecycleBroadcast/idleTrackingStarted',
      payload: { key: zccache, nowMs: 3 },
    });
  });

  it('should track, sweep and quiesce exactly the idle backends once, recording the sweep as a BroadcastTo', () => {
    // Arrange: three live backends, tracked at 0 ms with the slice's 10 s timeout.
    const { store, sink } = storeWith();
    for (const k of [zccache, soldr, fbuild]) {
      store.dispatch(backendRegistered(liveBackend(k)));
      store.dispatch(idleTrackingStarted(k, 0));
    }
    store.dispatch(backendActivitySeen(soldr, 8_000));

    // Act: sweep at 12 s, then again at 13 s.
    store.dispatch(idleSweepRequested(12_000));
    const afterFirst = store.getState().broker;
    store.dispatch(idleSweepRequested(13_000));
    const afterSecond = store.getState().broker;

    // Assert
    expect(afterFirst.lastEvent).toMatchObject({ _tag: 'DueQuiesced', keysNotFound: [] });
    expect(afterFirst.latestResult?.acks.map((a) => a.key)).toEqual([zccache, fbuild]);
    expect(afterFirst.latestResult?.operation).toEqual(quiesceOperation('IdleTimeout'));
    expect(afterSecond.lastEvent).toMatchObject({ _tag: 'DueQuiesced', due: [] });
    expect(afterSecond.latestResult).toBe(afterFirst.latestResult);
    expect(afterSecond.registry).toBe(afterFirst.registry);
    expect(unfrozenPaths(afterSecond)).toEqual([]);
    expect(selectors.selectIdleCoordinator(store.getState()).backends.map((b) => b.state)).toEqual([
      'Draining',
      'Running',
      'Draining',
    ]);

    const entries = decodeEntries(sink.entries);
    expect(entries.map((e) => e._tag)).toEqual(['Register', 'Register', 'Register', 'BroadcastTo']);
    expect(entries[3]).toMatchObject({ keys: [zccache, fbuild], operation: quiesceOperation('IdleTimeout') });
    const sweep = entries[3];
    expect(sweep === undefined ? undefined : recordedResult(sweep)).toEqual(afterFirst.latestResult);
    expect(snapshot(replay(createRegistry(policy), actionsOf(entries)).state)).toEqual(snapshot(afterSecond.registry));
  });

  it('should mark backends by hand and stop tracking them, answering NotTracked for others', () => {
    const { store, sink } = storeWith();
    store.dispatch(idleTrackingStarted(zccache, 0, 1));
    store.dispatch(idleTrackingStarted(soldr, 0, 1));

    store.dispatch(backendMarkedDraining(zccache));
    store.dispatch(backendMarkedQuiesced(soldr));
    store.dispatch(idleTrackingStopped(zccache));
    store.dispatch(backendActivitySeen(ghost, 4));

    const state = store.getState().broker;
    expect(state.idle.backends).toEqual([{ key: soldr, state: 'Quiesced', lastActivityMs: 0, idleTimeoutMs: 1 }]);
    expect(state.lastEvent).toMatchObject({ _tag: 'NotTracked', key: ghost });
    expect(sink.entries).toEqual([]);
    expect(receivedOperations(state.registry, soldr)._tag).toBe('None');
  });

  it('should reject a time that is not whole non-negative milliseconds, naming the field', () => {
    const { store } = storeWith();
    const before = store.getState().broker.idle;

    store.dispatch({ type: idleSweepRequested.type, payload: { nowMs: -1 } });
    store.dispatch({ type: idleTrackingStarted.type, payload: { key: zccache, nowMs: 1, _tag: 'Remove' } });
    store.dispatch({ type: backendActivitySeen.type, payload: 'now' });

    const state = store.getState().broker;
    expect(state.recentRejections.map((r) => r.errors)).toEqual([
      ['payload.nowMs: expected non-negative integer milliseconds, got -1'],
      ['payload._tag: unexpected field, got "Remove"'],
      ['payload: expected an object, got "now"'],
    ]);
    expect(state.idle).toBe(before);
  });
});

describe('createLifecycleBroadcastSlice', () => {
  it('should start with an empty idle coordinator of the configured timeout, clamping zero', () => {
    expect(broker.getInitialState().idle).toEqual({ idleTimeoutMs: 10_000, backends: [] });
    expect(createLifecycleBroadcastSlice({ idleTimeoutMs: 0 }).getInitialState().idle.idleTimeoutMs).toBe(1);
    expect(createLifecycleBroadcastSlice().getInitialState().idle.idleTimeoutMs).toBe(30_000);
  });

  it('should refuse an idle timeout no clock gives, at once', () => {
    expect(() => createLifecycleBroadcastSlice({ idleTimeoutMs: -5 })).toThrow(
      new RangeError(
        'createLifecycleBroadcastSlice: idleTimeoutMs must be a non-negative integer of milliseconds, got -5',
      ),
    );
  });
});
