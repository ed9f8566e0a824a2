/**
 * A key remembers where it was last found and a lookup tries that position first: the answers
 * must be those of the index whatever registry the key was last looked up in.
 */
import { backends, createRegistry, isRegistered, liveBackend, register, setLive, unregister } from '../../src';
import type { Registry } from '../../src';
import { key } from '../support/helpers';

const zccache = key('zccache');
const soldr = key('soldr');

const liveness = (state: Registry): ReadonlyArray<readonly [string, boolean]> =>
  backends(state).map((b) => [b.key.serviceName, b.live] as const);

describe('key lookup', () => {
  it('should find a key at its own position in registries that order it differently', () => {
    const first = register(register(createRegistry(), liveBackend(zccache)).state, liveBackend(soldr)).state;
    const second = register(register(createRegistry(), liveBackend(soldr)).state, liveBackend(zccache)).state;

    // Found at position 0 in `first`, then at position 1 in `second`, then at 0 again.
    const a = setLive(first, zccache, false).state;
    const b = setLive(second, zccache, false).state;
    const c = setLive(a, zccache, true).state;

    expect(liveness(a)).toEqual([
      ['zccache', false],
      ['soldr', true],
    ]);
    expect(liveness(b)).toEqual([
      ['soldr', true],
      ['zccache', false],
    ]);
    expect(liveness(c)).toEqual([
      ['zccache', true],
      ['soldr', true],
    ]);
  });

  it('should not find a key whose remembered position now holds nothing or another key', () => {
    const both = register(register(createRegistry(), liveBackend(zccache)).state, liveBackend(soldr)).state;
    expect(setLive(both, soldr, false).result._tag).toBe('LivenessSet');
    const without = unregister(both, soldr).state;
    const other = register(createRegistry(), liveBackend(zccache)).state;

    expect(setLive(without, soldr, false).result._tag).toBe('KeyNotFound');
    expect(setLive(other, soldr, false).result._tag).toBe('KeyNotFound');
    expect(isRegistered(without, soldr)).toBe(false);
    expect(isRegistered(both, soldr)).toBe(true);
  });

  it('should find every key after a compaction moved it', () => {
    const keys = Array.from({ length: 100 }, (_, i) => key(`svc-${String(i)}`));
    let state = keys.reduce((s, k) => register(s, liveBackend(k)).state, createRegistry());
    // Every key is found once at its first position, then the first 70 are removed: the
    // registry compacts and the 30 left move to positions 0 to 29.
    keys.forEach((k) => {
      state = setLive(state, k, false).state;
    });
    keys.slice(0, 70).forEach((k) => {
      state = unregister(state, k).state;
    });

    const kept = keys.slice(70);
    kept.forEach((k) => {
      state = setLive(state, k, true).state;
    });

    expect(backends(state).map((b) => [b.key.serviceName, b.live])).toEqual(kept.map((k) => [k.serviceName, true]));
    expect(keys.slice(0, 70).every((k) => setLive(state, k, true).result._tag === 'KeyNotFound')).toBe(true);
  });
});
