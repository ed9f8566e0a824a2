/**
 * Baseline: the slice reducer with its bookkeeping (the last event, the latest result and the
 * bounded recent lists) written with immer's `produce`, as the slice was before, instead of the
 * plain spreads of src/redux/state.ts. The registry is still changed by `step` alone.
 */
import * as E from 'fp-ts/Either';
import { castDraft, produce } from 'immer';

import { step } from '../../src';
import type { LifecycleBroadcastReducer, LifecycleBroadcastSlice, LifecycleBroadcastState } from '../../src';
import type { ActionRejected, RecentLimits } from '../../src/redux/state';
import type { Registry, RegistryEvent } from '../../src';

const pushBounded = <A>(list: A[], item: A, limit: number): void => {
  if (limit === 0) {
    return;
  }
  list.push(item);
  if (list.length > limit) {
    list.splice(0, list.length - limit);
  }
};

/** The state after `event`, with immer. */
export const withEventByProduce = (
  state: LifecycleBroadcastState,
  registry: Registry,
  event: RegistryEvent,
  limits: RecentLimits,
): LifecycleBroadcastState =>
  produce(state, (draft) => {
    draft.registry = castDraft(registry);
    draft.lastEvent = castDraft(event);
    if (event._tag === 'OperationBroadcast') {
      draft.latestResult = castDraft(event.result);
      pushBounded(draft.recentResults, castDraft(event.result), limits.results);
    } else if (event._tag === 'KeyNotFound') {
      pushBounded(draft.recentKeysNotFound, castDraft(event), limits.keysNotFound);
    }
  });

/** The reducer of `slice`, with its bookkeeping written with immer. */
export const immerReducer = <N extends string, P extends string>(
  slice: LifecycleBroadcastSlice<N, P>,
): LifecycleBroadcastReducer => {
  const initial = slice.getInitialState();
  return (state = initial, action) => {
    if (!slice.isAction(action)) {
      return state;
    }
    const decoded = slice.decodeRegistryAction(action);
    if (E.isLeft(decoded)) {
      const rejected: ActionRejected = Object.freeze({
        _tag: 'ActionRejected',
        type: action.type,
        errors: decoded.left,
      });
      return produce(state, (draft) => {
        draft.lastEvent = castDraft(rejected);
        pushBounded(draft.recentRejections, castDraft(rejected), slice.limits.rejections);
      });
    }
    const next = step(state.registry, decoded.right);
    return withEventByProduce(state, next.state, next.result, slice.limits);
  };
};
