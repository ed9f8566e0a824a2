/**
 * The `lifecycle-broadcast` command line: `replay`, `validate` and `generate`, built with
 * commander. `runCli` never throws and never exits the process: it returns the exit code.
 *
 * Exit codes: 0 when all is well; 1 when the log has invalid lines or a recorded result is not
 * reproduced; 2 when the command could not do its work (a usage error, an unreadable file).
 *
 * @since 0.1.0
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as O from 'fp-ts/Option';

import { broadcastPolicy } from '../../domain/BroadcastPolicy';
import { generateLog } from '../../log/generateLog';
import { errorMessage } from '../../internal/errorMessage';
import type { LogLine, LogSource } from '../../log/logReader';
import { DEFAULT_MAX_LINE_LENGTH, describeInvalidLine, readLog } from '../../log/logReader';
import { fileSource } from '../fileSource';
import { writeLog } from '../logWriter';
import type { ReplayMode } from '../../log/replayLog';
import { replayLog } from '../../log/replayLog';
import { describeDivergence } from '../../log/verify';
import type { ProgressBar } from './progress';
import { progressBar, wantsProgress } from './progress';
import { describeStop, renderSummary, summaryJson } from './summary';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The streams the command line uses (the process's own, or others in tests).
 *
 * @since 0.1.0
 */
export interface CliIO {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * The exit codes of the command line.
 *
 * @since 0.1.0
 */
export const ExitCode = Object.freeze({ ok: 0, invalid: 1, usage: 2 } as const);

/**
 * @since 0.1.0
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// -------------------------------------------------------------------------------------
// argument parsers
// -------------------------------------------------------------------------------------

const integer =
  (what: string, min: number) =>
  (value: string): number => {
    const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected ${what} (an integer of at least ${String(min)}), got "${value}"`);
    }
    return n;
  };

const seedOf = (value: string): number => {
  const n = /^-?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer seed, got "${value}"`);
  }
  return n;
};

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const PROGRAM = 'lifecycle-broadcast';

const versionOf = (): string => {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      readonly version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
};

/** The source and, for a file, its size; `undefined` size for standard input. */
const openInput = (file: string, io: CliIO): { readonly source: LogSource; readonly size: number | undefined } => {
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
  return { source: fileSource(file), size };
};

const progressFor = (io: CliIO, size: number | undefined): ProgressBar | undefined =>
  wantsProgress(io.stderr.isTTY === true, size) ? progressBar(io.stderr, size) : undefined;

const say = (stream: NodeJS.WritableStream, line: string): void => {
  stream.write(`${line}\n`);
};

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

interface ReplayFlags {
  readonly json?: boolean;
  readonly verify?: boolean;
  readonly strict?: boolean;
  readonly lenient?: boolean;
  readonly at?: number;
  readonly maxLineLength: number;
}

const replayCommand = async (file: string, flags: ReplayFlags, io: CliIO): Promise<ExitCode> => {
  const mode: ReplayMode = flags.lenient === true ? 'lenient' : 'strict';
  const verify = flags.verify === true;
  const { source, size } = openInput(file, io);
  const progress = progressFor(io, size);
  const replay = await replayLog(source, {
    mode,
    verify,
    maxLineLength: flags.maxLineLength,
    ...(flags.at === undefined ? {} : { at: flags.at }),
    ...(progress === undefined ? {} : { onProgress: progress.update }),
    onInvalidLine: (l) => {
      progress?.clear();
      say(io.stderr, describeInvalidLine(l));
    },
  });
  progress?.clear();

  const stop = O.toUndefined(replay.stopped);
  if (stop?._tag === 'StoppedAtReadFailure') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    return ExitCode.usage;
  }
  if (O.isNone(replay.header)) {
    // The header was refused (already reported): there is no registry to speak of.
    return ExitCode.invalid;
  }
  if (O.isSome(replay.firstDivergence)) {
    say(io.stderr, describeDivergence(replay.firstDivergence.value));
    say(io.stderr, `  recorded: ${JSON.stringify(replay.firstDivergence.value.recorded)}`);
    say(io.stderr, `  replayed: ${JSON.stringify(replay.firstDivergence.value.replayed)}`);
  }
  if (stop !== undefined) {
    say(io.stderr, `stopped at line ${String(stop.invalid.line)} (strict mode; --lenient skips bad lines)`);
  }
  const input = { file, replay, mode, verify, at: O.fromNullable(flags.at) };
  io.stdout.write(flags.json === true ? `${JSON.stringify(summaryJson(input), null, 2)}\n` : renderSummary(input));
  return replay.invalidLines > 0 || replay.divergences > 0 ? ExitCode.invalid : ExitCode.ok;
};

const validateCommand = async (
  file: string,
  flags: { readonly maxLineLength: number },
  io: CliIO,
): Promise<ExitCode> => {
  const { source, size } = openInput(file, io);
  const progress = progressFor(io, size);
  let entries = 0;
  let invalid = 0;
  let last = 0;
  let failure: string | undefined;
  for await (const l of readLog(source, {
    maxLineLength: flags.maxLineLength,
    ...(progress === undefined ? {} : { onProgress: progress.update }),
  }) as AsyncIterable<LogLine>) {
    last = l.line;
    switch (l._tag) {
      case 'HeaderLine':
        break;
      case 'RecordLine':
        entries += 1;
        break;
      case 'InvalidLine':
        invalid += 1;
        progress?.clear();
        say(io.stderr, describeInvalidLine(l));
        break;
      case 'ReadFailed':
        failure = l.message;
        break;
    }
  }
  progress?.clear();
  if (failure !== undefined) {
    say(io.stderr, `${PROGRAM}: ${failure}`);
    return ExitCode.usage;
  }
  const verdict = invalid === 0 ? 'valid' : 'invalid';
  say(
    io.stdout,
    `${file}: ${verdict}: ${String(entries)} entries, ${String(invalid)} invalid line${
      invalid === 1 ? '' : 's'
    } (read to line ${String(last)})`,
  );
  return invalid === 0 ? ExitCode.ok : ExitCode.invalid;
};

interface GenerateFlags {
  readonly backends: number;
  readonly actions: number;
  readonly seed: number;
  readonly ackTimeoutMs?: number;
  readonly output?: string;
  readonly results: boolean;
}

const generateCommand = async (flags: GenerateFlags, io: CliIO): Promise<ExitCode> => {
  const log = generateLog({
    backends: flags.backends,
    actions: flags.actions,
    seed: flags.seed,
    results: flags.results,
    ...(flags.ackTimeoutMs === undefined ? {} : { policy: broadcastPolicy(flags.ackTimeoutMs) }),
  });
  try {
    if (flags.output === undefined) {
      await writeLog(io.stdout, log.header, log.records, { end: false });
    } else {
      await writeLog(fs.createWriteStream(flags.output), log.header, log.records);
    }
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') {
      // The reader went away (`| head`): as for any Unix filter, that is not an error.
      return ExitCode.ok;
    }
    say(io.stderr, `${PROGRAM}: cannot write ${flags.output ?? 'standard output'}: ${errorMessage(error)}`);
    return ExitCode.usage;
  }
  return ExitCode.ok;
};

// -------------------------------------------------------------------------------------
// program
// -------------------------------------------------------------------------------------

const maxLineLengthOption = (): Option =>
  new Option('--max-line-length <chars>', 'reject lines longer than this')
    .argParser(integer('a line length', 1))
    .default(DEFAULT_MAX_LINE_LENGTH);

/**
 * Run the command line on `args` (the arguments after the program name) and resolve with the
 * exit code. It never throws: usage errors print commander's one-line message and give 2, bad
 * input prints one line per problem, and anything unexpected prints one line and gives 2.
 *
 * @example
 * const code = await runCli(['replay', 'broker.ndjson', '--verify'], process)
 *
 * @since 0.1.0
 */
export const runCli = async (args: ReadonlyArray<string>, io: CliIO): Promise<ExitCode> => {
  let code: ExitCode = ExitCode.ok;
  const program = new Command()
    .name(PROGRAM)
    .description('Replay, check and generate lifecycle-broadcast operation logs (NDJSON).')
    .version(versionOf())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError(`(run ${PROGRAM} --help for usage)`);

  program
    .command('replay')
    .description('replay a log and print a summary of the registry and its broadcasts')
    .argument('<file>', 'the log, or - for standard input')
    .option('--json', 'print the summary as JSON')
    .option('--verify', 'check that every recorded broadcast result is reproduced')
    .addOption(new Option('--strict', 'stop at the first invalid line (the default)').conflicts('lenient'))
    .addOption(new Option('--lenient', 'skip invalid lines, reporting each').conflicts('strict'))
    .addOption(
      new Option('--at <line>', 'show the registry as it was after this line').argParser(integer('a line number', 1)),
    )
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: ReplayFlags) => {
      code = await replayCommand(file, flags, io);
    });

  program
    .command('validate')
    .description('check every line of a log and print the problems; changes nothing')
    .argument('<file>', 'the log, or - for standard input')
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: { readonly maxLineLength: number }) => {
      code = await validateCommand(file, flags, io);
    });

  program
    .command('generate')
    .description('write a deterministic synthetic log (same options, same bytes)')
    .addOption(
      new Option('--backends <n>', 'how many backend keys').argParser(integer('a number of backends', 1)).default(8),
    )
    .addOption(
      new Option('--actions <n>', 'how many action lines').argParser(integer('a number of actions', 0)).default(1000),
    )
    .addOption(new Option('--seed <s>', 'the seed of the generator').argParser(seedOf).default(1))
    .addOption(
      new Option('--ack-timeout-ms <ms>', 'the policy in the header (default 5000)').argParser(
        integer('a timeout in milliseconds', 0),
      ),
    )
    .option('--no-results', 'leave recorded results out of broadcast lines (smaller; cannot be verified)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (flags: GenerateFlags) => {
      code = await generateCommand(flags, io);
    });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; every other commander error is a usage error
      // (its message has been printed already).
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    say(io.stderr, `${PROGRAM}: unexpected error: ${errorMessage(error)}`);
    return ExitCode.usage;
  }
};
