/**
 * What one broadcast did: which backends acknowledged, timed out, failed, or were skipped as
 * dead, each list in registration order, and the overall status as a `_tag`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as Eq from 'fp-ts/Eq';
import type { Monoid } from 'fp-ts/Monoid';
import type * as O from 'fp-ts/Option';
import type { Ord } from 'fp-ts/Ord';
import * as RA from 'fp-ts/ReadonlyArray';
import type { Semigroup } from 'fp-ts/Semigroup';
import * as t from 'io-ts';

import { BackendKey, EqBackendKey, copyKey, keyId } from './BackendKey';
import { BroadcastFailureReason } from './BroadcastBackendResponse';
import { BroadcastOperation, EqBroadcastOperation, copyOperation } from './BroadcastOperation';
import { Millis, arrayOf, checked, closed, closedWith, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const SkippedDeadC = closed('SkippedDead', { _tag: t.literal('SkippedDead'), key: BackendKey });

const BroadcastFailureC = closed('BroadcastFailure', {
  _tag: t.literal('Failure'),
  key: BackendKey,
  reason: BroadcastFailureReason,
});

const BroadcastTimeoutC = closed('BroadcastTimeout', {
  _tag: t.literal('Timeout'),
  key: BackendKey,
  ackTimeoutMs: Millis,
});

const BroadcastAckC = closed('BroadcastAck', { _tag: t.literal('Ack'), key: BackendKey });

/**
 * A live backend that acknowledged.
 *
 * @since 0.1.0
 */
export const BroadcastAck: t.Type<BroadcastAck, BroadcastAck> = BroadcastAckC;

/**
 * What the `BroadcastAck` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface BroadcastAck extends t.TypeOf<typeof BroadcastAckC> {}

/**
 * A live backend that did not acknowledge within the policy's `ackTimeoutMs`.
 *
 * @since 0.1.0
 */
export const BroadcastTimeout: t.Type<BroadcastTimeout, BroadcastTimeout> = BroadcastTimeoutC;

/**
 * What the `BroadcastTimeout` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface BroadcastTimeout extends t.TypeOf<typeof BroadcastTimeoutC> {}

/**
 * A live backend that failed the operation, with its reason.
 *
 * @since 0.1.0
 */
export const BroadcastFailure: t.Type<BroadcastFailure, BroadcastFailure> = BroadcastFailureC;

/**
 * What the `BroadcastFailure` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface BroadcastFailure extends t.TypeOf<typeof BroadcastFailureC> {}

/**
 * A dead backend, skipped before the fan-out.
 *
 * @since 0.1.0
 */
export const SkippedDead: t.Type<SkippedDead, SkippedDead> = SkippedDeadC;

/**
 * What the `SkippedDead` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface SkippedDead extends t.TypeOf<typeof SkippedDeadC> {}

/**
 * Any one backend's line in a result.
 *
 * @since 0.1.0
 */
export const BroadcastEntry: t.Type<BroadcastEntry, BroadcastEntry> = tagged('BroadcastEntry', {
  Ack: BroadcastAck,
  Timeout: BroadcastTimeout,
  Failure: BroadcastFailure,
  SkippedDead,
});

/**
 * What the `BroadcastEntry` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastEntry = BroadcastAck | BroadcastTimeout | BroadcastFailure | SkippedDead;

/** The lists that decide a result's status. */
interface StatusLists {
  readonly acks: ReadonlyArray<unknown>;
  readonly timeouts: ReadonlyArray<unknown>;
  readonly failures: ReadonlyArray<unknown>;
}

/** Refine a result codec so that its `_tag` must be the status its lists imply. */
function consistent<R extends StatusLists & { readonly _tag: string }, O>(codec: t.Type<R, O>): t.Type<R, O> {
  return new t.Type<R, O>(
    codec.name,
    (u): u is R => codec.is(u) && statusOf(u) === u._tag,
    (u, c) =>
      E.chain((r: R) => {
        const status = statusOf(r);
        return status === r._tag
          ? t.success(r)
          : t.failure<R>(
              r._tag,
              t.appendContext(c, '_tag', codec, r._tag),
              `status disagrees with the lists, which say "${status}"`,
            );
      })(codec.validate(u, c)),
    codec.encode,
  );
}

// Arrays with a bounded report: a hostile line with a million bad entries lists ten of them.
const fields = {
  operation: BroadcastOperation,
  acks: arrayOf(BroadcastAck),
  timeouts: arrayOf(BroadcastTimeout),
  failures: arrayOf(BroadcastFailure),
  skippedDead: arrayOf(SkippedDead),
};

// A whole result is accepted too: its status is computed again from the lists.
const OutcomesC = closedWith('BroadcastOutcomes', fields, {
  _tag: t.keyof({ AllAcked: null, Degraded: null, NoLiveTargets: null }),
});

const AllAckedC = closed('AllAcked', { _tag: t.literal('AllAcked'), ...fields });
const DegradedC = closed('Degraded', { _tag: t.literal('Degraded'), ...fields });
const NoLiveTargetsC = closed('NoLiveTargets', { _tag: t.literal('NoLiveTargets'), ...fields });

/**
 * A result where at least one live backend received the operation and every one acknowledged.
 *
 * @since 0.2.0
 */
export interface AllAcked extends t.TypeOf<typeof AllAckedC> {}

/**
 * A result where at least one live backend timed out or failed.
 *
 * @since 0.2.0
 */
export interface Degraded extends t.TypeOf<typeof DegradedC> {}

/**
 * A result where no backend was live, so nothing was sent.
 *
 * @since 0.2.0
 */
export interface NoLiveTargets extends t.TypeOf<typeof NoLiveTargetsC> {}

/**
 * The result of one broadcast. Its `_tag` is the overall status:
 * - `AllAcked`: at least one live backend received it, and every one acknowledged;
 * - `Degraded`: at least one live backend timed out or failed;
 * - `NoLiveTargets`: no backend was live, so nothing was sent.
 *
 * Decoding checks that the tag agrees with the lists.
 *
 * @since 0.1.0
 */
export const BroadcastResult: t.Type<BroadcastResult, BroadcastResult> = consistent(
  tagged('BroadcastResult', { AllAcked: AllAckedC, Degraded: DegradedC, NoLiveTargets: NoLiveTargetsC }),
);

/**
 * What the `BroadcastResult` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastResult = AllAcked | Degraded | NoLiveTargets;

/**
 * The lists of a result, without its status.
 *
 * @since 0.1.0
 */
export interface BroadcastOutcomes extends Omit<AllAcked, '_tag'> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The status that the lists of a result imply.
 *
 * @since 0.1.0
 */
export const statusOf = (r: StatusLists): BroadcastResult['_tag'] =>
  r.timeouts.length > 0 || r.failures.length > 0 ? 'Degraded' : r.acks.length > 0 ? 'AllAcked' : 'NoLiveTargets';

/**
 * A frozen result from its lists, tagged with the status they imply. The lists are checked with
 * the codec's fields first (a `TypeError` or `RangeError` with its message when they are not
 * valid), so a result built here can be recorded in a log and read back.
 *
 * @since 0.1.0
 */
export const broadcastResult = (outcomes: BroadcastOutcomes): BroadcastResult =>
  resultOf(checked('broadcastResult', OutcomesC, outcomes));

/**
 * `broadcastResult` for lists the registry built from its own checked backends (no check again).
 *
 * @internal
 */
export const resultOf = (outcomes: BroadcastOutcomes): BroadcastResult =>
  Object.freeze({
    _tag: statusOf(outcomes),
    operation: outcomes.operation,
    acks: outcomes.acks,
    timeouts: outcomes.timeouts,
    failures: outcomes.failures,
    skippedDead: outcomes.skippedDead,
  });

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a result by its status.
 *
 * @example
 * import { matchBroadcastResult } from 'lifecycle-broadcast'
 *
 * const summary = matchBroadcastResult({
 *   AllAcked: (r) => `all ${r.acks.length} acknowledged`,
 *   Degraded: (r) => `${r.timeouts.length} timed out, ${r.failures.length} failed`,
 *   NoLiveTargets: () => 'nothing was live',
 * })
 *
 * @since 0.1.0
 */
export const matchBroadcastResult = matchTag<BroadcastResult>();

/**
 * Fold one backend's entry of a result.
 *
 * @example
 * import { matchEntry, resultEntries, type BroadcastResult } from 'lifecycle-broadcast'
 *
 * const describeEntry = matchEntry({
 *   Ack: (e) => `${e.key.serviceName}: acknowledged`,
 *   Timeout: (e) => `${e.key.serviceName}: no answer within ${e.ackTimeoutMs} ms`,
 *   Failure: (e) => `${e.key.serviceName}: failed (${e.reason})`,
 *   SkippedDead: (e) => `${e.key.serviceName}: dead, skipped`,
 * })
 * const report = (result: BroadcastResult): ReadonlyArray<string> => resultEntries(result).map(describeEntry)
 *
 * @since 0.1.0
 */
export const matchEntry = matchTag<BroadcastEntry>();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * How many live backends received the broadcast: acks, timeouts and failures together.
 *
 * @since 0.1.0
 */
export const sentCount = (r: BroadcastOutcomes): number => r.acks.length + r.timeouts.length + r.failures.length;

/**
 * True when no live backend timed out or failed. Like the model it follows, this is also true
 * when nothing was live (check `_tag === 'NoLiveTargets'` or `sentCount` to tell them apart).
 *
 * @since 0.1.0
 */
export const allLiveBackendsAcked = (r: BroadcastOutcomes): boolean =>
  r.timeouts.length === 0 && r.failures.length === 0;

/**
 * Every entry of a result in one list: acknowledgements, then timeouts, failures and skipped
 * backends.
 *
 * @since 0.1.0
 */
export const resultEntries = (r: BroadcastOutcomes): ReadonlyArray<BroadcastEntry> => [
  ...r.acks,
  ...r.timeouts,
  ...r.failures,
  ...r.skippedDead,
];

/**
 * The keys of the backends that did not acknowledge: those of `timeouts`, then those of
 * `failures`. They are what `retryUnacknowledged` sends the operation to again.
 *
 * @since 0.2.0
 */
export const unacknowledgedKeys = (r: BroadcastOutcomes): ReadonlyArray<BackendKey> =>
  Object.freeze([...r.timeouts.map((e) => e.key), ...r.failures.map((e) => e.key)]);

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Structural equality of entries: the same kind, key, timeout or reason.
 *
 * @since 0.2.0
 */
export const EqBroadcastEntry: Eq.Eq<BroadcastEntry> = Eq.fromEquals((a, b) => {
  if (!EqBackendKey.equals(a.key, b.key)) {
    return false;
  }
  switch (a._tag) {
    case 'Ack':
      return b._tag === 'Ack';
    case 'Timeout':
      return b._tag === 'Timeout' && a.ackTimeoutMs === b.ackTimeoutMs;
    case 'Failure':
      return b._tag === 'Failure' && a.reason === b.reason;
    case 'SkippedDead':
      return b._tag === 'SkippedDead';
  }
});

const EqEntries: Eq.Eq<ReadonlyArray<BroadcastEntry>> = RA.getEq(EqBroadcastEntry);

/**
 * Structural equality of results: the same status and operation, and the same entries in the
 * same order in each list.
 *
 * @since 0.2.0
 */
export const EqBroadcastResult: Eq.Eq<BroadcastResult> = Eq.fromEquals(
  (a, b) =>
    a._tag === b._tag &&
    EqBroadcastOperation.equals(a.operation, b.operation) &&
    EqEntries.equals(a.acks, b.acks) &&
    EqEntries.equals(a.timeouts, b.timeouts) &&
    EqEntries.equals(a.failures, b.failures) &&
    EqEntries.equals(a.skippedDead, b.skippedDead),
);

/** A frozen entry sharing nothing that could still change. */
const frozenEntry = (e: BroadcastEntry): BroadcastEntry => {
  const key = copyKey(e.key);
  if (Object.isFrozen(e) && key === e.key) {
    return e;
  }
  switch (e._tag) {
    case 'Ack':
      return Object.freeze({ _tag: 'Ack', key });
    case 'Timeout':
      return Object.freeze({ _tag: 'Timeout', key, ackTimeoutMs: e.ackTimeoutMs });
    case 'Failure':
      return Object.freeze({ _tag: 'Failure', key, reason: e.reason });
    case 'SkippedDead':
      return Object.freeze({ _tag: 'SkippedDead', key });
  }
};

/**
 * The semigroup of results in which the latest answer of each backend wins: `concat(x, y)`
 * lists every backend that `x` or `y` lists, with its entry from `y` when `y` lists it and from
 * `x` otherwise, each list sorted by `ord`; it carries `y`'s operation, and its status follows
 * from the lists. It is associative for every `ord` that orders distinct keys apart.
 *
 * With `ord` the registration order of a registry (`registrationOrder`), concatenating a result
 * with the result of its retry (`retryUnacknowledged`) gives the result the broadcast would have
 * had if the retried backends had answered it as they answered the retry: `mergeRetry`.
 *
 * There is no identity over all results: an identity `e` would need `concat(x, e) = x`, so `e`
 * would carry the operation of every `x` at once. Over the results of one operation that are in
 * `ord` order, `emptyResult(operation)` is one; `getBroadcastResultMonoid` adds `none` as the
 * identity instead, which works for every result.
 *
 * @example
 * import * as S from 'fp-ts/lib/Semigroup.js'
 * import { getBroadcastResultSemigroup, registrationOrder, type BroadcastResult, type Registry } from 'lifecycle-broadcast'
 *
 * // The latest answer of each backend over a first broadcast and its retries, in registration order.
 * const latestAnswers = (registry: Registry, first: BroadcastResult, retries: ReadonlyArray<BroadcastResult>) =>
 *   S.concatAll(getBroadcastResultSemigroup(registrationOrder(registry)))(first)(retries)
 *
 * @since 0.2.0
 */
export const getBroadcastResultSemigroup = (ord: Ord<BackendKey>): Semigroup<BroadcastResult> => ({
  concat: (x, y) => {
    const latest = new Map<string, BroadcastEntry>();
    for (const r of [x, y]) {
      for (const list of [r.acks, r.timeouts, r.failures, r.skippedDead]) {
        for (const e of list) {
          latest.set(keyId(e.key), e);
        }
      }
    }
    const sorted = [...latest.values()].sort((a, b) => ord.compare(a.key, b.key));
    const acks: BroadcastAck[] = [];
    const timeouts: BroadcastTimeout[] = [];
    const failures: BroadcastFailure[] = [];
    const skippedDead: SkippedDead[] = [];
    for (const entry of sorted) {
      const e = frozenEntry(entry);
      switch (e._tag) {
        case 'Ack':
          acks.push(e);
          break;
        case 'Timeout':
          timeouts.push(e);
          break;
        case 'Failure':
          failures.push(e);
          break;
        case 'SkippedDead':
          skippedDead.push(e);
          break;
      }
    }
    return broadcastResult({
      operation: copyOperation(y.operation),
      acks: Object.freeze(acks),
      timeouts: Object.freeze(timeouts),
      failures: Object.freeze(failures),
      skippedDead: Object.freeze(skippedDead),
    });
  },
});

// fp-ts's `none` and `some` are not frozen; everything this module returns is.
const none: O.Option<never> = Object.freeze({ _tag: 'None' });

/**
 * `getBroadcastResultSemigroup(ord)` with an identity added: `none`, "no result yet". Folding
 * any list of results wrapped in `some` gives the latest answer of each backend, and folding none
 * of them gives `none`.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { concatAll } from 'fp-ts/lib/Monoid.js'
 * import { getBroadcastResultMonoid, registrationOrder, type BroadcastResult, type Registry } from 'lifecycle-broadcast'
 *
 * const latestAnswers = (registry: Registry, results: ReadonlyArray<BroadcastResult>): O.Option<BroadcastResult> =>
 *   concatAll(getBroadcastResultMonoid(registrationOrder(registry)))(results.map(O.some))
 *
 * @since 0.2.0
 */
export const getBroadcastResultMonoid = (ord: Ord<BackendKey>): Monoid<O.Option<BroadcastResult>> => {
  const S = getBroadcastResultSemigroup(ord);
  return {
    concat: (x, y) =>
      x._tag === 'None'
        ? y
        : y._tag === 'None'
          ? x
          : Object.freeze({ _tag: 'Some', value: S.concat(x.value, y.value) }),
    empty: none,
  };
};

/**
 * The result of sending `operation` to nobody: `NoLiveTargets`, every list empty. It is the
 * identity of `getBroadcastResultSemigroup` over the results of `operation`.
 *
 * @since 0.2.0
 */
export const emptyResult = (operation: BroadcastOperation): BroadcastResult =>
  broadcastResult({
    operation: copyOperation(operation),
    acks: Object.freeze([]),
    timeouts: Object.freeze([]),
    failures: Object.freeze([]),
    skippedDead: Object.freeze([]),
  });
