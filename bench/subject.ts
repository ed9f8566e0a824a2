/**
 * The interface every registry under comparison implements, so that one workload drives each of
 * them the same way: this library, and the two baselines written for the comparison.
 */
import type { Backend, BackendKey, BroadcastOperation, BroadcastPolicy } from '../src';

/** What a broadcast returns, reduced to what every implementation must report. */
export interface BroadcastCounts {
  readonly acks: number;
  readonly timeouts: number;
  readonly failures: number;
  readonly skippedDead: number;
}

/** A registry driven by a workload; it keeps its current state inside. */
export interface Subject {
  register(backend: Backend): void;
  setLive(key: BackendKey, live: boolean): void;
  broadcast(operation: BroadcastOperation): BroadcastCounts;
  /** The current state, to keep alive when measuring its heap. */
  state(): unknown;
}

/** How to make a fresh registry of one implementation. */
export interface Implementation {
  readonly name: string;
  create(policy: BroadcastPolicy): Subject;
}
