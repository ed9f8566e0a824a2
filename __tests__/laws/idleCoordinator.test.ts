import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import {
  IdleAction,
  collectDue,
  createIdleCoordinator,
  idleBackend,
  markActivity,
  markDraining,
  markQuiesced,
  nextDueAt,
  remove,
  stepIdle,
  track,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { BackendKey, IdleCoordinator, IdleState } from '../../src';
import { backendKeyArbitrary } from '../../src/arbitraries';
import { expectEqual, expectSame, lawParameters, unfrozenPaths } from './support';

// -------------------------------------------------------------------------------------
// the reference model: a plain, mutable transcription of the upstream idle coordinator
// -------------------------------------------------------------------------------------

interface ModelBackend {
  key: BackendKey;
  state: IdleState;
  lastActivityMs: number;
  idleTimeoutMs: number;
}

interface Model {
  readonly idleTimeoutMs: number;
  readonly backends: ModelBackend[];
}

/** Keys compare field by field; the pool is made of distinct keys, so their JSON tells them apart. */
const same = (a: BackendKey, b: BackendKey): boolean => JSON.stringify(a) === JSON.stringify(b);

const find = (m: Model, key: BackendKey): ModelBackend | undefined => m.backends.find((b) => same(b.key, key));

const copy = (b: ModelBackend): ModelBackend => ({ ...b });

/** Upstream clamps a zero timeout to 1 ms. */
const clamp = (ms: number): number => (ms === 0 ? 1 : ms);

/** `Instant::saturating_duration_since`: how long since the last activity, never negative. */
const idleFor = (b: ModelBackend, now: number): number => (now > b.lastActivityMs ? now - b.lastActivityMs : 0);

const modelTrack = (m: Model, key: BackendKey, now: number, timeout: number | undefined): ModelBackend | undefined => {
  const existing = find(m, key);
  const before = existing === undefined ? undefined : copy(existing);
  const fresh: ModelBackend = {
    key,
    state: 'Running',
    lastActivityMs: now,
    idleTimeoutMs: timeout === undefined ? m.idleTimeoutMs : clamp(timeout),
  };
  if (existing === undefined) {
    m.backends.push(fresh);
  } else {
    Object.assign(existing, fresh);
  }
  return before;
};

const modelCollectDue = (m: Model, now: number): unknown[] => {
  const due: unknown[] = [];
  for (const b of m.backends) {
    if (b.state === 'Running' && idleFor(b, now) >= b.idleTimeoutMs) {
      due.push({ key: b.key, idleForMs: idleFor(b, now), idleTimeoutMs: b.idleTimeoutMs, reason: 'IdleTimeout' });
      b.state = 'Draining';
    }
  }
  return due;
};

const modelNextDueAt = (m: Model): O.Option<number> => {
  const running = m.backends.filter((b) => b.state === 'Running').map((b) => b.lastActivityMs + b.idleTimeoutMs);
  return running.length === 0 ? O.none : O.some(Math.min(...running));
};

// -------------------------------------------------------------------------------------
// the system under test: the reducers, and stepIdle (through the codec) on a second value
// -------------------------------------------------------------------------------------

interface Real {
  state: IdleCoordinator;
  viaStep: IdleCoordinator;
  readonly keys: ReadonlyArray<BackendKey>;
  /** How many commands changed nothing, and so had to return the very same coordinator. */
  unchanged: number;
}

/** Apply `action`, as it would arrive from outside (JSON, decoded), with stepIdle to the second value. */
const stepReal = (r: Real, action: IdleAction): unknown => {
  const decoded = decode(IdleAction, JSON.parse(JSON.stringify(IdleAction.encode(action))));
  if (decoded._tag === 'Left') {
    throw new Error(`the codec refused its own action: ${decoded.left.join('; ')}`);
  }
  const { state, result } = stepIdle(r.viaStep, decoded.right);
  r.viaStep = state;
  return result;
};

/**
 * Apply a reducer to the real value, and check what every command must do: a command that does
 * not change the model returns the very same coordinator, one that does returns a new one, and
 * the coordinator is frozen all the way down.
 */
const apply = <R>(
  m: Model,
  r: Real,
  before: string,
  reducer: (c: IdleCoordinator) => { readonly state: IdleCoordinator; readonly result: R },
): R => {
  const previous = r.state;
  const { state, result } = reducer(previous);
  r.state = state;
  if (JSON.stringify(m) === before) {
    r.unchanged += 1;
    expectSame(state, previous);
  } else {
    expect(state).not.toBe(previous);
  }
  expectEqual(unfrozenPaths(state), []);
  expectEqual(unfrozenPaths(result), []);
  return result;
};

/** After every command: both values, and every query, agree with the model. */
const checkQueries = (m: Model, r: Real): void => {
  const expected = { idleTimeoutMs: m.idleTimeoutMs, backends: m.backends };
  expectEqual(r.state, expected);
  expectEqual(r.viaStep, expected);
  expectEqual(nextDueAt(r.state), modelNextDueAt(m));
  for (const key of r.keys) {
    const b = find(m, key);
    expectEqual(idleBackend(r.state, key), b === undefined ? O.none : O.some(b));
  }
};

// -------------------------------------------------------------------------------------
// commands
// -------------------------------------------------------------------------------------

/** Commands name their key by its slot in the run's key pool, so that pool and commands shrink apart. */
const keyAt = (r: Real, slot: number): BackendKey => r.keys[slot % r.keys.length] as BackendKey;

class TrackCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly now: number,
    readonly timeout: number | undefined,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const before = JSON.stringify(m);
    const replaced = modelTrack(m, key, this.now, this.timeout);
    const expected = {
      _tag: 'BackendTracked',
      backend: find(m, key),
      replaced: replaced === undefined ? O.none : O.some(replaced),
    };
    expectEqual(
      apply(m, r, before, (c) => track(c, key, this.now, this.timeout)),
      expected,
    );
    expectEqual(
      stepReal(r, {
        _tag: 'Track',
        key,
        nowMs: this.now,
        ...(this.timeout === undefined ? {} : { idleTimeoutMs: this.timeout }),
      }),
      expected,
    );
    checkQueries(m, r);
  }
  toString = (): string =>
    `track(k${String(this.slot)}, ${String(this.now)}${this.timeout === undefined ? '' : `, ${String(this.timeout)}`})`;
}

class MarkActivityCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly now: number,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const before = JSON.stringify(m);
    const b = find(m, key);
    const previous = b === undefined ? undefined : copy(b);
    if (b !== undefined) {
      b.lastActivityMs = this.now;
      b.state = 'Running';
    }
    const action: IdleAction = { _tag: 'MarkActivity', key, nowMs: this.now };
    const expected =
      b === undefined ? { _tag: 'NotTracked', action, key } : { _tag: 'ActivityMarked', previous, backend: copy(b) };
    expectEqual(
      apply(m, r, before, (c) => markActivity(c, key, this.now)),
      expected,
    );
    expectEqual(stepReal(r, action), expected);
    checkQueries(m, r);
  }
  toString = (): string => `markActivity(k${String(this.slot)}, ${String(this.now)})`;
}

class CollectDueCommand implements fc.Command<Model, Real> {
  constructor(readonly now: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const before = JSON.stringify(m);
    const expected = { _tag: 'DueCollected', due: modelCollectDue(m, this.now) };
    expectEqual(
      apply(m, r, before, (c) => collectDue(c, this.now)),
      expected,
    );
    expectEqual(stepReal(r, { _tag: 'CollectDue', nowMs: this.now }), expected);
    checkQueries(m, r);
  }
  toString = (): string => `collectDue(${String(this.now)})`;
}

class MarkStateCommand implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly to: 'Draining' | 'Quiesced',
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const before = JSON.stringify(m);
    const b = find(m, key);
    const previous = b === undefined ? undefined : copy(b);
    if (b !== undefined) {
      b.state = this.to;
    }
    const action: IdleAction = this.to === 'Draining' ? { _tag: 'MarkDraining', key } : { _tag: 'MarkQuiesced', key };
    const expected =
      b === undefined
        ? { _tag: 'NotTracked', action, key }
        : { _tag: this.to === 'Draining' ? 'DrainingMarked' : 'QuiescedMarked', previous, backend: copy(b) };
    expectEqual(
      apply<unknown>(m, r, before, (c) => (this.to === 'Draining' ? markDraining(c, key) : markQuiesced(c, key))),
      expected,
    );
    expectEqual(stepReal(r, action), expected);
    checkQueries(m, r);
  }
  toString = (): string => `mark${this.to}(k${String(this.slot)})`;
}

class RemoveCommand implements fc.Command<Model, Real> {
  constructor(readonly slot: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const key = keyAt(r, this.slot);
    const before = JSON.stringify(m);
    const i = m.backends.findIndex((b) => same(b.key, key));
    const removed = i >= 0 ? m.backends.splice(i, 1)[0] : undefined;
    const action: IdleAction = { _tag: 'Remove', key };
    const expected =
      removed === undefined ? { _tag: 'NotTracked', action, key } : { _tag: 'BackendUntracked', backend: removed };
    expectEqual(
      apply(m, r, before, (c) => remove(c, key)),
      expected,
    );
    expectEqual(stepReal(r, action), expected);
    checkQueries(m, r);
  }
  toString = (): string => `remove(k${String(this.slot)})`;
}

// -------------------------------------------------------------------------------------
// runs
// -------------------------------------------------------------------------------------

const MAX_KEYS = 5;

const keyPool = fc.uniqueArray(backendKeyArbitrary({ names: 'any' }), {
  minLength: 1,
  maxLength: MAX_KEYS,
  selector: (k) => JSON.stringify(k),
});

/** The coordinator's own timeout: the default, zero (clamped), or anything from 1 ms to two minutes. */
const coordinatorTimeout = fc.oneof(fc.constantFrom(30_000, 0, 1), fc.integer({ min: 1, max: 120_000 }));

/**
 * Times jump back and forth over a few minutes, so that backends are found due and not due, and
 * some are last active after the time of a collection.
 */
const commands = (maxCommands: number): fc.Arbitrary<Iterable<fc.Command<Model, Real>>> => {
  const slot = fc.nat({ max: MAX_KEYS - 1 });
  const now = fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(0, 1, 30_000));
  const timeout = fc.option(fc.oneof(fc.constantFrom(0, 1, 1_000, 30_000), fc.integer({ min: 0, max: 90_000 })), {
    nil: undefined,
  });
  return fc.commands(
    [
      fc.tuple(slot, now, timeout).map(([k, t, to]) => new TrackCommand(k, t, to)),
      fc.tuple(slot, now, timeout).map(([k, t, to]) => new TrackCommand(k, t, to)),
      fc.tuple(slot, now).map(([k, t]) => new MarkActivityCommand(k, t)),
      fc.tuple(slot, now).map(([k, t]) => new MarkActivityCommand(k, t)),
      now.map((t) => new CollectDueCommand(t)),
      now.map((t) => new CollectDueCommand(t)),
      fc
        .tuple(slot, fc.constantFrom('Draining' as const, 'Quiesced' as const))
        .map(([k, to]) => new MarkStateCommand(k, to)),
      slot.map((k) => new RemoveCommand(k)),
    ],
    { maxCommands, size: 'max' },
  );
};

describe('law: the idle coordinator agrees with the reference model', () => {
  it('should give the results, reach the coordinator and answer the queries the model does, after every command', () => {
    fc.assert(
      fc.property(coordinatorTimeout, keyPool, commands(60), (timeout, keys, cmds) => {
        const start = createIdleCoordinator(timeout);
        const real: Real = { state: start, viaStep: start, keys, unchanged: 0 };
        fc.modelRun(() => ({ model: { idleTimeoutMs: clamp(timeout), backends: [] }, real }), cmds);
      }),
      lawParameters(100),
    );
  });

  it('should give back the very same coordinator for each command that changes nothing', () => {
    fc.assert(
      fc.property(coordinatorTimeout, keyPool, fc.nat({ max: 200_000 }), (timeout, keys, now) => {
        const start = createIdleCoordinator(timeout);
        const real: Real = { state: start, viaStep: start, keys, unchanged: 0 };
        // Removing an untracked key and collecting from an empty coordinator change nothing;
        // tracking and removing a key change it.
        const cmds = [
          new RemoveCommand(0),
          new CollectDueCommand(now),
          new TrackCommand(0, now, undefined),
          new RemoveCommand(0),
          new RemoveCommand(0),
        ];
        fc.modelRun(() => ({ model: { idleTimeoutMs: clamp(timeout), backends: [] }, real }), cmds);
        // The "same coordinator when nothing changed" check ran for the three that change nothing.
        expect(real.unchanged).toBe(3);
      }),
      lawParameters(20),
    );
  });
});
