/**
 * The slice inside real stores: a Redux 5 `createStore` and a Redux Toolkit 2 `configureStore`
 * with its default middleware (serializable and immutability checks on), beside another slice.
 */
import { configureStore, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';
import type { Middleware, UnknownAction } from 'redux';

import {
  arraySink,
  backendRegistered,
  broadcastPolicy,
  createLifecycleBroadcastSelectors,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  liveBackend,
  replay,
  snapshot,
} from '../../src';
import type { LifecycleBroadcastState } from '../../src';
import { checksWithoutTimingWarnings, scenario, scenarioActions, zccache } from './fixtures';

const policy = broadcastPolicy(250);

/** Another slice of the same store, written with Redux Toolkit. */
const ui = createSlice({
  name: 'ui',
  initialState: { selectedService: null as string | null, clicks: 0 },
  reducers: {
    serviceSelected: (state, action: PayloadAction<string>) => {
      state.selectedService = action.payload;
    },
    clicked: (state) => {
      state.clicks += 1;
    },
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

/** What the pure reducers give for the scenario, without any store. */
const pure = (broker: ReturnType<typeof createLifecycleBroadcastSlice>): LifecycleBroadcastState =>
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
    const broker = createLifecycleBroadcastSlice({ policy });
    const sink = arraySink();
    const recorder = createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker });
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, ui: ui.reducer }),
      applyMiddleware(recorder),
    );
    return { broker, sink, store };
  };

  it('should run the scenario with no warning, to the state the pure reducers give', () => {
    const { broker, store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(store.getState().broker).toEqual(pure(broker));
    expect(snapshot(store.getState().broker.registry)).toEqual(
      snapshot(replay(createRegistry(policy), scenarioActions).state),
    );
    expect(store.getState().ui.clicks).toBe(mixed.filter((a) => ui.actions.clicked.match(a)).length);
  });

  it('should keep the slice state by reference when another slice’s action is dispatched', () => {
    const { store } = build();
    store.dispatch(backendRegistered(liveBackend(zccache)));
    const before = store.getState();
    store.dispatch(ui.actions.clicked());
    expect(store.getState()).not.toBe(before);
    expect(store.getState().broker).toBe(before.broker);
  });

  it('should keep the other slice by reference when a broker action is dispatched', () => {
    const { store } = build();
    const before = store.getState();
    store.dispatch(backendRegistered(liveBackend(zccache)));
    expect(store.getState().broker).not.toBe(before.broker);
    expect(store.getState().ui).toBe(before.ui);
  });
});

describe('in a Redux Toolkit 2 store (configureStore, default middleware)', () => {
  const build = () => {
    const broker = createLifecycleBroadcastSlice({ policy });
    const sink = arraySink();
    const recorder = createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker });
    const store = configureStore({
      reducer: { broker: broker.reducer, ui: ui.reducer },
      middleware: (getDefaultMiddleware) => getDefaultMiddleware(checksWithoutTimingWarnings).concat(recorder),
    });
    return { broker, sink, store };
  };

  it('should run the scenario with no warning from the serializable or immutability checks', () => {
    const { broker, store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(store.getState().broker).toEqual(pure(broker));
  });

  it('should have the checks on: a non-serializable action is reported', () => {
    error.mockImplementation(() => undefined);
    const { store } = build();
    store.dispatch({ type: 'ui/clicked', payload: new Map() });
    const firstArguments = (error.mock.calls as ReadonlyArray<ReadonlyArray<unknown>>).map(([first]) => first);
    expect(firstArguments).toEqual([expect.stringContaining('A non-serializable value was detected in an action')]);
  });

  it('should answer the selectors from the store’s state as from the pure state', () => {
    const { broker, store } = build();
    for (const action of mixed) {
      store.dispatch(action);
    }
    const fromRoot = createLifecycleBroadcastSelectors((root: RootState) => root.broker);
    const fromSlice = createLifecycleBroadcastSelectors((state: LifecycleBroadcastState) => state);
    const expected = pure(broker);
    expect(fromRoot.selectBackends(store.getState())).toEqual(fromSlice.selectBackends(expected));
    expect(fromRoot.selectCounts(store.getState())).toEqual(fromSlice.selectCounts(expected));
    expect(fromRoot.selectLatestResult(store.getState())).toEqual(fromSlice.selectLatestResult(expected));
    expect(fromRoot.selectSnapshot(store.getState())).toEqual(fromSlice.selectSnapshot(expected));
  });

  it('should accept the recorder where Redux expects a Middleware', () => {
    const sink = arraySink();
    const recorder: Middleware<object, RootState> = createRecorderMiddleware({
      sink,
      selectState: (root: RootState) => root.broker,
    });
    const broker = createLifecycleBroadcastSlice();
    const store = configureStore({
      reducer: { broker: broker.reducer, ui: ui.reducer },
      middleware: (getDefaultMiddleware) => getDefaultMiddleware(checksWithoutTimingWarnings).prepend(recorder),
    });
    store.dispatch(backendRegistered(liveBackend(zccache)));
    expect(sink.records).toHaveLength(1);
  });
});
