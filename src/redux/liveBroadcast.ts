/**
 * A live broadcast from a Redux store: a thunk that runs `runBroadcast` on the store's current
 * registry and dispatches the actions that reproduce it, as ordinary slice actions. The reducer,
 * the selectors and the recorder then see a plain, replayable history: a `backendResponseChanged`
 * for each backend that answered otherwise than modelled, then the `broadcastRequested`.
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
import type { LifecycleBroadcastAction, LifecycleBroadcastState } from './slice';
import { toSliceAction } from './slice';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How `liveBroadcast` runs: the options of `runBroadcast`, and where the store keeps the slice.
 *
 * @since 0.2.0
 */
export interface LiveBroadcastOptions<Root> extends RunBroadcastOptions {
  /**
   * Where the store's root state holds the slice state (default: `root.lifecycleBroadcast`, the
   * slice's usual mount point).
   */
  readonly selectState?: (root: Root) => LifecycleBroadcastState;
}

/**
 * The part of a store's `dispatch` the thunk uses (Redux's and Redux Toolkit's are assignable).
 *
 * @since 0.2.0
 */
export type LiveBroadcastDispatch = (action: LifecycleBroadcastAction) => unknown;

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

/**
 * The root state of a store with the slice at its usual mount point, `lifecycleBroadcast`: what
 * `liveBroadcast` reads when no `selectState` is given.
 *
 * @since 0.2.0
 */
export interface LiveBroadcastRoot {
  readonly lifecycleBroadcast: LifecycleBroadcastState;
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/** The one conversion from the run's registry actions to the store's actions. */
const sliceActionOf = toSliceAction;

// -------------------------------------------------------------------------------------
// thunk
// -------------------------------------------------------------------------------------

const looksLikeSliceState = (u: unknown): u is LifecycleBroadcastState =>
  typeof u === 'object' &&
  u !== null &&
  'registry' in u &&
  typeof u.registry === 'object' &&
  u.registry !== null &&
  'recentResults' in u &&
  Array.isArray(u.recentResults);

const defaultSelect = (root: unknown): unknown =>
  typeof root === 'object' && root !== null ? (root as Partial<LiveBroadcastRoot>).lifecycleBroadcast : undefined;

/**
 * A thunk that broadcasts `operation` for real, through `transport`, to the registry the store
 * holds when it runs, then dispatches the reproducing actions in one go and resolves with the
 * `LiveBroadcast`. The store's latest result is then the live result, unless the registry
 * changed while the broadcast was out: the actions are applied to the registry as it is when
 * they are dispatched, so the store records what the model says of the answers for that
 * registry, and stays a replayable history. A cancelled run (`options.signal`) is dispatched
 * too: the operation went out, and the backends that had not answered are recorded as timed out.
 *
 * Like `runBroadcast`, it never rejects because of a backend; it rejects when the slice state is
 * not where `options.selectState` looks (a `TypeError`), or for an invalid argument.
 *
 * @example
 * import { configureStore } from '@reduxjs/toolkit'
 * import { ackOutcome, lifecycleBroadcastReducer, liveBroadcast, quiesceOperation } from 'lifecycle-broadcast'
 * import type { Transport } from 'lifecycle-broadcast'
 *
 * const transport: Transport = async () => ackOutcome
 * const store = configureStore({ reducer: { lifecycleBroadcast: lifecycleBroadcastReducer } })
 * const live = await store.dispatch(liveBroadcast(quiesceOperation('Maintenance'), transport))
 * // store.getState().lifecycleBroadcast.latestResult equals live.result
 *
 * @since 0.2.0
 */
export const liveBroadcast = <Root = LiveBroadcastRoot>(
  operation: BroadcastOperation,
  transport: Transport,
  options: LiveBroadcastOptions<Root> = {},
): LiveBroadcastThunk<Root> => {
  const { selectState, ...runOptions } = options;
  return async (dispatch, getState) => {
    const state: unknown = selectState === undefined ? defaultSelect(getState()) : selectState(getState());
    if (!looksLikeSliceState(state)) {
      throw new TypeError(
        `liveBroadcast: no lifecycle-broadcast slice state where ${
          selectState === undefined ? 'root.lifecycleBroadcast' : 'options.selectState'
        } looks (got ${show(state)}); mount the slice reducer there or pass selectState`,
      );
    }
    const live = await runBroadcast(state.registry, operation, transport, runOptions);
    for (const action of live.actions) {
      dispatch(sliceActionOf(action));
    }
    return live;
  };
};
