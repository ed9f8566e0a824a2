/**
 * Why a backend of a live broadcast failed or timed out when it did not say so itself: the
 * diagnostics `runBroadcast` keeps beside its result.
 *
 * @since 0.3.0
 */
import * as t from 'io-ts';

import { BackendKey } from '../domain/BackendKey';
import { Millis, closed, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const TransportFailedC = closed('TransportFailed', {
  _tag: t.literal('TransportFailed'),
  key: BackendKey,
  message: t.string,
  code: t.union([t.string, t.null]),
});

/**
 * The transport rejected or threw for this backend, which the result records as `Failure
 * BackendError`: `message` is the error's message on one line, `code` its `code` when that is a
 * string (such as `ConnectionRefused` from the socket transport), otherwise `null`.
 *
 * @since 0.2.0
 */
export interface TransportFailed extends t.TypeOf<typeof TransportFailedC> {}

const InvalidOutcomeC = closed('InvalidOutcome', {
  _tag: t.literal('InvalidOutcome'),
  key: BackendKey,
  message: t.string,
});

/**
 * The transport resolved with something that is not an `Outcome` (a transport written in plain
 * JavaScript can), which the result records as `Failure BackendError`; `message` says what it
 * was and why it was refused.
 *
 * @since 0.2.0
 */
export interface InvalidOutcome extends t.TypeOf<typeof InvalidOutcomeC> {}

const CancelledC = closed('Cancelled', { _tag: t.literal('Cancelled'), key: BackendKey, sent: t.boolean });

/**
 * The run was cancelled (`options.signal`) before this backend answered, which the result records
 * as a timeout; `sent` says whether the operation had been sent to it.
 *
 * @since 0.2.0
 */
export interface Cancelled extends t.TypeOf<typeof CancelledC> {}

const DeadlineExceededC = closed('DeadlineExceeded', {
  _tag: t.literal('DeadlineExceeded'),
  key: BackendKey,
  sent: t.boolean,
  deadlineUnixMs: Millis,
});

/**
 * The broadcast's overall deadline (`options.deadline`, here as milliseconds since the Unix
 * epoch) passed before this backend answered, which the result records as a timeout: the
 * deadline ended its request, not its own ack timeout; `sent` says whether the operation had
 * been sent to it.
 *
 * @since 0.3.0
 */
export interface DeadlineExceeded extends t.TypeOf<typeof DeadlineExceededC> {}

/**
 * What happened on the way to a backend that the result's shape cannot say: why a backend is
 * listed as failed or timed out when it did not answer so itself.
 *
 * @since 0.2.0
 */
export type LiveDiagnostic = TransportFailed | InvalidOutcome | Cancelled | DeadlineExceeded;

/**
 * The codec of `LiveDiagnostic`, to write diagnostics out and read them back.
 *
 * @since 0.2.0
 */
export const LiveDiagnostic: t.Type<LiveDiagnostic, LiveDiagnostic> = tagged('LiveDiagnostic', {
  TransportFailed: TransportFailedC,
  InvalidOutcome: InvalidOutcomeC,
  Cancelled: CancelledC,
  DeadlineExceeded: DeadlineExceededC,
});

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a diagnostic, one handler per kind.
 *
 * @example
 * import { matchDiagnostic } from 'lifecycle-broadcast'
 *
 * const describeDiagnostic = matchDiagnostic({
 *   TransportFailed: (d) => `${d.key.serviceName}: ${d.message}`,
 *   InvalidOutcome: (d) => `${d.key.serviceName}: ${d.message}`,
 *   Cancelled: (d) => `${d.key.serviceName}: cancelled ${d.sent ? 'before it answered' : 'before it was sent'}`,
 *   DeadlineExceeded: (d) => `${d.key.serviceName}: the deadline ${new Date(d.deadlineUnixMs).toISOString()} passed`,
 * })
 *
 * @since 0.2.0
 */
export const matchDiagnostic = matchTag<LiveDiagnostic>();
