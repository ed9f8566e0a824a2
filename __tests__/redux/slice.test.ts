import {
  BackendRegisteredPayload,
  DEFAULT_RECENT_LIMIT,
  LIFECYCLE_BROADCAST,
  RegistryAction,
  backendRegistered,
  backendUnregistered,
  broadcast,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRegistry,
  decodeSliceAction,
  failure,
  isLifecycleBroadcastAction,
  lifecycleBroadcastActions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSelectors,
  lifecycleBroadcastSlice,
  liveBackend,
  livenessSet,
  logRecord,
  operationBroadcast,
  operationBroadcastTo,
  quiesceOperation,
  recordedResult,
  releaseHandlesOperation,
  replay,
  responseSet,
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

/**
 * Every `console.warn` the reducer makes is captured by each test, and each test that makes the
 * reducer reject an action asserts on its warnings.
 */
let warn: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('action creators', () => {
  it('should name every action type `<slice name>/<the event step answers it with>`', () => {
    expect(Object.values(lifecycleBroadcastActions).map((c) => c.type)).toEqual([
      'lifecycleBroadcast/backendRegistered',
      'lifecycleBroadcast/livenessSet',
      'lifecycleBroadcast/responseSet',
      'lifecycleBroadcast/backendUnregistered',
      'lifecycleBroadcast/operationBroadcast',
      'lifecycleBroadcast/operationBroadcastTo',
    ]);
    expect(LIFECYCLE_BROADCAST).toBe('lifecycleBroadcast');
  });

  it('should name each action after the event `step` returns for it', () => {
    const events = replay(createRegistry(), [
      toRegistryAction(backendRegistered(liveBackend(zccache))),
      toRegistryAction(livenessSet(zccache, false)),
      toRegistryAction(responseSet(zccache, failure('Rejected'))),
      toRegistryAction(backendUnregistered(zccache)),
      toRegistryAction(operationBroadcast(quiesceOperation('Maintenance'))),
      toRegistryAction(operationBroadcastTo(quiesceOperation('Maintenance'), [zccache])),
    ]).events.map((e) => e._tag);
    const names = Object.keys(lifecycleBroadcastActions).map((name) => name.charAt(0).toUpperCase() + name.slice(1));
    expect(events).toEqual(names);
  });

  it('should build an action whose type is the creator’s `.type`', () => {
    expect(backendUnregistered(zccache).type).toBe(backendUnregistered.type);
    expect(operationBroadcast(quiesceOperation('Maintenance')).type).toBe(operationBroadcast.type);
  });

  it('should put the codec-encoded fields in the payload, as plain deeply frozen JSON', () => {
    const backend = withResponse(liveBackend(soldr), failure('Rejected'));
    const action = backendRegistered(backend);
    expect(action.payload).toEqual(BackendRegisteredPayload.encode({ backend }));
    expect(JSON.parse(JSON.stringify(action))).toEqual(action);
    expect(unfrozenPaths(action)).toEqual([]);
  });

  it('should carry exactly the fields of the registry action, without `_tag`', () => {
    for (const action of scenario) {
      const { _tag, ...fields } = toRegistryAction(action);
      expect(typeof _tag).toBe('string');
      expect(action.payload).toEqual(fields);
    }
  });

  it('should copy its arguments, so the action shares nothing mutable with the caller', () => {
    const key = { ...zccache, instance: { _tag: 'Shared' as const } };
    const action = backendUnregistered(key);
    key.serviceName = 'changed';
    expect(action.payload.key.serviceName).toBe('zccache');
  });

  it('should match exactly the actions of its own type with `.match`', () => {
    const action = operationBroadcast(quiesceOperation('BrokerShutdown'));
    expect(operationBroadcast.match(action)).toBe(true);
    expect(backendRegistered.match(action)).toBe(false);
    expect(operationBroadcast.match({ type: 'other/operationBroadcast' })).toBe(false);
    expect(operationBroadcast.match(null)).toBe(false);
    expect(operationBroadcast.match('lifecycleBroadcast/operationBroadcast')).toBe(false);
  });
});

describe('isLifecycleBroadcastAction', () => {
  it('should accept every action of the slice', () => {
    expect(scenario.every(isLifecycleBroadcastAction)).toBe(true);
  });

  it('should refuse other actions, those of other slices, and non-actions', () => {
    const other = createLifecycleBroadcastSlice({ name: 'other' });
    for (const action of [
      { type: 'ui/clicked' },
      { type: 'lifecycleBroadcast/somethingElse' },
      other.actions.backendRegistered(liveBackend(zccache)),
      { type: 1 },
      {},
      null,
      undefined,
      'lifecycleBroadcast/backendRegistered',
      [backendUnregistered(zccache)],
    ]) {
      expect(isLifecycleBroadcastAction(action)).toBe(false);
    }
  });
});

describe('toSliceAction', () => {
  it('should turn every registry action into the slice action standing for it', () => {
    expect(scenarioActions.map(toSliceAction)).toEqual(scenario);
  });

  it('should drop the result a decoded log record recorded', () => {
    const registry = step(createRegistry(), toRegistryAction(backendRegistered(liveBackend(zccache)))).state;
    const operation = quiesceOperation('Maintenance');
    const recorded = logRecord({ _tag: 'Broadcast', operation }, broadcast(registry, operation).result);
    expect(recordedResult(recorded)).toBeDefined();
    expect(toSliceAction(recorded)).toEqual(operationBroadcast(operation));
  });
});

describe('toRegistryAction', () => {
  it('should be the inverse of toSliceAction', () => {
    expect(scenario.map(toRegistryAction).map(toSliceAction)).toEqual(scenario);
    for (const action of scenarioActions) {
      expect(RegistryAction.is(action)).toBe(true);
    }
  });

  it('should refuse, with a clear error, an action of another slice passed off as one of its own', () => {
    const other = createLifecycleBroadcastSlice({ name: 'other' });
    const forged = other.actions.backendUnregistered(zccache) as unknown as Parameters<typeof toRegistryAction>[0];
    expect(() => toRegistryAction(forged)).toThrow(
      new TypeError(
        'toRegistryAction: "other/backendUnregistered" is not an action type of the lifecycleBroadcast slice',
      ),
    );
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
    expect(expectLeft(decodeSliceAction({ type: operationBroadcast.type }))).toEqual([
      'payload: expected OperationBroadcastPayload, got nothing (missing field)',
    ]);
    expect(
      expectLeft(decodeSliceAction({ type: backendUnregistered.type, payload: { key: zccache, 'odd key': 1 } })),
    ).toEqual(['payload["odd key"]: unexpected field, got 1']);
  });

  it('should refuse an action of another slice, naming the types it knows', () => {
    const [line] = expectLeft(decodeSliceAction({ type: 'ui/clicked' }));
    expect(line).toMatch(/^type: expected one of "lifecycleBroadcast\/backendRegistered" \| .*, got "ui\/clicked"$/);
  });

  it('should copy a payload that is not frozen, and freeze nothing of the caller’s', () => {
    const payload = { key: { ...zccache, instance: { _tag: 'Shared' } }, live: false };
    const decoded = expectRight(decodeSliceAction({ type: livenessSet.type, payload }));
    expect(Object.isFrozen(payload.key)).toBe(false);
    expect(unfrozenPaths(decoded)).toEqual([]);
    payload.key.serviceName = 'changed';
    expect(decoded.payload).toEqual({ key: zccache, live: false });
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
  it('should have the fields of a Redux Toolkit slice', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker', reducerPath: 'brokers' });
    expect(slice.name).toBe('broker');
    expect(slice.reducerPath).toBe('brokers');
    for (const field of ['reducer', 'getInitialState', 'getSelectors', 'selectSlice', 'injectInto'] as const) {
      expect(typeof slice[field]).toBe('function');
    }
    expect(Object.keys(slice.actions)).toEqual(Object.keys(lifecycleBroadcastActions));
    expect(Object.keys(slice.caseReducers)).toEqual(Object.keys(lifecycleBroadcastActions));
    expect(Object.keys(slice.selectors)).toEqual(Object.keys(lifecycleBroadcastSelectors));
    expect(Object.isFrozen(slice)).toBe(true);
  });

  it('should mount at its name unless given a reducerPath', () => {
    expect(createLifecycleBroadcastSlice({ name: 'broker' }).reducerPath).toBe('broker');
  });

  it('should prefix every action type with its name', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    expect(Object.values(slice.actions).map((c) => c.type)).toEqual(
      Object.keys(lifecycleBroadcastActions).map((name) => `broker/${name}`),
    );
    expect(slice.actions.livenessSet(zccache, true)).toEqual({
      type: 'broker/livenessSet',
      payload: { key: zccache, live: true },
    });
  });

  it('should keep two slices independent: each applies only its own actions', () => {
    const a = createLifecycleBroadcastSlice({ name: 'a' });
    const b = createLifecycleBroadcastSlice({ name: 'b' });
    const stateA = a.reducer(undefined, a.actions.backendRegistered(liveBackend(zccache)));
    const stateB = b.reducer(undefined, a.actions.backendRegistered(liveBackend(zccache)));
    expect(a.selectors.selectCounts({ a: stateA }).registered).toBe(1);
    expect(stateB).toBe(b.getInitialState());
    expect(b.reducer(stateB, b.actions.backendRegistered(liveBackend(soldr))).registry).not.toBe(stateB.registry);
    expect(a.isAction(b.actions.backendRegistered(liveBackend(soldr)))).toBe(false);
  });

  it('should start from an empty registry with the configured policy', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(250) });
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
    const slice = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(0) });
    expect(slice.getInitialState().registry.policy).toEqual(createRegistry(broadcastPolicy(0)).policy);
  });

  it('should return the same state, by reference, for an action it does not own', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'lifecycleBroadcast' });
    const state = run(slice.reducer, scenario);
    for (const other of [
      init,
      { type: 'ui/clicked', payload: 1 },
      { type: 'lifecycleBroadcast/unknown' },
      createLifecycleBroadcastSlice({ name: 'other' }).actions.backendUnregistered(zccache),
    ]) {
      expect(slice.reducer(state, other)).toBe(state);
    }
  });

  it('should agree with `step` on the registry and the event of every action', () => {
    let state = lifecycleBroadcastReducer(undefined, init);
    let registry = createRegistry();
    for (const action of scenario) {
      state = lifecycleBroadcastReducer(state, action);
      const next = step(registry, toRegistryAction(action));
      registry = next.state;
      expect(snapshot(state.registry)).toEqual(snapshot(registry));
      expect(state.lastEvent).toEqual(next.result);
    }
  });

  it('should keep the latest broadcast result and the recent ones, oldest first', () => {
    const state = run(lifecycleBroadcastReducer, scenario);
    const results = replay(createRegistry(), scenarioActions).events.flatMap((e) =>
      e._tag === 'OperationBroadcast' ? [e.result] : [],
    );
    expect(results.length).toBeGreaterThan(1);
    expect(state.recentResults).toEqual(results);
    expect(state.latestResult).toEqual(results[results.length - 1]);
  });

  it('should share what an action leaves unchanged, by reference', () => {
    const before = run(lifecycleBroadcastReducer, scenario);
    const afterSetLive = lifecycleBroadcastReducer(before, livenessSet(soldr, false));
    expect(afterSetLive.recentResults).toBe(before.recentResults);
    expect(afterSetLive.recentKeysNotFound).toBe(before.recentKeysNotFound);
    expect(afterSetLive.latestResult).toBe(before.latestResult);
    const afterBroadcast = lifecycleBroadcastReducer(before, operationBroadcast(quiesceOperation('Maintenance')));
    expect(afterBroadcast.recentKeysNotFound).toBe(before.recentKeysNotFound);
    expect(afterBroadcast.recentRejections).toBe(before.recentRejections);
  });

  it('should bound the recent results by `recentResultsLimit`, dropping the oldest', () => {
    const broadcasts = [
      releaseHandlesOperation('/a'),
      quiesceOperation('IdleTimeout'),
      releaseHandlesOperation('/b'),
      quiesceOperation('Maintenance'),
      releaseHandlesOperation('/c'),
    ].map(operationBroadcast);
    const actions = [backendRegistered(liveBackend(zccache)), ...broadcasts];
    const name = LIFECYCLE_BROADCAST;
    const all = run(createLifecycleBroadcastSlice({ name, recentResultsLimit: 100 }).reducer, actions);
    const bounded = run(createLifecycleBroadcastSlice({ name, recentResultsLimit: 2 }).reducer, actions);
    expect(all.recentResults).toHaveLength(broadcasts.length);
    expect(bounded.recentResults).toEqual(all.recentResults.slice(-2));
    expect(bounded.latestResult).toEqual(all.latestResult);
  });

  it('should keep no recent results with a limit of zero, but still the latest', () => {
    const slice = createLifecycleBroadcastSlice({ name: LIFECYCLE_BROADCAST, recentResultsLimit: 0 });
    const state = run(slice.reducer, scenario);
    expect(state.recentResults).toEqual([]);
    expect(state.latestResult).not.toBeNull();
    expect(slice.limits).toEqual({ results: 0, keysNotFound: DEFAULT_RECENT_LIMIT, rejections: DEFAULT_RECENT_LIMIT });
  });

  it('should default every bound to DEFAULT_RECENT_LIMIT', () => {
    const actions = Array.from({ length: DEFAULT_RECENT_LIMIT + 3 }, (_, i) =>
      operationBroadcast(releaseHandlesOperation(`/p${String(i)}`)),
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
    // Every rejection is said, also those the bound no longer keeps.
    expect(warn).toHaveBeenCalledTimes(rejected.length);
  });

  it('should make unknown-key outcomes observable, leaving the registry as it was', () => {
    const slice = createLifecycleBroadcastSlice({ name: LIFECYCLE_BROADCAST, recentKeysNotFoundLimit: 1 });
    const before = run(slice.reducer, [backendRegistered(liveBackend(zccache))]);
    const once = slice.reducer(before, livenessSet(ghost, false));
    const twice = slice.reducer(once, responseSet(fbuild, failure('Rejected')));
    expect(once.registry).toBe(before.registry);
    expect(twice.registry).toBe(before.registry);
    expect(once.lastEvent).toEqual({
      _tag: 'KeyNotFound',
      action: toRegistryAction(livenessSet(ghost, false)),
      key: ghost,
    });
    expect(twice.recentKeysNotFound).toEqual([twice.lastEvent]);
  });

  it('should reject an action with an invalid payload, keeping the registry and saying why', () => {
    const before = run(lifecycleBroadcastReducer, scenario);
    const bad = { type: livenessSet.type, payload: { key: zccache, live: 'yes' } };
    const after = lifecycleBroadcastReducer(before, bad);
    const rejection = { _tag: 'ActionRejected', type: bad.type, errors: ['payload.live: expected boolean, got "yes"'] };
    expect(after.registry).toBe(before.registry);
    expect(after.recentResults).toBe(before.recentResults);
    expect(after.lastEvent).toEqual(rejection);
    expect(after.recentRejections).toEqual([rejection]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should warn once per rejected action, with the codec’s message, in development', () => {
    const before = run(lifecycleBroadcastReducer, scenario);
    expect(warn).not.toHaveBeenCalled();
    lifecycleBroadcastReducer(before, { type: livenessSet.type, payload: { key: zccache, live: 'yes' } });
    expect(warn.mock.calls).toEqual([
      [
        'lifecycle-broadcast: lifecycleBroadcast/livenessSet was rejected, nothing changed: payload.live: expected boolean, got "yes"',
      ],
    ]);
  });

  it('should not warn when NODE_ENV is production, and reject the action all the same', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const after = lifecycleBroadcastReducer(undefined, { type: backendRegistered.type, payload: 1 });
      expect(after.lastEvent?._tag).toBe('ActionRejected');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('should never throw in the reducer, whatever the action', () => {
    const hostile = new Proxy(
      { type: backendRegistered.type },
      {
        get: (target, key) => {
          if (key === 'type') {
            return target.type;
          }
          throw new Error('no access');
        },
      },
    );
    const state = lifecycleBroadcastReducer(undefined, hostile);
    expect(state.lastEvent).toEqual({
      _tag: 'ActionRejected',
      type: backendRegistered.type,
      errors: ['(root): could not be read: no access'],
    });
    expect(warn.mock.calls).toEqual([
      [
        'lifecycle-broadcast: lifecycleBroadcast/backendRegistered was rejected, nothing changed: (root): could not be read: no access',
      ],
    ]);
  });

  it('should keep the whole state plain JSON and deeply frozen', () => {
    const states = scenario.reduce<LifecycleBroadcastState[]>(
      (acc, action) => [...acc, lifecycleBroadcastReducer(acc[acc.length - 1], action)],
      [lifecycleBroadcastReducer(undefined, init)],
    );
    const rejected = lifecycleBroadcastReducer(states[states.length - 1], { type: backendRegistered.type, payload: 1 });
    for (const state of [...states, rejected]) {
      expect(unfrozenPaths(state)).toEqual([]);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    }
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should not change the state it is given, nor the action', () => {
    const before = run(lifecycleBroadcastReducer, scenario.slice(0, 5));
    const copy = JSON.parse(JSON.stringify(before)) as unknown;
    const action = operationBroadcast(quiesceOperation('BrokerShutdown'));
    const actionCopy = JSON.parse(JSON.stringify(action)) as unknown;
    lifecycleBroadcastReducer(before, action);
    expect(before).toEqual(copy);
    expect(action).toEqual(actionCopy);
  });

  it('should refuse an invalid name, bound or policy when the slice is made', () => {
    const name = 'broker';
    expect(() => createLifecycleBroadcastSlice({ name, recentResultsLimit: -1 })).toThrow(
      new RangeError('createLifecycleBroadcastSlice: recentResultsLimit must be a non-negative integer, got -1'),
    );
    expect(() => createLifecycleBroadcastSlice({ name, recentRejectionsLimit: 1.5 })).toThrow(
      'recentRejectionsLimit must be a non-negative integer, got 1.5',
    );
    expect(() => createLifecycleBroadcastSlice({ name, policy: { ackTimeoutMs: -5 } })).toThrow(
      new RangeError(
        'createLifecycleBroadcastSlice: policy.ackTimeoutMs: expected non-negative integer milliseconds, got -5',
      ),
    );
    expect(() => createLifecycleBroadcastSlice({ name: '' })).toThrow(
      new TypeError('createLifecycleBroadcastSlice: name must be a non-empty string, got ""'),
    );
    expect(() => createLifecycleBroadcastSlice({ name, reducerPath: 3 as unknown as string })).toThrow(
      new TypeError('createLifecycleBroadcastSlice: reducerPath must be a non-empty string, got 3'),
    );
    const untyped = createLifecycleBroadcastSlice as (options?: unknown) => unknown;
    expect(() => untyped()).toThrow(
      new TypeError('createLifecycleBroadcastSlice: expected options with a name, got nothing'),
    );
    expect(() => untyped({ policy: broadcastPolicy(250) })).toThrow(
      new TypeError('createLifecycleBroadcastSlice: name must be a non-empty string, got nothing'),
    );
  });
});

describe('LifecycleBroadcastSlice.caseReducers', () => {
  it('should apply the payload of its own action, as the reducer does', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const registered = slice.caseReducers.backendRegistered(
      slice.getInitialState(),
      slice.actions.backendRegistered(liveBackend(zccache)),
    );
    expect(registered).toEqual(slice.reducer(undefined, slice.actions.backendRegistered(liveBackend(zccache))));
    const dead = slice.caseReducers.livenessSet(registered, slice.actions.livenessSet(zccache, false));
    expect(slice.selectors.selectCounts({ broker: dead })).toEqual({ registered: 1, live: 0, dead: 1 });
  });

  it('should reject an invalid payload as the reducer does', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const forged = { type: 'broker/livenessSet', payload: { key: zccache } } as unknown as ReturnType<
      typeof slice.actions.livenessSet
    >;
    const state = slice.caseReducers.livenessSet(slice.getInitialState(), forged);
    expect(state.lastEvent).toEqual({
      _tag: 'ActionRejected',
      type: 'broker/livenessSet',
      errors: ['payload.live: expected boolean, got nothing (missing field)'],
    });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('LifecycleBroadcastSlice.getSelectors', () => {
  it('should read the slice state itself without an argument', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const state = run(slice.reducer, [slice.actions.backendRegistered(liveBackend(zccache))]);
    expect(slice.getSelectors().selectCounts(state)).toEqual({ registered: 1, live: 1, dead: 0 });
  });

  it('should read the slice where `selectState` finds it, and return the same selectors for it', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const selectState = (root: { readonly nested: { readonly broker: LifecycleBroadcastState } }) => root.nested.broker;
    const state = run(slice.reducer, [slice.actions.backendRegistered(liveBackend(zccache))]);
    const selectors = slice.getSelectors(selectState);
    expect(selectors.selectBackends({ nested: { broker: state } })).toEqual([liveBackend(zccache)]);
    expect(slice.getSelectors(selectState)).toBe(selectors);
    expect(slice.getSelectors()).toBe(slice.getSelectors());
  });

  it('should throw a clear error when `selectState` finds nothing, for a slice that was not injected', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const selectors = slice.getSelectors(
      (root: { readonly broker?: LifecycleBroadcastState }) => root.broker as LifecycleBroadcastState,
    );
    expect(() => selectors.selectCounts({})).toThrow(
      'broker.getSelectors: the root state holds no broker state at "broker"; mount its reducer there (combineSlices(broker) does) or inject it with injectInto',
    );
  });
});

describe('LifecycleBroadcastSlice.selectSlice', () => {
  it('should read the state at `reducerPath`', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker', reducerPath: 'fleet' });
    const state = slice.getInitialState();
    expect(slice.selectSlice({ fleet: state })).toBe(state);
    expect(slice.selectors.selectState({ fleet: state })).toBe(state);
  });

  it('should throw a clear error when the root state has no state there', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker', reducerPath: 'fleet' });
    const untyped = slice.selectSlice as (root: unknown) => unknown;
    expect(() => untyped({ broker: slice.getInitialState() })).toThrow(
      'broker.selectSlice: the root state holds no broker state at "fleet"',
    );
    expect(() => untyped(undefined)).toThrow('broker.selectSlice');
  });
});

describe('LifecycleBroadcastSlice.injectInto', () => {
  /** A stand-in with the one method injectInto calls; real `combineSlices` reducers are in stores.test.ts. */
  const recordingInjectable = () => {
    const injected: Array<{ readonly reducerPath: string; readonly config: unknown }> = [];
    return {
      injected,
      inject: (slice: { reducerPath: string }, config?: unknown) => {
        injected.push({ reducerPath: slice.reducerPath, config });
      },
    };
  };

  it('should inject the reducer at its reducerPath, or the one given', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const target = recordingInjectable();
    expect(slice.injectInto(target).reducerPath).toBe('broker');
    expect(slice.injectInto(target, { reducerPath: 'other', overrideExisting: true }).reducerPath).toBe('other');
    expect(target.injected).toEqual([
      { reducerPath: 'broker', config: {} },
      { reducerPath: 'other', config: { overrideExisting: true } },
    ]);
  });

  it('should give selectors that read the initial state until the store holds the slice', () => {
    const slice = createLifecycleBroadcastSlice({ name: 'broker' });
    const injected = slice.injectInto(recordingInjectable());
    expect(injected.selectSlice({})).toBe(slice.getInitialState());
    expect(injected.selectors.selectCounts({})).toEqual({ registered: 0, live: 0, dead: 0 });
    expect(
      injected.getSelectors((root: { readonly b?: LifecycleBroadcastState }) => root.b).selectBackends({}),
    ).toEqual([]);
    const state = run(slice.reducer, [slice.actions.backendRegistered(liveBackend(zccache))]);
    expect(injected.selectors.selectCounts({ broker: state }).registered).toBe(1);
  });
});

describe('lifecycleBroadcastSlice', () => {
  it('should be the slice named lifecycleBroadcast with the default options', () => {
    const configured = createLifecycleBroadcastSlice({ name: LIFECYCLE_BROADCAST });
    expect(lifecycleBroadcastSlice.name).toBe(LIFECYCLE_BROADCAST);
    expect(lifecycleBroadcastSlice.reducerPath).toBe(LIFECYCLE_BROADCAST);
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
