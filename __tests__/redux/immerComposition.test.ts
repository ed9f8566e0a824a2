/**
 * The slice inside an application's own immer reducers: Redux Toolkit runs every case reducer
 * of `createSlice` inside immer's `produce`, so an application slice that holds a lifecycle
 * slice state and hands it to the slice's reducer from `extraReducers` (`builder.addCase`,
 * `builder.addMatcher`) passes what it reads from its draft. The slice state and the registry
 * are values immer does not draft: the reducer gets them as they are, the registry stays whole
 * and frozen, and what the application writes beside them is drafted as usual.
 */
import { configureStore, createSlice, isDraft } from '@reduxjs/toolkit';
import type { Draft, PayloadAction, UnknownAction } from '@reduxjs/toolkit';

import {
  backends,
  broadcast,
  createLifecycleBroadcastSlice,
  createRegistry,
  liveBackend,
  liveCount,
  quiesceOperation,
  register,
  replay,
  snapshot,
} from '../../src';
import type { LifecycleBroadcastState, Registry } from '../../src';
import { checksWithoutTimingWarnings, scenario, scenarioActions, unfrozenPaths, zccache } from './fixtures';

const broker = createLifecycleBroadcastSlice({ name: 'broker' });
const scenarioOfBroker = scenarioActions.map(broker.toSliceAction);

/** An action of the lifecycle slice (registry or idle). */
const isBrokerAction = (action: UnknownAction): action is UnknownAction =>
  broker.isAction(action) || broker.isIdleAction(action);

/** What the application's case reducers saw of the lifecycle state through their drafts. */
const seen: { drafted: boolean[] } = { drafted: [] };

/**
 * An application slice written with Redux Toolkit: it keeps the broker's state as one of its
 * fields, lets the slice's reducer change it, and reads it around that to keep its own fields.
 */
const fleet = createSlice({
  name: 'fleet',
  initialState: () => ({
    broker: broker.getInitialState(),
    liveAtSend: [] as number[],
    outcomes: [] as string[],
    notes: [] as string[],
  }),
  reducers: {
    noted: (state, action: PayloadAction<string>) => {
      state.notes.push(action.payload);
    },
  },
  extraReducers: (builder) => {
    // Runs before the matcher: reads the lifecycle state as the broadcast finds it.
    builder.addCase(broker.actions.operationBroadcast, (state) => {
      seen.drafted.push(isDraft(state.broker), isDraft(state.broker.registry));
      state.liveAtSend.push(liveCount(state.broker.registry));
    });
    builder.addMatcher(isBrokerAction, (state, action) => {
      // The slice's state is frozen and never drafted; typed as a draft so that it can be assigned.
      state.broker = broker.reducer(state.broker, action) as Draft<LifecycleBroadcastState>;
      const latest = state.broker.latestResult;
      if (broker.actions.operationBroadcast.match(action) && latest !== null) {
        state.outcomes.push(latest._tag);
      }
    });
  },
});

const store = () =>
  configureStore({
    reducer: { fleet: fleet.reducer },
    middleware: (getDefault) => getDefault(checksWithoutTimingWarnings),
  });

/** The state the slice's reducer gives for `actions` on its own, without any store. */
const pure = (actions: ReadonlyArray<UnknownAction>): LifecycleBroadcastState =>
  actions.reduce(broker.reducer, broker.getInitialState());

let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  seen.drafted = [];
  warn = jest.spyOn(console, 'warn');
  error = jest.spyOn(console, 'error');
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the slice inside builder.addCase and builder.addMatcher of another slice', () => {
  it('should reach the state the slice reaches alone, with the registry whole and deeply frozen', () => {
    const s = store();
    for (const action of scenarioOfBroker) {
      s.dispatch(action);
      s.dispatch(fleet.actions.noted(action.type));
    }

    const { broker: state, notes } = s.getState().fleet;
    expect(state).toEqual(pure(scenarioOfBroker));
    expect(snapshot(state.registry)).toEqual(snapshot(replay(createRegistry(), scenarioActions).state));
    expect(unfrozenPaths(state)).toEqual([]);
    expect(notes).toHaveLength(scenario.length);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('should give the case reducers the slice state and the registry themselves, never drafts', () => {
    const s = store();
    for (const action of scenarioOfBroker) {
      s.dispatch(action);
    }

    const broadcasts = scenarioOfBroker.filter((a) => broker.actions.operationBroadcast.match(a)).length;
    expect(seen.drafted).toEqual(Array.from({ length: 2 * broadcasts }, () => false));
  });

  it('should let the application read the lifecycle state around the slice reducer in the same case', () => {
    const s = store();
    for (const action of scenarioOfBroker) {
      s.dispatch(action);
    }

    // What each broadcast found, and what it gave, as the pure reducers give them.
    let registry: Registry = createRegistry();
    const liveAtSend: number[] = [];
    const outcomes: string[] = [];
    for (const action of scenarioActions) {
      if (action._tag === 'Broadcast') {
        liveAtSend.push(liveCount(registry));
        outcomes.push(broadcast(registry, action.operation).result._tag);
      }
      registry = replay(registry, [action]).state;
    }
    expect(s.getState().fleet.liveAtSend).toEqual(liveAtSend);
    expect(s.getState().fleet.outcomes).toEqual(outcomes);
  });

  it('should keep the slice state by reference when the application changes only its own fields', () => {
    const s = store();
    s.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    const before = s.getState().fleet;

    s.dispatch(fleet.actions.noted('maintenance window'));

    expect(s.getState().fleet).not.toBe(before);
    expect(s.getState().fleet.broker).toBe(before.broker);
    expect(s.getState().fleet.broker.registry).toBe(before.broker.registry);
  });

  it('should refuse a write into the lifecycle state from an application case reducer', () => {
    const vandal = createSlice({
      name: 'vandal',
      initialState: () => ({ broker: broker.getInitialState() }),
      reducers: {
        cleared: (state) => {
          (state.broker as { latestResult: unknown }).latestResult = 'gone';
        },
      },
    });
    const s = configureStore({ reducer: { vandal: vandal.reducer } });

    expect(() => s.dispatch(vandal.actions.cleared())).toThrow(TypeError);
    expect(s.getState().vandal.broker).toBe(broker.getInitialState());
  });
});

describe('a registry kept in an application slice', () => {
  it('should be changed by the registry reducers inside a case reducer and stay whole and frozen', () => {
    const own = createSlice({
      name: 'own',
      initialState: () => ({ registry: createRegistry(), registered: 0 }),
      reducers: {
        added: (state) => {
          state.registry = register(state.registry, liveBackend(zccache)).state as Draft<Registry>;
          state.registered = backends(state.registry).length;
        },
        sent: (state) => {
          state.registry = broadcast(state.registry, quiesceOperation('Maintenance')).state as Draft<Registry>;
        },
      },
    });
    const s = configureStore({
      reducer: { own: own.reducer },
      middleware: (getDefault) => getDefault(checksWithoutTimingWarnings),
    });

    s.dispatch(own.actions.added());
    s.dispatch(own.actions.sent());

    const { registry, registered } = s.getState().own;
    expect(registered).toBe(1);
    expect(snapshot(registry)).toEqual(
      snapshot(
        broadcast(register(createRegistry(), liveBackend(zccache)).state, quiesceOperation('Maintenance')).state,
      ),
    );
    expect(unfrozenPaths(registry)).toEqual([]);
    // The store's serializability check takes the registry for plain data, as before.
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
