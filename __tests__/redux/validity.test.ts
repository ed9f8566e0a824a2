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

/** The slice's development warning of a rejected action is captured by every test here. */
let warn: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  warn.mockRestore();
});

/**
 * Whether `step` and the slice accept `payload` for the kind of `a`; they must agree, neither
 * stores what it refuses, and the slice warns of each rejection in one line, and of nothing else.
 */
const agreeOn = (a: RegistryAction, payload: unknown): boolean => {
  let stepAccepts = true;
  try {
    step(createRegistry(), { _tag: a._tag, ...(payload as object) } as RegistryAction);
  } catch (error: unknown) {
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    stepAccepts = false;
  }
  warn.mockClear();
  const after = lifecycleBroadcastReducer(initial, { type: toSliceAction(a).type, payload });
  const sliceRejects = after.recentRejections.length > initial.recentRejections.length;
  expect(sliceRejects).toBe(!stepAccepts);
  if (after.lastEvent?._tag === 'ActionRejected') {
    expect(snapshot(after.registry)).toEqual(snapshot(initial.registry));
    expect(warn.mock.calls).toEqual([
      [
        `lifecycle-broadcast: ${after.lastEvent.type} was rejected, nothing changed: ${after.lastEvent.errors.join('; ')}`,
      ],
    ]);
    expect(after.lastEvent.errors.join('; ')).not.toMatch(/[\n\r]/);
  } else {
    expect(warn).not.toHaveBeenCalled();
  }
  return stepAccepts;
};

describe('lifecycleBroadcastReducer and step', () => {
  it('should accept and refuse the same actions', () => {
    fc.assert(
      fc.property(
        registryActionArbitrary({ names: 'any' }).chain((a) =>
          maybeHostile(fc.constant(fieldsOf(a))).map((payload) => ({ a, payload })),
        ),
        ({ a, payload }) => {
          agreeOn(a, payload);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should both accept every valid action', () => {
    fc.assert(
      fc.property(registryActionArbitrary({ names: 'any' }), (a) => {
        expect(agreeOn(a, fieldsOf(a))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('should both refuse an action with a part no codec accepts', () => {
    // Every field of every payload is an object, an array or a boolean: none of them may be null.
    const refused = registryActionArbitrary({ names: 'any' }).chain((a) =>
      fc.constantFrom(...Object.keys(fieldsOf(a))).map((field) => ({ a, payload: { ...fieldsOf(a), [field]: null } })),
    );
    fc.assert(
      fc.property(refused, ({ a, payload }) => {
        expect(agreeOn(a, payload)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
