/**
 * The streaming reader of operation logs: it decodes a log one line at a time from any sequence
 * of text or byte chunks (an array, a generator, a web `ReadableStream`, a Node stream), so
 * memory stays flat however long the log is, and reports each bad line with its number and what
 * is wrong with it. It runs anywhere; `fileSource` in `lifecycle-broadcast/node` reads a file.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';

import type { RawLine } from '../internal/lines';
import { errorMessage } from '../internal/errorMessage';
import { lineBatches } from '../internal/lines';
import { matchTag } from '../internal/match';
import type { LogHeader } from './LogHeader';
import { decodeLogHeader } from './LogHeader';
import { checkFunction, optionalInteger, optionalOfType, optionsObject } from '../internal/options';
import { printable } from '../internal/printable';
import type { LogRecord } from './LogRecord';
import { decodeLogRecord } from './LogRecord';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The longest line the reader accepts by default, in characters (line end excluded): 1 MiB,
 * room for a broadcast result listing several thousand backends.
 *
 * @since 0.1.0
 */
export const DEFAULT_MAX_LINE_LENGTH = 1_048_576;

/**
 * Where a log is read from: a sequence of text or UTF-8 byte chunks, in memory (`[text]`) or
 * streamed (`process.stdin`, `fileSource(path)` from `lifecycle-broadcast/node`, a web
 * `ReadableStream`). Chunks may split lines (and characters) anywhere. A `name` property, when
 * the source has one, names it in messages.
 *
 * @since 0.2.0
 */
export type LogSource = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/**
 * Options of the reader. A wrong option (of the wrong type, or a length that is not a positive
 * integer) throws a `TypeError` or `RangeError` at the call, before anything is read.
 *
 * @since 0.1.0
 */
export interface ReadLogOptions {
  /** What to call the source in messages; the source's own `name`, or `input`, by default. */
  readonly name?: string;
  /**
   * Lines longer than this many characters (a positive integer) are rejected unread, as soon as
   * they cross it; `DEFAULT_MAX_LINE_LENGTH` by default.
   */
  readonly maxLineLength?: number;
  /**
   * Called after each chunk with the amount read so far, in bytes (in characters for a source of
   * text chunks), for a progress bar. If it throws, reading ends with a `ReadFailed`.
   */
  readonly onProgress?: (read: number) => void;
}

/**
 * The header, decoded from the first line that is not empty.
 *
 * @since 0.1.0
 */
export interface HeaderLine {
  readonly _tag: 'HeaderLine';
  readonly line: number;
  readonly header: LogHeader;
}

/**
 * An entry, decoded from a line after the header.
 *
 * @since 0.1.0
 */
export interface RecordLine {
  readonly _tag: 'RecordLine';
  readonly line: number;
  readonly record: LogRecord;
}

/**
 * A line that could not be decoded, with one readable message per problem. A `fatal` one (a
 * missing, invalid or too new header) ends the log: nothing after it can be read.
 *
 * @since 0.1.0
 */
export interface InvalidLine {
  readonly _tag: 'InvalidLine';
  readonly line: number;
  readonly problems: ReadonlyArray<string>;
  readonly fatal: boolean;
}

/**
 * The source could not be read any further (a missing file, a failing stream). `line` is the
 * number of lines read before it failed.
 *
 * @since 0.1.0
 */
export interface ReadFailed {
  readonly _tag: 'ReadFailed';
  readonly line: number;
  readonly message: string;
}

/**
 * What the reader yields, in order: one `HeaderLine` (or a fatal `InvalidLine`), then one
 * `RecordLine` or `InvalidLine` per line that is not empty, and a `ReadFailed` if the source
 * broke.
 *
 * @since 0.1.0
 */
export type LogLine = HeaderLine | RecordLine | InvalidLine | ReadFailed;

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a line of the reader, one handler per kind.
 *
 * @example
 * import { describeInvalidLine, matchLogLine, readLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const describeLine = matchLogLine({
 *   HeaderLine: (l) => `${l.header.format} version ${l.header.version}`,
 *   RecordLine: (l) => `line ${l.line}: ${l.record._tag}`,
 *   InvalidLine: describeInvalidLine,
 *   ReadFailed: (l) => `stopped reading after line ${l.line}: ${l.message}`,
 * })
 * for await (const l of readLog(fileSource('broker.ndjson'))) {
 *   console.log(describeLine(l))
 * }
 *
 * @since 0.1.0
 */
export const matchLogLine = matchTag<LogLine>();

// -------------------------------------------------------------------------------------
// decoding one line
// -------------------------------------------------------------------------------------

const invalid = (line: number, problems: ReadonlyArray<string>, fatal = false): InvalidLine => ({
  _tag: 'InvalidLine',
  line,
  problems,
  fatal,
});

const parse = (text: string): E.Either<ReadonlyArray<string>, unknown> => {
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (error: unknown) {
    return E.left([`invalid JSON: ${errorMessage(error)}`]);
  }
};

/**
 * Decode the text of the header line `line`. A header that cannot be decoded is fatal.
 *
 * @since 0.1.0
 */
export const decodeHeaderLine = (text: string, line: number): HeaderLine | InvalidLine => {
  const decoded = E.chain(decodeLogHeader)(parse(text));
  return E.isLeft(decoded) ? invalid(line, decoded.left, true) : { _tag: 'HeaderLine', line, header: decoded.right };
};

/**
 * Decode the text of record line `line` of the log whose header is `header` (a line of the
 * newest version when omitted): each version's lines are read as that version wrote them, and a
 * record is refused what its log's version does not accept (see `logVersionFeatures`), such as
 * a `BroadcastTo` line or a `time` in a version 1 log, or a `time` in a log whose header
 * declares no clock.
 *
 * @example
 * import { decodeRecordLine } from 'lifecycle-broadcast'
 *
 * decodeRecordLine('{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Sleep"}}', 7)
 * // { _tag: 'InvalidLine', line: 7, fatal: false,
 * //   problems: ['operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"'] }
 *
 * @since 0.1.0
 */
export const decodeRecordLine = (text: string, line: number, header?: LogHeader): RecordLine | InvalidLine => {
  // The hot path of every replay: plain branches rather than fp-ts combinators, whose
  // data-first/data-last dispatch copies `arguments` on every call.
  const parsed = parse(text);
  if (E.isLeft(parsed)) {
    return invalid(line, parsed.left);
  }
  const decoded = decodeLogRecord(header, parsed.right);
  return E.isLeft(decoded) ? invalid(line, decoded.left) : { _tag: 'RecordLine', line, record: decoded.right };
};

/**
 * One printable line of text describing a bad line: `line 7: ` followed by its problems. Control
 * characters quoted from the input (an escape sequence, a NUL, a carriage return) are written as
 * `\u001b`-style escapes, so a hostile log can neither break the line nor repaint a terminal;
 * `problems` itself keeps the exact text.
 *
 * @since 0.1.0
 */
export const describeInvalidLine = (l: InvalidLine): string =>
  printable(`line ${String(l.line)}: ${l.problems.join('; ')}`);

// -------------------------------------------------------------------------------------
// streaming
// -------------------------------------------------------------------------------------

const isIterable = (u: unknown): u is Iterable<unknown> =>
  typeof u === 'object' && u !== null && typeof (u as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';

/** The name a source gives itself (`fileSource` names its file), if any. */
const nameOf = (source: unknown): string | undefined => {
  const name = typeof source === 'object' && source !== null ? (source as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
};

/** The reader's options, checked. */
interface CheckedReadOptions {
  readonly name: string;
  readonly maxLineLength: number;
  readonly onProgress: ((read: number) => void) | undefined;
}

/**
 * Check a source and the reader's options as a caller passed them (possibly from plain
 * JavaScript): a `TypeError` or `RangeError` naming `fn` and what is wrong.
 *
 * @internal
 */
export const checkReadArguments = (fn: string, source: unknown, options: ReadLogOptions): CheckedReadOptions => {
  if (!isIterable(source) && !isAsyncIterable(source)) {
    throw new TypeError(
      typeof source === 'string'
        ? `${fn}: a log source is a sequence of chunks, not a string: pass [text], or fileSource(path) from lifecycle-broadcast/node for a file`
        : `${fn}: a log source is a sequence of text or byte chunks (an array, a generator or a stream)`,
    );
  }
  const o = optionsObject(fn, options);
  checkFunction(fn, 'onProgress', o.onProgress);
  return {
    name: optionalOfType(fn, 'name', o.name, 'string') ?? nameOf(source) ?? 'input',
    maxLineLength: optionalInteger(fn, 'maxLineLength', o.maxLineLength, 1) ?? DEFAULT_MAX_LINE_LENGTH,
    onProgress: options.onProgress,
  };
};

/**
 * Where a source read from the middle of a log starts: it holds the lines after line `line` of
 * the log whose header is `header`, and no header line of its own.
 *
 * @internal
 */
export interface ReadAfter {
  readonly header: LogHeader;
  readonly line: number;
}

/**
 * The decoded lines of `source` in batches (one per chunk read), for consumers that fold many
 * lines between two awaits. Empty lines are skipped; the numbers count them all the same. With
 * `after`, the source is the rest of a log after that line: its lines are numbered from there
 * and decoded under that header. The arguments must have been checked with
 * `checkReadArguments`.
 *
 * @internal
 */
export async function* logLineBatches(
  source: LogSource,
  options: CheckedReadOptions,
  after?: ReadAfter,
): AsyncGenerator<ReadonlyArray<LogLine>, void, undefined> {
  const { name, maxLineLength: maxLength, onProgress } = options;
  const offset = after?.line ?? 0;
  // Read through an object: the flags are set inside `decodeRaw`, out of the compiler's sight.
  const seen: { header: boolean; decoded: LogHeader | undefined; callbackFailed: boolean } = {
    header: after !== undefined,
    decoded: after?.header,
    callbackFailed: false,
  };
  let last = offset;
  const rejected = (line: number, problem: string): InvalidLine => {
    if (seen.header) {
      return invalid(line, [problem]);
    }
    seen.header = true;
    return invalid(line, [problem], true);
  };
  /** The header line, kept to decode the lines after it. */
  const kept = (header: HeaderLine | InvalidLine): HeaderLine | InvalidLine => {
    if (header._tag === 'HeaderLine') {
      seen.decoded = header.header;
    }
    return header;
  };
  const decodeRaw = (at: RawLine): LogLine | undefined => {
    const raw = offset === 0 ? at : { ...at, line: at.line + offset };
    last = raw.line;
    switch (raw._tag) {
      case 'OverlongLine':
        return rejected(raw.line, `line is longer than the maximum of ${String(maxLength)} characters`);
      case 'MalformedLine':
        return rejected(raw.line, `invalid UTF-8 at byte ${String(raw.offset + 1)} of the line`);
      case 'TextLine':
        if (raw.text.trim() === '') {
          return undefined;
        }
        if (seen.header) {
          return decodeRecordLine(raw.text, raw.line, seen.decoded);
        }
        seen.header = true;
        return kept(decodeHeaderLine(raw.text, raw.line));
    }
  };
  const onChunk =
    onProgress === undefined
      ? undefined
      : (read: number): void => {
          try {
            onProgress(read);
          } catch (error: unknown) {
            seen.callbackFailed = true;
            throw error;
          }
        };
  try {
    for await (const raws of lineBatches(source, maxLength, onChunk)) {
      const batch: LogLine[] = [];
      for (const raw of raws) {
        const decoded = decodeRaw(raw);
        if (decoded !== undefined) {
          batch.push(decoded);
          if (decoded._tag === 'InvalidLine' && decoded.fatal) {
            yield batch;
            return;
          }
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
    }
  } catch (error: unknown) {
    const message = seen.callbackFailed
      ? `onProgress threw: ${errorMessage(error)}`
      : `cannot read ${name}: ${errorMessage(error)}`;
    yield [{ _tag: 'ReadFailed', line: last, message }];
    return;
  }
  if (!seen.header) {
    yield [invalid(last + 1, ['the log is empty: it has no header line'], true)];
  }
}

/** The longest string V8 builds (2^29 - 24 characters, on 64-bit builds): a longer log cannot be held whole. */
const LONGEST_STRING = 536_870_888;

/**
 * The whole text of `source`, for the tools that need a log in memory (shrinking one). Rejects
 * when the source cannot be read, when it is longer than a string can be (an endless source
 * such as `/dev/zero` stops there), and, unless `fatal` is false (then each bad sequence reads as
 * U+FFFD), when its bytes are not valid UTF-8.
 *
 * @internal
 */
export const readText = async (source: LogSource, fatal = true): Promise<string> => {
  const utf8 = new TextDecoder('utf-8', { fatal });
  const pieces: string[] = [];
  let length = 0;
  for await (const chunk of source) {
    const piece = typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
    length += piece.length;
    if (length > LONGEST_STRING) {
      throw new RangeError(
        `longer than the longest string Node.js can hold (${LONGEST_STRING.toLocaleString('en-US')} characters)`,
      );
    }
    pieces.push(piece);
  }
  pieces.push(utf8.decode());
  return pieces.join('');
};

/**
 * Read an operation log line by line. The first line that is not empty must be the header; each
 * further line that is not empty is decoded as a `LogRecord` of the version the header names.
 * Empty lines, `\r\n` line ends and a UTF-8 byte order mark are accepted; invalid JSON, invalid
 * UTF-8, unknown `_tag`s, wrong types, unknown fields and lines longer than `maxLineLength`
 * yield an `InvalidLine` and reading goes on (a bad header ends it). Nothing in the log or the
 * source makes it throw: a source that fails yields `ReadFailed` and ends. Only a wrong call
 * throws, at once: a source that is not a sequence of chunks (`TypeError`) or an invalid option
 * (`TypeError` or `RangeError`).
 *
 * @example
 * import { readLog } from 'lifecycle-broadcast'
 *
 * const text = '{"format":"lifecycle-broadcast/log","version":1,"policy":{"ackTimeoutMs":5000}}\n'
 * for await (const l of readLog([text])) {
 *   if (l._tag === 'InvalidLine') console.error(`line ${l.line}: ${l.problems.join('; ')}`)
 * }
 *
 * @since 0.1.0
 */
export const readLog = (source: LogSource, options: ReadLogOptions = {}): AsyncGenerator<LogLine, void, undefined> =>
  linesOf(source, checkReadArguments('readLog', source, options));

async function* linesOf(source: LogSource, options: CheckedReadOptions): AsyncGenerator<LogLine, void, undefined> {
  for await (const batch of logLineBatches(source, options)) {
    yield* batch;
  }
}
