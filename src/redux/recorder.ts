/**
 * A Redux middleware that records every registry action a store dispatches, with each
 * broadcast's result (an idle sweep that finds backends due is recorded as the `BroadcastTo` it
 * makes; the idle coordinator's own bookkeeping is not part of the log), as codec-encoded
 * `LogEntry` values: into an array, or as NDJSON lines on a
 * Node writable stream in the operation log format. Replaying the entries with `step` from the
 * registry the store started with gives the store's registry.
 *
 * The middleware is typed structurally, so this module needs no Redux at run time or in its
 * declarations; it is assignable to Redux's `Middleware`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import type { BroadcastResult } from '../BroadcastResult';
import { show } from '../codec';
import { deepFreeze } from '../internal/deepFreeze';
import type { LogEntry } from '../LogEntry';
import { logEntry } from '../LogEntry';
import { logHeader } from '../LogHeader';
import { encodeHeaderLine } from '../logWriter';
import { quiesceOperation } from '../BroadcastOperation';
import type { Registry } from '../Registry';
import { broadcast, broadcastTo, size } from '../Registry';
import type { RegistryAction } from '../RegistryAction';
import { broadcastToAction } from '../RegistryAction';
import { quiesceDue } from '../registry/quiesceDue';
import type { LifecycleBroadcastState } from './slice';
import { decodeIdleSliceAction, decodeRegistryAction, isIdleSliceAction, isLifecycleBroadcastAction } from './slice';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A log entry as the `LogEntry` codec encodes it: plain JSON, ready for `JSON.stringify`.
 *
 * @since 0.1.0
 */
export type EncodedLogEntry = t.OutputOf<typeof LogEntry>;

/**
 * Where a recorder puts what it records.
 *
 * @since 0.1.0
 */
export interface RecorderSink {
  /** Called once, when the middleware is attached to a store, with the store's registry. */
  readonly start: (initial: Registry) => void;
  /** Called with every recorded entry, in the order the reducer applies the actions. */
  readonly write: (entry: EncodedLogEntry) => void;
}

/**
 * A sink that keeps everything in memory.
 *
 * @since 0.1.0
 */
export interface ArraySink extends RecorderSink {
  /** The registry the store had when recording started; `null` before. */
  readonly initial: Registry | null;
  /** The entries recorded so far, oldest first: a deeply frozen copy, new after each write. */
  readonly entries: ReadonlyArray<EncodedLogEntry>;
}

/**
 * Anything with a `write` of strings, such as a Node `Writable` (a file, a socket, `stdout`).
 *
 * @since 0.1.0
 */
export interface TextWritable {
  /** Write one piece of text (each is one or more whole lines). */
  readonly write: (chunk: string) => unknown;
}

/**
 * How `streamSink` writes.
 *
 * @since 0.1.0
 */
export interface StreamSinkOptions {
  /**
   * Start with the operation log header line naming the format, its version and the policy
   * (default `true`); without it, every line is one entry.
   */
  readonly header?: boolean;
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
  /** Where entries go. */
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
 * A sink that keeps the starting registry and the entries in memory.
 *
 * @example
 * import { arraySink, createRecorderMiddleware, entryAction, replay } from 'lifecycle-broadcast'
 * import type { LifecycleBroadcastState } from 'lifecycle-broadcast'
 *
 * const sink = arraySink()
 * const recorder = createRecorderMiddleware({
 *   sink,
 *   selectState: (root: { readonly lifecycleBroadcast: LifecycleBroadcastState }) => root.lifecycleBroadcast,
 * })
 * // after dispatching, this is the store's registry again:
 * // replay(sink.initial, sink.entries.map(entryAction)).state
 *
 * @since 0.1.0
 */
export const arraySink = (): ArraySink => {
  let initial: Registry | null = null;
  const entries: EncodedLogEntry[] = [];
  // A frozen copy handed out until the next write, so readers can neither change the record
  // nor see it change under them.
  let view: ReadonlyArray<EncodedLogEntry> | null = null;
  return Object.freeze({
    get initial() {
      return initial;
    },
    get entries() {
      view ??= Object.freeze(entries.slice());
      return view;
    },
    start: (registry: Registry) => {
      if (initial !== null) {
        throw alreadyStarted('arraySink');
      }
      initial = registry;
    },
    write: (entry: EncodedLogEntry) => {
      entries.push(deepFreeze(entry));
      view = null;
    },
  });
};

/**
 * A sink writing NDJSON to `stream`: by default the operation log header, then one entry per
 * line. A log replays from an empty registry, so the store's registry must be empty when
 * recording starts (it is, unless the store was given a preloaded state); otherwise attaching
 * the middleware throws. The stream's errors and back-pressure are the caller's: the sink writes
 * synchronously as actions are dispatched, and never ends the stream.
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
export const streamSink = (stream: TextWritable, options: StreamSinkOptions = {}): RecorderSink => {
  let started = false;
  const line = (value: unknown): void => {
    stream.write(`${JSON.stringify(value)}\n`);
  };
  return Object.freeze({
    start: (registry: Registry) => {
      if (started) {
        throw alreadyStarted('streamSink');
      }
      if (size(registry) > 0) {
        throw new Error(
          `streamSink: a log starts from an empty registry, but the store already holds ${String(size(registry))} backend(s); attach the recorder before registering any, or use arraySink, which keeps the starting registry`,
        );
      }
      started = true;
      if (options.header !== false) {
        stream.write(`${encodeHeaderLine(logHeader(registry.policy))}\n`);
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
 * entry is already its own encoding: handing it out as is, instead of `LogEntry.encode`'s copy,
 * shares the backend keys with the store instead of copying every key of every broadcast result
 * (for a result over 10,000 backends, the copy and its freezing cost about 30 ms and 1 MB). The
 * assignment below stops compiling if a codec's encoded type ever departs from its value type.
 */
const encodeEntry = (entry: LogEntry): EncodedLogEntry => entry;

const looksLikeSliceState = (u: unknown): u is LifecycleBroadcastState =>
  typeof u === 'object' &&
  u !== null &&
  'registry' in u &&
  typeof u.registry === 'object' &&
  u.registry !== null &&
  'recentResults' in u;

/** The result `step` will give a broadcast (to all or to some); `undefined` for other actions. */
const resultOf = (registry: Registry, action: RegistryAction): BroadcastResult | undefined =>
  action._tag === 'Broadcast'
    ? broadcast(registry, action.operation).result
    : action._tag === 'BroadcastTo'
      ? broadcastTo(registry, action.operation, action.keys).result.result
      : undefined;

/**
 * A middleware recording every action of the slice that its reducer accepts (unknown keys
 * included, as they replay to the same outcome; actions rejected for an invalid payload are
 * not, as they did nothing) to `sink`, each broadcast with its result. An idle sweep that finds
 * backends due is recorded as the `BroadcastTo` it makes, with its result; the other idle
 * coordinator actions change no registry and are not recorded.
 *
 * An entry is written just before the action reaches the reducer, with the result computed from
 * the same registry the reducer is about to see, so entries are in the order the reducer applies
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
          // The reducers are pure: this is the result the reducer is about to compute.
          options.sink.write(encodeEntry(logEntry(decoded.right, resultOf(sliceState().registry, decoded.right))));
        }
      } else if (isIdleSliceAction(action)) {
        const decoded = decodeIdleSliceAction(action);
        if (E.isRight(decoded) && decoded.right._tag === 'CollectDue') {
          const state = sliceState();
          const { swept } = quiesceDue(state.registry, state.idle, decoded.right.nowMs);
          if (swept.due.length > 0) {
            const sweep = broadcastToAction(
              quiesceOperation('IdleTimeout'),
              swept.due.map((d) => d.key),
            );
            options.sink.write(encodeEntry(logEntry(sweep, swept.result)));
          }
        }
      }
      return next(action);
    };
  };
