/**
 * The idle coordinator: which backends have gone quiet for long enough to be asked to quiesce.
 * It remembers, for each backend it tracks, when it was last active, how long it may stay idle,
 * and whether it is running, draining or quiesced. Collecting the backends that are due moves
 * them to draining, so a second collection does not return them again until they are active
 * once more. Its output feeds `quiesceDue`, which sends `Quiesce { IdleTimeout }` to exactly
 * those backends.
 *
 * Like the registry, the coordinator is an immutable value (plain, deeply frozen JSON data) and
 * every reducer returns a new coordinator with a tagged result. It never reads a clock: the time
 * is always an argument, in whole milliseconds on whatever clock the caller keeps (a monotonic
 * one, such as `performance.now()` rounded, is the usual choice).
 *
 * This module holds the model and its constructors; `IdleAction`, `IdleEvent` and the reducers
 * (`stepIdle`) sit beside it.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';
import * as t from 'io-ts';

import { BackendKey, copyKey, keyId } from '../domain/BackendKey';
import { Millis, arrayOf, checked, closed, show } from '../internal/codec';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The idle timeout a coordinator gives the backends it tracks unless told otherwise: 30 seconds.
 *
 * @since 0.2.0
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Zero is clamped to 1 ms: a backend is never due the instant it was active.
 *
 * @internal
 */
export const clampTimeout = (ms: number): number => (ms === 0 ? 1 : ms);

/**
 * An idle timeout in whole milliseconds. Decoding clamps zero to 1 ms, as the constructors do,
 * so a decoded timeout is always at least 1 ms.
 *
 * @since 0.2.0
 */
export const IdleTimeoutMs = new t.Type<number, number>(
  'idle timeout in milliseconds',
  (u): u is number => Millis.is(u) && u > 0,
  (u, c) => E.map(clampTimeout)(Millis.validate(u, c)),
  t.identity,
);

/**
 * Where a tracked backend stands: `Running` (taking work), `Draining` (asked to quiesce, or
 * marked so by hand) or `Quiesced` (it has drained).
 *
 * @since 0.2.0
 */
export const IdleState: t.Type<IdleState, IdleState> = t.keyof({ Running: null, Draining: null, Quiesced: null });

/**
 * What the `IdleState` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type IdleState = 'Running' | 'Draining' | 'Quiesced';

const IdleBackendC = closed('IdleBackend', {
  key: BackendKey,
  state: IdleState,
  lastActivityMs: Millis,
  idleTimeoutMs: IdleTimeoutMs,
});

/**
 * One tracked backend: its key, where it stands, when it was last active, and how long it may
 * stay idle before it is due.
 *
 * @since 0.2.0
 */
export interface IdleBackend extends t.TypeOf<typeof IdleBackendC> {}

/**
 * The codec of `IdleBackend`.
 *
 * @since 0.2.0
 */
export const IdleBackend: t.Type<IdleBackend, IdleBackend> = IdleBackendC;

// Bounded: a hostile coordinator with a million bad backends lists ten of them.
const IdleBackends = arrayOf(IdleBackend);

const IdleCoordinatorFields = closed('IdleCoordinator', {
  idleTimeoutMs: IdleTimeoutMs,
  backends: IdleBackends,
});

/**
 * The idle coordinator: the idle timeout it gives newly tracked backends, and every tracked
 * backend in the order it was first tracked. Treat it as a value: change it with the reducers of
 * this module.
 *
 * @since 0.2.0
 */
export interface IdleCoordinator extends t.TypeOf<typeof IdleCoordinatorFields> {}

/** The position of the first backend whose key an earlier one already has, with that earlier one. */
const firstDuplicate = (
  backends: ReadonlyArray<IdleBackend>,
): { readonly at: number; readonly first: number } | undefined => {
  const seen = new Map<string, number>();
  for (let i = 0; i < backends.length; i++) {
    const id = keyId((backends[i] as IdleBackend).key);
    const first = seen.get(id);
    if (first !== undefined) {
      return { at: i, first };
    }
    seen.set(id, i);
  }
  return undefined;
};

/**
 * The codec of `IdleCoordinator`. On top of the fields, decoding checks that no key is tracked
 * twice; it clamps zero timeouts to 1 ms. Encoding then decoding gives the same coordinator back.
 *
 * @since 0.2.0
 */
export const IdleCoordinator = new t.Type<IdleCoordinator, IdleCoordinator>(
  'IdleCoordinator',
  (u): u is IdleCoordinator => IdleCoordinatorFields.is(u) && firstDuplicate(u.backends) === undefined,
  (u, c) =>
    E.chain((decoded: IdleCoordinator) => {
      const duplicate = firstDuplicate(decoded.backends);
      if (duplicate === undefined) {
        return t.success(decoded);
      }
      const backend = decoded.backends[duplicate.at] as IdleBackend;
      const atBackends = t.appendContext(c, 'backends', IdleBackends, decoded.backends);
      const atEntry = t.appendContext(atBackends, String(duplicate.at), IdleBackend, backend);
      return t.failure<IdleCoordinator>(
        backend.key,
        t.appendContext(atEntry, 'key', BackendKey, backend.key),
        `the same key as backends[${String(duplicate.first)}]`,
      );
    })(IdleCoordinatorFields.validate(u, c)),
  IdleCoordinatorFields.encode,
);

const IdleDueC = closed('IdleDue', {
  key: BackendKey,
  idleForMs: Millis,
  idleTimeoutMs: IdleTimeoutMs,
  reason: t.literal('IdleTimeout'),
});

/**
 * A backend found due by `collectDue`: how long it had been idle, its timeout, and the quiesce
 * reason to send it (always `IdleTimeout`).
 *
 * @since 0.2.0
 */
export interface IdleDue extends t.TypeOf<typeof IdleDueC> {}

/**
 * The codec of `IdleDue`.
 *
 * @since 0.2.0
 */
export const IdleDue: t.Type<IdleDue, IdleDue> = IdleDueC;

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// fp-ts's `none` and `some` are not frozen; everything this module returns is.
/** @internal */
export const none: O.Option<never> = Object.freeze({ _tag: 'None' });
/** @internal */
export const some = <A>(value: A): O.Option<A> => Object.freeze({ _tag: 'Some', value });

/** @internal */
export const NOTHING_DUE: ReadonlyArray<IdleDue> = Object.freeze([]);

/**
 * Time and timeouts come from the caller: refuse what no clock gives, with where and what.
 *
 * @internal
 */
export const checkedMillis = (where: string, what: string, ms: number): number => {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`${where}: ${what} must be a non-negative integer of milliseconds, got ${show(ms)}`);
  }
  return ms;
};

/** @internal */
export const idleBackendOf = (
  key: BackendKey,
  state: IdleState,
  lastActivityMs: number,
  idleTimeoutMs: number,
): IdleBackend => Object.freeze({ key: copyKey(key), state, lastActivityMs, idleTimeoutMs });

/** @internal */
export const coordinatorOf = (idleTimeoutMs: number, backends: ReadonlyArray<IdleBackend>): IdleCoordinator =>
  Object.freeze({ idleTimeoutMs, backends: Object.freeze(backends) });

/**
 * The coordinator itself when it is frozen (every coordinator this module makes is, all the way
 * down), otherwise a frozen copy: a decoded coordinator is plain data, which the reducers must not
 * share with their results, nor change.
 *
 * @internal
 */
export const frozenCoordinator = (fn: string, coordinator: IdleCoordinator): IdleCoordinator => {
  const u: unknown = coordinator;
  if (
    Object.isFrozen(u) &&
    typeof (u as Partial<IdleCoordinator>).idleTimeoutMs === 'number' &&
    Array.isArray((u as Partial<IdleCoordinator>).backends) &&
    Object.isFrozen((u as IdleCoordinator).backends)
  ) {
    return coordinator;
  }
  // Anything else comes from outside (decoded, or plain JavaScript): checked with the codec, then copied.
  const c = checked(fn, IdleCoordinator, u, 'coordinator');
  return coordinatorOf(
    c.idleTimeoutMs,
    c.backends.map((b) => idleBackendOf(b.key, b.state, b.lastActivityMs, b.idleTimeoutMs)),
  );
};

/**
 * A key from the caller, checked with the `BackendKey` codec.
 *
 * @internal
 */
export const keyArg = (fn: string, key: unknown): BackendKey => checked(fn, BackendKey, key, 'key');

/**
 * The position of the backend tracked under `id`, or -1.
 *
 * @internal
 */
export const positionOf = (c: IdleCoordinator, id: string): number => {
  const { backends } = c;
  // Indexed: iterating a frozen array with `for...of` or `findIndex` takes a slow path in V8.
  for (let i = 0; i < backends.length; i++) {
    if (keyId((backends[i] as IdleBackend).key) === id) {
      return i;
    }
  }
  return -1;
};

/** @internal */
export const replaced = (c: IdleCoordinator, at: number, backend: IdleBackend): IdleCoordinator => {
  const backends = [...c.backends];
  backends[at] = backend;
  return coordinatorOf(c.idleTimeoutMs, backends);
};

/**
 * How long a backend last active at `lastActivityMs` has been idle at `now`: never negative.
 *
 * @internal
 */
export const idleFor = (b: IdleBackend, now: number): number => Math.max(0, now - b.lastActivityMs);

/** @internal */
export const isDue = (b: IdleBackend, now: number): boolean =>
  b.state === 'Running' && idleFor(b, now) >= b.idleTimeoutMs;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An empty coordinator giving the backends it tracks `idleTimeoutMs` (30 s when omitted; zero is
 * clamped to 1 ms). Throws a `RangeError` for a negative, fractional or non-finite timeout.
 *
 * @example
 * import { createIdleCoordinator } from 'lifecycle-broadcast'
 *
 * const idle = createIdleCoordinator(60_000)
 *
 * @since 0.2.0
 */
export const createIdleCoordinator = (idleTimeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS): IdleCoordinator =>
  coordinatorOf(clampTimeout(checkedMillis('createIdleCoordinator', 'idleTimeoutMs', idleTimeoutMs)), []);

/**
 * The empty coordinator with the default idle timeout.
 *
 * @since 0.2.0
 */
export const emptyIdleCoordinator: IdleCoordinator = createIdleCoordinator();
