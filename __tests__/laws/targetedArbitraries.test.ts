/**
 * The arbitraries of targeted broadcasts, retries and the idle coordinator produce valid values
 * with the mix their options promise.
 */
import * as fc from 'fast-check';

import {
  IdleAction,
  IdleBackend,
  IdleCoordinator,
  IdleDue,
  IdleState,
  backends,
  collectDue,
  createIdleCoordinator,
  createRegistry,
  keyId,
  lookup,
  step,
  stepIdle,
  unacknowledgedKeys,
} from '../../src';
import type { BroadcastResult, Registry, RegistryAction } from '../../src';
import {
  actionSequenceArbitrary,
  idleActionArbitrary,
  idleActionSequenceArbitrary,
  idleBackendArbitrary,
  idleCoordinatorArbitrary,
  idleDueArbitrary,
  idleStateArbitrary,
  idleTimeoutArbitrary,
  registryArbitrary,
  targetKeysArbitrary,
} from '../../src/arbitraries';

const sample = <A>(arbitrary: fc.Arbitrary<A>, numRuns = 300): ReadonlyArray<A> =>
  fc.sample(arbitrary, { numRuns, seed: 42 });

/** Walk actions from an empty registry, giving each action the registry before it and the latest broadcast's result. */
const walk = (
  actions: ReadonlyArray<RegistryAction>,
  visit: (before: Registry, action: RegistryAction, latest: BroadcastResult | undefined) => void,
): void => {
  let state = createRegistry();
  let latest: BroadcastResult | undefined;
  for (const action of actions) {
    visit(state, action, latest);
    const next = step(state, action);
    state = next.state;
    if (next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo') {
      latest = next.result.result;
    }
  }
};

const isRetryOf = (action: RegistryAction, latest: BroadcastResult | undefined): boolean =>
  action._tag === 'BroadcastTo' &&
  latest !== undefined &&
  unacknowledgedKeys(latest).length > 0 &&
  JSON.stringify(action.operation) === JSON.stringify(latest.operation) &&
  JSON.stringify(action.keys.map(keyId)) === JSON.stringify(unacknowledgedKeys(latest).map(keyId));

describe('actionSequenceArbitrary (targeted broadcasts)', () => {
  it('should mix retries of the unacknowledged with broadcasts to picked keys, as retryRatio says', () => {
    const retryShare = (retryRatio: number): number => {
      let retries = 0;
      let possible = 0;
      for (const actions of sample(actionSequenceArbitrary({ retryRatio, weights: { BroadcastTo: 4 } }), 200)) {
        walk(actions, (_, action, latest) => {
          if (action._tag === 'BroadcastTo' && latest !== undefined && unacknowledgedKeys(latest).length > 0) {
            possible += 1;
            retries += isRetryOf(action, latest) ? 1 : 0;
          }
        });
      }
      return retries / possible;
    };

    expect(retryShare(1)).toBe(1);
    expect(retryShare(0.5)).toBeGreaterThan(0.3);
    expect(retryShare(0.5)).toBeLessThan(0.8);
    expect(retryShare(0)).toBeLessThan(0.1);
  });

  it('should aim most targeted broadcasts that are not retries at registered keys', () => {
    let registered = 0;
    let named = 0;
    for (const actions of sample(actionSequenceArbitrary({ retryRatio: 0, weights: { BroadcastTo: 4 } }))) {
      walk(actions, (before, action) => {
        if (action._tag === 'BroadcastTo' && backends(before).length > 0) {
          named += action.keys.length;
          registered += action.keys.filter((k) => lookup(before, k)._tag === 'Some').length;
        }
      });
    }

    expect(registered / named).toBeGreaterThan(0.6);
    expect(registered / named).toBeLessThan(1);
  });

  it('should refuse a retryRatio out of range, naming it', () => {
    expect(() => actionSequenceArbitrary({ retryRatio: 2 })).toThrow('retryRatio must be between 0 and 1, got 2');
  });
});

describe('targetKeysArbitrary', () => {
  it('should pick registered keys, some twice, and now and then a fresh one', () => {
    let twice = 0;
    let fresh = 0;
    let picked = 0;
    for (const [registry, keys] of sample(
      registryArbitrary().chain((r) => fc.tuple(fc.constant(r), targetKeysArbitrary(r))),
    )) {
      const ids = keys.map(keyId);
      twice += new Set(ids).size < ids.length ? 1 : 0;
      fresh += keys.filter((k) => lookup(registry, k)._tag === 'None').length;
      picked += keys.filter((k) => lookup(registry, k)._tag === 'Some').length;
    }

    expect(twice).toBeGreaterThan(0);
    expect(fresh).toBeGreaterThan(0);
    expect(picked).toBeGreaterThan(fresh);
  });
});

describe('idleStateArbitrary', () => {
  it('should produce every state', () => {
    expect(new Set(sample(idleStateArbitrary()))).toEqual(new Set(['Running', 'Draining', 'Quiesced']));
    expect(sample(idleStateArbitrary()).every((s) => IdleState.is(s))).toBe(true);
  });
});

describe('idleTimeoutArbitrary', () => {
  it('should produce positive whole milliseconds, the default among them', () => {
    const values = sample(idleTimeoutArbitrary());

    expect(values.every((v) => Number.isSafeInteger(v) && v >= 1)).toBe(true);
    expect(values).toContain(30_000);
  });
});

describe('idleBackendArbitrary', () => {
  it('should produce valid tracked backends in every state, unfrozen', () => {
    const values = sample(idleBackendArbitrary({ names: 'any' }));

    expect(values.every((v) => IdleBackend.is(v) && !Object.isFrozen(v))).toBe(true);
    expect(new Set(values.map((b) => b.state)).size).toBe(3);
  });
});

describe('idleActionArbitrary', () => {
  it('should produce valid actions of every kind, tracks with and without a timeout of their own', () => {
    const values = sample(idleActionArbitrary());

    expect(values.every((v) => IdleAction.is(v))).toBe(true);
    expect(new Set(values.map((a) => a._tag)).size).toBe(6);
    const tracks = values.flatMap((a) => (a._tag === 'Track' ? [a.idleTimeoutMs === undefined] : []));
    expect(new Set(tracks)).toEqual(new Set([true, false]));
  });
});

describe('idleActionSequenceArbitrary', () => {
  it('should keep the clock moving forward, within the length bounds', () => {
    fc.assert(
      fc.property(idleActionSequenceArbitrary({ minLength: 2, maxLength: 9, maxStepMs: 500 }), (actions) => {
        const times = actions.flatMap((a) => ('nowMs' in a ? [a.nowMs] : []));
        expect(actions.length).toBeGreaterThanOrEqual(2);
        expect(actions.length).toBeLessThanOrEqual(9);
        expect(times).toEqual([...times].sort((x, y) => x - y));
        expect(times.every((t, i) => i === 0 || t - (times[i - 1] ?? 0) <= 9 * 500)).toBe(true);
        expect(actions.every((a) => IdleAction.is(a))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('should name tracked backends most of the time, and find some due and some not when collecting', () => {
    let hits = 0;
    let keyed = 0;
    let due = 0;
    let notDue = 0;
    for (const actions of sample(idleActionSequenceArbitrary())) {
      let c: IdleCoordinator = createIdleCoordinator();
      for (const a of actions) {
        if (a._tag !== 'Track' && a._tag !== 'CollectDue' && c.backends.length > 0) {
          keyed += 1;
          hits += c.backends.some((b) => keyId(b.key) === keyId(a.key)) ? 1 : 0;
        }
        if (a._tag === 'CollectDue') {
          const found = collectDue(c, a.nowMs).result.due.length;
          const running = c.backends.filter((b) => b.state === 'Running').length;
          due += found;
          notDue += running - found;
        }
        c = stepIdle(c, a).state;
      }
    }

    expect(hits / keyed).toBeGreaterThan(0.7);
    expect(due).toBeGreaterThan(0);
    expect(notDue).toBeGreaterThan(0);
  });

  it('should refuse options out of range, naming the option', () => {
    expect(() => idleActionSequenceArbitrary({ reuseKeyRatio: -1 })).toThrow(
      'reuseKeyRatio must be between 0 and 1, got -1',
    );
    expect(() => idleActionSequenceArbitrary({ maxStepMs: 1.5 })).toThrow(
      'maxStepMs must be a non-negative integer, got 1.5',
    );
    expect(() => idleActionSequenceArbitrary({ minLength: 3, maxLength: 1 })).toThrow(
      'maxLength (1) must not be below minLength (3)',
    );
  });
});

describe('idleCoordinatorArbitrary', () => {
  it('should produce valid coordinators as plain unfrozen data, some of them tracking backends in every state', () => {
    const values = sample(idleCoordinatorArbitrary());

    expect(values.every((c) => IdleCoordinator.is(c) && !Object.isFrozen(c))).toBe(true);
    expect(new Set(values.flatMap((c) => c.backends.map((b) => b.state))).size).toBe(3);
  });
});

describe('idleDueArbitrary', () => {
  it('should produce due backends idle for at least their timeout', () => {
    const values = sample(idleDueArbitrary());

    expect(values.every((d) => IdleDue.is(d) && d.idleForMs >= d.idleTimeoutMs)).toBe(true);
  });
});
