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
  explicitInstance,
  keyId,
  matchInstance,
  privateInstance,
  sharedInstance,
} from './domain/BackendKey';
export {
  BroadcastOperation,
  QuiesceReason,
  matchOperation,
  quiesceOperation,
  quiesceReasons,
  releaseHandlesOperation,
} from './domain/BroadcastOperation';
export {
  BroadcastBackendResponse,
  BroadcastFailureReason,
  ack,
  failure,
  failureReasons,
  matchResponse,
  timeout,
} from './domain/BroadcastBackendResponse';
export { BroadcastPolicy, DEFAULT_ACK_TIMEOUT_MS, broadcastPolicy, defaultPolicy } from './domain/BroadcastPolicy';
export { Backend, backend, deadBackend, liveBackend, withLive, withResponse } from './domain/Backend';
export {
  BroadcastAck,
  BroadcastEntry,
  BroadcastFailure,
  BroadcastResult,
  BroadcastTimeout,
  SkippedDead,
  allLiveBackendsAcked,
  broadcastResult,
  matchBroadcastResult,
  matchEntry,
  resultEntries,
  sentCount,
  statusOf,
} from './domain/BroadcastResult';
export {
  RegistryAction,
  broadcastAction,
  matchAction,
  registerAction,
  setLiveAction,
  setResponseAction,
  unregisterAction,
} from './registry/RegistryAction';
export {
  backendCount,
  backends,
  broadcast,
  createRegistry,
  emptyRegistry,
  isRegistered,
  liveCount,
  lookup,
  quiesce,
  receivedOperations,
  register,
  releaseHandlesUnderPath,
  setLive,
  setResponse,
  snapshot,
  unregister,
} from './registry/Registry';
export { matchEvent } from './registry/RegistryEvent';
export { step } from './registry/step';
export { replay } from './registry/replay';
export {
  LogRecord,
  encodeRecordLine,
  logRecord,
  recordAction,
  recordStep,
  recordTime,
  recordedResult,
  recordedSummary,
  hasRecordedResult,
} from './log/LogRecord';
export { KeyTuple, RecordedSummary, keyTuple, resultDigest, summarizeResult, tupleKey } from './log/RecordedSummary';
export { formatErrors } from './internal/codec';

// values: Redux composition
export {
  BackendRegisteredPayload,
  BackendUnregisteredPayload,
  LivenessSetPayload,
  OperationBroadcastPayload,
  ResponseSetPayload,
} from './redux/actions';
export {
  LIFECYCLE_BROADCAST,
  backendRegistered,
  backendUnregistered,
  createLifecycleBroadcastSlice,
  decodeSliceAction,
  isLifecycleBroadcastAction,
  lifecycleBroadcastActions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  livenessSet,
  operationBroadcast,
  responseSet,
  toRegistryAction,
  toSliceAction,
} from './redux/slice';
export { DEFAULT_RECENT_LIMIT } from './redux/state';
export { createLifecycleBroadcastSelectors, lifecycleBroadcastSelectors } from './redux/selectors';
export { arraySink, createRecorderMiddleware, streamSink } from './redux/recorder';
export { lifecycleBroadcastMiddlewareOptions } from './redux/middlewareOptions';
export {
  DEFAULT_DEVTOOLS_ITEMS,
  lifecycleBroadcastDevToolsOptions,
  lifecycleBroadcastStateView,
} from './redux/devTools';
export { stateFromRegistry } from './redux/stateFromRegistry';

// values: operation logs (header, reader, writer, replay, verify, statistics)
export {
  LOG_FORMAT,
  LOG_VERSION,
  LOG_VERSIONS,
  LogClock,
  LogHeader,
  LogVersion,
  decodeLogHeader,
  encodeHeaderLine,
  isTimedLog,
  logHeader,
  logVersionFeatures,
} from './log/LogHeader';
export {
  DEFAULT_MAX_LINE_LENGTH,
  decodeRecordLine,
  decodeHeaderLine,
  describeInvalidLine,
  matchLogLine,
  readLog,
} from './log/logReader';
export { isCleanReplay, matchReplayStop } from './replay/LogReplay';
export { DEFAULT_MAX_PROBLEMS, replayLog } from './replay/replayLog';
export { compareResults, compareSummary, describeDivergence, divergenceFields } from './replay/verify';
export { addEvent, backendRows, emptyLogStats, summarizeStats } from './replay/LogStats';

// values: live broadcasts
export {
  MAX_EXTEND_MS,
  MAX_EXTENSIONS,
  Outcome,
  ackOutcome,
  failureOutcome,
  matchOutcome,
  outcomeResponse,
} from './live/Transport';
export { LiveDiagnostic, matchDiagnostic } from './live/LiveDiagnostic';
export { TraceContext } from './live/TraceContext';
export { TELEMETRY_NAMES } from './live/telemetry';
export { DEFAULT_CONCURRENCY, runBroadcast } from './live/runBroadcast';
export { liveBroadcast } from './redux/liveBroadcast';

export { readClock } from './log/timeStamp';

// values: targeted broadcasts, retries and the idle coordinator
export { EqBroadcastOperation } from './domain/BroadcastOperation';
export {
  EqBroadcastEntry,
  EqBroadcastResult,
  emptyResult,
  getBroadcastResultMonoid,
  getBroadcastResultSemigroup,
  unacknowledgedKeys,
} from './domain/BroadcastResult';
export { broadcastTo, mergeRetry, registrationOrder, retryUnacknowledged } from './registry/Registry';
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
} from './idle';
export { quiesceDue } from './idle';
export { broadcastToAction } from './registry/RegistryAction';
export { OperationBroadcastToPayload } from './redux/actions';
export { ActivityMarkedPayload, BackendTrackedPayload, DueQuiescedPayload, IdleKeyPayload } from './redux/idleActions';
export { lifecycleBroadcastIdleActions, operationBroadcastTo } from './redux/slice';

// types
export type { Handlers } from './internal/match';
export type { ExplicitInstance, PrivateInstance, SharedInstance } from './domain/BackendKey';
export type { AckResponse, FailureResponse, TimeoutResponse } from './domain/BroadcastBackendResponse';
export type { ReleaseHandles, Quiesce } from './domain/BroadcastOperation';
export type { AllAcked, BroadcastOutcomes, Degraded, NoLiveTargets } from './domain/BroadcastResult';
export type {
  BroadcastAction,
  BroadcastToAction,
  RegisterAction,
  RegistryActionTag,
  SetLiveAction,
  SetResponseAction,
  UnregisterAction,
} from './registry/RegistryAction';
export type { Replayed } from './registry/replay';
export type { BackendSnapshot, Registry, RegistrySnapshot, TargetedTransition, Transition } from './registry/Registry';
export type {
  BackendRegistered,
  BackendUnregistered,
  KeyNotFound,
  LivenessSet,
  OperationBroadcast,
  OperationBroadcastTo,
  RegistryEvent,
  ResponseSet,
} from './registry/RegistryEvent';

// types: Redux composition
export type {
  ActionRow,
  LifecycleBroadcastAction,
  LifecycleBroadcastActionCreators,
  LifecycleBroadcastActionName,
  LifecycleBroadcastActionTable,
  LifecycleBroadcastActionType,
  SliceAction,
  SliceActionCreator,
} from './redux/actions';
export type {
  AnyLifecycleBroadcastSlice,
  InjectIntoConfig,
  InjectableReducer,
  InjectedLifecycleBroadcastSlice,
  LifecycleBroadcastCaseReducers,
  LifecycleBroadcastIdleCaseReducers,
  LifecycleBroadcastReducer,
  LifecycleBroadcastSlice,
  LifecycleBroadcastSliceBase,
  LifecycleBroadcastSliceOptions,
  StoreAction,
  WithInjectedLifecycleBroadcastSlice,
  WithLifecycleBroadcastSlice,
} from './redux/slice';
export type { ActionRejected, LifecycleBroadcastEvent, LifecycleBroadcastState, RecentLimits } from './redux/state';
export type { BackendCounts, LifecycleBroadcastSelectors } from './redux/selectors';
export type {
  ArraySink,
  EncodedLogRecord,
  RecorderMiddleware,
  RecorderOptions,
  RecorderSink,
  StoreView,
  StreamSink,
  StreamSinkOptions,
  TextWritable,
} from './redux/recorder';
export type { LifecycleBroadcastMiddlewareOptions } from './redux/middlewareOptions';
export type {
  BackendView,
  BoundedList,
  DevToolsViewOptions,
  EventView,
  LifecycleBroadcastDevToolsOptions,
  LifecycleBroadcastStateView,
  RegistryView,
  RejectionView,
  ResultSummary,
  ResultView,
} from './redux/devTools';

// types: operation logs
export type {
  RecordLine,
  HeaderLine,
  InvalidLine,
  LogLine,
  LogSource,
  ReadFailed,
  ReadLogOptions,
} from './log/logReader';
export type {
  BroadcastRecord,
  RegisterRecord,
  SetLiveRecord,
  SetResponseRecord,
  UnregisterRecord,
} from './log/LogRecord';
export type { LogVersionFeatures } from './log/LogHeader';
export type { SummaryFailure, SummaryTimeout } from './log/RecordedSummary';
export type { LogReplay, ReplayMode, ReplayStop, StoppedAtCallbackError } from './replay/LogReplay';
export type { ReplayLogOptions } from './replay/replayLog';
export type { Divergence } from './replay/verify';
export type { BackendRow, BackendTally, LogStats, StatsSummary } from './replay/LogStats';

// types: live broadcasts
export type { AckOutcome, FailureOutcome, RequestContext, Transport } from './live/Transport';
export type { Cancelled, DeadlineExceeded, InvalidOutcome, TransportFailed } from './live/LiveDiagnostic';
export type { LiveBroadcast, RunBroadcastOptions } from './live/runBroadcast';
export type { FailureBudget, RetryOptions, RolloutOptions } from './live/rollout';
export type {
  BroadcastTelemetry,
  TelemetryAttributes,
  TelemetryContext,
  TelemetryMeter,
  TelemetrySpan,
  TelemetryTracer,
} from './live/telemetry';
export type { LiveBroadcastDispatch, LiveBroadcastOptions, LiveBroadcastThunk } from './redux/liveBroadcast';

// types: targeted broadcasts and the idle coordinator
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
} from './idle';
export type { DueQuiesced, IdleSweep } from './idle';
export type { TargetedCounts } from './replay/LogStats';
export type { BroadcastToRecord } from './log/LogRecord';
export type {
  IdleActionRow,
  LifecycleBroadcastIdleAction,
  LifecycleBroadcastIdleActionCreators,
  LifecycleBroadcastIdleActionName,
  LifecycleBroadcastIdleActionTable,
} from './redux/idleActions';
