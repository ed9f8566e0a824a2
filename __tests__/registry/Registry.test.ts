/**
 * The registry's reducers and queries: positions, unknown keys, immutability and sharing.
 */
import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import {
  ack,
  backends,
  broadcast,
  createRegistry,
  deadBackend,
  emptyRegistry,
  explicitInstance,
  failure,
  isRegistered,
  liveBackend,
  liveCount,
  lookup,
  privateInstance,
  quiesceOperation,
  receivedOperations,
  register,
  releaseHandlesOperation,
  replay,
  setLive,
  setLiveAction,
  setResponse,
  setResponseAction,
  backendCount,
  snapshot,
  timeout,
  unregister,
  unregisterAction,
  withResponse,
} from '../../src';
import type { BackendKey, Registry } from '../../src';
import { broadcastCounted, broadcastStatus } from '../../src/registry/Registry';
import { expectSome, key, unfrozenPaths } from '../support/helpers';
import { actionsArb, operationArb } from '../support/logArbitraries';

const withBackends = (keys: ReadonlyArray<BackendKey>, state: Registry = createRegistry()): Registry =>
  keys.reduce((s, k) => register(s, liveBackend(k)).state, state);

const names = (state: Registry): ReadonlyArray<string> => backends(state).map((b) => b.key.serviceName);

describe('register', () => {
  it('should append a fresh key and say it replaced none', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = register(state, deadBackend(key('b')));

    expect(result).toEqual({ _tag: 'BackendRegistered', backend: deadBackend(key('b')), replaced: O.none });
    expect(names(next)).toEqual(['a', 'b']);
    expect(backendCount(next)).toBe(2);
  });

  it('should replace a registered key in place and return the backend it replaced', () => {
    const state = withBackends([key('a'), key('b'), key('c')]);
    const replacement = withResponse(deadBackend(key('b')), timeout);

    const { state: next, result } = register(state, replacement);

    expect(result._tag).toBe('BackendRegistered');
    expect(result.backend).toBe(replacement);
    expect(expectSome(result.replaced)).toEqual(liveBackend(key('b')));
    expect(names(next)).toEqual(['a', 'b', 'c']);
    expect(expectSome(lookup(next, key('b')))).toEqual(replacement);
    expect(liveCount(next)).toBe(2);
  });

  it('should start a replacement with no received operations', () => {
    const state = broadcast(withBackends([key('a')]), quiesceOperation('Maintenance')).state;

    const { state: next } = register(state, liveBackend(key('a')));

    expect(expectSome(receivedOperations(next, key('a')))).toEqual([]);
  });

  it('should tell keys apart by every field, including the broker instance', () => {
    const keys = [
      key('svc'),
      key('svc', privateInstance('svc')),
      key('svc', explicitInstance('svc')),
      { ...key('svc'), serviceVersion: '2.0.0' },
      { ...key('svc'), exeHash: 'ab' },
    ];

    const state = withBackends(keys);

    expect(backendCount(state)).toBe(keys.length);
    keys.forEach((k) => {
      expect(expectSome(lookup(state, k)).key).toEqual(k);
    });
  });

  it('should store a frozen copy and leave the caller’s backend untouched', () => {
    const mine = { key: key('a'), live: true, response: ack };
    const before = JSON.parse(JSON.stringify(mine)) as unknown;

    const { state } = register(createRegistry(), mine);

    expect(mine).toEqual(before);
    expect(Object.isFrozen(mine)).toBe(false);
    expect(expectSome(lookup(state, key('a')))).not.toBe(mine);
    expect(unfrozenPaths(state)).toEqual([]);
  });
});

describe('setLive', () => {
  it('should mark a backend dead so that broadcasts skip it', () => {
    const state = withBackends([key('a'), key('b')]);

    const { state: next, result } = setLive(state, key('a'), false);
    const { result: sent } = broadcast(next, quiesceOperation('IdleTimeout'));

    expect(result).toEqual({ _tag: 'LivenessSet', previous: liveBackend(key('a')), backend: deadBackend(key('a')) });
    expect(sent.skippedDead.map((e) => e.key)).toEqual([key('a')]);
    expect(liveCount(next)).toBe(1);
  });

  it('should return the same state when the backend already has that liveness', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = setLive(state, key('a'), true);

    expect(next).toBe(state);
    expect(result._tag === 'LivenessSet' && result.previous === result.backend).toBe(true);
  });

  it('should report an unknown key without changing the state', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = setLive(state, key('nope'), false);

    expect(next).toBe(state);
    expect(result).toEqual({ _tag: 'KeyNotFound', action: setLiveAction(key('nope'), false), key: key('nope') });
  });

  it('should deliver only the operations broadcast while the backend was live', () => {
    const ops = [releaseHandlesOperation('/one'), quiesceOperation('Maintenance'), releaseHandlesOperation('/three')];
    let state = withBackends([key('a'), key('witness')]);
    state = broadcast(state, ops[0] ?? quiesceOperation('Maintenance')).state;
    state = setLive(state, key('a'), false).state;
    state = broadcast(state, ops[1] ?? quiesceOperation('Maintenance')).state;
    state = setLive(state, key('a'), true).state;
    state = broadcast(state, ops[2] ?? quiesceOperation('Maintenance')).state;

    expect(expectSome(receivedOperations(state, key('a')))).toEqual([ops[0], ops[2]]);
    expect(expectSome(receivedOperations(state, key('witness')))).toEqual(ops);
  });
});

describe('setResponse', () => {
  it('should change how a backend answers the next broadcast', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = setResponse(state, key('a'), failure('Rejected'));
    const { result: sent } = broadcast(next, quiesceOperation('BrokerShutdown'));

    expect(result._tag).toBe('ResponseSet');
    expect(sent.failures).toEqual([{ _tag: 'Failure', key: key('a'), reason: 'Rejected' }]);
  });

  it('should return the same state when the response is unchanged', () => {
    const state = withBackends([key('a')]);

    expect(setResponse(state, key('a'), { _tag: 'Ack' }).state).toBe(state);
  });

  it('should report an unknown key without changing the state', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = setResponse(state, key('b'), timeout);

    expect(next).toBe(state);
    expect(result).toEqual({ _tag: 'KeyNotFound', action: setResponseAction(key('b'), timeout), key: key('b') });
  });
});

describe('unregister', () => {
  it('should remove a backend and keep the others in order', () => {
    const state = withBackends([key('a'), key('b'), key('c')]);

    const { state: next, result } = unregister(state, key('b'));

    expect(result).toEqual({ _tag: 'BackendUnregistered', backend: liveBackend(key('b')) });
    expect(names(next)).toEqual(['a', 'c']);
    expect(isRegistered(next, key('b'))).toBe(false);
    expect(lookup(next, key('b'))).toEqual(O.none);
    expect(receivedOperations(next, key('b'))).toEqual(O.none);
  });

  it('should append a key registered again after removal', () => {
    const state = unregister(withBackends([key('a'), key('b')]), key('a')).state;

    expect(names(register(state, liveBackend(key('a'))).state)).toEqual(['b', 'a']);
  });

  it('should report an unknown key without changing the state', () => {
    const state = withBackends([key('a')]);

    const { state: next, result } = unregister(state, key('b'));

    expect(next).toBe(state);
    expect(result).toEqual({ _tag: 'KeyNotFound', action: unregisterAction(key('b')), key: key('b') });
  });

  it('should keep order, lookups and deliveries right across many removals', () => {
    const keys = Array.from({ length: 300 }, (_, i) => key(`svc-${String(i)}`));
    let state = broadcast(withBackends(keys), quiesceOperation('Maintenance')).state;
    const kept = keys.filter((_, i) => i % 7 === 3);
    keys
      .filter((_, i) => i % 7 !== 3)
      .forEach((k) => {
        state = unregister(state, k).state;
      });

    expect(backends(state).map((b) => b.key)).toEqual(kept);
    kept.forEach((k) => {
      expect(expectSome(receivedOperations(state, k))).toEqual([quiesceOperation('Maintenance')]);
    });
    expect(backendCount(state)).toBe(kept.length);
    expect(state.slots.size).toBeLessThan(keys.length);
  });
});

describe('broadcast', () => {
  it('should list every backend once, each list in registration order', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => key(n));
    let state = withBackends(keys);
    state = setResponse(state, key('b'), timeout).state;
    state = setResponse(state, key('e'), failure('UnsupportedOperation')).state;
    state = setLive(state, key('c'), false).state;
    state = setResponse(state, key('f'), timeout).state;

    const { result } = broadcast(state, releaseHandlesOperation('/var/cache'));

    expect(result.acks.map((e) => e.key.serviceName)).toEqual(['a', 'd']);
    expect(result.timeouts.map((e) => e.key.serviceName)).toEqual(['b', 'f']);
    expect(result.failures.map((e) => e.key.serviceName)).toEqual(['e']);
    expect(result.skippedDead.map((e) => e.key.serviceName)).toEqual(['c']);
  });

  it('should report NoLiveTargets and keep the same state when nothing is live', () => {
    const state = register(emptyRegistry, deadBackend(key('a'))).state;

    const { state: next, result } = broadcast(state, quiesceOperation('BrokerShutdown'));

    expect(result._tag).toBe('NoLiveTargets');
    expect(next).toBe(state);
  });

  it('should leave every backend reference-identical', () => {
    const state = withBackends([key('a'), key('b')]);

    const { state: next } = broadcast(state, quiesceOperation('Maintenance'));

    expect(next.slots).toBe(state.slots);
    expect(next.index).toBe(state.index);
    expect(backends(next)).toBe(backends(state));
  });

  it('should copy the operation it was given rather than freeze it', () => {
    const op = { _tag: 'ReleaseHandles' as const, pathPrefix: '/tmp' };

    const { state, result } = broadcast(withBackends([key('a')]), op);

    expect(Object.isFrozen(op)).toBe(false);
    expect(result.operation).toEqual(op);
    expect(unfrozenPaths(state)).toEqual([]);
    expect(unfrozenPaths(result)).toEqual([]);
  });
});

describe('immutability', () => {
  const scenario = (): Registry => {
    let state = withBackends([key('a'), key('b'), key('c')]);
    state = broadcast(state, quiesceOperation('IdleTimeout')).state;
    state = setLive(state, key('b'), false).state;
    return state;
  };

  it('should leave its input deep-equal to what it was, for every reducer', () => {
    const state = scenario();
    const before = JSON.stringify(state);

    register(state, liveBackend(key('d')));
    register(state, deadBackend(key('a')));
    setLive(state, key('a'), false);
    setResponse(state, key('c'), timeout);
    unregister(state, key('a'));
    broadcast(state, releaseHandlesOperation('/x'));

    expect(JSON.stringify(state)).toBe(before);
  });

  it('should return deeply frozen states and results', () => {
    const state = scenario();

    const outputs = [
      register(state, liveBackend(key('d'))),
      setLive(state, key('a'), false),
      setResponse(state, key('c'), timeout),
      unregister(state, key('a')),
      broadcast(state, releaseHandlesOperation('/x')),
    ];

    outputs.forEach(({ state: next, result }) => {
      expect(unfrozenPaths(next)).toEqual([]);
      expect(unfrozenPaths(result)).toEqual([]);
    });
  });

  it('should keep untouched backends reference-identical', () => {
    const state = scenario();
    const [a, , c] = backends(state);

    const next = setLive(state, key('b'), true).state;
    const [a2, b2, c2] = backends(next);

    expect(a2).toBe(a);
    expect(c2).toBe(c);
    expect(b2?.live).toBe(true);
  });

  it('should be plain JSON data that survives a round trip', () => {
    const state = scenario();

    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('snapshot', () => {
  it('should list backends in order with what each received', () => {
    const state = scenario2();

    expect(snapshot(state)).toEqual({
      policy: { ackTimeoutMs: 5000 },
      backends: [
        { backend: liveBackend(key('a')), received: [quiesceOperation('Maintenance')] },
        { backend: deadBackend(key('b')), received: [] },
      ],
    });
  });

  function scenario2(): Registry {
    let state = register(withBackends([key('a')]), deadBackend(key('b'))).state;
    state = broadcast(state, quiesceOperation('Maintenance')).state;
    return state;
  }
});

describe('at scale', () => {
  it('should find every one of 20,000 backends and keep their order', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => key(`svc-${String(i)}`));

    const state = withBackends(keys);

    expect(backendCount(state)).toBe(keys.length);
    expect(keys.every((k) => isRegistered(state, k))).toBe(true);
    expect(backends(state).map((b) => b.key.serviceName)).toEqual(keys.map((k) => k.serviceName));
  });

  it('should share all but one path when one of many backends changes', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => key(`svc-${String(i)}`));
    const state = withBackends(keys);

    const next = setLive(state, key('svc-1234'), false).state;
    const before = backends(state);
    const after = backends(next);

    const changed = after.filter((b, i) => b !== before[i]);
    expect(changed.map((b) => b.key.serviceName)).toEqual(['svc-1234']);
  });
});

describe('broadcastStatus', () => {
  it('should be the status broadcast gives, read from the live counters', () => {
    fc.assert(
      fc.property(actionsArb, operationArb, (actions, op) => {
        const { state } = replay(createRegistry(), actions);
        const { result } = broadcast(state, op);

        expect(broadcastStatus(state)).toBe(result._tag);
        expect([state.liveAcks, state.liveTimeouts, state.liveFailures]).toEqual([
          result.acks.length,
          result.timeouts.length,
          result.failures.length,
        ]);
        expect(state.liveCount).toBe(state.liveAcks + state.liveTimeouts + state.liveFailures);
      }),
    );
  });
});

describe('broadcastCounted', () => {
  it('should reach the registry broadcast reaches, with its status and operation', () => {
    fc.assert(
      fc.property(actionsArb, operationArb, (actions, op) => {
        const { state } = replay(createRegistry(), actions);
        const full = broadcast(state, op);

        const counted = broadcastCounted(state, op);

        expect(counted.state).toEqual(full.state);
        expect(snapshot(counted.state)).toEqual(snapshot(full.state));
        expect(counted.status).toBe(full.result._tag);
        expect(counted.operation).toEqual(full.result.operation);
        expect(unfrozenPaths(counted.state)).toEqual([]);
      }),
    );
  });

  it('should return the same registry when nothing is live', () => {
    const state = register(createRegistry(), deadBackend(key('a'))).state;

    expect(broadcastCounted(state, quiesceOperation('Maintenance')).state).toBe(state);
  });
});

describe('stored operations', () => {
  it('should store one object for equal operations, however they were given', () => {
    const state = withBackends([key('a')]);
    const plain = { _tag: 'ReleaseHandles' as const, pathPrefix: '/var/cache' };

    const once = broadcast(state, plain);
    const twice = broadcast(once.state, releaseHandlesOperation('/var/cache'));
    const drained = broadcast(broadcast(twice.state, quiesceOperation('Maintenance')).state, {
      _tag: 'Quiesce',
      reason: 'Maintenance',
    });

    const received = expectSome(receivedOperations(drained.state, key('a')));
    expect(received).toEqual([plain, plain, quiesceOperation('Maintenance'), quiesceOperation('Maintenance')]);
    expect(received[1]).toBe(received[0]);
    expect(received[3]).toBe(received[2]);
    expect(twice.result.operation).toBe(once.result.operation);
    expect(Object.isFrozen(plain)).toBe(false);
  });

  it('should share a frozen operation of the right shape, and refuse one with extra fields', () => {
    const state = withBackends([key('a')]);
    const frozen = releaseHandlesOperation('/tmp');
    const extra = Object.freeze({ _tag: 'ReleaseHandles' as const, pathPrefix: '/srv', note: 'x' });

    expect(broadcast(state, frozen).result.operation).toBe(frozen);
    expect(() => broadcast(state, extra)).toThrow('broadcast: operation.note: unexpected field, got "x"');
  });
});

describe('liveness flips', () => {
  it('should give back the very backend and entry a backend had when it flips back', () => {
    const state = withBackends([key('a'), key('b')]);
    const before = expectSome(lookup(state, key('a')));
    const entryBefore = broadcast(state, quiesceOperation('Maintenance')).result.acks[0];

    const dead = setLive(state, key('a'), false).state;
    const back = setLive(dead, key('a'), true).state;

    expect(expectSome(lookup(back, key('a')))).toBe(before);
    expect(broadcast(back, quiesceOperation('Maintenance')).result.acks[0]).toBe(entryBefore);
  });

  it('should not give back a backend whose response changed in between', () => {
    const state = withBackends([key('a')]);
    const dead = setResponse(setLive(state, key('a'), false).state, key('a'), timeout).state;

    const back = setLive(dead, key('a'), true);

    expect(expectSome(lookup(back.state, key('a')))).toEqual(withResponse(liveBackend(key('a')), timeout));
    expect(broadcast(back.state, quiesceOperation('Maintenance')).result.timeouts).toHaveLength(1);
  });

  it('should list what reached a backend flipped dead and back with and without broadcasts in between', () => {
    const ops = [0, 1, 2, 3].map((i) => releaseHandlesOperation(`/op/${String(i)}`));
    let state = withBackends([key('a')]);
    state = broadcast(state, ops[0] as (typeof ops)[number]).state;
    // Dead and back with nothing broadcast in between: a span that received nothing.
    state = setLive(setLive(state, key('a'), false).state, key('a'), true).state;
    state = broadcast(state, ops[1] as (typeof ops)[number]).state;
    state = setLive(state, key('a'), false).state;
    state = broadcast(state, ops[2] as (typeof ops)[number]).state;
    state = setLive(setLive(setLive(state, key('a'), true).state, key('a'), false).state, key('a'), true).state;
    state = broadcast(state, ops[3] as (typeof ops)[number]).state;

    expect(expectSome(receivedOperations(state, key('a')))).toEqual([ops[0], ops[1], ops[3]]);
  });

  it('should keep a backend flipped a thousand times between two broadcasts as it was', () => {
    let state = broadcast(withBackends([key('a')]), quiesceOperation('Maintenance')).state;
    for (let i = 0; i < 1000; i++) {
      state = setLive(state, key('a'), i % 2 === 1).state;
    }
    state = broadcast(state, quiesceOperation('IdleTimeout')).state;

    expect(expectSome(receivedOperations(state, key('a')))).toEqual([
      quiesceOperation('Maintenance'),
      quiesceOperation('IdleTimeout'),
    ]);
    expect(unfrozenPaths(state)).toEqual([]);
  });
});
