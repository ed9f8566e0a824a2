import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import { backendCount, backends, isRegistered, keyId, liveCount, register, snapshot, unregister } from '../../src';
import type { Backend, Registry } from '../../src';
import { backendArbitrary, registryArbitrary } from '../../src/arbitraries';
import { backendAt, expectEqual, expectSame, lawParameters, receivedBy } from './support';

/** A registry with at least one backend, and the position of one of them. */
const registryWithPosition = (): fc.Arbitrary<{ readonly state: Registry; readonly at: number }> =>
  fc
    .tuple(registryArbitrary({ minLength: 1, weights: { Register: 6, Unregister: 0 } }), fc.nat())
    .filter(([state]) => backendCount(state) > 0)
    .map(([state, n]) => ({ state, at: n % backendCount(state) }));

const plain = (b: Backend): Backend => ({ key: b.key, live: b.live, response: b.response });

describe('law: register', () => {
  it('should replace a registered key in place, return the backend it replaced and start it with nothing received', () => {
    fc.assert(
      fc.property(registryWithPosition(), backendArbitrary(), ({ state, at }, b) => {
        const old = backends(state)[at] as Backend;
        const replacement: Backend = { ...b, key: old.key };
        const before = snapshot(state);

        const { state: next, result } = register(state, replacement);

        expectEqual(result, { _tag: 'BackendRegistered', backend: replacement, replaced: O.some(old) });
        expectSame(backendCount(next), backendCount(state));
        expectEqual(plain(backends(next)[at] as Backend), replacement);
        expectEqual(receivedBy(next, old.key), []);
        const others = (s: typeof before): typeof before.backends => s.backends.filter((_, i) => i !== at);
        expectEqual(others(snapshot(next)), others(before));
        expectSame(liveCount(next), liveCount(state) - (old.live ? 1 : 0) + (replacement.live ? 1 : 0));
      }),
      lawParameters(),
    );
  });

  it('should append a backend with a fresh key, return none and leave the others as they were', () => {
    fc.assert(
      fc.property(registryArbitrary(), backendArbitrary({ names: 'any' }), (state, b) => {
        fc.pre(!isRegistered(state, b.key));
        const before = snapshot(state);

        const { state: next, result } = register(state, b);

        expectEqual(result, { _tag: 'BackendRegistered', backend: b, replaced: O.none });
        expectSame(backendCount(next), backendCount(state) + 1);
        expectEqual(snapshot(next).backends, [...before.backends, { backend: b, received: [] }]);
        expectSame(liveCount(next), liveCount(state) + (b.live ? 1 : 0));
      }),
      lawParameters(),
    );
  });

  it('should make lookup return what was registered', () => {
    fc.assert(
      fc.property(registryArbitrary(), backendArbitrary(), (state, b) => {
        const { state: next } = register(state, b);

        expectEqual(backendAt(next, b.key), b);
      }),
      lawParameters(),
    );
  });
});

describe('law: unregister', () => {
  it('should remove exactly the backend under the key and keep the rest, in order, with what they received', () => {
    fc.assert(
      fc.property(registryWithPosition(), ({ state, at }) => {
        const gone = backends(state)[at] as Backend;
        const before = snapshot(state);

        const { state: next, result } = unregister(state, gone.key);

        expectEqual(result, { _tag: 'BackendUnregistered', backend: gone });
        expectSame(isRegistered(next, gone.key), false);
        expectEqual(
          snapshot(next).backends,
          before.backends.filter((_, i) => i !== at),
        );
        expectSame(liveCount(next), liveCount(state) - (gone.live ? 1 : 0));
      }),
      lawParameters(),
    );
  });

  it('should register a key again at the end, with nothing received', () => {
    fc.assert(
      fc.property(registryWithPosition(), ({ state, at }) => {
        const gone = backends(state)[at] as Backend;

        const { state: next } = register(unregister(state, gone.key).state, gone);

        expectEqual(
          backends(next).map((b) => keyId(b.key)),
          [
            ...backends(state)
              .filter((_, i) => i !== at)
              .map((b) => keyId(b.key)),
            keyId(gone.key),
          ],
        );
        expectEqual(receivedBy(next, gone.key), []);
      }),
      lawParameters(),
    );
  });
});
