/**
 * The Redux slice and the pure reducers agree on what a valid action is: the slice rejects a
 * payload exactly when `step` refuses the same fields, and neither stores what it refuses.
 */
import * as fc from 'fast-check';

import type { RegistryAction } from '../../src';
import { createRegistry, lifecycleBroadcastReducer, snapshot, step, toSliceAction } from '../../src';
import { registryActionArbitrary } from '../../src/arbitraries';
import { maybeHostile } from '../support/hostile';

/** The action's fields without `_tag`: a slice action's payload. */
const fieldsOf = (a: RegistryAction): Record<string, unknown> =>
  Object.fromEntries(Object.entries(a).filter(([k]) => k !== '_tag'));

const initial = lifecycleBroadcastReducer(undefined, { type: '@@init' });

describe('lifecycleBroadcastReducer and step', () => {
  it('should accept and refuse the same actions', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(
        registryActionArbitrary({ names: 'any' }).chain((a) =>
          maybeHostile(fc.constant(fieldsOf(a))).map((payload) => ({ a, payload })),
        ),
        ({ a, payload }) => {
          let stepAccepts = true;
          try {
            step(createRegistry(), { _tag: a._tag, ...(payload as object) } as RegistryAction);
          } catch (error: unknown) {
            expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
            stepAccepts = false;
          }
          const after = lifecycleBroadcastReducer(initial, { type: toSliceAction(a).type, payload });
          const sliceRejects = after.recentRejections.length > initial.recentRejections.length;
          expect(sliceRejects).toBe(!stepAccepts);
          seen[stepAccepts ? 'accepted' : 'refused'] += 1;
          if (sliceRejects) {
            expect(snapshot(after.registry)).toEqual(snapshot(initial.registry));
          }
        },
      ),
      { numRuns: 500 },
    );
    // Both sides of the agreement were tried, many times.
    expect(seen.accepted).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });
});
