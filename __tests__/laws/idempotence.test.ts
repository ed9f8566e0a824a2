import * as fc from 'fast-check';

import {
  setLive,
  setLiveAction,
  setResponse,
  setResponseAction,
  snapshot,
  unregister,
  unregisterAction,
} from '../../src';
import type { BackendKey, Registry } from '../../src';
import { backendKeyArbitrary, broadcastBackendResponseArbitrary, registryArbitrary } from '../../src/arbitraries';
import { backendAt, expectEqual, expectSame, lawParameters } from './support';

/** A registry and a key that is registered in it more often than not. */
const registryAndKey = (): fc.Arbitrary<{ readonly state: Registry; readonly key: BackendKey }> =>
  fc
    .tuple(registryArbitrary(), fc.nat(), backendKeyArbitrary(), fc.boolean())
    .map(([state, n, fresh, pickRegistered]) => {
      const registered = snapshot(state).backends;
      const picked = registered[n % Math.max(1, registered.length)];
      return { state, key: pickRegistered && picked !== undefined ? picked.backend.key : fresh };
    });

describe('law: idempotence of setLive', () => {
  it('should change nothing the second time: the same registry and an unchanged backend', () => {
    fc.assert(
      fc.property(registryAndKey(), fc.boolean(), ({ state, key }, live) => {
        const once = setLive(state, key, live);

        const twice = setLive(once.state, key, live);

        expectSame(twice.state, once.state);
        if (twice.result._tag === 'LivenessSet') {
          expectSame(twice.result.backend, twice.result.previous);
          expectSame(twice.result.backend.live, live);
        } else {
          expectSame(once.state, state);
        }
      }),
      lawParameters(),
    );
  });

  it('should return the same registry when the backend already has that liveness', () => {
    fc.assert(
      fc.property(registryAndKey(), ({ state, key }) => {
        const current = backendAt(state, key);
        fc.pre(current !== undefined);

        expectSame(setLive(state, key, current.live).state, state);
      }),
      lawParameters(),
    );
  });
});

describe('law: idempotence of setResponse', () => {
  it('should change nothing the second time: the same registry and an unchanged backend', () => {
    fc.assert(
      fc.property(registryAndKey(), broadcastBackendResponseArbitrary(), ({ state, key }, response) => {
        const once = setResponse(state, key, response);

        const twice = setResponse(once.state, key, response);

        expectSame(twice.state, once.state);
        if (twice.result._tag === 'ResponseSet') {
          expectSame(twice.result.backend, twice.result.previous);
          expectEqual(twice.result.backend.response, response);
        } else {
          expectSame(once.state, state);
        }
      }),
      lawParameters(),
    );
  });

  it('should return the same registry when the backend already answers that way', () => {
    fc.assert(
      fc.property(registryAndKey(), ({ state, key }) => {
        const current = backendAt(state, key);
        fc.pre(current !== undefined);

        expectSame(setResponse(state, key, structuredClone(current.response)).state, state);
      }),
      lawParameters(),
    );
  });
});

describe('law: unknown keys change nothing', () => {
  it('should return the same registry and KeyNotFound from setLive, setResponse and unregister', () => {
    fc.assert(
      fc.property(
        registryAndKey(),
        fc.boolean(),
        broadcastBackendResponseArbitrary(),
        ({ state, key }, live, response) => {
          fc.pre(backendAt(state, key) === undefined);

          const cases = [
            { r: setLive(state, key, live), action: setLiveAction(key, live) },
            { r: setResponse(state, key, response), action: setResponseAction(key, response) },
            { r: unregister(state, key), action: unregisterAction(key) },
          ];
          for (const { r, action } of cases) {
            expectSame(r.state, state);
            expectEqual(r.result, { _tag: 'KeyNotFound', action, key });
          }
        },
      ),
      lawParameters(),
    );
  });
});
