/**
 * Aggregate statistics of a replayed log, folded one event at a time so that a summary of a
 * long log costs no more memory than its registry.
 *
 * @since 0.1.0
 */
import type { Backend } from './Backend';
import type { BackendKey } from './BackendKey';
import { keyId } from './BackendKey';
import type { BroadcastBackendResponse } from './BroadcastBackendResponse';
import type { BroadcastOperation, QuiesceReason } from './BroadcastOperation';
import type { BroadcastResult } from './BroadcastResult';
import * as HT from './internal/HashTrie';
import * as V from './internal/Vector';
import type { RegistryActionTag } from './RegistryAction';
import type { RegistryEvent } from './RegistryEvent';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How one backend answered broadcasts: the four columns of the per-backend table. */
interface Answers {
  readonly acks: number;
  readonly timeouts: number;
  readonly failures: number;
  readonly skipped: number;
}

/**
 * What the statistics know of one backend key. A backend answers every broadcast the same way
 * until its liveness or response changes, so instead of touching every backend on every
 * broadcast, a tally counts the broadcasts of each stretch of unchanged configuration when the
 * stretch ends: a broadcast costs O(1) here, whatever the number of backends.
 *
 * @since 0.1.0
 */
export interface BackendTally extends Answers {
  readonly key: BackendKey;
  readonly registered: boolean;
  readonly live: boolean;
  readonly response: BroadcastBackendResponse;
  /** How many times the key was registered (a re-registration replaces the backend). */
  readonly registrations: number;
  /** The broadcast count when the current stretch began. */
  readonly since: number;
}

/**
 * Statistics of a sequence of registry events. Treat it as opaque: fold events in with
 * `addEvent`, read it with `summarizeStats` and `backendRows`. It is plain frozen data.
 *
 * @since 0.1.0
 */
export interface LogStats {
  /** Events folded in. */
  readonly steps: number;
  /** Actions applied, by `_tag` (those naming an unknown key included). */
  readonly actions: Readonly<Record<RegistryActionTag, number>>;
  /** Broadcasts by operation. */
  readonly operations: Readonly<Record<BroadcastOperation['_tag'], number>>;
  /** Quiesce broadcasts by reason. */
  readonly quiesceReasons: Readonly<Record<QuiesceReason, number>>;
  /** Broadcasts by result status. */
  readonly outcomes: Readonly<Record<BroadcastResult['_tag'], number>>;
  /** Actions that named a key that was not registered. */
  readonly keyNotFound: number;
  /** Every key seen, by key id. */
  readonly tallies: HT.HashTrie<BackendTally>;
  /** Key ids in the order they were first registered. */
  readonly order: V.Vector<string>;
}

/**
 * One row of the per-backend table: where the backend stands and how it answered the
 * broadcasts of the log.
 *
 * @since 0.1.0
 */
export interface BackendRow extends Answers {
  readonly key: BackendKey;
  readonly status: 'live' | 'dead' | 'unregistered';
  readonly response: BroadcastBackendResponse;
  readonly registrations: number;
}

/**
 * The statistics as plain JSON-ready data.
 *
 * @since 0.1.0
 */
export interface StatsSummary {
  readonly steps: number;
  readonly backends: {
    readonly registered: number;
    readonly live: number;
    readonly dead: number;
    readonly unregistered: number;
  };
  readonly actions: Readonly<Record<RegistryActionTag, number>>;
  readonly broadcasts: {
    readonly total: number;
    readonly byOperation: Readonly<Record<BroadcastOperation['_tag'], number>>;
    readonly quiesceReasons: Readonly<Record<QuiesceReason, number>>;
  };
  readonly outcomes: Readonly<Record<BroadcastResult['_tag'], number>>;
  readonly keyNotFound: number;
  readonly table: ReadonlyArray<BackendRow>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The statistics of no events.
 *
 * @since 0.1.0
 */
export const emptyLogStats: LogStats = Object.freeze({
  steps: 0,
  actions: Object.freeze({ Register: 0, SetLive: 0, SetResponse: 0, Unregister: 0, Broadcast: 0 }),
  operations: Object.freeze({ ReleaseHandles: 0, Quiesce: 0 }),
  quiesceReasons: Object.freeze({ IdleTimeout: 0, BrokerShutdown: 0, Maintenance: 0 }),
  outcomes: Object.freeze({ AllAcked: 0, Degraded: 0, NoLiveTargets: 0 }),
  keyNotFound: 0,
  tallies: HT.empty,
  order: V.empty,
});

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const bump = <K extends string>(counts: Readonly<Record<K, number>>, k: NoInfer<K>): Readonly<Record<K, number>> =>
  Object.freeze({ ...counts, [k]: counts[k] + 1 });

const broadcastsOf = (stats: LogStats): number => stats.actions.Broadcast;

/** The tally with its current stretch counted, up to `now` broadcasts. */
const settled = (t: BackendTally, now: number): BackendTally => {
  const n = now - t.since;
  if (n === 0 || !t.registered) {
    return t;
  }
  const counted: Partial<Answers> = !t.live
    ? { skipped: t.skipped + n }
    : t.response._tag === 'Ack'
      ? { acks: t.acks + n }
      : t.response._tag === 'Timeout'
        ? { timeouts: t.timeouts + n }
        : { failures: t.failures + n };
  return { ...t, ...counted, since: now };
};

const withTally = (
  stats: LogStats,
  tag: RegistryActionTag,
  b: Backend,
  change: (previous: BackendTally | undefined, now: number) => BackendTally,
): LogStats => {
  const id = keyId(b.key);
  const previous = HT.get(stats.tallies, id);
  const now = broadcastsOf(stats);
  const next = Object.freeze(change(previous === undefined ? undefined : settled(previous, now), now));
  return Object.freeze({
    ...stats,
    steps: stats.steps + 1,
    actions: bump(stats.actions, tag),
    tallies: HT.set(stats.tallies, id, next),
    order: previous === undefined ? V.push(stats.order, id) : stats.order,
  });
};

const fresh = (b: Backend, now: number): BackendTally => ({
  key: b.key,
  registered: true,
  live: b.live,
  response: b.response,
  registrations: 1,
  acks: 0,
  timeouts: 0,
  failures: 0,
  skipped: 0,
  since: now,
});

/** The tally of a backend now configured as `b`; a key first seen here (the replay began with a
 * registry that already held it) gets a fresh tally. */
const configured = (t: BackendTally | undefined, b: Backend, now: number): BackendTally =>
  t === undefined ? fresh(b, now) : { ...t, registered: true, live: b.live, response: b.response, since: now };

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Fold one event into the statistics. It is O(log n) in the number of keys seen for an event
 * that touches a backend, and O(1) for a broadcast.
 *
 * @example
 * import { addEvent, createRegistry, emptyLogStats, replay, summarizeStats } from 'lifecycle-broadcast'
 *
 * const { events } = replay(createRegistry(), actions)
 * const summary = summarizeStats(events.reduce(addEvent, emptyLogStats))
 *
 * @since 0.1.0
 */
export const addEvent = (stats: LogStats, event: RegistryEvent): LogStats => {
  switch (event._tag) {
    case 'BackendRegistered':
      return withTally(stats, 'Register', event.backend, (t, now) =>
        t === undefined
          ? fresh(event.backend, now)
          : { ...configured(t, event.backend, now), registrations: t.registrations + 1 },
      );
    case 'LivenessSet':
      return withTally(stats, 'SetLive', event.backend, (t, now) => configured(t, event.backend, now));
    case 'ResponseSet':
      return withTally(stats, 'SetResponse', event.backend, (t, now) => configured(t, event.backend, now));
    case 'BackendUnregistered':
      return withTally(stats, 'Unregister', event.backend, (t, now) => ({
        ...configured(t, event.backend, now),
        registered: false,
      }));
    case 'KeyNotFound':
      return Object.freeze({
        ...stats,
        steps: stats.steps + 1,
        actions: bump(stats.actions, event.action._tag),
        keyNotFound: stats.keyNotFound + 1,
      });
    case 'OperationBroadcast': {
      const op = event.result.operation;
      return Object.freeze({
        ...stats,
        steps: stats.steps + 1,
        actions: bump(stats.actions, 'Broadcast'),
        operations: bump(stats.operations, op._tag),
        quiesceReasons: op._tag === 'Quiesce' ? bump(stats.quiesceReasons, op.reason) : stats.quiesceReasons,
        outcomes: bump(stats.outcomes, event.result._tag),
      });
    }
  }
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The per-backend table: every key ever registered, in the order it was first registered, with
 * how it answered the broadcasts of the log (summed over all its registrations).
 *
 * @since 0.1.0
 */
export const backendRows = (stats: LogStats): ReadonlyArray<BackendRow> => {
  const now = broadcastsOf(stats);
  const rows: BackendRow[] = [];
  V.forEach(stats.order, (id) => {
    const tally = HT.get(stats.tallies, id);
    if (tally === undefined) {
      return;
    }
    const t = settled(tally, now);
    rows.push(
      Object.freeze({
        key: t.key,
        status: !t.registered ? 'unregistered' : t.live ? 'live' : 'dead',
        response: t.response,
        registrations: t.registrations,
        acks: t.acks,
        timeouts: t.timeouts,
        failures: t.failures,
        skipped: t.skipped,
      }),
    );
  });
  return Object.freeze(rows);
};

/**
 * The statistics as plain data: backends live, dead and unregistered, actions by kind,
 * broadcasts by operation and reason, outcome counts and the per-backend table.
 *
 * @since 0.1.0
 */
export const summarizeStats = (stats: LogStats): StatsSummary => {
  const table = backendRows(stats);
  const count = (status: BackendRow['status']): number => table.filter((r) => r.status === status).length;
  const live = count('live');
  const dead = count('dead');
  return Object.freeze({
    steps: stats.steps,
    backends: Object.freeze({ registered: live + dead, live, dead, unregistered: count('unregistered') }),
    actions: stats.actions,
    broadcasts: Object.freeze({
      total: stats.actions.Broadcast,
      byOperation: stats.operations,
      quiesceReasons: stats.quiesceReasons,
    }),
    outcomes: stats.outcomes,
    keyNotFound: stats.keyNotFound,
    table,
  });
};
