/**
 * The middleware options keep Redux Toolkit's development checks on for the rest of the store
 * while they skip the slices: seen here in the values the serializable check looks at (what that
 * saves in time is measured by `npm run bench:redux`, not here).
 */
import { combineSlices, configureStore, createSlice, isPlain } from '@reduxjs/toolkit';

import {
  createLifecycleBroadcastSlice,
  backendKey,
  lifecycleBroadcastMiddlewareOptions,
  liveBackend,
  sharedInstance,
} from '../../src';
import type { AnyLifecycleBroadcastSlice } from '../../src';

const broker = createLifecycleBroadcastSlice({ name: 'broker' });
const staging = createLifecycleBroadcastSlice({ name: 'staging', reducerPath: 'stagingFleet' });

const notesSlice = createSlice({
  name: 'notes',
  initialState: { items: [] as unknown[] },
  reducers: {
    added: (state, action: { readonly type: string; readonly payload: unknown }) => {
      state.items.push(action.payload);
    },
  },
});

/** Declared before `configureStore`, which then infers the root state from it. */
const rootReducer = combineSlices(broker, notesSlice);

/** A store with a few backends in `broker`, keeping every value the serializable check looks at. */
const storeWith = (options: ReturnType<typeof lifecycleBroadcastMiddlewareOptions> | undefined) => {
  const visited = new Set<unknown>();
  const store = configureStore({
    reducer: rootReducer,
    middleware: (getDefaultMiddleware) =>
      getDefaultMiddleware({
        immutableCheck: { ...options?.immutableCheck, warnAfter: 10_000 },
        serializableCheck: {
          ...options?.serializableCheck,
          warnAfter: 10_000,
          isSerializable: (value: unknown) => {
            visited.add(value);
            return isPlain(value);
          },
        },
      }),
  });
  for (const name of ['zccache', 'soldr', 'fbuild']) {
    store.dispatch(broker.actions.backendRegistered(liveBackend(backendKey(sharedInstance, name, '1.0.0'))));
  }
  return { store, visited };
};

/** Whether the check looked at the slice state or its registry after one more dispatch. */
const lookedIntoSlice = (options?: ReturnType<typeof lifecycleBroadcastMiddlewareOptions>): boolean => {
  const { store, visited } = storeWith(options);
  visited.clear();
  store.dispatch(broker.actions.livenessSet(backendKey(sharedInstance, 'soldr', '1.0.0'), false));
  const { broker: state } = store.getState();
  return visited.has(state) || visited.has(state.registry) || visited.has(state.lastEvent);
};

describe('lifecycleBroadcastMiddlewareOptions', () => {
  it('should list each slice’s reducerPath for both checks, and its action types for the serializable one', () => {
    const types = (slice: AnyLifecycleBroadcastSlice): ReadonlyArray<string> =>
      [...Object.values(slice.actions), ...Object.values(slice.idleActions)].map((creator) => creator.type);
    expect(lifecycleBroadcastMiddlewareOptions([broker, staging])).toEqual({
      serializableCheck: {
        ignoredPaths: ['broker', 'stagingFleet'],
        ignoredActions: [...types(broker), ...types(staging)],
      },
      immutableCheck: { ignoredPaths: ['broker', 'stagingFleet'] },
    });
    expect(lifecycleBroadcastMiddlewareOptions(broker).serializableCheck.ignoredActions).toEqual([
      'broker/backendRegistered',
      'broker/livenessSet',
      'broker/responseSet',
      'broker/backendUnregistered',
      'broker/operationBroadcast',
      'broker/operationBroadcastTo',
      'broker/backendTracked',
      'broker/activityMarked',
      'broker/dueQuiesced',
      'broker/drainingMarked',
      'broker/quiescedMarked',
      'broker/backendUntracked',
    ]);
  });

  it('should take a dotted path, for a slice nested in another combined reducer', () => {
    expect(lifecycleBroadcastMiddlewareOptions({ ...broker, reducerPath: 'outer.broker' })).toEqual({
      serializableCheck: {
        ignoredPaths: ['outer.broker'],
        ignoredActions: [...Object.values(broker.actions), ...Object.values(broker.idleActions)].map(
          (creator) => creator.type,
        ),
      },
      immutableCheck: { ignoredPaths: ['outer.broker'] },
    });
  });

  it('should give fresh arrays each time, for Redux Toolkit to keep', () => {
    const a = lifecycleBroadcastMiddlewareOptions(broker);
    const b = lifecycleBroadcastMiddlewareOptions(broker);
    expect(a.serializableCheck.ignoredPaths).not.toBe(b.serializableCheck.ignoredPaths);
    expect(a.serializableCheck.ignoredPaths).not.toBe(a.immutableCheck.ignoredPaths);
  });

  it('should keep the serializable check out of the slice state, which it otherwise walks', () => {
    expect(lookedIntoSlice()).toBe(true);
    expect(lookedIntoSlice(lifecycleBroadcastMiddlewareOptions(broker))).toBe(false);
  });

  it('should keep the checks on for the rest of the store', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { store } = storeWith(lifecycleBroadcastMiddlewareOptions(broker));
      store.dispatch(notesSlice.actions.added(new Map()));
      const messages = (error.mock.calls as ReadonlyArray<ReadonlyArray<unknown>>).map(([first]) => String(first));
      expect(messages.some((m) => m.includes('A non-serializable value was detected in an action'))).toBe(true);
      expect(messages.some((m) => m.includes('A non-serializable value was detected in the state'))).toBe(true);
      // An invalid action of the slice is the reducer's to report, with the codec's message.
      error.mockClear();
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      const fresh = storeWith(lifecycleBroadcastMiddlewareOptions(broker)).store;
      fresh.dispatch({ type: broker.actions.livenessSet.type, payload: new Map() });
      expect(error).not.toHaveBeenCalled();
      expect(warn.mock.calls).toEqual([
        [
          expect.stringContaining(
            'broker/livenessSet was rejected, nothing changed: payload.key: expected BackendKey, got nothing (missing field)',
          ),
        ],
      ]);
    } finally {
      error.mockRestore();
    }
  });

  it('should refuse, with a one-line TypeError, something that is not a slice', () => {
    const untyped = lifecycleBroadcastMiddlewareOptions as (slices: unknown) => unknown;
    expect(() => untyped(undefined)).toThrow(
      new TypeError('lifecycleBroadcastMiddlewareOptions: expected a slice (with a reducerPath), got undefined'),
    );
    expect(() => untyped([broker, {}])).toThrow(
      new TypeError(
        'lifecycleBroadcastMiddlewareOptions: expected a slice (with a reducerPath) at [1], got an object without a reducerPath',
      ),
    );
  });
});
