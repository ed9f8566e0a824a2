/**
 * A broker's operation log on a JetStream stream: one message per line, the header first, on a
 * subject of the broker's own. `jetStreamSink` writes it (for `writeLog`, `createLogWriter` and
 * the recorder's `streamSink`); `jetStreamSource` reads it back as lines, for `replayLog`,
 * `replayLines`, `readLog` and the command line.
 *
 * @since 0.3.0
 */
import { Writable } from 'node:stream';

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';

import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import { escapeToken } from './subject';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where a log lives on JetStream: a stream, and the subject of one broker's log in it (the
 * stream must capture that subject).
 *
 * @since 0.3.0
 */
export interface JetStreamLogOptions {
  readonly connection: NatsConnection;
  /** The stream's name, such as `LIFECYCLE`. */
  readonly stream: string;
  /** The broker's subject, such as `logSubject('ci-runner-1')`: `broker.ci-runner-1`. */
  readonly subject: string;
}

/**
 * Options of `jetStreamSink`.
 *
 * @since 0.3.0
 */
export interface JetStreamSinkOptions extends JetStreamLogOptions {
  /** How many lines may await their acknowledgement at once (default 256). */
  readonly maxInFlight?: number;
  /**
   * How many times a line whose publish failed is published again, with the same id, after a
   * pause that doubles from 100 ms to at most 2 s (default 8: about 9 s in all).
   */
  readonly retries?: number;
  /** How long a publish waits for its acknowledgement, in milliseconds (default 5,000). */
  readonly timeoutMs?: number;
}

/**
 * Options of `jetStreamSource`.
 *
 * @since 0.3.0
 */
export interface JetStreamSourceOptions extends JetStreamLogOptions {
  /**
   * Follow the log: give the lines stored now and then each one a broker appends, until `signal`
   * is aborted; `onCaughtUp` is called each time every line stored so far has been given.
   * Without it, the source gives the lines stored when it starts and ends.
   */
  readonly follow?: { readonly signal: AbortSignal; readonly onCaughtUp?: () => void };
}

/**
 * The header each message carries: its line number in the broker's log.
 *
 * @since 0.3.0
 */
export const LOG_LINE_HEADER = 'Lifecycle-Log-Line';

/**
 * The default prefix of the log subjects: `broker.<name>`.
 *
 * @since 0.3.0
 */
export const DEFAULT_LOG_PREFIX = 'broker';

/** The longest pause between two publishes of a line. */
const MAX_BACKOFF_MS = 2000;

/** How many lines a reader holds back, waiting for a line published again after a later one. */
const MAX_HELD = 100_000;

/** About the chunk a reader gives at once (characters). */
const BATCH_CHARS = 1 << 16;

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** The message id of line `line` of the log on `subject`: JetStream drops a second one. */
const messageId = (subject: string, line: number): string => `${subject}#${String(line)}`;

const lineOf = (h: MsgHdrs | undefined): number | undefined => {
  const text = h?.get(LOG_LINE_HEADER) ?? '';
  const n = /^[1-9][0-9]*$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
};

/** The stream's manager, or a one-line error when the stream is not there. */
const managerOf = async (connection: NatsConnection, stream: string): Promise<JetStreamManager> => {
  const jsm = await jetstreamManager(connection);
  try {
    await jsm.streams.info(stream);
  } catch (error: unknown) {
    throw new Error(`no JetStream stream ${printable(stream)} on the server (${printable(errorMessage(error))})`, {
      cause: error,
    });
  }
  return jsm;
};

/** The line number of message `m`, or a one-line error when it has none. */
const lineOfMessage = (
  m: { readonly seq: number; readonly headers?: MsgHdrs | undefined },
  subject: string,
): number => {
  const line = lineOf(m.headers);
  if (line === undefined) {
    throw new Error(
      `message ${String(m.seq)} on ${printable(subject)} has no ${LOG_LINE_HEADER} header: not a log written by jetStreamSink`,
    );
  }
  return line;
};

/** The sequence of the last message on `subject`, if there is one. */
const lastSeqOf = async (jsm: JetStreamManager, stream: string, subject: string): Promise<number | undefined> => {
  const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
  return last === null ? undefined : last.seq;
};

/**
 * The highest line number stored on `subject`, among its messages of the last `window` stream
 * sequences (a line published again after a failure may be stored after a later one).
 */
const highestLineOf = async (
  js: JetStreamClient,
  stream: string,
  subject: string,
  lastSeq: number,
  window: number,
): Promise<number> => {
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    opt_start_seq: Math.max(1, lastSeq - window),
  });
  let highest = 0;
  try {
    const messages = await consumer.consume({ max_messages: 1024 });
    for await (const m of messages) {
      highest = Math.max(highest, lineOfMessage(m, subject));
      if (m.seq >= lastSeq || m.info.pending === 0) {
        break;
      }
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return highest;
};

/** The first line stored on `subject` (its header line). */
const firstLineOf = async (js: JetStreamClient, stream: string, subject: string): Promise<string | undefined> => {
  const consumer = await js.consumers.get(stream, { filter_subjects: subject });
  try {
    const m = await consumer.next({ expires: 5000 });
    return m?.string();
  } finally {
    await consumer.delete().catch(() => undefined);
  }
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The subject of broker `name`'s log: `broker.<name>`, the name escaped as a single token
 * (`escapeToken`).
 *
 * @example
 * import { logSubject } from 'lifecycle-broadcast/nats'
 *
 * logSubject('ci-runner-1') // 'broker.ci-runner-1'
 *
 * @since 0.3.0
 */
export const logSubject = (name: string, prefix: string = DEFAULT_LOG_PREFIX): string =>
  `${prefix}.${escapeToken(name)}`;

/**
 * A writable stream that publishes each line written to it as one message on the log's subject,
 * for the log writers (`writeLog`, `createLogWriter`) and the recorder (`streamSink`). Each
 * message carries its line number (`Lifecycle-Log-Line`) and a message id made of the subject
 * and the line number (`Nats-Msg-Id`), so that a line published again after a lost
 * acknowledgement is stored once. A write completes once its lines are sent, with at most
 * `maxInFlight` awaiting their acknowledgement; `end` completes once every one is acknowledged,
 * and a line that cannot be stored after `retries` fails the stream.
 *
 * When the subject already holds a log (a broker that restarts), the sink continues it: the
 * header line written first is checked against the stored one and not published again (another
 * header fails the stream), and the lines written next follow the highest line stored (looked for
 * among the subject's messages of the last `max(4096, 16 x maxInFlight)` stream sequences).
 *
 * @example
 * import { broadcastPolicy, logHeader } from 'lifecycle-broadcast'
 * import { createLogWriter } from 'lifecycle-broadcast/node'
 * import { jetStreamSink, logSubject } from 'lifecycle-broadcast/nats'
 * import { connect } from '@nats-io/transport-node'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const sink = await jetStreamSink({ connection, stream: 'LIFECYCLE', subject: logSubject('ci-runner-1') })
 * const log = createLogWriter(sink, logHeader(broadcastPolicy(5000)))
 *
 * @since 0.3.0
 */
export const jetStreamSink = async (options: JetStreamSinkOptions): Promise<Writable> => {
  const { connection, stream, subject } = options;
  const maxInFlight = options.maxInFlight ?? 256;
  const retries = options.retries ?? 8;
  const timeout = options.timeoutMs ?? 5000;
  const jsm = await managerOf(connection, stream);
  const js = jetstream(connection);
  const lastSeq = await lastSeqOf(jsm, stream, subject);
  // The stored header, when continuing: the first line written must be the same.
  let storedHeader = lastSeq === undefined ? undefined : await firstLineOf(js, stream, subject);
  let next =
    (lastSeq === undefined ? 0 : await highestLineOf(js, stream, subject, lastSeq, Math.max(4096, 16 * maxInFlight))) +
    1;
  let text = '';
  const inFlight: Array<Promise<void>> = [];

  const publish = async (line: number, body: string): Promise<void> => {
    const h = headers();
    h.set(LOG_LINE_HEADER, String(line));
    for (let attempt = 0; ; attempt++) {
      try {
        await js.publish(subject, body, { msgID: messageId(subject, line), headers: h, timeout });
        return;
      } catch (error: unknown) {
        if (attempt < retries) {
          // No responders while a stream elects its leader again: give it a moment.
          await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt)));
        } else {
          throw new Error(`cannot store line ${String(line)} on ${printable(subject)}: ${errorMessage(error)}`, {
            cause: error,
          });
        }
      }
    }
  };

  const send = async (body: string): Promise<void> => {
    if (storedHeader !== undefined) {
      const stored = storedHeader;
      storedHeader = undefined;
      if (body !== stored) {
        throw new Error(
          `${printable(subject)} already holds a log with another header: ${printable(stored.slice(0, 120))}`,
        );
      }
      return;
    }
    const sent = publish(next, body);
    // Failures are seen where the promise is awaited (below, or at the end).
    sent.catch(() => undefined);
    next += 1;
    inFlight.push(sent);
    if (inFlight.length >= maxInFlight) {
      await inFlight.shift();
    }
  };

  const sendLines = async (): Promise<void> => {
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const body = text.slice(start, end);
      start = end + 1;
      if (body.trim() !== '') {
        await send(body);
      }
    }
    text = text.slice(start);
  };

  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      sendLines().then(
        () => {
          done();
        },
        (error: unknown) => {
          done(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
    final(done) {
      const rest = text;
      text = '';
      (rest.trim() === '' ? Promise.resolve() : send(rest))
        .then(() => Promise.all(inFlight.splice(0)))
        .then(
          () => {
            done();
          },
          (error: unknown) => {
            done(error instanceof Error ? error : new Error(String(error)));
          },
        );
    },
  });
};

/**
 * The log on a JetStream subject as a log source: its lines in order, each with its line break,
 * read with an ordered consumer filtered on the one subject (servers from 2.9 on). A line stored
 * twice is given once; a line stored after a later one (published again after a failure) is put
 * back in its place; a line missing at the end of what is stored fails the read in words. The
 * source is named `nats://<stream>/<subject>`.
 *
 * @example
 * import { replayLog } from 'lifecycle-broadcast'
 * import { jetStreamSource } from 'lifecycle-broadcast/nats'
 * import { connect } from '@nats-io/transport-node'
 *
 * const connection = await connect({ servers: '127.0.0.1:4222' })
 * const r = await replayLog(jetStreamSource({ connection, stream: 'LIFECYCLE', subject: 'broker.ci-runner-1' }), {
 *   verify: true,
 * })
 *
 * @since 0.3.0
 */
export const jetStreamSource = (options: JetStreamSourceOptions): AsyncIterable<string> & { readonly name: string } =>
  Object.freeze({
    name: `nats://${options.stream}/${options.subject}`,
    async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
      const { connection, stream, subject, follow } = options;
      const jsm = await managerOf(connection, stream);
      const last = await lastSeqOf(jsm, stream, subject);
      if (last === undefined && follow === undefined) {
        throw new Error(`the stream ${printable(stream)} holds no message on ${printable(subject)}`);
      }
      if (last === undefined) {
        follow?.onCaughtUp?.();
      }
      const js = jetstream(connection);
      const consumer = await js.consumers.get(stream, { filter_subjects: subject });
      const messages = await consumer.consume({ max_messages: 1024 });
      const stop = (): void => {
        void messages.close();
      };
      follow?.signal.addEventListener('abort', stop);
      if (follow?.signal.aborted === true) {
        stop();
      }
      let expected = 1;
      const held = new Map<number, string>();
      let batch = '';
      try {
        for await (const m of messages) {
          const line = lineOfMessage(m, subject);
          if (line === expected) {
            batch += `${m.string()}\n`;
            expected += 1;
            for (let h = held.get(expected); h !== undefined; h = held.get(expected)) {
              held.delete(expected);
              batch += `${h}\n`;
              expected += 1;
            }
          } else if (line > expected) {
            held.set(line, m.string());
            if (held.size > MAX_HELD) {
              throw new Error(`line ${String(expected)} is missing from ${printable(subject)}`);
            }
          }
          const caughtUp = m.info.pending === 0;
          if (batch.length >= BATCH_CHARS || caughtUp) {
            if (batch !== '') {
              const out = batch;
              batch = '';
              yield out;
            }
          }
          if (caughtUp) {
            if (follow === undefined) {
              if (held.size > 0) {
                throw new Error(`line ${String(expected)} is missing from ${printable(subject)}`);
              }
              return;
            }
            // A line still held may be published again yet: a follower waits for it.
            follow.onCaughtUp?.();
          }
        }
        if (batch !== '') {
          yield batch;
        }
      } finally {
        follow?.signal.removeEventListener('abort', stop);
        stop();
        await consumer.delete().catch(() => undefined);
      }
    },
  });
