/**
 * `replayLog`: stream an operation log through `step`, folding the registry and its statistics
 * line by line, in strict or lenient mode, optionally verifying recorded results.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { KeyInterner } from '../domain/BackendKey';
import { keyInterner } from '../domain/BackendKey';
import type { LogRecord } from './LogRecord';
import { recordedResult } from './LogRecord';
import type { LogHeader } from './LogHeader';
import type { InvalidLine, LogSource, ReadFailed, ReadLogOptions } from './logReader';
import { checkReadArguments, logLineBatches } from './logReader';
import type { LogStats } from './LogStats';
import { statsAccumulator } from './LogStats';
import { errorMessage } from '../internal/errorMessage';
import { matchTag } from '../internal/match';
import { checkFunction, optionalInteger, optionalOfType, optionalOneOf, optionsObject } from '../internal/options';
import type { Registry } from '../registry/Registry';
import { broadcast, broadcastCounted, createRegistry } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import { stepChecked } from '../registry/step';
import type { Divergence } from './verify';
import { compareResults } from './verify';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What to do with a bad line: `strict` stops there, `lenient` skips it and goes on.
 *
 * @since 0.1.0
 */
export type ReplayMode = 'strict' | 'lenient';

/**
 * How many bad lines a replay keeps in `problems` by default (all are counted and passed to
 * `onInvalidLine`).
 *
 * @since 0.1.0
 */
export const DEFAULT_MAX_PROBLEMS = 100;

/**
 * Options of `replayLog`. Each is checked at the call: a wrong one rejects with a `TypeError` or
 * `RangeError` naming it, before anything is read.
 *
 * @since 0.1.0
 */
export interface ReplayLogOptions extends ReadLogOptions {
  /** `'strict'` (the default) or `'lenient'`; anything else is a `RangeError`. */
  readonly mode?: ReplayMode;
  /** Compare each recorded result with the replayed one. */
  readonly verify?: boolean;
  /**
   * Stop after this line (a positive integer, numbered from 1, the header included): the registry
   * as it was then.
   */
  readonly at?: number;
  /** How many bad lines to keep in `problems` (an integer of at least 0); `DEFAULT_MAX_PROBLEMS` by default. */
  readonly maxProblems?: number;
  /**
   * Called with every bad line as it is met (a fatal header too). If it throws, the replay stops
   * there with `StoppedAtCallbackError`, keeping the state so far.
   */
  readonly onInvalidLine?: (line: InvalidLine) => void;
}

/**
 * The replay stopped because the `onInvalidLine` callback threw on line `line`.
 *
 * @since 0.2.0
 */
export interface StoppedAtCallbackError {
  readonly _tag: 'StoppedAtCallbackError';
  readonly line: number;
  /** One line: `onInvalidLine threw on line 7: ...`. */
  readonly message: string;
}

/**
 * Why a replay ended before the end of the log: a bad line (the first one in strict mode, or a
 * bad header in any mode), a source that could not be read, or an `onInvalidLine` callback that
 * threw.
 *
 * @since 0.1.0
 */
export type ReplayStop =
  | { readonly _tag: 'StoppedAtInvalidLine'; readonly invalid: InvalidLine }
  | { readonly _tag: 'StoppedAtReadFailure'; readonly failure: ReadFailed }
  | StoppedAtCallbackError;

/**
 * The outcome of a replay. `state` is the registry after `lastLine`, the last line applied: all
 * that a bad line or a broken source leaves is kept.
 *
 * @since 0.1.0
 */
export interface LogReplay {
  /** The log's header; `none` when it was missing or refused. */
  readonly header: O.Option<LogHeader>;
  readonly state: Registry;
  readonly stats: LogStats;
  /** The number of the last line read and accepted (0 if none). */
  readonly lastLine: number;
  /** How many bad lines were met. */
  readonly invalidLines: number;
  /** The first `maxProblems` bad lines. */
  readonly problems: ReadonlyArray<InvalidLine>;
  /** How many recorded results were compared (when verifying). */
  readonly checked: number;
  /** How many recorded results the replay did not reproduce. */
  readonly divergences: number;
  /** The first of them. */
  readonly firstDivergence: O.Option<Divergence>;
  /** Why the replay ended early, if it did. */
  readonly stopped: O.Option<ReplayStop>;
}

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold the reason a replay stopped.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { describeInvalidLine, matchReplayStop, replayLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'))
 * if (O.isSome(r.stopped)) {
 *   console.error(
 *     matchReplayStop({
 *       StoppedAtInvalidLine: (s) => `stopped: ${describeInvalidLine(s.invalid)}`,
 *       StoppedAtReadFailure: (s) => `stopped after line ${s.failure.line}: ${s.failure.message}`,
 *       StoppedAtCallbackError: (s) => s.message,
 *     })(r.stopped.value),
 *   )
 * }
 *
 * @since 0.1.0
 */
export const matchReplayStop = matchTag<ReplayStop>();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * True when the replay read its log to the end (or to `at`) and met no bad line and no
 * divergence.
 *
 * @example
 * import { isCleanReplay, replayLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'), { mode: 'lenient', verify: true })
 * process.exitCode = isCleanReplay(r) ? 0 : 1
 *
 * @since 0.1.0
 */
export const isCleanReplay = (r: LogReplay): boolean =>
  O.isNone(r.stopped) && r.invalidLines === 0 && r.divergences === 0;

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

/**
 * Replay the log in `source` from an empty registry with the header's policy. Lines are read and
 * applied one at a time, so memory is that of the registry and statistics, not of the log.
 * Nothing in the log or the source makes it reject: bad lines, divergences, read failures and a
 * throwing `onInvalidLine` are all in the outcome. Only a wrong call rejects, before anything is
 * read: a source that is not a sequence of chunks, or an invalid option (`TypeError` or
 * `RangeError`, naming the option).
 *
 * @example
 * import { replayLog, snapshot } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'), { mode: 'lenient', verify: true })
 * console.log(r.invalidLines, r.divergences, snapshot(r.state))
 *
 * @since 0.1.0
 */
export const replayLog = async (source: LogSource, options: ReplayLogOptions = {}): Promise<LogReplay> => {
  const fn = 'replayLog';
  const reading = checkReadArguments(fn, source, options);
  const o = optionsObject(fn, options);
  const strict = (optionalOneOf(fn, 'mode', o.mode, ['strict', 'lenient']) ?? 'strict') === 'strict';
  const verify = optionalOfType(fn, 'verify', o.verify, 'boolean') ?? false;
  const at = optionalInteger(fn, 'at', o.at, 1) ?? Number.POSITIVE_INFINITY;
  const maxProblems = optionalInteger(fn, 'maxProblems', o.maxProblems, 0) ?? DEFAULT_MAX_PROBLEMS;
  checkFunction(fn, 'onInvalidLine', o.onInvalidLine);
  const { onInvalidLine } = options;

  let header: O.Option<LogHeader> = O.none;
  let state = createRegistry();
  // Owned by this replay alone, so folded in place and frozen once at the end.
  const stats = statsAccumulator();
  const keys = keyInterner();
  let lastLine = 0;
  let invalidLines = 0;
  const problems: InvalidLine[] = [];
  let checked = 0;
  let divergences = 0;
  let firstDivergence: O.Option<Divergence> = O.none;
  let stopped: O.Option<ReplayStop> = O.none;

  const reject = (l: InvalidLine): boolean => {
    invalidLines += 1;
    if (problems.length < maxProblems) {
      problems.push(l);
    }
    try {
      onInvalidLine?.(l);
    } catch (error: unknown) {
      stopped = O.some({
        _tag: 'StoppedAtCallbackError',
        line: l.line,
        message: `onInvalidLine threw on line ${String(l.line)}: ${errorMessage(error)}`,
      });
      return false;
    }
    if (strict || l.fatal) {
      stopped = O.some({ _tag: 'StoppedAtInvalidLine', invalid: l });
      return false;
    }
    return true;
  };

  // Each handler says whether to go on.
  read: for await (const batch of logLineBatches(source, reading)) {
    for (const l of batch) {
      if (l.line > at) {
        break read;
      }
      let goOn: boolean;
      switch (l._tag) {
        case 'HeaderLine':
          header = O.some(l.header);
          state = createRegistry(l.header.policy);
          lastLine = l.line;
          goOn = true;
          break;
        case 'RecordLine': {
          const record = l.record;
          lastLine = l.line;
          const recorded = verify ? recordedResult(record) : undefined;
          if (record._tag === 'Broadcast' && recorded === undefined) {
            // Nothing looks at this broadcast's lists: apply it in O(1), whatever the backends.
            // A `BroadcastTo` takes the normal path, which records which backends it reached.
            const before = state;
            const b = broadcastCounted(before, record.operation);
            state = b.state;
            // Its result is built only if the statistics need it (a retry after it, or the end).
            stats.addBroadcast(b.operation, b.status, () => broadcast(before, b.operation).result);
            goOn = true;
            break;
          }
          // The reader decoded the record with the action codecs: `step`'s check would be a second one.
          const next = stepChecked(state, internedAction(keys, record));
          state = next.state;
          stats.add(next.result);
          if (
            recorded !== undefined &&
            (next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo')
          ) {
            checked += 1;
            const d = compareResults(l.line, recorded, next.result.result);
            if (O.isSome(d)) {
              divergences += 1;
              if (O.isNone(firstDivergence)) {
                firstDivergence = d;
              }
            }
          }
          goOn = true;
          break;
        }
        case 'InvalidLine':
          goOn = reject(l);
          break;
        case 'ReadFailed':
          stopped = O.some({ _tag: 'StoppedAtReadFailure', failure: l });
          goOn = false;
          break;
      }
      if (!goOn) {
        break read;
      }
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
  });
};
