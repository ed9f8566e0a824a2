/**
 * The Redux recorder writes operation logs: what it records through `streamSink` is read back by
 * the log reader and replays, verified, to the store's registry.
 */
import { configureStore } from '@reduxjs/toolkit';
import * as fc from 'fast-check';

import {
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  replayLog,
  snapshot,
  streamSink,
} from '../../src';
import { actionsArb } from '../support/logArbitraries';
import { collector, readableOf } from '../support/streams';

describe('streamSink', () => {
  it('should write a log that replays, verified, to the registry of the store', async () => {
    await fc.assert(
      fc.asyncProperty(actionsArb, async (actions) => {
        const sink = collector();
        const broker = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(250) });
        const store = configureStore({
          reducer: { broker: broker.reducer },
          middleware: (getDefault) =>
            getDefault({ serializableCheck: false, immutableCheck: false }).concat(
              createRecorderMiddleware({ slice: broker, sink: streamSink(sink) }),
            ),
        });
        for (const action of actions) {
          store.dispatch(broker.toSliceAction(action));
        }
        const r = await replayLog(readableOf(sink.text()), { verify: true });
        expect(r.invalidLines).toBe(0);
        expect(r.divergences).toBe(0);
        expect(r.checked).toBe(actions.filter((a) => a._tag === 'Broadcast' || a._tag === 'BroadcastTo').length);
        expect(snapshot(r.state)).toEqual(snapshot(store.getState().broker.registry));
      }),
      { numRuns: 30 },
    );
  });
});
