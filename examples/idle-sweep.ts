import {
  ack,
  backendKey,
  broadcastPolicy,
  createIdleCoordinator,
  createRegistry,
  liveBackend,
  markActivity,
  markQuiesced,
  mergeRetry,
  nextDueAt,
  quiesceDue,
  receivedOperations,
  register,
  retryUnacknowledged,
  setResponse,
  sharedInstance,
  timeout,
  track,
  withResponse,
} from 'lifecycle-broadcast';
import type { BackendKey, BroadcastResult, Registry } from 'lifecycle-broadcast';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const soldr = backendKey(sharedInstance, 'soldr', '0.4.1');
const fbuild = backendKey(sharedInstance, 'fbuild', '2.0.3');

const names = (list: ReadonlyArray<{ readonly key: BackendKey }>): string =>
  list.map((e) => e.key.serviceName).join(', ') || 'none';
const outcome = (r: BroadcastResult): string =>
  `${r._tag}: acked ${names(r.acks)}; timed out ${names(r.timeouts)}; failed ${names(r.failures)}`;
const received = (registry: Registry, key: BackendKey): number => {
  const operations = receivedOperations(registry, key);
  return operations._tag === 'Some' ? operations.value.length : 0;
};

// The registry knows how each backend answers; fbuild is slow to acknowledge today.
let registry = createRegistry(broadcastPolicy(250));
registry = register(registry, liveBackend(zccache)).state;
registry = register(registry, liveBackend(soldr)).state;
registry = register(registry, withResponse(liveBackend(fbuild), timeout)).state;

// The coordinator knows when each was last busy. Times are milliseconds on the broker's clock,
// passed in: the model never reads a clock.
let idle = createIdleCoordinator(30_000);
for (const key of [zccache, soldr, fbuild]) {
  idle = track(idle, key, 0).state;
}
idle = markActivity(idle, soldr, 20_000).state; // soldr served a build at 20 s
const next = nextDueAt(idle);
console.log(`next sweep due at ${next._tag === 'Some' ? String(next.value) : 'never'} ms`);

// At 31 s, zccache and fbuild have been idle for 31 s: they, and only they, are asked to quiesce.
const sweep = quiesceDue(registry, idle, 31_000);
console.log(
  `due at 31 s: ${sweep.swept.due.map((d) => `${d.key.serviceName} (idle ${String(d.idleForMs)} ms)`).join(', ')}`,
);
console.log(`quiesce: ${outcome(sweep.swept.result)}`);

// They are draining now, so a second sweep asks nobody.
const again = quiesceDue(sweep.registry, sweep.coordinator, 32_000);
console.log(`due at 32 s: ${String(again.swept.due.length)}, ${again.swept.result._tag}`);

// fbuild answers again: retry it alone, and report the sweep as it ended.
registry = setResponse(again.registry, fbuild, ack).state;
const retry = retryUnacknowledged(registry, sweep.swept.result);
registry = retry.state;
console.log(`retry: ${outcome(retry.result)}`);
console.log(`sweep with its retry: ${outcome(mergeRetry(registry, sweep.swept.result, retry.result))}`);
console.log(
  `quiesce received: zccache ${String(received(registry, zccache))}, soldr ${String(received(registry, soldr))}, fbuild ${String(received(registry, fbuild))}`,
);

// zccache drains, then gets work at 40 s; soldr has been quiet since 20 s.
idle = markQuiesced(again.coordinator, zccache).state;
idle = markActivity(idle, zccache, 40_000).state;
const later = quiesceDue(registry, idle, 70_000);
console.log(`due at 70 s: ${names(later.swept.due)}`);
