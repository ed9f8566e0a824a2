/**
 * `fromArray` builds in one pass the very vector that appending the elements one by one builds,
 * so that every later operation behaves the same on it.
 */
import * as V from '../../src/internal/Vector';

const pushed = (n: number): V.Vector<number> => {
  let v: V.Vector<number> = V.empty;
  for (let i = 0; i < n; i++) {
    v = V.push(v, i);
  }
  return v;
};

describe('fromArray', () => {
  it.each([0, 1, 31, 32, 33, 63, 64, 65, 1024, 1055, 1056, 1057, 2048, 32 * 32 * 32 + 33, 40_000])(
    'should build the vector that %i pushes build',
    (n) => {
      const v = V.fromArray(Array.from({ length: n }, (_, i) => i));
      expect(v).toEqual(pushed(n));
      // And it goes on the same way.
      expect(V.push(v, -1)).toEqual(V.push(pushed(n), -1));
      expect(V.toArray(V.push(v, -1))).toEqual([...Array.from({ length: n }, (_, i) => i), -1]);
    },
  );
});
