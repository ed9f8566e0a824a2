/**
 * The persistent vector behaves as an array would, and never changes a version once made.
 */
import * as fc from 'fast-check';

import * as V from '../../src/internal/Vector';

type Op =
  | { readonly kind: 'push'; readonly value: number }
  | { readonly kind: 'set'; readonly index: number; readonly value: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer().map((value) => ({ kind: 'push' as const, value })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), index: fc.nat(3000), value: fc.integer() }) },
);

describe('Vector', () => {
  it('should hold what an array holds after any pushes and sets', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 1500 }), (ops) => {
        let v: V.Vector<number> = V.empty;
        const model: number[] = [];
        for (const op of ops) {
          if (op.kind === 'push') {
            v = V.push(v, op.value);
            model.push(op.value);
          } else if (op.index < model.length) {
            v = V.set(v, op.index, op.value);
            model[op.index] = op.value;
          }
        }
        expect(V.toArray(v)).toEqual(model);
        expect(v.size).toBe(model.length);
        model.forEach((x, i) => {
          expect(V.get(v, i)).toBe(x);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('should visit exactly a range, in order', () => {
    fc.assert(
      fc.property(fc.nat(2500), fc.nat(2600), fc.nat(2600), (n, a, b) => {
        const v = V.fromArray(Array.from({ length: n }, (_, i) => i));
        const seen: number[] = [];
        V.forEachRange(v, Math.min(a, b), Math.max(a, b), (x) => seen.push(x));
        const from = Math.min(a, b, n);
        expect(seen).toEqual(
          Array.from({ length: Math.max(0, Math.min(Math.max(a, b), n) - from) }, (_, i) => from + i),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('should leave older versions as they were', () => {
    const v1 = V.fromArray(Array.from({ length: 1100 }, (_, i) => i));
    const v2 = V.set(V.push(v1, 9999), 500, -1);

    expect(V.get(v1, 500)).toBe(500);
    expect(v1.size).toBe(1100);
    expect(V.get(v2, 500)).toBe(-1);
    expect(V.get(v2, 1100)).toBe(9999);
  });

  it('should return the same vector for an out-of-range or no-op set', () => {
    const v = V.fromArray([1, 2, 3]);

    expect(V.set(v, 3, 0)).toBe(v);
    expect(V.set(v, -1, 0)).toBe(v);
    expect(V.set(v, 1, 2)).toBe(v);
    expect(V.get(v, 3)).toBeUndefined();
    expect(V.get(v, 0.5)).toBeUndefined();
  });

  it('should visit every element once, leaf by leaf, in order', () => {
    fc.assert(
      fc.property(fc.nat(3000), (n) => {
        const v = V.fromArray(Array.from({ length: n }, (_, i) => i));
        const seen: number[] = [];
        V.forEachLeaf(v, (leaf) => {
          expect(leaf.length).toBeGreaterThan(0);
          expect(leaf.length).toBeLessThanOrEqual(32);
          seen.push(...leaf);
        });
        expect(seen).toEqual(V.toArray(v));
      }),
      { numRuns: 40 },
    );
  });
});
