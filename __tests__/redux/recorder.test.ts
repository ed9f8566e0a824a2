import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { configureStore } from '@reduxjs/toolkit';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';
import type { Middleware, UnknownAction } from 'redux';

import {
  BroadcastPolicy,
  LogRecord,
  arraySink,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  deadBackend,
  liveBackend,
  quiesceOperation,
  recordedResult,
  replay,
  snapshot,
  streamSink,
} from '../../src';
import { decode } from '../../src/internal/codec';
import * as RegistryModule from '../../src/registry/Registry';
import type { LifecycleBroadcastSlice, LifecycleBroadcastState, RecorderSink, Registry } from '../../src';
import {
  actionsOf,
  checksWithoutTimingWarnings,
  decodeEntries,
  expectRight,
  fbuild,
  scenarioActions,
  soldr,
  unfrozenPaths,
  zccache,
} from './fixtures';

const policy = broadcastPolicy(250);

interface RootState {
  readonly broker: LifecycleBroadcastState;
  readonly clicks: number;
}

const clicks = (state = 0, action: UnknownAction): number => (action.type === 'clicked' ? state + 1 : state);

/** A slice holds no state of its own: one serves every store of these specifications. */
const broker: LifecycleBroadcastSlice<'broker'> = createLifecycleBroadcastSlice({ name: 'broker', policy });
const { backendRegistered, livenessSet, operationBroadcast } = broker.actions;

/** The shared scenario, as actions of this slice. */
const scenario = scenarioActions.map(broker.toSliceAction);

const storeWith = (sink: RecorderSink) =>
  legacy_createStore(
    combineReducers({ broker: broker.reducer, clicks }),
    applyMiddleware(createRecorderMiddleware({ slice: broker, sink })),
  );

const registryOf = (root: RootState): Registry => root.broker.registry;

/** Split NDJSON text into parsed lines. */
const parseLines = (text: string): ReadonlyArray<unknown> =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

/** Check that replaying `entries` from `initial` gives the store's registry and results. */
const expectReplayMatches = (initial: Registry, entries: ReadonlyArray<unknown>, root: RootState): void => {
  const decoded = decodeEntries(entries);
  const replayed = replay(initial, actionsOf(decoded));
  expect(snapshot(replayed.state)).toEqual(snapshot(registryOf(root)));
  const recomputed = replayed.events.flatMap((e) => (e._tag === 'OperationBroadcast' ? [e.result] : []));
  const recorded = decoded.flatMap((entry) => {
    const result = recordedResult(entry);
    return result === undefined ? [] : [result];
  });
  expect(recorded).toEqual(recomputed);
  expect(recorded).toEqual(root.broker.recentResults);
};

describe('arraySink', () => {
  it('should start empty, then hold the starting registry and every entry, frozen', () => {
    const sink = arraySink();
    expect(sink.initial).toBeNull();
    expect(sink.records).toEqual([]);
    const store = storeWith(sink);
    expect(sink.initial).toBe(registryOf(store.getState()));
    scenario.forEach((action) => store.dispatch(action));
    expect(sink.records).toHaveLength(scenario.length);
    expect(unfrozenPaths(sink.records)).toEqual([]);
    expect(sink.records).toBe(sink.records);
  });

  it('should refuse to record a second store', () => {
    const sink = arraySink();
    storeWith(sink);
    expect(() => storeWith(sink)).toThrow('arraySink: already recording a store; give each store its own sink');
  });
});

describe('createRecorderMiddleware', () => {
  it('should record every registry action, in order, as codec-encoded entries', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    scenario.forEach((action) => store.dispatch(action));
    expect(actionsOf(decodeEntries(sink.records))).toEqual(scenarioActions);
    expect(JSON.parse(JSON.stringify(sink.records))).toEqual(sink.records);
  });

  it('should hand out entries equal to their encoding with the LogRecord codec, field order included', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    scenario.forEach((action) => store.dispatch(action));
    for (const entry of sink.records) {
      const encoded = LogRecord.encode(expectRight(decode(LogRecord, entry)));
      expect(entry).toEqual(encoded);
      expect(JSON.stringify(entry)).toBe(JSON.stringify(encoded));
    }
  });

  it('should record each broadcast with the result the store computed', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    scenario.forEach((action) => store.dispatch(action));
    expectReplayMatches(sink.initial as Registry, sink.records, store.getState());
  });

  it('should replay to the store’s registry (array sink, Redux Toolkit store)', () => {
    const sink = arraySink();
    const store = configureStore({
      reducer: { broker: broker.reducer, clicks },
      middleware: (getDefault) =>
        getDefault(checksWithoutTimingWarnings).concat(
          createRecorderMiddleware({ slice: broker, sink, selectState: (root: RootState) => root.broker }),
        ),
    });
    scenario.forEach((action) => store.dispatch(action));
    expectReplayMatches(createRegistry(policy), sink.records, store.getState());
  });

  it('should record nothing for other actions, nor for actions the reducer rejects', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const sink = arraySink();
      const store = storeWith(sink);
      store.dispatch({ type: 'clicked' });
      store.dispatch({ type: backendRegistered.type, payload: { backend: 'zccache' } });
      expect(store.getState().broker.lastEvent?._tag).toBe('ActionRejected');
      expect(sink.records).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('should record nothing for an action of another slice, even one of the same shape', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    const other = createLifecycleBroadcastSlice({ name: 'other' });
    store.dispatch(other.actions.backendRegistered(liveBackend(zccache)));
    expect(sink.records).toEqual([]);
  });

  it('should hand out the result the reducer computed, not a second computation of it', () => {
    // The registry's one computation of a broadcast, which `step` and `broadcast` both call.
    const computed = jest.spyOn(RegistryModule, 'broadcastChecked');
    try {
      const sink = arraySink();
      const store = storeWith(sink);
      scenario.forEach((action) => {
        store.dispatch(action);
        const last = sink.records[sink.records.length - 1];
        if (last?._tag === 'Broadcast') {
          expect(last.result).toBe(store.getState().broker.latestResult);
        }
      });
      const broadcasts = scenario.filter((action) => operationBroadcast.match(action)).length;
      expect(broadcasts).toBeGreaterThan(1);
      expect(computed).toHaveBeenCalledTimes(broadcasts);
    } finally {
      computed.mockRestore();
    }
  });

  it('should record nothing when the store did not apply the action (another reducer threw)', () => {
    const sink = arraySink();
    const failing = (state = 0, action: UnknownAction): number => {
      if (livenessSet.match(action) && action.payload.key.serviceName === 'soldr') {
        throw new Error('failing reducer');
      }
      return state;
    };
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, failing }),
      applyMiddleware(createRecorderMiddleware({ slice: broker, sink })),
    );
    store.dispatch(backendRegistered(liveBackend(soldr)));
    expect(() => store.dispatch(livenessSet(soldr, false))).toThrow('failing reducer');
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(actionsOf(decodeEntries(sink.records)).map((a) => a._tag)).toEqual(['Register', 'Broadcast']);
    expectReplayMatches(createRegistry(policy), sink.records, { broker: store.getState().broker, clicks: 0 });
  });

  it('should lose no record when a middleware after it dispatches (it belongs last, where this cannot happen)', () => {
    const sink = arraySink();
    // Dispatches a liveness change ahead of every broadcast it sees, before passing it on.
    const meddler: Middleware<object, RootState> = (api) => (next) => (action) => {
      if (operationBroadcast.match(action)) {
        api.dispatch(livenessSet(soldr, false));
      }
      return next(action);
    };
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, clicks }),
      applyMiddleware(createRecorderMiddleware({ slice: broker, sink }), meddler),
    );
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(liveBackend(soldr)));
    store.dispatch(operationBroadcast(quiesceOperation('IdleTimeout')));
    const recorded = actionsOf(decodeEntries(sink.records));
    expect(recorded.map((a) => a._tag).sort()).toEqual(['Broadcast', 'Register', 'Register', 'SetLive']);
  });

  it('should read the slice at its reducerPath when no selectState is given', () => {
    const sink = arraySink();
    const fleet = createLifecycleBroadcastSlice({ name: 'broker', reducerPath: 'fleet', policy });
    const store = legacy_createStore(
      combineReducers({ fleet: fleet.reducer, clicks }),
      applyMiddleware(createRecorderMiddleware({ slice: fleet, sink })),
    );
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(sink.initial).toBe(fleet.getInitialState().registry);
    expect(sink.records).toHaveLength(2);
    expectReplayMatches(createRegistry(policy), sink.records, { broker: store.getState().fleet, clicks: 0 });
  });

  it('should record actions naming an unknown key, which replay to the same outcome', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    store.dispatch(livenessSet(zccache, true));
    expect(store.getState().broker.lastEvent?._tag).toBe('KeyNotFound');
    expect(actionsOf(decodeEntries(sink.records))).toEqual([{ _tag: 'SetLive', key: zccache, live: true }]);
  });

  it('should start from a preloaded registry, which the array sink keeps', () => {
    const preloaded = [
      backendRegistered(liveBackend(zccache)),
      operationBroadcast(quiesceOperation('Maintenance')),
    ].reduce(broker.reducer, broker.getInitialState());
    const sink = arraySink();
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, clicks }),
      { broker: preloaded, clicks: 0 },
      applyMiddleware(createRecorderMiddleware({ slice: broker, sink, selectState: (root: RootState) => root.broker })),
    );
    store.dispatch(backendRegistered(deadBackend(fbuild)));
    store.dispatch(operationBroadcast(quiesceOperation('BrokerShutdown')));
    expect(sink.initial).toBe(preloaded.registry);
    const replayed = replay(sink.initial as Registry, actionsOf(decodeEntries(sink.records)));
    expect(snapshot(replayed.state)).toEqual(snapshot(registryOf(store.getState())));
  });

  it('should keep the order the reducer applies actions in when a subscriber dispatches', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    // Whenever a broadcast has just been applied, the subscriber marks soldr dead, from inside
    // the dispatch: its action reaches the reducer after the broadcast and must be recorded so.
    store.subscribe(() => {
      const event = store.getState().broker.lastEvent;
      if (event?._tag === 'OperationBroadcast' && event.result.operation._tag === 'Quiesce') {
        store.dispatch(livenessSet(soldr, false));
      }
    });
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(liveBackend(soldr)));
    store.dispatch(operationBroadcast(quiesceOperation('IdleTimeout')));
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(actionsOf(decodeEntries(sink.records)).map((a) => a._tag)).toEqual([
      'Register',
      'Register',
      'Broadcast',
      'SetLive',
      'Broadcast',
      'SetLive',
    ]);
    expectReplayMatches(sink.initial as Registry, sink.records, store.getState());
  });

  it('should refuse, when attached, a selectState that does not find the slice', () => {
    const sink = arraySink();
    const attach = () =>
      legacy_createStore(
        combineReducers({ broker: broker.reducer, clicks }),
        applyMiddleware(
          createRecorderMiddleware({
            slice: broker,
            sink,
            selectState: (root: RootState) =>
              (root as unknown as { readonly lifecycleBroadcast: LifecycleBroadcastState }).lifecycleBroadcast,
          }),
        ),
      );
    expect(attach).toThrow(
      'createRecorderMiddleware: selectState did not find the broker slice state in the store (got nothing); mount the slice reducer and select where it is mounted',
    );
  });
});

describe('streamSink', () => {
  const collect = (stream: PassThrough): (() => string) => {
    const chunks: string[] = [];
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => chunks.push(chunk));
    return () => chunks.join('');
  };

  it('should write the log header, then one encoded entry per line', () => {
    const stream = new PassThrough();
    const text = collect(stream);
    const store = storeWith(streamSink(stream));
    scenario.forEach((action) => store.dispatch(action));
    const [header, ...entries] = parseLines(text());
    expect(header).toEqual({ format: 'lifecycle-broadcast-log', version: 3, policy: { ackTimeoutMs: 250 } });
    expect(entries).toHaveLength(scenario.length);
    expect(text().endsWith('\n')).toBe(true);
    expectReplayMatches(createRegistry(policy), entries, store.getState());
  });

  it('should write entries only when asked for no header', () => {
    const stream = new PassThrough();
    const text = collect(stream);
    const store = storeWith(streamSink(stream, { header: false }));
    scenario.forEach((action) => store.dispatch(action));
    const lines = parseLines(text());
    expect(lines).toHaveLength(scenario.length);
    expectReplayMatches(createRegistry(policy), lines, store.getState());
  });

  it('should write a file that replays to the store’s registry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-broadcast-'));
    try {
      const path = join(dir, 'broker.ndjson');
      const file = createWriteStream(path);
      const store = storeWith(streamSink(file));
      scenario.forEach((action) => store.dispatch(action));
      file.end();
      await finished(file);
      const [header, ...entries] = parseLines(readFileSync(path, 'utf8'));
      const headerPolicy = expectRight(decode(BroadcastPolicy, (header as { readonly policy: unknown }).policy));
      expectReplayMatches(createRegistry(headerPolicy), entries, store.getState());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should refuse to start from a registry that already holds backends', () => {
    const preloaded = broker.reducer(undefined, backendRegistered(liveBackend(zccache)));
    const written: string[] = [];
    const sink = streamSink(
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          written.push(chunk.toString());
          done();
        },
      }),
    );
    expect(() =>
      legacy_createStore(
        combineReducers({ broker: broker.reducer, clicks }),
        { broker: preloaded, clicks: 0 },
        applyMiddleware(
          createRecorderMiddleware({ slice: broker, sink, selectState: (root: RootState) => root.broker }),
        ),
      ),
    ).toThrow(
      'streamSink: a log starts from an empty registry, but the store already holds 1 backend(s); attach the recorder before registering any, or use arraySink, which keeps the starting registry',
    );
    expect(written).toEqual([]);
  });

  it('should refuse to record a second store', () => {
    const sink = streamSink(new PassThrough());
    storeWith(sink);
    expect(() => storeWith(sink)).toThrow('streamSink: already recording a store; give each store its own sink');
  });
});
