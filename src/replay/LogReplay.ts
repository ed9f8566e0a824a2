/**
 * `LogReplay`: the outcome of a replay (`replayLog`, `replayLines`), why one stopped early, and
 * the folds over them.
 *
 * @since 0.3.0
 */
import * as O from 'fp-ts/Option';

import type { LogHeader } from '../log/LogHeader';
import type { InvalidLine, ReadFailed } from '../log/logReader';
import type { LogStats } from './LogStats';
import { matchTag } from '../internal/match';
import type { Registry } from '../registry/Registry';
import type { Divergence } from './verify';

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
