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
import type { LogRecord } from './LogRecord';
import { decodeLogRecord } from './LogRecord';
import type { LogHeader, LogVersion } from './LogHeader';
import { LOG_VERSION, decodeLogHeader } from './LogHeader';

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
 * Options of the reader.
 *
 * @since 0.1.0
 */
export interface ReadLogOptions {
  /** What to call the source in messages; the source's own `name`, or `input`, by default. */
  readonly name?: string;
  /** Lines longer than this many characters are rejected unread; `DEFAULT_MAX_LINE_LENGTH` by default. */
  readonly maxLineLength?: number;
  /** Called after each chunk with the number of characters read so far (for a progress bar). */
  readonly onProgress?: (charactersRead: number) => void;
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
 * Decode the text of entry line `line` of a log whose header says `version` (the newest when
 * omitted): each version's lines are read as that version wrote them.
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
export const decodeRecordLine = (
  text: string,
  line: number,
  version: LogVersion = LOG_VERSION,
): RecordLine | InvalidLine => {
  // The hot path of every replay: plain branches rather than fp-ts combinators, whose
  // data-first/data-last dispatch copies `arguments` on every call.
  const parsed = parse(text);
  if (E.isLeft(parsed)) {
    return invalid(line, parsed.left);
  }
  const decoded = decodeLogRecord(version, parsed.right);
  return E.isLeft(decoded) ? invalid(line, decoded.left) : { _tag: 'RecordLine', line, record: decoded.right };
};

/**
 * One line of text describing a bad line: `line 7: ` followed by its problems.
 *
 * @since 0.1.0
 */
export const describeInvalidLine = (l: InvalidLine): string => `line ${String(l.line)}: ${l.problems.join('; ')}`;

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

async function* textChunks(
  source: LogSource,
  onProgress: ((n: number) => void) | undefined,
): AsyncGenerator<string, void, undefined> {
  if (!isIterable(source) && !isAsyncIterable(source)) {
    throw new TypeError(
      typeof source === 'string'
        ? 'a log source is a sequence of chunks, not a string: pass [text], or fileSource(path) from lifecycle-broadcast/node for a file'
        : 'a log source is a sequence of text or byte chunks (an array, a generator or a stream)',
    );
  }
  const decoder = new TextDecoder('utf-8');
  let read = 0;
  for await (const chunk of source) {
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array
          ? decoder.decode(chunk, { stream: true })
          : undefined;
    if (text === undefined) {
      throw new TypeError(`a chunk must be a string or bytes, got ${typeof chunk}`);
    }
    read += text.length;
    onProgress?.(read);
    yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') {
    yield rest;
  }
}

/**
 * The decoded lines of `source` in batches (one per chunk read), for consumers that fold many
 * lines between two awaits. Empty lines are skipped; the numbers count them all the same.
 *
 * @internal
 */
export async function* logLineBatches(
  source: LogSource,
  options: ReadLogOptions = {},
): AsyncGenerator<ReadonlyArray<LogLine>, void, undefined> {
  const name = options.name ?? nameOf(source) ?? 'input';
  const maxLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  // Read through an object: the flag is set inside `decodeRaw`, out of the compiler's sight.
  const seen: { header: boolean; version: LogVersion } = { header: false, version: LOG_VERSION };
  let last = 0;
  const decodeRaw = (raw: RawLine): LogLine | undefined => {
    last = raw.line;
    if (raw._tag === 'OverlongLine') {
      const problem = `line is ${String(raw.length)} characters long, more than the maximum of ${String(maxLength)}`;
      if (seen.header) {
        return invalid(raw.line, [problem]);
      }
      seen.header = true;
      return invalid(raw.line, [problem], true);
    }
    if (raw.text.trim() === '') {
      return undefined;
    }
    if (seen.header) {
      return decodeRecordLine(raw.text, raw.line, seen.version);
    }
    seen.header = true;
    const header = decodeHeaderLine(raw.text, raw.line);
    if (header._tag === 'HeaderLine') {
      seen.version = header.header.version;
    }
    return header;
  };
  try {
    for await (const raws of lineBatches(textChunks(source, options.onProgress), maxLength)) {
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
    yield [{ _tag: 'ReadFailed', line: last, message: `cannot read ${name}: ${errorMessage(error)}` }];
    return;
  }
  if (!seen.header) {
    yield [invalid(last + 1, ['the log is empty: it has no header line'], true)];
  }
}

/**
 * Read an operation log line by line. The first line that is not empty must be the header; each
 * further line that is not empty is decoded as a `LogRecord` of the version the header names.
 * Empty lines, `\r\n` line ends and
 * a UTF-8 byte order mark are accepted; invalid JSON, unknown `_tag`s, wrong types, unknown
 * fields and lines longer than `maxLineLength` yield an `InvalidLine` and reading goes on. It
 * never throws: a source that fails yields `ReadFailed` and ends.
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
export async function* readLog(
  source: LogSource,
  options: ReadLogOptions = {},
): AsyncGenerator<LogLine, void, undefined> {
  for await (const batch of logLineBatches(source, options)) {
    yield* batch;
  }
}
