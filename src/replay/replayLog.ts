/**
 * `replayLog`: stream an operation log through `step`, folding the registry and its statistics
 * line by line, in strict or lenient mode, optionally verifying recorded results.
 *
 * @since 0.1.0
 */
import type { InvalidLine, LogSource, ReadLogOptions } from '../log/logReader';
import { atLine } from './LogBound';
import type { LogReplay, ReplayMode } from './LogReplay';
import { replayAs } from './replayLines';
import { definedFields, optionalInteger, optionsObject } from '../internal/options';

export { DEFAULT_MAX_PROBLEMS } from './replayLines';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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
