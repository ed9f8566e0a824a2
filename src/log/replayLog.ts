/**
 * `replayLog`: stream an operation log through `step`, folding the registry and its statistics
 * line by line, in strict or lenient mode, optionally verifying recorded results.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { LogHeader } from './LogHeader';
import type { InvalidLine, LogSource, ReadFailed, ReadLogOptions } from './logReader';
import type { LogStats } from './LogStats';
import { atLine } from './LogBound';
import { replayAs } from './replayLines';
import { matchTag } from '../internal/match';
import { definedFields, optionalInteger, optionsObject } from '../internal/options';
import type { Registry } from '../registry/Registry';
import type { Divergence } from './verify';

export { DEFAULT_MAX_PROBLEMS } from './replayLines';

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
  const o = optionsObject(fn, options);
  const at = optionalInteger(fn, 'at', o.at, 1);
  // Only the options of this function reach the engine: a `from` or `start` from plain
  // JavaScript is not one of them.
  const { name, maxLineLength, onProgress, mode, verify, maxProblems, onInvalidLine } = options;
  const r = await replayAs(fn, source, {
    ...definedFields({ name, maxLineLength, onProgress, mode, verify, maxProblems, onInvalidLine }),
    ...(at === undefined ? {} : { until: atLine(at) }),
  });
  return Object.freeze({
    header: r.header,
    state: r.state,
    stats: r.stats,
    lastLine: r.lastLine,
    invalidLines: r.invalidLines,
    problems: r.problems,
    checked: r.checked,
    divergences: r.divergences,
    firstDivergence: r.firstDivergence,
    stopped: r.stopped,
  });
};
