/**
 * Timing, memory and spread helpers shared by the workloads.
 */

/** CPU time (user and system, every thread of the process) since `start`, in milliseconds. */
export const cpuSince = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

/**
 * The time one call of `fn` takes, in milliseconds of CPU time. On a machine shared with other
 * work, wall time measures the other work as much as `fn`; the CPU time this process spends
 * does not, and it still counts the garbage collector's threads.
 */
export const timeMs = (fn: () => void): number => {
  const start = process.cpuUsage();
  fn();
  return cpuSince(start);
};

/** Collect garbage (the runner starts node with --expose-gc). */
export const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('run with node --expose-gc');
  }
  gc();
  gc();
};

/** Collect garbage and return the heap in use, bytes. */
export const heapAfterGc = (): number => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/** The median and the range of several measurements. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every measurement, in the order taken. */
  readonly values: ReadonlyArray<number>;
}

/** Median, minimum and maximum of `values` (at least one). */
export const spreadOf = (values: ReadonlyArray<number>): Spread => {
  if (values.length === 0) {
    throw new Error('spreadOf: no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, values: [...values] };
};

/** Per-round ratios `a[i] / b[i]` of two series measured round by round in the same run. */
export const ratios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Spread =>
  spreadOf(a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / (b[i] as number)));

/**
 * The whole number given as `--name N` on the command line (`fallback` without it); anything
 * else, or less than 1, is an error naming the flag.
 */
export const countFlag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} expects a whole number of at least 1, got ${String(process.argv[at + 1])}`);
  }
  return value;
};
