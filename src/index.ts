/**
 * lifecycle-broadcast: an immutable model of a process broker fanning lifecycle operations out
 * to the backends it supervises.
 *
 * @packageDocumentation
 */

// values
export {
  BackendKey,
  BrokerInstance,
  EqBackendKey,
  EqBrokerInstance,
  backendKey,
  copyKey,
  explicitInstance,
  keyId,
  matchInstance,
  privateInstance,
  sharedInstance,
} from './BackendKey';
export {
  BroadcastOperation,
  QuiesceReason,
  copyOperation,
  matchOperation,
  quiesceOperation,
  quiesceReasons,
  releaseHandlesOperation,
} from './BroadcastOperation';
export {
  BroadcastBackendResponse,
  BroadcastFailureReason,
  ack,
  canonicalResponse,
  failure,
  failureReasons,
  matchResponse,
  timeout,
} from './BroadcastBackendResponse';
export { BroadcastPolicy, DEFAULT_ACK_TIMEOUT_MS, broadcastPolicy, defaultPolicy } from './BroadcastPolicy';
export { Backend, backend, deadBackend, frozenBackend, liveBackend, withLive, withResponse } from './Backend';
export {
  BroadcastAck,
  BroadcastEntry,
  BroadcastFailure,
  BroadcastResult,
  BroadcastTimeout,
  SkippedDead,
  allLiveBackendsAcked,
  broadcastResult,
  entries,
  matchBroadcastResult,
  matchEntry,
  sentCount,
  statusOf,
} from './BroadcastResult';
export {
  RegistryAction,
  broadcastAction,
  matchAction,
  registerAction,
  setLiveAction,
  setResponseAction,
  unregisterAction,
} from './RegistryAction';
export {
  backends,
  broadcast,
  createRegistry,
  emptyRegistry,
  has,
  liveCount,
  lookup,
  matchRemoval,
  matchUpdate,
  quiesce,
  receivedOperations,
  register,
  releaseHandlesUnderPath,
  setLive,
  setResponse,
  size,
  snapshot,
  unregister,
} from './Registry';
export { matchEvent, step } from './RegistryEvent';
export { replay } from './replay';
export { LogEntry, entryAction, logEntry, recordedResult } from './LogEntry';
export { Hex, Millis, Name, PathPrefix, Text, closed, closedWith, decode, formatErrors, show, tagged } from './codec';

// values: Redux composition
export {
  BackendLivenessChangedPayload,
  BackendRegisteredPayload,
  BackendResponseChangedPayload,
  BackendUnregisteredPayload,
  BroadcastRequestedPayload,
  DEFAULT_RECENT_LIMIT,
  LIFECYCLE_BROADCAST,
  backendLivenessChanged,
  backendRegistered,
  backendResponseChanged,
  backendUnregistered,
  broadcastRequested,
  createLifecycleBroadcastSlice,
  decodeSliceAction,
  isLifecycleBroadcastAction,
  lifecycleBroadcastActions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  toRegistryAction,
  toSliceAction,
} from './redux/slice';
export { createLifecycleBroadcastSelectors, lifecycleBroadcastSelectors } from './redux/selectors';
export { arraySink, createRecorderMiddleware, streamSink } from './redux/recorder';

// values: operation logs (header, reader, writer, replay, verify, statistics, generator)
export { LOG_FORMAT, LOG_VERSION, LogHeader, decodeLogHeader, logHeader } from './LogHeader';
export {
  DEFAULT_MAX_LINE_LENGTH,
  decodeEntryLine,
  decodeHeaderLine,
  describeInvalidLine,
  matchLogLine,
  readLog,
} from './logReader';
export { createLogWriter, encodeEntryLine, encodeHeaderLine, writeLog } from './logWriter';
export { DEFAULT_MAX_PROBLEMS, isCleanReplay, matchReplayStop, replayLog } from './replayLog';
export { compareResults, describeDivergence } from './verify';
export { addEvent, backendRows, emptyLogStats, summarizeStats } from './LogStats';
export { generateLog } from './generateLog';

// values: targeted broadcasts, retries and the idle coordinator
export { EqBroadcastOperation } from './BroadcastOperation';
export {
  EqBroadcastEntry,
  EqBroadcastResult,
  emptyResult,
  getBroadcastResultMonoid,
  getBroadcastResultSemigroup,
  unacknowledgedKeys,
} from './BroadcastResult';
export { broadcastTo, mergeRetry, registrationOrder, retryUnacknowledged } from './Registry';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  IdleAction,
  IdleBackend,
  IdleCoordinator,
  IdleDue,
  IdleState,
  IdleTimeoutMs,
  collectDue,
  collectDueAction,
  createIdleCoordinator,
  emptyIdleCoordinator,
  idleBackend,
  markActivity,
  markActivityAction,
  markDraining,
  markDrainingAction,
  markQuiesced,
  markQuiescedAction,
  matchIdleAction,
  matchIdleEvent,
  nextDueAt,
  remove,
  removeAction,
  stepIdle,
  track,
  trackAction,
} from './registry/IdleCoordinator';
export { quiesceDue } from './registry/quiesceDue';
export { broadcastToAction } from './RegistryAction';
export { LogVersion } from './LogHeader';
export {
  BroadcastToRequestedPayload,
  backendActivitySeen,
  backendMarkedDraining,
  backendMarkedQuiesced,
  broadcastToRequested,
  idleCoordinatorActions,
  idleSweepRequested,
  idleTrackingStarted,
  idleTrackingStopped,
  isIdleSliceAction,
} from './redux/slice';

// types
export type { Handlers } from './internal/match';
export type { ReleaseHandles, Quiesce } from './BroadcastOperation';
export type { BroadcastOutcomes } from './BroadcastResult';
export type { RegistryActionTag } from './RegistryAction';
export type { Replayed } from './replay';
export type {
  BackendSnapshot,
  Registry,
  RegistrySnapshot,
  RemoveOutcome,
  Removed,
  Slot,
  Transition,
  UnknownKey,
  UpdateOutcome,
  Updated,
} from './Registry';
export type {
  BackendRegistered,
  BackendUnregistered,
  KeyNotFound,
  LivenessSet,
  OperationBroadcast,
  RegistryEvent,
  ResponseSet,
} from './RegistryEvent';

// types: Redux composition
export type {
  ActionRejected,
  LifecycleBroadcastAction,
  LifecycleBroadcastActionType,
  LifecycleBroadcastEvent,
  LifecycleBroadcastReducer,
  LifecycleBroadcastSlice,
  LifecycleBroadcastSliceOptions,
  LifecycleBroadcastState,
  SliceAction,
  SliceActionCreator,
} from './redux/slice';
export type { BackendCounts, LifecycleBroadcastSelectors } from './redux/selectors';
export type {
  ArraySink,
  EncodedLogEntry,
  RecorderMiddleware,
  RecorderOptions,
  RecorderSink,
  StoreView,
  StreamSinkOptions,
  TextWritable,
} from './redux/recorder';

// types: operation logs
export type { EntryLine, HeaderLine, InvalidLine, LogLine, LogSource, ReadFailed, ReadLogOptions } from './logReader';
export type { LogSink, LogWriter, WriteLogOptions } from './logWriter';
export type { LogReplay, ReplayLogOptions, ReplayMode, ReplayStop } from './replayLog';
export type { Divergence } from './verify';
export type { BackendRow, BackendTally, LogStats, StatsSummary } from './LogStats';
export type { GenerateOptions, GeneratedLog } from './generateLog';

// types: targeted broadcasts and the idle coordinator
export type { Audience, OperationBroadcastTo } from './Registry';
export type {
  ActivityMarked,
  BackendTracked,
  BackendUntracked,
  CollectDueAction,
  DrainingMarked,
  DueCollected,
  IdleActionTag,
  IdleEvent,
  IdleTransition,
  MarkActivityAction,
  MarkDrainingAction,
  MarkQuiescedAction,
  NotTracked,
  QuiescedMarked,
  RemoveAction,
  TrackAction,
} from './registry/IdleCoordinator';
export type { DueQuiesced, IdleSweep } from './registry/quiesceDue';
export type { TargetedCounts } from './LogStats';
export type { IdlePayload, IdleSliceAction } from './redux/slice';
