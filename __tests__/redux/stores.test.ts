/**
 * Slices inside real stores: a Redux 5 `legacy_createStore`, and Redux Toolkit 2 stores built
 * with `configureStore` and its default middleware (serializable and immutability checks on),
 * `combineSlices` with two registries beside an application slice, lazy injection, the listener
 * middleware, and `builder.addCase` in another slice.
 */
import { combineSlices, configureStore, createListenerMiddleware, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction, WithSlice } from '@reduxjs/toolkit';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';
import type { Middleware, UnknownAction } from 'redux';

import {
  arraySink,
  broadcastPolicy,
  createLifecycleBroadcastSelectors,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  lifecycleBroadcastMiddlewareOptions,
  lifecycleBroadcastSlice,
  liveBackend,
  quiesceOperation,
  releaseHandlesOperation,
  replay,
  snapshot,
  timeout,
  withResponse,
} from '../../src';
import type { LifecycleBroadcastState } from '../../src';
import { checksWithoutTimingWarnings, fbuild, scenarioActions, soldr, zccache } from './fixtures';

const policy = broadcastPolicy(250);

/** The broker registry of these specifications (a slice holds no state: stores share it). */
const broker = createLifecycleBroadcastSlice({ name: 'broker', policy });

/** The shared scenario, as actions of `broker`. */
const scenario = scenarioActions.map(broker.toSliceAction);

/** Another slice of the same store, written with Redux Toolkit; it also counts broker broadcasts. */
const ui = createSlice({
  name: 'ui',
  initialState: { selectedService: null as string | null, clicks: 0, broadcastsSeen: 0, alerts: [] as string[] },
  reducers: {
    serviceSelected: (state, action: PayloadAction<string>) => {
      state.selectedService = action.payload;
    },
    clicked: (state) => {
      state.clicks += 1;
    },
    alerted: (state, action: PayloadAction<string>) => {
      state.alerts.push(action.payload);
    },
  },
  extraReducers: (builder) => {
    builder.addCase(broker.actions.operationBroadcast, (state, action) => {
      state.broadcastsSeen += action.payload.operation._tag.length > 0 ? 1 : 0;
    });
  },
});

interface RootState {
  readonly broker: LifecycleBroadcastState;
  readonly ui: ReturnType<typeof ui.reducer>;
}

/** The scenario with actions of the other slice interleaved. */
const mixed: ReadonlyArray<UnknownAction> = scenario.flatMap((action, i): UnknownAction[] =>
  i % 3 === 0 ? [action, ui.actions.clicked()] : i % 5 === 0 ? [action, ui.actions.serviceSelected('soldr')] : [action],
);

/** What the pure reducer gives for the scenario, without any store. */
const pure = (): LifecycleBroadcastState =>
  scenario.reduce(broker.reducer, broker.reducer(undefined, { type: '@@pure/init' }));

let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn');
  error = jest.spyOn(console, 'error');
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('in a Redux 5 store (legacy_createStore)', () => {
  const build = () => {
    const sink = arraySink();
    const recorder = createRecorderMiddleware({ slice: broker, sink });
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, ui: ui.reducer }),
      applyMiddleware(recorder),
    );
    return { sink, store };
  };

  it('should run the scenario with no warning, to the state the pure reducer gives', () => {
    const { store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(store.getState().broker).toEqual(pure());
    expect(snapshot(store.getState().broker.registry)).toEqual(
      snapshot(replay(createRegistry(policy), scenarioActions).state),
    );
    expect(store.getState().ui.clicks).toBe(mixed.filter((a) => ui.actions.clicked.match(a)).length);
  });

  it('should keep the slice state by reference when another slice’s action is dispatched', () => {
    const { store } = build();
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    const before = store.getState();
    store.dispatch(ui.actions.clicked());
    expect(store.getState()).not.toBe(before);
    expect(store.getState().broker).toBe(before.broker);
  });

  it('should keep the other slice by reference when a broker action is dispatched', () => {
    const { store } = build();
    const before = store.getState();
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    expect(store.getState().broker).not.toBe(before.broker);
    expect(store.getState().ui).toBe(before.ui);
  });
});

describe('in a Redux Toolkit 2 store (configureStore, default middleware)', () => {
  const build = () => {
    const sink = arraySink();
    const recorder = createRecorderMiddleware({ slice: broker, sink });
    const store = configureStore({
      reducer: { broker: broker.reducer, ui: ui.reducer },
      middleware: (getDefaultMiddleware) => getDefaultMiddleware(checksWithoutTimingWarnings).concat(recorder),
    });
    return { sink, store };
  };

  it('should run the scenario with no warning from the serializable or immutability checks', () => {
    const { store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(store.getState().broker).toEqual(pure());
  });

  it('should have the checks on: a non-serializable action is reported', () => {
    error.mockImplementation(() => undefined);
    const { store } = build();
    store.dispatch({ type: 'ui/clicked', payload: new Map() });
    const firstArguments = (error.mock.calls as ReadonlyArray<ReadonlyArray<unknown>>).map(([first]) => first);
    expect(firstArguments).toEqual([expect.stringContaining('A non-serializable value was detected in an action')]);
  });

  it('should let another slice react to a broker action with builder.addCase', () => {
    const { store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    expect(store.getState().ui.broadcastsSeen).toBe(scenario.filter(broker.actions.operationBroadcast.match).length);
  });

  it('should answer the selectors from the store’s state as from the pure state', () => {
    const { store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    const fromRoot = createLifecycleBroadcastSelectors((root: RootState) => root.broker);
    const fromSlice = broker.getSelectors();
    const expected = pure();
    expect(fromRoot.selectBackends(store.getState())).toEqual(fromSlice.selectBackends(expected));
    expect(broker.selectors.selectCounts(store.getState())).toEqual(fromSlice.selectCounts(expected));
    expect(broker.selectors.selectLatestResult(store.getState())).toEqual(fromSlice.selectLatestResult(expected));
    expect(fromRoot.selectSnapshot(store.getState())).toEqual(fromSlice.selectSnapshot(expected));
  });

  it('should accept the recorder where Redux expects a Middleware', () => {
    const sink = arraySink();
    const recorder: Middleware<object, RootState> = createRecorderMiddleware({ slice: broker, sink });
    const store = configureStore({
      reducer: { broker: broker.reducer, ui: ui.reducer },
      middleware: (getDefaultMiddleware) => getDefaultMiddleware(checksWithoutTimingWarnings).concat(recorder),
    });
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    expect(sink.records).toHaveLength(1);
  });
});

describe('in a store built with combineSlices', () => {
  /** Two registries, mounted at their names, and the default slice under lifecycleBroadcast. */
  const build = () => {
    const staging = createLifecycleBroadcastSlice({ name: 'staging', policy: broadcastPolicy(100) });
    const rootReducer = combineSlices(broker, staging, ui, lifecycleBroadcastSlice);
    const store = configureStore({
      reducer: rootReducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware({
          ...lifecycleBroadcastMiddlewareOptions([broker, staging, lifecycleBroadcastSlice]),
          thunk: false,
        }),
    });
    return { staging, store };
  };

  it('should mount each slice at its reducerPath, and nothing else', () => {
    const { store } = build();
    expect(Object.keys(store.getState()).sort()).toEqual(['broker', 'lifecycleBroadcast', 'staging', 'ui']);
    expect(store.getState().broker).toBe(broker.getInitialState());
  });

  it('should keep two registries independent: an action changes only its own slice', () => {
    const { staging, store } = build();
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    store.dispatch(staging.actions.backendRegistered(withResponse(liveBackend(soldr), timeout)));
    store.dispatch(staging.actions.backendRegistered(liveBackend(fbuild)));
    const before = store.getState();
    store.dispatch(staging.actions.operationBroadcast(quiesceOperation('Maintenance')));
    const after = store.getState();
    expect(after.broker).toBe(before.broker);
    expect(after.lifecycleBroadcast).toBe(before.lifecycleBroadcast);
    expect(broker.selectors.selectCounts(after)).toEqual({ registered: 1, live: 1, dead: 0 });
    expect(staging.selectors.selectCounts(after)).toEqual({ registered: 2, live: 2, dead: 0 });
    const result = staging.selectors.selectLatestResult(after);
    expect(result?._tag).toBe('Degraded');
    expect(result?.timeouts).toEqual([{ _tag: 'Timeout', key: soldr, ackTimeoutMs: 100 }]);
    expect(broker.selectors.selectLatestResult(after)).toBeNull();
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});

/** Slices a lazily loaded part of the application adds to the store. */
interface LazyLoadedSlices extends WithSlice<typeof lazyBroker> {}
const lazyBroker = createLifecycleBroadcastSlice({ name: 'lazyBroker', policy });

describe('in a store whose slice is injected later (withLazyLoadedSlices, inject, injectInto)', () => {
  it('should read the initial state before injection and the store’s state after it', () => {
    const rootReducer = combineSlices(ui).withLazyLoadedSlices<LazyLoadedSlices>();
    const store = configureStore({ reducer: rootReducer });
    const injected = lazyBroker.injectInto(rootReducer);
    expect(injected.selectors.selectCounts(store.getState())).toEqual({ registered: 0, live: 0, dead: 0 });
    store.dispatch(lazyBroker.actions.backendRegistered(liveBackend(zccache)));
    expect(store.getState().lazyBroker).toBeDefined();
    expect(injected.selectors.selectCounts(store.getState())).toEqual({ registered: 1, live: 1, dead: 0 });
    expect(injected.selectSlice(store.getState())).toBe(store.getState().lazyBroker);
  });

  it('should inject with the combined reducer’s own inject, at another reducerPath too', () => {
    const rootReducer = combineSlices(ui);
    const withBroker = rootReducer.inject(lazyBroker);
    const store = configureStore({ reducer: withBroker });
    store.dispatch(lazyBroker.actions.backendRegistered(liveBackend(soldr)));
    expect(lazyBroker.selectors.selectCounts(store.getState()).registered).toBe(1);

    const elsewhere = lazyBroker.injectInto(rootReducer, { reducerPath: 'secondary' });
    store.dispatch(lazyBroker.actions.backendRegistered(liveBackend(fbuild)));
    expect(elsewhere.reducerPath).toBe('secondary');
    expect(elsewhere.selectors.selectCounts(store.getState() as { secondary?: LifecycleBroadcastState })).toEqual({
      registered: 1,
      live: 1,
      dead: 0,
    });
  });
});

describe('with the listener middleware', () => {
  it('should let a listener react to a degraded broadcast result', () => {
    const listener = createListenerMiddleware<RootState>();
    listener.startListening({
      actionCreator: broker.actions.operationBroadcast,
      effect: (action, api) => {
        const result = broker.selectors.selectLatestResult(api.getState());
        if (result?._tag === 'Degraded') {
          const late = result.timeouts.map((entry) => entry.key.serviceName).join(', ');
          api.dispatch(ui.actions.alerted(`${action.payload.operation._tag} degraded: ${late} timed out`));
        }
      },
    });
    const rootReducer = combineSlices(broker, ui);
    const store = configureStore({
      reducer: rootReducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions(broker)).prepend(listener.middleware),
    });
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    store.dispatch(broker.actions.operationBroadcast(releaseHandlesOperation('/var/cache')));
    store.dispatch(broker.actions.responseSet(zccache, timeout));
    store.dispatch(broker.actions.operationBroadcast(quiesceOperation('IdleTimeout')));
    expect(store.getState().ui.alerts).toEqual(['Quiesce degraded: zccache timed out']);
    listener.clearListeners();
  });
});
