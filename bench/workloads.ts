/**
 * The workloads. Each one runs every implementation in the same process, round by round: in
 * every round each implementation is measured once, in an order that rotates from round to
 * round, so that a ratio between two implementations can be taken inside one round, under the
 * same load of a shared machine.
 */
import type { Backend } from '../src';

import { keys, operation, population, prng } from './fixtures';
import { collectGarbage, cpuSince, heapAfterGc, timeMs } from './measure';
import type { Implementation, Subject } from './subject';

const POLICY = { ackTimeoutMs: 5000 };

/** One figure per round, per implementation name. */
export type Series = Readonly<Record<string, ReadonlyArray<number>>>;

/** The sizes of one run. */
export interface Sizes {
  /** W1: backends, with the broadcasts timed per round and the rounds at that size. */
  readonly w1: ReadonlyArray<{
    readonly backends: number;
    readonly broadcasts: number;
    readonly rounds: number;
    /** Hold one implementation's registry at a time (for the largest size). */
    readonly apart: boolean;
  }>;
  /** W1 of the naive immer baseline, which copies every backend's history on each broadcast. */
  readonly w1Immer: { readonly backends: number; readonly broadcasts: number };
  /** W2: keys registered then flipped dead, and rounds. */
  readonly w2: ReadonlyArray<{ readonly keys: number; readonly rounds: number }>;
  /** W2 of the naive immer baseline (quadratic), once. */
  readonly w2Immer: number;
  /** Toggles: backends, `setLive` calls per round, rounds. */
  readonly toggles: { readonly backends: number; readonly toggles: number; readonly rounds: number };
  /**
   * Toggles of the naive immer baseline (a linear search and an array copy per call), once, on
   * fewer backends: building its registry is quadratic.
   */
  readonly togglesImmer: { readonly backends: number; readonly toggles: number };
  /** W3: live backends, broadcasts, the window timed at the start and at the end. */
  readonly w3: { readonly backends: number; readonly broadcasts: number; readonly window: number };
  /** W3 of the naive immer baseline. */
  readonly w3Immer: { readonly broadcasts: number; readonly window: number };
  /** W4: lines of the log without results, lines and backends of the log with results, runs. */
  readonly w4: {
    readonly lines: number;
    readonly backends: number;
    readonly resultLines: number;
    readonly resultBackends: number;
    readonly runs: number;
  };
}

export const fullSizes: Sizes = {
  w1: [
    { backends: 1_000, broadcasts: 1_000, rounds: 7, apart: false },
    { backends: 10_000, broadcasts: 100, rounds: 7, apart: false },
    { backends: 100_000, broadcasts: 20, rounds: 7, apart: false },
    { backends: 1_000_000, broadcasts: 5, rounds: 3, apart: true },
  ],
  w1Immer: { backends: 1_000, broadcasts: 10 },
  w2: [
    { keys: 10_000, rounds: 7 },
    { keys: 100_000, rounds: 7 },
  ],
  w2Immer: 10_000,
  toggles: { backends: 10_000, toggles: 1_000_000, rounds: 5 },
  togglesImmer: { backends: 1_000, toggles: 10_000 },
  w3: { backends: 100, broadcasts: 200_000, window: 10_000 },
  w3Immer: { broadcasts: 1_000, window: 100 },
  w4: { lines: 1_000_000, backends: 200, resultLines: 200_000, resultBackends: 20, runs: 3 },
};

export const quickSizes: Sizes = {
  w1: [
    { backends: 1_000, broadcasts: 500, rounds: 3, apart: false },
    { backends: 10_000, broadcasts: 20, rounds: 3, apart: false },
  ],
  w1Immer: { backends: 1_000, broadcasts: 5 },
  w2: [
    { keys: 1_000, rounds: 3 },
    { keys: 5_000, rounds: 3 },
  ],
  w2Immer: 1_000,
  toggles: { backends: 10_000, toggles: 40_000, rounds: 3 },
  togglesImmer: { backends: 1_000, toggles: 2_000 },
  w3: { backends: 100, broadcasts: 20_000, window: 2_000 },
  w3Immer: { broadcasts: 200, window: 20 },
  w4: { lines: 50_000, backends: 200, resultLines: 10_000, resultBackends: 20, runs: 1 },
};

const FAN_OUT_MIX = { live: 0.9, timeout: 0.1, failure: 0.1 };

const filledWith = (impl: Implementation, backends: ReadonlyArray<Backend>): Subject => {
  const subject = impl.create(POLICY);
  for (const b of backends) {
    subject.register(b);
  }
  return subject;
};

const filled = (impl: Implementation, n: number, mix = FAN_OUT_MIX): Subject =>
  filledWith(impl, population(keys(n), mix));

/** Rotate `xs` left by `by`, so that no implementation is always measured first. */
const rotated = <A>(xs: ReadonlyArray<A>, by: number): ReadonlyArray<A> => {
  const k = xs.length === 0 ? 0 : by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
};

/** `rounds` rounds of `measure` over `impls`, after `warmup` untimed rounds. */
const inRounds = (
  impls: ReadonlyArray<Implementation>,
  rounds: number,
  warmup: number,
  measure: (impl: Implementation) => number,
): Series => {
  const out: Record<string, number[]> = Object.fromEntries(impls.map((i) => [i.name, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (const impl of rotated(impls, r)) {
      collectGarbage();
      const figure = measure(impl);
      if (r >= warmup) {
        out[impl.name]?.push(figure);
      }
    }
  }
  return out;
};

/**
 * W1 fan-out: nanoseconds per registered backend per broadcast. Each implementation's registry
 * is built once (untimed) and broadcast to in every round; none of them slows down with the
 * operations broadcast before (the naive immer baseline does, and runs apart). With `apart`, for
 * the largest sizes, one registry is held at a time: each implementation is built, measured over
 * all its rounds and dropped before the next, and round `i` of one is compared with round `i` of
 * the other.
 */
export const fanOut = (
  impls: ReadonlyArray<Implementation>,
  backends: number,
  broadcasts: number,
  rounds: number,
  options: { readonly warmup?: number; readonly apart?: boolean } = {},
): Series => {
  // Two untimed rounds: the CPU time measured includes the compiler's threads, busy early on.
  const warmup = options.warmup ?? 2;
  const pop = population(keys(backends), FAN_OUT_MIX);
  const measureOn = (s: { subject: Subject; next: number }): number => {
    const ms = timeMs(() => {
      for (let i = 0; i < broadcasts; i++) {
        s.subject.broadcast(operation(s.next + i));
      }
    });
    s.next += broadcasts;
    return (ms * 1e6) / (broadcasts * backends);
  };
  if (options.apart === true) {
    const out: Record<string, number[]> = {};
    for (const impl of impls) {
      collectGarbage();
      const s = { subject: filledWith(impl, pop), next: 0 };
      const figures: number[] = [];
      for (let r = 0; r < warmup + rounds; r++) {
        collectGarbage();
        const figure = measureOn(s);
        if (r >= warmup) {
          figures.push(figure);
        }
      }
      out[impl.name] = figures;
    }
    return out;
  }
  const subjects = new Map(impls.map((impl) => [impl.name, { subject: filledWith(impl, pop), next: 0 }]));
  const series = inRounds(impls, rounds, warmup, (impl) =>
    measureOn(subjects.get(impl.name) as { subject: Subject; next: number }),
  );
  subjects.clear();
  return series;
};

/** W2 registry scale: milliseconds to register `n` distinct keys, then flip every one dead. */
export const registryScale = (impls: ReadonlyArray<Implementation>, n: number, rounds: number, warmup = 1): Series => {
  const backends = population(keys(n), { live: 1, timeout: 0, failure: 0 });
  return inRounds(impls, rounds, warmup, (impl) =>
    timeMs(() => {
      const subject = impl.create(POLICY);
      for (const b of backends) {
        subject.register(b);
      }
      for (const b of backends) {
        subject.setLive(b.key, false);
      }
    }),
  );
};

/** The order in which the toggles visit the keys. */
export type ToggleOrder = 'sweep' | 'random';

/**
 * The keys the toggles visit, `count` calls long (a whole number of passes over the keys): in
 * pass `p`, every key once, in registration order (`sweep`) or in a fresh seeded shuffle of the
 * keys (`random`, where each call lands on an unrelated part of the tries).
 */
const toggleSequence = (backends: number, count: number, order: ToggleOrder): Int32Array => {
  const out = new Int32Array(count);
  const perm = Int32Array.from({ length: backends }, (_, i) => i);
  const random = prng(7);
  for (let pass = 0; pass * backends < count; pass++) {
    if (order === 'random') {
      // Fisher-Yates, seeded: the same sequence on every run.
      for (let i = backends - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const x = perm[i] as number;
        perm[i] = perm[j] as number;
        perm[j] = x;
      }
    }
    for (let i = 0; i < backends && pass * backends + i < count; i++) {
      out[pass * backends + i] = perm[i] as number;
    }
  }
  return out;
};

/**
 * Toggles: microseconds per `setLive` call, flipping `backends` live backends dead and back,
 * `toggles` calls per round (a whole, even number of passes over the keys, so that every round
 * starts from the same registry) on a registry built once (untimed). Pass `p` sets each key dead
 * when `p` is even, live when it is odd, visiting the keys in `order`; every call is a real flip.
 */
export const toggles = (
  impls: ReadonlyArray<Implementation>,
  backends: number,
  count: number,
  rounds: number,
  warmup = 1,
  order: ToggleOrder = 'sweep',
): Series => {
  if (count % (2 * backends) !== 0) {
    throw new Error(`toggles: ${String(count)} calls is not an even number of passes over ${String(backends)} keys`);
  }
  const ks = keys(backends);
  const sequence = toggleSequence(backends, count, order);
  const subjects = new Map(
    impls.map((impl) => [impl.name, filled(impl, backends, { live: 1, timeout: 0.1, failure: 0.1 })]),
  );
  const series = inRounds(impls, rounds, warmup, (impl) => {
    const subject = subjects.get(impl.name) as Subject;
    const ms = timeMs(() => {
      for (let i = 0; i < count; i++) {
        subject.setLive(ks[sequence[i] as number] as (typeof ks)[number], Math.floor(i / backends) % 2 === 1);
      }
    });
    return (ms * 1000) / count;
  });
  subjects.clear();
  return series;
};

/** What W3 reports for one implementation. */
export interface History {
  /** Microseconds per broadcast over the first window. */
  readonly firstUs: number;
  /** Microseconds per broadcast over the last window. */
  readonly lastUs: number;
  /** Heap held by the final state, in bytes. */
  readonly heapBytes: number;
}

/** W3 history: the cost of a broadcast early and late in a long run, and the memory it leaves. */
export const history = (impl: Implementation, backends: number, broadcasts: number, window: number): History => {
  const before = heapAfterGc();
  const subject = filled(impl, backends, { live: 1, timeout: 0.1, failure: 0.1 });
  let firstMs = 0;
  let start = process.cpuUsage();
  for (let i = 0; i < broadcasts; i++) {
    if (i === window) {
      firstMs = cpuSince(start);
    }
    if (i === broadcasts - window) {
      start = process.cpuUsage();
    }
    subject.broadcast(operation(i));
  }
  const lastMs = cpuSince(start);
  const heapBytes = heapAfterGc() - before;
  // Keep the state reachable until the heap was measured.
  if (subject.state() === undefined) {
    throw new Error('no state');
  }
  return { firstUs: (firstMs * 1000) / window, lastUs: (lastMs * 1000) / window, heapBytes };
};
