/**
 * One recorded step: a registry action as its codec encodes it, where a broadcast may also carry
 * the result it had when it was recorded. This is the shape of every line of an operation log
 * after its header, and what the Redux recorder writes.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BackendKey } from './BackendKey';
import { BroadcastOperation } from './BroadcastOperation';
import { BroadcastResult } from './BroadcastResult';
import { closedWith, decode, tagged } from './codec';
import type { LogVersion } from './LogHeader';
import type { RegistryAction } from './RegistryAction';
import { registryActionMembers } from './RegistryAction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const recordedBroadcast = closedWith(
  'Broadcast',
  { _tag: t.literal('Broadcast'), operation: BroadcastOperation },
  { result: BroadcastResult },
);

/**
 * A `RegistryAction`, where a `Broadcast` or a `BroadcastTo` may carry an optional `result`: the
 * result recorded when it ran, to verify a replay against.
 *
 * @since 0.1.0
 */
export const LogEntry = tagged('LogEntry', {
  ...registryActionMembers,
  Broadcast: recordedBroadcast,
  BroadcastTo: closedWith(
    'BroadcastTo',
    { _tag: t.literal('BroadcastTo'), operation: BroadcastOperation, keys: t.readonlyArray(BackendKey) },
    { result: BroadcastResult },
  ),
});

/**
 * What the `LogEntry` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type LogEntry = t.TypeOf<typeof LogEntry>;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The log entry for `action`; a broadcast carries `result` when one is given.
 *
 * @example
 * import { broadcast, broadcastAction, createRegistry, logEntry, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const operation = releaseHandlesOperation('/var/cache/zccache')
 * const { result } = broadcast(createRegistry(), operation)
 * logEntry(broadcastAction(operation)) // replayed as it is
 * logEntry(broadcastAction(operation), result) // replayed, and its result verified
 *
 * @since 0.1.0
 */
export const logEntry = (action: RegistryAction, result?: BroadcastResult): LogEntry =>
  result === undefined
    ? action
    : action._tag === 'Broadcast'
      ? { _tag: 'Broadcast', operation: action.operation, result }
      : action._tag === 'BroadcastTo'
        ? { _tag: 'BroadcastTo', operation: action.operation, keys: action.keys, result }
        : action;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The action an entry records, without any recorded result.
 *
 * @since 0.1.0
 */
export const entryAction = (entry: LogEntry): RegistryAction =>
  entry._tag === 'Broadcast'
    ? { _tag: 'Broadcast', operation: entry.operation }
    : entry._tag === 'BroadcastTo'
      ? { _tag: 'BroadcastTo', operation: entry.operation, keys: entry.keys }
      : entry;

/**
 * The result an entry recorded, if it is a broadcast (to all or to some) that carries one.
 *
 * @since 0.1.0
 */
export const recordedResult = (entry: LogEntry): BroadcastResult | undefined =>
  entry._tag === 'Broadcast' || entry._tag === 'BroadcastTo' ? entry.result : undefined;

// -------------------------------------------------------------------------------------
// versions
// -------------------------------------------------------------------------------------

/** The lines of a version 1 log: every kind of line but `BroadcastTo`, which version 2 added. */
const LogEntryVersion1 = tagged('LogEntry', {
  Register: registryActionMembers.Register,
  SetLive: registryActionMembers.SetLive,
  SetResponse: registryActionMembers.SetResponse,
  Unregister: registryActionMembers.Unregister,
  Broadcast: recordedBroadcast,
});

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * Decode a parsed entry line of a log of format `version`: a version 1 line is a version 2 line
 * as it is (version 2 only added a kind of line), but a `BroadcastTo` line in a version 1 log is
 * refused, saying which version it needs. Never throws.
 *
 * @internal
 */
export const decodeLogEntry = (version: LogVersion, input: unknown): E.Either<ReadonlyArray<string>, LogEntry> => {
  if (version === 1) {
    if (isRecord(input) && input._tag === 'BroadcastTo') {
      return E.left(['_tag: "BroadcastTo" lines need log format version 2, and this log is version 1']);
    }
    return decode(LogEntryVersion1, input);
  }
  return decode(LogEntry, input);
};
