import * as fc from 'fast-check';

import type { BackendKey, RegistryEvent } from '../../src';
import {
  addEvent,
  backendRows,
  backends,
  createRegistry,
  emptyLogStats,
  keyId,
  liveCount,
  replay,
  backendCount,
  summarizeStats,
} from '../../src';
import { statsAccumulator } from '../../src/replay/LogStats';
import { unfrozenPaths } from '../support/helpers';
import { actionsArb } from '../support/logArbitraries';

interface Counted {
  acks: number;
  timeouts: number;
  failures: number;
  skipped: number;
}

/** The oracle: count each key's entries in every broadcast result (to all or to some), one by one. */
const countEntries = (events: ReadonlyArray<RegistryEvent>): ReadonlyMap<string, Counted> => {
  const counts = new Map<string, Counted>();
  const add = (key: BackendKey, field: keyof Counted): void => {
    const c = counts.get(keyId(key)) ?? { acks: 0, timeouts: 0, failures: 0, skipped: 0 };
    c[field] += 1;
    counts.set(keyId(key), c);
  };
  for (const e of events) {
    if (e._tag === 'OperationBroadcast' || e._tag === 'OperationBroadcastTo') {
      e.result.acks.forEach((x) => {
        add(x.key, 'acks');
      });
      e.result.timeouts.forEach((x) => {
        add(x.key, 'timeouts');
      });
      e.result.failures.forEach((x) => {
        add(x.key, 'failures');
      });
      e.result.skippedDead.forEach((x) => {
        add(x.key, 'skipped');
      });
    }
  }
  return counts;
};

describe('addEvent', () => {
  it('should count, per backend, exactly the entries of the broadcast results', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { events } = replay(createRegistry(), actions);
        const expected = countEntries(events);
        const rows = backendRows(events.reduce(addEvent, emptyLogStats));
        for (const r of rows) {
          const { acks, timeouts, failures, skipped } = r;
          expect({ acks, timeouts, failures, skipped }).toEqual(
            expected.get(keyId(r.key)) ?? { acks: 0, timeouts: 0, failures: 0, skipped: 0 },
          );
        }
        // Every key that appears in a result has a row.
        expect([...expected.keys()].every((id) => rows.some((r) => keyId(r.key) === id))).toBe(true);
      }),
    );
  });

  it('should count actions by kind, broadcasts by operation and outcomes by status', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { events } = replay(createRegistry(), actions);
        const stats = events.reduce(addEvent, emptyLogStats);
        const count = (p: (e: RegistryEvent) => boolean): number => events.filter(p).length;
        expect(stats.steps).toBe(actions.length);
        expect(stats.actions.Register).toBe(actions.filter((a) => a._tag === 'Register').length);
        expect(stats.actions.Unregister).toBe(actions.filter((a) => a._tag === 'Unregister').length);
        expect(stats.keyNotFound).toBe(count((e) => e._tag === 'KeyNotFound'));
        const isBroadcast = (e: RegistryEvent) => e._tag === 'OperationBroadcast' || e._tag === 'OperationBroadcastTo';
        expect(stats.actions.BroadcastTo).toBe(actions.filter((a) => a._tag === 'BroadcastTo').length);
        expect(stats.outcomes.Degraded).toBe(count((e) => isBroadcast(e) && e.result._tag === 'Degraded'));
        expect(stats.operations.Quiesce).toBe(count((e) => isBroadcast(e) && e.result.operation._tag === 'Quiesce'));
      }),
    );
  });

  it('should leave the statistics it was given unchanged', () => {
    const { events } = replay(createRegistry(), fc.sample(actionsArb, { numRuns: 1, seed: 5 })[0] ?? []);
    const before = JSON.stringify(summarizeStats(emptyLogStats));
    events.reduce(addEvent, emptyLogStats);
    expect(JSON.stringify(summarizeStats(emptyLogStats))).toBe(before);
    expect(Object.isFrozen(events.reduce(addEvent, emptyLogStats))).toBe(true);
  });
});

describe('backendRows', () => {
  it('should list the registered backends with their liveness and response', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { state, events } = replay(createRegistry(), actions);
        const rows = backendRows(events.reduce(addEvent, emptyLogStats)).filter((r) => r.status !== 'unregistered');
        const byId = (a: readonly [string, ...unknown[]], b: readonly [string, ...unknown[]]): number =>
          a[0].localeCompare(b[0]);
        expect(rows.map((r) => [keyId(r.key), r.status === 'live', r.response] as const).sort(byId)).toEqual(
          backends(state)
            .map((b) => [keyId(b.key), b.live, b.response] as const)
            .sort(byId),
        );
      }),
    );
  });

  it('should keep the order in which keys were first registered', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { events } = replay(createRegistry(), actions);
        const firstSeen = [
          ...new Set(events.flatMap((e) => (e._tag === 'BackendRegistered' ? [keyId(e.backend.key)] : []))),
        ];
        expect(backendRows(events.reduce(addEvent, emptyLogStats)).map((r) => keyId(r.key))).toEqual(firstSeen);
      }),
    );
  });
});

describe('summarizeStats', () => {
  it('should count backends live and dead as the registry does', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { state, events } = replay(createRegistry(), actions);
        const s = summarizeStats(events.reduce(addEvent, emptyLogStats));
        expect(s.backends.live).toBe(liveCount(state));
        expect(s.backends.registered).toBe(backendCount(state));
        expect(s.backends.dead).toBe(backendCount(state) - liveCount(state));
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }),
    );
  });
});

describe('statsAccumulator', () => {
  it('should end with the statistics addEvent folds from the same events', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { events } = replay(createRegistry(), actions);
        const acc = statsAccumulator();
        events.forEach(acc.add);

        const stats = acc.result();

        expect(stats).toEqual(events.reduce(addEvent, emptyLogStats));
        expect(summarizeStats(stats)).toEqual(summarizeStats(events.reduce(addEvent, emptyLogStats)));
        expect(unfrozenPaths(stats)).toEqual([]);
      }),
    );
  });

  it('should go on from given statistics as addEvent goes on from them', () => {
    fc.assert(
      fc.property(actionsArb, fc.nat(), (actions, cut) => {
        const { events } = replay(createRegistry(), actions);
        const at = events.length === 0 ? 0 : cut % events.length;
        const initial = events.slice(0, at).reduce(addEvent, emptyLogStats);
        const acc = statsAccumulator(initial);
        events.slice(at).forEach(acc.add);

        expect(acc.result()).toEqual(events.slice(at).reduce(addEvent, initial));
        // The statistics it started from are not touched.
        expect(initial).toEqual(events.slice(0, at).reduce(addEvent, emptyLogStats));
      }),
    );
  });

  it('should count a broadcast given by its operation, status and result as the event that carries them', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const { events } = replay(createRegistry(), actions);
        const acc = statsAccumulator();
        for (const e of events) {
          if (e._tag === 'OperationBroadcast') {
            acc.addBroadcast(e.result.operation, e.result._tag, () => e.result);
          } else {
            acc.add(e);
          }
        }

        expect(acc.result()).toEqual(events.reduce(addEvent, emptyLogStats));
      }),
    );
  });
});
