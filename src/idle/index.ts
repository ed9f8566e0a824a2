/**
 * The idle coordinator: its model (`IdleCoordinator`), its actions and events, and its reducers,
 * with `quiesceDue`, which turns the backends it finds due into a quiesce broadcast.
 *
 * @since 0.3.0
 */
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  IdleBackend,
  IdleCoordinator,
  IdleDue,
  IdleState,
  IdleTimeoutMs,
  checkedMillis,
  createIdleCoordinator,
  emptyIdleCoordinator,
} from './IdleCoordinator';
export {
  IdleAction,
  collectDueAction,
  markActivityAction,
  markDrainingAction,
  markQuiescedAction,
  matchIdleAction,
  removeAction,
  trackAction,
} from './IdleAction';
export type {
  CollectDueAction,
  IdleActionTag,
  MarkActivityAction,
  MarkDrainingAction,
  MarkQuiescedAction,
  RemoveAction,
  TrackAction,
} from './IdleAction';
export { matchIdleEvent } from './IdleEvent';
export type {
  ActivityMarked,
  BackendTracked,
  BackendUntracked,
  DrainingMarked,
  DueCollected,
  IdleEvent,
  IdleTransition,
  NotTracked,
  QuiescedMarked,
} from './IdleEvent';
export {
  collectDue,
  idleBackend,
  markActivity,
  markDraining,
  markQuiesced,
  nextDueAt,
  remove,
  stepIdle,
  track,
} from './reducers';
export { quiesceDue } from './quiesceDue';
export type { DueQuiesced, IdleSweep } from './quiesceDue';
