/**
 * Shared test data for the Redux composition: a few backends and a realistic scenario, and the
 * helpers the specifications use to compare a store with the pure reducers.
 */
import * as E from 'fp-ts/Either';

import {
  LogRecord,
  backendKey,
  backendRegistered,
  backendUnregistered,
  deadBackend,
  recordAction,
  explicitInstance,
  failure,
  liveBackend,
  livenessSet,
  operationBroadcast,
  privateInstance,
  quiesceOperation,
  releaseHandlesOperation,
  responseSet,
  sharedInstance,
  timeout,
  toRegistryAction,
  withResponse,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { LifecycleBroadcastAction, RegistryAction } from '../../src';

export const zccache = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab12');
export const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
export const fbuild = backendKey(explicitInstance('ci'), 'fbuild', '2.0.0');
export const ghost = backendKey(sharedInstance, 'ghost', '0.0.1');

/**
 * Register three backends (one timing out, one dead), broadcast both kinds of operation while
 * liveness and responses change, name a key that was never registered, unregister, re-register.
 */
export const scenario: ReadonlyArray<LifecycleBroadcastAction> = [
  backendRegistered(liveBackend(zccache)),
  backendRegistered(withResponse(liveBackend(soldr), timeout)),
  backendRegistered(deadBackend(fbuild)),
  operationBroadcast(releaseHandlesOperation('/var/cache/zccache')),
  livenessSet(fbuild, true),
  responseSet(fbuild, failure('BackendError')),
  operationBroadcast(quiesceOperation('IdleTimeout')),
  livenessSet(zccache, false),
  backendUnregistered(soldr),
  livenessSet(ghost, true),
  backendUnregistered(ghost),
  operationBroadcast(quiesceOperation('Maintenance')),
  backendRegistered(liveBackend(soldr)),
  livenessSet(zccache, true),
  operationBroadcast(releaseHandlesOperation('/tmp/fbuild')),
];

/** The registry actions of the scenario, for the pure `replay`. */
export const scenarioActions: ReadonlyArray<RegistryAction> = scenario.map(toRegistryAction);

/** The value of a `Right`, failing the test with the errors of a `Left`. */
export const expectRight = <A>(e: E.Either<ReadonlyArray<string>, A>): A => {
  if (E.isLeft(e)) {
    throw new Error(`expected a right, got left: ${e.left.join('; ')}`);
  }
  return e.right;
};

/** The errors of a `Left`, failing the test on a `Right`. */
export const expectLeft = <A>(e: E.Either<ReadonlyArray<string>, A>): ReadonlyArray<string> => {
  if (E.isRight(e)) {
    throw new Error(`expected a left, got right: ${JSON.stringify(e.right)}`);
  }
  return e.left;
};

/** Decode recorded entries (as parsed JSON) back into registry actions. */
export const decodeEntries = (entries: ReadonlyArray<unknown>): ReadonlyArray<LogRecord> =>
  entries.map((entry) => expectRight(decode(LogRecord, entry)));

/** The registry actions of decoded entries. */
export const actionsOf = (entries: ReadonlyArray<LogRecord>): ReadonlyArray<RegistryAction> =>
  entries.map(recordAction);

/** Paths (from `root`) of every object or array reachable from `value` that is not frozen. */
export const unfrozenPaths = (value: unknown, root = '(root)'): ReadonlyArray<string> => {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const here = Object.isFrozen(value) ? [] : [root];
  return [...here, ...Object.entries(value).flatMap(([k, v]) => unfrozenPaths(v, `${root}.${k}`))];
};

/**
 * Options for Redux Toolkit's `getDefaultMiddleware`: both development checks stay on, but their
 * own "took N ms" warning is raised from 32 ms, since it measures how busy the machine is, not
 * the state, and would make the specifications depend on timing.
 */
export const checksWithoutTimingWarnings = {
  immutableCheck: { warnAfter: 10_000 },
  serializableCheck: { warnAfter: 10_000 },
} as const;
