/**
 * The writer of operation logs: the header line, then one codec-encoded record per line, to a
 * Node writable stream (a file, `process.stdout`, a socket), waiting whenever the stream asks it
 * to.
 *
 * @since 0.1.0
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { LogHeader } from '../log/LogHeader';
import { headerLine } from '../log/LogHeader';
import type { LogRecord } from '../log/LogRecord';
import { recordLine } from '../log/LogRecord';
import type { TimeStamper } from '../log/timeStamp';
import { timeStamper } from '../log/timeStamp';
import { settledOn, writePiece } from './writable';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a log is written: a Node writable stream (a file, `process.stdout`, a socket).
 *
 * @since 0.1.0
 */
export type LogSink = NodeJS.WritableStream;

/**
 * An open log: records are appended one at a time, each written to the stream at once. Every
 * promise it returns settles: a write after `end`, a second `end`, or a write once the stream
 * failed or was destroyed rejects with an `Error` saying so (the stream's own error when it
 * failed), and writes nothing.
 *
 * @since 0.1.0
 */
export interface LogWriter {
  /** Append one record; resolves when the stream can take more, rejects if it failed. */
  readonly write: (record: LogRecord) => Promise<void>;
  /**
   * Finish the log (ending the stream unless told not to); resolves when all is written, rejects
   * if any of it could not be.
   */
  readonly end: () => Promise<void>;
}

/**
 * Options of the writers.
 *
 * @since 0.1.0
 */
export interface WriteLogOptions {
  /** End the stream when the log is finished (default `true`; pass `false` for `process.stdout`). */
  readonly end?: boolean;
  /**
   * A wall clock in integer milliseconds since the Unix epoch (such as `Date.now`): the header
   * then declares the clock, and every record without a `time` is stamped with the clock's time
   * when it is written.
   */
  readonly clock?: () => number;
}

// -------------------------------------------------------------------------------------
// writers
// -------------------------------------------------------------------------------------

/** Lines are gathered into pieces of about this many characters before they are written. */
const PIECE = 1 << 16;

/**
 * The line a writer for `fn` opens its log with, and how it stamps records: the header as given
 * is checked first (so that an error names it), then the one the clock makes of it.
 */
const opening = (
  fn: string,
  header: LogHeader,
  clock: (() => number) | undefined,
): { readonly first: string; readonly stamp: TimeStamper } => {
  const given = headerLine(fn, header);
  const stamp = timeStamper(fn, header, clock);
  return { first: `${stamp.header === header ? given : headerLine(fn, stamp.header)}\n`, stamp };
};

/**
 * Write a whole log, `header` then `records` (a list, or a lazy or asynchronous sequence, which
 * is consumed only as fast as the stream drains), and resolve when it is written. Lines are
 * written in pieces of about 64 KiB; a failing stream rejects the promise. The header and every
 * record are checked with their codecs, so the log is one the reader accepts: an invalid header
 * rejects before anything is written, an invalid record rejects there (`writeLog: records[7]:
 * ...`), after the lines before it.
 *
 * @example
 * import * as fs from 'node:fs'
 * import {
 *   backendKey,
 *   broadcastAction,
 *   liveBackend,
 *   logRecord,
 *   logHeader,
 *   registerAction,
 *   releaseHandlesOperation,
 *   sharedInstance,
 * } from 'lifecycle-broadcast'
 * import { writeLog } from 'lifecycle-broadcast/node'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const records = [
 *   logRecord(registerAction(liveBackend(zccache))),
 *   logRecord(broadcastAction(releaseHandlesOperation('/var/cache/zccache'))),
 * ]
 * await writeLog(fs.createWriteStream('broker.ndjson'), logHeader(), records)
 *
 * @since 0.1.0
 */
export const writeLog = async (
  sink: LogSink,
  header: LogHeader,
  records: Iterable<LogRecord> | AsyncIterable<LogRecord>,
  options: WriteLogOptions = {},
): Promise<void> => {
  // Checked before anything is written: a header the reader would refuse makes the whole log unreadable.
  const { first, stamp } = opening('writeLog', header, options.clock);
  async function* pieces(): AsyncGenerator<string, void, undefined> {
    let piece = first;
    let i = 0;
    for await (const record of records) {
      // Each record must be a line of the header's version (a version 1 log has no BroadcastTo).
      piece += `${recordLine(`writeLog: records[${String(i)}]`, stamp.record(record), stamp.header)}\n`;
      i += 1;
      if (piece.length >= PIECE) {
        yield piece;
        piece = '';
      }
    }
    if (piece !== '') {
      yield piece;
    }
  }
  await pipeline(Readable.from(pieces(), { objectMode: false }), sink, { end: options.end ?? true });
};

/**
 * Open a log on `sink`: the header is written at once, then each `write` appends one record. The
 * writer honours backpressure: `write` resolves only once the stream has room again, so a caller
 * that awaits it never buffers more than the stream's high-water mark. With a `clock`, each
 * record is stamped with the time it is written at. It writes only what the reader accepts: a
 * header the codec refuses throws a `TypeError` or `RangeError` here, a record it refuses makes
 * that `write` reject with one, writing nothing.
 *
 * @example
 * import { broadcast, broadcastAction, createRegistry, logRecord, logHeader, quiesceOperation } from 'lifecycle-broadcast'
 * import { createLogWriter } from 'lifecycle-broadcast/node'
 *
 * const registry = createRegistry()
 * const operation = quiesceOperation('BrokerShutdown')
 * const log = createLogWriter(process.stdout, logHeader(registry.policy), { end: false })
 * // A broadcast's record may carry the result it had, for a replay to verify.
 * await log.write(logRecord(broadcastAction(operation), broadcast(registry, operation).result))
 * await log.end()
 *
 * @since 0.1.0
 */
export const createLogWriter = (sink: LogSink, header: LogHeader, options: WriteLogOptions = {}): LogWriter => {
  const fn = 'createLogWriter';
  // Checked at the call, before the stream is touched.
  const { first, stamp } = opening(fn, header, options.clock);
  let failure: { readonly error: unknown } | undefined;
  let ended = false;
  const onError = (error: unknown): void => {
    failure ??= { error };
  };
  sink.on('error', onError);
  const state = sink as { readonly destroyed?: unknown; readonly writableEnded?: unknown };

  // The stream's state, checked before each write: a write to a destroyed or ended stream would
  // never drain, and its error could come after the caller stopped listening.
  const check = (): void => {
    if (failure !== undefined) {
      throw failure.error;
    }
    if (state.destroyed === true) {
      throw new Error(`${fn}: the stream was destroyed, so the log cannot be written to any more`);
    }
    if (state.writableEnded === true) {
      throw new Error(`${fn}: the stream was ended by someone else, so the log cannot be written to any more`);
    }
  };

  let last: Promise<void> = Promise.resolve();
  const put = async (line: string): Promise<void> => {
    check();
    const { room, written } = writePiece(sink, line);
    last = written;
    await room;
  };

  const headerWritten = put(first);
  // Reported by the first `write` or `end` that awaits it, not as an unhandled rejection.
  headerWritten.catch(() => undefined);

  const finished = (): Promise<void> =>
    settledOn(sink, 'finish', `${fn}: the stream was closed before the log was finished`);

  return Object.freeze({
    write: async (record: LogRecord): Promise<void> => {
      if (ended) {
        throw new Error(`${fn}: write after end(): the log is finished, nothing more can be added`);
      }
      const line = `${recordLine(`${fn}: write`, stamp.record(record), stamp.header)}\n`;
      await headerWritten;
      await put(line);
    },
    end: async (): Promise<void> => {
      if (ended) {
        throw new Error(`${fn}: end() was called already: the log is finished`);
      }
      ended = true;
      await headerWritten;
      check();
      await last;
      if (options.end ?? true) {
        const done = finished();
        sink.end();
        await done;
      }
      // The stream is the caller's again: from now on its errors are theirs to handle.
      sink.off('error', onError);
    },
  });
};
