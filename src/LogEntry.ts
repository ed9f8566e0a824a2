/**
 * One recorded step: a registry action as its codec encodes it, where a broadcast may also carry
 * the result it had when it was recorded, and any record the time it was recorded at (format
 * version 2). This is the shape of every line of an operation log after its header, and what the
 * Redux recorder writes.
 *
 * @since 0.1.0
 */
import type * as t from 'io-ts';

import { BroadcastResult } from './BroadcastResult';
import { Millis, closedWith, tagged } from './codec';
import type { RegistryAction } from './RegistryAction';
import { registryActionProps } from './RegistryAction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The field every record may carry since format version 2: when it was recorded. */
const timed = { time: Millis };

/**
 * A `RegistryAction`, where a `Broadcast` may carry an optional `result` (the result recorded
 * when it ran, to verify a replay against) and any record an optional `time`: when it was
 * recorded, in integer milliseconds since the Unix epoch (format version 2, in a log whose header
 * declares a clock).
 *
 * @since 0.1.0
 */
export const LogEntry = tagged('LogEntry', {
  Register: closedWith('Register', registryActionProps.Register, timed),
  SetLive: closedWith('SetLive', registryActionProps.SetLive, timed),
  SetResponse: closedWith('SetResponse', registryActionProps.SetResponse, timed),
  Unregister: closedWith('Unregister', registryActionProps.Unregister, timed),
  Broadcast: closedWith('Broadcast', registryActionProps.Broadcast, { result: BroadcastResult, ...timed }),
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
 * The log entry for `action`; a broadcast carries `result` when one is given, and the entry
 * carries `time` (milliseconds since the Unix epoch) when one is given.
 *
 * @example
 * import { broadcast, broadcastAction, createRegistry, logEntry, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * const operation = releaseHandlesOperation('/var/cache/zccache')
 * const { result } = broadcast(createRegistry(), operation)
 * logEntry(broadcastAction(operation)) // replayed as it is
 * logEntry(broadcastAction(operation), result) // replayed, and its result verified
 * logEntry(broadcastAction(operation), result, Date.now()) // and placed in time
 *
 * @since 0.1.0
 */
export const logEntry = (action: RegistryAction, result?: BroadcastResult, time?: number): LogEntry => {
  const entry: LogEntry =
    action._tag === 'Broadcast' && result !== undefined
      ? { _tag: 'Broadcast', operation: action.operation, result }
      : action;
  return time === undefined ? entry : { ...entry, time };
};

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The action an entry records, without any recorded result or time.
 *
 * @since 0.1.0
 */
export const entryAction = (entry: LogEntry): RegistryAction => {
  switch (entry._tag) {
    case 'Broadcast':
      return { _tag: 'Broadcast', operation: entry.operation };
    case 'Register':
      return entry.time === undefined ? entry : { _tag: 'Register', backend: entry.backend };
    case 'SetLive':
      return entry.time === undefined ? entry : { _tag: 'SetLive', key: entry.key, live: entry.live };
    case 'SetResponse':
      return entry.time === undefined ? entry : { _tag: 'SetResponse', key: entry.key, response: entry.response };
    case 'Unregister':
      return entry.time === undefined ? entry : { _tag: 'Unregister', key: entry.key };
  }
};

/**
 * The time an entry was recorded at, in milliseconds since the Unix epoch, if it carries one.
 *
 * @since 0.2.0
 */
export const recordTime = (entry: LogEntry): number | undefined => entry.time;

/**
 * The result an entry recorded, if it is a broadcast that carries one.
 *
 * @since 0.1.0
 */
export const recordedResult = (entry: LogEntry): BroadcastResult | undefined =>
  entry._tag === 'Broadcast' ? entry.result : undefined;
