/**
 * The workloads, each run against every implementation in the same process.
 */
import { keys, operation, population } from './fixtures';
import { heapAfterGc, medianMs, since } from './measure';
import type { Implementation, Subject } from './subject';

const POLICY = { ackTimeoutMs: 5000 };

/** Sizes of a full run, and of a quick smoke run. */
export interface Sizes {
  readonly w1Backends: number;
  readonly w1Broadcasts: number;
  readonly w2Small: number;
  readonly w2Large: number;
  readonly w3Backends: number;
  readonly w3Broadcasts: number;
  readonly w3Window: number;
  readonly iterations: number;
}

export const fullSizes: Sizes = {
  w1Backends: 10_000,
  w1Broadcasts: 100,
  w2Small: 10_000,
  w2Large: 100_000,
  w3Backends: 100,
  w3Broadcasts: 200_000,
  w3Window: 10_000,
  iterations: 7,
};

export const quickSizes: Sizes = {
  w1Backends: 1_000,
  w1Broadcasts: 20,
  w2Small: 1_000,
  w2Large: 10_000,
  w3Backends: 100,
  w3Broadcasts: 20_000,
  w3Window: 2_000,
  iterations: 3,
};

const filled = (impl: Implementation, n: number, mix = { live: 0.9, timeout: 0.1, failure: 0.1 }): Subject => {
  const subject = impl.create(POLICY);
  for (const b of population(keys(n), mix)) {
    subject.register(b);
  }
  return subject;
};

/** W1 fan-out: nanoseconds per registered backend per broadcast. */
export const fanOut = async (impl: Implementation, sizes: Sizes, iterations: number, warmup = 2): Promise<number> => {
  let subject = filled(impl, sizes.w1Backends);
  const ms = await medianMs(
    `W1 ${impl.name}`,
    () => {
      for (let i = 0; i < sizes.w1Broadcasts; i++) {
        subject.broadcast(operation(i));
      }
    },
    {
      iterations,
      warmup,
      // A fresh registry each time, so that no implementation pays for the history of the last.
      setup: () => {
        subject = filled(impl, sizes.w1Backends);
      },
    },
  );
  return (ms * 1e6) / (sizes.w1Broadcasts * sizes.w1Backends);
};

/** W2 registry scale: milliseconds to register `n` distinct keys, then flip every one dead. */
export const registryScale = async (
  impl: Implementation,
  n: number,
  iterations: number,
  warmup = 1,
): Promise<number> => {
  const backends = population(keys(n), { live: 1, timeout: 0, failure: 0 });
  return medianMs(
    `W2 ${impl.name} ${String(n)}`,
    () => {
      const subject = impl.create(POLICY);
      for (const b of backends) {
        subject.register(b);
      }
      for (const b of backends) {
        subject.setLive(b.key, false);
      }
    },
    { iterations, warmup },
  );
};

/** What W3 reports. */
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
  let lastMs = 0;
  let start = process.hrtime.bigint();
  for (let i = 0; i < broadcasts; i++) {
    if (i === window) {
      firstMs = since(start);
    }
    if (i === broadcasts - window) {
      start = process.hrtime.bigint();
    }
    subject.broadcast(operation(i));
  }
  lastMs = since(start);
  const heapBytes = heapAfterGc() - before;
  // Keep the state reachable until the heap was measured.
  if (subject.state() === undefined) {
    throw new Error('no state');
  }
  return { firstUs: (firstMs * 1000) / window, lastUs: (lastMs * 1000) / window, heapBytes };
};
