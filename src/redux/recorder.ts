/**
 * A Redux middleware that records every registry action a store dispatches, with each
 * broadcast's result, as codec-encoded `LogRecord` values: into an array, or as NDJSON lines on a
 * Node writable stream in the operation log format. Replaying the records with `step` from the
 * registry the store started with gives the store's registry.
 *
 * The middleware is typed structurally, so this module needs no Redux at run time or in its
 * declarations; it is assignable to Redux's `Middleware`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import type { BroadcastResult } from '../domain/BroadcastResult';
import { show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import type { LogRecord } from '../log/LogRecord';
import { recordOf } from '../log/LogRecord';
import { logHeader } from '../log/LogHeader';
import { encodeHeaderLine } from '../log/LogHeader';
import type { Registry } from '../registry/Registry';
import { broadcast, backendCount } from '../registry/Registry';
import type { LifecycleBroadcastState } from './slice';
import { decodeRegistryAction, isLifecycleBroadcastAction } from './slice';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A log record as the `LogRecord` codec encodes it: plain JSON, ready for `JSON.stringify`.
 *
 * @since 0.1.0
 */
export type EncodedLogRecord = t.OutputOf<typeof LogRecord>;

/**
 * Where a recorder puts what it records.
 *
 * @since 0.1.0
 */
export interface RecorderSink {
  /** Called once, when the middleware is attached to a store, with the store's registry. */
  readonly start: (initial: Registry) => void;
  /** Called with every recorded record, in the order the reducer applies the actions. */
  readonly write: (record: EncodedLogRecord) => void;
}

/**
 * A sink that keeps everything in memory.
 *
 * @since 0.1.0
 */
export interface ArraySink extends RecorderSink {
  /** The registry the store had when recording started; `null` before. */
  readonly initial: Registry | null;
  /** The records recorded so far, oldest first: a deeply frozen copy, new after each write. */
  readonly records: ReadonlyArray<EncodedLogRecord>;
}

/**
 * Anything with a `write` of strings, such as a Node `Writable` (a file, a socket, `stdout`) or
 * the writer of a web `WritableStream`. If it has an `on` method (a Node stream), `streamSink`
 * listens to its `'error'` event; if `write` returns a promise, a rejection is a failure too.
 *
 * @since 0.1.0
 */
export interface TextWritable {
  /** Write one piece of text (each is one or more whole lines). */
  readonly write: (chunk: string) => unknown;
  /** A Node stream's event registration, used for its `'error'` event. */
  readonly on?: (event: 'error', listener: (error: unknown) => void) => unknown;
}

/**
 * How `streamSink` writes.
 *
 * @since 0.1.0
 */
export interface StreamSinkOptions {
  /**
   * Start with the operation log header line naming the format, its version and the policy
   * (default `true`); without it, every line is one record.
   */
  readonly header?: boolean;
  /**
   * Called once with the first failure of the stream (an `'error'` event, a `write` that throws
   * or rejects). By default the failure is reported with one line on `console.error`. Either
   * way the store goes on working, and the sink records nothing more.
   *
   * @since 0.2.0
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * The sink `streamSink` returns: a recorder sink that also tells whether its stream failed.
 *
 * @since 0.2.0
 */
export interface StreamSink extends RecorderSink {
  /** The first failure of the stream, once it failed (the sink then records nothing more); `null` before. */
  readonly error: unknown;
}

/**
 * The middleware's view of a store (Redux's `MiddlewareAPI` has it).
 *
 * @since 0.1.0
 */
export interface StoreView<Root> {
  /** The store's whole state. */
  readonly getState: () => Root;
}

/**
 * A Redux middleware, written structurally (it is assignable to Redux's `Middleware<{}, Root>`).
 *
 * @since 0.1.0
 */
export type RecorderMiddleware<Root> = (
  api: StoreView<Root>,
) => (next: (action: unknown) => unknown) => (action: unknown) => unknown;

/**
 * How `createRecorderMiddleware` is configured.
 *
 * @since 0.1.0
 */
export interface RecorderOptions<Root> {
  /** Where records go. */
  readonly sink: RecorderSink;
  /** Where the store's root state holds the slice, e.g. `(root) => root.lifecycleBroadcast`. */
  readonly selectState: (root: Root) => LifecycleBroadcastState;
}

// -------------------------------------------------------------------------------------
// sinks
// -------------------------------------------------------------------------------------

const alreadyStarted = (sink: string): Error =>
  new Error(`${sink}: already recording a store; give each store its own sink`);

/**
 * A sink that keeps the starting registry and the records in memory.
 *
 * @example
 * import { arraySink, createRecorderMiddleware, recordAction, replay } from 'lifecycle-broadcast'
 * import type { LifecycleBroadcastState } from 'lifecycle-broadcast'
 *
 * const sink = arraySink()
 * const recorder = createRecorderMiddleware({
 *   sink,
 *   selectState: (root: { readonly lifecycleBroadcast: LifecycleBroadcastState }) => root.lifecycleBroadcast,
 * })
 * // after dispatching, this is the store's registry again:
 * // replay(sink.initial, sink.records.map(recordAction)).state
 *
 * @since 0.1.0
 */
export const arraySink = (): ArraySink => {
  let initial: Registry | null = null;
  const records: EncodedLogRecord[] = [];
  // A frozen copy handed out until the next write, so readers can neither change the record
  // nor see it change under them.
  let view: ReadonlyArray<EncodedLogRecord> | null = null;
  return Object.freeze({
    get initial() {
      return initial;
    },
    get records() {
      view ??= Object.freeze(records.slice());
      return view;
    },
    start: (registry: Registry) => {
      if (initial !== null) {
        throw alreadyStarted('arraySink');
      }
      initial = registry;
    },
    write: (record: EncodedLogRecord) => {
      records.push(deepFreeze(record));
      view = null;
    },
  });
};

/**
 * A sink writing NDJSON to `stream`: by default the operation log header, then one record per
 * line. A log replays from an empty registry, so the store's registry must be empty when
 * recording starts (it is, unless the store was given a preloaded state); otherwise attaching
 * the middleware throws. The sink writes synchronously as actions are dispatched and never ends
 * the stream; back-pressure is the caller's.
 *
 * A failing stream never crashes the host nor the dispatch: the sink listens to the stream's
 * `'error'` event (when it has `on`), catches a `write` that throws or rejects, reports the
 * first failure to `options.onError` (by default, one line on `console.error`) and keeps it in
 * `sink.error`, and from then on writes nothing, so what was written stays a log that replays to
 * the store's registry as it was then.
 *
 * @example
 * import { createWriteStream } from 'node:fs'
 * import { createRecorderMiddleware, streamSink } from 'lifecycle-broadcast'
 * import type { LifecycleBroadcastState } from 'lifecycle-broadcast'
 *
 * const recorder = createRecorderMiddleware({
 *   sink: streamSink(createWriteStream('broker.ndjson')),
 *   selectState: (root: { readonly lifecycleBroadcast: LifecycleBroadcastState }) => root.lifecycleBroadcast,
 * })
 *
 * @since 0.1.0
 */
export const streamSink = (stream: TextWritable, options: StreamSinkOptions = {}): StreamSink => {
  let started = false;
  let failure: { readonly error: unknown } | undefined;
  const fail = (error: unknown): void => {
    if (failure !== undefined) {
      return;
    }
    failure = { error };
    const report = (e: unknown): void => {
      console.error(`streamSink: recording stopped: the stream failed: ${printable(errorMessage(e))}`);
    };
    if (options.onError === undefined) {
      report(error);
      return;
    }
    try {
      options.onError(error);
    } catch (thrown: unknown) {
      // Thrown from inside a stream's 'error' event, it would take the whole process down.
      report(thrown);
    }
  };
  if (typeof stream.on === 'function') {
    stream.on('error', fail);
  }
  const put = (text: string): void => {
    if (failure !== undefined) {
      return;
    }
    try {
      const r: unknown = stream.write(text);
      if (typeof r === 'object' && r !== null && typeof (r as Partial<PromiseLike<unknown>>).then === 'function') {
        (r as PromiseLike<unknown>).then(undefined, fail);
      }
    } catch (error: unknown) {
      fail(error);
    }
  };
  const line = (value: unknown): void => {
    put(`${JSON.stringify(value)}\n`);
  };
  return Object.freeze({
    get error() {
      return failure === undefined ? null : failure.error;
    },
    start: (registry: Registry) => {
      if (started) {
        throw alreadyStarted('streamSink');
      }
      if (backendCount(registry) > 0) {
        throw new Error(
          `streamSink: a log starts from an empty registry, but the store already holds ${String(backendCount(registry))} backend(s); attach the recorder before registering any, or use arraySink, which keeps the starting registry`,
        );
      }
      started = true;
      if (options.header !== false) {
        put(`${encodeHeaderLine(logHeader(registry.policy))}\n`);
      }
    },
    write: line,
  });
};

// -------------------------------------------------------------------------------------
// middleware
// -------------------------------------------------------------------------------------

/**
 * Every codec of the library encodes a value to a deep-equal plain copy of itself, so a frozen
 * record is already its own encoding: handing it out as is, instead of `LogRecord.encode`'s copy,
 * shares the backend keys with the store instead of copying every key of every broadcast result
 * (for a result over 10,000 backends, the copy and its freezing cost about 30 ms and 1 MB). The
 * assignment below stops compiling if a codec's encoded type ever departs from its value type.
 */
const encodeRecord = (record: LogRecord): EncodedLogRecord => record;

const looksLikeSliceState = (u: unknown): u is LifecycleBroadcastState =>
  typeof u === 'object' &&
  u !== null &&
  'registry' in u &&
  typeof u.registry === 'object' &&
  u.registry !== null &&
  'recentResults' in u;

/**
 * A middleware recording every action of the slice that its reducer accepts (unknown keys
 * included, as they replay to the same outcome; actions rejected for an invalid payload are
 * not, as they did nothing) to `sink`, each broadcast with its result.
 *
 * A record is written just before the action reaches the reducer, with the result computed from
 * the same registry the reducer is about to see, so records are in the order the reducer applies
 * them even when a subscriber dispatches while a dispatch is running. Add it after any
 * middleware that transforms or drops actions (`getDefaultMiddleware().concat(recorder)`).
 *
 * Attaching it throws when `selectState` does not find the slice state in the store.
 *
 * @example
 * import { configureStore } from '@reduxjs/toolkit'
 * import { arraySink, createRecorderMiddleware, lifecycleBroadcastReducer } from 'lifecycle-broadcast'
 * import type { LifecycleBroadcastState } from 'lifecycle-broadcast'
 *
 * const sink = arraySink()
 * const recorder = createRecorderMiddleware({
 *   sink,
 *   selectState: (root: { readonly lifecycleBroadcast: LifecycleBroadcastState }) => root.lifecycleBroadcast,
 * })
 * const store = configureStore({
 *   reducer: { lifecycleBroadcast: lifecycleBroadcastReducer },
 *   middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(recorder),
 * })
 *
 * @since 0.1.0
 */
export const createRecorderMiddleware =
  <Root>(options: RecorderOptions<Root>): RecorderMiddleware<Root> =>
  (api) => {
    const sliceState = (): LifecycleBroadcastState => {
      const state: unknown = options.selectState(api.getState());
      if (!looksLikeSliceState(state)) {
        throw new Error(
          `createRecorderMiddleware: selectState did not find the lifecycle-broadcast slice state in the store (got ${show(state)}); mount the slice reducer and select where it is mounted`,
        );
      }
      return state;
    };
    options.sink.start(sliceState().registry);
    return (next) => (action) => {
      if (isLifecycleBroadcastAction(action)) {
        const decoded = decodeRegistryAction(action);
        if (E.isRight(decoded)) {
          const registryAction = decoded.right;
          // `broadcast` is pure: this is the result the reducer is about to compute.
          const result: BroadcastResult | undefined =
            registryAction._tag === 'Broadcast'
              ? broadcast(sliceState().registry, registryAction.operation).result
              : undefined;
          // Both come checked: the action by the slice's decoder, the result from `broadcast`.
          options.sink.write(encodeRecord(recordOf(registryAction, result)));
        }
      }
      return next(action);
    };
  };
