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
import type { LogRecord } from '../log/LogRecord';
import type { RecordedSummary } from '../log/RecordedSummary';
import { summaryOf } from '../log/RecordedSummary';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A recorded result that the replay does not reproduce: the line, the first field where the two
 * differ with the value each has there, and both results in full (as their codec encodes them),
 * or both summaries when the log recorded a summary (format version 3).
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
  return divergenceOf(line, jsonDifference(recorded, replayed), () => [
    BroadcastResult.encode(recorded),
    BroadcastResult.encode(replayed),
  ]);
};

/** Where two recorded results first differ, and the values each has there. */
interface Difference {
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

/** The divergence of a difference on `line` (none without one); `both` gives what each side recorded. */
const divergenceOf = (
  line: number,
  d: Difference | undefined,
  both: () => readonly [recorded: unknown, replayed: unknown],
): O.Option<Divergence> => {
  if (d === undefined) {
    return O.none;
  }
  const [recorded, replayed] = both();
  return O.some(
    Object.freeze({ line, path: d.path, recordedValue: d.left, replayedValue: d.right, recorded, replayed }),
  );
};

/** The first entry where two lists of a summary differ, as a path and both values. */
const firstEntryDifference = (
  name: string,
  recorded: ReadonlyArray<unknown>,
  replayed: ReadonlyArray<unknown>,
): Difference | undefined => {
  const n = Math.max(recorded.length, replayed.length);
  for (let i = 0; i < n; i++) {
    const d = jsonDifference(recorded[i], replayed[i]);
    if (d !== undefined) {
      return { path: `${name}[${String(i)}]`, left: recorded[i], right: replayed[i] };
    }
  }
  return undefined;
};

/**
 * Compare the summary recorded on line `line` (format version 3) with the result the replay
 * computed: `none` when the replayed result has the same counts, the same timeouts and failures
 * and the same digest. Otherwise the divergence names the first thing that differs, in this
 * order: a timeout or failure entry (so the first backend whose answer differs), the status, a
 * count, and last the digest (a difference the summary cannot place: which backends acknowledged
 * or were skipped, or their order).
 *
 * @example
 * import { broadcast, compareSummary, createRegistry, quiesceOperation, summarizeResult } from 'lifecycle-broadcast'
 *
 * const result = broadcast(createRegistry(), quiesceOperation('Maintenance')).result
 * compareSummary(3, summarizeResult(result), result) // none
 *
 * @since 0.3.0
 */
export const compareSummary = (
  line: number,
  recorded: RecordedSummary,
  replayed: BroadcastResult,
): O.Option<Divergence> => {
  const mine = summaryOf(replayed);
  const d =
    firstEntryDifference('timeouts', recorded.timeouts, mine.timeouts) ??
    firstEntryDifference('failures', recorded.failures, mine.failures) ??
    (['_tag', 'acks', 'skippedDead', 'digest'] as const)
      .filter((f) => recorded[f] !== mine[f])
      .map((f) => ({ path: f, left: recorded[f], right: mine[f] }))[0];
  return divergenceOf(line, d, () => [recorded, mine]);
};

/**
 * Compare what `record` (on line `line`) recorded of its broadcast, whole or summarised, with the
 * result the replay computed: `none` when it records nothing or the replay reproduces it.
 *
 * @internal
 */
export const compareRecorded = (line: number, record: LogRecord, replayed: BroadcastResult): O.Option<Divergence> => {
  if (record._tag !== 'Broadcast' && record._tag !== 'BroadcastTo') {
    return O.none;
  }
  if (record.summary !== undefined) {
    return compareSummary(line, record.summary, replayed);
  }
  return record.result === undefined ? O.none : compareResults(line, record.result, replayed);
};

/** Whether a value is a leaf for a field-level diff: not an object, or a non-empty array of non-objects (a key tuple). */
const isLeaf = (u: unknown): boolean =>
  typeof u !== 'object' ||
  u === null ||
  (Array.isArray(u) && u.length > 0 && u.every((x) => typeof x !== 'object' || x === null));

/** Push `path: recorded X, replayed Y` for every leaf where `a` and `b` differ; count them all. */
const walkDifferences = (a: unknown, b: unknown, path: string, out: string[], max: number): number => {
  if (isLeaf(a) || isLeaf(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (JSON.stringify(a) === JSON.stringify(b)) {
      return 0;
    }
    if (out.length < max) {
      const side = (u: unknown): string => (u === undefined ? '(nothing)' : show(u));
      out.push(`${path === '' ? '(root)' : path}: recorded ${side(a)}, replayed ${side(b)}`);
    }
    return 1;
  }
  const x = a as Readonly<Record<string, unknown>>;
  const y = b as Readonly<Record<string, unknown>>;
  if (Array.isArray(x) && Array.isArray(y)) {
    let n = 0;
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      n += walkDifferences(x[i], y[i], `${path}[${String(i)}]`, out, max);
    }
    return n;
  }
  let n = 0;
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    n += walkDifferences(x[k], y[k], path === '' ? k : `${path}.${k}`, out, max);
  }
  return n;
};

/**
 * The fields where the two sides of a divergence differ, one line each
 * (`timeouts[0].ackTimeoutMs: recorded 250, replayed 5000`), at most `max` lines in all (20 by
 * default): past that, the last line says how many more differ. What a command prints under a
 * divergence instead of both results whole.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { divergenceFields, replayLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'), { verify: true })
 * if (O.isSome(r.firstDivergence)) {
 *   divergenceFields(r.firstDivergence.value).forEach((l) => console.error(`  ${l}`))
 * }
 *
 * @since 0.3.0
 */
export const divergenceFields = (d: Divergence, max = 20): ReadonlyArray<string> => {
  const out: string[] = [];
  const limit = Math.max(1, Math.floor(max));
  const n = walkDifferences(d.recorded, d.replayed, '', out, limit);
  if (n <= limit) {
    return Object.freeze(out);
  }
  const shown = out.slice(0, limit - 1);
  return Object.freeze([...shown, `... and ${String(n - shown.length)} more differing fields`]);
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
