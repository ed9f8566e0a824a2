/**
 * The incident commands of the command line: `report` (the HTML timeline), on top of the
 * library's replay engine. Each returns its exit code and never throws.
 *
 * @since 0.2.0
 */
import * as fs from 'node:fs';

import * as O from 'fp-ts/Option';

import { errorMessage } from '../internal/errorMessage';
import type { LogBound } from '../log/LogBound';
import { renderReport } from '../log/report';
import { reportBuilder } from '../log/reportModel';
import type { LinesReplay, ReplayLinesOptions } from '../log/replayLines';
import { replayLines } from '../log/replayLines';
import type { LogSource } from '../logReader';
import { describeInvalidLine, logLineBatches } from '../logReader';
import type { ReplayMode } from '../replayLog';
import { describeDivergence } from '../verify';
import type { CliIO, ExitCode } from './program';
import { progressBar, wantsProgress } from './progress';
import type { ProgressBar } from './progress';
import { describeStop } from './summary';

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const PROGRAM = 'lifecycle-broadcast';

const OK: ExitCode = 0;
const INVALID: ExitCode = 1;
const USAGE: ExitCode = 2;

/** Write one line. */
export const say = (stream: NodeJS.WritableStream, line: string): void => {
  stream.write(`${line}\n`);
};

/** The source of `file` (`-` for standard input) and its size when it is a file. */
export const openLog = (file: string, io: CliIO): { readonly source: LogSource; readonly size: number | undefined } => {
  if (file === '-') {
    return { source: io.stdin as AsyncIterable<string | Uint8Array>, size: undefined };
  }
  let size: number | undefined;
  try {
    size = fs.statSync(file).size;
  } catch {
    // The reader reports a missing or unreadable file itself, in the same words as any other.
    size = 0;
  }
  return { source: file, size };
};

/** A progress bar on standard error when it is a terminal and the input is large. */
export const progressOn = (io: CliIO, size: number | undefined): ProgressBar | undefined =>
  wantsProgress(io.stderr.isTTY === true, size) ? progressBar(io.stderr, size) : undefined;

/** Options every command that replays a log shares. */
export interface ReplayFlagsBase {
  readonly verify?: boolean;
  readonly lenient?: boolean;
  readonly maxLineLength: number;
  readonly from?: LogBound;
  readonly to?: LogBound;
}

/**
 * Replay `file` with the engine, reporting bad lines on standard error as they are met; `undefined`
 * (with the reason printed) when the log could not be read at all.
 */
export const replayFile = async (
  file: string,
  flags: ReplayFlagsBase,
  io: CliIO,
  extra: Pick<ReplayLinesOptions, 'onStep' | 'until' | 'start'> = {},
): Promise<LinesReplay | undefined> => {
  const mode: ReplayMode = flags.lenient === true ? 'lenient' : 'strict';
  const { source, size } = openLog(file, io);
  const progress = progressOn(io, size);
  const replay = await replayLines(
    logLineBatches(source, {
      maxLineLength: flags.maxLineLength,
      ...(progress === undefined ? {} : { onProgress: progress.update }),
    }),
    {
      mode,
      verify: flags.verify === true,
      ...(flags.from === undefined ? {} : { from: flags.from }),
      ...(flags.to === undefined ? {} : { until: flags.to }),
      ...extra,
      onInvalidLine: (l) => {
        progress?.clear();
        say(io.stderr, describeInvalidLine(l));
      },
    },
  );
  progress?.clear();
  const stop = O.toUndefined(replay.stopped);
  if (stop?._tag === 'StoppedAtReadFailure') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    return undefined;
  }
  return replay;
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
  const builder = reportBuilder();
  const replay = await replayFile(file, flags, io, { onStep: builder.add });
  if (replay === undefined) {
    return USAGE;
  }
  if (O.isNone(replay.header)) {
    return INVALID;
  }
  if (O.isSome(replay.firstDivergence)) {
    say(io.stderr, describeDivergence(replay.firstDivergence.value));
  }
  const model = builder.finish(replay, {
    file,
    verify: flags.verify === true,
    ...(flags.from === undefined ? {} : { from: flags.from }),
    ...(flags.to === undefined ? {} : { until: flags.to }),
  });
  const html = renderReport(model);
  try {
    fs.writeFileSync(flags.output, html);
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: cannot write ${flags.output}: ${errorMessage(error)}`);
    return USAGE;
  }
  say(
    io.stdout,
    `${flags.output}: ${model.lanes.length.toLocaleString('en-US')} lanes, ${model.columns.length.toLocaleString(
      'en-US',
    )} columns, ${model.summary.broadcasts.total.toLocaleString('en-US')} broadcasts, ${Math.ceil(
      Buffer.byteLength(html) / 1024,
    ).toLocaleString('en-US')} KiB`,
  );
  return replay.invalidLines > 0 || replay.divergences > 0 ? INVALID : OK;
};
