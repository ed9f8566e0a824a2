/**
 * The actions of a slice are derived from one table: these properties hold for every registry
 * action fast-check generates, in every slice, so the table cannot disagree with
 * `RegistryAction` without a failure (the seed and path are printed; see laws/support.ts for how
 * to replay one).
 */
import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import {
  BackendRegisteredPayload,
  BackendUnregisteredPayload,
  LivenessSetPayload,
  OperationBroadcastPayload,
  OperationBroadcastToPayload,
  RegistryAction,
  ResponseSetPayload,
  createLifecycleBroadcastSlice,
  lifecycleBroadcastSlice,
} from '../../src';
import type { LifecycleBroadcastSlice } from '../../src';
import { registryActionArbitrary } from '../../src/arbitraries';
import { decode } from '../../src/internal/codec';
import { lawParameters } from '../laws/support';
import { unfrozenPaths } from './fixtures';

const fleet = createLifecycleBroadcastSlice({ name: 'fleet/eu-west', reducerPath: 'eu' });

/** Run `check` with the default slice or with another, as fast-check picks. */
const inEitherSlice =
  (check: <N extends string, P extends string>(slice: LifecycleBroadcastSlice<N, P>, action: RegistryAction) => void) =>
  (action: RegistryAction, other: boolean): void => {
    if (other) {
      check(fleet, action);
    } else {
      check(lifecycleBroadcastSlice, action);
    }
  };

describe('the action table', () => {
  it('should turn every registry action into a slice action and back, unchanged, field order included', () => {
    fc.assert(
      fc.property(
        registryActionArbitrary(),
        fc.boolean(),
        inEitherSlice((slice, action) => {
          const back = slice.toRegistryAction(slice.toSliceAction(action));
          expect(back).toEqual(action);
          expect(RegistryAction.is(back)).toBe(true);
          expect(JSON.stringify(back)).toBe(JSON.stringify(RegistryAction.encode(action)));
          expect(unfrozenPaths(back)).toEqual([]);
        }),
      ),
      lawParameters(),
    );
  });

  it('should give the same registry action whether the slice action is trusted or decoded from JSON', () => {
    fc.assert(
      fc.property(
        registryActionArbitrary(),
        fc.boolean(),
        inEitherSlice((slice, action) => {
          const sliceAction = slice.toSliceAction(action);
          const wire: unknown = JSON.parse(JSON.stringify(sliceAction));
          expect(slice.decodeRegistryAction(wire)).toEqual(E.right(slice.toRegistryAction(sliceAction)));
          expect(slice.decodeSliceAction(wire)).toEqual(E.right(sliceAction));
        }),
      ),
      lawParameters(),
    );
  });

  it('should build with each creator the action toSliceAction builds', () => {
    fc.assert(
      fc.property(registryActionArbitrary(), (action) => {
        const { actions } = lifecycleBroadcastSlice;
        const built = (() => {
          switch (action._tag) {
            case 'Register':
              return actions.backendRegistered(action.backend);
            case 'SetLive':
              return actions.livenessSet(action.key, action.live);
            case 'SetResponse':
              return actions.responseSet(action.key, action.response);
            case 'Unregister':
              return actions.backendUnregistered(action.key);
            case 'Broadcast':
              return actions.operationBroadcast(action.operation);
            case 'BroadcastTo':
              return actions.operationBroadcastTo(action.operation, action.keys);
          }
        })();
        expect(built).toEqual(lifecycleBroadcastSlice.toSliceAction(action));
      }),
      lawParameters(),
    );
  });

  it('should give each kind of registry action its own action name', () => {
    const tags = fc
      .sample(registryActionArbitrary(), { numRuns: 300, seed: 1 })
      .reduce<Map<string, string>>(
        (byTag, action) => byTag.set(action._tag, lifecycleBroadcastSlice.toSliceAction(action).type),
        new Map(),
      );
    expect(tags.size).toBe(6);
    expect(new Set(tags.values()).size).toBe(6);
  });
});

describe('payload codecs', () => {
  const payloads = [
    BackendRegisteredPayload,
    LivenessSetPayload,
    ResponseSetPayload,
    BackendUnregisteredPayload,
    OperationBroadcastPayload,
    OperationBroadcastToPayload,
  ];

  it('should be named after their type, and be the codec each action’s payload is checked with', () => {
    expect(payloads.map((codec) => codec.name)).toEqual([
      'BackendRegisteredPayload',
      'LivenessSetPayload',
      'ResponseSetPayload',
      'BackendUnregisteredPayload',
      'OperationBroadcastPayload',
      'OperationBroadcastToPayload',
    ]);
  });

  it('should decode every payload a creator builds to itself, and encode it to itself', () => {
    fc.assert(
      fc.property(registryActionArbitrary(), (action) => {
        const { payload } = lifecycleBroadcastSlice.toSliceAction(action);
        const matching = payloads.filter((codec) => codec.is(payload));
        expect(matching).toHaveLength(1);
        const codec = matching[0] as t.Mixed;
        expect(decode(codec, payload)).toEqual(E.right(payload));
        expect(codec.encode(payload)).toEqual(payload);
      }),
      lawParameters(),
    );
  });
});
