/**
 * One recorded step: a registry action as its codec encodes it, where a broadcast may also carry
 * the result it had when it was recorded. This is the shape of every line of an operation log
 * after its header, and what the Redux recorder writes.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BackendKey } from '../domain/BackendKey';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastResult } from '../domain/BroadcastResult';
import { closedWith, decode, tagged } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import type { Registry, Transition } from '../registry/Registry';
import type { BroadcastAction, BroadcastToAction, RegistryAction } from '../registry/RegistryAction';
import { registryActionMembers } from '../registry/RegistryAction';
import { step } from '../registry/step';
import type { LogVersion } from './LogHeader';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BroadcastRecordC = closedWith(
  'Broadcast',
  { _tag: t.literal('Broadcast'), operation: BroadcastOperation },
  { result: BroadcastResult },
);

/**
 * A recorded broadcast: its operation, and optionally the result it had when it was recorded.
 *
 * @since 0.2.0
 */
export interface BroadcastRecord extends t.TypeOf<typeof BroadcastRecordC> {}

const BroadcastToRecordC = closedWith(
  'BroadcastTo',
  { _tag: t.literal('BroadcastTo'), operation: BroadcastOperation, keys: t.readonlyArray(BackendKey) },
  { result: BroadcastResult },
);

/**
 * A recorded targeted broadcast: its operation and keys, and optionally the result it had when it
 * was recorded. Log format version 2 added it.
 *
 * @since 0.2.0
 */
export interface BroadcastToRecord extends t.TypeOf<typeof BroadcastToRecordC> {}

/**
 * A `RegistryAction`, where a `Broadcast` or a `BroadcastTo` may carry an optional `result`: the
 * result recorded when it ran, to verify a replay against.
 *
 * @since 0.1.0
 */
export const LogRecord: t.Type<LogRecord, LogRecord> = tagged('LogRecord', {
  ...registryActionMembers,
  Broadcast: BroadcastRecordC,
  BroadcastTo: BroadcastToRecordC,
});

/**
 * What the `LogRecord` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type LogRecord =
  Exclude<RegistryAction, BroadcastAction | BroadcastToAction> | BroadcastRecord | BroadcastToRecord;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The log record for `action`; a broadcast (to all or to some) carries `result` when one is given.
 *
 * @example
 * import { broadcast, broadcastAction, createRegistry, logRecord, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const operation = releaseHandlesOperation('/var/cache/zccache')
 * const { result } = broadcast(createRegistry(), operation)
 * logRecord(broadcastAction(operation)) // replayed as it is
 * logRecord(broadcastAction(operation), result) // replayed, and its result verified
 *
 * @since 0.1.0
 */
export const logRecord = (action: RegistryAction, result?: BroadcastResult): LogRecord =>
  result === undefined
    ? action
    : action._tag === 'Broadcast'
      ? { _tag: 'Broadcast', operation: action.operation, result }
      : action._tag === 'BroadcastTo'
        ? { _tag: 'BroadcastTo', operation: action.operation, keys: action.keys, result }
        : action;

/**
 * Apply `action` with `step` and give the record a recorder writes for it: the action as it is,
 * and for a broadcast (to all or to some), the result it had (unless `withResult` is false). Replaying the records
 * with `replayLog` and `verify` reproduces each recorded result.
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
  const record =
    withResult && (event._tag === 'OperationBroadcast' || event._tag === 'OperationBroadcastTo')
      ? logRecord(action, event.result)
      : action;
  return Object.freeze({ state: next.state, result: record });
};

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The action a record records, without any recorded result.
 *
 * @since 0.1.0
 */
export const recordAction = (record: LogRecord): RegistryAction =>
  record._tag === 'Broadcast'
    ? { _tag: 'Broadcast', operation: record.operation }
    : record._tag === 'BroadcastTo'
      ? { _tag: 'BroadcastTo', operation: record.operation, keys: record.keys }
      : record;

/**
 * The result a record recorded, if it is a broadcast (to all or to some) that carries one.
 *
 * @since 0.1.0
 */
export const recordedResult = (record: LogRecord): BroadcastResult | undefined =>
  record._tag === 'Broadcast' || record._tag === 'BroadcastTo' ? record.result : undefined;

// -------------------------------------------------------------------------------------
// versions
// -------------------------------------------------------------------------------------

/** The lines of a version 1 log: every kind of line but `BroadcastTo`, which version 2 added. */
const LogRecordVersion1 = tagged('LogRecord', {
  Register: registryActionMembers.Register,
  SetLive: registryActionMembers.SetLive,
  SetResponse: registryActionMembers.SetResponse,
  Unregister: registryActionMembers.Unregister,
  Broadcast: BroadcastRecordC,
});

/** The record decoder of each log format version: the one place a new version adds a row. */
const recordDecoders: Readonly<Record<LogVersion, (input: unknown) => E.Either<ReadonlyArray<string>, LogRecord>>> = {
  1: (input) =>
    isRecord(input) && input._tag === 'BroadcastTo'
      ? E.left(['_tag: "BroadcastTo" lines need log format version 2, and this log is version 1'])
      : decode(LogRecordVersion1, input),
  2: (input) => decode(LogRecord, input),
};

/**
 * Decode a parsed record line of a log of format `version`: a version 1 line is a version 2 line
 * as it is (version 2 only added a kind of line), but a `BroadcastTo` line in a version 1 log is
 * refused, saying which version it needs. Never throws.
 *
 * @internal
 */
export const decodeLogRecord = (version: LogVersion, input: unknown): E.Either<ReadonlyArray<string>, LogRecord> =>
  recordDecoders[version](input);

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * A record as one line of JSON (without the line end). Decoding the line gives the record back.
 *
 * @example
 * import { backendKey, encodeRecordLine, liveBackend, registerAction, sharedInstance } from 'lifecycle-broadcast'
 *
 * encodeRecordLine(registerAction(liveBackend(backendKey(sharedInstance, 'soldr', '0.4.1'))))
 * // '{"_tag":"Register","backend":{"key":{...},"live":true,"response":{"_tag":"Ack"}}}'
 *
 * @since 0.1.0
 */
export const encodeRecordLine = (record: LogRecord): string => JSON.stringify(LogRecord.encode(record));
