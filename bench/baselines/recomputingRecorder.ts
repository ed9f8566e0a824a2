/**
 * Baseline: the recorder as it was, writing each record before the action reaches the reducer
 * and computing each broadcast's result a second time, from the registry the reducer is about
 * to see (instead of reading the result the reducer stored).
 */
import * as E from 'fp-ts/Either';

import { broadcast, logRecord } from '../../src';
import type { LifecycleBroadcastSlice, LifecycleBroadcastState, RecorderMiddleware, RecorderSink } from '../../src';

export const recomputingRecorder =
  <N extends string, P extends string, Root>(
    slice: LifecycleBroadcastSlice<N, P>,
    sink: RecorderSink,
    selectState: (root: Root) => LifecycleBroadcastState,
  ): RecorderMiddleware<Root> =>
  (api) => {
    sink.start(selectState(api.getState()).registry);
    return (next) => (action) => {
      if (slice.isAction(action)) {
        const decoded = slice.decodeRegistryAction(action);
        if (E.isRight(decoded)) {
          const a = decoded.right;
          const result =
            a._tag === 'Broadcast' ? broadcast(selectState(api.getState()).registry, a.operation).result : undefined;
          sink.write(logRecord(a, result));
        }
      }
      return next(action);
    };
  };
