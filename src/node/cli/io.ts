/**
 * What every command of the command line shares: opening its input (a file, or standard input),
 * a progress bar on a terminal, one-line messages on standard error, and output that reports a
 * standard output it cannot write to instead of failing.
 *
 * @since 0.2.0
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { errorMessage } from '../../internal/errorMessage';
import { printable } from '../../internal/printable';
import type { LogSource } from '../../log/logReader';
import { fileSource } from '../fileSource';
import { writeAll } from '../writable';
import type { ProgressBar } from './progress';
import { progressBar, wantsProgress } from './progress';
import { jsonPieces } from './summary';

/**
 * The streams the command line uses (the process's own, or others in tests).
 *
 * @since 0.1.0
 */
export interface CliIO {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /**
   * Ask to be told of the next Ctrl-C instead of the process ending at once (`replay --follow`
   * ends with its summary then); returns the function that withdraws the request. Without it, a
   * followed log is read until it fails.
   *
   * @since 0.3.0
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /**
   * Open a NATS address (`nats://host:port/STREAM/subject`) as a log source, followed when
   * `follow` is given. Without it, NATS addresses are refused in one line.
   *
   * @since 0.3.0
   */
  readonly openNats?: (
    address: string,
    follow?: { readonly signal: AbortSignal; readonly onCaughtUp: () => void },
  ) => LogSource;
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

/** The name of the program, opening its messages. */
export const PROGRAM = 'lifecycle-broadcast';

/** The version of the shape of every JSON document the command line prints (`schemaVersion`). */
export const JSON_SCHEMA_VERSION = 1;

const USAGE: ExitCode = 2;

/** A count with thousands separators: `1,000,000`. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

const STDIN = 'standard input';

/** A source that fails at once with `error`, so that it is reported like any read failure. */
const failingSource = (error: Error): LogSource => ({
  // eslint-disable-next-line require-yield
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    await Promise.resolve();
    throw error;
  },
});

/** Whether standard input is a directory (`< /tmp`), which Node reads as if it were empty. */
const stdinIsDirectory = (io: CliIO): boolean => {
  const fd = (io.stdin as { readonly fd?: unknown }).fd;
  if (typeof fd !== 'number') {
    return false;
  }
  try {
    return fs.fstatSync(fd).isDirectory();
  } catch {
    return false;
  }
};

/** True when `input` is a NATS address (`nats://...`) rather than a file. */
export const isNatsAddress = (input: string): boolean => /^nats:\/\//i.test(input);

/** The source of `file` (`-` for standard input, `nats://...` for a log on JetStream), its name in messages and, for a file, its size. */
export const openInput = (
  file: string,
  io: CliIO,
): { readonly source: LogSource; readonly name: string; readonly size: number | undefined } => {
  if (isNatsAddress(file)) {
    const source =
      io.openNats?.(file) ?? failingSource(new Error('this command line was built without NATS: give it a file'));
    return { source, name: file, size: undefined };
  }
  if (file === '-') {
    const source = stdinIsDirectory(io)
      ? failingSource(Object.assign(new Error('EISDIR: is a directory, read'), { code: 'EISDIR' }))
      : (io.stdin as AsyncIterable<string | Uint8Array>);
    return { source, name: STDIN, size: undefined };
  }
  let size: number | undefined;
  try {
    size = fs.statSync(file).size;
  } catch {
    // The reader reports a missing or unreadable file itself, in the same words as any other.
    size = 0;
  }
  return { source: fileSource(file), name: file, size };
};

/** A progress bar on standard error when it is a terminal and the input is large. */
/**
 * Whether writing `output` would write over `input`: the same path, or the same file under
 * another name (a link, `./x` for `x`). Standard input (`-`) is no file.
 *
 * @internal
 */
export const sameFile = (input: string, output: string): boolean => {
  if (input === '-' || output === '-') {
    return false;
  }
  if (path.resolve(input) === path.resolve(output)) {
    return true;
  }
  try {
    const a = fs.statSync(input);
    const b = fs.statSync(output);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    // One of them does not exist (yet): they cannot be the same file.
    return false;
  }
};

/**
 * Refuse, with one line, a command whose output would be written over the log it reads: true
 * when it refused.
 *
 * @internal
 */
export const refusesOverwrite = (io: CliIO, command: string, input: string, output: string): boolean => {
  if (!sameFile(input, output)) {
    return false;
  }
  say(
    io.stderr,
    `${PROGRAM}: ${command}: the output ${printable(output)} is the log it reads: write it to another file`,
  );
  return true;
};

export const progressFor = (io: CliIO, size: number | undefined): ProgressBar | undefined =>
  wantsProgress(io.stderr.isTTY === true, size) ? progressBar(io.stderr, size) : undefined;

/** One line on standard error (a report: its failures cannot be reported anywhere else). */
export const say = (stream: NodeJS.WritableStream, line: string): void => {
  stream.write(`${line}\n`);
};

/** A JSON document in pieces, with its line end. */
export function* jsonDocument(value: unknown): Generator<string, void, undefined> {
  yield* jsonPieces(value);
  yield '\n';
}

/** The one line for a failed write to standard output. */
export const cannotWriteStdout = (error: unknown): string =>
  `${PROGRAM}: cannot write standard output: ${printable(errorMessage(error))}`;

/**
 * Write `pieces` to standard output: `code` once written, or, when standard output cannot take
 * them (a full disk, a closed pipe), one line saying so and the usage exit code.
 */
export const output = async (io: CliIO, pieces: Iterable<string>, code: ExitCode): Promise<ExitCode> => {
  try {
    await writeAll(io.stdout, pieces);
    return code;
  } catch (error: unknown) {
    say(io.stderr, cannotWriteStdout(error));
    return USAGE;
  }
};

/** Write one JSON document, `{ schemaVersion, file, ...fields }`, to standard output as `output` does. */
export const outputJson = (
  io: CliIO,
  file: string,
  fields: Readonly<Record<string, unknown>>,
  code: ExitCode,
): Promise<ExitCode> => output(io, jsonDocument({ schemaVersion: JSON_SCHEMA_VERSION, file, ...fields }), code);
