/**
 * What the law suites share: how many runs a property gets (and how to replay a failure), the
 * deep-frozen check, and the single-reducer dispatch the laws are stated over.
 */
import { isDeepStrictEqual } from 'node:util';

import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import type { Backend, BackendKey, BroadcastOperation, Registry, RegistryAction } from '../../src';
import {
  broadcast,
  broadcastTo,
  createRegistry,
  lookup,
  receivedOperations,
  register,
  replay,
  setLive,
  setResponse,
  unregister,
} from '../../src';
import type { ActionSequenceOptions } from '../../src/arbitraries';
import { actionSequenceArbitrary, broadcastPolicyArbitrary } from '../../src/arbitraries';

// -------------------------------------------------------------------------------------
// runs
// -------------------------------------------------------------------------------------

/** Runs per law unless `LIFECYCLE_BROADCAST_RUNS` says otherwise. */
export const DEFAULT_RUNS = 200;

/**
 * A law that fails on a long command sequence can take minutes to shrink completely: by default
 * a property stops after this long, and reports the counterexample as far as it got (its seed
 * and path resume the shrinking). A deep check has no limit.
 */
const TIME_LIMIT_MS = 30_000;

const integerFromEnv = (variable: string): number | undefined => {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`${variable} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return n;
};

const deepRuns = integerFromEnv('LIFECYCLE_BROADCAST_RUNS');
const seed = process.env.LIFECYCLE_BROADCAST_SEED;
const path = process.env.LIFECYCLE_BROADCAST_PATH;

if (deepRuns !== undefined) {
  // A deep check runs for as long as it needs.
  jest.setTimeout(60 * 60 * 1000);
}

/**
 * fast-check parameters for one law: `runs` runs within the time limit (`LIFECYCLE_BROADCAST_RUNS`
 * overrides both), and the seed and path of a failure to replay when `LIFECYCLE_BROADCAST_SEED`
 * (and `LIFECYCLE_BROADCAST_PATH`) are set.
 */
export const lawParameters = <Ts>(runs: number = DEFAULT_RUNS): fc.Parameters<Ts> => {
  const base: fc.Parameters<Ts> =
    deepRuns === undefined
      ? { numRuns: runs, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })] }
      : { numRuns: deepRuns };
  if (seed === undefined || seed === '') {
    return base;
  }
  const replayed = { ...base, seed: Number(seed) };
  return path === undefined || path === '' ? replayed : { ...replayed, path };
};

// -------------------------------------------------------------------------------------
// generated inputs
// -------------------------------------------------------------------------------------

/** A registry reached by some actions, and the next action of the same sequence. */
export interface StateAndAction {
  readonly state: Registry;
  readonly action: RegistryAction;
}

/**
 * A registry and an action aimed like the sequences of `actionSequenceArbitrary`: the action is
 * the last of a sequence and the registry is where the sequence got to before it.
 */
export const stateAndAction = (options?: ActionSequenceOptions): fc.Arbitrary<StateAndAction> =>
  fc
    .tuple(broadcastPolicyArbitrary(), actionSequenceArbitrary({ ...options, minLength: 1 }))
    .map(([policy, actions]) => ({
      state: replay(createRegistry(policy), actions.slice(0, -1)).state,
      action: actions[actions.length - 1] as RegistryAction,
    }));

// -------------------------------------------------------------------------------------
// reducers
// -------------------------------------------------------------------------------------

/** The individual reducer an action stands for, applied to `state`. */
export const applyReducer = (
  state: Registry,
  action: RegistryAction,
): { readonly state: Registry; readonly result: unknown } => {
  switch (action._tag) {
    case 'Register':
      return register(state, action.backend);
    case 'SetLive':
      return setLive(state, action.key, action.live);
    case 'SetResponse':
      return setResponse(state, action.key, action.response);
    case 'Unregister':
      return unregister(state, action.key);
    case 'Broadcast':
      return broadcast(state, action.operation);
    case 'BroadcastTo':
      return broadcastTo(state, action.operation, action.keys);
  }
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/** The backend registered under `key`, or `undefined`. */
export const backendAt = (state: Registry, key: BackendKey): Backend | undefined => O.toUndefined(lookup(state, key));

/** The operations received by the backend under `key`, or `undefined` when not registered. */
export const receivedBy = (state: Registry, key: BackendKey): ReadonlyArray<BroadcastOperation> | undefined =>
  O.toUndefined(receivedOperations(state, key));

// -------------------------------------------------------------------------------------
// values
// -------------------------------------------------------------------------------------

/** The path (`(root)`, `.a.b`, `.list.0`) of every object or array in `value` that is not frozen. */
export const unfrozenPaths = (value: unknown): ReadonlyArray<string> => {
  const out: string[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, at: string): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) {
      return;
    }
    seen.add(v);
    if (!Object.isFrozen(v)) {
      out.push(at === '' ? '(root)' : at);
    }
    for (const [k, child] of Object.entries(v)) {
      walk(child, `${at}.${k}`);
    }
  };
  walk(value, '');
  return out;
};

/**
 * A deep, unfrozen copy of plain JSON data, to compare an input with after a call. Not
 * `structuredClone`: under Jest it builds objects of another realm, whose prototypes make Node's
 * deep equality (used by `expectEqual`) fail where Jest's would not.
 */
export const copyOf = <A>(value: A): A => JSON.parse(JSON.stringify(value)) as A;

/**
 * `expect(actual).toEqual(expected)`, checked first with Node's much faster deep equality: Jest's
 * own comparison dominated the run time of the laws, and is only needed for its report.
 */
export const expectEqual = (actual: unknown, expected: unknown): void => {
  if (!isDeepStrictEqual(actual, expected)) {
    expect(actual).toEqual(expected);
  }
};

/** `expect(actual).toBe(expected)`, calling Jest only to report a failure. */
export const expectSame = (actual: unknown, expected: unknown): void => {
  if (!Object.is(actual, expected)) {
    expect(actual).toBe(expected);
  }
};
