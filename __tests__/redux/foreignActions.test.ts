/**
 * A slice of another name does not apply the default slice's actions (`lifecycleBroadcast/...`,
 * from the root-level creators): it leaves its state as it was and, in development, says so once
 * per action type, naming itself, the action type and the creator that would reach it.
 */
import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { combineReducers, legacy_createStore } from 'redux';

import {
  backendRegistered,
  createLifecycleBroadcastSlice,
  lifecycleBroadcastSlice,
  liveBackend,
  livenessSet,
} from '../../src';
import { zccache } from './fixtures';

/** The library's warnings (Redux Toolkit's own checks may warn that they took long under load). */
const warnings = (spy: jest.SpyInstance): ReadonlyArray<string> =>
  (spy.mock.calls as ReadonlyArray<ReadonlyArray<unknown>>)
    .map((c) => String(c[0]))
    .filter((m) => m.startsWith('lifecycle-broadcast:'));

describe('a slice given the default slice actions', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it('should leave its state as it was and warn once per action type in a Redux Toolkit store', () => {
    const broker = createLifecycleBroadcastSlice({ name: 'broker' });
    const store = configureStore({ reducer: combineSlices(broker) });
    const before = store.getState().broker;
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(livenessSet(zccache, false));
    expect(store.getState().broker).toBe(before);
    expect(warnings(warn)).toEqual([
      'lifecycle-broadcast: the slice "broker" ignored lifecycleBroadcast/backendRegistered, an action of the slice named "lifecycleBroadcast": dispatch broker.actions.backendRegistered(...) to reach it',
      'lifecycle-broadcast: the slice "broker" ignored lifecycleBroadcast/livenessSet, an action of the slice named "lifecycleBroadcast": dispatch broker.actions.livenessSet(...) to reach it',
    ]);
  });

  it('should apply its own actions without a word in a plain Redux store', () => {
    const broker = createLifecycleBroadcastSlice({ name: 'broker' });
    const store = legacy_createStore(combineReducers({ broker: broker.reducer }));
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(liveBackend(zccache)));
    expect(broker.selectors.selectCounts(store.getState()).registered).toBe(1);
    expect(warnings(warn)).toEqual([
      'lifecycle-broadcast: the slice "broker" ignored lifecycleBroadcast/backendRegistered, an action of the slice named "lifecycleBroadcast": dispatch broker.actions.backendRegistered(...) to reach it',
    ]);
  });

  it('should say nothing for the default slice, nor for actions of no lifecycle slice', () => {
    const broker = createLifecycleBroadcastSlice({ name: 'broker' });
    const store = configureStore({ reducer: combineSlices(lifecycleBroadcastSlice, broker) });
    store.dispatch(broker.actions.backendRegistered(liveBackend(zccache)));
    store.dispatch({ type: 'app/started' });
    store.dispatch({ type: 'lifecycleBroadcast/somethingElse' });
    expect(lifecycleBroadcastSlice.selectors.selectCounts(store.getState()).registered).toBe(0);
    expect(warnings(warn)).toEqual([]);
  });

  it('should say nothing in production', () => {
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const broker = createLifecycleBroadcastSlice({ name: 'broker' });
      const store = configureStore({ reducer: combineSlices(broker) });
      store.dispatch(backendRegistered(liveBackend(zccache)));
      expect(warnings(warn)).toEqual([]);
    } finally {
      process.env.NODE_ENV = env;
    }
  });
});
