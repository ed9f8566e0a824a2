/**
 * Targeted broadcasts and the idle coordinator in the slice, in a real Redux Toolkit store with
 * its development checks on, recorded by the recorder and replayed.
 */
import { configureStore } from '@reduxjs/toolkit';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';
import type { Middleware } from 'redux';

import {
  arraySink,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  isLifecycleBroadcastAction,
  lifecycleBroadcastIdleActions,
  lifecycleBroadcastSlice,
  lifecycleBroadcastStateView,
  liveBackend,
  operationBroadcastTo,
  quiesceOperation,
  receivedOperations,
  recordedResult,
  releaseHandlesOperation,
  replay,
  snapshot,
  stateFromRegistry,
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

const broker = createLifecycleBroadcastSlice({ name: 'broker', policy, idleTimeoutMs: 10_000 });
const { backendRegistered, operationBroadcast } = broker.actions;
const { backendTracked, activityMarked, dueQuiesced, drainingMarked, quiescedMarked, backendUntracked } =
  broker.idleActions;
const { selectors } = broker;

const storeWith = (sink = arraySink()) => ({
  sink,
  store: configureStore({
    reducer: { broker: broker.reducer },
    middleware: (getDefault) =>
      getDefault(checksWithoutTimingWarnings).concat(createRecorderMiddleware({ slice: broker, sink })),
  }),
});

let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn');
  error = jest.spyOn(console, 'error');
});

afterEach(() => {
  const warned = warn.mock.calls.length;
  const errored = error.mock.calls.length;
  jest.restoreAllMocks();
  // Redux Toolkit's serializable and immutability checks would have said so here.
  expect(warned).toBe(0);
  expect(errored).toBe(0);
});

/** The development warnings of the rejections `run` causes, swallowed and returned. */
const rejectionWarnings = (run: () => void): ReadonlyArray<unknown> => {
  warn.mockImplementation(() => undefined);
  run();
  const calls = warn.mock.calls.map((c: ReadonlyArray<unknown>) => c[0]);
  warn.mockClear();
  return calls;
};

describe('operationBroadcastTo', () => {
  it('should broadcast to the live backends among the keys, and land the result and missing keys in the state', () => {
    const { store } = storeWith();
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(withResponse(liveBackend(soldr), timeout)));
    store.dispatch(backendRegistered(liveBackend(fbuild)));

    store.dispatch(broker.actions.operationBroadcastTo(quiesceOperation('Maintenance'), [fbuild, soldr, ghost]));

    const state = broker.selectSlice(store.getState());
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
    store.dispatch(operationBroadcast(releaseHandlesOperation('/cache')));
    const first = broker.selectSlice(store.getState()).latestResult;
    if (first === null) {
      throw new Error('no result');
    }

    store.dispatch(broker.actions.operationBroadcastTo(first.operation, unacknowledgedKeys(first)));

    expect(selectors.selectReceivedOperations(store.getState(), zccache)).toHaveLength(1);
    expect(selectors.selectReceivedOperations(store.getState(), soldr)).toHaveLength(2);
  });

  it('should reject a payload that is not valid, naming the field, and change nothing else', () => {
    const { store, sink } = storeWith();
    const before = broker.selectSlice(store.getState()).registry;

    const warnings = rejectionWarnings(() =>
      store.dispatch({
        type: broker.actions.operationBroadcastTo.type,
        payload: { operation: quiesceOperation('Maintenance'), keys: 7 },
      }),
    );

    expect(warnings).toEqual([
      'lifecycle-broadcast: broker/operationBroadcastTo was rejected, nothing changed: payload.keys: expected ReadonlyArray<BackendKey>, got 7',
    ]);
    expect(broker.selectSlice(store.getState()).lastEvent).toEqual({
      _tag: 'ActionRejected',
      type: 'broker/operationBroadcastTo',
      errors: ['payload.keys: expected ReadonlyArray<BackendKey>, got 7'],
    });
    expect(broker.selectSlice(store.getState()).registry).toBe(before);
    expect(sink.records).toEqual([]);
  });

  it('should be what toSliceAction makes of a BroadcastTo action', () => {
    const action = toSliceAction({ _tag: 'BroadcastTo', operation: quiesceOperation('Maintenance'), keys: [zccache] });

    expect(action).toEqual(operationBroadcastTo(quiesceOperation('Maintenance'), [zccache]));
    expect(action.type).toBe('lifecycleBroadcast/operationBroadcastTo');
    expect(isLifecycleBroadcastAction(action)).toBe(true);
  });
});

describe('idle coordinator actions', () => {
  it('should name every idle action type `<slice name>/<the event the slice answers it with>`', () => {
    expect(Object.values(lifecycleBroadcastIdleActions).map((c) => c.type)).toEqual([
      'lifecycleBroadcast/backendTracked',
      'lifecycleBroadcast/activityMarked',
      'lifecycleBroadcast/dueQuiesced',
      'lifecycleBroadcast/drainingMarked',
      'lifecycleBroadcast/quiescedMarked',
      'lifecycleBroadcast/backendUntracked',
    ]);
    expect(lifecycleBroadcastIdleActions).toBe(lifecycleBroadcastSlice.idleActions);
    expect(Object.values(broker.idleActions).map((c) => c.type)).toEqual(
      Object.keys(lifecycleBroadcastIdleActions).map((name) => `broker/${name}`),
    );
  });

  it("should be told apart from the registry actions, and from another slice's", () => {
    expect(broker.isIdleAction(dueQuiesced(5))).toBe(true);
    expect(broker.isAction(dueQuiesced(5))).toBe(false);
    expect(lifecycleBroadcastSlice.isIdleAction(dueQuiesced(5))).toBe(false);
    expect(dueQuiesced.match(dueQuiesced(5))).toBe(true);
    expect(backendTracked(zccache, 3)).toEqual({ type: 'broker/backendTracked', payload: { key: zccache, nowMs: 3 } });
    expect(backendTracked(zccache, 3, 50).payload).toEqual({ key: zccache, nowMs: 3, idleTimeoutMs: 50 });
    expect(unfrozenPaths(backendTracked(zccache, 3))).toEqual([]);
  });

  it('should be applied by the case reducer of its name as by the reducer', () => {
    const state = broker.getInitialState();
    const action = backendTracked(zccache, 3);

    expect(broker.idleCaseReducers.backendTracked(state, action)).toEqual(broker.reducer(state, action));
    expect(broker.decodeIdleAction(action)).toEqual({
      _tag: 'Right',
      right: { _tag: 'Track', key: zccache, nowMs: 3 },
    });
  });

  it('should track, sweep and quiesce exactly the idle backends once, recording the sweep as a BroadcastTo', () => {
    // Arrange: three live backends, tracked at 0 ms with the slice's 10 s timeout.
    const { store, sink } = storeWith();
    for (const k of [zccache, soldr, fbuild]) {
      store.dispatch(backendRegistered(liveBackend(k)));
      store.dispatch(backendTracked(k, 0));
    }
    store.dispatch(activityMarked(soldr, 8_000));

    // Act: sweep at 12 s, then again at 13 s.
    store.dispatch(dueQuiesced(12_000));
    const afterFirst = broker.selectSlice(store.getState());
    store.dispatch(dueQuiesced(13_000));
    const afterSecond = broker.selectSlice(store.getState());

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

    const entries = decodeEntries(sink.records);
    expect(entries.map((e) => e._tag)).toEqual(['Register', 'Register', 'Register', 'BroadcastTo']);
    expect(entries[3]).toMatchObject({ keys: [zccache, fbuild], operation: quiesceOperation('IdleTimeout') });
    const sweep = entries[3];
    expect(sweep === undefined ? undefined : recordedResult(sweep)).toEqual(afterFirst.latestResult);
    expect(snapshot(replay(createRegistry(policy), actionsOf(entries)).state)).toEqual(snapshot(afterSecond.registry));
  });

  it('should mark backends by hand and stop tracking them, answering NotTracked for others', () => {
    const { store, sink } = storeWith();
    store.dispatch(backendTracked(zccache, 0, 1));
    store.dispatch(backendTracked(soldr, 0, 1));

    store.dispatch(drainingMarked(zccache));
    store.dispatch(quiescedMarked(soldr));
    store.dispatch(backendUntracked(zccache));
    store.dispatch(activityMarked(ghost, 4));

    const state = broker.selectSlice(store.getState());
    expect(state.idle.backends).toEqual([{ key: soldr, state: 'Quiesced', lastActivityMs: 0, idleTimeoutMs: 1 }]);
    expect(state.lastEvent).toMatchObject({ _tag: 'NotTracked', key: ghost });
    expect(sink.records).toEqual([]);
    expect(receivedOperations(state.registry, soldr)._tag).toBe('None');
  });

  it('should reject a time that is not whole non-negative milliseconds, naming the field', () => {
    const { store } = storeWith();
    const before = broker.selectSlice(store.getState()).idle;

    const warnings = rejectionWarnings(() => {
      store.dispatch({ type: dueQuiesced.type, payload: { nowMs: -1 } });
      store.dispatch({ type: backendTracked.type, payload: { key: zccache, nowMs: 1, _tag: 'Remove' } });
      store.dispatch({ type: activityMarked.type, payload: 'now' });
    });

    const state = broker.selectSlice(store.getState());
    expect(state.recentRejections.map((r) => r.errors)).toEqual([
      ['payload.nowMs: expected non-negative integer milliseconds, got -1'],
      ['payload._tag: unexpected field, got "Remove"'],
      ['payload: expected ActivityMarkedPayload, got "now"'],
    ]);
    expect(warnings).toHaveLength(3);
    expect(state.idle).toBe(before);
  });
});

describe('createLifecycleBroadcastSlice', () => {
  it('should start with an empty idle coordinator of the configured timeout, clamping zero', () => {
    expect(broker.getInitialState().idle).toEqual({ idleTimeoutMs: 10_000, backends: [] });
    expect(createLifecycleBroadcastSlice({ name: 'zero', idleTimeoutMs: 0 }).getInitialState().idle.idleTimeoutMs).toBe(
      1,
    );
    expect(lifecycleBroadcastSlice.getInitialState().idle.idleTimeoutMs).toBe(30_000);
  });

  it('should refuse an idle timeout no clock gives, at once', () => {
    expect(() => createLifecycleBroadcastSlice({ name: 'broker', idleTimeoutMs: -5 })).toThrow(
      new RangeError(
        'createLifecycleBroadcastSlice: idleTimeoutMs must be a non-negative integer of milliseconds, got -5',
      ),
    );
  });
});

describe('lifecycleBroadcastStateView', () => {
  it('should show a sweep and the idle coordinator bounded, with their full lengths', () => {
    const { store } = storeWith();
    for (const k of [zccache, soldr, fbuild]) {
      store.dispatch(backendRegistered(liveBackend(k)));
      store.dispatch(backendTracked(k, 0));
    }
    store.dispatch(dueQuiesced(20_000));

    const view = lifecycleBroadcastStateView(broker.selectSlice(store.getState()), { maxItems: 1 });

    expect(view.lastEvent).toMatchObject({
      _tag: 'DueQuiesced',
      due: { total: 3, shown: [{ key: zccache }] },
      result: { acks: { total: 3, shown: [{ key: zccache }] } },
      keysNotFound: { total: 0, shown: [] },
    });
    expect(view.idle).toEqual({
      idleTimeoutMs: 10_000,
      backends: { total: 3, shown: [{ key: zccache, state: 'Draining', lastActivityMs: 0, idleTimeoutMs: 10_000 }] },
    });
  });
});

describe('stateFromRegistry', () => {
  it('should take in targeted broadcasts as the reducer does, with the slice’s initial coordinator', () => {
    const { store } = storeWith();
    const dispatched = [
      backendRegistered(liveBackend(zccache)),
      operationBroadcast(releaseHandlesOperation('/cache')),
      broker.actions.operationBroadcastTo(quiesceOperation('Maintenance'), [zccache, ghost]),
    ];
    dispatched.forEach((action) => store.dispatch(action));
    const { state, events } = replay(createRegistry(policy), dispatched.map(broker.toRegistryAction));

    expect(stateFromRegistry(broker, state, events)).toEqual(broker.selectSlice(store.getState()));
    expect(stateFromRegistry(broker, state, events).idle).toBe(broker.getInitialState().idle);
  });
});

describe('createRecorderMiddleware', () => {
  it('should record a sweep that a middleware after it held back, with the result computed again', () => {
    // A middleware after the recorder that dispatches a registration before passing the sweep on.
    const sink = arraySink();
    const meddler: Middleware<object, { readonly broker: LifecycleBroadcastState }> = (api) => (next) => (action) => {
      if (dueQuiesced.match(action)) {
        api.dispatch(backendRegistered(liveBackend(fbuild)));
      }
      return next(action);
    };
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer }),
      applyMiddleware(createRecorderMiddleware({ slice: broker, sink }), meddler),
    );
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendTracked(zccache, 0));

    store.dispatch(dueQuiesced(20_000));

    const records = decodeEntries(sink.records);
    expect(records.map((r) => r._tag).sort()).toEqual(['BroadcastTo', 'Register', 'Register']);
    expect(records.find((r) => r._tag === 'BroadcastTo')).toMatchObject({
      keys: [zccache],
      result: { acks: [{ key: zccache }] },
    });
    expect(snapshot(replay(createRegistry(policy), actionsOf(records)).state)).toEqual(
      snapshot(broker.selectSlice(store.getState()).registry),
    );
  });
});
