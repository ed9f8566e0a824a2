/**
 * The writer of operation logs: the header line, then one codec-encoded record per line, to a
 * Node writable stream (a file, `process.stdout`, a socket), waiting whenever the stream asks it
 * to.
 *
 * @since 0.1.0
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { LogHeader } from '../log/LogHeader';
import { encodeHeaderLine } from '../log/LogHeader';
import type { LogRecord } from '../log/LogRecord';
import { encodeRecordLine } from '../log/LogRecord';

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
 * An open log: records are appended one at a time, each written to the stream at once.
 *
 * @since 0.1.0
 */
export interface LogWriter {
  /** Append one record; resolves when the stream can take more, rejects if it failed. */
  readonly write: (record: LogRecord) => Promise<void>;
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
// writers
// -------------------------------------------------------------------------------------

/** Lines are gathered into pieces of about this many characters before they are written. */
const PIECE = 1 << 16;

/**
 * Write a whole log, `header` then `records` (a list, or a lazy or asynchronous sequence, which
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
  async function* pieces(): AsyncGenerator<string, void, undefined> {
    let piece = `${encodeHeaderLine(header)}\n`;
    for await (const record of records) {
      piece += `${encodeRecordLine(record)}\n`;
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
 * that awaits it never buffers more than the stream's high-water mark.
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
    write: async (record: LogRecord): Promise<void> => {
      await headerWritten;
      await put(`${encodeRecordLine(record)}\n`);
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
