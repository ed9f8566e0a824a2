/**
 * options.telemetry against real backends over Unix domain sockets, recorded by the OpenTelemetry
 * SDK's in-memory exporters: the broadcast's span and its requests' child spans with their
 * attributes, the traceparent each request carries, and the answer counter and duration histogram,
 * for acknowledgements, failures, timeouts, a rollout stopped by its budget and a retry.
 */
import * as path from 'node:path';

import { context as otelContext, metrics as otelMetrics, trace as otelTrace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

import {
  TELEMETRY_NAMES,
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../../src';
import type { BroadcastTelemetry, Registry, RunBroadcastOptions } from '../../src';
import { socketTransport } from '../../src/node';
import type { BackendSpec, Fleet, Step } from './backends';
import { afterThisTest, cleanUp, eventsOf, startBackends, tempDir } from './backends';

jest.setTimeout(60_000);
afterEach(cleanUp);

const release = releaseHandlesOperation('/var/cache/zccache');
const N = TELEMETRY_NAMES;

const registryOf = (names: ReadonlyArray<string>, ackTimeoutMs: number): Registry =>
  names.reduce(
    (s, n) => register(s, backend(backendKey(sharedInstance, n, '1.0.0', ''), true, ack)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

/** A tracer and a meter of the real SDK, each with an in-memory exporter, shut down after the test. */
const sdk = (): {
  readonly tracer: Tracer;
  readonly telemetry: BroadcastTelemetry;
  readonly spans: () => ReadonlyArray<ReadableSpan>;
  readonly metric: (name: string) => Promise<MetricData | undefined>;
} => {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  afterThisTest(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  const tracer = tracerProvider.getTracer('broker');
  return {
    tracer,
    telemetry: { tracer, meter: meterProvider.getMeter('broker') },
    spans: () => spanExporter.getFinishedSpans(),
    metric: async (name) => {
      await reader.forceFlush();
      const all = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
      return all.filter((m) => m.descriptor.name === name).pop();
    },
  };
};

/** Backends scripted by name, on Unix sockets, and a socket transport to them. */
const fleetOf = async (
  scripts: Readonly<Record<string, ReadonlyArray<Step>>>,
): Promise<{
  readonly fleet: Fleet;
  readonly run: (r: Registry, o: RunBroadcastOptions) => ReturnType<typeof runBroadcast>;
}> => {
  const dir = tempDir();
  const specs: BackendSpec[] = Object.entries(scripts).map(([name, script]) => ({
    name,
    listen: { path: path.join(dir, `${name}.sock`) },
    script,
  }));
  const fleet = await startBackends(specs);
  const transport = socketTransport({ addressOf: (key) => fleet.addressOf(key.serviceName) });
  afterThisTest(() => transport.close());
  return { fleet, run: (registry, options) => runBroadcast(registry, release, transport, options) };
};

const serviceOf = (s: ReadableSpan): unknown => s.attributes[N.service];
const byService = (spans: ReadonlyArray<ReadableSpan>): ReadonlyArray<ReadableSpan> =>
  [...spans].sort((a, b) => String(serviceOf(a)).localeCompare(String(serviceOf(b))));
const requestSpans = (spans: ReadonlyArray<ReadableSpan>): ReadonlyArray<ReadableSpan> =>
  byService(spans.filter((s) => s.name === 'lifecycle-broadcast/ReleaseHandles'));
const broadcastSpan = (spans: ReadonlyArray<ReadableSpan>): ReadableSpan | undefined =>
  spans.find((s) => s.name === 'broadcast ReleaseHandles');

/** The points of a metric, as `attributes -> value` lines sorted, for a readable comparison. */
const points = (m: MetricData | undefined): ReadonlyArray<string> =>
  ((m?.dataPoints ?? []) as ReadonlyArray<DataPoint<number | Histogram>>)
    .map((p) => {
      const attributes = Object.entries(p.attributes)
        .map(([k, v]) => `${k}=${String(v)}`)
        .sort()
        .join(' ');
      return `${attributes} -> ${String(typeof p.value === 'number' ? p.value : p.value.count)}`;
    })
    .sort();

const traceparentOf = (fleet: Fleet, name: string): unknown =>
  (eventsOf(fleet, 'request', name)[0]?.request as { readonly traceparent?: unknown } | undefined)?.traceparent;

describe('runBroadcast, options.telemetry, with the OpenTelemetry SDK, over sockets', () => {
  it('should make the broadcast a span with a child span per request, attributes, traceparents and metrics', async () => {
    const { telemetry, spans, metric } = sdk();
    const { fleet, run } = await fleetOf({
      a: [{ answer: 'Ack' }],
      b: [{ answer: 'Rejected' }],
      c: [{ answer: 'never' }],
      d: [{ answer: 'Ack' }],
    });
    const live = await run(registryOf(['a', 'b', 'c', 'd'], 1500), { telemetry });

    expect(live.result._tag).toBe('Degraded');
    const root = broadcastSpan(spans());
    const children = requestSpans(spans());
    expect(root?.attributes).toEqual({
      [N.operation]: 'ReleaseHandles',
      'lifecycle_broadcast.targets': 4,
      'lifecycle_broadcast.result': 'Degraded',
      'lifecycle_broadcast.acks': 2,
      'lifecycle_broadcast.failures': 1,
      'lifecycle_broadcast.timeouts': 1,
      'lifecycle_broadcast.skipped_dead': 0,
      'lifecycle_broadcast.not_sent': 0,
      'lifecycle_broadcast.attempts': 1,
      'lifecycle_broadcast.cancelled': false,
    });
    expect(root?.status).toEqual({ code: 2, message: '1 timed out, 1 failed' });
    expect(root?.parentSpanContext).toBeUndefined();
    expect(children.map((s) => s.parentSpanContext?.spanId)).toEqual(Array(4).fill(root?.spanContext().spanId));
    expect(children.map((s) => s.spanContext().traceId)).toEqual(Array(4).fill(root?.spanContext().traceId));
    expect(children.map((s) => s.kind)).toEqual([2, 2, 2, 2]); // CLIENT
    expect(children[1]?.attributes).toEqual({
      [N.rpcSystem]: 'lifecycle-broadcast',
      [N.rpcMethod]: 'lifecycle-broadcast/ReleaseHandles',
      [N.operation]: 'ReleaseHandles',
      [N.service]: 'b',
      [N.version]: '1.0.0',
      [N.instance]: 'shared',
      [N.attempt]: 1,
      [N.outcome]: 'Failure',
      [N.reason]: 'Rejected',
      [N.errorType]: 'Rejected',
    });
    expect(children.map((s) => [s.attributes[N.outcome], s.attributes[N.reason], s.status.code])).toEqual([
      ['Ack', undefined, 0],
      ['Failure', 'Rejected', 2],
      ['Timeout', 'AckTimeout', 2],
      ['Ack', undefined, 0],
    ]);
    // Each request carries its own span's context.
    await fleet.printed('request', 'd', 1);
    expect(['a', 'b', 'c', 'd'].map((n) => traceparentOf(fleet, n))).toEqual(
      children.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`),
    );

    expect(points(await metric(N.answers))).toEqual([
      `${N.operation}=ReleaseHandles ${N.outcome}=Ack -> 2`,
      `${N.operation}=ReleaseHandles ${N.outcome}=Failure ${N.reason}=Rejected -> 1`,
      `${N.operation}=ReleaseHandles ${N.outcome}=Timeout ${N.reason}=AckTimeout -> 1`,
    ]);
    const duration = await metric(N.callDuration);
    expect(duration?.descriptor.unit).toBe('s');
    expect(points(duration)).toEqual([
      `${N.errorType}=AckTimeout ${N.outcome}=Timeout ${N.rpcMethod}=lifecycle-broadcast/ReleaseHandles ${N.rpcSystem}=lifecycle-broadcast -> 1`,
      `${N.errorType}=Rejected ${N.outcome}=Failure ${N.rpcMethod}=lifecycle-broadcast/ReleaseHandles ${N.rpcSystem}=lifecycle-broadcast -> 1`,
      `${N.outcome}=Ack ${N.rpcMethod}=lifecycle-broadcast/ReleaseHandles ${N.rpcSystem}=lifecycle-broadcast -> 2`,
    ]);
    // The timed-out request lasted at least its policy.
    const timedOut = (duration?.dataPoints as ReadonlyArray<DataPoint<Histogram>>).find(
      (p) => p.attributes[N.outcome] === 'Timeout',
    );
    expect(timedOut?.value.min).toBeGreaterThanOrEqual(1.5);
  });

  it('should trace a rollout stopped by its budget: spans for the backends sent to, waves as events', async () => {
    const { telemetry, spans, metric } = sdk();
    const { run } = await fleetOf({
      a: [{ answer: 'Ack' }],
      b: [{ answer: 'BackendError' }],
      c: [{ answer: 'Ack' }],
      d: [{ answer: 'Ack' }],
    });
    const live = await run(registryOf(['a', 'b', 'c', 'd'], 10_000), {
      telemetry,
      rollout: { wave: 2, failureBudget: { failures: 0 } },
    });

    expect(live.notSent.map((k) => k.serviceName)).toEqual(['c', 'd']);
    const root = broadcastSpan(spans());
    expect(requestSpans(spans()).map((s) => [serviceOf(s), s.attributes[N.outcome]])).toEqual([
      ['a', 'Ack'],
      ['b', 'Failure'],
    ]);
    expect(root?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['lifecycle_broadcast.wave', { 'lifecycle_broadcast.wave.first': 0, 'lifecycle_broadcast.wave.backends': 2 }],
      ['lifecycle_broadcast.wave', { 'lifecycle_broadcast.wave.first': 2, 'lifecycle_broadcast.wave.backends': 2 }],
    ]);
    expect(root?.attributes['lifecycle_broadcast.not_sent']).toBe(2);
    expect(points(await metric(N.answers))).toEqual([
      `${N.operation}=ReleaseHandles ${N.outcome}=Ack -> 1`,
      `${N.operation}=ReleaseHandles ${N.outcome}=Failure ${N.reason}=BackendError -> 1`,
    ]);
  });

  it('should trace a retry that finally succeeds: one child span per attempt, each counted', async () => {
    const { telemetry, spans, metric } = sdk();
    const { fleet, run } = await fleetOf({
      a: [{ answer: 'Ack' }],
      b: [{ answer: 'Rejected' }, { answer: 'Ack' }],
    });
    const live = await run(registryOf(['a', 'b'], 10_000), { telemetry, retry: { attempts: 3, backoffMs: 10 } });

    expect(live.result._tag).toBe('AllAcked');
    expect(live.attempts.map((r) => r._tag)).toEqual(['Degraded', 'AllAcked']);
    const root = broadcastSpan(spans());
    const children = requestSpans(spans());
    expect(children.map((s) => [serviceOf(s), s.attributes[N.attempt], s.attributes[N.outcome]])).toEqual([
      ['a', 1, 'Ack'],
      ['b', 1, 'Failure'],
      ['b', 2, 'Ack'],
    ]);
    expect(children.every((s) => s.parentSpanContext?.spanId === root?.spanContext().spanId)).toBe(true);
    expect(root?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['lifecycle_broadcast.retry', { 'lifecycle_broadcast.attempt': 2, 'lifecycle_broadcast.retry.backends': 1 }],
    ]);
    expect(root?.attributes['lifecycle_broadcast.attempts']).toBe(2);
    expect(root?.attributes['lifecycle_broadcast.result']).toBe('AllAcked');
    await fleet.printed('request', 'b', 2);
    expect(eventsOf(fleet, 'request', 'b').map((e) => (e.request as { traceparent?: unknown }).traceparent)).toEqual(
      children.slice(1).map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`),
    );
    expect(points(await metric(N.answers))).toEqual([
      `${N.operation}=ReleaseHandles ${N.outcome}=Ack -> 2`,
      `${N.operation}=ReleaseHandles ${N.outcome}=Failure ${N.reason}=Rejected -> 1`,
    ]);
  });

  it('should count a backend the deadline ended as a timeout for the deadline', async () => {
    const { telemetry, spans, metric } = sdk();
    const { run } = await fleetOf({ a: [{ answer: 'Ack' }], b: [{ answer: 'never' }] });
    const live = await run(registryOf(['a', 'b'], 60_000), { telemetry, deadline: 1000 });

    expect(live.result.timeouts.map((t) => t.key.serviceName)).toEqual(['b']);
    expect(requestSpans(spans()).map((s) => [s.attributes[N.outcome], s.attributes[N.reason]])).toEqual([
      ['Ack', undefined],
      ['Timeout', 'DeadlineExceeded'],
    ]);
    expect(points(await metric(N.answers))).toEqual([
      `${N.operation}=ReleaseHandles ${N.outcome}=Ack -> 1`,
      `${N.operation}=ReleaseHandles ${N.outcome}=Timeout ${N.reason}=DeadlineExceeded -> 1`,
    ]);
  });

  it("should make the broadcast a child of the given context's span, and send an explicit traceContext instead of its own", async () => {
    const { tracer, telemetry, spans } = sdk();
    const { fleet, run } = await fleetOf({ a: [{ answer: 'Ack' }] });
    const outer = tracer.startSpan('drain');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await run(registryOf(['a'], 10_000), {
      telemetry: { ...telemetry, context: otelTrace.setSpan(otelContext.active(), outer) },
      traceContext: { traceparent, tracestate: 'vendor=x' },
    });
    outer.end();

    const root = broadcastSpan(spans());
    expect(root?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(requestSpans(spans())[0]?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    await fleet.printed('request', 'a', 1);
    expect(eventsOf(fleet, 'request', 'a')[0]?.request).toMatchObject({ traceparent, tracestate: 'vendor=x' });
  });
});

describe('runBroadcast, options.telemetry, with the no-op OpenTelemetry API', () => {
  it('should run as without it, sending no traceparent of a span that is not recorded', async () => {
    const { fleet, run } = await fleetOf({ a: [{ answer: 'Ack' }], b: [{ answer: 'Rejected' }] });
    const live = await run(registryOf(['a', 'b'], 10_000), {
      telemetry: { tracer: otelTrace.getTracer('broker'), meter: otelMetrics.getMeter('broker') },
    });

    expect(live.result.acks.map((a) => a.key.serviceName)).toEqual(['a']);
    expect(live.result.failures.map((f) => f.key.serviceName)).toEqual(['b']);
    await fleet.printed('request', 'b', 1);
    expect([traceparentOf(fleet, 'a'), traceparentOf(fleet, 'b')]).toEqual([undefined, undefined]);
  });
});

describe('runBroadcast, options.telemetry, from plain JavaScript', () => {
  it.each([
    [null, 'runBroadcast: options.telemetry: expected { tracer?, meter?, context? }, got null'],
    [{ tracer: {} }, 'runBroadcast: options.telemetry.tracer: expected an OpenTelemetry Tracer, got {}'],
    [{ meter: 'm' }, 'runBroadcast: options.telemetry.meter: expected an OpenTelemetry Meter, got "m"'],
    [{ tracers: 1 }, 'runBroadcast: options.telemetry: unexpected field "tracers"'],
  ])('should refuse %p in one line, before sending anything', async (telemetry, message) => {
    let sent = 0;
    await expect(
      runBroadcast(
        registryOf(['a'], 1000),
        release,
        () => {
          sent += 1;
          return Promise.resolve({ _tag: 'Ack' });
        },
        { telemetry } as unknown as RunBroadcastOptions,
      ),
    ).rejects.toThrow(new TypeError(message));
    expect(sent).toBe(0);
  });
});
