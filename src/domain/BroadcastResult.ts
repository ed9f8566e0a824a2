/**
 * What one broadcast did: which backends acknowledged, timed out, failed, or were skipped as
 * dead, each list in registration order, and the overall status as a `_tag`.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BackendKey } from './BackendKey';
import { BroadcastFailureReason } from './BroadcastBackendResponse';
import { BroadcastOperation } from './BroadcastOperation';
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
