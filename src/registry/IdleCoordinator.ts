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
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import type * as O from 'fp-ts/Option';
import * as t from 'io-ts';

import { BackendKey, copyKey, keyId } from '../domain/BackendKey';
import { Millis, arrayOf, checked, closed, closedWith, show, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The idle timeout a coordinator gives the backends it tracks unless told otherwise: 30 seconds.
 *
 * @since 0.2.0
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Zero is clamped to 1 ms: a backend is never due the instant it was active. */
const clampTimeout = (ms: number): number => (ms === 0 ? 1 : ms);

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
export const IdleState = t.keyof({ Running: null, Draining: null, Quiesced: null });

/**
 * What the `IdleState` codec decodes: the type of the same name.
 *
 * @since 0.2.0
 */
export type IdleState = t.TypeOf<typeof IdleState>;

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
// actions
// -------------------------------------------------------------------------------------

const TrackActionC = closedWith(
  'Track',
  { _tag: t.literal('Track'), key: BackendKey, nowMs: Millis },
  { idleTimeoutMs: Millis },
);

/**
 * Start tracking a backend at `nowMs` (its idle timeout is the coordinator's unless given).
 *
 * @since 0.2.0
 */
export interface TrackAction extends t.TypeOf<typeof TrackActionC> {}

const MarkActivityActionC = closed('MarkActivity', {
  _tag: t.literal('MarkActivity'),
  key: BackendKey,
  nowMs: Millis,
});

/**
 * A tracked backend was active at `nowMs`.
 *
 * @since 0.2.0
 */
export interface MarkActivityAction extends t.TypeOf<typeof MarkActivityActionC> {}

const CollectDueActionC = closed('CollectDue', { _tag: t.literal('CollectDue'), nowMs: Millis });

/**
 * Collect the backends due at `nowMs`.
 *
 * @since 0.2.0
 */
export interface CollectDueAction extends t.TypeOf<typeof CollectDueActionC> {}

const MarkDrainingActionC = closed('MarkDraining', { _tag: t.literal('MarkDraining'), key: BackendKey });

/**
 * Mark a tracked backend draining.
 *
 * @since 0.2.0
 */
export interface MarkDrainingAction extends t.TypeOf<typeof MarkDrainingActionC> {}

const MarkQuiescedActionC = closed('MarkQuiesced', { _tag: t.literal('MarkQuiesced'), key: BackendKey });

/**
 * Mark a tracked backend quiesced.
 *
 * @since 0.2.0
 */
export interface MarkQuiescedAction extends t.TypeOf<typeof MarkQuiescedActionC> {}

const RemoveActionC = closed('Remove', { _tag: t.literal('Remove'), key: BackendKey });

/**
 * Stop tracking a backend.
 *
 * @since 0.2.0
 */
export interface RemoveAction extends t.TypeOf<typeof RemoveActionC> {}

/**
 * One operation on a coordinator, as data: what `stepIdle` applies, one `_tag` per reducer.
 *
 * @since 0.2.0
 */
export type IdleAction =
  TrackAction | MarkActivityAction | CollectDueAction | MarkDrainingAction | MarkQuiescedAction | RemoveAction;

const idleActionMembers = {
  Track: TrackActionC,
  MarkActivity: MarkActivityActionC,
  CollectDue: CollectDueActionC,
  MarkDraining: MarkDrainingActionC,
  MarkQuiesced: MarkQuiescedActionC,
  Remove: RemoveActionC,
};

/**
 * The codec of `IdleAction`: times and timeouts are whole non-negative milliseconds.
 *
 * @since 0.2.0
 */
export const IdleAction: t.Type<IdleAction, IdleAction> = tagged('IdleAction', idleActionMembers);

/**
 * The `_tag` of every idle action.
 *
 * @since 0.2.0
 */
export type IdleActionTag = IdleAction['_tag'];

// -------------------------------------------------------------------------------------
// events
// -------------------------------------------------------------------------------------

/**
 * A coordinator and what the reducer that made it did.
 *
 * @since 0.2.0
 */
export interface IdleTransition<R> {
  readonly state: IdleCoordinator;
  readonly result: R;
}

/**
 * A backend is now tracked, running since `nowMs`; `replaced` is how it was tracked before, if
 * it was.
 *
 * @since 0.2.0
 */
export interface BackendTracked {
  readonly _tag: 'BackendTracked';
  readonly backend: IdleBackend;
  readonly replaced: O.Option<IdleBackend>;
}

/**
 * A tracked backend was active: it is running, and its idle time counts from now
 * (`previous` and `backend` are one object when nothing changed).
 *
 * @since 0.2.0
 */
export interface ActivityMarked {
  readonly _tag: 'ActivityMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * The backends that were due, in tracking order; each of them is now draining.
 *
 * @since 0.2.0
 */
export interface DueCollected {
  readonly _tag: 'DueCollected';
  readonly due: ReadonlyArray<IdleDue>;
}

/**
 * A tracked backend was marked draining (`previous` and `backend` are one object when it already was).
 *
 * @since 0.2.0
 */
export interface DrainingMarked {
  readonly _tag: 'DrainingMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * A tracked backend was marked quiesced (`previous` and `backend` are one object when it already was).
 *
 * @since 0.2.0
 */
export interface QuiescedMarked {
  readonly _tag: 'QuiescedMarked';
  readonly previous: IdleBackend;
  readonly backend: IdleBackend;
}

/**
 * A backend is no longer tracked.
 *
 * @since 0.2.0
 */
export interface BackendUntracked {
  readonly _tag: 'BackendUntracked';
  readonly backend: IdleBackend;
}

/**
 * The action named a key the coordinator does not track; nothing changed.
 *
 * @since 0.2.0
 */
export interface NotTracked {
  readonly _tag: 'NotTracked';
  readonly action: MarkActivityAction | MarkDrainingAction | MarkQuiescedAction | RemoveAction;
  readonly key: BackendKey;
}

/**
 * What one step of a coordinator did.
 *
 * @since 0.2.0
 */
export type IdleEvent =
  BackendTracked | ActivityMarked | DueCollected | DrainingMarked | QuiescedMarked | BackendUntracked | NotTracked;

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// fp-ts's `none` and `some` are not frozen; everything this module returns is.
const none: O.Option<never> = Object.freeze({ _tag: 'None' });
const some = <A>(value: A): O.Option<A> => Object.freeze({ _tag: 'Some', value });

const NOTHING_DUE: ReadonlyArray<IdleDue> = Object.freeze([]);

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

const idleBackendOf = (key: BackendKey, state: IdleState, lastActivityMs: number, idleTimeoutMs: number): IdleBackend =>
  Object.freeze({ key: copyKey(key), state, lastActivityMs, idleTimeoutMs });

const coordinatorOf = (idleTimeoutMs: number, backends: ReadonlyArray<IdleBackend>): IdleCoordinator =>
  Object.freeze({ idleTimeoutMs, backends: Object.freeze(backends) });

const transition = <R>(state: IdleCoordinator, result: R): IdleTransition<R> => Object.freeze({ state, result });

/**
 * The coordinator itself when it is frozen (every coordinator this module makes is, all the way
 * down), otherwise a frozen copy: a decoded coordinator is plain data, which the reducers must not
 * share with their results, nor change.
 */
const frozenCoordinator = (fn: string, coordinator: IdleCoordinator): IdleCoordinator => {
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

/** A key from the caller, checked with the `BackendKey` codec. */
const keyArg = (fn: string, key: unknown): BackendKey => checked(fn, BackendKey, key, 'key');

/** The position of the backend tracked under `id`, or -1. */
const positionOf = (c: IdleCoordinator, id: string): number => {
  const { backends } = c;
  // Indexed: iterating a frozen array with `for...of` or `findIndex` takes a slow path in V8.
  for (let i = 0; i < backends.length; i++) {
    if (keyId((backends[i] as IdleBackend).key) === id) {
      return i;
    }
  }
  return -1;
};

const replaced = (c: IdleCoordinator, at: number, backend: IdleBackend): IdleCoordinator => {
  const backends = [...c.backends];
  backends[at] = backend;
  return coordinatorOf(c.idleTimeoutMs, backends);
};

const notTracked = (c: IdleCoordinator, action: NotTracked['action']): IdleTransition<NotTracked> =>
  transition(c, Object.freeze({ _tag: 'NotTracked', action, key: action.key }));

/** How long a backend last active at `lastActivityMs` has been idle at `now`: never negative. */
const idleFor = (b: IdleBackend, now: number): number => Math.max(0, now - b.lastActivityMs);

const isDue = (b: IdleBackend, now: number): boolean => b.state === 'Running' && idleFor(b, now) >= b.idleTimeoutMs;

/** Set a tracked backend's state by hand: the shared body of `markDraining` and `markQuiesced`. */
const markState = <T extends 'DrainingMarked' | 'QuiescedMarked'>(
  coordinator: IdleCoordinator,
  action: MarkDrainingAction | MarkQuiescedAction,
  state: IdleState,
  tag: T,
): IdleTransition<{ readonly _tag: T; readonly previous: IdleBackend; readonly backend: IdleBackend } | NotTracked> => {
  const c = frozenCoordinator(action._tag === 'MarkDraining' ? 'markDraining' : 'markQuiesced', coordinator);
  const at = positionOf(c, keyId(action.key));
  if (at < 0) {
    return notTracked(c, action);
  }
  const previous = c.backends[at] as IdleBackend;
  if (previous.state === state) {
    return transition(c, Object.freeze({ _tag: tag, previous, backend: previous }));
  }
  const backend = idleBackendOf(previous.key, state, previous.lastActivityMs, previous.idleTimeoutMs);
  return transition(replaced(c, at, backend), Object.freeze({ _tag: tag, previous, backend }));
};

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

/**
 * Track `key`, running and active at `nowMs`.
 *
 * @since 0.2.0
 */
export const trackAction = (key: BackendKey, nowMs: number, idleTimeoutMs?: number): IdleAction =>
  checked(
    'trackAction',
    TrackActionC,
    idleTimeoutMs === undefined ? { _tag: 'Track', key, nowMs } : { _tag: 'Track', key, nowMs, idleTimeoutMs },
  );

/**
 * The backend with `key` was active at `nowMs`.
 *
 * @since 0.2.0
 */
export const markActivityAction = (key: BackendKey, nowMs: number): IdleAction =>
  checked('markActivityAction', MarkActivityActionC, { _tag: 'MarkActivity', key, nowMs });

/**
 * Collect the backends due at `nowMs`.
 *
 * @since 0.2.0
 */
export const collectDueAction = (nowMs: number): IdleAction =>
  checked('collectDueAction', CollectDueActionC, { _tag: 'CollectDue', nowMs });

/**
 * Mark the backend with `key` draining.
 *
 * @since 0.2.0
 */
export const markDrainingAction = (key: BackendKey): IdleAction =>
  checked('markDrainingAction', MarkDrainingActionC, { _tag: 'MarkDraining', key });

/**
 * Mark the backend with `key` quiesced.
 *
 * @since 0.2.0
 */
export const markQuiescedAction = (key: BackendKey): IdleAction =>
  checked('markQuiescedAction', MarkQuiescedActionC, { _tag: 'MarkQuiesced', key });

/**
 * Stop tracking the backend with `key`.
 *
 * @since 0.2.0
 */
export const removeAction = (key: BackendKey): IdleAction =>
  checked('removeAction', RemoveActionC, { _tag: 'Remove', key });

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an idle action, one handler per kind.
 *
 * @since 0.2.0
 */
export const matchIdleAction = matchTag<IdleAction>();

/**
 * Fold what a coordinator step did, one handler per kind.
 *
 * @example
 * import { matchIdleEvent } from 'lifecycle-broadcast'
 *
 * const describeIdleEvent = matchIdleEvent({
 *   BackendTracked: (e) => `tracking ${e.backend.key.serviceName}`,
 *   ActivityMarked: (e) => `${e.backend.key.serviceName} active at ${e.backend.lastActivityMs} ms`,
 *   DueCollected: (e) => `${e.due.length} due`,
 *   DrainingMarked: (e) => `${e.backend.key.serviceName} draining`,
 *   QuiescedMarked: (e) => `${e.backend.key.serviceName} quiesced`,
 *   BackendUntracked: (e) => `no longer tracking ${e.backend.key.serviceName}`,
 *   NotTracked: (e) => `${e.action._tag}: ${e.key.serviceName} is not tracked`,
 * })
 *
 * @since 0.2.0
 */
export const matchIdleEvent = matchTag<IdleEvent>();

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/**
 * Track `key`: running, last active at `now`, idle for at most `idleTimeoutMs` (the
 * coordinator's when omitted; zero is clamped to 1 ms). A key already tracked is replaced in
 * place, keeping its position, and `replaced` says how it was; tracking it again exactly as it is
 * returns the same coordinator. Throws a `RangeError` when `now` or `idleTimeoutMs` is not a
 * non-negative integer.
 *
 * @example
 * import { backendKey, createIdleCoordinator, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { state: idle } = track(createIdleCoordinator(), zccache, 0)
 *
 * @since 0.2.0
 */
export const track = (
  coordinator: IdleCoordinator,
  key: BackendKey,
  now: number,
  idleTimeoutMs?: number,
): IdleTransition<BackendTracked> => {
  checkedMillis('track', 'now', now);
  keyArg('track', key);
  const c = frozenCoordinator('track', coordinator);
  const timeoutMs =
    idleTimeoutMs === undefined
      ? c.idleTimeoutMs
      : clampTimeout(checkedMillis('track', 'idleTimeoutMs', idleTimeoutMs));
  const at = positionOf(c, keyId(key));
  const previous = at < 0 ? undefined : (c.backends[at] as IdleBackend);
  if (previous?.state === 'Running' && previous.lastActivityMs === now && previous.idleTimeoutMs === timeoutMs) {
    return transition(c, Object.freeze({ _tag: 'BackendTracked', backend: previous, replaced: some(previous) }));
  }
  const backend = idleBackendOf(key, 'Running', now, timeoutMs);
  const next =
    previous === undefined ? coordinatorOf(c.idleTimeoutMs, [...c.backends, backend]) : replaced(c, at, backend);
  return transition(
    next,
    Object.freeze({ _tag: 'BackendTracked', backend, replaced: previous === undefined ? none : some(previous) }),
  );
};

/**
 * The backend with `key` was active at `now`: it is running again whatever it was, and its idle
 * time counts from `now`. Marking the activity it already has returns the same coordinator; a key
 * that is not tracked gives `NotTracked`. Throws a `RangeError` when `now` is not a non-negative
 * integer.
 *
 * @since 0.2.0
 */
export const markActivity = (
  coordinator: IdleCoordinator,
  key: BackendKey,
  now: number,
): IdleTransition<ActivityMarked | NotTracked> => {
  checkedMillis('markActivity', 'now', now);
  keyArg('markActivity', key);
  const c = frozenCoordinator('markActivity', coordinator);
  const at = positionOf(c, keyId(key));
  if (at < 0) {
    return notTracked(c, Object.freeze({ _tag: 'MarkActivity', key: copyKey(key), nowMs: now }));
  }
  const previous = c.backends[at] as IdleBackend;
  if (previous.state === 'Running' && previous.lastActivityMs === now) {
    return transition(c, Object.freeze({ _tag: 'ActivityMarked', previous, backend: previous }));
  }
  const backend = idleBackendOf(previous.key, 'Running', now, previous.idleTimeoutMs);
  return transition(replaced(c, at, backend), Object.freeze({ _tag: 'ActivityMarked', previous, backend }));
};

/**
 * The backends due at `now`: every running backend idle for at least its timeout, in tracking
 * order, with how long it was idle. Each of them is moved to draining, so collecting again
 * returns none of them until they are active again. Nothing due returns the same coordinator.
 * Idle time is never negative: a backend last active after `now` has been idle for 0 ms. Throws a
 * `RangeError` when `now` is not a non-negative integer.
 *
 * @example
 * import { backendKey, collectDue, createIdleCoordinator, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const idle = track(createIdleCoordinator(30_000), zccache, 1_000).state
 * collectDue(idle, 20_000).result.due // []
 * collectDue(idle, 31_000).result.due // [{ key: zccache, idleForMs: 30000, idleTimeoutMs: 30000, reason: 'IdleTimeout' }]
 *
 * @since 0.2.0
 */
export const collectDue = (coordinator: IdleCoordinator, now: number): IdleTransition<DueCollected> => {
  checkedMillis('collectDue', 'now', now);
  const c = frozenCoordinator('collectDue', coordinator);
  const due: IdleDue[] = [];
  let backends: IdleBackend[] | undefined;
  for (let i = 0; i < c.backends.length; i++) {
    const b = c.backends[i] as IdleBackend;
    if (isDue(b, now)) {
      due.push(
        Object.freeze({
          key: b.key,
          idleForMs: idleFor(b, now),
          idleTimeoutMs: b.idleTimeoutMs,
          reason: 'IdleTimeout',
        }),
      );
      backends ??= [...c.backends];
      backends[i] = idleBackendOf(b.key, 'Draining', b.lastActivityMs, b.idleTimeoutMs);
    }
  }
  return backends === undefined
    ? transition(c, Object.freeze({ _tag: 'DueCollected', due: NOTHING_DUE }))
    : transition(
        coordinatorOf(c.idleTimeoutMs, backends),
        Object.freeze({ _tag: 'DueCollected', due: Object.freeze(due) }),
      );
};

/**
 * Mark the backend with `key` draining (asked to stop taking work), whatever it was; it is not
 * due again until it is active again. Already draining returns the same coordinator; a key that is
 * not tracked gives `NotTracked`.
 *
 * @since 0.2.0
 */
export const markDraining = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<DrainingMarked | NotTracked> =>
  markState(
    coordinator,
    Object.freeze({ _tag: 'MarkDraining', key: copyKey(keyArg('markDraining', key)) }),
    'Draining',
    'DrainingMarked',
  );

/**
 * Mark the backend with `key` quiesced (it has drained); it is not due again until it is active
 * again. Already quiesced returns the same coordinator; a key that is not tracked gives
 * `NotTracked`.
 *
 * @since 0.2.0
 */
export const markQuiesced = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<QuiescedMarked | NotTracked> =>
  markState(
    coordinator,
    Object.freeze({ _tag: 'MarkQuiesced', key: copyKey(keyArg('markQuiesced', key)) }),
    'Quiesced',
    'QuiescedMarked',
  );

/**
 * Stop tracking the backend with `key`; the others keep their order. A key that is not tracked
 * gives `NotTracked` and the same coordinator.
 *
 * @since 0.2.0
 */
export const remove = (
  coordinator: IdleCoordinator,
  key: BackendKey,
): IdleTransition<BackendUntracked | NotTracked> => {
  keyArg('remove', key);
  const c = frozenCoordinator('remove', coordinator);
  const at = positionOf(c, keyId(key));
  if (at < 0) {
    return notTracked(c, Object.freeze({ _tag: 'Remove', key: copyKey(key) }));
  }
  const backend = c.backends[at] as IdleBackend;
  const backends = [...c.backends];
  backends.splice(at, 1);
  return transition(coordinatorOf(c.idleTimeoutMs, backends), Object.freeze({ _tag: 'BackendUntracked', backend }));
};

/**
 * Apply one idle action with the reducer it stands for: the new coordinator and the event saying
 * what happened. It agrees with the reducers, and an untracked key gives `NotTracked` with the
 * coordinator unchanged. Decode actions from outside with the `IdleAction` codec first.
 *
 * @example
 * import { backendKey, collectDueAction, createIdleCoordinator, sharedInstance, stepIdle, trackAction } from 'lifecycle-broadcast'
 *
 * const soldr = backendKey(sharedInstance, 'soldr', '0.4.1')
 * const tracked = stepIdle(createIdleCoordinator(5_000), trackAction(soldr, 0)).state
 * stepIdle(tracked, collectDueAction(5_000)).result // { _tag: 'DueCollected', due: [{ key: soldr, idleForMs: 5000, ... }] }
 *
 * @since 0.2.0
 */
export const stepIdle = (coordinator: IdleCoordinator, input: IdleAction): IdleTransition<IdleEvent> => {
  // From plain JavaScript, an action of no known kind would fall through the switch.
  const action = checked('stepIdle', IdleAction, input, 'action');
  switch (action._tag) {
    case 'Track':
      return track(coordinator, action.key, action.nowMs, action.idleTimeoutMs);
    case 'MarkActivity':
      return markActivity(coordinator, action.key, action.nowMs);
    case 'CollectDue':
      return collectDue(coordinator, action.nowMs);
    case 'MarkDraining':
      return markDraining(coordinator, action.key);
    case 'MarkQuiesced':
      return markQuiesced(coordinator, action.key);
    case 'Remove':
      return remove(coordinator, action.key);
  }
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * How the backend with `key` is tracked, or `none`.
 *
 * @since 0.2.0
 */
export const idleBackend = (coordinator: IdleCoordinator, key: BackendKey): O.Option<IdleBackend> => {
  const c = frozenCoordinator('idleBackend', coordinator);
  const at = positionOf(c, keyId(keyArg('idleBackend', key)));
  return at < 0 ? none : some(c.backends[at] as IdleBackend);
};

/**
 * The earliest time at which a running backend becomes due (`lastActivityMs + idleTimeoutMs`),
 * or `none` when no backend is running: when a broker should sweep next.
 *
 * @example
 * import { backendKey, createIdleCoordinator, nextDueAt, sharedInstance, track } from 'lifecycle-broadcast'
 *
 * const idle = track(createIdleCoordinator(30_000), backendKey(sharedInstance, 'fbuild', '2.0.3'), 4_000).state
 * nextDueAt(idle) // { _tag: 'Some', value: 34000 }
 *
 * @since 0.2.0
 */
export const nextDueAt = (coordinator: IdleCoordinator): O.Option<number> => {
  let earliest = Number.POSITIVE_INFINITY;
  const { backends } = coordinator;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < backends.length; i++) {
    const b = backends[i] as IdleBackend;
    if (b.state === 'Running') {
      earliest = Math.min(earliest, b.lastActivityMs + b.idleTimeoutMs);
    }
  }
  return earliest === Number.POSITIVE_INFINITY ? none : some(earliest);
};
