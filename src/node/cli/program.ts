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
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import * as v8 from 'node:v8';

import { broadcastPolicy } from '../../domain/BroadcastPolicy';
import type { GenerateOptions } from '../../log/generateLog';
import { generateLog, generatedLogFootprint } from '../../log/generateLog';
import { errorMessage } from '../../internal/errorMessage';
import { printable } from '../../internal/printable';
import type { LogLine } from '../../log/logReader';
import { DEFAULT_MAX_LINE_LENGTH, describeInvalidLine, readLog } from '../../log/logReader';
import { DEFAULT_CHECK_TIMEOUT_MS } from '../conformance/runConformance';
import { writeLog } from '../logWriter';
import { DEFAULT_MAX_REPLY_BYTES } from '../socketTransport';
import { writeAll } from '../writable';
import type { LogHeader } from '../../log/LogHeader';
import type { ReplayMode } from '../../replay/LogReplay';
import { DEFAULT_MAX_PROBLEMS } from '../../replay/replayLines';
import { describeDivergence, divergenceFields } from '../../replay/verify';
import type { LogBound } from '../../replay/LogBound';
import { describeLogBound, parseLogBound } from '../../replay/LogBound';
import { DEFAULT_CHECKPOINT_EVERY } from '../../incident/checkpoint';
import type { ConformanceFlags } from './conformance';
import { followInput } from './follow';
import { conformanceCommand, tcpAddressOf } from './conformance';
import type { IndexFlags, ReportFlags, ShrinkFlags } from './incident';
import {
  indexCommand,
  misorderedBounds,
  replayInput,
  reportCommand,
  resumedAfter,
  shrinkCommand,
  whatIfCommand,
} from './incident';
import type { Assumption } from '../../incident/whatIf';
import { parseAssumption } from '../../incident/whatIf';
import type { CliIO } from './io';
import {
  ExitCode,
  PROGRAM,
  cannotWriteStdout,
  jsonDocument,
  openInput,
  output,
  outputJson,
  progressFor,
  say,
  thousands,
} from './io';
import type { ProgressBar } from './progress';
import { helpAfter } from './help';
import { progressBar } from './progress';
import type { SummaryInput, TableSort } from './summary';
import {
  TABLE_SORTS,
  describeAtBeforeHeader,
  describeStop,
  isAtBeforeHeader,
  summaryJson,
  summaryLines,
} from './summary';

// -------------------------------------------------------------------------------------
// argument parsers
// -------------------------------------------------------------------------------------

const integer =
  (what: string, min: number) =>
  (value: string): number => {
    const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(
        `expected ${what} (an integer of at least ${String(min)}), got "${printable(value)}"`,
      );
    }
    return n;
  };

const boundOf = (value: string): LogBound => {
  const bound = parseLogBound(value);
  if (E.isLeft(bound)) {
    throw new InvalidArgumentError(bound.left);
  }
  return bound.right;
};

const assumptionOf = (value: string, previous: ReadonlyArray<Assumption> | undefined): ReadonlyArray<Assumption> => {
  const a = parseAssumption(value);
  if (E.isLeft(a)) {
    throw new InvalidArgumentError(a.left);
  }
  return [...(previous ?? []), a.right];
};

const seedOf = (value: string): number => {
  const n = /^-?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer seed, got "${printable(value)}"`);
  }
  return n;
};

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** Commander's "(Did you mean ...?)" line, which names the program's own commands or options. */
const SUGGESTION = /\n\(Did you mean (?:one of )?[-\w, ]+\?\)$/;

/**
 * One of commander's usage errors as the program says it: prefixed like every other message,
 * and one printable line however the argument it quotes was written (`--at $'1\n2'`).
 */
const usageError = (message: string): string => {
  const text = message.replace(/\n$/, '').replace(/^error: /, `${PROGRAM}: `);
  const hint = SUGGESTION.exec(text);
  return `${printable(hint === null ? text : text.slice(0, hint.index))}${hint?.[0] ?? ''}\n`;
};

/** The docs/cli.md installed with the package beside dist/, when it is there. */
const installedGuide = (): string | undefined => {
  const guide = path.join(__dirname, '..', '..', 'docs', 'cli.md');
  return fs.existsSync(guide) ? guide : undefined;
};

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

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

interface ReplayFlags {
  readonly json?: boolean;
  readonly verify?: boolean;
  readonly strict?: boolean;
  readonly lenient?: boolean;
  readonly at?: LogBound;
  readonly from?: LogBound;
  readonly to?: LogBound;
  readonly index?: string | false;
  readonly maxLineLength: number;
  readonly assume?: ReadonlyArray<Assumption>;
  readonly assumeFrom?: LogBound;
  readonly limit?: number;
  readonly verbose?: boolean;
  readonly table?: boolean;
  readonly top?: number;
  readonly sort?: TableSort;
  readonly follow?: boolean;
}

const replayCommand = async (file: string, flags: ReplayFlags, io: CliIO): Promise<ExitCode> => {
  const until = flags.at ?? flags.to;
  const misordered = misorderedBounds(flags.from, until, flags.at === undefined ? '--to' : '--at');
  if (misordered !== undefined) {
    say(io.stderr, misordered);
    return ExitCode.usage;
  }
  if (flags.assume !== undefined && flags.assume.length > 0) {
    return whatIfCommand(file, { ...flags, assume: flags.assume }, io);
  }
  const alone =
    flags.assumeFrom !== undefined
      ? '--assume-from'
      : flags.limit !== undefined
        ? '--limit'
        : flags.verbose === true
          ? '--verbose'
          : undefined;
  if (alone !== undefined) {
    say(io.stderr, `${PROGRAM}: ${alone} goes with --assume`);
    return ExitCode.usage;
  }
  const follow = flags.follow === true;
  if (follow && file === '-') {
    say(io.stderr, `${PROGRAM}: --follow reads a file as it grows, not standard input`);
    return ExitCode.usage;
  }
  const mode: ReplayMode = flags.lenient === true ? 'lenient' : 'strict';
  const verify = flags.verify === true;
  const replay = follow
    ? await followInput(file, flags, io)
    : await replayInput(file, until === undefined ? flags : { ...flags, to: until }, io);
  const terminal = io.stdout as { readonly isTTY?: boolean; readonly columns?: number };
  const input: SummaryInput = {
    file,
    replay,
    resumedAfter: resumedAfter(replay),
    table: {
      show: flags.table !== false,
      ...(flags.sort === undefined ? {} : { sort: flags.sort }),
      ...(flags.top === undefined ? {} : { top: flags.top }),
      ...(terminal.isTTY === true && terminal.columns !== undefined ? { width: terminal.columns } : {}),
    },
    mode,
    verify,
    at: until?._tag === 'AtLine' ? O.some(until.line) : O.none,
    ...(until === undefined ? {} : { until }),
    ...(flags.from === undefined ? {} : { from: flags.from }),
  };
  const stop = O.toUndefined(replay.stopped);
  let code: ExitCode;
  if (stop !== undefined && stop._tag !== 'StoppedAtInvalidLine') {
    say(io.stderr, `${PROGRAM}: ${describeStop(stop)}`);
    code = ExitCode.usage;
  } else if (until?._tag === 'AtLine' && isAtBeforeHeader(input)) {
    say(io.stderr, `${PROGRAM}: ${describeAtBeforeHeader(until.line)}`);
    code = ExitCode.usage;
  } else if (O.isNone(replay.header)) {
    // The header was refused (already reported): there is no registry to speak of.
    code = ExitCode.invalid;
  } else {
    if (until?._tag === 'AtTime' && O.isNone(replay.lastTime)) {
      say(
        io.stderr,
        replay.header.value.clock === undefined
          ? `warning: no record of ${printable(file)} carries a time, so ${describeLogBound(until)} is past its end`
          : `warning: ${describeLogBound(until)} is before the first record of ${printable(file)}`,
      );
    }
    if (flags.from !== undefined && O.isNone(replay.countedFrom) && O.isNone(replay.stopped)) {
      say(
        io.stderr,
        `warning: no record of ${printable(file)} falls between --from ${describeLogBound(flags.from)} and ${
          until === undefined ? 'the end of the log' : describeLogBound(until)
        }: the counts below are all 0`,
      );
    }
    // A follower printed each divergence as it was met.
    if (O.isSome(replay.firstDivergence) && !follow) {
      say(io.stderr, printable(describeDivergence(replay.firstDivergence.value)));
      for (const field of divergenceFields(replay.firstDivergence.value)) {
        say(io.stderr, `  ${printable(field)}`);
      }
    }
    if (stop !== undefined) {
      say(io.stderr, `stopped at line ${thousands(stop.invalid.line)} (strict mode; --lenient skips bad lines)`);
    }
    code = replay.invalidLines > 0 || replay.divergences > 0 ? ExitCode.invalid : ExitCode.ok;
  }
  if (flags.json === true) {
    // Whatever happened, standard output holds one JSON document saying so.
    return output(io, jsonDocument(summaryJson(input)), code);
  }
  return O.isSome(replay.header) ? output(io, summaryLines(input), code) : code;
};

const validateCommand = async (
  file: string,
  flags: { readonly maxLineLength: number; readonly json?: boolean },
  io: CliIO,
): Promise<ExitCode> => {
  let header: LogHeader | undefined;
  const problems: string[] = [];
  const { source, name, size } = openInput(file, io);
  const progress = progressFor(io, size);
  let entries = 0;
  let invalid = 0;
  let last = 0;
  let failure: string | undefined;
  for await (const l of readLog(source, {
    name,
    maxLineLength: flags.maxLineLength,
    ...(progress === undefined ? {} : { onProgress: progress.update }),
  }) as AsyncIterable<LogLine>) {
    last = l.line;
    switch (l._tag) {
      case 'HeaderLine':
        header = l.header;
        break;
      case 'RecordLine':
        entries += 1;
        if ((entries & 0x3ff) === 0) {
          progress?.lines?.(l.line);
        }
        break;
      case 'InvalidLine':
        invalid += 1;
        progress?.clear();
        say(io.stderr, describeInvalidLine(l));
        if (problems.length < DEFAULT_MAX_PROBLEMS) {
          problems.push(describeInvalidLine(l));
        }
        break;
      case 'ReadFailed':
        failure = l.message;
        break;
    }
  }
  progress?.clear();
  if (failure !== undefined) {
    say(io.stderr, `${PROGRAM}: ${printable(failure)}`);
  }
  const code = failure !== undefined ? ExitCode.usage : invalid === 0 ? ExitCode.ok : ExitCode.invalid;
  if (flags.json === true) {
    // Whatever happened, standard output holds one JSON document saying so.
    return outputJson(
      io,
      file,
      {
        valid: failure === undefined && invalid === 0,
        formatVersion: header?.version ?? null,
        clock: header?.clock ?? null,
        entries,
        invalidLines: invalid,
        problems,
        problemsTruncated: invalid > problems.length,
        lastLine: last,
        readFailure: failure ?? null,
      },
      code,
    );
  }
  if (failure !== undefined) {
    return code;
  }
  const verdict = invalid === 0 ? 'valid' : 'invalid';
  const version = header === undefined ? 'no header' : `format version ${String(header.version)}`;
  const line = `${printable(file)}: ${verdict}: ${version}${header?.clock === undefined ? '' : ' (timed)'}, ${thousands(
    entries,
  )} entries, ${thousands(invalid)} invalid line${invalid === 1 ? '' : 's'} (read to line ${thousands(last)})\n`;
  return output(io, [line], code);
};

/** `generate` draws a progress bar from this many actions on. */
const GENERATE_PROGRESS_ACTIONS = 100_000;

/** The entries as they are, telling `bar` how many have been made. */
function* counted<A>(entries: Iterable<A>, bar: ProgressBar | undefined): Generator<A, void, undefined> {
  let n = 0;
  for (const entry of entries) {
    n += 1;
    if ((n & 0x3ff) === 0) {
      bar?.update(n);
    }
    yield entry;
  }
}

interface GenerateFlags {
  readonly backends: number;
  readonly actions: number;
  readonly seed: number;
  readonly ackTimeoutMs?: number;
  readonly output?: string;
  readonly results: boolean;
  readonly clockStart?: LogBound;
  readonly clockStepMs: number;
}

const GIB = 1024 * 1024 * 1024;

/** Why the process cannot generate `options`, if it cannot: more memory or a longer line than it can hold. */
const tooLarge = (options: GenerateOptions): string | undefined => {
  const need = generatedLogFootprint(options);
  // The longest string V8 builds (2^29 - 24 characters, on 64-bit builds).
  const longestString = 536_870_888;
  if (need.longestLine > longestString) {
    return `a broadcast line would list ${String(need.registered)} backends, about ${String(
      need.longestLine,
    )} characters: more than the longest string Node.js can build (${String(
      longestString,
    )}); pass --no-results, or fewer backends`;
  }
  const limit = v8.getHeapStatistics().heap_size_limit;
  if (need.bytes > limit) {
    return `${String(need.registered)} registered backends need about ${(need.bytes / GIB).toFixed(
      1,
    )} GiB of memory, and this process may use ${(limit / GIB).toFixed(
      1,
    )} GiB (node --max-old-space-size=<MiB> raises it); pass fewer --backends or --actions`;
  }
  return undefined;
};

const generateCommand = async (flags: GenerateFlags, io: CliIO): Promise<ExitCode> => {
  if (flags.clockStart !== undefined && flags.clockStart._tag !== 'AtTime') {
    say(io.stderr, `${PROGRAM}: --clock-start takes an ISO time (such as 2026-11-27T14:00:00Z), not a line number`);
    return ExitCode.usage;
  }
  const options: GenerateOptions = {
    backends: flags.backends,
    actions: flags.actions,
    seed: flags.seed,
    results: flags.results,
    ...(flags.ackTimeoutMs === undefined ? {} : { policy: broadcastPolicy(flags.ackTimeoutMs) }),
  };
  // Refused before anything is written, so no empty file is left behind.
  const refusal = tooLarge(options);
  if (refusal !== undefined) {
    say(io.stderr, `${PROGRAM}: cannot generate this log: ${refusal}`);
    return ExitCode.usage;
  }
  const footprint = generatedLogFootprint(options);
  if (footprint.longestLine > DEFAULT_MAX_LINE_LENGTH) {
    say(
      io.stderr,
      `${PROGRAM}: note: broadcast lines may reach about ${thousands(
        footprint.longestLine,
      )} characters, more than a replay reads by default: replay with --max-line-length ${String(
        footprint.longestLine,
      )}`,
    );
  }
  const start = flags.clockStart?.time;
  let tick = 0;
  // A synthetic clock: the first record at --clock-start, each next one --clock-step-ms later.
  const clock =
    start === undefined
      ? {}
      : {
          clock: (): number => {
            const now = start + tick * flags.clockStepMs;
            tick += 1;
            return now;
          },
        };
  const log = generateLog(options);
  // `-o -` is standard output, as it is for `shrink`.
  if (flags.output === undefined || flags.output === '-') {
    try {
      await writeLog(io.stdout, log.header, log.records, { end: false, ...clock });
      return ExitCode.ok;
    } catch (error: unknown) {
      say(io.stderr, cannotWriteStdout(error));
      return ExitCode.usage;
    }
  }
  // A bar on a terminal while a large log is written to a file (never over the log itself).
  const bar =
    io.stderr.isTTY === true && flags.actions >= GENERATE_PROGRESS_ACTIONS
      ? progressBar(io.stderr, flags.actions, 'lines')
      : undefined;
  const file = flags.output;
  const existed = fs.existsSync(file);
  try {
    await writeLog(fs.createWriteStream(file), log.header, counted(log.records, bar), clock);
    bar?.clear();
    return ExitCode.ok;
  } catch (error: unknown) {
    bar?.clear();
    say(io.stderr, `${PROGRAM}: cannot write ${printable(file)}: ${printable(errorMessage(error))}`);
    // A partial log would replay without complaint to a registry nobody asked for. Only a plain
    // file this command created goes: never a device such as /dev/full, nor a file it found.
    if (!existed && fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() === true) {
      fs.rmSync(file, { force: true });
    }
    return ExitCode.usage;
  }
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
  // Help and version text, written by commander: their failures are reported at the end.
  const printed: Array<Promise<void>> = [];
  const printedOk = async (result: ExitCode): Promise<ExitCode> => {
    try {
      await Promise.all(printed);
      return result;
    } catch (error: unknown) {
      say(io.stderr, cannotWriteStdout(error));
      return ExitCode.usage;
    }
  };
  const guide = installedGuide();
  const program = new Command()
    .name(PROGRAM)
    .description(
      'Replay, check and generate lifecycle-broadcast operation logs (NDJSON); check backends against the socket protocol.',
    )
    .version(versionOf())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        const written = writeAll(io.stdout, [s]);
        written.catch(() => undefined);
        printed.push(written);
      },
      writeErr: (s) => io.stderr.write(s),
      // Commander's own usage errors read like every other message of the program.
      outputError: (s, write) => {
        write(usageError(s));
      },
    })
    .showHelpAfterError(`(run ${PROGRAM} --help for usage)`)
    .addHelpText('after', helpAfter('program', guide));

  program
    .command('replay')
    .showHelpAfterError(`(run ${PROGRAM} replay --help for usage)`)
    .addHelpText('after', helpAfter('replay', guide))
    .description('replay a log and print a summary of the registry and its broadcasts')
    .argument('<file>', 'the log, or - for standard input')
    .option('--json', 'print the summary as JSON')
    .option('--verify', 'check that every recorded broadcast result is reproduced')
    .addOption(new Option('--strict', 'stop at the first invalid line (the default)').conflicts('lenient'))
    .addOption(new Option('--lenient', 'skip invalid lines, reporting each').conflicts('strict'))
    .addOption(
      new Option(
        '--at <line|time>',
        'show the registry as it was after this line, or at this ISO time (such as 2026-11-27T14:02:00Z)',
      )
        .argParser(boundOf)
        .conflicts('to'),
    )
    .addOption(new Option('--from <line|time>', 'count the summary from this line or ISO time on').argParser(boundOf))
    .addOption(new Option('--to <line|time>', 'stop after this line or at this ISO time').argParser(boundOf))
    .option(
      '--index <file>',
      'resume from the nearest valid checkpoint of this index (default: <file>.index, when it exists)',
    )
    .option('--no-index', 'replay from the start even when the log has an index')
    .addOption(
      new Option('--top <n>', 'show only the first n rows of the per-backend table').argParser(
        integer('a number of rows', 0),
      ),
    )
    .addOption(
      new Option('--sort <column>', 'sort the per-backend table (counts: largest first)')
        .choices(TABLE_SORTS)
        .default('registered'),
    )
    .option('--no-table', 'leave the per-backend table out')
    .addOption(
      new Option(
        '--follow',
        'keep reading records as they are appended, printing progress and divergences, until Ctrl-C prints the summary',
      ).conflicts(['at', 'to', 'index', 'assume']),
    )
    .addOption(
      new Option(
        '--assume <service=answer>',
        'what if: replay with these backends answering Ack, Timeout or Failure:<reason> (repeatable; service, service@version or a key in JSON)',
      )
        .argParser(assumptionOf)
        // What if compares results as replayed: it does not verify, count from a line or tabulate.
        .conflicts(['from', 'verify', 'top', 'sort', 'table']),
    )
    .addOption(
      new Option('--assume-from <line|time>', 'the line or ISO time the assumptions hold from (default: 1)').argParser(
        boundOf,
      ),
    )
    .addOption(
      new Option('--limit <n>', 'how many differing broadcasts --assume lists (default: 20)').argParser(
        integer('a number of broadcasts', 0),
      ),
    )
    .option('--verbose', 'with --assume: name the backends of each differing broadcast, not only their counts')
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: ReplayFlags) => {
      code = await replayCommand(file, flags, io);
    });

  program
    .command('index')
    .showHelpAfterError(`(run ${PROGRAM} index --help for usage)`)
    .addHelpText('after', helpAfter('index', guide))
    .description('write checkpoints of a log beside it, so that replay --at resumes near any line')
    .argument('<file>', 'the log (a file: checkpoints point into it)')
    .option('-o, --output <file>', 'the index to write (default: <file>.index)')
    .addOption(
      new Option('--every <lines>', 'lines between checkpoints')
        .argParser(integer('a number of lines', 1))
        .default(DEFAULT_CHECKPOINT_EVERY),
    )
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: IndexFlags) => {
      code = await indexCommand(file, flags, io);
    });

  program
    .command('shrink')
    .showHelpAfterError(`(run ${PROGRAM} shrink --help for usage)`)
    .addHelpText('after', helpAfter('shrink', guide))
    .description('reduce a log to a few records that still show a property, and write them')
    .argument('<file>', 'the log, or - for standard input')
    .requiredOption(
      '--until <property>',
      'diverges (the first divergence, the same way), invalid (the first invalid line), or a module (.js, .cjs, .mjs) exporting a predicate',
    )
    .option('-o, --output <file>', 'the log to write, - for standard output (default: <file>.shrunk.ndjson)')
    .addOption(
      new Option('--max-tests <n>', 'the most candidates to test')
        .argParser(integer('a number of tests', 1))
        .default(10_000),
    )
    .action(async (file: string, flags: ShrinkFlags) => {
      code = await shrinkCommand(file, flags, io);
    });

  program
    .command('report')
    .showHelpAfterError(`(run ${PROGRAM} report --help for usage)`)
    .addHelpText('after', helpAfter('report', guide))
    .description('replay a log and write a self-contained HTML timeline of the incident')
    .argument('<file>', 'the log, or - for standard input')
    .option('-o, --output <file>', 'the HTML file to write', 'incident.html')
    .option('--verify', 'check that every recorded broadcast result is reproduced')
    .addOption(new Option('--lenient', 'skip invalid lines, reporting each'))
    .addOption(new Option('--from <line|time>', 'begin the report at this line or ISO time').argParser(boundOf))
    .addOption(new Option('--to <line|time>', 'end the report at this line or ISO time').argParser(boundOf))
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: ReportFlags) => {
      code = await reportCommand(file, flags, io);
    });

  program
    .command('validate')
    .showHelpAfterError(`(run ${PROGRAM} validate --help for usage)`)
    .addHelpText('after', helpAfter('validate', guide))
    .description('check every line of a log and print the problems; changes nothing')
    .argument('<file>', 'the log, or - for standard input')
    .option('--json', 'print the verdict as JSON')
    .addOption(maxLineLengthOption())
    .action(async (file: string, flags: { readonly maxLineLength: number; readonly json?: boolean }) => {
      code = await validateCommand(file, flags, io);
    });

  program
    .command('generate')
    .showHelpAfterError(`(run ${PROGRAM} generate --help for usage)`)
    .addHelpText('after', helpAfter('generate', guide))
    .description('write a deterministic synthetic log (same options, same bytes)')
    .addOption(
      new Option('--backends <n>', 'how many backend keys').argParser(integer('a number of backends', 1)).default(8),
    )
    .addOption(
      new Option('--actions <n>', 'how many action lines').argParser(integer('a number of actions', 0)).default(1000),
    )
    .addOption(new Option('--seed <s>', 'the seed of the generator').argParser(seedOf).default(1))
    .addOption(
      new Option('--ack-timeout-ms <ms>', 'the policy in the header (default: 5000)').argParser(
        integer('a timeout in milliseconds', 0),
      ),
    )
    .option('--no-results', 'leave recorded results out of broadcast lines (smaller; cannot be verified)')
    .option('-o, --output <file>', 'write to this file instead of standard output (- is standard output)')
    .addOption(new Option('--clock-start <time>', 'time the records: the first at this ISO time').argParser(boundOf))
    .addOption(
      new Option('--clock-step-ms <ms>', 'milliseconds between two timed records')
        .argParser(integer('a number of milliseconds', 0))
        .default(1000),
    )
    .action(async (flags: GenerateFlags) => {
      code = await generateCommand(flags, io);
    });

  program
    .command('conformance')
    .showHelpAfterError(`(run ${PROGRAM} conformance --help for usage)`)
    .addHelpText('after', helpAfter('conformance'))
    .description('check that a running backend speaks the socket protocol of docs/live.md')
    .addOption(new Option('--socket <path>', 'the backend listens on this Unix domain socket').conflicts('tcp'))
    .addOption(
      new Option('--tcp <host:port>', 'the backend listens on TCP at this host and port').argParser(tcpAddressOf),
    )
    .option('--json', 'print the verdicts as JSON')
    .addOption(
      new Option('--timeout-ms <ms>', 'how long each check waits for a reply or a close')
        .argParser(integer('a number of milliseconds', 1))
        .default(DEFAULT_CHECK_TIMEOUT_MS),
    )
    .addOption(
      new Option('--max-reply-bytes <n>', 'the longest reply line accepted')
        .argParser(integer('a number of bytes', 1))
        .default(DEFAULT_MAX_REPLY_BYTES),
    )
    .action(async (flags: ConformanceFlags) => {
      code = await conformanceCommand(flags, io);
    });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return await printedOk(code);
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; every other commander error is a usage error
      // (its message has been printed already).
      return printedOk(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    }
    say(io.stderr, `${PROGRAM}: unexpected error: ${printable(errorMessage(error))}`);
    return ExitCode.usage;
  }
};
