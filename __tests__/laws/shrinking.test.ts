import * as fc from 'fast-check';

import { backends, broadcast, broadcastResult, createRegistry, keyId, liveCount, sentCount, step } from '../../src';
import type { BroadcastOperation, BroadcastResult, Registry, RegistryAction, Transition } from '../../src';
import { actionSequenceArbitrary } from '../../src/arbitraries';
import { lawParameters } from './support';

type Broadcast = (state: Registry, operation: BroadcastOperation) => Transition<BroadcastResult>;

/** A broadcast that forgets the last live backend: the off-by-one a careless refactoring brings. */
const skipsLastLive: Broadcast = (state, operation) => {
  const { state: next, result } = broadcast(state, operation);
  const last = backends(state)
    .filter((b) => b.live)
    .pop();
  const kept = <E extends { readonly key: Parameters<typeof keyId>[0] }>(es: ReadonlyArray<E>): ReadonlyArray<E> =>
    es.filter((e) => last === undefined || keyId(e.key) !== keyId(last.key));
  return {
    state: next,
    result: broadcastResult({
      operation: result.operation,
      acks: kept(result.acks),
      timeouts: kept(result.timeouts),
      failures: kept(result.failures),
      skippedDead: result.skippedDead,
    }),
  };
};

/** Fan-out conservation over a whole sequence, with broadcasts made by `broadcastWith`. */
const conservation = (broadcastWith: Broadcast): fc.IPropertyWithHooks<[ReadonlyArray<RegistryAction>]> =>
  fc.property(actionSequenceArbitrary(), (actions) => {
    let state = createRegistry();
    for (const action of actions) {
      if (action._tag === 'Broadcast') {
        const { state: next, result } = broadcastWith(state, action.operation);
        if (sentCount(result) !== liveCount(state)) {
          return false;
        }
        state = next;
      } else {
        state = step(state, action).state;
      }
    }
    return true;
  });

describe('law: counterexamples shrink', () => {
  it('should find nothing wrong with the real broadcast', () => {
    const details = fc.check(conservation(broadcast), lawParameters());

    expect(details.failed).toBe(false);
  });

  it('should catch a broadcast that skips the last live backend, and shrink the sequence to a few actions', () => {
    const details = fc.check(conservation(skipsLastLive), lawParameters());

    expect(details.failed).toBe(true);
    const [actions] = details.counterexample ?? [[]];
    expect(actions.length).toBeGreaterThanOrEqual(2);
    expect(actions.length).toBeLessThanOrEqual(3);
    expect(actions[actions.length - 1]?._tag).toBe('Broadcast');
    expect(actions.some((a) => a._tag === 'Register' && a.backend.live)).toBe(true);
  });

  it('should report the seed and path that replay the failure', () => {
    const details = fc.check(conservation(skipsLastLive), lawParameters());

    const report = fc.defaultReportMessage(details) ?? '';
    const replayed = fc.check(conservation(skipsLastLive), {
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      endOnFailure: true,
    });

    expect(report).toContain(`seed: ${String(details.seed)}`);
    expect(report).toContain(`path: "${details.counterexamplePath ?? '(none)'}"`);
    expect(replayed.counterexample).toEqual(details.counterexample);
  });
});
