import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';

import {
  LOG_VERSION,
  Backend,
  BackendKey,
  BroadcastBackendResponse,
  BroadcastOperation,
  BroadcastPolicy,
  BroadcastResult,
  BrokerInstance,
  LogRecord,
  LogHeader,
  RegistryAction,
  createRegistry,
  recordAction,
  isRegistered,
  keyId,
  lookup,
  recordedResult,
  replay,
  backendCount,
  step,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { Registry } from '../../src';
import {
  actionSequenceArbitrary,
  backendArbitrary,
  backendKeyArbitrary,
  broadcastBackendResponseArbitrary,
  broadcastOperationArbitrary,
  broadcastPolicyArbitrary,
  broadcastResultArbitrary,
  brokerInstanceArbitrary,
  failureReasonArbitrary,
  logArbitrary,
  logHeaderArbitrary,
  logLines,
  quiesceReasonArbitrary,
  registryActionArbitrary,
  registryArbitrary,
} from '../../src/arbitraries';

/** A fixed seed: the statistics below describe one reproducible sample, never a flaky one. */
const sample = <A>(arbitrary: fc.Arbitrary<A>, numRuns = 300): ReadonlyArray<A> =>
  fc.sample(arbitrary, { numRuns, seed: 42 });

const distinct = <A>(values: ReadonlyArray<A>, by: (a: A) => string): number => new Set(values.map(by)).size;

/** Replay `actions`, calling `visit` with the registry as it is before each action. */
const walk = (
  actions: ReadonlyArray<RegistryAction>,
  visit: (before: Registry, action: RegistryAction) => void,
): Registry => {
  let state = createRegistry();
  for (const action of actions) {
    visit(state, action);
    state = step(state, action).state;
  }
  return state;
};

const keyOf = (action: RegistryAction): BackendKey | undefined =>
  action._tag === 'Register'
    ? action.backend.key
    : action._tag === 'Broadcast' || action._tag === 'BroadcastTo'
      ? undefined
      : action.key;

describe('brokerInstanceArbitrary', () => {
  it('should produce valid instances of all three kinds', () => {
    const values = sample(brokerInstanceArbitrary());

    expect(values.every((v) => BrokerInstance.is(v))).toBe(true);
    expect(new Set(values.map((v) => v._tag))).toEqual(new Set(['Shared', 'Private', 'Explicit']));
  });
});

describe('backendKeyArbitrary', () => {
  it('should draw pooled keys that collide', () => {
    const values = sample(backendKeyArbitrary());

    expect(values.every((v) => BackendKey.is(v))).toBe(true);
    expect(distinct(values, keyId)).toBeLessThan(values.length / 2);
  });

  it('should draw any valid names when asked, beyond the pools', () => {
    const values = sample(backendKeyArbitrary({ names: 'any' }));

    expect(values.every((v) => BackendKey.is(v))).toBe(true);
    expect(distinct(values, (k) => k.serviceName)).toBeGreaterThan(20);
    expect(values.some((k) => /["\\,[\]]/.test(k.serviceName))).toBe(true);
  });

  it('should produce plain values that are not frozen, as a decoder would', () => {
    const [key] = sample(backendKeyArbitrary(), 1);

    expect(Object.isFrozen(key)).toBe(false);
    expect(Object.isFrozen(key?.instance)).toBe(false);
  });
});

describe('quiesceReasonArbitrary', () => {
  it('should produce every reason', () => {
    expect(new Set(sample(quiesceReasonArbitrary()))).toEqual(
      new Set(['IdleTimeout', 'BrokerShutdown', 'Maintenance']),
    );
  });
});

describe('failureReasonArbitrary', () => {
  it('should produce every reason', () => {
    expect(new Set(sample(failureReasonArbitrary()))).toEqual(
      new Set(['UnsupportedOperation', 'Rejected', 'BackendError']),
    );
  });
});

describe('broadcastOperationArbitrary', () => {
  it('should produce valid operations of both kinds', () => {
    const values = sample(broadcastOperationArbitrary());

    expect(values.every((v) => BroadcastOperation.is(v))).toBe(true);
    expect(new Set(values.map((v) => v._tag))).toEqual(new Set(['ReleaseHandles', 'Quiesce']));
  });
});

describe('broadcastBackendResponseArbitrary', () => {
  it('should produce every response', () => {
    const values = sample(broadcastBackendResponseArbitrary());

    expect(values.every((v) => BroadcastBackendResponse.is(v))).toBe(true);
    expect(distinct(values, (r) => JSON.stringify(r))).toBe(5);
  });
});

describe('broadcastPolicyArbitrary', () => {
  it('should produce policies that decode to themselves (never the clamped zero)', () => {
    for (const policy of sample(broadcastPolicyArbitrary())) {
      expect(decode(BroadcastPolicy, policy)).toEqual(E.right(policy));
    }
  });
});

describe('backendArbitrary', () => {
  it('should produce valid backends, live and dead', () => {
    const values = sample(backendArbitrary());

    expect(values.every((v) => Backend.is(v))).toBe(true);
    expect(new Set(values.map((b) => b.live))).toEqual(new Set([true, false]));
  });
});

describe('registryActionArbitrary', () => {
  it('should produce valid actions of every kind', () => {
    const values = sample(registryActionArbitrary());

    expect(values.every((v) => RegistryAction.is(v))).toBe(true);
    expect(new Set(values.map((a) => a._tag))).toEqual(
      new Set(['Register', 'SetLive', 'SetResponse', 'Unregister', 'Broadcast', 'BroadcastTo']),
    );
  });
});

describe('actionSequenceArbitrary', () => {
  it('should produce valid actions, within the length bounds', () => {
    fc.assert(
      fc.property(actionSequenceArbitrary({ minLength: 3, maxLength: 7 }), (actions) => {
        expect(actions.length).toBeGreaterThanOrEqual(3);
        expect(actions.length).toBeLessThanOrEqual(7);
        expect(actions.every((a) => RegistryAction.is(a))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('should keep coming back to the same backends: re-register, flip and broadcast to them', () => {
    let replaced = 0;
    let registers = 0;
    let flips = 0;
    let liveChanges = 0; // on registered backends
    let reaching = 0;
    let broadcasts = 0;
    for (const actions of sample(actionSequenceArbitrary())) {
      walk(actions, (before, action) => {
        if (action._tag === 'Register') {
          registers += 1;
          replaced += isRegistered(before, action.backend.key) ? 1 : 0;
        } else if (action._tag === 'SetLive') {
          const current = lookup(before, action.key);
          if (current._tag === 'Some') {
            liveChanges += 1;
            flips += current.value.live !== action.live ? 1 : 0;
          }
        } else if (action._tag === 'Broadcast') {
          broadcasts += 1;
          reaching += before.liveCount > 0 ? 1 : 0;
        }
      });
    }

    expect(replaced / registers).toBeGreaterThan(0.1);
    expect(flips / liveChanges).toBeGreaterThan(0.3);
    expect(reaching / broadcasts).toBeGreaterThan(0.5);
  });

  it('should aim every keyed action at a registered key when reuseKeyRatio and reregisterRatio are 1', () => {
    fc.assert(
      fc.property(actionSequenceArbitrary({ reuseKeyRatio: 1, reregisterRatio: 1 }), (actions) => {
        walk(actions, (before, action) => {
          const key = keyOf(action);
          if (key !== undefined && backendCount(before) > 0) {
            expect(isRegistered(before, key)).toBe(true);
          }
        });
      }),
      { numRuns: 100 },
    );
  });

  it('should mostly miss registered keys when both ratios are 0 and names are any', () => {
    let hits = 0;
    let keyed = 0;
    for (const actions of sample(actionSequenceArbitrary({ names: 'any', reuseKeyRatio: 0, reregisterRatio: 0 }))) {
      walk(actions, (before, action) => {
        const key = keyOf(action);
        if (key !== undefined && backendCount(before) > 0) {
          keyed += 1;
          hits += isRegistered(before, key) ? 1 : 0;
        }
      });
    }

    expect(hits / keyed).toBeLessThan(0.1);
  });

  it('should leave out the kinds of action whose weight is 0', () => {
    const kinds = new Set(
      sample(actionSequenceArbitrary({ weights: { Unregister: 0, SetResponse: 0 } })).flatMap((actions) =>
        actions.map((a) => a._tag),
      ),
    );

    expect(kinds).toEqual(new Set(['Register', 'SetLive', 'Broadcast', 'BroadcastTo']));
  });

  it('should produce the same sequences from the same seed', () => {
    const arbitrary = actionSequenceArbitrary();

    expect(fc.sample(arbitrary, { numRuns: 20, seed: 7 })).toEqual(fc.sample(arbitrary, { numRuns: 20, seed: 7 }));
  });

  it('should refuse options out of range with a message naming the option', () => {
    expect(() => actionSequenceArbitrary({ reuseKeyRatio: 1.5 })).toThrow(
      'reuseKeyRatio must be between 0 and 1, got 1.5',
    );
    expect(() => actionSequenceArbitrary({ reregisterRatio: Number.NaN })).toThrow(
      'reregisterRatio must be between 0 and 1, got NaN',
    );
    expect(() => actionSequenceArbitrary({ minLength: 5, maxLength: 2 })).toThrow(
      'maxLength (2) must not be below minLength (5)',
    );
    expect(() => actionSequenceArbitrary({ maxLength: -1 })).toThrow(
      'maxLength must be a non-negative integer, got -1',
    );
    expect(() => actionSequenceArbitrary({ weights: { Register: 0.5 } })).toThrow(
      'weights.Register must be a non-negative integer, got 0.5',
    );
    expect(() =>
      actionSequenceArbitrary({
        weights: { Register: 0, SetLive: 0, SetResponse: 0, Unregister: 0, Broadcast: 0, BroadcastTo: 0 },
      }),
    ).toThrow('weights must allow at least one kind of action');
    expect(() => actionSequenceArbitrary({ names: 'every' as 'any' })).toThrow(
      `names must be 'pool' or 'any', got "every"`,
    );
  });
});

describe('registryArbitrary', () => {
  it('should produce registries with backends in them', () => {
    const values = sample(registryArbitrary());

    expect(values.filter((r) => backendCount(r) >= 2).length).toBeGreaterThan(values.length / 2);
  });
});

describe('broadcastResultArbitrary', () => {
  it('should produce results that decode to themselves, of every status', () => {
    const values = sample(broadcastResultArbitrary(), 100);

    for (const result of values) {
      expect(decode(BroadcastResult, result)).toEqual(E.right(result));
    }
    expect(new Set(values.map((r) => r._tag))).toEqual(new Set(['AllAcked', 'Degraded', 'NoLiveTargets']));
  });
});

describe('logArbitrary', () => {
  it('should record each carried result as replaying the log from its header computes it', () => {
    fc.assert(
      fc.property(logArbitrary(), ({ header, records }) => {
        const { events } = replay(createRegistry(header.policy), records.map(recordAction));

        records.forEach((entry, i) => {
          const recorded = recordedResult(entry);
          if (recorded !== undefined) {
            const event = events[i];
            expect(event?._tag).toBe(entry._tag === 'Broadcast' ? 'OperationBroadcast' : 'OperationBroadcastTo');
            expect(event !== undefined && 'result' in event ? event.result : undefined).toEqual(recorded);
          }
        });
      }),
      { numRuns: 100 },
    );
  });

  it('should carry results always, never or sometimes, as asked', () => {
    const carried = (mode: 'always' | 'never' | 'sometimes'): ReadonlyArray<boolean> =>
      sample(logArbitrary({ recordResults: mode }), 100).flatMap((log) =>
        log.records.filter((e) => e._tag === 'Broadcast').map((e) => recordedResult(e) !== undefined),
      );

    expect(new Set(carried('always'))).toEqual(new Set([true]));
    expect(new Set(carried('never'))).toEqual(new Set([false]));
    expect(new Set(carried('sometimes'))).toEqual(new Set([true, false]));
  });

  it('should name the format and its version in the header', () => {
    for (const { header } of sample(logArbitrary(), 20)) {
      expect(header.format).toBe('lifecycle-broadcast-log');
      expect(header.version).toBe(LOG_VERSION);
      expect(BroadcastPolicy.is(header.policy)).toBe(true);
    }
  });
});

describe('logHeaderArbitrary', () => {
  it('should produce headers of the current format and version, with any policy', () => {
    const values = sample(logHeaderArbitrary(), 100);

    expect(values.every((h) => LogHeader.is(h))).toBe(true);
    expect(new Set(values.map((h) => h.policy.ackTimeoutMs)).size).toBeGreaterThan(3);
  });
});

describe('logLines', () => {
  it('should render the header, then one line per entry that decodes back to it', () => {
    fc.assert(
      fc.property(logArbitrary({ names: 'any' }), (log) => {
        const [first, ...rest] = logLines(log);

        expect(decode(LogHeader, JSON.parse(first ?? ''))).toEqual(E.right(log.header));
        expect(rest.map((line) => decode(LogRecord, JSON.parse(line)))).toEqual(log.records.map(E.right));
        expect(rest.every((line) => !line.includes('\n'))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
