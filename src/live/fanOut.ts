/**
 * The effectful part of a live broadcast: send one operation to some backends through a
 * transport, each with its own timer, and gather one answer per backend. Which backends, in how
 * many waves and attempts, and how the answers are reproduced in the model, are decided around it
 * (runBroadcast.ts).
 *
 * Timers decide nothing on their own. A reply can be in the socket's buffer, unread, when its
 * backend's timer fires (the event loop fell behind: thousands of replies, a long synchronous
 * task); deciding then would report a backend that answered in time as timed out. So a timer only
 * marks its request as due; the decision waits for two checks of the event loop (`setImmediate`),
 * the second of which comes after a whole poll for input that started once the deadline had passed
 * by the monotonic clock: every reply that had reached this process before the deadline has been
 * read by then. The same re-check makes timers of any length work (one JavaScript timer holds at
 * most 2^31 - 1 ms: a longer wait is a chain of them) and lets a backend's progress move its
 * deadline.
 *
 * @internal
 */
import * as E from 'fp-ts/Either';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { failure, timeout } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import type { LiveDiagnostic } from './LiveDiagnostic';
import type { RequestContext, Transport } from './Transport';
import { MAX_EXTEND_MS, MAX_EXTENSIONS, Outcome, outcomeResponse } from './Transport';

/** One target's answer as the model needs it, and why, when the backend did not say so itself. */
export interface Answer {
  readonly response: BroadcastBackendResponse;
  readonly diagnostic: LiveDiagnostic | undefined;
}

/**
 * What a fan-out gives: one answer per target, in the targets' order, `undefined` for a target
 * never sent to because `options.stop` said so.
 */
export interface FanOut {
  readonly answers: ReadonlyArray<Answer | undefined>;
  /** `options.signal` aborted while some target had not answered. */
  readonly cancelled: boolean;
}

/** The overall deadline: when, on the monotonic clock (`performance.now()`), and as Unix time. */
export interface Deadline {
  readonly at: number;
  readonly unixMs: number;
}

/** What travels with a request besides the operation: the trace context. */
export interface RequestExtras {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface FanOutOptions {
  readonly ackTimeoutMs: number;
  readonly concurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly deadline: Deadline | undefined;
  /** The trace context of the request to target `i`, asked just before it is sent. */
  readonly extrasOf?: (i: number) => RequestExtras | undefined;
  /** Told of each answer as it is decided (and of none after the fan-out resolved). */
  readonly onAnswer?: (i: number, answer: Answer) => void;
  /** Asked before each send: `true` sends nothing more (the fan-out waits for what is out). */
  readonly stop?: () => boolean;
}

/** The longest single timer a JavaScript runtime holds. */
const MAX_TIMER_MS = 2_147_483_647;

const now = (): number => performance.now();

/**
 * After the input already waiting has been read: Node's check phase; elsewhere (a browser has no
 * `setImmediate`) a task queued behind the ones already there.
 */
const afterInput: (f: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (f) => {
        globalThis.setImmediate(f);
      }
    : (f) => {
        setTimeout(f, 0);
      };

const timeoutReason = (ms: number): Error =>
  Object.assign(new Error(`no acknowledgement within ${String(ms)} ms`), { name: 'TimeoutError' });

const deadlineReason = (d: Deadline): Error =>
  Object.assign(new Error(`the broadcast's deadline ${new Date(d.unixMs).toISOString()} passed`), {
    name: 'TimeoutError',
  });

const transportFailed = (key: BackendKey, error: unknown): Answer => {
  const code = (error as { readonly code?: unknown } | null | undefined)?.code;
  return {
    response: failure('BackendError'),
    diagnostic: Object.freeze({
      _tag: 'TransportFailed',
      key,
      message: errorMessage(error),
      code: typeof code === 'string' ? code : null,
    }),
  };
};

const answerOf = (key: BackendKey, value: unknown): Answer => {
  const decoded = decode(Outcome, value);
  return E.isRight(decoded)
    ? { response: outcomeResponse(decoded.right), diagnostic: undefined }
    : {
        response: failure('BackendError'),
        diagnostic: Object.freeze({
          _tag: 'InvalidOutcome',
          key,
          message: `the transport resolved with ${show(value)}, not an outcome: ${decoded.left.join('; ')}`,
        }),
      };
};

/** Reading `code` off a hostile error can throw too: then it is reported without one. */
const safely = (key: BackendKey, error: unknown): Answer => {
  try {
    return transportFailed(key, error);
  } catch {
    return transportFailed(key, 'an error that could not be read');
  }
};

const deadlineExceeded = (key: BackendKey, sent: boolean, d: Deadline): Answer => ({
  response: timeout,
  diagnostic: Object.freeze({ _tag: 'DeadlineExceeded', key, sent, deadlineUnixMs: d.unixMs }),
});

interface Request {
  readonly controller: AbortController;
  /** When this request times out, on the monotonic clock: its own time, or the deadline. */
  deadlineAt: number;
  /** Whether `deadlineAt` is the overall deadline rather than the request's own time. */
  byDeadline: boolean;
  extensions: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When its timer last fired. */
  firedAt: number;
}

/**
 * Send `operation` to each of `targets` through `transport`, at most `concurrency` at a time, each
 * with its own timer from its own send, and resolve with every target's answer in the targets'
 * order. Never rejects: whatever a transport does becomes an answer.
 */
export const fanOut = (
  targets: ReadonlyArray<Backend>,
  operation: BroadcastOperation,
  transport: Transport,
  options: FanOutOptions,
): Promise<FanOut> =>
  new Promise((resolve) => {
    const { ackTimeoutMs, concurrency, signal, deadline, extrasOf, onAnswer, stop } = options;
    const n = targets.length;
    const answers: Array<Answer | undefined> = new Array<Answer | undefined>(n).fill(undefined);
    const outstanding = new Map<number, Request>();
    let next = 0;
    let answered = 0;
    /** Targets left unsent because `stop` said so. */
    let held = 0;
    let heldFrom = n;
    let done = false;
    let launching = false;
    /** Requests whose timer fired, to look at in the next check phase. */
    let due: number[] = [];
    /** Requests past their deadline at a check, decided at the check after the next poll. */
    let confirming: number[] = [];
    let dueScheduled = false;
    let confirmScheduled = false;

    const finish = (cancelled: boolean): void => {
      done = true;
      signal?.removeEventListener('abort', onAbort);
      resolve({ answers: answers, cancelled });
    };

    const record = (i: number, answer: Answer): void => {
      answers[i] = answer;
      answered += 1;
      onAnswer?.(i, answer);
    };

    const settle = (i: number, answer: Answer): void => {
      if (done || answers[i] !== undefined) {
        return; // late: a timeout or a cancellation already decided
      }
      record(i, answer);
      const request = outstanding.get(i);
      if (request !== undefined) {
        clearTimeout(request.timer);
        outstanding.delete(i);
      }
      if (answered + held === n) {
        finish(false);
      } else {
        launch();
      }
    };

    const arm = (i: number, request: Request): void => {
      const wait = Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(request.deadlineAt - now())));
      request.timer = setTimeout(() => {
        request.timer = undefined;
        request.firedAt = now();
        due.push(i);
        if (!dueScheduled) {
          dueScheduled = true;
          afterInput(checkDue);
        }
      }, wait);
    };

    /** Timers fired: re-arm those whose deadline moved or is still ahead, confirm the others. */
    const checkDue = (): void => {
      dueScheduled = false;
      const batch = due;
      due = [];
      const t = now();
      for (const i of batch) {
        const request = outstanding.get(i);
        if (request === undefined || request.timer !== undefined) {
          continue;
        }
        if (t < request.deadlineAt) {
          arm(i, request);
        } else if (request.firedAt >= request.deadlineAt) {
          // The poll for input of this turn began after the timer fired, so after the deadline:
          // whatever had come before it has been read.
          expire(i, request);
        } else {
          confirming.push(i);
        }
      }
      if (confirming.length > 0 && !confirmScheduled) {
        confirmScheduled = true;
        // Scheduled from a check phase, this runs in the next turn of the loop, after its poll.
        afterInput(confirmDue);
      }
    };

    const confirmDue = (): void => {
      confirmScheduled = false;
      const batch = confirming;
      confirming = [];
      const t = now();
      for (const i of batch) {
        const request = outstanding.get(i);
        if (done || request === undefined || request.timer !== undefined || answers[i] !== undefined) {
          continue;
        }
        if (t < request.deadlineAt) {
          arm(i, request); // a progress line read meanwhile moved it
        } else {
          expire(i, request);
        }
      }
    };

    function expire(i: number, request: Request): void {
      const target = targets[i] as Backend;
      const byDeadline = request.byDeadline && deadline !== undefined;
      request.controller.abort(byDeadline ? deadlineReason(deadline) : timeoutReason(ackTimeoutMs));
      settle(
        i,
        byDeadline ? deadlineExceeded(target.key, true, deadline) : { response: timeout, diagnostic: undefined },
      );
    }

    const progressOf =
      (i: number) =>
      (extendMs: number): void => {
        if (!(
          typeof extendMs === 'number' &&
          Number.isSafeInteger(extendMs) &&
          extendMs > 0 &&
          extendMs <= MAX_EXTEND_MS
        )) {
          throw new RangeError(
            `runBroadcast: progress: extendMs must be a positive integer of at most ${String(MAX_EXTEND_MS)}, got ${show(extendMs)}`,
          );
        }
        const request = outstanding.get(i);
        if (done || request === undefined || request.extensions >= MAX_EXTENSIONS) {
          return;
        }
        request.extensions += 1;
        const wanted = now() + extendMs;
        if (wanted <= request.deadlineAt) {
          return;
        }
        if (deadline !== undefined && wanted >= deadline.at) {
          request.deadlineAt = deadline.at;
          request.byDeadline = true;
        } else {
          request.deadlineAt = wanted;
        }
      };

    const send = (i: number): void => {
      const target = targets[i] as Backend;
      const sentAt = now();
      const own = sentAt + ackTimeoutMs;
      const byDeadline = deadline !== undefined && deadline.at <= own;
      const request: Request = {
        controller: new AbortController(),
        deadlineAt: byDeadline ? deadline.at : own,
        byDeadline,
        extensions: 0,
        timer: undefined,
        firedAt: 0,
      };
      outstanding.set(i, request);
      arm(i, request);
      const extras = extrasOf?.(i);
      const context: RequestContext = Object.freeze({
        ...(deadline === undefined ? {} : { deadlineUnixMs: deadline.unixMs }),
        ...extras,
        progress: progressOf(i),
      });
      let reply: Promise<unknown>;
      try {
        reply = Promise.resolve(transport(target, operation, request.controller.signal, context));
      } catch (error: unknown) {
        settle(i, safely(target.key, error));
        return;
      }
      reply.then(
        (value) => {
          settle(i, answerOf(target.key, value));
        },
        (error: unknown) => {
          settle(i, safely(target.key, error));
        },
      );
    };

    /** The deadline passed before these were sent: they time out unsent. */
    const expireUnsent = (): void => {
      const d = deadline as Deadline;
      while (next < n) {
        const i = next;
        next += 1;
        record(i, deadlineExceeded((targets[i] as Backend).key, false, d));
      }
      if (answered === n) {
        finish(false);
      }
    };

    // A loop, not recursion: a transport that throws at once settles inside `send`, and each
    // settlement launches the next, which would otherwise nest one call deeper per backend.
    const launch = (): void => {
      if (launching) {
        return;
      }
      launching = true;
      try {
        while (!done && outstanding.size < concurrency && next < n) {
          if (deadline !== undefined && now() >= deadline.at) {
            expireUnsent();
            return;
          }
          if (stop?.() === true) {
            held = n - next;
            heldFrom = next;
            next = n;
            if (answered + held === n) {
              finish(false);
            }
            return;
          }
          const i = next;
          next += 1;
          send(i);
        }
      } finally {
        launching = false;
      }
    };

    function onAbort(): void {
      if (done) {
        return;
      }
      let unanswered = 0;
      for (let i = 0; i < heldFrom; i++) {
        if (answers[i] !== undefined) {
          continue;
        }
        const request = outstanding.get(i);
        if (request !== undefined) {
          clearTimeout(request.timer);
          request.controller.abort(signal?.reason);
        }
        unanswered += 1;
        record(i, {
          response: timeout,
          diagnostic: Object.freeze({ _tag: 'Cancelled', key: (targets[i] as Backend).key, sent: i < next }),
        });
      }
      outstanding.clear();
      finish(unanswered > 0);
    }

    if (n === 0) {
      finish(false);
      return;
    }
    if (signal !== undefined) {
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    launch();
  });
