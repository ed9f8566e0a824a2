import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { configureStore } from '@reduxjs/toolkit';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';
import type { UnknownAction } from 'redux';

import {
  BroadcastPolicy,
  LogEntry,
  arraySink,
  backendLivenessChanged,
  backendRegistered,
  broadcastPolicy,
  broadcastRequested,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  deadBackend,
  decode,
  liveBackend,
  quiesceOperation,
  recordedResult,
  replay,
  snapshot,
  streamSink,
} from '../../src';
import type { LifecycleBroadcastSlice, LifecycleBroadcastState, RecorderSink, Registry } from '../../src';
import {
  actionsOf,
  checksWithoutTimingWarnings,
  decodeEntries,
  expectRight,
  fbuild,
  scenario,
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

const storeWith = (sink: RecorderSink, broker: LifecycleBroadcastSlice = createLifecycleBroadcastSlice({ policy })) =>
  legacy_createStore(
    combineReducers({ broker: broker.reducer, clicks }),
    applyMiddleware(createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker })),
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
    expect(sink.entries).toEqual([]);
    const store = storeWith(sink);
    expect(sink.initial).toBe(registryOf(store.getState()));
    scenario.forEach((action) => store.dispatch(action));
    expect(sink.entries).toHaveLength(scenario.length);
    expect(unfrozenPaths(sink.entries)).toEqual([]);
    expect(sink.entries).toBe(sink.entries);
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
    expect(actionsOf(decodeEntries(sink.entries))).toEqual(scenarioActions);
    expect(JSON.parse(JSON.stringify(sink.entries))).toEqual(sink.entries);
  });

  it('should hand out entries equal to their encoding with the LogEntry codec, field order included', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    scenario.forEach((action) => store.dispatch(action));
    for (const entry of sink.entries) {
      const encoded = LogEntry.encode(expectRight(decode(LogEntry, entry)));
      expect(entry).toEqual(encoded);
      expect(JSON.stringify(entry)).toBe(JSON.stringify(encoded));
    }
  });

  it('should record each broadcast with the result the store computed', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    scenario.forEach((action) => store.dispatch(action));
    expectReplayMatches(sink.initial as Registry, sink.entries, store.getState());
  });

  it('should replay to the store’s registry (array sink, Redux Toolkit store)', () => {
    const sink = arraySink();
    const broker = createLifecycleBroadcastSlice({ policy });
    const store = configureStore({
      reducer: { broker: broker.reducer, clicks },
      middleware: (getDefault) =>
        getDefault(checksWithoutTimingWarnings).concat(
          createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker }),
        ),
    });
    scenario.forEach((action) => store.dispatch(action));
    expectReplayMatches(createRegistry(policy), sink.entries, store.getState());
  });

  it('should record nothing for other actions, nor for actions the reducer rejects', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    store.dispatch({ type: 'clicked' });
    store.dispatch({ type: backendRegistered.type, payload: { backend: 'zccache' } });
    expect(store.getState().broker.lastEvent?._tag).toBe('ActionRejected');
    expect(sink.entries).toEqual([]);
  });

  it('should record actions naming an unknown key, which replay to the same outcome', () => {
    const sink = arraySink();
    const store = storeWith(sink);
    store.dispatch(backendLivenessChanged(zccache, true));
    expect(store.getState().broker.lastEvent?._tag).toBe('KeyNotFound');
    expect(actionsOf(decodeEntries(sink.entries))).toEqual([{ _tag: 'SetLive', key: zccache, live: true }]);
  });

  it('should start from a preloaded registry, which the array sink keeps', () => {
    const broker = createLifecycleBroadcastSlice({ policy });
    const preloaded = [
      backendRegistered(liveBackend(zccache)),
      broadcastRequested(quiesceOperation('Maintenance')),
    ].reduce(broker.reducer, broker.getInitialState());
    const sink = arraySink();
    const store = legacy_createStore(
      combineReducers({ broker: broker.reducer, clicks }),
      { broker: preloaded, clicks: 0 },
      applyMiddleware(createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker })),
    );
    store.dispatch(backendRegistered(deadBackend(fbuild)));
    store.dispatch(broadcastRequested(quiesceOperation('BrokerShutdown')));
    expect(sink.initial).toBe(preloaded.registry);
    const replayed = replay(sink.initial as Registry, actionsOf(decodeEntries(sink.entries)));
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
        store.dispatch(backendLivenessChanged(soldr, false));
      }
    });
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(backendRegistered(liveBackend(soldr)));
    store.dispatch(broadcastRequested(quiesceOperation('IdleTimeout')));
    store.dispatch(broadcastRequested(quiesceOperation('Maintenance')));
    expect(actionsOf(decodeEntries(sink.entries)).map((a) => a._tag)).toEqual([
      'Register',
      'Register',
      'Broadcast',
      'SetLive',
      'Broadcast',
      'SetLive',
    ]);
    expectReplayMatches(sink.initial as Registry, sink.entries, store.getState());
  });

  it('should refuse, when attached, a selectState that does not find the slice', () => {
    const sink = arraySink();
    const broker = createLifecycleBroadcastSlice();
    const attach = () =>
      legacy_createStore(
        combineReducers({ broker: broker.reducer, clicks }),
        applyMiddleware(
          createRecorderMiddleware({
            sink,
            selectState: (root: RootState) =>
              (root as unknown as { readonly lifecycleBroadcast: LifecycleBroadcastState }).lifecycleBroadcast,
          }),
        ),
      );
    expect(attach).toThrow(
      'createRecorderMiddleware: selectState did not find the lifecycle-broadcast slice state in the store (got nothing); mount the slice reducer and select where it is mounted',
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
    expect(header).toEqual({ format: 'lifecycle-broadcast-log', version: 2, policy: { ackTimeoutMs: 250 } });
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
    const broker = createLifecycleBroadcastSlice();
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
        applyMiddleware(createRecorderMiddleware({ sink, selectState: (root: RootState) => root.broker })),
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
