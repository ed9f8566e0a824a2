/**
 * liveBroadcast in real stores: Redux Toolkit's configureStore with its default middleware (the
 * thunk middleware, serializable and immutability checks), a listener, a recorder, a plain
 * Redux 5 store without thunk middleware, and a real backend process behind the socket transport.
 */
import * as path from 'node:path';

import { configureStore, createAction, createListenerMiddleware } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import { combineReducers, legacy_createStore } from 'redux';

import {
  ack,
  arraySink,
  backend,
  backendKey,
  backendRegistered,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  recordAction,
  failure,
  lifecycleBroadcastSlice,
  liveBroadcast,
  quiesceOperation,
  recordedResult,
  releaseHandlesOperation,
  replay,
  sharedInstance,
  snapshot,
  timeout,
} from '../../src';
import type { LiveBroadcast, Transport } from '../../src';
import { socketTransport } from '../../src/node';
import { hang, recordingTransport, resolveWith } from '../live/support';
import { afterThisTest, cleanUp, startExampleBackend, tempDir } from '../node/backends';
import { checksWithoutTimingWarnings } from './fixtures';

jest.setTimeout(60_000);
afterEach(cleanUp);

const key = (name: string) => backendKey(sharedInstance, name, '1.0.0', '');
const zccache = key('zccache');
const soldr = key('soldr');
const fbuild = key('fbuild');
const release = releaseHandlesOperation('/var/cache/zccache');

/** zccache acks as modelled; soldr is modelled as timing out but acks; fbuild fails. */
const transport: Transport = recordingTransport((b) =>
  b.key.serviceName === 'fbuild' ? resolveWith({ _tag: 'Failure', reason: 'Rejected' }) : resolveWith({ _tag: 'Ack' }),
).transport;

/** A store with the slice at its usual mount point and a middleware logging every action type. */
const storeWith = (...extra: ReadonlyArray<Middleware>) => {
  // Long: nothing here may time out by the policy (the listener's broadcast is cancelled instead).
  const broker = createLifecycleBroadcastSlice({ name: 'lifecycleBroadcast', policy: broadcastPolicy(60_000) });
  const seen: string[] = [];
  const log: Middleware = () => (next) => (action) => {
    seen.push((action as UnknownAction).type);
    return next(action);
  };
  const store = configureStore({
    reducer: { lifecycleBroadcast: broker.reducer },
    // The checks stay on; only their warning that they were slow on a loaded machine is pushed back.
    middleware: (getDefault) => getDefault(checksWithoutTimingWarnings).concat(log, ...extra),
  });
  store.dispatch(backendRegistered(backend(zccache, true, ack)));
  store.dispatch(backendRegistered(backend(soldr, true, timeout)));
  store.dispatch(backendRegistered(backend(fbuild, true, ack)));
  return { broker, store, seen };
};

let warn: jest.SpyInstance;
let error: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn');
  error = jest.spyOn(console, 'error');
});
afterEach(() => {
  expect([...(warn.mock.calls as unknown[]), ...(error.mock.calls as unknown[])]).toEqual([]);
  jest.restoreAllMocks();
});

describe('liveBroadcast', () => {
  it("should run through RTK's default thunk middleware and dispatch the reproducing actions as slice actions", async () => {
    const { store, seen, broker } = storeWith();
    seen.length = 0;

    const live: LiveBroadcast = await store.dispatch(liveBroadcast(broker, release, transport));

    expect(seen).toEqual([
      'lifecycleBroadcast/responseSet',
      'lifecycleBroadcast/responseSet',
      'lifecycleBroadcast/operationBroadcast',
    ]);
    const state = store.getState().lifecycleBroadcast;
    expect(state.latestResult).toEqual(live.result);
    expect(snapshot(state.registry)).toEqual(snapshot(live.state));
    expect(live.result.acks.map((a) => a.key.serviceName)).toEqual(['zccache', 'soldr']);
    expect(live.result.failures).toEqual([{ _tag: 'Failure', key: fbuild, reason: 'Rejected' }]);
  });

  it('should be recorded like any other broadcast: the recording replays to the store and verifies the live result', async () => {
    const sink = arraySink();
    const recorder = createRecorderMiddleware({ slice: lifecycleBroadcastSlice, sink });
    const { store, broker } = storeWith(recorder);

    const live = await store.dispatch(liveBroadcast(broker, quiesceOperation('Maintenance'), transport));

    const replayed = replay(broker.getInitialState().registry, sink.records.map(recordAction));
    expect(snapshot(replayed.state)).toEqual(snapshot(store.getState().lifecycleBroadcast.registry));
    const last = sink.records[sink.records.length - 1];
    expect(last === undefined ? undefined : recordedResult(last)).toEqual(live.result);
  });

  it('should read the slice where selectState says', async () => {
    const broker = createLifecycleBroadcastSlice({ name: 'lifecycleBroadcast' });
    const store = configureStore({
      reducer: { broker: broker.reducer },
      middleware: (getDefault) => getDefault(checksWithoutTimingWarnings),
    });
    store.dispatch(backendRegistered(backend(zccache, true, failure('BackendError'))));

    const live = await store.dispatch(
      liveBroadcast(broker, release, transport, {
        selectState: (root: ReturnType<typeof store.getState>) => root.broker,
      }),
    );

    expect(live.actions.map((a) => a._tag)).toEqual(['SetResponse', 'Broadcast']);
    expect(store.getState().broker.latestResult?._tag).toBe('AllAcked');
  });

  it("should run from a listener, cancelled with the listener's signal", async () => {
    const maintenanceStarted = createAction('ui/maintenanceStarted');
    const listener = createListenerMiddleware();
    const { store, broker } = storeWith(listener.middleware);
    const runs: Array<Promise<LiveBroadcast>> = [];
    const hanging = recordingTransport((b) => (b.key.serviceName === 'soldr' ? hang : resolveWith({ _tag: 'Ack' })));
    listener.startListening({
      actionCreator: maintenanceStarted,
      effect: (_action, api) => {
        const run = api.dispatch(
          liveBroadcast(broker, quiesceOperation('Maintenance'), hanging.transport, { signal: api.signal }),
        );
        runs.push(run);
        return run.then(() => undefined);
      },
    });

    store.dispatch(maintenanceStarted());
    // soldr never answers; cancel once the others have answered (at least one turn of the event
    // loop after all three were sent).
    do {
      await new Promise((r) => setTimeout(r, 5));
    } while (hanging.received.length < 3);
    listener.clearListeners();
    const live = await (runs[0] as Promise<LiveBroadcast>);

    expect(live.cancelled).toBe(true);
    expect(live.diagnostics).toEqual([{ _tag: 'Cancelled', key: soldr, sent: true }]);
    expect(store.getState().lifecycleBroadcast.latestResult).toEqual(live.result);
  });

  it("should apply the actions to the store's registry as it is when they are dispatched, keeping a replayable history", async () => {
    const { store, broker } = storeWith();
    const late = key('indexd');
    const slow = recordingTransport(() => resolveWith({ _tag: 'Ack' }, 50));

    const running = store.dispatch(liveBroadcast(broker, release, slow.transport));
    store.dispatch(backendRegistered(backend(late, true, failure('UnsupportedOperation'))));
    const live = await running;

    expect(live.result.acks.map((a) => a.key.serviceName)).toEqual(['zccache', 'soldr', 'fbuild']);
    const stored = store.getState().lifecycleBroadcast.latestResult;
    expect(stored?.acks.map((a) => a.key.serviceName)).toEqual(['zccache', 'soldr', 'fbuild']);
    expect(stored?.failures).toEqual([{ _tag: 'Failure', key: late, reason: 'UnsupportedOperation' }]);
  });

  it('should work as a plain function in a Redux 5 store without thunk middleware', async () => {
    const broker = createLifecycleBroadcastSlice({ name: 'lifecycleBroadcast' });
    const store = legacy_createStore(combineReducers({ lifecycleBroadcast: broker.reducer }));
    store.dispatch(backendRegistered(backend(zccache, true, timeout)));

    const live = await liveBroadcast(
      broker,
      release,
      transport,
    )(
      (action) => store.dispatch(action),
      () => store.getState(),
    );

    expect(store.getState().lifecycleBroadcast.latestResult).toEqual(live.result);
    expect(live.result._tag).toBe('AllAcked');
  });

  it('should reject with one line when the slice state is not where it looks', async () => {
    const store = configureStore({ reducer: { other: (s: number | undefined) => s ?? 0 } });

    await expect(store.dispatch(liveBroadcast(lifecycleBroadcastSlice, release, transport) as never)).rejects.toThrow(
      /^liveBroadcast: no lifecycleBroadcast slice state where root.lifecycleBroadcast looks \(got nothing\); mount the slice reducer there or pass selectState$/,
    );
  });

  it('should drive a real backend process through the socket transport', async () => {
    const example = await startExampleBackend(['--socket', path.join(tempDir(), 'zccache.sock')]);
    const sockets = socketTransport({ addressOf: () => example.addressOf('example') });
    afterThisTest(() => sockets.close());
    const broker = createLifecycleBroadcastSlice({ name: 'lifecycleBroadcast', policy: broadcastPolicy(5000) });
    const store = configureStore({
      reducer: { lifecycleBroadcast: broker.reducer },
      middleware: (getDefault) => getDefault(checksWithoutTimingWarnings),
    });
    store.dispatch(backendRegistered(backend(zccache, true, ack)));
    store.dispatch(backendRegistered(backend(soldr, false, ack)));

    const live = await store.dispatch(liveBroadcast(broker, quiesceOperation('BrokerShutdown'), sockets));

    expect(live.result.acks.map((a) => a.key.serviceName)).toEqual(['zccache']);
    expect(live.result.skippedDead.map((s) => s.key.serviceName)).toEqual(['soldr']);
    expect(store.getState().lifecycleBroadcast.latestResult).toEqual(live.result);
    expect(snapshot(store.getState().lifecycleBroadcast.registry)).toEqual(snapshot(live.state));
  });
});

describe('liveBroadcast on the registry of createRegistry', () => {
  it('should start from the registry the store holds, not a fresh one', async () => {
    const { store, broker } = storeWith();
    const before = store.getState().lifecycleBroadcast.registry;

    const live = await store.dispatch(liveBroadcast(broker, release, transport));

    expect(before).not.toBe(createRegistry());
    expect(live.result.acks.length + live.result.failures.length).toBe(3);
  });
});
