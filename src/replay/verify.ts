/**
 * Verification of a replay against a recording: where a log line carries the result a broadcast
 * had when it ran, the replayed result must be the same.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import { BroadcastResult } from '../domain/BroadcastResult';
import { show } from '../internal/codec';
import { jsonDifference } from '../internal/jsonDifference';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A recorded result that the replay does not reproduce: the line, the first field where the two
 * differ with the value each has there, and both results in full (as their codec encodes them).
 *
 * @since 0.1.0
 */
export interface Divergence {
  readonly line: number;
  /** The first differing field, such as `timeouts[0].ackTimeoutMs`, or `(root)`. */
  readonly path: string;
  /** The recorded value at `path` (`undefined` when the recorded result has nothing there). */
  readonly recordedValue: unknown;
  /** The replayed value at `path` (`undefined` when the replayed result has nothing there). */
  readonly replayedValue: unknown;
  readonly recorded: unknown;
  readonly replayed: unknown;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Compare the result recorded on line `line` with the one the replay computed: `none` when they
 * are equal (as encoded, so field order does not matter), otherwise the divergence.
 *
 * @example
 * import {
 *   backendKey,
 *   broadcast,
 *   broadcastPolicy,
 *   compareResults,
 *   createRegistry,
 *   liveBackend,
 *   quiesceOperation,
 *   register,
 *   sharedInstance,
 *   timeout,
 *   withResponse,
 * } from 'lifecycle-broadcast'
 *
 * // One backend that times out: recorded under a 250 ms policy, replayed under the default 5 s.
 * const slow = withResponse(liveBackend(backendKey(sharedInstance, 'zccache', '1.11.20')), timeout)
 * const operation = quiesceOperation('Maintenance')
 * const recorded = broadcast(register(createRegistry(broadcastPolicy(250)), slow).state, operation).result
 * const replayed = broadcast(register(createRegistry(), slow).state, operation).result
 * compareResults(7, recorded, replayed)
 * // some({ line: 7, path: 'timeouts[0].ackTimeoutMs', recordedValue: 250, replayedValue: 5000, ... })
 *
 * @since 0.1.0
 */
export const compareResults = (
  line: number,
  recorded: BroadcastResult,
  replayed: BroadcastResult,
): O.Option<Divergence> => {
  // Both are plain data of one codec, so they can be walked as they are; encoding (which copies)
  // is left for the rare result that differs.
  const d = jsonDifference(recorded, replayed);
  return d === undefined
    ? O.none
    : O.some(
        Object.freeze({
          line,
          path: d.path,
          recordedValue: d.left,
          replayedValue: d.right,
          recorded: BroadcastResult.encode(recorded),
          replayed: BroadcastResult.encode(replayed),
        }),
      );
};

/**
 * One line of text describing a divergence, naming the line, the field and both values there.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { describeDivergence, replayLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'), { verify: true })
 * if (O.isSome(r.firstDivergence)) {
 *   console.error(describeDivergence(r.firstDivergence.value))
 *   // such as: line 7: the recorded result differs from the replayed one at timeouts[0].ackTimeoutMs: recorded 250, replayed 5000
 * }
 *
 * @since 0.1.0
 */
export const describeDivergence = (d: Divergence): string =>
  `line ${String(d.line)}: the recorded result differs from the replayed one at ${d.path}: recorded ${show(
    d.recordedValue,
  )}, replayed ${show(d.replayedValue)}`;
