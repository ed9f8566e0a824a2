/**
 * OpenTelemetry for live broadcasts (`options.telemetry`): a broadcast is a span, each request to
 * a backend a child span, and every answer is counted and timed.
 *
 * The library depends on no OpenTelemetry package: the user passes the tracer and the meter of
 * `@opentelemetry/api` (an optional peer dependency), and what is used of them is described here
 * structurally, so the real ones fit. The one thing taken from the API's conventions rather than
 * its code is the context key under which a span is its children's parent
 * (`Symbol.for('OpenTelemetry Context Key SPAN')`, the key every copy of the API shares).
 *
 * @since 0.3.0
 */
import type { Backend } from '../domain/Backend';
import { matchInstance } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { show } from '../internal/codec';
import type { Answer, RequestExtras } from './fanOut';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An attribute value, as OpenTelemetry takes it.
 *
 * @since 0.3.0
 */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * What the runner uses of an OpenTelemetry `Context` (`context.active()` of `@opentelemetry/api`).
 *
 * @since 0.3.0
 */
export interface TelemetryContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): TelemetryContext;
  deleteValue(key: symbol): TelemetryContext;
}

/**
 * What the runner uses of an OpenTelemetry `Span`.
 *
 * @since 0.3.0
 */
export interface TelemetrySpan {
  spanContext(): {
    readonly traceId: string;
    readonly spanId: string;
    readonly traceFlags: number;
    readonly traceState?: { serialize(): string };
  };
  isRecording(): boolean;
  setAttributes(attributes: TelemetryAttributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  addEvent(name: string, attributes?: TelemetryAttributes): unknown;
  end(): void;
}

/**
 * What the runner uses of an OpenTelemetry `Tracer` (`trace.getTracer(name)` of `@opentelemetry/api`).
 *
 * @since 0.3.0
 */
export interface TelemetryTracer {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: TelemetryAttributes },
    context?: TelemetryContext,
  ): TelemetrySpan;
}

/**
 * What the runner uses of an OpenTelemetry `Meter` (`metrics.getMeter(name)` of `@opentelemetry/api`).
 *
 * @since 0.3.0
 */
export interface TelemetryMeter {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): { add(value: number, attributes?: TelemetryAttributes): void };
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): { record(value: number, attributes?: TelemetryAttributes): void };
}

/**
 * Where a live broadcast reports itself (`options.telemetry`): an OpenTelemetry tracer for its
 * spans, a meter for its metrics, either or both, and the context whose span is the broadcast's
 * parent (by default the tracer's active context).
 *
 * @example
 * import { metrics, trace } from '@opentelemetry/api'
 * import type { BroadcastTelemetry } from 'lifecycle-broadcast'
 *
 * const telemetry: BroadcastTelemetry = {
 *   tracer: trace.getTracer('broker'),
 *   meter: metrics.getMeter('broker'),
 * }
 *
 * @since 0.3.0
 */
export interface BroadcastTelemetry {
  readonly tracer?: TelemetryTracer;
  readonly meter?: TelemetryMeter;
  readonly context?: TelemetryContext;
}

// -------------------------------------------------------------------------------------
// names
// -------------------------------------------------------------------------------------

/**
 * The names the runner reports under: OpenTelemetry's semantic conventions for RPC where they
 * exist (`rpc.system.name`, `rpc.method`, `error.type`, `rpc.client.call.duration`), the
 * library's own `lifecycle_broadcast.*` names for the rest.
 *
 * @since 0.3.0
 */
export const TELEMETRY_NAMES = Object.freeze({
  rpcSystem: 'rpc.system.name',
  rpcMethod: 'rpc.method',
  errorType: 'error.type',
  operation: 'lifecycle_broadcast.operation',
  service: 'lifecycle_broadcast.backend.service',
  version: 'lifecycle_broadcast.backend.version',
  instance: 'lifecycle_broadcast.backend.instance',
  exeHash: 'lifecycle_broadcast.backend.exe_hash',
  outcome: 'lifecycle_broadcast.outcome',
  reason: 'lifecycle_broadcast.reason',
  attempt: 'lifecycle_broadcast.attempt',
  callDuration: 'rpc.client.call.duration',
  answers: 'lifecycle_broadcast.backend.answers',
} as const);

/** `rpc.system.name` of every request. */
const RPC_SYSTEM = 'lifecycle-broadcast';

const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

/** Bucket boundaries, in seconds, that the semantic conventions advise for RPC durations. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

// -------------------------------------------------------------------------------------
// checks of input from plain JavaScript
// -------------------------------------------------------------------------------------

const hasMethods = (value: unknown, names: ReadonlyArray<string>): boolean =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => typeof (value as Readonly<Record<string, unknown>>)[n] === 'function');

/** `value` when it is absent or has `methods`, otherwise a `TypeError` naming `name`. */
const part = (name: string, value: unknown, methods: ReadonlyArray<string>, what: string): unknown => {
  if (value === undefined || hasMethods(value, methods)) {
    return value;
  }
  throw new TypeError(`runBroadcast: options.telemetry.${name}: expected ${what}, got ${show(value)}`);
};

/** `options.telemetry` as the runner uses it. */
export interface Telemetry {
  readonly tracer: TelemetryTracer | undefined;
  readonly meter: TelemetryMeter | undefined;
  readonly context: TelemetryContext | undefined;
}

/** `options.telemetry`, checked; `undefined` when there is none (or it has neither tracer nor meter). */
export const telemetryOf = (value: unknown): Telemetry | undefined => {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`runBroadcast: options.telemetry: expected { tracer?, meter?, context? }, got ${show(value)}`);
  }
  const t = value as Readonly<Record<string, unknown>>;
  for (const k of Object.keys(t)) {
    if (!['tracer', 'meter', 'context'].includes(k)) {
      throw new TypeError(`runBroadcast: options.telemetry: unexpected field ${show(k)}`);
    }
  }
  const tracer = part('tracer', t.tracer, ['startSpan'], 'an OpenTelemetry Tracer') as TelemetryTracer | undefined;
  const meter = part('meter', t.meter, ['createCounter', 'createHistogram'], 'an OpenTelemetry Meter') as
    TelemetryMeter | undefined;
  const context = part('context', t.context, ['getValue', 'setValue'], 'an OpenTelemetry Context') as
    TelemetryContext | undefined;
  return tracer === undefined && meter === undefined ? undefined : { tracer, meter, context };
};

// -------------------------------------------------------------------------------------
// instruments
// -------------------------------------------------------------------------------------

interface Instruments {
  readonly answers: ReturnType<TelemetryMeter['createCounter']>;
  readonly duration: ReturnType<TelemetryMeter['createHistogram']>;
}

/** One set of instruments per meter, made on its first broadcast. */
const instrumentsByMeter = new WeakMap<TelemetryMeter, Instruments>();

const instrumentsOf = (meter: TelemetryMeter): Instruments => {
  const known = instrumentsByMeter.get(meter);
  if (known !== undefined) {
    return known;
  }
  const made: Instruments = {
    answers: meter.createCounter(TELEMETRY_NAMES.answers, {
      description: 'Answers of backends to live broadcasts, by operation, outcome and reason',
      unit: '{answer}',
    }),
    duration: meter.createHistogram(TELEMETRY_NAMES.callDuration, {
      description: 'Duration of a request of a live broadcast to one backend, until its answer',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
  instrumentsByMeter.set(meter, made);
  return made;
};

/** An empty context, for the broadcast's children when the user gave none. */
class EmptyContext implements TelemetryContext {
  constructor(private readonly values: ReadonlyMap<symbol, unknown> = new Map()) {}
  getValue(key: symbol): unknown {
    return this.values.get(key);
  }
  setValue(key: symbol, value: unknown): TelemetryContext {
    return new EmptyContext(new Map(this.values).set(key, value));
  }
  deleteValue(key: symbol): TelemetryContext {
    const values = new Map(this.values);
    values.delete(key);
    return new EmptyContext(values);
  }
}

// -------------------------------------------------------------------------------------
// tracking
// -------------------------------------------------------------------------------------

const HEX = /^[0-9a-f]+$/;
const ZEROS = /^0+$/;

/** The W3C trace context that makes `span` the parent of what a backend does; none for a no-op span. */
const traceContextOfSpan = (span: TelemetrySpan): RequestExtras | undefined => {
  const c = span.spanContext();
  const { traceId, spanId, traceFlags } = c;
  if (
    traceId.length !== 32 ||
    spanId.length !== 16 ||
    !HEX.test(traceId) ||
    !HEX.test(spanId) ||
    ZEROS.test(traceId) ||
    ZEROS.test(spanId)
  ) {
    return undefined;
  }
  const traceparent = `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  const tracestate = c.traceState?.serialize() ?? '';
  return tracestate === '' ? { traceparent } : { traceparent, tracestate };
};

const instanceLabel = matchInstance<string>({
  Shared: () => 'shared',
  Private: (i) => `private:${i.serviceName}`,
  Explicit: (i) => `explicit:${i.name}`,
});

/** Outcome and reason of an answer, as the spans and metrics name them. */
const outcomeOf = (answer: Answer): { readonly outcome: string; readonly reason: string | undefined } => {
  const r = answer.response;
  if (r._tag === 'Ack') {
    return { outcome: 'Ack', reason: undefined };
  }
  if (r._tag === 'Failure') {
    return { outcome: 'Failure', reason: r.reason };
  }
  const d = answer.diagnostic;
  return { outcome: 'Timeout', reason: d === undefined ? 'AckTimeout' : d._tag };
};

/** The attributes of one outcome and reason: on the answer counter, on the duration, on the span. */
interface AnswerAttributes {
  readonly counted: TelemetryAttributes;
  readonly timed: TelemetryAttributes;
  readonly ended: TelemetryAttributes;
}

/** The hooks of one fan-out: start a request's span before it is sent, end it with the answer. */
export interface RequestHooks {
  readonly extrasOf: (i: number) => RequestExtras | undefined;
  readonly onAnswer: (i: number, answer: Answer) => void;
}

/** The telemetry of one broadcast. */
export interface Tracking {
  /** The hooks for a fan-out to `targets`, in attempt `attempt` (1 for the first). */
  readonly requests: (targets: ReadonlyArray<Backend>, attempt: number) => RequestHooks;
  /** Mark a step of the broadcast (a wave, an attempt) on its span. */
  readonly event: (name: string, attributes: TelemetryAttributes) => void;
  /** End the broadcast's span with what came of it. */
  readonly end: (result: BroadcastResult, notSent: number, attempts: number, cancelled: boolean) => void;
}

/**
 * Start the telemetry of a broadcast of `operation` to `targets` backends. Requests carry the trace
 * context of their own span, or `explicit` (`options.traceContext`) when there is one.
 */
export const startTracking = (
  telemetry: Telemetry,
  operation: BroadcastOperation,
  targets: number,
  explicit: RequestExtras | undefined,
): Tracking => {
  const { tracer, meter } = telemetry;
  const instruments = meter === undefined ? undefined : instrumentsOf(meter);
  const op = operation._tag;
  const method = `${RPC_SYSTEM}/${op}`;
  const broadcast = tracer?.startSpan(
    `broadcast ${op}`,
    {
      kind: SPAN_KIND_INTERNAL,
      attributes: { [TELEMETRY_NAMES.operation]: op, 'lifecycle_broadcast.targets': targets },
    },
    telemetry.context,
  );
  const parent =
    broadcast === undefined ? undefined : (telemetry.context ?? new EmptyContext()).setValue(SPAN_KEY, broadcast);

  /** The attributes of each outcome and reason, made once per broadcast (not once per answer). */
  const attributeSets = new Map<string, AnswerAttributes>();
  const attributesOf = (outcome: string, reason: string | undefined): AnswerAttributes => {
    const id = `${outcome} ${reason ?? ''}`;
    const known = attributeSets.get(id);
    if (known !== undefined) {
      return known;
    }
    const why: TelemetryAttributes = reason === undefined ? {} : { [TELEMETRY_NAMES.reason]: reason };
    const error: TelemetryAttributes = reason === undefined ? {} : { [TELEMETRY_NAMES.errorType]: reason };
    const made: AnswerAttributes = {
      counted: Object.freeze({ [TELEMETRY_NAMES.operation]: op, [TELEMETRY_NAMES.outcome]: outcome, ...why }),
      timed: Object.freeze({
        [TELEMETRY_NAMES.rpcSystem]: RPC_SYSTEM,
        [TELEMETRY_NAMES.rpcMethod]: method,
        [TELEMETRY_NAMES.outcome]: outcome,
        ...error,
      }),
      ended: Object.freeze({ [TELEMETRY_NAMES.outcome]: outcome, ...why, ...error }),
    };
    attributeSets.set(id, made);
    return made;
  };

  const requests = (backends: ReadonlyArray<Backend>, attempt: number): RequestHooks => {
    const spans = new Map<number, TelemetrySpan>();
    const sentAt = new Map<number, number>();
    return {
      extrasOf: (i) => {
        sentAt.set(i, performance.now());
        if (tracer === undefined) {
          return explicit;
        }
        const b = backends[i] as Backend;
        const attributes: Record<string, string | number> = {
          [TELEMETRY_NAMES.rpcSystem]: RPC_SYSTEM,
          [TELEMETRY_NAMES.rpcMethod]: method,
          [TELEMETRY_NAMES.operation]: op,
          [TELEMETRY_NAMES.service]: b.key.serviceName,
          [TELEMETRY_NAMES.version]: b.key.serviceVersion,
          [TELEMETRY_NAMES.instance]: instanceLabel(b.key.instance),
          [TELEMETRY_NAMES.attempt]: attempt,
        };
        if (b.key.exeHash !== '') {
          attributes[TELEMETRY_NAMES.exeHash] = b.key.exeHash;
        }
        const span = tracer.startSpan(method, { kind: SPAN_KIND_CLIENT, attributes }, parent);
        spans.set(i, span);
        return explicit ?? traceContextOfSpan(span);
      },
      onAnswer: (i, answer) => {
        const { outcome, reason } = outcomeOf(answer);
        const attributes = attributesOf(outcome, reason);
        const started = sentAt.get(i);
        if (instruments !== undefined) {
          instruments.answers.add(1, attributes.counted);
          if (started !== undefined) {
            instruments.duration.record((performance.now() - started) / 1000, attributes.timed);
          }
        }
        const span = spans.get(i);
        if (span === undefined) {
          return; // never sent: no request, no span
        }
        spans.delete(i);
        if (!span.isRecording()) {
          span.end();
          return;
        }
        span.setAttributes(attributes.ended);
        if (reason !== undefined) {
          const d = answer.diagnostic;
          span.setStatus(
            d !== undefined && d._tag !== 'DeadlineExceeded' && 'message' in d
              ? { code: STATUS_ERROR, message: d.message }
              : { code: STATUS_ERROR, message: `${outcome} ${reason}` },
          );
        }
        span.end();
      },
    };
  };

  return {
    requests,
    event: (name, attributes) => {
      broadcast?.addEvent(name, attributes);
    },
    end: (result, notSent, attempts, cancelled) => {
      if (broadcast === undefined) {
        return;
      }
      broadcast.setAttributes({
        'lifecycle_broadcast.result': result._tag,
        'lifecycle_broadcast.acks': result.acks.length,
        'lifecycle_broadcast.failures': result.failures.length,
        'lifecycle_broadcast.timeouts': result.timeouts.length,
        'lifecycle_broadcast.skipped_dead': result.skippedDead.length,
        'lifecycle_broadcast.not_sent': notSent,
        'lifecycle_broadcast.attempts': attempts,
        'lifecycle_broadcast.cancelled': cancelled,
      });
      if (result._tag === 'Degraded') {
        broadcast.setStatus({
          code: STATUS_ERROR,
          message: `${String(result.timeouts.length)} timed out, ${String(result.failures.length)} failed`,
        });
      }
      broadcast.end();
    },
  };
};
