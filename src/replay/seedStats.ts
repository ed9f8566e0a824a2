/**
 * Statistics that begin part-way through a log: every backend the registry holds at that point
 * gets a row, as if the statistics had been folded from there.
 *
 * @since 0.2.0
 */
import { keyId } from '../domain/BackendKey';
import * as HT from '../internal/HashTrie';
import * as V from '../internal/Vector';
import type { BackendTally, LogStats } from './LogStats';
import { emptyLogStats } from './LogStats';
import type { Registry } from '../registry/Registry';
import { backends } from '../registry/Registry';

/**
 * The statistics of no events over `registry`: its backends, in registration order, each with
 * no answers and no registration counted yet (they were registered before the statistics
 * began). Folding events into it with `addEvent` gives the statistics of a window of a log that
 * begins where `registry` was.
 *
 * @example
 * import { createRegistry, liveBackend, register, backendKey, sharedInstance, summarizeStats } from 'lifecycle-broadcast'
 * import { seedStats } from 'lifecycle-broadcast/incident'
 *
 * const registry = register(createRegistry(), liveBackend(backendKey(sharedInstance, 'soldr', '0.4.1'))).state
 * summarizeStats(seedStats(registry)).table // one row for soldr, registrations 0, all counts 0
 *
 * @since 0.2.0
 */
export const seedStats = (registry: Registry): LogStats => {
  let tallies: HT.HashTrie<BackendTally> = HT.empty;
  let order: V.Vector<string> = V.empty;
  for (const b of backends(registry)) {
    const id = keyId(b.key);
    tallies = HT.set(
      tallies,
      id,
      Object.freeze({
        key: b.key,
        registered: true,
        live: b.live,
        response: b.response,
        registrations: 0,
        acks: 0,
        timeouts: 0,
        failures: 0,
        skipped: 0,
        since: 0,
      }),
    );
    order = V.push(order, id);
  }
  return Object.freeze({ ...emptyLogStats, tallies, order });
};
