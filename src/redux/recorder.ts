/**
 * A Redux middleware that records every registry action a store dispatches, with each
 * broadcast's result (an idle sweep that finds backends due is recorded as the `BroadcastTo` it
 * makes; the idle coordinator's own bookkeeping is not part of the log), as codec-encoded
 * `LogRecord` values: into an array, or as NDJSON lines on a
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

import { show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import { quiesceOperation } from '../domain/BroadcastOperation';
import type { LogRecord } from '../log/LogRecord';
import { recordOf } from '../log/LogRecord';
import { logHeader, encodeHeaderLine } from '../log/LogHeader';
import { readClock } from '../log/timeStamp';
import type { CollectDueAction, DueQuiesced } from '../idle';
import { quiesceDue } from '../idle';
import type { Registry } from '../registry/Registry';
import { broadcast, broadcastTo, backendCount } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import { broadcastToAction } from '../registry/RegistryAction';
import type { AnyLifecycleBroadcastSlice } from './slice';
import type { LifecycleBroadcastState } from './state';
import { looksLikeSliceState } from './state';

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
  /**
   * Called once, when the middleware is attached to a store, with the store's registry and
   * whether the records will carry times (the middleware was given a clock).
   */
  readonly start: (initial: Registry, timed?: boolean) => void;
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
  /** The slice whose actions are recorded. */
  readonly slice: AnyLifecycleBroadcastSlice;
  /** Where records go. */
  readonly sink: RecorderSink;
  /**
   * Where the store's root state holds the slice, e.g. `(root) => root.broker` (default: the
   * slice's `selectSlice`, which reads it at its `reducerPath`).
   */
  readonly selectState?: (root: Root) => LifecycleBroadcastState;
  /**
   * A wall clock in integer milliseconds since the Unix epoch (such as `Date.now`): every record
   * then carries the `time` its action was dispatched at, and a stream sink's header declares
   * the clock.
   */
  readonly clock?: () => number;
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
 * import { arraySink, createRecorderMiddleware, lifecycleBroadcastSlice, recordAction, replay } from 'lifecycle-broadcast'
 *
 * const sink = arraySink()
 * const recorder = createRecorderMiddleware({ slice: lifecycleBroadcastSlice, sink })
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
 * import { createLifecycleBroadcastSlice, createRecorderMiddleware, streamSink } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const recorder = createRecorderMiddleware({ slice: broker, sink: streamSink(createWriteStream('broker.ndjson')) })
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
    start: (registry: Registry, timed?: boolean) => {
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
        put(
          `${encodeHeaderLine(timed === true ? logHeader(registry.policy, 'epochMillis') : logHeader(registry.policy))}\n`,
        );
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

/**
 * An action on its way to the reducer, with the slice state it will be applied to: a registry
 * action, or an idle sweep (the one idle coordinator action that changes the registry).
 */
interface Pending {
  readonly action: RegistryAction | CollectDueAction;
  readonly before: LifecycleBroadcastState;
  /** When it was dispatched, if the recorder has a clock. */
  readonly time: number | undefined;
}

// Records are built without checking them again: the actions were decoded by the slice, and
// each result is the registry's own.

/** The `BroadcastTo` an idle sweep made, with its result; nothing when it found none due. */
const sweepRecord = (swept: DueQuiesced): LogRecord | undefined =>
  swept.due.length === 0
    ? undefined
    : recordOf(
        broadcastToAction(
          quiesceOperation('IdleTimeout'),
          swept.due.map((d) => d.key),
        ),
        swept.result,
      );

/**
 * A middleware recording every action of `slice` that its reducer accepts (unknown keys
 * included, as they replay to the same outcome; actions rejected for an invalid payload are
 * not, as they did nothing) to `sink`, each broadcast with the result the reducer computed. An
 * idle sweep that finds backends due is recorded as the `BroadcastTo` it makes, with its result;
 * the other idle coordinator actions change no registry and are not recorded.
 *
 * Put it last (`getDefaultMiddleware().concat(recorder)`): it writes each record once the reducer
 * has applied the action, in the reducer's order, with the result the reducer stored. Attaching
 * it throws when `selectState` does not find the slice state. Given a `clock`, every record
 * carries the time its action was dispatched at (format version 2).
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import { arraySink, createLifecycleBroadcastSlice, createRecorderMiddleware } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const sink = arraySink()
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({
 *   reducer: rootReducer,
 *   middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(createRecorderMiddleware({ slice: broker, sink })),
 * })
 *
 * @since 0.1.0
 */
export const createRecorderMiddleware =
  <Root>(options: RecorderOptions<Root>): RecorderMiddleware<Root> =>
  (api) => {
    const { slice, sink, clock } = options;
    if (clock !== undefined && typeof clock !== 'function') {
      throw new TypeError(
        `createRecorderMiddleware: clock must be a function giving milliseconds since the Unix epoch (such as Date.now), got ${show(clock)}`,
      );
    }
    const select: (root: Root) => unknown = options.selectState ?? (slice.selectSlice as (root: Root) => unknown);
    const sliceState = (): LifecycleBroadcastState => {
      let state: unknown;
      try {
        state = select(api.getState());
      } catch {
        state = undefined;
      }
      if (!looksLikeSliceState(state)) {
        throw new Error(
          `createRecorderMiddleware: selectState did not find the ${slice.name} slice state in the store (got ${show(state)}); mount the slice reducer and select where it is mounted`,
        );
      }
      return state;
    };
    sink.start(sliceState().registry, clock !== undefined);

    // At most one action is between the recorder and the end of the reducer at any time: the
    // recorder is the last middleware, so `next` applies the action at once, and an action a
    // subscriber dispatches from inside `next` arrives after that. Its record is written then,
    // or when `next` returns, whichever comes first.
    let pending: Pending | null = null;

    /** The record of `p`, its broadcast result computed again from the state it was sent to. */
    const recomputed = (p: Pending): LogRecord | undefined => {
      const a = p.action;
      switch (a._tag) {
        case 'Broadcast':
          return recordOf(a, broadcast(p.before.registry, a.operation).result);
        case 'BroadcastTo':
          return recordOf(a, broadcastTo(p.before.registry, a.operation, a.keys).result);
        case 'CollectDue':
          return sweepRecord(quiesceDue(p.before.registry, p.before.idle, a.nowMs).swept);
        case 'Register':
        case 'SetLive':
        case 'SetResponse':
        case 'Unregister':
          return a;
      }
    };

    /** The record of `p` from the state the reducer left, with the result it stored. */
    const applied = (p: Pending, after: LifecycleBroadcastState): LogRecord | undefined => {
      const event = after.lastEvent;
      switch (p.action._tag) {
        case 'Broadcast':
          return event?._tag === 'OperationBroadcast' ? recordOf(p.action, event.result) : recomputed(p);
        case 'BroadcastTo':
          return event?._tag === 'OperationBroadcastTo' ? recordOf(p.action, event.result) : recomputed(p);
        case 'CollectDue':
          return event?._tag === 'DueQuiesced' ? sweepRecord(event) : recomputed(p);
        case 'Register':
        case 'SetLive':
        case 'SetResponse':
        case 'Unregister':
          return p.action;
      }
    };

    /** Write the record of `p`, if it has one, with the time it was dispatched at. */
    const write = (p: Pending, record: LogRecord | undefined): void => {
      if (record !== undefined) {
        sink.write(encodeRecord(p.time === undefined ? record : { ...record, time: p.time }));
      }
    };

    const flush = (final: boolean): void => {
      const p = pending;
      if (p === null) {
        return;
      }
      pending = null;
      const after = sliceState();
      if (after !== p.before) {
        write(p, applied(p, after));
      } else if (!final) {
        // Another action arrived before the reducer applied this one: only possible when a
        // middleware after the recorder dispatches. Its result is then computed again.
        write(p, recomputed(p));
      }
      // Otherwise the reducer never applied it (another reducer of the store threw, or a
      // middleware after the recorder dropped it): there is nothing to record.
    };

    /** What `action` is to the recorder: a registry action, an idle sweep, or nothing to record. */
    const recordable = (action: unknown): RegistryAction | CollectDueAction | undefined => {
      if (slice.isAction(action)) {
        const decoded = slice.decodeRegistryAction(action);
        return E.isRight(decoded) ? decoded.right : undefined;
      }
      if (slice.isIdleAction(action)) {
        const decoded = slice.decodeIdleAction(action);
        return E.isRight(decoded) && decoded.right._tag === 'CollectDue' ? decoded.right : undefined;
      }
      return undefined;
    };

    return (next) => (action) => {
      const recorded = recordable(action);
      if (recorded === undefined) {
        return next(action);
      }
      flush(false);
      const mine: Pending = {
        action: recorded,
        before: sliceState(),
        time: clock === undefined ? undefined : readClock(clock, 'recorder'),
      };
      pending = mine;
      try {
        return next(action);
      } finally {
        if (pending === mine) {
          flush(true);
        }
      }
    };
  };
