import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import {
  backends,
  broadcast,
  broadcastTo,
  createRegistry,
  isRegistered,
  liveCount,
  lookup,
  quiesce,
  receivedOperations,
  register,
  releaseHandlesUnderPath,
  retryUnacknowledged,
  setLive,
  setResponse,
  backendCount,
  snapshot,
  step,
  unregister,
} from '../../src';
import type {
  Backend,
  BackendKey,
  BroadcastBackendResponse,
  BroadcastOperation,
  BroadcastPolicy,
  BroadcastResult,
  Registry,
  RegistryAction,
} from '../../src';
import {
  backendKeyArbitrary,
  broadcastBackendResponseArbitrary,
  broadcastOperationArbitrary,
  broadcastPolicyArbitrary,
} from '../../src/arbitraries';
import { expectEqual, expectSame, lawParameters } from './support';

// -------------------------------------------------------------------------------------
// the reference model: a plain, mutable transcription of the seed's LifecycleBroadcastModel
// -------------------------------------------------------------------------------------

interface ModelBackend {
  key: BackendKey;
  live: boolean;
  response: BroadcastBackendResponse;
  received: BroadcastOperation[];
}

interface Model {
  readonly policy: BroadcastPolicy;
  readonly backends: ModelBackend[];
}

const sameKey = (a: BackendKey, b: BackendKey): boolean => {
  const sameInstance =
    a.instance._tag === 'Shared'
      ? b.instance._tag === 'Shared'
      : a.instance._tag === 'Private'
        ? b.instance._tag === 'Private' && a.instance.serviceName === b.instance.serviceName
        : b.instance._tag === 'Explicit' && a.instance.name === b.instance.name;
  return (
    sameInstance && a.serviceName === b.serviceName && a.serviceVersion === b.serviceVersion && a.exeHash === b.exeHash
  );
};

const find = (m: Model, key: BackendKey): ModelBackend | undefined => m.backends.find((b) => sameKey(b.key, key));

const plain = (b: ModelBackend): Backend => ({ key: b.key, live: b.live, response: b.response });

/** `register_backend`: replace in place (returning the old one), or push. */
const modelRegister = (m: Model, b: Backend): Backend | undefined => {
  const fresh: ModelBackend = { key: b.key, live: b.live, response: b.response, received: [] };
  const i = m.backends.findIndex((existing) => sameKey(existing.key, b.key));
  if (i >= 0) {
    const old = m.backends[i] as ModelBackend;
    m.backends[i] = fresh;
    return plain(old);
  }
  m.backends.push(fresh);
  return undefined;
};

/** `broadcast`: walk every backend in order; dead ones are skipped, live ones receive and answer. */
const modelBroadcast = (m: Model, operation: BroadcastOperation): unknown => {
  const acks: unknown[] = [];
  const timeouts: unknown[] = [];
  const failures: unknown[] = [];
  const skippedDead: unknown[] = [];
  for (const b of m.backends) {
    if (!b.live) {
      skippedDead.push({ _tag: 'SkippedDead', key: b.key });
      continue;
    }
    b.received.push(operation);
    if (b.response._tag === 'Ack') {
      acks.push({ _tag: 'Ack', key: b.key });
    } else if (b.response._tag === 'Timeout') {
      timeouts.push({ _tag: 'Timeout', key: b.key, ackTimeoutMs: m.policy.ackTimeoutMs });
    } else {
      failures.push({ _tag: 'Failure', key: b.key, reason: b.response.reason });
    }
  }
  const sent = acks.length + timeouts.length + failures.length;
  const allAcked = timeouts.length === 0 && failures.length === 0;
  const status = !allAcked ? 'Degraded' : sent > 0 ? 'AllAcked' : 'NoLiveTargets';
  return { _tag: status, operation, acks, timeouts, failures, skippedDead };
};

/** `broadcast`, restricted to the registered backends among `keys`; the others are reported, once each. */
const modelBroadcastTo = (m: Model, operation: BroadcastOperation, keys: ReadonlyArray<BackendKey>): unknown => {
  const asked = keys.filter((k, i) => keys.findIndex((other) => sameKey(other, k)) === i);
  const targets = m.backends.filter((b) => asked.some((k) => sameKey(k, b.key)));
  const result = modelBroadcast({ policy: m.policy, backends: targets }, operation);
  return {
    _tag: 'OperationBroadcastTo',
    result,
    keysNotFound: asked.filter((k) => find(m, k) === undefined),
  };
};

// -------------------------------------------------------------------------------------
// the system under test: the reducers, and step applied to a second registry
// -------------------------------------------------------------------------------------

interface Real {
  state: Registry;
  viaStep: Registry;
  /** How many registrations appended a backend (rather than replacing one). */
  appended: number;
  /** Every key the commands may use, for the query checks. */
  readonly keys: ReadonlyArray<BackendKey>;
  /** The result of the latest broadcast, to all or to some: what a retry retries. */
  latest: BroadcastResult | undefined;
}

/** Apply `action` with step to the second registry, and return its event. */
const stepReal = (r: Real, action: RegistryAction): unknown => {
  const { state, result } = step(r.viaStep, action);
  r.viaStep = state;
  return result;
};

/** After every command: every query of both registries agrees with the model. */
const checkQueries = (m: Model, r: Real): void => {
  const expected = {
    policy: m.policy,
    backends: m.backends.map((b) => ({ backend: plain(b), received: b.received })),
  };
  for (const state of [r.state, r.viaStep]) {
    expectEqual(snapshot(state), expected);
    expectEqual(backends(state), m.backends.map(plain));
    expectSame(backendCount(state), m.backends.length);
    expectSame(liveCount(state), m.backends.filter((b) => b.live).length);
    for (const key of r.keys) {
      const b = find(m, key);
      expectSame(isRegistered(state, key), b !== undefined);
      expectEqual(lookup(state, key), b === undefined ? O.none : O.some(plain(b)));
      expectEqual(receivedOperations(state, key), b === undefined ? O.none : O.some(b.received));
    }
  }
};

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

const showKey = (k: BackendKey): string => {
  const i = k.instance;
  const scope =
    i._tag === 'Shared' ? 'shared' : i._tag === 'Private' ? `private:${i.serviceName}` : `explicit:${i.name}`;
  return `${scope}/${k.serviceName}@${k.serviceVersion}#${k.exeHash}`;
};

const showResponse = (r: BroadcastBackendResponse): string => (r._tag === 'Failure' ? `Failure(${r.reason})` : r._tag);

/**
 * Commands name their key by its slot in the run's key pool (the pool is printed with a
 * counterexample), so that the pool and the commands shrink independently.
 */
const keyAt = (r: Real, slot: number): BackendKey => r.keys[slot % r.keys.length] as BackendKey;

/**
 * The reducer's event and `step`'s event for the same action are both the one the model
 * expects: `KeyNotFound` for a key it does not hold.
 */
const checkEvent = (
  r: Real,
  action: RegistryAction & { readonly key: BackendKey },
  result: unknown,
  expected: unknown,
): void => {
  const event = expected ?? { _tag: 'KeyNotFound', action, key: action.key };
  expectEqual(result, event);
  expectEqual(stepReal(r, action), event);
};

class RegisterCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly live: boolean,
    readonly response: BroadcastBackendResponse,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const backend: Backend = { key: keyAt(r, this.slot), live: this.live, response: this.response };
    const replaced = modelRegister(m, backend);
    r.appended += replaced === undefined ? 1 : 0;
    const expected = {
      _tag: 'BackendRegistered',
      backend,
      replaced: replaced === undefined ? O.none : O.some(replaced),
    };
    const { state, result } = register(r.state, backend);
    r.state = state;
    expectEqual(result, expected);
    expectEqual(stepReal(r, { _tag: 'Register', backend }), expected);
    checkQueries(m, r);
  }
  toString = (): string =>
    `register(k${String(this.slot)}, ${this.live ? 'live' : 'dead'}, ${showResponse(this.response)})`;
}

class SetLiveCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly live: boolean,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const b = find(m, key);
    const previous = b === undefined ? undefined : plain(b);
    if (b !== undefined) {
      b.live = this.live;
    }
    const { state, result } = setLive(r.state, key, this.live);
    r.state = state;
    checkEvent(
      r,
      { _tag: 'SetLive', key, live: this.live },
      result,
      b === undefined || previous === undefined ? undefined : { _tag: 'LivenessSet', previous, backend: plain(b) },
    );
    checkQueries(m, r);
  }
  toString = (): string => `setLive(k${String(this.slot)}, ${String(this.live)})`;
}

class SetResponseCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly response: BroadcastBackendResponse,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const b = find(m, key);
    const previous = b === undefined ? undefined : plain(b);
    if (b !== undefined) {
      b.response = this.response;
    }
    const { state, result } = setResponse(r.state, key, this.response);
    r.state = state;
    checkEvent(
      r,
      { _tag: 'SetResponse', key, response: this.response },
      result,
      b === undefined || previous === undefined ? undefined : { _tag: 'ResponseSet', previous, backend: plain(b) },
    );
    checkQueries(m, r);
  }
  toString = (): string => `setResponse(k${String(this.slot)}, ${showResponse(this.response)})`;
}

class UnregisterCommand implements fc.Command<Model, Real> {
  constructor(readonly slot: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const i = m.backends.findIndex((b) => sameKey(b.key, key));
    const removed = i >= 0 ? plain(m.backends.splice(i, 1)[0] as ModelBackend) : undefined;
    const { state, result } = unregister(r.state, key);
    r.state = state;
    checkEvent(
      r,
      { _tag: 'Unregister', key },
      result,
      removed === undefined ? undefined : { _tag: 'BackendUnregistered', backend: removed },
    );
    checkQueries(m, r);
  }
  toString = (): string => `unregister(k${String(this.slot)})`;
}

/** A broadcast, made by `broadcast` or by the shorthand for its kind of operation. */
class BroadcastCommand implements fc.Command<Model, Real> {
  constructor(
    readonly operation: BroadcastOperation,
    readonly via: 'broadcast' | 'shorthand',
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const expected = modelBroadcast(m, this.operation);
    const op = this.operation;
    const { state, result } =
      this.via === 'broadcast'
        ? broadcast(r.state, op)
        : op._tag === 'ReleaseHandles'
          ? releaseHandlesUnderPath(r.state, op.pathPrefix)
          : quiesce(r.state, op.reason);
    r.state = state;
    r.latest = result;
    expectEqual(result, expected);
    expectEqual(stepReal(r, { _tag: 'Broadcast', operation: op }), { _tag: 'OperationBroadcast', result: expected });
    checkQueries(m, r);
  }
  toString = (): string => {
    const op = this.operation;
    const shorthand = op._tag === 'ReleaseHandles' ? 'releaseHandlesUnderPath' : 'quiesce';
    const argument = op._tag === 'ReleaseHandles' ? JSON.stringify(op.pathPrefix) : op.reason;
    return `${this.via === 'broadcast' ? 'broadcast' : shorthand}(${argument})`;
  };
}

/** A broadcast to some keys of the pool (in any order, some twice), by `broadcastTo`. */
class BroadcastToCommand implements fc.Command<Model, Real> {
  constructor(
    readonly operation: BroadcastOperation,
    readonly slots: ReadonlyArray<number>,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const keys = this.slots.map((slot) => keyAt(r, slot));
    const expected = modelBroadcastTo(m, this.operation, keys);
    const { state, result, keysNotFound } = broadcastTo(r.state, this.operation, keys);
    r.state = state;
    r.latest = result;
    expectEqual({ _tag: 'OperationBroadcastTo', result, keysNotFound }, expected);
    expectEqual(stepReal(r, { _tag: 'BroadcastTo', operation: this.operation, keys }), expected);
    checkQueries(m, r);
  }
  toString = (): string =>
    `broadcastTo(${this.operation._tag}, [${this.slots.map((slot) => `k${String(slot)}`).join(', ')}])`;
}

/** A retry of the latest broadcast's unacknowledged backends, by `retryUnacknowledged`. */
class RetryCommand implements fc.Command<Model, Real> {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const previous = r.latest;
    if (previous === undefined) {
      return;
    }
    const keys = [...previous.timeouts, ...previous.failures].map((e) => e.key);
    const expected = modelBroadcastTo(m, previous.operation, keys);
    const { state, result, keysNotFound } = retryUnacknowledged(r.state, previous);
    r.state = state;
    r.latest = result;
    expectEqual({ _tag: 'OperationBroadcastTo', result, keysNotFound }, expected);
    expectEqual(stepReal(r, { _tag: 'BroadcastTo', operation: previous.operation, keys }), expected);
    checkQueries(m, r);
  }
  toString = (): string => 'retryUnacknowledged(latest)';
}

// -------------------------------------------------------------------------------------
// runs
// -------------------------------------------------------------------------------------

const MAX_KEYS = 6;

/** A few distinct keys, so that commands keep meeting the same backends. */
const keyPool = fc.uniqueArray(backendKeyArbitrary({ names: 'any' }), {
  minLength: 1,
  maxLength: MAX_KEYS,
  selector: showKey,
});

/** Commands over a key pool; with `churn`, registering and unregistering are three times as frequent. */
const commands = (maxCommands: number, churn = false): fc.Arbitrary<Iterable<fc.Command<Model, Real>>> => {
  const slot = fc.nat({ max: MAX_KEYS - 1 });
  const response = broadcastBackendResponseArbitrary();
  const registers = fc.tuple(slot, fc.boolean(), response).map(([k, live, res]) => new RegisterCommand(k, live, res));
  const unregisters = slot.map((k) => new UnregisterCommand(k));
  const weight = churn ? 3 : 1;
  return fc.commands(
    [
      ...Array.from({ length: weight }, () => registers),
      ...Array.from({ length: weight }, () => unregisters),
      fc.tuple(slot, fc.boolean()).map(([k, live]) => new SetLiveCommand(k, live)),
      fc.tuple(slot, response).map(([k, res]) => new SetResponseCommand(k, res)),
      fc
        .tuple(
          broadcastOperationArbitrary({ names: 'any' }),
          fc.constantFrom('broadcast' as const, 'shorthand' as const),
        )
        .map(([op, via]) => new BroadcastCommand(op, via)),
      fc
        .tuple(broadcastOperationArbitrary({ names: 'any' }), fc.array(slot, { maxLength: MAX_KEYS + 2 }))
        .map(([op, slots]) => new BroadcastToCommand(op, slots)),
      fc.constant(null).map(() => new RetryCommand()),
    ],
    { maxCommands, size: 'max' },
  );
};

const runAgainstModel = (
  policy: BroadcastPolicy,
  keys: ReadonlyArray<BackendKey>,
  cmds: Iterable<fc.Command<Model, Real>>,
): Real => {
  const real: Real = {
    state: createRegistry(policy),
    viaStep: createRegistry(policy),
    appended: 0,
    keys,
    latest: undefined,
  };
  fc.modelRun(() => ({ model: { policy, backends: [] }, real }), cmds);
  return real;
};

describe('law: the reducers agree with the reference model', () => {
  it('should give the results and answer the queries the model does, after every command', () => {
    fc.assert(
      fc.property(broadcastPolicyArbitrary(), keyPool, commands(60), (policy, keys, cmds) => {
        runAgainstModel(policy, keys, cmds);
      }),
      lawParameters(100),
    );
  });

  it('should still agree over long runs of registering and unregistering', () => {
    fc.assert(
      fc.property(broadcastPolicyArbitrary(), keyPool, commands(400, true), (policy, keys, cmds) => {
        runAgainstModel(policy, keys, cmds);
      }),
      lawParameters(20),
    );
  });

  it('should still agree once unregistering again and again made the registry compact itself', () => {
    // Each round frees one position (a key registered again is appended): more than 32 free
    // positions, and more than half as many as backends, make the registry reclaim them.
    const rounds = 40;
    fc.assert(
      fc.property(
        broadcastPolicyArbitrary(),
        keyPool,
        broadcastBackendResponseArbitrary(),
        broadcastOperationArbitrary({ names: 'any' }),
        (policy, keys, response, operation) => {
          const cmds = Array.from({ length: rounds }, (_, i) => [
            new RegisterCommand(i % keys.length, true, response),
            new BroadcastCommand(operation, 'broadcast'),
            new UnregisterCommand(i % keys.length),
          ]).flat();
          const real = runAgainstModel(policy, keys, cmds);
          // Fewer positions than appended backends: the positions freed by unregister were reclaimed.
          expect(real.appended).toBe(rounds);
          expect(real.state.slots.size).toBeLessThan(real.appended);
        },
      ),
      lawParameters(20),
    );
  });
});
