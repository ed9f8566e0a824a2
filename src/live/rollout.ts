/**
 * Rollouts and retries of a live broadcast: their options, checked as they come from plain
 * JavaScript, how targets split into waves, when a failure budget is crossed, and how long to wait
 * between waves and attempts.
 *
 * @since 0.3.0
 */
import type { Backend } from '../domain/Backend';
import { show } from '../internal/codec';
import type { Deadline } from './fanOut';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How many failures a rollout tolerates before it sends nothing more. A failure is a backend that
 * did not acknowledge (it answered `Failure`, its transport failed, or it timed out). The rollout
 * stops once the failures so far exceed `failures`, or exceed `ratio` times the number of
 * backends the rollout is for; at least one of the two is given.
 *
 * @since 0.3.0
 */
export interface FailureBudget {
  /** A non-negative integer: this many failures are tolerated, one more stops the rollout. */
  readonly failures?: number;
  /** A number from 0 to 1: the share of the rollout's backends that may fail. */
  readonly ratio?: number;
}

/**
 * A rollout: the operation goes out wave after wave, in registration order.
 *
 * @since 0.3.0
 */
export interface RolloutOptions {
  /**
   * The size of a wave: a positive integer (backends per wave), or a percentage of the backends
   * the rollout is for, as a string such as `'10%'` (rounded up, at least one backend).
   */
  readonly wave: number | `${number}%`;
  /** How long to wait between the end of a wave and the start of the next (default 0). */
  readonly pauseMs?: number;
  /** When to stop sending; without one, every wave goes out. */
  readonly failureBudget?: FailureBudget;
}

/**
 * Retries: the backends that did not acknowledge are sent the operation again.
 *
 * @since 0.3.0
 */
export interface RetryOptions {
  /** The most requests one backend gets, the first included: a positive integer (1: no retry). */
  readonly attempts: number;
  /**
   * The wait before the second attempt, in milliseconds; it doubles before each later one
   * (`backoffMs`, `2 * backoffMs`, `4 * backoffMs`, ...).
   */
  readonly backoffMs: number;
  /**
   * A number from 0 to 1 (default 0): each wait is shortened by a random share of at most this
   * much of it, so that brokers retrying together spread out.
   */
  readonly jitter?: number;
  /** Where the jitter's randomness comes from: numbers in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** The longest single wait: what one JavaScript timer holds. */
export const MAX_WAIT_MS = 2_147_483_647;

// -------------------------------------------------------------------------------------
// checks of input from plain JavaScript
// -------------------------------------------------------------------------------------

const where = (name: string): string => `runBroadcast: options.${name}`;

const record = (name: string, value: unknown): Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where(name)}: expected an object, got ${show(value)}`);
  }
  return value as Readonly<Record<string, unknown>>;
};

const integer = (name: string, value: unknown, min: number, max: number): number => {
  if (typeof value !== 'number') {
    throw new TypeError(
      `${where(name)}: expected an integer from ${String(min)} to ${String(max)}, got ${show(value)}`,
    );
  }
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${where(name)}: expected an integer from ${String(min)} to ${String(max)}, got ${show(value)}`,
    );
  }
  return value;
};

const share = (name: string, value: unknown): number => {
  if (typeof value !== 'number') {
    throw new TypeError(`${where(name)}: expected a number from 0 to 1, got ${show(value)}`);
  }
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${where(name)}: expected a number from 0 to 1, got ${show(value)}`);
  }
  return value;
};

/** A rollout as the runner uses it. */
export interface Rollout {
  /** The size of each wave, given how many backends the rollout is for. */
  readonly waveSize: (targets: number) => number;
  readonly pauseMs: number;
  /** The most failures tolerated, given how many backends the rollout is for. */
  readonly tolerated: (targets: number) => number;
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** `options.rollout`, checked; `undefined` when there is none. */
export const rolloutOf = (value: unknown): Rollout | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const r = record('rollout', value);
  for (const k of Object.keys(r)) {
    if (!['wave', 'pauseMs', 'failureBudget'].includes(k)) {
      throw new TypeError(`${where('rollout')}: unexpected field ${show(k)}`);
    }
  }
  let waveSize: (targets: number) => number;
  if (typeof r.wave === 'string') {
    const m = PERCENT.exec(r.wave);
    const percent = m === null ? Number.NaN : Number(m[1]);
    if (!(percent > 0 && percent <= 100)) {
      throw new RangeError(
        `${where('rollout.wave')}: expected a positive integer or a percentage from 0 to 100 such as '10%', got ${show(r.wave)}`,
      );
    }
    waveSize = (targets) => Math.max(1, Math.ceil((targets * percent) / 100));
  } else if (typeof r.wave === 'number') {
    const size = integer('rollout.wave', r.wave, 1, Number.MAX_SAFE_INTEGER);
    waveSize = () => size;
  } else {
    throw new TypeError(
      `${where('rollout.wave')}: expected a positive integer or a percentage such as '10%', got ${show(r.wave)}`,
    );
  }
  const pauseMs = r.pauseMs === undefined ? 0 : integer('rollout.pauseMs', r.pauseMs, 0, MAX_WAIT_MS);
  let tolerated: (targets: number) => number = () => Number.POSITIVE_INFINITY;
  if (r.failureBudget !== undefined) {
    const b = record('rollout.failureBudget', r.failureBudget);
    for (const k of Object.keys(b)) {
      if (!['failures', 'ratio'].includes(k)) {
        throw new TypeError(`${where('rollout.failureBudget')}: unexpected field ${show(k)}`);
      }
    }
    if (b.failures === undefined && b.ratio === undefined) {
      throw new TypeError(`${where('rollout.failureBudget')}: expected failures, ratio or both, got ${show(b)}`);
    }
    const failures =
      b.failures === undefined
        ? Number.POSITIVE_INFINITY
        : integer('rollout.failureBudget.failures', b.failures, 0, Number.MAX_SAFE_INTEGER);
    const ratio = b.ratio === undefined ? undefined : share('rollout.failureBudget.ratio', b.ratio);
    tolerated = (targets) => Math.min(failures, ratio === undefined ? Number.POSITIVE_INFINITY : ratio * targets);
  }
  return { waveSize, pauseMs, tolerated };
};

/** Retries as the runner uses them. */
export interface Retry {
  readonly attempts: number;
  /** The wait before attempt `k` (2, 3, ...). */
  readonly waitBefore: (k: number) => number;
}

/** `options.retry`, checked; `undefined` when there is none. */
export const retryOf = (value: unknown): Retry | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const r = record('retry', value);
  for (const k of Object.keys(r)) {
    if (!['attempts', 'backoffMs', 'jitter', 'random'].includes(k)) {
      throw new TypeError(`${where('retry')}: unexpected field ${show(k)}`);
    }
  }
  const attempts = integer('retry.attempts', r.attempts, 1, 1000);
  const backoffMs = integer('retry.backoffMs', r.backoffMs, 0, MAX_WAIT_MS);
  const jitter = r.jitter === undefined ? 0 : share('retry.jitter', r.jitter);
  if (r.random !== undefined && typeof r.random !== 'function') {
    throw new TypeError(`${where('retry.random')}: expected a function, got ${show(r.random)}`);
  }
  const random = (r.random ?? Math.random) as () => number;
  const waitBefore = (k: number): number => {
    const base = Math.min(MAX_WAIT_MS, backoffMs * 2 ** (k - 2));
    if (jitter === 0) {
      return base;
    }
    const u = random();
    if (!(typeof u === 'number' && u >= 0 && u < 1)) {
      throw new RangeError(`${where('retry.random')}: expected a number in [0, 1), got ${show(u)}`);
    }
    return Math.round(base * (1 - jitter * u));
  };
  return { attempts, waitBefore };
};

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** `targets` in waves of `size`, in their order. */
export const wavesOf = (targets: ReadonlyArray<Backend>, size: number): ReadonlyArray<ReadonlyArray<Backend>> => {
  const waves: Array<ReadonlyArray<Backend>> = [];
  for (let i = 0; i < targets.length; i += size) {
    waves.push(targets.slice(i, i + size));
  }
  return waves;
};

/** How a wait between waves or attempts ended. */
export type Waited = 'elapsed' | 'cancelled' | 'deadline';

/**
 * Wait `ms`, or less: until `signal` aborts, or until `deadline` passes if that comes first. A
 * wait of 0 still lets pending events be handled.
 */
export const wait = (ms: number, signal: AbortSignal | undefined, deadline: Deadline | undefined): Promise<Waited> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve('cancelled');
      return;
    }
    const left = deadline === undefined ? Number.POSITIVE_INFINITY : deadline.at - performance.now();
    const byDeadline = left <= ms;
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(byDeadline ? 'deadline' : 'elapsed');
      },
      Math.max(0, Math.min(MAX_WAIT_MS, Math.ceil(byDeadline ? left : ms))),
    );
    function onAbort(): void {
      clearTimeout(timer);
      resolve('cancelled');
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
