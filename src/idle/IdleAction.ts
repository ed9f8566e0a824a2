/**
 * The idle coordinator's actions: what can happen to it (a backend tracked, active, collected,
 * draining, quiesced or removed), their codec and constructors.
 *
 * @since 0.3.0
 */
import * as t from 'io-ts';

import { BackendKey } from '../domain/BackendKey';
import { Millis, checked, closed, closedWith, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// actions
// -------------------------------------------------------------------------------------

const TrackActionC = closedWith(
  'Track',
  { _tag: t.literal('Track'), key: BackendKey, nowMs: Millis },
  { idleTimeoutMs: Millis },
);

/**
 * Start tracking a backend at `nowMs` (its idle timeout is the coordinator's unless given).
 *
 * @since 0.2.0
 */
export interface TrackAction extends t.TypeOf<typeof TrackActionC> {}

const MarkActivityActionC = closed('MarkActivity', {
  _tag: t.literal('MarkActivity'),
  key: BackendKey,
  nowMs: Millis,
});

/**
 * A tracked backend was active at `nowMs`.
 *
 * @since 0.2.0
 */
export interface MarkActivityAction extends t.TypeOf<typeof MarkActivityActionC> {}

const CollectDueActionC = closed('CollectDue', { _tag: t.literal('CollectDue'), nowMs: Millis });

/**
 * Collect the backends due at `nowMs`.
 *
 * @since 0.2.0
 */
export interface CollectDueAction extends t.TypeOf<typeof CollectDueActionC> {}

const MarkDrainingActionC = closed('MarkDraining', { _tag: t.literal('MarkDraining'), key: BackendKey });

/**
 * Mark a tracked backend draining.
 *
 * @since 0.2.0
 */
export interface MarkDrainingAction extends t.TypeOf<typeof MarkDrainingActionC> {}

const MarkQuiescedActionC = closed('MarkQuiesced', { _tag: t.literal('MarkQuiesced'), key: BackendKey });

/**
 * Mark a tracked backend quiesced.
 *
 * @since 0.2.0
 */
export interface MarkQuiescedAction extends t.TypeOf<typeof MarkQuiescedActionC> {}

const RemoveActionC = closed('Remove', { _tag: t.literal('Remove'), key: BackendKey });

/**
 * Stop tracking a backend.
 *
 * @since 0.2.0
 */
export interface RemoveAction extends t.TypeOf<typeof RemoveActionC> {}

/**
 * One operation on a coordinator, as data: what `stepIdle` applies, one `_tag` per reducer.
 *
 * @since 0.2.0
 */
export type IdleAction =
  TrackAction | MarkActivityAction | CollectDueAction | MarkDrainingAction | MarkQuiescedAction | RemoveAction;

const idleActionMembers = {
  Track: TrackActionC,
  MarkActivity: MarkActivityActionC,
  CollectDue: CollectDueActionC,
  MarkDraining: MarkDrainingActionC,
  MarkQuiesced: MarkQuiescedActionC,
  Remove: RemoveActionC,
};

/**
 * The codec of `IdleAction`: times and timeouts are whole non-negative milliseconds.
 *
 * @since 0.2.0
 */
export const IdleAction: t.Type<IdleAction, IdleAction> = tagged('IdleAction', idleActionMembers);

/**
 * The `_tag` of every idle action.
 *
 * @since 0.2.0
 */
export type IdleActionTag = IdleAction['_tag'];

// -------------------------------------------------------------------------------------

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Track `key`, running and active at `nowMs`.
 *
 * @since 0.2.0
 */
export const trackAction = (key: BackendKey, nowMs: number, idleTimeoutMs?: number): IdleAction =>
  checked(
    'trackAction',
    TrackActionC,
    idleTimeoutMs === undefined ? { _tag: 'Track', key, nowMs } : { _tag: 'Track', key, nowMs, idleTimeoutMs },
  );

/**
 * The backend with `key` was active at `nowMs`.
 *
 * @since 0.2.0
 */
export const markActivityAction = (key: BackendKey, nowMs: number): IdleAction =>
  checked('markActivityAction', MarkActivityActionC, { _tag: 'MarkActivity', key, nowMs });

/**
 * Collect the backends due at `nowMs`.
 *
 * @since 0.2.0
 */
export const collectDueAction = (nowMs: number): IdleAction =>
  checked('collectDueAction', CollectDueActionC, { _tag: 'CollectDue', nowMs });

/**
 * Mark the backend with `key` draining.
 *
 * @since 0.2.0
 */
export const markDrainingAction = (key: BackendKey): IdleAction =>
  checked('markDrainingAction', MarkDrainingActionC, { _tag: 'MarkDraining', key });

/**
 * Mark the backend with `key` quiesced.
 *
 * @since 0.2.0
 */
export const markQuiescedAction = (key: BackendKey): IdleAction =>
  checked('markQuiescedAction', MarkQuiescedActionC, { _tag: 'MarkQuiesced', key });

/**
 * Stop tracking the backend with `key`.
 *
 * @since 0.2.0
 */
export const removeAction = (key: BackendKey): IdleAction =>
  checked('removeAction', RemoveActionC, { _tag: 'Remove', key });

// -------------------------------------------------------------------------------------
// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an idle action, one handler per kind.
 *
 * @since 0.2.0
 */
export const matchIdleAction = matchTag<IdleAction>();
