/**
 * Action sequences for the log tests, from the exported arbitraries (names of any kind, so that
 * quoting, escaping and non-ASCII text go through the writer and the reader), and the records a
 * broker would write for them.
 */
import type * as fc from 'fast-check';

import type { BroadcastOperation, LogRecord, Registry, RegistryAction } from '../../src';
import { recordStep } from '../../src';
import { actionSequenceArbitrary, broadcastOperationArbitrary } from '../../src/arbitraries';

export const actionsArb: fc.Arbitrary<ReadonlyArray<RegistryAction>> = actionSequenceArbitrary({
  maxLength: 60,
  names: 'any',
});

/** Broadcast operations with names of any kind. */
export const operationArb: fc.Arbitrary<BroadcastOperation> = broadcastOperationArbitrary({ names: 'any' });

/** The records a broker would write for `actions`: each broadcast with the result it had. */
export const recordEntries = (initial: Registry, actions: ReadonlyArray<RegistryAction>): ReadonlyArray<LogRecord> => {
  let state = initial;
  return actions.map((action) => {
    const next = recordStep(state, action);
    state = next.state;
    return next.result;
  });
};
