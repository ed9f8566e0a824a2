import * as fc from 'fast-check';

import {
  backends,
  broadcast,
  broadcastTo,
  keyId,
  lookup,
  retryUnacknowledged,
  setLive,
  snapshot,
  unacknowledgedKeys,
} from '../../src';
import type { Backend, BackendKey, BroadcastOperation, Registry } from '../../src';
import { backendKeyArbitrary, broadcastOperationArbitrary, registryArbitrary } from '../../src/arbitraries';
import { expectEqual, expectSame, lawParameters } from './support';

// -------------------------------------------------------------------------------------
// generated inputs
// -------------------------------------------------------------------------------------

interface Targeted {
  readonly state: Registry;
  readonly op: BroadcastOperation;
  /** Registered keys picked in any order, some twice, with now and then keys drawn afresh. */
  readonly keys: ReadonlyArray<BackendKey>;
}

const targeted: fc.Arbitrary<Targeted> = fc
  .tuple(
    registryArbitrary(),
    broadcastOperationArbitrary(),
    fc.array(fc.nat(), { maxLength: 10 }),
    fc.array(backendKeyArbitrary({ names: 'any' }), { maxLength: 3 }),
  )
  .map(([state, op, picks, drawn]) => {
    const registered = backends(state).map((b) => b.key);
    const picked = registered.length === 0 ? [] : picks.map((p) => registered[p % registered.length] as BackendKey);
    return { state, op, keys: [...picked, ...drawn] };
  });

const ids = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((entry) => keyId(entry.key));

const isRegistered = (state: Registry, key: BackendKey): boolean => lookup(state, key)._tag === 'Some';

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

describe('law: broadcast is broadcastTo over every key', () => {
  it('should give the same result and the very same registry value, with no key missing', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const all = broadcast(state, op);
        const to = broadcastTo(
          state,
          op,
          backends(state).map((b) => b.key),
        );

        expectEqual(to.result, all.result);
        expectEqual(to.keysNotFound, []);
        expectEqual(to.state, all.state);
      }),
      lawParameters(),
    );
  });

  it('should not depend on the order of the keys, nor on keys given twice', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), fc.nat(), (state, op, shift) => {
        const keys = backends(state).map((b) => b.key);
        const rotated = [...keys.slice(shift % (keys.length || 1)), ...keys.slice(0, shift % (keys.length || 1))];
        const scrambled = [...rotated.reverse(), ...keys];

        const to = broadcastTo(state, op, scrambled);

        expectEqual(to.result, broadcast(state, op).result);
        expectEqual(snapshot(to.state), snapshot(broadcast(state, op).state));
      }),
      lawParameters(),
    );
  });
});

describe('law: targeted fan-out', () => {
  it('should list each registered target once, in registration order, in the list its liveness and response decide', () => {
    fc.assert(
      fc.property(targeted, ({ state, op, keys }) => {
        const { result } = broadcastTo(state, op, keys);
        const wanted = new Set(keys.map(keyId));
        const targets = backends(state).filter((b) => wanted.has(keyId(b.key)));
        const where = (keep: (b: Backend) => boolean): ReadonlyArray<string> => ids(targets.filter(keep));

        expectEqual(
          ids(result.acks),
          where((b) => b.live && b.response._tag === 'Ack'),
        );
        expectEqual(
          ids(result.timeouts),
          where((b) => b.live && b.response._tag === 'Timeout'),
        );
        expectEqual(
          ids(result.failures),
          where((b) => b.live && b.response._tag === 'Failure'),
        );
        expectEqual(
          ids(result.skippedDead),
          where((b) => !b.live),
        );
        expectEqual(result.operation, op);
      }),
      lawParameters(),
    );
  });

  it('should report each key that is not registered once, in the order given, and nothing else', () => {
    fc.assert(
      fc.property(targeted, ({ state, op, keys }) => {
        const { keysNotFound } = broadcastTo(state, op, keys);
        const expected = [...new Set(keys.filter((k) => !isRegistered(state, k)).map(keyId))];

        expectEqual(keysNotFound.map(keyId), expected);
      }),
      lawParameters(),
    );
  });
});

describe('law: targeted delivery', () => {
  it('should append the operation to exactly the live targets, and leave every other backend as it was', () => {
    fc.assert(
      fc.property(targeted, ({ state, op, keys }) => {
        const wanted = new Set(keys.map(keyId));
        const before = snapshot(state);

        const after = snapshot(broadcastTo(state, op, keys).state);

        expectEqual(after.policy, before.policy);
        expectEqual(
          after.backends.map((s) => s.backend),
          before.backends.map((s) => s.backend),
        );
        after.backends.forEach((s, i) => {
          const was = before.backends[i]?.received ?? [];
          const reached = s.backend.live && wanted.has(keyId(s.backend.key));
          expectEqual(s.received, reached ? [...was, op] : was);
        });
      }),
      lawParameters(),
    );
  });

  it('should return the very same registry when no target is live', () => {
    fc.assert(
      fc.property(targeted, ({ state, op, keys }) => {
        const dead = keys.reduce((s, k) => setLive(s, k, false).state, state);

        const { state: next, result } = broadcastTo(dead, op, keys);

        expectSame(next, dead);
        expectSame(result._tag, 'NoLiveTargets');
      }),
      lawParameters(),
    );
  });

  it('should keep what each backend received right through later broadcasts and liveness changes', () => {
    fc.assert(
      fc.property(targeted, broadcastOperationArbitrary(), fc.nat(), ({ state, op, keys }, later, flip) => {
        const registered = backends(state);
        const flipped = registered[flip % (registered.length || 1)];
        let s = broadcastTo(state, op, keys).state;
        const afterTargeted = snapshot(s);
        s = broadcast(s, later).state;
        if (flipped !== undefined) {
          s = setLive(setLive(s, flipped.key, !flipped.live).state, flipped.key, flipped.live).state;
        }

        snapshot(s).backends.forEach((b, i) => {
          const was = afterTargeted.backends[i]?.received ?? [];
          expectEqual(b.received, b.backend.live ? [...was, later] : was);
        });
      }),
      lawParameters(),
    );
  });
});

describe('law: retryUnacknowledged', () => {
  it('should be broadcastTo of the operation to the keys of timeouts and failures', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const first = broadcast(state, op);

        expectEqual(
          retryUnacknowledged(first.state, first.result),
          broadcastTo(first.state, op, unacknowledgedKeys(first.result)),
        );
      }),
      lawParameters(),
    );
  });

  it('should send nothing more to the backends that acknowledged', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const first = broadcast(state, op);
        const acked = new Set(ids(first.result.acks));
        const before = snapshot(first.state);

        const after = snapshot(retryUnacknowledged(first.state, first.result).state);

        after.backends.forEach((b, i) => {
          if (acked.has(keyId(b.backend.key))) {
            expectEqual(b.received, before.backends[i]?.received);
          }
        });
      }),
      lawParameters(),
    );
  });
});
