/**
 * Deterministic inputs for the workloads: keys across all three broker instances, backends with
 * a given mix of liveness and responses, and alternating operations.
 */
import {
  ack,
  backend,
  backendKey,
  explicitInstance,
  failure,
  privateInstance,
  quiesceOperation,
  releaseHandlesOperation,
  sharedInstance,
  timeout,
} from '../src';
import type { Backend, BackendKey, BroadcastBackendResponse, BroadcastOperation } from '../src';
import { next, seed } from '../src/internal/random';

/** The library's own seeded generator (mulberry32) as a function returning floats in [0, 1). */
export const prng = (n: number): (() => number) => {
  let s = seed(n);
  return () => {
    const [value, after] = next(s);
    s = after;
    return value;
  };
};

/** `n` distinct keys, spread over the shared, private and explicit broker instances. */
export const keys = (n: number): BackendKey[] =>
  Array.from({ length: n }, (_, i) => {
    const service = `svc-${String(i % 997)}`;
    const instance =
      i % 3 === 0
        ? sharedInstance
        : i % 3 === 1
          ? privateInstance(service)
          : explicitInstance(`broker-${String(i % 7)}`);
    return backendKey(instance, service, `1.${String(i % 13)}.${String(i)}`, ((i * 2654435761) >>> 0).toString(16));
  });

/** Liveness and response mix of a population. */
export interface Mix {
  readonly live: number;
  readonly timeout: number;
  readonly failure: number;
}

/** Backends for `ks`: a `mix.live` share live; of the rest of the answers, timeouts and failures as given. */
export const population = (ks: ReadonlyArray<BackendKey>, mix: Mix, seed = 1): Backend[] => {
  const random = prng(seed);
  return ks.map((k) => {
    const r = random();
    const response: BroadcastBackendResponse =
      r < mix.timeout ? timeout : r < mix.timeout + mix.failure ? failure('BackendError') : ack;
    return backend(k, random() < mix.live, response);
  });
};

/** The `i`-th operation of a run: release-handles and quiesce alternate, each a fresh object. */
export const operation = (i: number): BroadcastOperation =>
  i % 2 === 0
    ? releaseHandlesOperation(`/var/cache/shard-${String(i % 64)}`)
    : quiesceOperation(i % 3 === 0 ? 'Maintenance' : 'IdleTimeout');
