/**
 * The replay engine behind the incident tools: it folds decoded log lines through `step` as
 * `replayLog` does, and can also start from a saved point (a checkpoint), stop at a line or a
 * time, count its statistics only from a line or a time on, and show every step it applies to
 * an observer (the report, the what-if replay, the index builder).
 *
 * It reads no file: it is given the decoded lines, in batches, from any source.
 *
 * @since 0.2.0
 */
import * as O from 'fp-ts/Option';

import { hasRecordedResult } from '../log/LogRecord';
import type { LogRecord } from '../log/LogRecord';
import type { LogHeader } from '../log/LogHeader';
import type { InvalidLine, LogSource, ReadLogOptions } from '../log/logReader';
import { checkReadArguments, logLineBatches } from '../log/logReader';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { errorMessage } from '../internal/errorMessage';
import type { Backend } from '../domain/Backend';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import type { KeyInterner } from '../domain/BackendKey';
import { keyInterner } from '../domain/BackendKey';
import type { RegistryAction } from '../registry/RegistryAction';
import { checkFunction, optionalInteger, optionalOfType, optionalOneOf, optionsObject } from '../internal/options';
import type { LogStats } from './LogStats';
import { statsAccumulator } from './LogStats';
import type { Registry } from '../registry/Registry';
import { broadcast, broadcastCounted, checkRegistry, createRegistry } from '../registry/Registry';
import type { RegistryEvent } from '../registry/RegistryEvent';
import { stepChecked } from '../registry/step';
import type { LogReplay, ReplayMode, ReplayStop } from './LogReplay';
import type { Divergence } from './verify';
import { compareRecorded } from './verify';
import type { LogBound } from './LogBound';
import { checkLogBound } from './LogBound';
import { seedStats } from './seedStats';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a replay starts when it does not start from the header: the outcome of replaying the
 * log up to `lastLine` (as a checkpoint saves it). `counting` says whether the statistics had
 * begun by then.
 *
 * @since 0.2.0
 */
export interface ReplayStart {
  readonly header: LogHeader;
  readonly state: Registry;
  readonly stats: LogStats;
  readonly lastLine: number;
  /** The latest record time met so far, if any. */
  readonly lastTime: O.Option<number>;
  readonly checked: number;
  readonly divergences: number;
  readonly firstDivergence: O.Option<Divergence>;
  readonly counting: boolean;
}

/**
 * One record applied by the replay, as an observer sees it.
 *
 * @since 0.2.0
 */
export interface ReplayStep {
  readonly line: number;
  readonly record: LogRecord;
  /** The record's time, if it carries one. */
  readonly time: number | undefined;
  /** The registry before the record. */
  readonly before: Registry;
  /** The registry after it. */
  readonly state: Registry;
  readonly event: RegistryEvent;
  /** When verifying, the divergence of a recorded result the replay did not reproduce. */
  readonly divergence: O.Option<Divergence>;
  /** Whether the record falls within the window the statistics count (see `from`). */
  readonly counted: boolean;
}

/**
 * A broadcast to every live backend as `onBroadcast` sees it: its status, no result lists.
 *
 * @since 0.3.0
 */
export interface ReplayBroadcast {
  readonly line: number;
  /** The record's time, if it carries one. */
  readonly time: number | undefined;
  readonly operation: BroadcastOperation;
  readonly status: BroadcastResult['_tag'];
  /** The registry before the broadcast. */
  readonly before: Registry;
  /** Whether the record falls within the window the statistics count (see `from`). */
  readonly counted: boolean;
}

/**
 * Options of `replayLines`.
 *
 * @since 0.2.0
 */
export interface ReplayLinesOptions extends ReadLogOptions {
  /** `strict` (the default) or `lenient`. */
  readonly mode?: ReplayMode;
  /** Compare each recorded result with the replayed one. */
  readonly verify?: boolean;
  /**
   * Stop there: after that line, or before the first record whose time is later than that time
   * (records without a time do not stop it).
   */
  readonly until?: LogBound;
  /**
   * Count statistics and verification only from there on: from that line, or from the first
   * record whose time is at or after that time. The registry is replayed from the start all the
   * same; the statistics begin with a row for every backend it holds then.
   */
  readonly from?: LogBound;
  /**
   * Resume from a saved point instead of the header: the source then holds the lines after the
   * point's line (the rest of the log, without its header).
   */
  readonly start?: ReplayStart;
  /** How many bad lines to keep in `problems`; `DEFAULT_MAX_PROBLEMS` by default. */
  readonly maxProblems?: number;
  /** Called with every bad line as it is met (a fatal header too). */
  readonly onInvalidLine?: (line: InvalidLine) => void;
  /** Called with every record the replay applies, in order (but see `onBroadcast`). */
  readonly onStep?: (step: ReplayStep) => void;
  /**
   * When given, a `Broadcast` record whose recorded result is not compared is applied in O(1)
   * and given here instead of to `onStep` (the report knows each backend's answer already).
   *
   * @since 0.3.0
   */
  readonly onBroadcast?: (broadcast: ReplayBroadcast) => void;
  /** Called after each batch of lines read with the number of the last one (for a progress bar). */
  readonly onLines?: (line: number) => void;
  /**
   * Called with the point after every `snapshotEvery`-th line (line 10,000, 20,000, ... for
   * 10,000), for as long as no bad line has been met: what a checkpoint saves. A point is given
   * when the first line after it is read, so the last lines of a log have none.
   */
  readonly onSnapshot?: (point: ReplayStart) => void;
  /** How many lines apart the points given to `onSnapshot` are (default 10,000). */
  readonly snapshotEvery?: number;
}

/**
 * The outcome of `replayLines`: the `LogReplay` of `replayLog`, with the latest time met and
 * where the statistics began.
 *
 * @since 0.2.0
 */
export interface LinesReplay extends LogReplay {
  /** The latest record time met, if any record carried one. */
  readonly lastTime: O.Option<number>;
  /** The first line counted by the statistics (`none` when none was). */
  readonly countedFrom: O.Option<number>;
}

/**
 * How many bad lines a replay keeps in `problems` by default (all are counted and passed to
 * `onInvalidLine`).
 *
 * @since 0.1.0
 */
export const DEFAULT_MAX_PROBLEMS = 100;

/**
 * The action of a decoded entry, its key replaced by the canonical one of `keys`: a decoded key is
 * a fresh object on every line, the canonical one has its id and hash computed once.
 *
 * @internal
 */
export const internedAction = (keys: KeyInterner, entry: LogRecord): RegistryAction => {
  switch (entry._tag) {
    case 'Register': {
      const b = entry.backend;
      const backend: Backend = { key: keys.intern(b.key), live: b.live, response: b.response };
      return { _tag: 'Register', backend };
    }
    case 'SetLive':
      return { _tag: 'SetLive', key: keys.intern(entry.key), live: entry.live };
    case 'SetResponse':
      return { _tag: 'SetResponse', key: keys.intern(entry.key), response: entry.response };
    case 'Unregister':
      return { _tag: 'Unregister', key: keys.intern(entry.key) };
    case 'Broadcast':
      return { _tag: 'Broadcast', operation: entry.operation };
    case 'BroadcastTo':
      return { _tag: 'BroadcastTo', operation: entry.operation, keys: entry.keys.map((k) => keys.intern(k)) };
  }
};

// -------------------------------------------------------------------------------------
// replay
// -------------------------------------------------------------------------------------

/** Whether `u` has the shape of a `ReplayStart` (its registry is checked apart). */
const isReplayStart = (u: unknown): u is ReplayStart =>
  isRecord(u) &&
  isRecord(u.header) &&
  isRecord(u.stats) &&
  typeof u.lastLine === 'number' &&
  Number.isSafeInteger(u.lastLine) &&
  u.lastLine >= 0;

/** Whether a record at `line` and `time` lies at or after `from`. */
const reaches = (from: LogBound, line: number, time: number | undefined): boolean =>
  from._tag === 'AtLine' ? line >= from.line : time !== undefined && time >= from.time;

/** Whether a record at `line` and `time` lies beyond `until`. */
const beyond = (until: LogBound, line: number, time: number | undefined): boolean =>
  until._tag === 'AtLine' ? line > until.line : time !== undefined && time > until.time;

/**
 * Replay the log read from `source` (see `LogSource`) from its header, or, given `start`, the
 * rest of a log from that point on. It never throws, and agrees with `replayLog` when given
 * none of the new options: the same registry, statistics, bad lines and divergences.
 *
 * @example
 * import { atTime, replayLines } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLines(fileSource('broker.ndjson'), { verify: true, until: atTime(Date.parse('2026-11-27T14:05:00Z')) })
 * console.log(r.lastLine, r.stats.steps)
 *
 * @since 0.2.0
 */
export const replayLines = (source: LogSource, options: ReplayLinesOptions = {}): Promise<LinesReplay> =>
  replayAs('replayLines', source, options);

/**
 * `replayLines` for `fn`, which names `fn` in the errors of a wrong call: the one replay engine,
 * behind `replayLog` too.
 *
 * @internal
 */
export const replayAs = async (fn: string, source: LogSource, options: ReplayLinesOptions): Promise<LinesReplay> => {
  const reading = checkReadArguments(fn, source, options);
  const o = optionsObject(fn, options);
  const strict = (optionalOneOf(fn, 'mode', o.mode, ['strict', 'lenient']) ?? 'strict') === 'strict';
  const verify = optionalOfType(fn, 'verify', o.verify, 'boolean') ?? false;
  const maxProblems = optionalInteger(fn, 'maxProblems', o.maxProblems, 0) ?? DEFAULT_MAX_PROBLEMS;
  const snapshotEvery = optionalInteger(fn, 'snapshotEvery', o.snapshotEvery, 1) ?? 10_000;
  const until = checkLogBound(fn, 'until', o.until);
  const from = checkLogBound(fn, 'from', o.from);
  for (const name of ['onInvalidLine', 'onStep', 'onBroadcast', 'onLines', 'onSnapshot'] as const) {
    checkFunction(fn, name, o[name]);
  }
  if (o.start !== undefined && !isReplayStart(o.start)) {
    throw new TypeError(
      `${fn}: start must be a point a replay or a checkpoint gave (see onSnapshot), got ${show(o.start)}`,
    );
  }
  if (o.start !== undefined) {
    checkRegistry(fn, o.start.state);
  }
  const { onStep, onBroadcast, onLines, start } = options;
  const batches = logLineBatches(
    source,
    reading,
    start === undefined ? undefined : { header: start.header, line: start.lastLine },
  );

  let header: O.Option<LogHeader> = start === undefined ? O.none : O.some(start.header);
  let state = start?.state ?? createRegistry();
  let counting = start?.counting ?? from === undefined;
  // Owned by this replay alone, so folded in place; frozen for each snapshot and at the end.
  let stats = statsAccumulator(start?.stats);
  const keys = keyInterner();
  let lastLine = start?.lastLine ?? 0;
  let lastTime: O.Option<number> = start?.lastTime ?? O.none;
  let countedFrom: O.Option<number> = O.none;
  let invalidLines = 0;
  const problems: InvalidLine[] = [];
  let checked = verify ? (start?.checked ?? 0) : 0;
  let divergences = verify ? (start?.divergences ?? 0) : 0;
  let firstDivergence: O.Option<Divergence> = verify ? (start?.firstDivergence ?? O.none) : O.none;
  let stopped: O.Option<ReplayStop> = O.none;

  /** Call an observer; false (and the replay stopped, saying why) when it throws. */
  const observe = <A>(name: string, line: number, f: ((a: A) => void) | undefined, a: A): boolean => {
    try {
      f?.(a);
      return true;
    } catch (error: unknown) {
      stopped = O.some({
        _tag: 'StoppedAtCallbackError',
        line,
        message: `${name} threw on line ${String(line)}: ${errorMessage(error)}`,
      });
      return false;
    }
  };

  const reject = (l: InvalidLine): boolean => {
    invalidLines += 1;
    if (problems.length < maxProblems) {
      problems.push(l);
    }
    if (!observe('onInvalidLine', l.line, options.onInvalidLine, l)) {
      return false;
    }
    if (strict || l.fatal) {
      stopped = O.some({ _tag: 'StoppedAtInvalidLine', invalid: l });
      return false;
    }
    return true;
  };

  const { onSnapshot } = options;
  const every = snapshotEvery;
  let nextSnapshot = (Math.floor(lastLine / every) + 1) * every;
  const snapshotBefore = (line: number): boolean => {
    if (line <= nextSnapshot || onSnapshot === undefined) {
      return true;
    }
    const at = Math.floor((line - 1) / every) * every;
    nextSnapshot = at + every;
    if (invalidLines === 0 && O.isSome(header)) {
      return observe(
        'onSnapshot',
        line,
        onSnapshot,
        Object.freeze({
          header: header.value,
          state,
          stats: stats.result(),
          lastLine: at,
          lastTime,
          checked,
          divergences,
          firstDivergence,
          counting,
        }),
      );
    }
    return true;
  };

  read: for await (const batch of batches) {
    for (const l of batch) {
      if (until?._tag === 'AtLine' && l.line > until.line) {
        break read;
      }
      switch (l._tag) {
        case 'HeaderLine':
          header = O.some(l.header);
          state = createRegistry(l.header.policy);
          lastLine = l.line;
          break;
        case 'RecordLine': {
          const record = l.record;
          const time = record.time;
          if (until !== undefined && beyond(until, l.line, time)) {
            break read;
          }
          if (!snapshotBefore(l.line)) {
            break read;
          }
          if (!counting && from !== undefined && reaches(from, l.line, time)) {
            counting = true;
            stats = statsAccumulator(seedStats(state));
          }
          lastLine = l.line;
          if (time !== undefined && (O.isNone(lastTime) || time > lastTime.value)) {
            lastTime = O.some(time);
          }
          const before = state;
          const recorded = verify && counting && hasRecordedResult(record);
          if (record._tag === 'Broadcast' && !recorded && (onStep === undefined || onBroadcast !== undefined)) {
            // Nobody looks at this broadcast's lists: apply it in O(1), whatever the backends.
            const b = broadcastCounted(before, record.operation);
            state = b.state;
            if (counting) {
              if (O.isNone(countedFrom)) {
                countedFrom = O.some(l.line);
              }
              // Its result is built only if the statistics need it (a retry after it, or the end).
              stats.addBroadcast(b.operation, b.status, () => broadcast(before, b.operation).result);
            }
            const seen =
              onBroadcast === undefined ||
              observe('onBroadcast', l.line, onBroadcast, {
                line: l.line,
                time,
                operation: b.operation,
                status: b.status,
                before,
                counted: counting,
              });
            if (!seen) {
              break read;
            }
            break;
          }
          // The reader decoded the record with the action codecs: `step`'s check would be a second one.
          const next = stepChecked(state, internedAction(keys, record));
          state = next.state;
          let divergence: O.Option<Divergence> = O.none;
          if (counting) {
            if (O.isNone(countedFrom)) {
              countedFrom = O.some(l.line);
            }
            stats.add(next.result);
            if (
              recorded &&
              (next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo')
            ) {
              checked += 1;
              divergence = compareRecorded(l.line, record, next.result.result);
              if (O.isSome(divergence)) {
                divergences += 1;
                if (O.isNone(firstDivergence)) {
                  firstDivergence = divergence;
                }
              }
            }
          }
          const seen = observe('onStep', l.line, onStep, {
            line: l.line,
            record,
            time,
            before,
            state,
            event: next.result,
            divergence,
            counted: counting,
          });
          if (!seen) {
            break read;
          }
          break;
        }
        case 'InvalidLine':
          if (!snapshotBefore(l.line) || !reject(l)) {
            break read;
          }
          break;
        case 'ReadFailed':
          stopped = O.some({ _tag: 'StoppedAtReadFailure', failure: l });
          break read;
      }
    }
    const lastOfBatch = batch[batch.length - 1];
    if (lastOfBatch !== undefined && !observe('onLines', lastOfBatch.line, onLines, lastOfBatch.line)) {
      break;
    }
  }

  return Object.freeze({
    header,
    state,
    stats: stats.result(),
    lastLine,
    invalidLines,
    problems: Object.freeze(problems),
    checked,
    divergences,
    firstDivergence,
    stopped,
    lastTime,
    countedFrom,
  });
};
