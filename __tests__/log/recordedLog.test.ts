/**
 * The Redux recorder writes operation logs: what it records through `streamSink` is read back by
 * the log reader and replays, verified, to the store's registry.
 */
import { configureStore } from '@reduxjs/toolkit';
import * as fc from 'fast-check';

import type { LifecycleBroadcastState } from '../../src';
import {
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  replayLog,
  snapshot,
  streamSink,
  toSliceAction,
} from '../../src';
import { actionsArb } from '../support/logArbitraries';
import { collector, readableOf } from '../support/streams';

describe('streamSink', () => {
  it('should write a log that replays, verified, to the registry of the store', async () => {
    await fc.assert(
      fc.asyncProperty(actionsArb, async (actions) => {
        const sink = collector();
        const broker = createLifecycleBroadcastSlice({ policy: broadcastPolicy(250) });
        const store = configureStore({
          reducer: { broker: broker.reducer },
          middleware: (getDefault) =>
            getDefault({ serializableCheck: false, immutableCheck: false }).concat(
              createRecorderMiddleware({
                sink: streamSink(sink),
                selectState: (root: { readonly broker: LifecycleBroadcastState }) => root.broker,
              }),
            ),
        });
        for (const action of actions) {
          store.dispatch(toSliceAction(action));
        }
        const r = await replayLog(readableOf(sink.text()), { verify: true });
        expect(r.invalidLines).toBe(0);
        expect(r.divergences).toBe(0);
        expect(r.checked).toBe(actions.filter((a) => a._tag === 'Broadcast').length);
        expect(snapshot(r.state)).toEqual(snapshot(store.getState().broker.registry));
      }),
      { numRuns: 30 },
    );
  });
});
