/**
 * fast-check arbitraries for registry actions and log entries, over a small pool of keys so that
 * generated sequences re-register, flip and remove the same backends often.
 */
import * as fc from 'fast-check';

import type {
  BackendKey,
  BroadcastBackendResponse,
  BroadcastOperation,
  LogRecord,
  Registry,
  RegistryAction,
} from '../../src';
import {
  ack,
  backend,
  backendKey,
  broadcastAction,
  explicitInstance,
  failure,
  failureReasons,
  logRecord,
  privateInstance,
  quiesceOperation,
  quiesceReasons,
  registerAction,
  releaseHandlesOperation,
  setLiveAction,
  setResponseAction,
  sharedInstance,
  step,
  timeout,
  unregisterAction,
} from '../../src';

export const keyPool: ReadonlyArray<BackendKey> = [
  backendKey(sharedInstance, 'zccache', '1.11.20', ''),
  backendKey(sharedInstance, 'zccache', '1.11.20', 'ab12'),
  backendKey(privateInstance('soldr'), 'soldr', '0.4.1', ''),
  backendKey(explicitInstance('ci "runner"'), 'fbuild', '2.0.0', 'ff'),
];

export const keyArb: fc.Arbitrary<BackendKey> = fc.constantFrom(...keyPool);

export const responseArb: fc.Arbitrary<BroadcastBackendResponse> = fc.oneof(
  fc.constant(ack),
  fc.constant(timeout),
  fc.constantFrom(...failureReasons).map(failure),
);

export const operationArb: fc.Arbitrary<BroadcastOperation> = fc.oneof(
  fc.constantFrom('/cache', '/var/cache/zccache', 'C:\\cache', 'ünïcödé/路径').map(releaseHandlesOperation),
  fc.constantFrom(...quiesceReasons).map(quiesceOperation),
);

export const actionArb: fc.Arbitrary<RegistryAction> = fc.oneof(
  fc.tuple(keyArb, fc.boolean(), responseArb).map(([k, live, r]) => registerAction(backend(k, live, r))),
  fc.tuple(keyArb, fc.boolean()).map(([k, live]) => setLiveAction(k, live)),
  fc.tuple(keyArb, responseArb).map(([k, r]) => setResponseAction(k, r)),
  keyArb.map(unregisterAction),
  operationArb.map(broadcastAction),
);

export const actionsArb: fc.Arbitrary<ReadonlyArray<RegistryAction>> = fc.array(actionArb, { maxLength: 60 });

/** The entries a broker would record for `actions`: each broadcast with the result it had. */
export const recordEntries = (initial: Registry, actions: ReadonlyArray<RegistryAction>): ReadonlyArray<LogRecord> => {
  let state = initial;
  return actions.map((action) => {
    const next = step(state, action);
    state = next.state;
    return next.result._tag === 'OperationBroadcast' ? logRecord(action, next.result.result) : logRecord(action);
  });
};
