/**
 * How a live broadcast reaches one backend: a `Transport` sends an operation and resolves with
 * the backend's `Outcome`, an acknowledgement or a failure. A transport never decides that a
 * backend timed out: the runner does, from the registry's policy (see `runBroadcast`).
 *
 * @since 0.2.0
 */
import * as t from 'io-ts';

import type { Backend } from '../domain/Backend';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastFailureReason, ack, failure } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { checked, closed, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const AckOutcomeC = closed('Ack', { _tag: t.literal('Ack') });

/**
 * The backend acknowledged the operation.
 *
 * @since 0.2.0
 */
export interface AckOutcome extends t.TypeOf<typeof AckOutcomeC> {}

const FailureOutcomeC = closed('Failure', { _tag: t.literal('Failure'), reason: BroadcastFailureReason });

/**
 * The backend answered that it failed the operation, with its reason.
 *
 * @since 0.2.0
 */
export interface FailureOutcome extends t.TypeOf<typeof FailureOutcomeC> {}

/**
 * What one backend answered to one operation: `Ack`, or `Failure` with a reason. Both shapes are
 * also `BroadcastBackendResponse`s, so an outcome is the response the model would need to
 * predict it.
 *
 * @since 0.2.0
 */
export type Outcome = AckOutcome | FailureOutcome;

/**
 * The codec of `Outcome`: `{ "_tag": "Ack" }` or `{ "_tag": "Failure", "reason": ... }`, nothing
 * else (an unknown field is an error). Decoding an encoded outcome gives it back.
 *
 * @example
 * import { Outcome } from 'lifecycle-broadcast'
 *
 * Outcome.decode({ _tag: 'Failure', reason: 'Rejected' }) // right({ _tag: 'Failure', reason: 'Rejected' })
 * Outcome.is({ _tag: 'Timeout' }) // false: a transport never decides a timeout
 *
 * @since 0.2.0
 */
export const Outcome: t.Type<Outcome, Outcome> = tagged('Outcome', { Ack: AckOutcomeC, Failure: FailureOutcomeC });

/**
 * The longest extension one progress report may ask for: 2,147,483,647 ms (about 24.8 days).
 *
 * @since 0.3.0
 */
export const MAX_EXTEND_MS = 2_147_483_647;

/**
 * How many times one request's timer may be extended by the backend's progress reports: 10.
 * Later reports for that request are ignored, so a backend that floods progress gets no more time.
 *
 * @since 0.3.0
 */
export const MAX_EXTENSIONS = 10;

/**
 * What the runner gives a transport with each request besides the operation: what to send along
 * (the overall deadline and the trace context, each present only when the run has one), and how to
 * report the backend's progress.
 *
 * @since 0.3.0
 */
export interface RequestContext {
  /** The run's overall deadline (`options.deadline`), in milliseconds since the Unix epoch. */
  readonly deadlineUnixMs?: number;
  /** The W3C `traceparent` of this request (`options.traceContext`, or the request's span). */
  readonly traceparent?: string;
  /** The W3C `tracestate` that goes with it. */
  readonly tracestate?: string;
  /**
   * The backend asked for `extendMs` more milliseconds (a positive integer of at most
   * `MAX_EXTEND_MS`, otherwise a `RangeError`): its deadline moves to `extendMs` from now if that
   * is later, never past the overall deadline, at most `MAX_EXTENSIONS` times. Ignored once the
   * request was decided.
   */
  readonly progress: (extendMs: number) => void;
}

/**
 * Send `operation` to `backend` and resolve with its answer.
 *
 * The contract, which `runBroadcast` relies on and enforces:
 * - resolve with the `Outcome` the backend answered;
 * - reject (or throw) when no valid answer could be had: the runner records `Failure
 *   BackendError` and keeps the error's message, and its `code` when it is a string, in its
 *   diagnostics;
 * - stop and settle soon after `signal` aborts (the runner has then already recorded a timeout
 *   or a cancellation and no longer listens, so a transport that never settles costs only what
 *   it holds);
 * - send `context`'s deadline and trace context along when its protocol can carry them, and call
 *   `context.progress` when the backend asks for more time (a transport that ignores `context`
 *   still works: its backends get no extension).
 *
 * A plain async function is a transport:
 *
 * @example
 * import { ackOutcome, failureOutcome, type Transport } from 'lifecycle-broadcast'
 *
 * // Every backend acknowledges, except the soldr ones, which do not support quiesce.
 * const inMemory: Transport = async (backend, operation) =>
 *   backend.key.serviceName === 'soldr' && operation._tag === 'Quiesce'
 *     ? failureOutcome('UnsupportedOperation')
 *     : ackOutcome
 *
 * @since 0.2.0
 */
export type Transport = (
  backend: Backend,
  operation: BroadcastOperation,
  signal: AbortSignal,
  context?: RequestContext,
) => Promise<Outcome>;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The backend acknowledged.
 *
 * @since 0.2.0
 */
export const ackOutcome: Outcome = Object.freeze({ _tag: 'Ack' });

const failureOutcomes: Readonly<Record<BroadcastFailureReason, Outcome>> = Object.freeze({
  UnsupportedOperation: Object.freeze({ _tag: 'Failure', reason: 'UnsupportedOperation' }),
  Rejected: Object.freeze({ _tag: 'Failure', reason: 'Rejected' }),
  BackendError: Object.freeze({ _tag: 'Failure', reason: 'BackendError' }),
});

/**
 * The backend failed the operation for `reason`, one of `failureReasons` (otherwise a
 * `RangeError`, or a `TypeError` for a value that is not a string).
 *
 * @since 0.2.0
 */
export const failureOutcome = (reason: BroadcastFailureReason): Outcome =>
  failureOutcomes[checked('failureOutcome', FailureOutcomeC, { _tag: 'Failure', reason }).reason];

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an outcome, one handler per kind.
 *
 * @example
 * import { failureOutcome, matchOutcome } from 'lifecycle-broadcast'
 *
 * const describeOutcome = matchOutcome({
 *   Ack: () => 'acknowledged',
 *   Failure: (o) => `failed (${o.reason})`,
 * })
 * describeOutcome(failureOutcome('BackendError')) // 'failed (BackendError)'
 *
 * @since 0.2.0
 */
export const matchOutcome = matchTag<Outcome>();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The modelled response that predicts `outcome`: the shared frozen `ack`, or `failure(reason)`.
 *
 * @since 0.2.0
 */
export const outcomeResponse: (outcome: Outcome) => BroadcastBackendResponse = matchOutcome<BroadcastBackendResponse>({
  Ack: () => ack,
  Failure: (o) => failure(o.reason),
});
