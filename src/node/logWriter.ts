/**
 * The writer of operation logs: the header line, then one codec-encoded entry per line, to any
 * writable stream, waiting whenever the stream asks it to.
 *
 * @since 0.1.0
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { LogRecord } from '../log/LogRecord';
import { LogHeader } from '../log/LogHeader';

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
 * An open log: entries are appended one at a time, each written to the stream at once.
 *
 * @since 0.1.0
 */
export interface LogWriter {
  /** Append one entry; resolves when the stream can take more, rejects if it failed. */
  readonly write: (entry: LogRecord) => Promise<void>;
  /** Finish the log (ending the stream unless told not to); resolves when all is flushed. */
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
}

// -------------------------------------------------------------------------------------
// encoding one line
// -------------------------------------------------------------------------------------

/**
 * The header as one line of JSON (without the line end).
 *
 * @since 0.1.0
 */
export const encodeHeaderLine = (header: LogHeader): string => JSON.stringify(LogHeader.encode(header));

/**
 * An entry as one line of JSON (without the line end). Decoding the line gives the entry back.
 *
 * @example
 * import { backendKey, encodeRecordLine, liveBackend, registerAction, sharedInstance } from 'lifecycle-broadcast'
 *
 * encodeRecordLine(registerAction(liveBackend(backendKey(sharedInstance, 'soldr', '0.4.1'))))
 * // '{"_tag":"Register","backend":{"key":{...},"live":true,"response":{"_tag":"Ack"}}}'
 *
 * @since 0.1.0
 */
export const encodeRecordLine = (entry: LogRecord): string => JSON.stringify(LogRecord.encode(entry));

// -------------------------------------------------------------------------------------
// writers
// -------------------------------------------------------------------------------------

/** Lines are gathered into pieces of about this many characters before they are written. */
const PIECE = 1 << 16;

/**
 * Write a whole log, `header` then `entries` (a list, or a lazy or asynchronous sequence, which
 * is consumed only as fast as the stream drains), and resolve when it is written. Lines are
 * written in pieces of about 64 KiB; a failing stream rejects the promise.
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
 *   writeLog,
 * } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const entries = [
 *   logRecord(registerAction(liveBackend(zccache))),
 *   logRecord(broadcastAction(releaseHandlesOperation('/var/cache/zccache'))),
 * ]
 * await writeLog(fs.createWriteStream('broker.ndjson'), logHeader(), entries)
 *
 * @since 0.1.0
 */
export const writeLog = async (
  sink: LogSink,
  header: LogHeader,
  entries: Iterable<LogRecord> | AsyncIterable<LogRecord>,
  options: WriteLogOptions = {},
): Promise<void> => {
  async function* pieces(): AsyncGenerator<string, void, undefined> {
    let piece = `${encodeHeaderLine(header)}\n`;
    for await (const entry of entries) {
      piece += `${encodeRecordLine(entry)}\n`;
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
 * Open a log on `sink`: the header is written at once, then each `write` appends one entry. The
 * writer honours backpressure: `write` resolves only once the stream has room again, so a caller
 * that awaits it never buffers more than the stream's high-water mark.
 *
 * @example
 * import { broadcast, broadcastAction, createLogWriter, createRegistry, logRecord, logHeader, quiesceOperation } from 'lifecycle-broadcast'
 *
 * const registry = createRegistry()
 * const operation = quiesceOperation('BrokerShutdown')
 * const log = createLogWriter(process.stdout, logHeader(registry.policy), { end: false })
 * // A broadcast's entry may carry the result it had, for a replay to verify.
 * await log.write(logRecord(broadcastAction(operation), broadcast(registry, operation).result))
 * await log.end()
 *
 * @since 0.1.0
 */
export const createLogWriter = (sink: LogSink, header: LogHeader, options: WriteLogOptions = {}): LogWriter => {
  let failure: { readonly error: unknown } | undefined;
  const onError = (error: unknown): void => {
    failure ??= { error };
  };
  sink.on('error', onError);

  const put = async (line: string): Promise<void> => {
    if (failure !== undefined) {
      throw failure.error;
    }
    if (!sink.write(line)) {
      // `once` rejects if the stream fails while we wait.
      await once(sink, 'drain');
    }
  };

  const headerWritten = put(`${encodeHeaderLine(header)}\n`);
  // Reported by the first `write` or `end` that awaits it, not as an unhandled rejection.
  headerWritten.catch(() => undefined);

  return Object.freeze({
    write: async (entry: LogRecord): Promise<void> => {
      await headerWritten;
      await put(`${encodeRecordLine(entry)}\n`);
    },
    end: async (): Promise<void> => {
      await headerWritten;
      if (failure !== undefined) {
        throw failure.error;
      }
      if (options.end ?? true) {
        const finished = once(sink, 'finish');
        sink.end();
        await finished;
      }
      sink.off('error', onError);
    },
  });
};
