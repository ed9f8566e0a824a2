/**
 * A live broadcast from a Redux store: a thunk that runs `runBroadcast` on the store's current
 * registry and dispatches the actions that reproduce it, as ordinary slice actions. The reducer,
 * the selectors and the recorder then see a plain, replayable history: a `responseSet`
 * for each backend that answered otherwise than modelled, then the `operationBroadcast`.
 *
 * The thunk is typed structurally, so this module needs no Redux; Redux Toolkit's default thunk
 * middleware runs it, and so does a listener (`api.dispatch(thunk)`, or `thunk(api.dispatch,
 * api.getState)`).
 *
 * @since 0.2.0
 */
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { show } from '../internal/codec';
import type { LiveBroadcast, RunBroadcastOptions } from '../live/runBroadcast';
import { runBroadcast } from '../live/runBroadcast';
import type { Transport } from '../live/Transport';
import type { AnyLifecycleBroadcastSlice } from './slice';
import type { LifecycleBroadcastState } from './state';
import { looksLikeSliceState } from './state';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How `liveBroadcast` runs: the options of `runBroadcast`, and where the store keeps the slice.
 *
 * @since 0.2.0
 */
export interface LiveBroadcastOptions<Root> extends RunBroadcastOptions {
  /** Where the store's root state holds the slice state (default: the slice's `selectSlice`). */
  readonly selectState?: (root: Root) => LifecycleBroadcastState;
}

/**
 * The part of a store's `dispatch` the thunk uses (Redux's and Redux Toolkit's are assignable).
 *
 * @since 0.2.0
 */
export type LiveBroadcastDispatch = (action: { readonly type: string; readonly payload: unknown }) => unknown;

/**
 * The thunk `liveBroadcast` returns: give it to `dispatch` in a store with thunk middleware (it
 * resolves with the `LiveBroadcast`), or call it with `dispatch` and `getState`.
 *
 * @since 0.2.0
 */
export type LiveBroadcastThunk<Root> = (
  dispatch: LiveBroadcastDispatch,
  getState: () => Root,
) => Promise<LiveBroadcast>;

// -------------------------------------------------------------------------------------
// thunk
// -------------------------------------------------------------------------------------

/**
 * A thunk that broadcasts `operation` for real, through `transport`, to the registry `slice`
 * holds in the store when it runs, then dispatches the reproducing actions (as `slice`'s own
 * actions, through its `toSliceAction`) in one go and resolves with the `LiveBroadcast`. The
 * slice's latest result is then the live result, unless the registry changed while the broadcast
 * was out: the actions are applied to the registry as it is when they are dispatched, so the
 * store records what the model says of the answers for that registry, and stays a replayable
 * history. A cancelled run (`options.signal`) is dispatched too: the operation went out, and
 * the backends that had not answered are recorded as timed out.
 *
 * Like `runBroadcast`, it never rejects because of a backend; it rejects when the slice state is
 * not where it looks (a `TypeError`), or for an invalid argument.
 *
 * @example
 * import { configureStore } from '@reduxjs/toolkit'
 * import { ackOutcome, lifecycleBroadcastSlice, liveBroadcast, quiesceOperation } from 'lifecycle-broadcast'
 * import type { Transport } from 'lifecycle-broadcast'
 *
 * const transport: Transport = async () => ackOutcome
 * const store = configureStore({ reducer: { lifecycleBroadcast: lifecycleBroadcastSlice.reducer } })
 * const live = await store.dispatch(liveBroadcast(lifecycleBroadcastSlice, quiesceOperation('Maintenance'), transport))
 * // store.getState().lifecycleBroadcast.latestResult equals live.result
 *
 * @since 0.2.0
 */
export const liveBroadcast = <Root>(
  slice: AnyLifecycleBroadcastSlice,
  operation: BroadcastOperation,
  transport: Transport,
  options: LiveBroadcastOptions<Root> = {},
): LiveBroadcastThunk<Root> => {
  const { selectState, ...runOptions } = options;
  const select: (root: Root) => unknown = selectState ?? (slice.selectSlice as (root: Root) => unknown);
  return async (dispatch, getState) => {
    let state: unknown;
    try {
      state = select(getState());
    } catch {
      state = undefined;
    }
    if (!looksLikeSliceState(state)) {
      throw new TypeError(
        `liveBroadcast: no ${slice.name} slice state where ${
          selectState === undefined ? `root.${slice.reducerPath}` : 'options.selectState'
        } looks (got ${show(state)}); mount the slice reducer there or pass selectState`,
      );
    }
    const live = await runBroadcast(state.registry, operation, transport, runOptions);
    for (const action of live.actions) {
      dispatch(slice.toSliceAction(action));
    }
    return live;
  };
};
