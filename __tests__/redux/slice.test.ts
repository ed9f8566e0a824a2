import {
  BackendRegisteredPayload,
  DEFAULT_RECENT_LIMIT,
  LIFECYCLE_BROADCAST,
  RegistryAction,
  backendLivenessChanged,
  backendRegistered,
  backendResponseChanged,
  backendUnregistered,
  broadcast,
  broadcastPolicy,
  broadcastRequested,
  createLifecycleBroadcastSlice,
  createRegistry,
  decodeSliceAction,
  failure,
  isLifecycleBroadcastAction,
  lifecycleBroadcastActions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  liveBackend,
  logEntry,
  quiesceOperation,
  recordedResult,
  releaseHandlesOperation,
  replay,
  snapshot,
  step,
  toRegistryAction,
  toSliceAction,
  withResponse,
} from '../../src';
import type { LifecycleBroadcastReducer, LifecycleBroadcastState } from '../../src';
import {
  expectLeft,
  expectRight,
  fbuild,
  ghost,
  scenario,
  scenarioActions,
  soldr,
  unfrozenPaths,
  zccache,
} from './fixtures';

const init = { type: '@@test/init' };

/** Fold the reducer over actions, from `undefined` as a store does. */
const run = (
  reducer: LifecycleBroadcastReducer,
  actions: ReadonlyArray<Parameters<LifecycleBroadcastReducer>[1]>,
): LifecycleBroadcastState => actions.reduce(reducer, reducer(undefined, init));

describe('action creators', () => {
  it('should name every action type `lifecycleBroadcast/<event in the past tense>`', () => {
    expect(Object.values(lifecycleBroadcastActions).map((c) => c.type)).toEqual([
      'lifecycleBroadcast/backendRegistered',
      'lifecycleBroadcast/backendLivenessChanged',
      'lifecycleBroadcast/backendResponseChanged',
      'lifecycleBroadcast/backendUnregistered',
      'lifecycleBroadcast/broadcastRequested',
      'lifecycleBroadcast/broadcastToRequested',
    ]);
    expect(LIFECYCLE_BROADCAST).toBe('lifecycleBroadcast');
  });

  it('should build an action whose type is the creator’s `.type`', () => {
    for (const action of scenario) {
      const creator = Object.values(lifecycleBroadcastActions).find((c) => c.type === action.type);
      expect(creator).toBeDefined();
    }
    expect(backendUnregistered(zccache).type).toBe(backendUnregistered.type);
  });

  it('should put the codec-encoded fields in the payload, as plain deeply frozen JSON', () => {
    const backend = withResponse(liveBackend(soldr), failure('Rejected'));
    const action = backendRegistered(backend);
    expect(action.payload).toEqual(BackendRegisteredPayload.encode({ backend }));
    expect(JSON.parse(JSON.stringify(action))).toEqual(action);
    expect(unfrozenPaths(action)).toEqual([]);
  });

  it('should copy its arguments, so the action shares nothing mutable with the caller', () => {
    const key = { ...zccache, instance: { _tag: 'Shared' as const } };
    const action = backendUnregistered(key);
    key.serviceName = 'changed';
    expect(action.payload.key.serviceName).toBe('zccache');
  });

  it('should match exactly the actions of its own type with `.match`', () => {
    const action = broadcastRequested(quiesceOperation('BrokerShutdown'));
    expect(broadcastRequested.match(action)).toBe(true);
    expect(backendRegistered.match(action)).toBe(false);
    expect(broadcastRequested.match({ type: 'other/broadcastRequested' })).toBe(false);
    expect(broadcastRequested.match(null)).toBe(false);
    expect(broadcastRequested.match('lifecycleBroadcast/broadcastRequested')).toBe(false);
  });
});

describe('isLifecycleBroadcastAction', () => {
  it('should accept every action of the slice', () => {
    expect(scenario.every(isLifecycleBroadcastAction)).toBe(true);
  });

  it('should refuse other actions and non-actions', () => {
    for (const other of [
      { type: 'ui/clicked' },
      { type: 'lifecycleBroadcast/somethingElse' },
      { type: 1 },
      {},
      null,
      undefined,
      'lifecycleBroadcast/backendRegistered',
      [backendUnregistered(zccache)],
    ]) {
      expect(isLifecycleBroadcastAction(other)).toBe(false);
    }
  });
});

describe('toSliceAction', () => {
  it('should turn every registry action into the slice action standing for it', () => {
    expect(scenarioActions.map(toSliceAction)).toEqual(scenario);
  });

  it('should drop the result a decoded log entry recorded', () => {
    const registry = step(createRegistry(), toRegistryAction(backendRegistered(liveBackend(zccache)))).state;
    const operation = quiesceOperation('Maintenance');
    const recorded = logEntry({ _tag: 'Broadcast', operation }, broadcast(registry, operation).result);
    expect(recordedResult(recorded)).toBeDefined();
    expect(toSliceAction(recorded)).toEqual(broadcastRequested(operation));
  });
});

describe('toRegistryAction', () => {
  it('should be the inverse of toSliceAction', () => {
    expect(scenario.map(toRegistryAction).map(toSliceAction)).toEqual(scenario);
    for (const action of scenarioActions) {
      expect(RegistryAction.is(action)).toBe(true);
    }
  });
});

describe('decodeSliceAction', () => {
  it('should give back every valid action unchanged', () => {
    for (const action of scenario) {
      expect(expectRight(decodeSliceAction(JSON.parse(JSON.stringify(action)) as unknown))).toEqual(action);
    }
  });

  it('should accept the extra fields of a flux standard action', () => {
    const action = { ...backendUnregistered(zccache), meta: { requestId: 'r1' }, error: false };
    expect(expectRight(decodeSliceAction(action))).toEqual(backendUnregistered(zccache));
  });

  it('should name the payload field that is missing', () => {
    expect(expectLeft(decodeSliceAction({ type: backendUnregistered.type, payload: {} }))).toEqual([
      'payload.key: expected BackendKey, got nothing (missing field)',
    ]);
  });

  it('should name every wrong field, from the action down', () => {
    const bad = {
      type: backendRegistered.type,
      payload: { backend: { key: { ...zccache, exeHash: 'XYZ' }, live: 'yes', response: { _tag: 'Ack' } } },
    };
    expect(expectLeft(decodeSliceAction(bad))).toEqual([
      'payload.backend.key.exeHash: expected lowercase hex string, got "XYZ"',
      'payload.backend.live: expected boolean, got "yes"',
    ]);
  });

  it('should refuse a payload that is not an object, or an unknown field in it', () => {
    expect(expectLeft(decodeSliceAction({ type: broadcastRequested.type }))).toEqual([
      'payload: expected BroadcastRequestedPayload, got nothing (missing field)',
    ]);
    expect(
      expectLeft(decodeSliceAction({ type: backendUnregistered.type, payload: { key: zccache, 'odd key': 1 } })),
    ).toEqual(['payload["odd key"]: unexpected field, got 1']);
  });

  it('should refuse an action of another slice, naming the types it knows', () => {
    const [line] = expectLeft(decodeSliceAction({ type: 'ui/clicked' }));
    expect(line).toMatch(/^type: expected one of "lifecycleBroadcast\/backendRegistered" \| .*, got "ui\/clicked"$/);
  });

  it('should never throw, even on a value whose fields cannot be read', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no access');
        },
      },
    );
    expect(expectLeft(decodeSliceAction(hostile))).toEqual(['(root): could not be read: no access']);
    expect(expectLeft(decodeSliceAction(42))).toEqual(['(root): expected a lifecycleBroadcast action, got 42']);
  });
});

describe('createLifecycleBroadcastSlice', () => {
  it('should start from an empty registry with the configured policy', () => {
    const slice = createLifecycleBroadcastSlice({ policy: broadcastPolicy(250) });
    const state = slice.reducer(undefined, init);
    expect(state).toBe(slice.getInitialState());
    expect(snapshot(state.registry)).toEqual(snapshot(createRegistry(broadcastPolicy(250))));
    expect(state.lastEvent).toBeNull();
    expect(state.latestResult).toBeNull();
    expect(state.recentResults).toEqual([]);
    expect(state.recentKeysNotFound).toEqual([]);
    expect(state.recentRejections).toEqual([]);
  });

  it('should clamp a zero timeout as the registry does', () => {
    const slice = createLifecycleBroadcastSlice({ policy: broadcastPolicy(0) });
    expect(slice.getInitialState().registry.policy).toEqual(createRegistry(broadcastPolicy(0)).policy);
  });

  it('should return the same state, by reference, for an action it does not own', () => {
    const slice = createLifecycleBroadcastSlice();
    const state = run(slice.reducer, scenario);
    for (const other of [init, { type: 'ui/clicked', payload: 1 }, { type: 'lifecycleBroadcast/unknown' }]) {
      expect(slice.reducer(state, other)).toBe(state);
    }
  });

  it('should agree with `step` on the registry and the event of every action', () => {
    const slice = createLifecycleBroadcastSlice();
    let state = slice.reducer(undefined, init);
    let registry = createRegistry();
    for (const action of scenario) {
      state = slice.reducer(state, action);
      const next = step(registry, toRegistryAction(action));
      registry = next.state;
      expect(snapshot(state.registry)).toEqual(snapshot(registry));
      expect(state.lastEvent).toEqual(next.result);
    }
  });

  it('should keep the latest broadcast result and the recent ones, oldest first', () => {
    const slice = createLifecycleBroadcastSlice();
    const state = run(slice.reducer, scenario);
    const results = replay(createRegistry(), scenarioActions).events.flatMap((e) =>
      e._tag === 'OperationBroadcast' ? [e.result] : [],
    );
    expect(results.length).toBeGreaterThan(1);
    expect(state.recentResults).toEqual(results);
    expect(state.latestResult).toEqual(results[results.length - 1]);
  });

  it('should bound the recent results by `recentResultsLimit`, dropping the oldest', () => {
    const broadcasts = [
      releaseHandlesOperation('/a'),
      quiesceOperation('IdleTimeout'),
      releaseHandlesOperation('/b'),
      quiesceOperation('Maintenance'),
      releaseHandlesOperation('/c'),
    ].map(broadcastRequested);
    const actions = [backendRegistered(liveBackend(zccache)), ...broadcasts];
    const all = run(createLifecycleBroadcastSlice({ recentResultsLimit: 100 }).reducer, actions);
    const bounded = run(createLifecycleBroadcastSlice({ recentResultsLimit: 2 }).reducer, actions);
    expect(all.recentResults).toHaveLength(broadcasts.length);
    expect(bounded.recentResults).toEqual(all.recentResults.slice(-2));
    expect(bounded.latestResult).toEqual(all.latestResult);
  });

  it('should keep no recent results with a limit of zero, but still the latest', () => {
    const state = run(createLifecycleBroadcastSlice({ recentResultsLimit: 0 }).reducer, scenario);
    expect(state.recentResults).toEqual([]);
    expect(state.latestResult).not.toBeNull();
  });

  it('should default every bound to DEFAULT_RECENT_LIMIT', () => {
    const actions = Array.from({ length: DEFAULT_RECENT_LIMIT + 3 }, (_, i) =>
      broadcastRequested(releaseHandlesOperation(`/p${String(i)}`)),
    );
    const misses = Array.from({ length: DEFAULT_RECENT_LIMIT + 3 }, () => backendUnregistered(ghost));
    const rejected = Array.from({ length: DEFAULT_RECENT_LIMIT + 3 }, () => ({
      type: backendUnregistered.type,
      payload: null,
    }));
    const state = run(lifecycleBroadcastReducer, [...actions, ...misses, ...rejected]);
    expect(state.recentResults).toHaveLength(DEFAULT_RECENT_LIMIT);
    expect(state.recentKeysNotFound).toHaveLength(DEFAULT_RECENT_LIMIT);
    expect(state.recentRejections).toHaveLength(DEFAULT_RECENT_LIMIT);
  });

  it('should make unknown-key outcomes observable, leaving the registry as it was', () => {
    const slice = createLifecycleBroadcastSlice({ recentKeysNotFoundLimit: 1 });
    const before = run(slice.reducer, [backendRegistered(liveBackend(zccache))]);
    const once = slice.reducer(before, backendLivenessChanged(ghost, false));
    const twice = slice.reducer(once, backendResponseChanged(fbuild, failure('Rejected')));
    expect(once.registry).toBe(before.registry);
    expect(twice.registry).toBe(before.registry);
    expect(once.lastEvent).toEqual({
      _tag: 'KeyNotFound',
      action: toRegistryAction(backendLivenessChanged(ghost, false)),
      key: ghost,
    });
    expect(twice.recentKeysNotFound).toEqual([twice.lastEvent]);
  });

  it('should reject an action with an invalid payload, keeping the registry and saying why', () => {
    const slice = createLifecycleBroadcastSlice();
    const before = run(slice.reducer, scenario);
    const bad = { type: backendLivenessChanged.type, payload: { key: zccache, live: 'yes' } };
    const after = slice.reducer(before, bad);
    const rejection = { _tag: 'ActionRejected', type: bad.type, errors: ['payload.live: expected boolean, got "yes"'] };
    expect(after.registry).toBe(before.registry);
    expect(after.recentResults).toBe(before.recentResults);
    expect(after.lastEvent).toEqual(rejection);
    expect(after.recentRejections).toEqual([rejection]);
  });

  it('should keep the whole state plain JSON and deeply frozen', () => {
    const slice = createLifecycleBroadcastSlice();
    const states = scenario.reduce<LifecycleBroadcastState[]>(
      (acc, action) => [...acc, slice.reducer(acc[acc.length - 1], action)],
      [slice.reducer(undefined, init)],
    );
    const rejected = slice.reducer(states[states.length - 1], { type: backendRegistered.type, payload: 1 });
    for (const state of [...states, rejected]) {
      expect(unfrozenPaths(state)).toEqual([]);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    }
  });

  it('should not change the state it is given, nor the action', () => {
    const slice = createLifecycleBroadcastSlice();
    const before = run(slice.reducer, scenario.slice(0, 5));
    const copy = JSON.parse(JSON.stringify(before)) as unknown;
    const action = broadcastRequested(quiesceOperation('BrokerShutdown'));
    const actionCopy = JSON.parse(JSON.stringify(action)) as unknown;
    slice.reducer(before, action);
    expect(before).toEqual(copy);
    expect(action).toEqual(actionCopy);
  });

  it('should refuse an invalid bound or policy when the slice is made', () => {
    expect(() => createLifecycleBroadcastSlice({ recentResultsLimit: -1 })).toThrow(
      new RangeError('createLifecycleBroadcastSlice: recentResultsLimit must be a non-negative integer, got -1'),
    );
    expect(() => createLifecycleBroadcastSlice({ recentRejectionsLimit: 1.5 })).toThrow(
      'recentRejectionsLimit must be a non-negative integer, got 1.5',
    );
    expect(() => createLifecycleBroadcastSlice({ policy: { ackTimeoutMs: -5 } })).toThrow(
      new RangeError(
        'createLifecycleBroadcastSlice: policy.ackTimeoutMs: expected non-negative integer milliseconds, got -5',
      ),
    );
  });
});

describe('lifecycleBroadcastSlice', () => {
  it('should be the slice with the default options', () => {
    const configured = createLifecycleBroadcastSlice();
    expect(lifecycleBroadcastSlice.name).toBe(LIFECYCLE_BROADCAST);
    expect(lifecycleBroadcastSlice.actions).toBe(lifecycleBroadcastActions);
    expect(lifecycleBroadcastSlice.getInitialState()).toEqual(configured.getInitialState());
    expect(run(lifecycleBroadcastSlice.reducer, scenario)).toEqual(run(configured.reducer, scenario));
  });
});

describe('lifecycleBroadcastReducer', () => {
  it('should be the default slice’s reducer', () => {
    expect(lifecycleBroadcastReducer).toBe(lifecycleBroadcastSlice.reducer);
  });

  it('should fold a whole scenario to the registry `replay` gives', () => {
    const state = run(lifecycleBroadcastReducer, scenario);
    expect(snapshot(state.registry)).toEqual(snapshot(replay(createRegistry(), scenarioActions).state));
  });
});
