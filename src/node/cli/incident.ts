/**
 * The incident commands of the command line: `report` (the HTML timeline), on top of the
 * library's replay engine. Each returns its exit code and never throws.
 *
 * @since 0.2.0
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import { show } from '../../internal/codec';
import { errorMessage } from '../../internal/errorMessage';
import type { ShrinkCandidate, ShrinkProperty } from '../../incident/shrink';
import { diverges, invalid, matchShrinkFailure, satisfies, shrinkLog } from '../../incident/shrink';
import type { LogBound } from '../../replay/LogBound';
import { describeLogBound } from '../../replay/LogBound';
import { renderReport } from '../../incident/report';
import { backendLabel, operationLabel } from '../../incident/reportModel';
import { reportBuilder } from '../../incident/reportBuilder';
import type { Assumption } from '../../incident/whatIf';
import { describeAssumption, whatIf } from '../../incident/whatIf';
import type { LinesReplay, ReplayLinesOptions } from '../../replay/replayLines';
import { replayLines } from '../../replay/replayLines';
import { describeInvalidLine, readText } from '../../log/logReader';
import type { IndexWritten } from '../logIndex';
import { defaultIndexFile, replayIndexed, writeLogIndex } from '../logIndex';
import type { ReplayMode } from '../../replay/LogReplay';
import { describeDivergence } from '../../replay/verify';
import type { CliIO, ExitCode } from './io';
import {
  PROGRAM,
  isNatsAddress,
  openInput,
  output,
  outputJson,
  progressFor,
  refusesOverwrite,
  say,
  thousands,
} from './io';
import { printable } from '../../internal/printable';
import { describeStop } from './summary';

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const OK: ExitCode = 0;
const INVALID: ExitCode = 1;
const USAGE: ExitCode = 2;

/** Options every command that replays a log shares. */
export interface ReplayFlagsBase {
  readonly verify?: boolean;
  readonly lenient?: boolean;
  readonly maxLineLength: number;
  readonly from?: LogBound;
  readonly to?: LogBound;
  /** The index to resume from (`<log>.index` by default), or `false` (`--no-index`). */
  readonly index?: string | false;
}

/**
 * Why `--from` and the bound that stops the replay cannot go together, if they cannot: both of
 * one kind, the first after the second (a line and a time are compared only once read).
 */
export const misorderedBounds = (
  from: LogBound | undefined,
  until: LogBound | undefined,
  untilName: string,
): string | undefined => {
  if (from === undefined || until === undefined) {
    return undefined;
  }
  const after =
    from._tag === 'AtLine' && until._tag === 'AtLine'
      ? from.line > until.line
      : from._tag === 'AtTime' && until._tag === 'AtTime' && from.time > until.time;
  return after
    ? `${PROGRAM}: --from ${describeLogBound(from)} is after ${untilName} ${describeLogBound(until)}: the window is empty`
    : undefined;
};

/** The environment variable whose value, when set, is the key an index is sealed with. */
export const INDEX_KEY_VARIABLE = 'LIFECYCLE_BROADCAST_INDEX_KEY';

/** The key of the indexes written and read, from `INDEX_KEY_VARIABLE`. */
const indexKey = (): { readonly key?: string } => {
  const key = process.env[INDEX_KEY_VARIABLE];
  return key === undefined || key === '' ? {} : { key };
};

/**
 * Replay `file` with the engine, reporting bad lines on standard error as they are met, and
 * resuming from its index when it has a valid one. Whatever happened is in the outcome, a read
 * failure included.
 */
export const replayInput = async (
  file: string,
  flags: ReplayFlagsBase,
  io: CliIO,
  extra: Pick<ReplayLinesOptions, 'onStep' | 'onBroadcast' | 'until' | 'start'> = {},
): Promise<LinesReplay> => {
  const mode: ReplayMode = flags.lenient === true ? 'lenient' : 'strict';
  const { source, name, size } = openInput(file, io);
  const progress = progressFor(io, size);
  const options: ReplayLinesOptions = {
    name,
    mode,
    verify: flags.verify === true,
    ...(flags.from === undefined ? {} : { from: flags.from }),
    ...(flags.to === undefined ? {} : { until: flags.to }),
    ...extra,
    onInvalidLine: (l) => {
      progress?.clear();
      say(io.stderr, describeInvalidLine(l));
    },
  };
  const indexFile =
    flags.index === false || file === '-' || isNatsAddress(file) ? undefined : (flags.index ?? defaultIndexFile(file));
  let replay: LinesReplay;
  if (indexFile === undefined || extra.start !== undefined) {
    replay = await replayLines(source, {
      ...options,
      maxLineLength: flags.maxLineLength,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
      ...(progress?.lines === undefined ? {} : { onLines: progress.lines }),
    });
  } else {
    const indexed = await replayIndexed(file, indexFile, {
      ...options,
      ...indexKey(),
      maxLineLength: flags.maxLineLength,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    });
    progress?.clear();
    for (const w of indexed.warnings) {
      say(io.stderr, `warning: ${printable(w)}`);
    }
    replay = indexed.replay;
    resumed.set(replay, indexed.resumedAfter);
  }
  progress?.clear();
  return replay;
};

/**
 * `replayInput`, or `undefined` (with the reason printed) when the log could not be read at all
 * or the replay stopped at a callback that threw.
 */
export const replayFile = async (
  file: string,
  flags: ReplayFlagsBase,
  io: CliIO,
  extra: Pick<ReplayLinesOptions, 'onStep' | 'onBroadcast' | 'until' | 'start'> = {},
): Promise<LinesReplay | undefined> => {
  const replay = await replayInput(file, flags, io, extra);
  const stop = O.toUndefined(replay.stopped);
  if (stop !== undefined && stop._tag !== 'StoppedAtInvalidLine') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    return undefined;
  }
  return replay;
};

/** The line a replay resumed after, for replays that started from a checkpoint. */
const resumed = new WeakMap<LinesReplay, number>();

/** The line `replay` resumed after, when `replayFile` started it from a checkpoint (0 otherwise). */
export const resumedAfter = (replay: LinesReplay): number => resumed.get(replay) ?? 0;

// -------------------------------------------------------------------------------------
// index
// -------------------------------------------------------------------------------------

/** The options of `index`. */
export interface IndexFlags {
  readonly output?: string;
  readonly every: number;
  readonly maxLineLength: number;
}

/**
 * `index <log>`: write the log's checkpoints beside it.
 *
 * @since 0.2.0
 */
export const indexCommand = async (file: string, flags: IndexFlags, io: CliIO): Promise<ExitCode> => {
  if (file === '-') {
    say(io.stderr, `${PROGRAM}: index needs a file, not standard input (its checkpoints point into the file)`);
    return USAGE;
  }
  const indexFile = flags.output ?? defaultIndexFile(file);
  if (refusesOverwrite(io, 'index', file, indexFile)) {
    return USAGE;
  }
  const { size } = openInput(file, io);
  const progress = progressFor(io, size);
  let written: IndexWritten;
  try {
    written = await writeLogIndex(file, indexFile, {
      every: flags.every,
      ...indexKey(),
      maxLineLength: flags.maxLineLength,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    });
  } catch (error: unknown) {
    progress?.clear();
    say(io.stderr, `${PROGRAM}: cannot write ${printable(indexFile)}: ${printable(errorMessage(error))}`);
    return USAGE;
  }
  progress?.clear();
  const r = written.replay;
  const stop = O.toUndefined(r.stopped);
  if (stop !== undefined && stop._tag !== 'StoppedAtInvalidLine') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    return USAGE;
  }
  if (stop !== undefined) {
    say(io.stderr, `${describeStop(stop)}: checkpoints stop before this line`);
  }
  const n = thousands;
  const indexSize = written.bytes < 1024 ? `${n(written.bytes)} bytes` : `${n(Math.ceil(written.bytes / 1024))} KiB`;
  const line =
    written.checkpoints === 0
      ? `${printable(indexFile)}: no checkpoint before line ${n(r.lastLine)} (at least ${n(
          flags.every,
        )} lines apart, --every changes it; and each only once the index stays within a tenth of the log before it), ${indexSize}\n`
      : `${printable(indexFile)}: ${n(written.checkpoints)} checkpoint${
          written.checkpoints === 1 ? '' : 's'
        } at least ${n(flags.every)} lines apart, the last after line ${n(written.lastCheckpointLine)} of ${n(
          r.lastLine,
        )}, ${indexSize}${indexKey().key === undefined ? '' : ', sealed with the key'}\n`;
  return output(io, [line], stop === undefined ? OK : INVALID);
};

// -------------------------------------------------------------------------------------
// report
// -------------------------------------------------------------------------------------

/** The options of `report`. */
export interface ReportFlags extends ReplayFlagsBase {
  readonly output: string;
}

/**
 * `report <log> -o incident.html`: replay the log and write the HTML report.
 *
 * @since 0.2.0
 */
export const reportCommand = async (file: string, flags: ReportFlags, io: CliIO): Promise<ExitCode> => {
  const misordered = misorderedBounds(flags.from, flags.to, '--to');
  if (misordered !== undefined) {
    say(io.stderr, misordered);
    return USAGE;
  }
  if (refusesOverwrite(io, 'report', file, flags.output)) {
    return USAGE;
  }
  const builder = reportBuilder();
  // The report needs every step from the start of its window: no checkpoint.
  const replay = await replayFile(file, { ...flags, index: false }, io, {
    onStep: builder.add,
    onBroadcast: builder.addBroadcast,
  });
  if (replay === undefined) {
    return USAGE;
  }
  if (O.isNone(replay.header)) {
    return INVALID;
  }
  if (O.isSome(replay.firstDivergence)) {
    say(io.stderr, printable(describeDivergence(replay.firstDivergence.value)));
  }
  const model = builder.finish(replay, {
    // The page names its log; standard input has no name of its own.
    file: file === '-' ? 'standard input' : file,
    verify: flags.verify === true,
    ...(flags.from === undefined ? {} : { from: flags.from }),
    ...(flags.to === undefined ? {} : { until: flags.to }),
  });
  const html = renderReport(model);
  try {
    fs.writeFileSync(flags.output, html);
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: cannot write ${printable(flags.output)}: ${printable(errorMessage(error))}`);
    return USAGE;
  }
  const line = `${printable(flags.output)}: ${thousands(model.lanes.length)} lanes, ${thousands(
    model.columns.length,
  )} columns, ${thousands(model.summary.broadcasts.total)} broadcasts, ${thousands(
    Math.ceil(Buffer.byteLength(html) / 1024),
  )} KiB\n`;
  return output(io, [line], replay.invalidLines > 0 || replay.divergences > 0 ? INVALID : OK);
};

// -------------------------------------------------------------------------------------
// what if
// -------------------------------------------------------------------------------------

/** The options of `replay --assume`. */
export interface WhatIfFlags extends ReplayFlagsBase {
  readonly at?: LogBound;
  readonly assume: ReadonlyArray<Assumption>;
  readonly assumeFrom?: LogBound;
  readonly json?: boolean;
  /** How many differing broadcasts to list in the text output. */
  readonly limit?: number;
  /** Name the backends of each difference listed. */
  readonly verbose?: boolean;
}

/** How many differing broadcasts the text output lists by default. */
const DEFAULT_WHAT_IF_LIMIT = 20;

/** `12 backends: Timeout -> Ack 10, Failure(Rejected) -> Ack 2`; a single kind of change without its count. */
const describeAnswerChanges = (changed: number, byChange: Readonly<Record<string, number>>): string => {
  const kinds = Object.entries(byChange);
  const head = `${thousands(changed)} backend${changed === 1 ? '' : 's'}`;
  return kinds.length === 0
    ? `${head} answering otherwise`
    : `${head}: ${kinds.length === 1 ? (kinds[0]?.[0] ?? '') : kinds.map(([k, v]) => `${k} ${thousands(v)}`).join(', ')}`;
};

/**
 * `replay <log> --assume 'soldr=Ack'`: what the broadcasts would have been.
 *
 * @since 0.2.0
 */
export const whatIfCommand = async (file: string, flags: WhatIfFlags, io: CliIO): Promise<ExitCode> => {
  const until = flags.at ?? flags.to;
  const { source, size } = openInput(file, io);
  const progress = progressFor(io, size);
  const outcome = await whatIf(source, {
    maxLineLength: flags.maxLineLength,
    ...(progress === undefined ? {} : { onProgress: progress.update }),
    assumptions: flags.assume,
    ...(flags.assumeFrom === undefined ? {} : { from: flags.assumeFrom }),
    ...(until === undefined ? {} : { until }),
    ...(flags.json === true ? {} : { maxDifferences: flags.limit ?? DEFAULT_WHAT_IF_LIMIT }),
    names: flags.verbose === true,
    mode: flags.lenient === true ? 'lenient' : 'strict',
  });
  progress?.clear();
  const r = outcome.replay;
  for (const l of r.problems) {
    say(io.stderr, describeInvalidLine(l));
  }
  const stop = O.toUndefined(r.stopped);
  if (stop !== undefined && stop._tag !== 'StoppedAtInvalidLine') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    return USAGE;
  }
  if (O.isNone(r.header)) {
    return INVALID;
  }
  flags.assume.forEach((a, i) => {
    if (outcome.matched[i] === 0) {
      say(io.stderr, `warning: --assume ${printable(describeAssumption(a))} matches no backend of the log`);
    }
  });
  const n = thousands;
  if (flags.json === true) {
    return outputJson(
      io,
      file,
      {
        assumptions: flags.assume.map((a, i) => ({ assumption: describeAssumption(a), matched: outcome.matched[i] })),
        fromLine: outcome.fromLine,
        lastLine: r.lastLine,
        broadcasts: outcome.broadcasts,
        affected: outcome.affected,
        statusChanges: outcome.statusChanges,
        differences: outcome.differences.map((d) => ({
          line: d.line,
          time: d.time ?? null,
          operation: d.operation,
          recorded: d.recorded,
          assumed: d.assumed,
          changed: d.changed,
          answerChanges: d.answerChanges,
          ...(flags.verbose === true
            ? {
                changes: d.changes.map((c) => ({
                  backend: backendLabel(c.key),
                  key: c.key,
                  recorded: c.recorded,
                  assumed: c.assumed,
                })),
              }
            : {}),
        })),
      },
      r.invalidLines > 0 ? INVALID : OK,
    );
  }
  const limit = flags.limit ?? DEFAULT_WHAT_IF_LIMIT;
  const changes = Object.entries(outcome.statusChanges)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  const lines = [
    `what if     ${flags.assume
      .map(
        (a, i) =>
          `${describeAssumption(a)} (${n(outcome.matched[i] ?? 0)} backend${outcome.matched[i] === 1 ? '' : 's'})`,
      )
      .join(', ')} from line ${n(outcome.fromLine)}`,
    `broadcasts  ${n(outcome.broadcasts)} replayed to line ${n(r.lastLine)}; ${n(outcome.affected)} would have had another result`,
    `statuses    ${changes === '' ? 'no broadcast would have changed status' : changes}`,
    ...(outcome.differences.length === 0 ? [] : ['']),
    ...outcome.differences
      .slice(0, limit)
      .flatMap((d) => [
        `line ${n(d.line)}  ${operationLabel(d.operation)}  ${
          d.recorded === d.assumed ? d.recorded : `${d.recorded} -> ${d.assumed}`
        }  ${describeAnswerChanges(d.changed, d.answerChanges)}`,
        ...d.changes.map((c) => `    ${backendLabel(c.key)}: ${c.recorded} -> ${c.assumed}`),
      ]),
    ...(outcome.affected > limit
      ? [
          `... and ${n(outcome.affected - limit)} more (--limit N lists more, --json lists up to 1,000${
            flags.verbose === true ? '' : ', --verbose names the backends'
          })`,
        ]
      : outcome.differences.length > 0 && flags.verbose !== true
        ? ['(--verbose names the backends)']
        : []),
  ];
  return output(
    io,
    lines.map((l) => `${l}\n`),
    r.invalidLines > 0 ? INVALID : OK,
  );
};

// -------------------------------------------------------------------------------------
// shrink
// -------------------------------------------------------------------------------------

/** The options of `shrink`. */
export interface ShrinkFlags {
  readonly until: string;
  readonly output?: string;
  readonly maxTests: number;
}

/** Where `shrink` writes by default: `broker.ndjson` gives `broker.shrunk.ndjson`. */
const shrunkFile = (file: string): string =>
  file.endsWith('.ndjson') ? `${file.slice(0, -'.ndjson'.length)}.shrunk.ndjson` : `${file}.shrunk.ndjson`;

/** A predicate module's exports: the function itself, or as `default` or `predicate`. */
const predicateOf = (exported: unknown): ((c: ShrinkCandidate) => unknown) | undefined => {
  if (typeof exported === 'function') {
    return exported as (c: ShrinkCandidate) => unknown;
  }
  if (typeof exported === 'object' && exported !== null) {
    const { default: d, predicate } = exported as { readonly default?: unknown; readonly predicate?: unknown };
    return predicateOf(typeof d === 'function' ? d : predicate);
  }
  return undefined;
};

/** The property `--until` names: `diverges`, `invalid`, or the path of a predicate module. */
const propertyOf = async (until: string): Promise<E.Either<string, ShrinkProperty>> => {
  if (until === 'diverges') {
    return E.right(diverges);
  }
  if (until === 'invalid') {
    return E.right(invalid);
  }
  let exported: unknown;
  try {
    exported = until.endsWith('.mjs')
      ? ((await import(pathToFileURL(path.resolve(until)).href)) as unknown)
      : // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require(path.resolve(until)) as unknown);
  } catch (error: unknown) {
    return E.left(`--until ${until}: not diverges, invalid or a loadable module: ${errorMessage(error)}`);
  }
  const predicate = predicateOf(exported);
  if (predicate === undefined) {
    return E.left(`--until ${until}: the module exports no function (module.exports, default or predicate)`);
  }
  return E.right(
    satisfies(async (candidate) => {
      let verdict: unknown;
      try {
        verdict = await predicate(candidate);
      } catch (error: unknown) {
        throw new Error(`--until ${until}: the predicate failed: ${errorMessage(error)}`);
      }
      if (typeof verdict !== 'boolean') {
        throw new TypeError(`--until ${until}: the predicate must return true or false, got ${show(verdict)}`);
      }
      return verdict;
    }),
  );
};

/**
 * `shrink <log> --until diverges|invalid|<module>`: write the smallest sub-log found that still
 * shows the property.
 *
 * @since 0.2.0
 */
export const shrinkCommand = async (file: string, flags: ShrinkFlags, io: CliIO): Promise<ExitCode> => {
  const property = await propertyOf(flags.until);
  if (E.isLeft(property)) {
    say(io.stderr, `${PROGRAM}: ${printable(property.left)}`);
    return USAGE;
  }
  const target = flags.output ?? (file === '-' ? '-' : shrunkFile(file));
  if (refusesOverwrite(io, 'shrink', file, target)) {
    return USAGE;
  }
  const input = openInput(file, io);
  let text: string;
  try {
    // The bytes of a bad line read as U+FFFD, so that a log broken that way can still be shrunk.
    text = await readText(input.source, false);
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: cannot read ${printable(input.name)}: ${printable(errorMessage(error))}`);
    return USAGE;
  }
  let shrunk: Awaited<ReturnType<typeof shrinkLog>>;
  try {
    shrunk = await shrinkLog([text], property.right, { maxTests: flags.maxTests });
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: ${printable(errorMessage(error))}`);
    return USAGE;
  }
  if (E.isLeft(shrunk)) {
    say(
      io.stderr,
      matchShrinkFailure<string>({
        NoHeader: (f) => printable(`line 1: ${f.problems.join('; ')}`),
        PropertyDoesNotHold: (f) => printable(`${file}: ${f.message}`),
        NothingRecorded: (f) => printable(`${PROGRAM}: --until diverges: ${file}: ${f.message}`),
        ReadFailed: (f) => printable(`${PROGRAM}: cannot read ${file}: ${f.message}`),
      })(shrunk.left),
    );
    // Asking a log without recorded results whether it diverges is a wrong question, not a bad log.
    return shrunk.left._tag === 'NothingRecorded' ? USAGE : INVALID;
  }
  const s = shrunk.right;
  const body = `${s.lines.join('\n')}\n`;
  const n = thousands;
  const shown = s.originalLines.slice(0, 10).map(n).join(', ');
  const line = `${printable(file)}: shrunk from ${n(s.before)} records to ${n(s.after)} (line${
    s.after === 1 ? '' : 's'
  } ${shown}${s.after > 10 ? ', ...' : ''}) in ${n(s.tests)} test${s.tests === 1 ? '' : 's'}${
    s.exhausted ? ' (--max-tests ran out: it may shrink further)' : ''
  }${target === '-' ? '' : `: ${printable(target)}`}`;
  if (target === '-') {
    say(io.stderr, line);
    return output(io, [body], OK);
  }
  try {
    fs.writeFileSync(target, body);
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: cannot write ${printable(target)}: ${printable(errorMessage(error))}`);
    return USAGE;
  }
  return output(io, [`${line}\n`], OK);
};
