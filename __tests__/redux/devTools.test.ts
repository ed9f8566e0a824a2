/**
 * What Redux DevTools is shown: readable, bounded views of the slice state, whatever the number
 * of backends, and the sanitizers wired through `configureStore`'s `devTools` option.
 */
import type * as Toolkit from '@reduxjs/toolkit';
import { compose } from 'redux';

import {
  DEFAULT_DEVTOOLS_ITEMS,
  DEFAULT_RECENT_LIMIT,
  backendKey,
  createLifecycleBroadcastSlice,
  deadBackend,
  failure,
  lifecycleBroadcastDevToolsOptions,
  lifecycleBroadcastStateView,
  liveBackend,
  quiesceOperation,
  releaseHandlesOperation,
  sharedInstance,
  timeout,
  withResponse,
} from '../../src';
import type { LifecycleBroadcastState } from '../../src';
import { ghost, soldr, zccache } from './fixtures';

const broker = createLifecycleBroadcastSlice({ name: 'broker' });

/**
 * The state after registering `n` backends (every 7th dead, every 11th timing out, every 13th
 * failing), broadcasting DEFAULT_RECENT_LIMIT operations, naming unknown keys and sending
 * invalid actions, so that every list of the state is full.
 */
const busyState = (n: number): LifecycleBroadcastState => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    let state = broker.getInitialState();
    for (let i = 0; i < n; i++) {
      const key = backendKey(sharedInstance, `service-${String(i)}`, '1.0.0', 'ab12cd34');
      const b = i % 7 === 0 ? deadBackend(key) : liveBackend(key);
      const response = i % 11 === 0 ? timeout : i % 13 === 0 ? failure('BackendError') : b.response;
      state = broker.reducer(state, broker.actions.backendRegistered(withResponse(b, response)));
    }
    for (let i = 0; i < DEFAULT_RECENT_LIMIT; i++) {
      state = broker.reducer(state, broker.actions.operationBroadcast(releaseHandlesOperation(`/cache/${String(i)}`)));
      state = broker.reducer(state, broker.actions.livenessSet(ghost, true));
      state = broker.reducer(state, {
        type: broker.actions.backendRegistered.type,
        payload: {
          backend: { key: { ...zccache, exeHash: 'NOT HEX'.repeat(20) }, live: 'yes', response: null, extra: 1 },
        },
      });
    }
    // One warning for each invalid action, each on one line.
    expect(warn).toHaveBeenCalledTimes(DEFAULT_RECENT_LIMIT);
    expect(
      (warn.mock.calls as ReadonlyArray<ReadonlyArray<unknown>>).every(([message]) =>
        /^lifecycle-broadcast: broker\/backendRegistered was rejected, nothing changed: [^\n]+$/.test(String(message)),
      ),
    ).toBe(true);
    return broker.reducer(state, broker.actions.operationBroadcast(quiesceOperation('Maintenance')));
  } finally {
    warn.mockRestore();
  }
};

const sizeOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

const large = busyState(10_000);
const medium = busyState(1_000);

describe('lifecycleBroadcastStateView', () => {
  it('should show the registry as its policy, counts and first backends', () => {
    const view = lifecycleBroadcastStateView(medium);
    expect(view.registry.policy).toEqual(medium.registry.policy);
    expect(view.registry.backendCount).toBe(1_000);
    expect(view.registry.liveCount + view.registry.deadCount).toBe(1_000);
    expect(view.registry.deadCount).toBe(Math.ceil(1_000 / 7));
    expect(view.registry.backends.total).toBe(1_000);
    expect(view.registry.backends.shown).toHaveLength(DEFAULT_DEVTOOLS_ITEMS);
    const [first, second] = view.registry.backends.shown;
    expect(first?.backend.key.serviceName).toBe('service-0');
    expect(first?.receivedCount).toBe(0);
    expect(first?.lastReceived).toBeNull();
    expect(second?.receivedCount).toBe(DEFAULT_RECENT_LIMIT + 1);
    expect(second?.lastReceived).toEqual(quiesceOperation('Maintenance'));
  });

  it('should cut every list to its first or latest entries, keeping its length', () => {
    const view = lifecycleBroadcastStateView(medium, { maxItems: 3 });
    const latest = medium.latestResult;
    expect(view.latestResult?._tag).toBe(latest?._tag);
    expect(view.latestResult?.acks).toEqual({ total: latest?.acks.length, shown: latest?.acks.slice(0, 3) });
    expect(view.latestResult?.skippedDead.total).toBe(Math.ceil(1_000 / 7));
    expect(view.recentResults.total).toBe(DEFAULT_RECENT_LIMIT);
    expect(view.recentResults.shown.map((r) => r.operation)).toEqual(
      medium.recentResults.slice(-3).map((r) => r.operation),
    );
    expect(view.recentResults.shown[2]?.acks).toBe(latest?.acks.length);
    expect(view.recentKeysNotFound).toEqual({
      total: DEFAULT_RECENT_LIMIT,
      shown: medium.recentKeysNotFound.slice(-3),
    });
    expect(view.recentRejections.total).toBe(DEFAULT_RECENT_LIMIT);
    expect(view.recentRejections.shown[0]?.errors.total).toBeGreaterThan(3);
    expect(view.recentRejections.shown[0]?.errors.shown).toHaveLength(3);
    expect(view.lastEvent).toEqual({ _tag: 'OperationBroadcast', result: view.latestResult });
  });

  it('should stay a few kilobytes at 10,000 backends, the same size as at 1,000', () => {
    const raw = sizeOf(large);
    const view = sizeOf(lifecycleBroadcastStateView(large));
    // The state itself is megabytes; its view does not grow with the registry.
    expect(raw).toBeGreaterThan(5_000_000);
    expect(view).toBeLessThan(40_000);
    expect(Math.abs(view - sizeOf(lifecycleBroadcastStateView(medium)))).toBeLessThan(200);
  });

  it('should refuse a bound that is not a non-negative integer', () => {
    expect(() => lifecycleBroadcastStateView(medium, { maxItems: -1 })).toThrow(
      new RangeError('lifecycle-broadcast DevTools: maxItems must be a non-negative integer, got -1'),
    );
  });
});

describe('lifecycleBroadcastDevToolsOptions', () => {
  it('should replace each slice state in the root state by its view, sharing the rest', () => {
    const staging = createLifecycleBroadcastSlice({ name: 'staging', reducerPath: 'stagingFleet' });
    const { stateSanitizer } = lifecycleBroadcastDevToolsOptions([broker, staging], { maxItems: 5 });
    const ui = { selected: 'soldr' };
    const root = { broker: large, stagingFleet: staging.getInitialState(), ui };
    const shown = stateSanitizer(root, 0);
    expect(shown.ui).toBe(ui);
    expect(shown.broker).toEqual(lifecycleBroadcastStateView(large, { maxItems: 5 }));
    expect(shown.stagingFleet).toEqual(lifecycleBroadcastStateView(staging.getInitialState(), { maxItems: 5 }));
    expect(root.broker).toBe(large);
    expect(stateSanitizer(root, 1).broker).toBe(shown.broker);
    expect(sizeOf(shown)).toBeLessThan(20_000);
  });

  it('should find a slice nested at a dotted path, and a slice state at the root', () => {
    const { stateSanitizer } = lifecycleBroadcastDevToolsOptions({ ...broker, reducerPath: 'app.broker' });
    const nested = stateSanitizer({ app: { broker: medium, other: 1 } }, 0);
    expect(nested.app.other).toBe(1);
    expect(nested.app.broker).toEqual(lifecycleBroadcastStateView(medium));
    expect(stateSanitizer(medium, 0)).toEqual(lifecycleBroadcastStateView(medium));
    expect(stateSanitizer({ app: null }, 0)).toEqual({ app: null });
  });

  it('should show a valid action as it is, and an invalid one of a slice as why it was rejected', () => {
    const { actionSanitizer } = lifecycleBroadcastDevToolsOptions(broker);
    const valid = broker.actions.livenessSet(soldr, false);
    expect(actionSanitizer(valid, 0)).toBe(valid);
    const other = { type: 'ui/clicked', payload: new Array(10_000).fill('x') };
    expect(actionSanitizer(other, 1)).toBe(other);
    const invalid = { type: broker.actions.livenessSet.type, payload: { key: 'x'.repeat(100_000), live: 'maybe' } };
    const shown = actionSanitizer(invalid, 2);
    expect(shown).toEqual({
      type: 'broker/livenessSet',
      rejected: {
        total: 2,
        shown: [
          `payload.key: expected BackendKey, got "${'x'.repeat(56)}...`,
          'payload.live: expected boolean, got "maybe"',
        ],
      },
    });
  });

  it('should reach Redux DevTools through configureStore’s devTools option', () => {
    // configureStore hands its `devTools` options to the compose function the extension
    // installs on `window` (read when Redux Toolkit loads): this stands in for the extension.
    const given: unknown[] = [];
    const host = globalThis as { window?: unknown };
    host.window = {
      __REDUX_DEVTOOLS_EXTENSION_COMPOSE__: (options: unknown) => {
        given.push(options);
        return compose;
      },
    };
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const toolkit = require('@reduxjs/toolkit') as typeof Toolkit;
        const options = lifecycleBroadcastDevToolsOptions(broker);
        const rootReducer = toolkit.combineSlices(broker);
        const store = toolkit.configureStore({
          reducer: rootReducer,
          devTools: { name: 'broker', ...options },
          middleware: (getDefaultMiddleware) =>
            getDefaultMiddleware({ serializableCheck: false, immutableCheck: false }),
        });
        store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
        const [received] = given as ReadonlyArray<typeof options & { readonly name: string }>;
        expect(received?.name).toBe('broker');
        expect(received?.stateSanitizer(store.getState(), 0)).toEqual({
          broker: lifecycleBroadcastStateView(store.getState().broker),
        });
      });
    } finally {
      delete host.window;
    }
  });

  it('should refuse, with a one-line TypeError, something that is not a slice', () => {
    const untyped = lifecycleBroadcastDevToolsOptions as (slices: unknown) => unknown;
    expect(() => untyped([broker, 3])).toThrow(
      new TypeError(
        'lifecycleBroadcastDevToolsOptions: expected a slice from createLifecycleBroadcastSlice at [1], got 3',
      ),
    );
  });
});
