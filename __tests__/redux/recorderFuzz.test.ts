/**
 * The recorder never records what the reader rejects. A store is sent anything (valid actions,
 * and the same with one part of the payload replaced by what plain JavaScript may pass, also
 * through the action creators): the creators either throw at the call (a `TypeError` or
 * `RangeError`) or build an action; dispatching never throws; and every line a `streamSink`
 * wrote is one the reader accepts, replaying to the store's registry.
 */
import * as fc from 'fast-check';
import { applyMiddleware, combineReducers, legacy_createStore } from 'redux';

import type { LifecycleBroadcastState, RegistryAction } from '../../src';
import {
  LogRecord,
  arraySink,
  createRecorderMiddleware,
  createRegistry,
  lifecycleBroadcastActions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  readLog,
  recordAction,
  replay,
  replayLog,
  snapshot,
  streamSink,
  toSliceAction,
} from '../../src';
import { registryActionArbitrary } from '../../src/arbitraries';
import { maybeHostile } from '../support/hostile';
import { collect, collector } from '../support/streams';

interface Root {
  readonly lifecycleBroadcast: LifecycleBroadcastState;
}

const fieldsOf = (a: RegistryAction): Record<string, unknown> =>
  Object.fromEntries(Object.entries(a).filter(([k]) => k !== '_tag'));

/** The creator of each kind of action, called with the payload's fields as its arguments. */
const create = (a: RegistryAction, p: Record<string, unknown>): unknown => {
  const { backendRegistered, livenessSet, responseSet, backendUnregistered, operationBroadcast, operationBroadcastTo } =
    lifecycleBroadcastActions;
  switch (a._tag) {
    case 'Register':
      return backendRegistered(p.backend as never);
    case 'SetLive':
      return livenessSet(p.key as never, p.live as never);
    case 'SetResponse':
      return responseSet(p.key as never, p.response as never);
    case 'Unregister':
      return backendUnregistered(p.key as never);
    case 'Broadcast':
      return operationBroadcast(p.operation as never);
    case 'BroadcastTo':
      return operationBroadcastTo(p.operation as never, p.keys as never);
  }
};

const stepArb = fc.tuple(
  fc.boolean(),
  registryActionArbitrary({ names: 'any' }).chain((a) =>
    maybeHostile(fc.constant(fieldsOf(a))).map((p) => ({ a, p: p as Record<string, unknown> })),
  ),
);

/** A store recording in memory and, through a `streamSink`, as NDJSON. */
const recordingStore = () => {
  const memory = arraySink();
  const out = collector();
  const selectState = (root: Root): LifecycleBroadcastState => root.lifecycleBroadcast;
  const store = legacy_createStore(
    combineReducers({ lifecycleBroadcast: lifecycleBroadcastReducer }),
    applyMiddleware(
      createRecorderMiddleware({ slice: lifecycleBroadcastSlice, sink: memory, selectState }),
      createRecorderMiddleware({ slice: lifecycleBroadcastSlice, sink: streamSink(out), selectState }),
    ),
  );
  return { store, memory, out };
};

/** What the store recorded is what the reader accepts and replays to the store's registry. */
const expectRecordedFaithfully = async ({ store, memory, out }: ReturnType<typeof recordingStore>): Promise<void> => {
  const registry = store.getState().lifecycleBroadcast.registry;
  // In memory: records of the codec, replaying to the store's registry.
  expect(memory.records.every((r) => LogRecord.is(r))).toBe(true);
  expect(snapshot(replay(createRegistry(), memory.records.map(recordAction)).state)).toEqual(snapshot(registry));
  // As NDJSON: a log the reader accepts line by line, which replays to the same registry.
  const text = out.text();
  const lines = await collect(readLog([text]));
  expect(lines.filter((l) => l._tag !== 'HeaderLine' && l._tag !== 'RecordLine')).toEqual([]);
  const r = await replayLog([text], { verify: true });
  expect(r.divergences).toBe(0);
  expect(snapshot(r.state)).toEqual(snapshot(registry));
};

/** The slice's development warning of a rejected action is captured by every test here. */
let warn: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  warn.mockRestore();
});

/**
 * Dispatch `action` and check the warning: one line saying what was rejected and why when the
 * slice rejected it, none otherwise.
 */
const dispatchChecked = (store: ReturnType<typeof recordingStore>['store'], action: unknown): void => {
  const before = warn.mock.calls.length;
  store.dispatch(action as never);
  const event = store.getState().lifecycleBroadcast.lastEvent;
  if (event?._tag === 'ActionRejected') {
    expect(warn.mock.calls.slice(before)).toEqual([
      [`lifecycle-broadcast: ${event.type} was rejected, nothing changed: ${event.errors.join('; ')}`],
    ]);
    // One line, whatever the payload held.
    expect(event.errors.join('; ')).not.toMatch(/[\n\r]/);
  } else {
    expect(warn.mock.calls.length).toBe(before);
  }
};

describe('createRecorderMiddleware fuzzed', () => {
  it('should record, in memory and as NDJSON, only what the reader accepts, and warn once of each action it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 25 }), async (steps) => {
        const recording = recordingStore();
        for (const [viaCreator, { a, p }] of steps) {
          let action: unknown;
          if (viaCreator) {
            try {
              action = create(a, p);
            } catch (error: unknown) {
              expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
              continue;
            }
          } else {
            action = { type: toSliceAction(a).type, payload: p };
          }
          dispatchChecked(recording.store, action);
        }
        await expectRecordedFaithfully(recording);
      }),
      { numRuns: 200 },
    );
  });

  it('should record every valid action, made by its creator or as a plain action, and warn of none', async () => {
    const validStep = fc.tuple(fc.boolean(), registryActionArbitrary({ names: 'any' }));
    await fc.assert(
      fc.asyncProperty(fc.array(validStep, { maxLength: 25 }), async (steps) => {
        const recording = recordingStore();
        for (const [viaCreator, a] of steps) {
          recording.store.dispatch(
            (viaCreator ? create(a, fieldsOf(a)) : { type: toSliceAction(a).type, payload: fieldsOf(a) }) as never,
          );
        }
        expect(recording.memory.records).toHaveLength(steps.length);
        expect(warn).not.toHaveBeenCalled();
        await expectRecordedFaithfully(recording);
      }),
      { numRuns: 50 },
    );
  });

  it("should refuse a payload with a part no codec accepts at the creator's call, and as a plain action reject it with one warning, recording nothing", async () => {
    // Every field of every payload is an object, an array or a boolean: none of them may be null.
    const refusedArb = registryActionArbitrary({ names: 'any' }).chain((a) =>
      fc.constantFrom(...Object.keys(fieldsOf(a))).map((field) => ({ a, p: { ...fieldsOf(a), [field]: null } })),
    );
    await fc.assert(
      fc.asyncProperty(refusedArb, async ({ a, p }) => {
        warn.mockClear();
        const recording = recordingStore();
        let thrown: unknown = 'nothing';
        try {
          create(a, p);
        } catch (error: unknown) {
          thrown = error;
        }
        expect(thrown instanceof TypeError || thrown instanceof RangeError).toBe(true);
        dispatchChecked(recording.store, { type: toSliceAction(a).type, payload: p });
        expect(recording.store.getState().lifecycleBroadcast.lastEvent?._tag).toBe('ActionRejected');
        expect(warn).toHaveBeenCalledTimes(1);
        expect(recording.memory.records).toEqual([]);
        await expectRecordedFaithfully(recording);
      }),
      { numRuns: 50 },
    );
  });
});
