/**
 * Aggregate statistics of a replayed log, folded one event at a time so that a summary of a
 * long log costs no more memory than its registry.
 *
 * @since 0.1.0
 */
import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import { keyId, keyIdentity } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation, QuiesceReason } from '../domain/BroadcastOperation';
import { EqBroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastEntry, BroadcastResult } from '../domain/BroadcastResult';
import { unacknowledgedKeys } from '../domain/BroadcastResult';
import * as HT from '../internal/HashTrie';
import * as V from '../internal/Vector';
import type { RegistryActionTag } from '../registry/RegistryAction';
import type { OperationBroadcastTo, RegistryEvent } from '../registry/RegistryEvent';

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
  /** @internal Every key seen, by key id (read them with `backendRows`). */
  readonly tallies: HT.HashTrie<BackendTally>;
  /** @internal Key ids in the order they were first registered. */
  readonly order: V.Vector<string>;
  /** Broadcasts to some backends (`BroadcastTo`), and how many of them were retries. */
  readonly targeted: TargetedCounts;
  /** The result of the latest broadcast, to all or to some: what a retry would retry. */
  readonly latest: BroadcastResult | null;
}

/**
 * What the statistics count of targeted broadcasts: how many there were, how many of them were
 * retries (the operation of the broadcast just before, sent again to exactly the backends that did
 * not acknowledge it, as `retryUnacknowledged` does), and how many keys they named that were not
 * registered.
 *
 * @since 0.2.0
 */
export interface TargetedCounts {
  readonly broadcasts: number;
  readonly retries: number;
  readonly keysNotFound: number;
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
    /** Every broadcast, to all live backends or to some. */
    readonly total: number;
    readonly byOperation: Readonly<Record<BroadcastOperation['_tag'], number>>;
    readonly quiesceReasons: Readonly<Record<QuiesceReason, number>>;
    /** Broadcasts to some backends, retries among them, and the keys they named that were not registered. */
    readonly targeted: TargetedCounts;
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
  actions: Object.freeze({ Register: 0, SetLive: 0, SetResponse: 0, Unregister: 0, Broadcast: 0, BroadcastTo: 0 }),
  operations: Object.freeze({ ReleaseHandles: 0, Quiesce: 0 }),
  quiesceReasons: Object.freeze({ IdleTimeout: 0, BrokerShutdown: 0, Maintenance: 0 }),
  outcomes: Object.freeze({ AllAcked: 0, Degraded: 0, NoLiveTargets: 0 }),
  keyNotFound: 0,
  tallies: HT.empty,
  order: V.empty,
  targeted: Object.freeze({ broadcasts: 0, retries: 0, keysNotFound: 0 }),
  latest: null,
});

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

// Every record below is built by one constructor with all its fields, never by spreading: a
// replay folds every line through here, and objects of one shape keep V8 on its fast paths.

type Actions = LogStats['actions'];
type Operations = LogStats['operations'];
type QuiesceReasons = LogStats['quiesceReasons'];
type Outcomes = LogStats['outcomes'];

const actionsWith = (a: Actions, tag: RegistryActionTag): Actions =>
  Object.freeze({
    Register: a.Register + (tag === 'Register' ? 1 : 0),
    SetLive: a.SetLive + (tag === 'SetLive' ? 1 : 0),
    SetResponse: a.SetResponse + (tag === 'SetResponse' ? 1 : 0),
    Unregister: a.Unregister + (tag === 'Unregister' ? 1 : 0),
    Broadcast: a.Broadcast + (tag === 'Broadcast' ? 1 : 0),
    BroadcastTo: a.BroadcastTo + (tag === 'BroadcastTo' ? 1 : 0),
  });

const operationsWith = (o: Operations, tag: BroadcastOperation['_tag']): Operations =>
  Object.freeze({
    ReleaseHandles: o.ReleaseHandles + (tag === 'ReleaseHandles' ? 1 : 0),
    Quiesce: o.Quiesce + (tag === 'Quiesce' ? 1 : 0),
  });

const reasonsWith = (r: QuiesceReasons, reason: QuiesceReason): QuiesceReasons =>
  Object.freeze({
    IdleTimeout: r.IdleTimeout + (reason === 'IdleTimeout' ? 1 : 0),
    BrokerShutdown: r.BrokerShutdown + (reason === 'BrokerShutdown' ? 1 : 0),
    Maintenance: r.Maintenance + (reason === 'Maintenance' ? 1 : 0),
  });

const outcomesWith = (o: Outcomes, tag: BroadcastResult['_tag']): Outcomes =>
  Object.freeze({
    AllAcked: o.AllAcked + (tag === 'AllAcked' ? 1 : 0),
    Degraded: o.Degraded + (tag === 'Degraded' ? 1 : 0),
    NoLiveTargets: o.NoLiveTargets + (tag === 'NoLiveTargets' ? 1 : 0),
  });

/** The statistics after one more step, with `changes` to the fields that step touched. */
const statsOf = (
  s: LogStats,
  actions: Actions,
  changes: Partial<
    Pick<
      LogStats,
      'operations' | 'quiesceReasons' | 'outcomes' | 'keyNotFound' | 'tallies' | 'order' | 'targeted' | 'latest'
    >
  >,
): LogStats =>
  Object.freeze({
    steps: s.steps + 1,
    actions,
    operations: changes.operations ?? s.operations,
    quiesceReasons: changes.quiesceReasons ?? s.quiesceReasons,
    outcomes: changes.outcomes ?? s.outcomes,
    keyNotFound: changes.keyNotFound ?? s.keyNotFound,
    tallies: changes.tallies ?? s.tallies,
    order: changes.order ?? s.order,
    targeted: changes.targeted ?? s.targeted,
    latest: changes.latest === undefined ? s.latest : changes.latest,
  });

const tally = (t: Omit<BackendTally, keyof Answers>, answers: Answers): BackendTally =>
  Object.freeze({
    key: t.key,
    registered: t.registered,
    live: t.live,
    response: t.response,
    registrations: t.registrations,
    acks: answers.acks,
    timeouts: answers.timeouts,
    failures: answers.failures,
    skipped: answers.skipped,
    since: t.since,
  });

/** Broadcasts to every live backend: each backend's stretch counts these (targeted ones are counted apart). */
const broadcastsOf = (stats: LogStats): number => stats.actions.Broadcast;

const NO_ANSWERS: Answers = Object.freeze({ acks: 0, timeouts: 0, failures: 0, skipped: 0 });

/** The answers of a tally with its current stretch counted, up to `now` broadcasts. */
const answersUpTo = (t: BackendTally, now: number): Answers => {
  const n = t.registered ? now - t.since : 0;
  if (n === 0) {
    return t;
  }
  const kind = !t.live
    ? 'skipped'
    : t.response._tag === 'Ack'
      ? 'acks'
      : t.response._tag === 'Timeout'
        ? 'timeouts'
        : 'failures';
  return {
    acks: t.acks + (kind === 'acks' ? n : 0),
    timeouts: t.timeouts + (kind === 'timeouts' ? n : 0),
    failures: t.failures + (kind === 'failures' ? n : 0),
    skipped: t.skipped + (kind === 'skipped' ? n : 0),
  };
};

/** The tally with its current stretch counted, up to `now` broadcasts. */
const settled = (t: BackendTally, now: number): BackendTally => {
  const answers = answersUpTo(t, now);
  return answers === t ? t : tally({ ...t, since: now }, answers);
};

/**
 * Fold in an event about backend `b`: its stretch so far is counted, and a new one begins with
 * `b`'s configuration. `registration` is 1 for a (re-)registration, and `registered` says whether
 * the key is registered afterwards. A key first seen here (the replay began with a registry that
 * already held it) gets a fresh tally.
 */
const withTally = (
  stats: LogStats,
  tag: RegistryActionTag,
  b: Backend,
  registration: number,
  registered: boolean,
): LogStats => {
  const id = keyId(b.key);
  const previous = HT.get(stats.tallies, id);
  const now = broadcastsOf(stats);
  const next = tally(
    {
      key: b.key,
      registered,
      live: b.live,
      response: b.response,
      registrations: previous === undefined ? 1 : previous.registrations + registration,
      since: now,
    },
    previous === undefined ? NO_ANSWERS : answersUpTo(previous, now),
  );
  return statsOf(stats, actionsWith(stats.actions, tag), {
    tallies: HT.set(stats.tallies, id, next),
    order: previous === undefined ? V.push(stats.order, id) : stats.order,
  });
};

/**
 * Count a targeted broadcast's answers on the tallies of the backends it lists, one each: it
 * reached only them, so they are counted here rather than in their stretches. A key first seen
 * here (the replay began with a registry that already held it) has no tally, as for a broadcast.
 */
const withTargetedAnswers = (tallies: LogStats['tallies'], result: BroadcastResult): LogStats['tallies'] => {
  let out = tallies;
  const count = (e: BroadcastEntry): void => {
    const id = keyId(e.key);
    const t = HT.get(out, id);
    if (t === undefined) {
      return;
    }
    out = HT.set(
      out,
      id,
      tally(t, {
        acks: t.acks + (e._tag === 'Ack' ? 1 : 0),
        timeouts: t.timeouts + (e._tag === 'Timeout' ? 1 : 0),
        failures: t.failures + (e._tag === 'Failure' ? 1 : 0),
        skipped: t.skipped + (e._tag === 'SkippedDead' ? 1 : 0),
      }),
    );
  };
  result.acks.forEach(count);
  result.timeouts.forEach(count);
  result.failures.forEach(count);
  result.skippedDead.forEach(count);
  return out;
};

/** True when `event` sends the operation of `latest` again to exactly the backends that did not acknowledge it. */
const isRetryOf = (latest: BroadcastResult | null, event: OperationBroadcastTo): boolean => {
  if (latest === null || !EqBroadcastOperation.equals(latest.operation, event.result.operation)) {
    return false;
  }
  const wanted = new Set(unacknowledgedKeys(latest).map(keyId));
  if (wanted.size === 0) {
    return false;
  }
  const r = event.result;
  const asked = new Set(
    [...r.acks, ...r.timeouts, ...r.failures, ...r.skippedDead]
      .map((e) => keyId(e.key))
      .concat(event.keysNotFound.map(keyId)),
  );
  return asked.size === wanted.size && [...wanted].every((id) => asked.has(id));
};

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Fold one event into the statistics. It is O(log n) in the number of keys seen for an event
 * that touches a backend, O(1) for a broadcast to every live backend, and O(k log n) for a
 * broadcast to k backends.
 *
 * @example
 * import {
 *   addEvent,
 *   backendKey,
 *   broadcastAction,
 *   createRegistry,
 *   emptyLogStats,
 *   liveBackend,
 *   quiesceOperation,
 *   registerAction,
 *   replay,
 *   sharedInstance,
 *   summarizeStats,
 * } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { events } = replay(createRegistry(), [
 *   registerAction(liveBackend(zccache)),
 *   broadcastAction(quiesceOperation('Maintenance')),
 * ])
 * const summary = summarizeStats(events.reduce(addEvent, emptyLogStats))
 * // summary.outcomes: { AllAcked: 1, Degraded: 0, NoLiveTargets: 0 }
 *
 * @since 0.1.0
 */
export const addEvent = (stats: LogStats, event: RegistryEvent): LogStats => {
  switch (event._tag) {
    case 'BackendRegistered':
      return withTally(stats, 'Register', event.backend, 1, true);
    case 'LivenessSet':
      return withTally(stats, 'SetLive', event.backend, 0, true);
    case 'ResponseSet':
      return withTally(stats, 'SetResponse', event.backend, 0, true);
    case 'BackendUnregistered':
      return withTally(stats, 'Unregister', event.backend, 0, false);
    case 'KeyNotFound':
      return statsOf(stats, actionsWith(stats.actions, event.action._tag), {
        keyNotFound: stats.keyNotFound + 1,
      });
    case 'OperationBroadcast': {
      const op = event.result.operation;
      return statsOf(stats, actionsWith(stats.actions, 'Broadcast'), {
        operations: operationsWith(stats.operations, op._tag),
        quiesceReasons: op._tag === 'Quiesce' ? reasonsWith(stats.quiesceReasons, op.reason) : stats.quiesceReasons,
        outcomes: outcomesWith(stats.outcomes, event.result._tag),
        latest: event.result,
      });
    }
    case 'OperationBroadcastTo': {
      const op = event.result.operation;
      const t = stats.targeted;
      return statsOf(stats, actionsWith(stats.actions, 'BroadcastTo'), {
        operations: operationsWith(stats.operations, op._tag),
        quiesceReasons: op._tag === 'Quiesce' ? reasonsWith(stats.quiesceReasons, op.reason) : stats.quiesceReasons,
        outcomes: outcomesWith(stats.outcomes, event.result._tag),
        tallies: withTargetedAnswers(stats.tallies, event.result),
        targeted: Object.freeze({
          broadcasts: t.broadcasts + 1,
          retries: t.retries + (isRetryOf(stats.latest, event) ? 1 : 0),
          keysNotFound: t.keysNotFound + event.keysNotFound.length,
        }),
        latest: event.result,
      });
    }
  }
};

/** A tally the accumulator changes in place; frozen into a `BackendTally` at the end. */
interface MutableTally {
  key: BackendKey;
  registered: boolean;
  live: boolean;
  response: BroadcastBackendResponse;
  registrations: number;
  acks: number;
  timeouts: number;
  failures: number;
  skipped: number;
  since: number;
  readonly hash: number;
}

/**
 * Statistics folded in place by the one fold that owns them (a replay), frozen once at the end:
 * `result()` is the value `addEvent` folds from `emptyLogStats` over the same events, without a
 * frozen copy of the counters and a path of the tally trie per line.
 *
 * @internal
 */
export interface StatsAccumulator {
  /** Fold in one event. */
  readonly add: (event: RegistryEvent) => void;
  /**
   * Fold in a broadcast of `operation` whose result had status `status`: all the statistics
   * take from an `OperationBroadcast`, so a fold that never builds the result's lists can count it.
   * `resultOf` gives that result when it is needed: only when the next event is a targeted
   * broadcast (to tell a retry) or at the end (the statistics' `latest`).
   */
  readonly addBroadcast: (
    operation: BroadcastOperation,
    status: BroadcastResult['_tag'],
    resultOf: () => BroadcastResult,
  ) => void;
  /** The statistics so far, frozen. */
  readonly result: () => LogStats;
}

/**
 * An accumulator holding `initial` (the statistics of no events when omitted), to fold further
 * events into: `result()` is then what `addEvent` folds from `initial`.
 *
 * @internal
 */
export const statsAccumulator = (initial: LogStats = emptyLogStats): StatsAccumulator => {
  let steps = initial.steps;
  let keyNotFound = initial.keyNotFound;
  const actions = { ...initial.actions };
  const targeted = { ...initial.targeted };
  // The latest broadcast's result, or how to make it when a counted broadcast left it unbuilt.
  let latest: BroadcastResult | null = initial.latest;
  let latestOf: (() => BroadcastResult) | null = null;
  const latestResult = (): BroadcastResult | null => {
    if (latestOf !== null) {
      latest = latestOf();
      latestOf = null;
    }
    return latest;
  };
  const operations = { ...initial.operations };
  const quiesceReasons = { ...initial.quiesceReasons };
  const outcomes = { ...initial.outcomes };
  const tallies = new Map<string, MutableTally>();
  const order: string[] = [];
  V.forEach(initial.order, (id) => {
    const t = HT.get(initial.tallies, id);
    if (t !== undefined) {
      tallies.set(id, { ...t, hash: keyIdentity(t.key).hash });
      order.push(id);
    }
  });

  // What `withTally` does, in place.
  const touch = (tag: RegistryActionTag, b: Backend, registration: number, registered: boolean): void => {
    steps += 1;
    actions[tag] += 1;
    const k = keyIdentity(b.key);
    const now = actions.Broadcast;
    const t = tallies.get(k.id);
    if (t === undefined) {
      tallies.set(k.id, {
        key: b.key,
        registered,
        live: b.live,
        response: b.response,
        registrations: 1,
        acks: 0,
        timeouts: 0,
        failures: 0,
        skipped: 0,
        since: now,
        hash: k.hash,
      });
      order.push(k.id);
      return;
    }
    const n = t.registered ? now - t.since : 0;
    if (!t.live) {
      t.skipped += n;
    } else if (t.response._tag === 'Ack') {
      t.acks += n;
    } else if (t.response._tag === 'Timeout') {
      t.timeouts += n;
    } else {
      t.failures += n;
    }
    t.key = b.key;
    t.registered = registered;
    t.live = b.live;
    t.response = b.response;
    t.registrations += registration;
    t.since = now;
  };

  const countBroadcast = (tag: 'Broadcast' | 'BroadcastTo', result: BroadcastResult | null): void => {
    steps += 1;
    actions[tag] += 1;
    if (result !== null) {
      operations[result.operation._tag] += 1;
      if (result.operation._tag === 'Quiesce') {
        quiesceReasons[result.operation.reason] += 1;
      }
      outcomes[result._tag] += 1;
    }
  };

  const addBroadcast = (
    operation: BroadcastOperation,
    status: BroadcastResult['_tag'],
    resultOf: () => BroadcastResult,
  ): void => {
    countBroadcast('Broadcast', null);
    operations[operation._tag] += 1;
    if (operation._tag === 'Quiesce') {
      quiesceReasons[operation.reason] += 1;
    }
    outcomes[status] += 1;
    latest = null;
    latestOf = resultOf;
  };

  // What `withTargetedAnswers` does, in place.
  const countTargeted = (e: BroadcastEntry): void => {
    const t = tallies.get(keyIdentity(e.key).id);
    if (t === undefined) {
      return;
    }
    t.acks += e._tag === 'Ack' ? 1 : 0;
    t.timeouts += e._tag === 'Timeout' ? 1 : 0;
    t.failures += e._tag === 'Failure' ? 1 : 0;
    t.skipped += e._tag === 'SkippedDead' ? 1 : 0;
  };

  const add = (event: RegistryEvent): void => {
    switch (event._tag) {
      case 'BackendRegistered':
        touch('Register', event.backend, 1, true);
        return;
      case 'LivenessSet':
        touch('SetLive', event.backend, 0, true);
        return;
      case 'ResponseSet':
        touch('SetResponse', event.backend, 0, true);
        return;
      case 'BackendUnregistered':
        touch('Unregister', event.backend, 0, false);
        return;
      case 'KeyNotFound':
        steps += 1;
        actions[event.action._tag] += 1;
        keyNotFound += 1;
        return;
      case 'OperationBroadcast':
        countBroadcast('Broadcast', event.result);
        latest = event.result;
        latestOf = null;
        return;
      case 'OperationBroadcastTo': {
        const r = event.result;
        countBroadcast('BroadcastTo', r);
        r.acks.forEach(countTargeted);
        r.timeouts.forEach(countTargeted);
        r.failures.forEach(countTargeted);
        r.skippedDead.forEach(countTargeted);
        targeted.broadcasts += 1;
        targeted.retries += isRetryOf(latestResult(), event) ? 1 : 0;
        targeted.keysNotFound += event.keysNotFound.length;
        latest = r;
        latestOf = null;
        return;
      }
    }
  };

  const result = (): LogStats => {
    let trie: HT.HashTrie<BackendTally> = HT.empty;
    for (const id of order) {
      const t = tallies.get(id) as MutableTally;
      trie = HT.setHashed(
        trie,
        id,
        t.hash,
        tally(
          {
            key: t.key,
            registered: t.registered,
            live: t.live,
            response: t.response,
            registrations: t.registrations,
            since: t.since,
          },
          t,
        ),
      );
    }
    return Object.freeze({
      steps,
      actions: Object.freeze({ ...actions }),
      operations: Object.freeze({ ...operations }),
      quiesceReasons: Object.freeze({ ...quiesceReasons }),
      outcomes: Object.freeze({ ...outcomes }),
      keyNotFound,
      tallies: trie,
      order: V.fromArray(order),
      targeted: Object.freeze({ ...targeted }),
      latest: latestResult(),
    });
  };

  return { add, addBroadcast, result };
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
 * broadcasts by operation and reason (targeted ones and retries among them), outcome counts and
 * the per-backend table.
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
      total: stats.actions.Broadcast + stats.actions.BroadcastTo,
      byOperation: stats.operations,
      quiesceReasons: stats.quiesceReasons,
      targeted: stats.targeted,
    }),
    outcomes: stats.outcomes,
    keyNotFound: stats.keyNotFound,
    table,
  });
};
