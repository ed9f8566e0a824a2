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

describe('createRecorderMiddleware fuzzed', () => {
  it('should record, in memory and as NDJSON, only what the reader accepts', async () => {
    const seen = { refusedAtCall: 0, dispatched: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 25 }), async (steps) => {
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
        for (const [viaCreator, { a, p }] of steps) {
          let action: unknown;
          if (viaCreator) {
            try {
              action = create(a, p);
            } catch (error: unknown) {
              expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
              seen.refusedAtCall += 1;
              continue;
            }
          } else {
            action = { type: toSliceAction(a).type, payload: p };
          }
          store.dispatch(action as never);
          seen.dispatched += 1;
        }
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
      }),
      { numRuns: 200 },
    );
    expect(seen.refusedAtCall).toBeGreaterThan(50);
    expect(seen.dispatched).toBeGreaterThan(500);
  });
});
