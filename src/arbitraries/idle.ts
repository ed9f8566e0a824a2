/**
 * fast-check arbitraries of the idle coordinator: states, actions, sequences and coordinators.
 *
 * @since 0.3.0
 */
import * as fc from 'fast-check';

import type { BackendKey } from '../domain/BackendKey';
import type { IdleAction, IdleBackend, IdleDue, IdleState } from '../idle';
import { IdleCoordinator, createIdleCoordinator, stepIdle } from '../idle';
import { backendKeyArbitrary, checkedCount, copyKey, identity, ratio } from './registry';
import type { Aim, NameOptions } from './registry';

// -------------------------------------------------------------------------------------
// the idle coordinator
// -------------------------------------------------------------------------------------

/**
 * Options of `idleActionSequenceArbitrary` and the arbitraries built on it.
 *
 * @since 0.2.0
 */
export interface IdleSequenceOptions extends NameOptions {
  /** Fewest actions; 0 when omitted. */
  readonly minLength?: number;
  /** Most actions; 30 when omitted. */
  readonly maxLength?: number;
  /**
   * How often an action other than `Track` names a key tracked at that point of the sequence,
   * when there is one: 0 never, 1 always; 0.8 when omitted.
   */
  readonly reuseKeyRatio?: number;
  /** The clock moves forward by 0 to this many milliseconds from one action to the next; 20000 when omitted. */
  readonly maxStepMs?: number;
}

/**
 * Where a tracked backend stands: running, draining or quiesced.
 *
 * @since 0.2.0
 */
export const idleStateArbitrary = (): fc.Arbitrary<IdleState> => fc.constantFrom('Running', 'Draining', 'Quiesced');

/**
 * Idle timeouts: usually a familiar one (1 ms, 1 s, the default 30 s), sometimes anything up to
 * two minutes. Zero is never produced, since every constructor clamps it to 1 ms.
 *
 * @since 0.2.0
 */
export const idleTimeoutArbitrary = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(1, 1_000, 30_000), fc.integer({ min: 1, max: 120_000 }));

/**
 * Tracked backends: any key, in any state, last active at any time, with any idle timeout.
 *
 * @since 0.2.0
 */
export const idleBackendArbitrary = (options?: NameOptions): fc.Arbitrary<IdleBackend> =>
  fc
    .tuple(backendKeyArbitrary(options), idleStateArbitrary(), fc.nat({ max: 10_000_000 }), idleTimeoutArbitrary())
    .map(([key, state, lastActivityMs, idleTimeoutMs]): IdleBackend => ({ key, state, lastActivityMs, idleTimeoutMs }));

/**
 * Single idle actions of every kind, each drawn on its own (keys are not aimed at tracked ones:
 * use `idleActionSequenceArbitrary` for that). A `Track` may carry its own timeout, zero
 * included.
 *
 * @since 0.2.0
 */
export const idleActionArbitrary = (options?: NameOptions): fc.Arbitrary<IdleAction> => {
  const key = backendKeyArbitrary(options);
  const now = fc.nat({ max: 10_000_000 });
  return fc.oneof(
    fc
      .tuple(key, now, fc.option(fc.nat({ max: 120_000 }), { nil: undefined }))
      .map(([k, nowMs, idleTimeoutMs]): IdleAction =>
        idleTimeoutMs === undefined
          ? { _tag: 'Track', key: k, nowMs }
          : { _tag: 'Track', key: k, nowMs, idleTimeoutMs },
      ),
    fc.tuple(key, now).map(([k, nowMs]): IdleAction => ({ _tag: 'MarkActivity', key: k, nowMs })),
    now.map((nowMs): IdleAction => ({ _tag: 'CollectDue', nowMs })),
    key.map((k): IdleAction => ({ _tag: 'MarkDraining', key: k })),
    key.map((k): IdleAction => ({ _tag: 'MarkQuiesced', key: k })),
    key.map((k): IdleAction => ({ _tag: 'Remove', key: k })),
  );
};

/** One idle action before its key is resolved against what the sequence tracks, and its clock step. */
interface IdleTemplate {
  readonly kind: IdleAction['_tag'];
  readonly stepMs: number;
  readonly aim: Aim;
  readonly idleTimeoutMs: number | undefined;
}

/**
 * Sequences of idle actions on a clock that only moves forward (by 0 to `maxStepMs` each time),
 * most of them about backends tracked earlier in the sequence: backends are tracked, active now
 * and then, collected when due, marked by hand and removed. With the default 20 s steps and 30 s
 * timeouts, collections find some backends due and leave others.
 *
 * @example
 * import * as fc from 'fast-check'
 * import { createIdleCoordinator, stepIdle } from 'lifecycle-broadcast'
 * import { idleActionSequenceArbitrary } from 'lifecycle-broadcast/arbitraries'
 *
 * fc.assert(
 *   fc.property(idleActionSequenceArbitrary(), (actions) => {
 *     const idle = actions.reduce((c, a) => stepIdle(c, a).state, createIdleCoordinator())
 *     return idle.backends.length <= actions.length
 *   }),
 * )
 *
 * @since 0.2.0
 */
export const idleActionSequenceArbitrary = (options?: IdleSequenceOptions): fc.Arbitrary<ReadonlyArray<IdleAction>> => {
  const reuse = ratio('reuseKeyRatio', options?.reuseKeyRatio ?? 0.8);
  const minLength = checkedCount('minLength', options?.minLength ?? 0);
  const maxLength = checkedCount('maxLength', options?.maxLength ?? Math.max(30, minLength));
  const maxStepMs = checkedCount('maxStepMs', options?.maxStepMs ?? 20_000);
  if (maxLength < minLength) {
    throw new RangeError(`maxLength (${String(maxLength)}) must not be below minLength (${String(minLength)})`);
  }
  const template = fc.record({
    kind: fc.oneof(
      { arbitrary: fc.constant('Track' as const), weight: 3 },
      { arbitrary: fc.constant('MarkActivity' as const), weight: 4 },
      { arbitrary: fc.constant('CollectDue' as const), weight: 3 },
      { arbitrary: fc.constant('MarkDraining' as const), weight: 1 },
      { arbitrary: fc.constant('MarkQuiesced' as const), weight: 1 },
      { arbitrary: fc.constant('Remove' as const), weight: 1 },
    ),
    stepMs: fc.nat({ max: maxStepMs }),
    aim: fc.record({
      reuse: fc.integer({ min: 0, max: 999 }).map((n) => n < Math.round(reuse * 1000)),
      pick: fc.nat(),
      key: backendKeyArbitrary(options),
    }),
    idleTimeoutMs: fc.option(fc.oneof(fc.constant(0), idleTimeoutArbitrary()), { nil: undefined, freq: 3 }),
  });
  return fc.array(template, { minLength, maxLength, size: 'max' }).map((templates) => {
    const tracked = new Map<string, BackendKey>();
    let nowMs = 0;
    return templates.map((t: IdleTemplate): IdleAction => {
      nowMs += t.stepMs;
      const all = [...tracked.values()];
      const key = copyKey(
        t.kind !== 'Track' && t.aim.reuse && all.length > 0 ? (all[t.aim.pick % all.length] as BackendKey) : t.aim.key,
      );
      switch (t.kind) {
        case 'Track':
          tracked.set(identity(key), key);
          return t.idleTimeoutMs === undefined
            ? { _tag: 'Track', key, nowMs }
            : { _tag: 'Track', key, nowMs, idleTimeoutMs: t.idleTimeoutMs };
        case 'MarkActivity':
          return { _tag: 'MarkActivity', key, nowMs };
        case 'CollectDue':
          return { _tag: 'CollectDue', nowMs };
        case 'MarkDraining':
          return { _tag: 'MarkDraining', key };
        case 'MarkQuiesced':
          return { _tag: 'MarkQuiesced', key };
        case 'Remove':
          tracked.delete(identity(key));
          return { _tag: 'Remove', key };
      }
    });
  });
};

/**
 * Coordinators reached by applying an idle action sequence to an empty coordinator with any idle
 * timeout, as plain unfrozen data (as the `IdleCoordinator` codec decodes them).
 *
 * @since 0.2.0
 */
export const idleCoordinatorArbitrary = (options?: IdleSequenceOptions): fc.Arbitrary<IdleCoordinator> =>
  fc.tuple(idleTimeoutArbitrary(), idleActionSequenceArbitrary(options)).map(([timeout, actions]) => {
    const reached = actions.reduce((c, a) => stepIdle(c, a).state, createIdleCoordinator(timeout));
    return JSON.parse(JSON.stringify(IdleCoordinator.encode(reached))) as IdleCoordinator;
  });

/**
 * Due backends as `collectDue` reports them: idle for at least their timeout, with reason
 * `IdleTimeout`.
 *
 * @since 0.2.0
 */
export const idleDueArbitrary = (options?: NameOptions): fc.Arbitrary<IdleDue> =>
  fc
    .tuple(backendKeyArbitrary(options), idleTimeoutArbitrary(), fc.nat({ max: 10_000_000 }))
    .map(([key, idleTimeoutMs, over]): IdleDue => ({
      key,
      idleForMs: idleTimeoutMs + over,
      idleTimeoutMs,
      reason: 'IdleTimeout',
    }));
