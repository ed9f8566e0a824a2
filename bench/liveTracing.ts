/**
 * W5 traced: what `options.telemetry` costs. 1,000 backends (by default) on Unix sockets answering
 * 20 ms after they read a request, broadcast round by round in three ways, interleaved in one
 * process over the same connections:
 * - tracing off (no `options.telemetry`);
 * - the no-op OpenTelemetry API: `trace.getTracer` and `metrics.getMeter` of `@opentelemetry/api`
 *   with no SDK registered, as a library user without one has;
 * - the OpenTelemetry SDK: a `BasicTracerProvider` with a `BatchSpanProcessor` into an in-memory
 *   exporter (emptied after each round) and a `MeterProvider` with a reader (collected after each
 *   round), so that every span and point is really made and exported.
 * The order of the three turns round by round, so that none always follows another. Per broadcast:
 * the broker's CPU per backend (user + system) and the wall time; the overhead of
 * each traced way is its CPU per backend over the untraced one's in the same round, as a median
 * (min-max) over the rounds, with the load average.
 *
 * The same again with 10,000 backends (by default) behind an in-memory transport that acknowledges
 * at once: no socket, so what is measured is the runner alone, where tracing weighs the most.
 *
 *   npm run bench:live-tracing [-- --backends 1000 --memory-backends 10000 --runs 15]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

import { releaseHandlesOperation, runBroadcast } from '../src';
import { ackOutcome } from '../src';
import type { RunBroadcastOptions, Transport } from '../src';
import { socketTransport } from '../src/node';
import type { SocketAddress } from '../src/node';
import { registryOf } from './live';
import { startFleet } from './liveLoad';

const FLOOR_MS = 20;

/** A median with its range. */
export interface TracingSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** What the traced W5 reports, per way of running. */
export interface TracingFigures {
  /** Real backends on Unix sockets, or an in-memory transport acknowledging at once (the runner alone). */
  readonly transport: 'unix' | 'memory';
  readonly backends: number;
  readonly runs: number;
  readonly ways: ReadonlyArray<{
    readonly name: string;
    /** Wall time of one broadcast, ms. */
    readonly wallMs: TracingSpread;
    /** The broker's CPU per backend per broadcast, us. */
    readonly cpuUs: TracingSpread;
    /** CPU per backend over tracing off's in the same round, in percent (0 for tracing off). */
    readonly overheadPercent: TracingSpread;
    /** The same, round by round. */
    readonly overheadPerRound: ReadonlyArray<number>;
  }>;
  /** Every broadcast had every backend acknowledge. */
  readonly allAcked: boolean;
  readonly loadAverage: readonly [number, number];
}

const spread = (values: ReadonlyArray<number>): TracingSpread => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
};

export const tracingWorkload = async (options: {
  readonly transport: 'unix' | 'memory';
  readonly backends: number;
  readonly runs: number;
}): Promise<TracingFigures> => {
  const { backends: n, runs } = options;
  const sockets = options.transport === 'unix';
  const loadBefore = os.loadavg()[0] ?? 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-tracing-'));
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(spanExporter, { maxQueueSize: 4 * n, maxExportBatchSize: 512 })],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  try {
    const fleet = sockets ? await startFleet(n, dir, () => [{ answer: 'Ack', delayMs: FLOOR_MS }]) : undefined;
    const socket =
      fleet === undefined
        ? undefined
        : socketTransport({ addressOf: (key) => fleet.addresses.get(key.serviceName) as SocketAddress });
    const transport: Transport = socket ?? (() => Promise.resolve(ackOutcome));
    const registry = registryOf(n, 5000);
    const operation = releaseHandlesOperation('/var/cache/bench');
    const ways: ReadonlyArray<{
      readonly name: string;
      readonly options: RunBroadcastOptions;
      readonly walls: number[];
      readonly cpus: number[];
    }> = [
      { name: 'tracing off', options: { concurrency: Infinity }, walls: [], cpus: [] },
      {
        name: 'no-op OpenTelemetry API',
        options: {
          concurrency: Infinity,
          telemetry: { tracer: trace.getTracer('bench'), meter: metrics.getMeter('bench') },
        },
        walls: [],
        cpus: [],
      },
      {
        name: 'OpenTelemetry SDK',
        options: {
          concurrency: Infinity,
          telemetry: { tracer: tracerProvider.getTracer('bench'), meter: meterProvider.getMeter('bench') },
        },
        walls: [],
        cpus: [],
      },
    ];
    let allAcked = true;
    try {
      for (const w of ways) {
        await runBroadcast(registry, operation, transport, w.options); // warm-up
      }
      for (let r = 0; r < runs; r++) {
        // Each way in each position in turn: the one after the SDK's export pays for its garbage.
        for (const w of ways.map((_, k) => ways[(k + r) % ways.length] as (typeof ways)[number])) {
          const cpu = process.cpuUsage();
          const start = performance.now();
          const live = await runBroadcast(registry, operation, transport, w.options);
          const wall = performance.now() - start;
          const used = process.cpuUsage(cpu);
          allAcked &&= live.result._tag === 'AllAcked';
          w.walls.push(wall);
          w.cpus.push((used.user + used.system) / n);
        }
        // What the SDK made leaves the process as an exporter would take it, outside the timing.
        await tracerProvider.forceFlush();
        await reader.forceFlush();
        spanExporter.reset();
        metricExporter.reset();
      }
    } finally {
      await socket?.close();
      await fleet?.stop();
    }
    const off = ways[0]?.cpus ?? [];
    return {
      transport: options.transport,
      backends: n,
      runs,
      ways: ways.map((w) => {
        const overheadPerRound = w.cpus.map((c, i) => (100 * (c - (off[i] ?? c))) / (off[i] ?? c));
        return {
          name: w.name,
          wallMs: spread(w.walls),
          cpuUs: spread(w.cpus),
          overheadPercent: spread(overheadPerRound),
          overheadPerRound,
        };
      }),
      allAcked,
      loadAverage: [loadBefore, os.loadavg()[0] ?? 0],
    };
  } finally {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const fmt = (s: TracingSpread, digits = 1): string =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;

/** The lines `npm run bench` and `npm run bench:live-tracing` print. */
export const tracingReport = (f: TracingFigures): ReadonlyArray<string> => [
  `W5 traced: ${String(f.backends)} backends ${f.transport === 'unix' ? `on Unix sockets answering after ${String(FLOOR_MS)} ms` : 'behind an in-memory transport acknowledging at once (the runner alone)'}, ${String(f.runs)} broadcasts each way, interleaved; median (min..max); Node ${process.version}, ${String(os.cpus().length)} cores`,
  ...f.ways.map(
    (w) =>
      `  ${w.name.padEnd(26)} wall ms ${fmt(w.wallMs)}; CPU us per backend ${fmt(w.cpuUs)}; CPU overhead ${fmt(w.overheadPercent)} %`,
  ),
  `  every broadcast all acknowledged: ${f.allAcked ? 'yes' : 'NO'}; load average ${f.loadAverage[0].toFixed(2)} before, ${f.loadAverage[1].toFixed(2)} after`,
];

const main = async (): Promise<void> => {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    const value = at >= 0 ? Number(args[at + 1]) : fallback;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`bench:live-tracing: ${name} must be a positive integer, got ${String(args[at + 1])}`);
    }
    return value;
  };
  const runs = flag('--runs', 15);
  for (const figures of [
    await tracingWorkload({ transport: 'unix', backends: flag('--backends', 1000), runs }),
    await tracingWorkload({ transport: 'memory', backends: flag('--memory-backends', 10_000), runs }),
  ]) {
    tracingReport(figures).forEach((line) => {
      console.log(line);
    });
  }
};

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:live-tracing failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
