/**
 * `runBroadcast`: a real fan-out of one operation to every live backend of a registry, through a
 * `Transport`, reported in the model's vocabulary. The result has the shape, the codec and the
 * order of `broadcast`'s (of `broadcastTo`'s, given `options.keys`); the run also returns the registry actions that reproduce it, so a live
 * run can be recorded in an operation log, replayed and verified like any other.
 *
 * This is the effectful shell around the pure registry: it reads no clock but its timers and, for
 * an overall deadline, the time; it opens nothing itself, and loads anywhere (no Node module).
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';

import type { Backend } from '../domain/Backend';
import { BackendKey, copyKey, keyId } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastOperation, copyOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { arrayOf, decode, show } from '../internal/codec';
import type { Registry } from '../registry/Registry';
import { backends } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import { step } from '../registry/step';
import { unacknowledgedKeys } from '../domain/BroadcastResult';
import { mergeRetry } from '../registry/reducers';
import type { Answer, Deadline, FanOutOptions } from './fanOut';
import { fanOut } from './fanOut';
import type { LiveDiagnostic } from './LiveDiagnostic';
import type { Rollout, RolloutOptions, RetryOptions } from './rollout';
import { retryOf, rolloutOf, wait, wavesOf } from './rollout';
import type { BroadcastTelemetry, Tracking } from './telemetry';
import { startTracking, telemetryOf } from './telemetry';
import { TraceContext } from './TraceContext';
import type { Transport } from './Transport';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A live broadcast, done: what it observed in the model's words, and how to reproduce it.
 *
 * The law: `replay(start, actions)`, from the registry the run started from, ends in a registry
 * with the same snapshot as `state`, and its last event is an `OperationBroadcast` (an
 * `OperationBroadcastTo`, given `options.keys`) whose result equals `result`.
 *
 * @since 0.2.0
 */
export interface LiveBroadcast {
  /**
   * The result, with the codec, the lists, the order (registration order) and the status rules
   * of `broadcast`'s (with `options.retry`, the attempts' results merged with `mergeRetry`: each
   * backend with its latest answer): a backend that answered `Ack` is in `acks`, one that answered `Failure`,
   * or whose transport failed, in `failures`, one that did not answer within the policy's
   * `ackTimeoutMs` (or before the run was cancelled) in `timeouts`, a dead one in `skippedDead`.
   */
  readonly result: BroadcastResult;
  /** The registry after the run: the starting registry with the `actions` applied. */
  readonly state: Registry;
  /**
   * The actions that reproduce the run in the model: a `SetResponse` with the observed answer
   * for each live backend whose answer differs from its modelled response (in registration
   * order), then the `Broadcast` (the `BroadcastTo`, given `options.keys`).
   */
  readonly actions: ReadonlyArray<RegistryAction>;
  /**
   * True when `options.signal` cut the run short: at least one live backend had not answered
   * when it aborted, and is listed in `timeouts` (with a `Cancelled` diagnostic).
   */
  readonly cancelled: boolean;
  /**
   * Why backends failed or timed out without saying so themselves, in registration order (with
   * retries, for each backend its latest attempt's).
   */
  readonly diagnostics: ReadonlyArray<LiveDiagnostic>;
  /**
   * The live backends the run was for but never sent to, in registration order: a rollout
   * stopped by its failure budget, by the deadline or by cancellation before their wave. Empty
   * otherwise. The run is then reproduced by a `BroadcastTo` of the backends sent to.
   */
  readonly notSent: ReadonlyArray<BackendKey>;
  /**
   * The result of each attempt, in order: one without `options.retry`. Replaying `actions`
   * gives one broadcast event per attempt, each with its attempt's result; `result` is their
   * `mergeRetry`.
   */
  readonly attempts: ReadonlyArray<BroadcastResult>;
}

/**
 * How `runBroadcast` runs.
 *
 * @since 0.2.0
 */
export interface RunBroadcastOptions {
  /**
   * How many requests may be outstanding at once: a positive integer, or `Infinity` for no bound
   * (default `DEFAULT_CONCURRENCY`). A backend's ack timeout starts when its own request is sent,
   * not while it waits for its turn.
   */
  readonly concurrency?: number;
  /**
   * Cancels the run when it aborts: outstanding requests are aborted, nothing more is sent, and
   * the run resolves at once with every backend that had not answered listed as timed out,
   * `cancelled` set, and a `Cancelled` diagnostic for each.
   */
  readonly signal?: AbortSignal;
  /**
   * Send the operation only to the live backends among these keys, as `broadcastTo` does (in
   * registration order, a key given twice counts once, dead ones are skipped, keys that are not
   * registered are sent nothing); the run is then reproduced with a `BroadcastTo`. A retry of
   * the unacknowledged is `{ keys: unacknowledgedKeys(previous) }`.
   */
  readonly keys?: ReadonlyArray<BackendKey>;
  /**
   * When the whole run must be over: a `Date` (an absolute time), or a number of milliseconds
   * from the start of the run (a non-negative integer). When it passes, outstanding requests are
   * aborted and nothing more is sent; every backend that had not answered is listed in
   * `timeouts` with a `DeadlineExceeded` diagnostic. No backend is given time past it (not even by
   * its progress reports), and it goes to each backend with its request (`deadlineUnixMs`).
   */
  readonly deadline?: number | Date;
  /**
   * Send in waves, in registration order, each once the one before has answered (and
   * `pauseMs` after it), and stop when the failures so far exceed the failure budget: nothing more
   * is sent, and the backends never sent to are listed in `notSent`.
   */
  readonly rollout?: RolloutOptions;
  /**
   * Send again to the backends that did not acknowledge (`unacknowledgedKeys`), after a backoff,
   * until every backend acknowledged, the attempts run out, the deadline passes or the run is
   * cancelled. Each attempt is reproduced by its own actions (a `BroadcastTo` of the retried
   * keys); `result` is the merged result. A rollout stopped by its budget is not retried.
   */
  readonly retry?: RetryOptions;
  /**
   * The W3C trace context of the operation that broadcasts (`{ traceparent, tracestate? }`):
   * given to the transport with each request, which sends it along (the socket transport puts
   * `traceparent` and `tracestate` in each request line), so that backends can join the trace.
   */
  readonly traceContext?: TraceContext;
  /**
   * Report the broadcast to OpenTelemetry (`@opentelemetry/api`, an optional peer dependency):
   * given a `tracer`, the broadcast is a span, with a child span per request to a backend whose
   * context each request carries as its `traceparent` (unless `traceContext` is given); given a
   * `meter`, every answer is counted and every request's duration recorded. The names are listed
   * in docs/live.md.
   */
  readonly telemetry?: BroadcastTelemetry;
}

/**
 * The default bound on outstanding requests: 1024. A request costs little while it is out (a
 * timer, a promise, an abort controller, a line on a connection the transport keeps anyway), so
 * a registry of up to 1024 live backends goes out in one wave; a larger one is held to that.
 *
 * @since 0.2.0
 */
export const DEFAULT_CONCURRENCY = 1024;

// -------------------------------------------------------------------------------------
// reproduction
// -------------------------------------------------------------------------------------

const sameResponse = (a: BroadcastBackendResponse, b: BroadcastBackendResponse): boolean =>
  a._tag === b._tag && (a._tag !== 'Failure' || (b._tag === 'Failure' && a.reason === b.reason));

/** A reproduced attempt: its actions, and the registry and result they give. */
interface Reproduced {
  readonly actions: ReadonlyArray<RegistryAction>;
  readonly state: Registry;
  readonly result: BroadcastResult;
}

/**
 * The actions reproducing an attempt in the model (a `SetResponse` for each backend sent to whose
 * answer differs from its modelled response, then `final`, the action that broadcast), and the
 * registry and result they give. Computing the result by applying the actions makes the law hold
 * by construction: the result is the model's own.
 */
const reproduce = (
  registry: Registry,
  sent: ReadonlyArray<readonly [Backend, Answer]>,
  final: RegistryAction,
): Reproduced => {
  const actions: RegistryAction[] = [];
  for (const [target, answer] of sent) {
    if (!sameResponse(target.response, answer.response)) {
      actions.push(Object.freeze({ _tag: 'SetResponse', key: target.key, response: answer.response }));
    }
  }
  actions.push(final);
  let state = registry;
  let result: BroadcastResult | undefined;
  for (const action of actions) {
    const next = step(state, action);
    state = next.state;
    result =
      next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo'
        ? next.result.result
        : result;
  }
  return { actions, state, result: result as BroadcastResult };
};

const broadcastToAction = (operation: BroadcastOperation, keys: ReadonlyArray<BackendKey>): RegistryAction =>
  Object.freeze({ _tag: 'BroadcastTo', operation, keys: Object.freeze(keys.map(copyKey)) });

// -------------------------------------------------------------------------------------
// waves and attempts
// -------------------------------------------------------------------------------------

/** One attempt: what each target answered (`undefined`: never sent to). */
interface Sent {
  readonly answers: ReadonlyArray<Answer | undefined>;
  readonly cancelled: boolean;
  /** Some targets were never sent to. */
  readonly stopped: boolean;
}

/** `options` with the hooks of `tracking` for a fan-out to `targets` in attempt `attempt`. */
const observed = (
  options: FanOutOptions,
  tracking: Tracking | undefined,
  targets: ReadonlyArray<Backend>,
  attempt: number,
): FanOutOptions => {
  if (tracking === undefined) {
    return options;
  }
  const hooks = tracking.requests(targets, attempt);
  const own = options.onAnswer;
  return {
    ...options,
    extrasOf: hooks.extrasOf,
    onAnswer:
      own === undefined
        ? hooks.onAnswer
        : (i, answer) => {
            own(i, answer);
            hooks.onAnswer(i, answer);
          },
  };
};

/** Send to `targets` in the waves of `rollout` (one wave without one). */
const sendInWaves = async (
  targets: ReadonlyArray<Backend>,
  operation: BroadcastOperation,
  transport: Transport,
  options: FanOutOptions,
  rollout: Rollout | undefined,
  tracking: Tracking | undefined,
): Promise<Sent> => {
  if (rollout === undefined) {
    const run = await fanOut(targets, operation, transport, observed(options, tracking, targets, 1));
    return { answers: run.answers, cancelled: run.cancelled, stopped: false };
  }
  const tolerated = rollout.tolerated(targets.length);
  let failures = 0;
  const crossed = (): boolean => failures > tolerated;
  const answers: Array<Answer | undefined> = [];
  let cancelled = false;
  for (const wave of wavesOf(targets, rollout.waveSize(targets.length))) {
    tracking?.event('lifecycle_broadcast.wave', {
      'lifecycle_broadcast.wave.first': answers.length,
      'lifecycle_broadcast.wave.backends': wave.length,
    });
    if (answers.length > 0) {
      const waited = crossed() ? 'stopped' : await wait(rollout.pauseMs, options.signal, options.deadline);
      if (waited !== 'elapsed') {
        cancelled = waited === 'cancelled';
        break;
      }
    }
    const run = await fanOut(
      wave,
      operation,
      transport,
      observed(
        {
          ...options,
          stop: crossed,
          onAnswer: (_, answer) => {
            failures += answer.response._tag === 'Ack' ? 0 : 1;
          },
        },
        tracking,
        wave,
        1,
      ),
    );
    // One at a time: a spread of a wave's answers into push would overflow the stack at fleet size.
    for (const a of run.answers) {
      answers.push(a);
    }
    if (run.cancelled) {
      cancelled = true;
      break;
    }
  }
  const stopped = answers.length < targets.length || answers.some((a) => a === undefined);
  while (answers.length < targets.length) {
    answers.push(undefined);
  }
  return { answers, cancelled, stopped };
};

// -------------------------------------------------------------------------------------
// checks of input from plain JavaScript
// -------------------------------------------------------------------------------------

const fail = (what: string): never => {
  throw new TypeError(`runBroadcast: ${what}`);
};

const registeredBackends = (registry: unknown): ReadonlyArray<Backend> => {
  try {
    const all = backends(registry as Registry);
    const ms: unknown = (registry as Registry).policy.ackTimeoutMs;
    if (typeof ms === 'number' && ms > 0) {
      return all;
    }
  } catch {
    // reported below
  }
  return fail(`registry: expected a registry (from createRegistry and its reducers), got ${show(registry)}`);
};

const concurrencyOf = (value: unknown): number => {
  if (value === undefined) {
    return DEFAULT_CONCURRENCY;
  }
  if (value === Infinity || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) {
    return value;
  }
  throw new RangeError(
    `runBroadcast: options.concurrency: expected a positive integer or Infinity, got ${show(value)}`,
  );
};

const keysOf = (value: unknown): ReadonlyArray<BackendKey> | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const decoded = decode(arrayOf(BackendKey), value);
  return E.isRight(decoded) ? decoded.right : fail(`options.keys: ${decoded.left.join('; ')}`);
};

const deadlineOf = (value: unknown, startUnixMs: number, startAt: number): Deadline | undefined => {
  if (value === undefined) {
    return undefined;
  }
  let unixMs: number;
  if (value instanceof Date) {
    unixMs = value.getTime();
    if (Number.isNaN(unixMs)) {
      throw new RangeError('runBroadcast: options.deadline: expected a valid Date, got an invalid Date');
    }
  } else if (typeof value === 'number') {
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(
        `runBroadcast: options.deadline: expected a non-negative integer of milliseconds or a Date, got ${show(value)}`,
      );
    }
    unixMs = startUnixMs + value;
  } else {
    return fail(`options.deadline: expected a Date or a number of milliseconds, got ${show(value)}`);
  }
  return { at: startAt + (unixMs - startUnixMs), unixMs };
};

const traceContextOf = (value: unknown): TraceContext | undefined => {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return fail(`options.traceContext: expected { traceparent, tracestate? }, got ${show(value)}`);
  }
  const decoded = decode(TraceContext, value);
  return E.isRight(decoded)
    ? Object.freeze({ ...decoded.right })
    : fail(`options.traceContext: ${decoded.left.join('; ')}`);
};

const signalOf = (value: unknown): AbortSignal | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const s = value as Readonly<Record<string, unknown>> | null;
  return typeof s === 'object' &&
    s !== null &&
    typeof s.aborted === 'boolean' &&
    typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function'
    ? (value as AbortSignal)
    : fail(`options.signal: expected an AbortSignal, got ${show(value)}`);
};

// -------------------------------------------------------------------------------------
// runner
// -------------------------------------------------------------------------------------

/**
 * Broadcast `operation` for real: send it through `transport` to every live backend of
 * `registry` (or, given `options.keys`, to the live backends among them), concurrently (at most `options.concurrency` at once), skipping dead backends as
 * the model does, and give each backend the registry's `policy.ackTimeoutMs` from its own send:
 * when its timer fires, its request is aborted and it is listed as timed out.
 *
 * It never rejects because of a backend or a transport: a transport that throws, rejects,
 * resolves with something that is not an `Outcome`, or never settles, is recorded as a failure
 * or a timeout, with a diagnostic. It rejects only for an argument that is not what its type
 * says (a `TypeError` or `RangeError` naming it), before anything is sent.
 *
 * @example
 * import {
 *   ackOutcome,
 *   backendKey,
 *   broadcastPolicy,
 *   createRegistry,
 *   liveBackend,
 *   register,
 *   releaseHandlesOperation,
 *   replay,
 *   runBroadcast,
 *   sharedInstance,
 *   snapshot,
 * } from 'lifecycle-broadcast'
 * import { deepStrictEqual } from 'node:assert'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const start = register(createRegistry(broadcastPolicy(250)), liveBackend(zccache)).state
 * const live = await runBroadcast(start, releaseHandlesOperation('/var/cache'), async () => ackOutcome)
 * // live.result._tag === 'AllAcked'; live.actions: the Broadcast alone, as zccache answered as modelled
 * deepStrictEqual(snapshot(replay(start, live.actions).state), snapshot(live.state))
 *
 * @since 0.2.0
 */
export const runBroadcast = async (
  registry: Registry,
  operation: BroadcastOperation,
  transport: Transport,
  options: RunBroadcastOptions = {},
): Promise<LiveBroadcast> => {
  const all = registeredBackends(registry);
  const decoded = decode(BroadcastOperation, operation);
  if (E.isLeft(decoded)) {
    return fail(`operation: ${decoded.left.join('; ')}`);
  }
  if (typeof transport !== 'function') {
    return fail(`transport: expected a function, got ${show(transport)}`);
  }
  if (typeof options !== 'object' || (options as unknown) === null) {
    return fail(`options: expected an object, got ${show(options)}`);
  }
  const concurrency = concurrencyOf(options.concurrency);
  const signal = signalOf(options.signal);
  const keys = keysOf(options.keys);
  const deadline = deadlineOf(options.deadline, Date.now(), performance.now());
  const rollout = rolloutOf(options.rollout);
  const retry = retryOf(options.retry);
  const trace = traceContextOf(options.traceContext);
  const telemetry = telemetryOf(options.telemetry);
  const op = copyOperation(decoded.right);
  const wanted = keys === undefined ? undefined : new Set(keys.map(keyId));
  const targets = all.filter((b) => b.live && (wanted === undefined || wanted.has(keyId(b.key))));
  const fanOptions: FanOutOptions = {
    ackTimeoutMs: registry.policy.ackTimeoutMs,
    concurrency,
    signal,
    deadline,
    ...(trace === undefined ? {} : { extrasOf: () => trace }),
  };

  const tracking = telemetry === undefined ? undefined : startTracking(telemetry, op, targets.length, trace);
  const first = await sendInWaves(targets, op, transport, fanOptions, rollout, tracking);
  const sent = targets.flatMap((b, i) => {
    const answer = first.answers[i];
    return answer === undefined ? [] : [[b, answer] as const];
  });
  const final: RegistryAction = first.stopped
    ? broadcastToAction(
        op,
        sent.map(([b]) => b.key),
      )
    : keys === undefined
      ? Object.freeze({ _tag: 'Broadcast', operation: op })
      : broadcastToAction(op, keys);
  let reproduced = reproduce(registry, sent, final);
  const actions: RegistryAction[] = [...reproduced.actions];
  const attempts: BroadcastResult[] = [reproduced.result];
  const latest = new Map<string, LiveDiagnostic | undefined>(sent.map(([b, a]) => [keyId(b.key), a.diagnostic]));
  let cancelled = first.cancelled;

  for (let k = 2; retry !== undefined && !first.stopped && !cancelled && k <= retry.attempts; k++) {
    const again = unacknowledgedKeys(reproduced.result);
    if (again.length === 0 || (await wait(retry.waitBefore(k), signal, deadline)) !== 'elapsed') {
      break;
    }
    const ids = new Set(again.map(keyId));
    const retried = backends(reproduced.state).filter((b) => b.live && ids.has(keyId(b.key)));
    tracking?.event('lifecycle_broadcast.retry', {
      'lifecycle_broadcast.attempt': k,
      'lifecycle_broadcast.retry.backends': retried.length,
    });
    const run = await fanOut(retried, op, transport, observed(fanOptions, tracking, retried, k));
    const answered = retried.map((b, i) => [b, run.answers[i] as Answer] as const);
    reproduced = reproduce(reproduced.state, answered, broadcastToAction(op, again));
    for (const a of reproduced.actions) {
      actions.push(a);
    }
    attempts.push(reproduced.result);
    answered.forEach(([b, a]) => latest.set(keyId(b.key), a.diagnostic));
    cancelled = run.cancelled;
  }

  const result = attempts
    .slice(1)
    .reduce((merged, next) => mergeRetry(registry, merged, next), attempts[0] as BroadcastResult);
  const diagnostics = all.flatMap((b) => {
    const d = latest.get(keyId(b.key));
    return d === undefined ? [] : [d];
  });
  const notSent = targets.flatMap((b, i) => (first.answers[i] === undefined ? [b.key] : []));
  tracking?.end(result, notSent.length, attempts.length, cancelled);
  return Object.freeze({
    result,
    state: reproduced.state,
    actions: Object.freeze(actions),
    cancelled,
    diagnostics: Object.freeze(diagnostics),
    notSent: Object.freeze(notSent),
    attempts: Object.freeze(attempts),
  });
};
