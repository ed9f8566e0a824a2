/**
 * Timing and memory helpers shared by the workloads.
 */
import { Bench } from 'tinybench';

/** Median wall time in milliseconds of `iterations` runs of `fn`, each after an untimed `setup`. */
export const medianMs = async (
  name: string,
  fn: () => void,
  options: { readonly iterations: number; readonly warmup: number; readonly setup?: () => void },
): Promise<number> => {
  const bench = new Bench({
    name,
    iterations: options.iterations,
    time: 0,
    warmupIterations: options.warmup,
    warmupTime: 0,
    warmup: options.warmup > 0,
  });
  bench.add(name, fn, options.setup === undefined ? {} : { beforeEach: options.setup });
  await bench.run();
  const task = bench.tasks[0];
  const result = task?.result;
  if (result === undefined || !('latency' in result)) {
    throw new Error(`${name}: no result (${result === undefined ? 'none' : result.state})`);
  }
  return result.latency.p50;
};

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export const since = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Collect garbage (the runner starts node with --expose-gc) and return the heap in use, bytes. */
export const heapAfterGc = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('run with node --expose-gc');
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
