/**
 * One recorded step: a registry action as its codec encodes it, where a broadcast (to all or to
 * some) may also carry the result it had when it was recorded, and any record the time it was
 * recorded at (format version 2). This is the shape of every line of an operation log after its
 * header, and what the Redux recorder writes.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import { BroadcastResult } from '../domain/BroadcastResult';
import { RecordedSummary, summaryOf } from './RecordedSummary';
import { EpochMillis, checked, closed, closedWith, decode, tagged } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { definedFields } from '../internal/options';
import type { Registry, Transition } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import { RegistryAction as RegistryActionCodec, registryActionProps } from '../registry/RegistryAction';
import { step } from '../registry/step';
import type { LogHeader, LogVersion, LogVersionFeatures } from './LogHeader';
import { LOG_VERSION, LOG_VERSIONS, firstVersionWith, logVersionFeatures } from './LogHeader';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The field every record may carry since format version 2: when it was recorded, an instant a
 * `Date` can show, so that every tool can print it.
 */
const timed = { time: EpochMillis };

/**
 * The fields a recorded broadcast (to all or to some) may carry besides its action's: its whole
 * result, or (format version 3) its summary, and a time.
 */
const recorded = { result: BroadcastResult, summary: RecordedSummary, ...timed };

const RegisterRecordC = closedWith('Register', registryActionProps.Register, timed);
const SetLiveRecordC = closedWith('SetLive', registryActionProps.SetLive, timed);
const SetResponseRecordC = closedWith('SetResponse', registryActionProps.SetResponse, timed);
const UnregisterRecordC = closedWith('Unregister', registryActionProps.Unregister, timed);
const BroadcastRecordC = closedWith('Broadcast', registryActionProps.Broadcast, recorded);
const BroadcastToRecordC = closedWith('BroadcastTo', registryActionProps.BroadcastTo, recorded);

/**
 * A recorded registration, and optionally when it was recorded.
 *
 * @since 0.2.0
 */
export interface RegisterRecord extends t.TypeOf<typeof RegisterRecordC> {}

/**
 * A recorded change of liveness, and optionally when it was recorded.
 *
 * @since 0.2.0
 */
export interface SetLiveRecord extends t.TypeOf<typeof SetLiveRecordC> {}

/**
 * A recorded change of response, and optionally when it was recorded.
 *
 * @since 0.2.0
 */
export interface SetResponseRecord extends t.TypeOf<typeof SetResponseRecordC> {}

/**
 * A recorded removal, and optionally when it was recorded.
 *
 * @since 0.2.0
 */
export interface UnregisterRecord extends t.TypeOf<typeof UnregisterRecordC> {}

/**
 * A recorded broadcast: its operation, and optionally the result it had when it was recorded (in
 * full as `result`, or, since format version 3, as its `summary`) and when it was recorded.
 *
 * @since 0.2.0
 */
export interface BroadcastRecord extends t.TypeOf<typeof BroadcastRecordC> {}

/**
 * A recorded targeted broadcast: its operation and keys, and optionally the result it had when it
 * was recorded and when it was recorded. Log format version 2 added it.
 *
 * @since 0.2.0
 */
export interface BroadcastToRecord extends t.TypeOf<typeof BroadcastToRecordC> {}

/** The codec of each kind of record, by `_tag`. */
const recordMembers = {
  Register: RegisterRecordC,
  SetLive: SetLiveRecordC,
  SetResponse: SetResponseRecordC,
  Unregister: UnregisterRecordC,
  Broadcast: BroadcastRecordC,
  BroadcastTo: BroadcastToRecordC,
};

/**
 * A `RegistryAction`, where a `Broadcast` or a `BroadcastTo` may carry an optional `result` (the
 * result recorded when it ran, to verify a replay against) and any record an optional `time`:
 * when it was recorded, in integer milliseconds since the Unix epoch (format version 2, in a log
 * whose header declares a clock).
 *
 * @since 0.1.0
 */
export const LogRecord: t.Type<LogRecord, LogRecord> = tagged('LogRecord', recordMembers);

/**
 * What the `LogRecord` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type LogRecord =
  RegisterRecord | SetLiveRecord | SetResponseRecord | UnregisterRecord | BroadcastRecord | BroadcastToRecord;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The log record for `action`; a broadcast (to all or to some) carries `result` when one is
 * given, and the record carries `time` (milliseconds since the Unix epoch) when one is given.
 * All three are checked with the codecs (a `TypeError` or `RangeError` with their message), so a
 * record built here can be written to a log and read back.
 *
 * @example
 * import { broadcast, broadcastAction, createRegistry, logRecord, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const operation = releaseHandlesOperation('/var/cache/zccache')
 * const { result } = broadcast(createRegistry(), operation)
 * logRecord(broadcastAction(operation)) // replayed as it is
 * logRecord(broadcastAction(operation), result) // replayed, and its result verified
 * logRecord(broadcastAction(operation), result, Date.now()) // and placed in time
 *
 * @since 0.1.0
 */
export const logRecord = (action: RegistryAction, result?: BroadcastResult, time?: number): LogRecord => {
  const args = checked('logRecord', LogRecordArgs, definedFields({ action, result, time }));
  return recordOf(args.action, args.result, args.time);
};

const LogRecordArgs = closedWith(
  'logRecord',
  { action: RegistryActionCodec },
  { result: BroadcastResult, time: EpochMillis },
);

/**
 * `logRecord` for an action, a result and a time already checked (a step's own), without the
 * checks.
 *
 * @internal
 */
export const recordOf = (action: RegistryAction, result?: BroadcastResult, time?: number): LogRecord => {
  const record: LogRecord =
    result === undefined
      ? action
      : action._tag === 'Broadcast'
        ? { _tag: 'Broadcast', operation: action.operation, result }
        : action._tag === 'BroadcastTo'
          ? { _tag: 'BroadcastTo', operation: action.operation, keys: action.keys, result }
          : action;
  return time === undefined ? record : { ...record, time };
};

/**
 * Apply `action` with `step` and give the record a recorder writes for it: the action as it is,
 * and for a broadcast (to all or to some), the result it had (unless `withResult` is false).
 * Replaying the records with `replayLog` and `verify` reproduces each recorded result.
 *
 * @example
 * import { broadcastAction, createRegistry, quiesceOperation, recordStep } from 'lifecycle-broadcast'
 *
 * const { state, result: record } = recordStep(createRegistry(), broadcastAction(quiesceOperation('Maintenance')))
 * // record: { _tag: 'Broadcast', operation: ..., result: { _tag: 'NoLiveTargets', ... } }
 *
 * @since 0.2.0
 */
export const recordStep = (state: Registry, action: RegistryAction, withResult = true): Transition<LogRecord> => {
  const next = step(state, action);
  const event = next.result;
  // `step` checked the action, and made the result: nothing left to check.
  const record =
    withResult && (event._tag === 'OperationBroadcast' || event._tag === 'OperationBroadcastTo')
      ? recordOf(action, event.result)
      : action;
  return Object.freeze({ state: next.state, result: record });
};

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The action a record records, without any recorded result or time.
 *
 * @since 0.1.0
 */
export const recordAction = (record: LogRecord): RegistryAction => {
  switch (record._tag) {
    case 'Broadcast':
      return { _tag: 'Broadcast', operation: record.operation };
    case 'BroadcastTo':
      return { _tag: 'BroadcastTo', operation: record.operation, keys: record.keys };
    case 'Register':
      return record.time === undefined ? record : { _tag: 'Register', backend: record.backend };
    case 'SetLive':
      return record.time === undefined ? record : { _tag: 'SetLive', key: record.key, live: record.live };
    case 'SetResponse':
      return record.time === undefined ? record : { _tag: 'SetResponse', key: record.key, response: record.response };
    case 'Unregister':
      return record.time === undefined ? record : { _tag: 'Unregister', key: record.key };
  }
};

/**
 * The time a record was recorded at, in milliseconds since the Unix epoch, if it carries one.
 *
 * @since 0.2.0
 */
export const recordTime = (record: LogRecord): number | undefined => record.time;

/**
 * The whole result a record recorded, if it is a broadcast (to all or to some) that carries one
 * (a version 3 log records a `summary` instead: see `recordedSummary`).
 *
 * @since 0.1.0
 */
export const recordedResult = (record: LogRecord): BroadcastResult | undefined =>
  record._tag === 'Broadcast' || record._tag === 'BroadcastTo' ? record.result : undefined;

/**
 * The summary of the result a record recorded, if it is a broadcast (to all or to some) that
 * carries a result or a summary: the one recorded, or the one of the whole result.
 *
 * @since 0.3.0
 */
export const recordedSummary = (record: LogRecord): RecordedSummary | undefined =>
  record._tag === 'Broadcast' || record._tag === 'BroadcastTo'
    ? (record.summary ?? (record.result === undefined ? undefined : summaryOf(record.result)))
    : undefined;

/**
 * Whether a record carries a recorded result, whole or summarised.
 *
 * @since 0.3.0
 */
export const hasRecordedResult = (record: LogRecord): boolean =>
  (record._tag === 'Broadcast' || record._tag === 'BroadcastTo') &&
  (record.result !== undefined || record.summary !== undefined);

/**
 * A record whose whole result is replaced by its summary: what a version 3 writer records.
 *
 * @internal
 */
export const summarised = (record: LogRecord): LogRecord => {
  if ((record._tag !== 'Broadcast' && record._tag !== 'BroadcastTo') || record.result === undefined) {
    return record;
  }
  const { result, ...rest } = record;
  return { ...rest, summary: summaryOf(result) };
};

// -------------------------------------------------------------------------------------
// versions
// -------------------------------------------------------------------------------------

type RecordDecoder = (input: unknown) => E.Either<ReadonlyArray<string>, LogRecord>;

/** The decoder of the kinds of record a version reads, by what `logVersionFeatures` says of it. */
const decoderOf = (features: LogVersionFeatures): RecordDecoder => {
  if (features.broadcastTo) {
    return (input) => decode(LogRecord, input);
  }
  const codec = tagged('LogRecord', {
    Register: recordMembers.Register,
    SetLive: recordMembers.SetLive,
    SetResponse: recordMembers.SetResponse,
    Unregister: recordMembers.Unregister,
    Broadcast: recordMembers.Broadcast,
  });
  return (input) => decode(codec, input);
};

/** The record decoder of every version, built once from `logVersionFeatures`. */
const decoders = Object.fromEntries(LOG_VERSIONS.map((v) => [v, decoderOf(logVersionFeatures(v))])) as Readonly<
  Record<LogVersion, RecordDecoder>
>;

/** Why a log of `header`'s version cannot hold a line of `input`'s kind, if it cannot. */
const kindProblem = (header: LogHeader, input: unknown): string | undefined =>
  !logVersionFeatures(header.version).broadcastTo && isRecord(input) && input._tag === 'BroadcastTo'
    ? `_tag: "BroadcastTo" lines need log format version ${String(firstVersionWith('broadcastTo'))}, and this log is version ${String(header.version)}`
    : undefined;

/** Why `record` may not carry its recorded result as it does in the log of `header`, if it may not. */
const resultProblem = (header: LogHeader | undefined, record: LogRecord): string | undefined => {
  if ((record._tag !== 'Broadcast' && record._tag !== 'BroadcastTo') || record.summary === undefined) {
    return undefined;
  }
  if (record.result !== undefined) {
    return 'summary: a record carries its result whole or as a summary, not both';
  }
  return header !== undefined && !logVersionFeatures(header.version).summaries
    ? `summary: unexpected field in format version ${String(header.version)} (summaries came with version ${String(
        firstVersionWith('summaries'),
      )})`
    : undefined;
};

/** Why `record` may not carry its `time` in the log of `header`, if it may not. */
const timeProblem = (header: LogHeader, record: LogRecord): string | undefined => {
  const time = record.time;
  if (time === undefined) {
    return undefined;
  }
  if (!logVersionFeatures(header.version).times) {
    return `time: unexpected field in format version ${String(header.version)} (times came with version ${String(
      firstVersionWith('times'),
    )}), got ${String(time)}`;
  }
  return header.clock === undefined
    ? `time: the header declares no clock, so records carry no time, got ${String(time)}`
    : undefined;
};

/**
 * Decode a parsed record line of the log whose header is `header` (a line of the newest version,
 * times allowed, when omitted). What each version accepts comes from `logVersionFeatures`: a
 * version 1 line is a version 2 line as it is, but a `BroadcastTo` line or a `time` in a version 1
 * log is refused, saying which version it needs, and so is a `time` in a log whose header
 * declares no clock. Never throws.
 *
 * @internal
 */
export const decodeLogRecord = (
  header: LogHeader | undefined,
  input: unknown,
): E.Either<ReadonlyArray<string>, LogRecord> => {
  if (header === undefined) {
    const decoded = decoders[LOG_VERSION](input);
    const both = E.isRight(decoded) ? resultProblem(undefined, decoded.right) : undefined;
    return both === undefined ? decoded : E.left([both]);
  }
  const kind = kindProblem(header, input);
  if (kind !== undefined) {
    return E.left([kind]);
  }
  const decoded = decoders[header.version](input);
  if (E.isLeft(decoded)) {
    return decoded;
  }
  const problem = resultProblem(header, decoded.right) ?? timeProblem(header, decoded.right);
  return problem === undefined ? decoded : E.left([problem]);
};

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * A record as one line of JSON (without the line end). Decoding the line gives the record back;
 * a record the `LogRecord` codec refuses (from plain JavaScript) throws a `TypeError` or
 * `RangeError` with its message instead of writing a line the reader would reject.
 *
 * @example
 * import { backendKey, encodeRecordLine, liveBackend, registerAction, sharedInstance } from 'lifecycle-broadcast'
 *
 * encodeRecordLine(registerAction(liveBackend(backendKey(sharedInstance, 'soldr', '0.4.1'))))
 * // '{"_tag":"Register","backend":{"key":{...},"live":true,"response":{"_tag":"Ack"}}}'
 *
 * @since 0.1.0
 */
export const encodeRecordLine = (record: LogRecord): string => recordLine('encodeRecordLine', record);

const RecordArgs = closed('record', { record: LogRecord });

/**
 * `encodeRecordLine` for `fn`, for the log whose header is `header` (any line of the newest
 * version when omitted): the record is checked with the `LogRecord` codec first, and must be a
 * line that log has (its version's kinds of line, a time only where the header declares a clock),
 * so that nothing the reader would refuse is ever written (a `TypeError` or `RangeError` naming
 * `fn`).
 *
 * @internal
 */
export const recordLine = (fn: string, record: LogRecord, header?: LogHeader): string => {
  const valid = checked(fn, RecordArgs, { record }).record;
  // The codec has accepted it: what is left is whether this log's version and clock allow it.
  const problem =
    resultProblem(header, valid) ??
    (header === undefined ? undefined : (kindProblem(header, valid) ?? timeProblem(header, valid)));
  if (problem !== undefined) {
    throw new TypeError(`${fn}: record.${problem}`);
  }
  // A version 3 writer records a broadcast's result as its summary.
  const written = header !== undefined && logVersionFeatures(header.version).summaries ? summarised(valid) : valid;
  return JSON.stringify(LogRecord.encode(written));
};
