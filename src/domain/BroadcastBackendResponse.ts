/**
 * How a backend answers a broadcast: it acknowledges, it does not answer in time, or it fails.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts';

import { checked, closed, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a backend failed an operation: it does not support it, it rejected it, or it broke while
 * handling it.
 *
 * @since 0.1.0
 */
export const BroadcastFailureReason: t.Type<BroadcastFailureReason, BroadcastFailureReason> = t.keyof({
  UnsupportedOperation: null,
  Rejected: null,
  BackendError: null,
});

/**
 * What the `BroadcastFailureReason` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastFailureReason = 'UnsupportedOperation' | 'Rejected' | 'BackendError';

/**
 * Every failure reason, in declaration order.
 *
 * @since 0.1.0
 */
export const failureReasons: ReadonlyArray<BroadcastFailureReason> = Object.freeze([
  'UnsupportedOperation',
  'Rejected',
  'BackendError',
]);

const AckC = closed('Ack', { _tag: t.literal('Ack') });
const TimeoutC = closed('Timeout', { _tag: t.literal('Timeout') });
const FailureC = closed('Failure', { _tag: t.literal('Failure'), reason: BroadcastFailureReason });

/**
 * The backend acknowledges every broadcast it receives.
 *
 * @since 0.2.0
 */
export interface AckResponse extends t.TypeOf<typeof AckC> {}

/**
 * The backend never acknowledges in time.
 *
 * @since 0.2.0
 */
export interface TimeoutResponse extends t.TypeOf<typeof TimeoutC> {}

/**
 * The backend fails every broadcast, for `reason`.
 *
 * @since 0.2.0
 */
export interface FailureResponse extends t.TypeOf<typeof FailureC> {}

/**
 * The modelled answer of a backend to any broadcast it receives.
 *
 * @since 0.1.0
 */
export const BroadcastBackendResponse: t.Type<BroadcastBackendResponse, BroadcastBackendResponse> = tagged(
  'BroadcastBackendResponse',
  { Ack: AckC, Timeout: TimeoutC, Failure: FailureC },
  // The five canonical instances are accepted by identity: every backend the library builds has one.
  (u) => isCanonicalResponse(u),
);

/**
 * What the `BroadcastBackendResponse` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastBackendResponse = AckResponse | TimeoutResponse | FailureResponse;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The backend acknowledges.
 *
 * @since 0.1.0
 */
export const ack: BroadcastBackendResponse = Object.freeze({ _tag: 'Ack' });

/**
 * The backend does not acknowledge before the policy's timeout.
 *
 * @since 0.1.0
 */
export const timeout: BroadcastBackendResponse = Object.freeze({ _tag: 'Timeout' });

const failures: Readonly<Record<BroadcastFailureReason, BroadcastBackendResponse>> = Object.freeze({
  UnsupportedOperation: Object.freeze({ _tag: 'Failure', reason: 'UnsupportedOperation' }),
  Rejected: Object.freeze({ _tag: 'Failure', reason: 'Rejected' }),
  BackendError: Object.freeze({ _tag: 'Failure', reason: 'BackendError' }),
});

/**
 * The backend fails the operation for `reason`, one of `failureReasons` (otherwise a
 * `RangeError`, or a `TypeError` for a value that is not a string).
 *
 * @since 0.1.0
 */
export const failure = (reason: BroadcastFailureReason): BroadcastBackendResponse =>
  failures[checked('failure', FailureC, { _tag: 'Failure', reason }).reason];

/**
 * True when `u` is one of the five canonical frozen responses (`ack`, `timeout`, the three
 * failures): an identity comparison, which never reads `u`.
 *
 * @internal
 */
export const isCanonicalResponse = (u: unknown): u is BroadcastBackendResponse =>
  u === ack ||
  u === timeout ||
  u === failures.BackendError ||
  u === failures.Rejected ||
  u === failures.UnsupportedOperation;

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a response, one handler per kind.
 *
 * @example
 * import { failure, matchResponse } from 'lifecycle-broadcast'
 *
 * const describeResponse = matchResponse({
 *   Ack: () => 'acknowledges',
 *   Timeout: () => 'times out',
 *   Failure: (r) => `fails (${r.reason})`,
 * })
 * describeResponse(failure('Rejected'))
 * // 'fails (Rejected)'
 *
 * @since 0.1.0
 */
export const matchResponse = matchTag<BroadcastBackendResponse>();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The shared frozen instance equal to `response` (which must be valid: the reducers check it
 * first).
 *
 * @internal
 */
export const canonicalResponse: (response: BroadcastBackendResponse) => BroadcastBackendResponse =
  matchResponse<BroadcastBackendResponse>({
    Ack: () => ack,
    Timeout: () => timeout,
    Failure: (r) => (Object.hasOwn(failures, r.reason) ? failures[r.reason] : failure(r.reason)),
  });
