/**
 * The persistent hash trie behaves as a `Map` would, and its shape depends only on its keys.
 */
import * as fc from 'fast-check';

import * as HT from '../../src/internal/HashTrie';

type Op =
  | { readonly kind: 'set'; readonly key: string; readonly value: number }
  | { readonly kind: 'remove'; readonly key: string };

// A small key space so that sets and removes hit the same keys often.
const keyArb = fc.oneof(
  fc.nat(400).map((n) => `k${String(n)}`),
  fc.string({ maxLength: 3 }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: keyArb, value: fc.integer() }),
  fc.record({ kind: fc.constant('remove' as const), key: keyArb }),
);

const entriesOf = (m: HT.HashTrie<number>): Array<[string, number]> => {
  const out: Array<[string, number]> = [];
  HT.forEach(m, (k, v) => out.push([k, v]));
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};

describe('HashTrie', () => {
  it('should hold what a Map holds after any sets and removes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 600 }), (ops) => {
        let m: HT.HashTrie<number> = HT.empty;
        const model = new Map<string, number>();
        for (const op of ops) {
          if (op.kind === 'set') {
            m = HT.set(m, op.key, op.value);
            model.set(op.key, op.value);
          } else {
            m = HT.remove(m, op.key);
            model.delete(op.key);
          }
        }
        expect(m.size).toBe(model.size);
        expect(entriesOf(m)).toEqual([...model.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        for (const [k, v] of model) {
          expect(HT.get(m, k)).toBe(v);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('should have the same shape for the same keys, however it got them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { maxLength: 200 }), fc.nat(), (keys, cut) => {
        const direct = keys.reduce<HT.HashTrie<number>>((m, k) => HT.set(m, k, 1), HT.empty);
        const extra = keys.slice(0, cut % (keys.length + 1)).map((k) => `${k}~extra`);
        const detour = extra.reduce(
          (m, k) => HT.remove(m, k),
          [...extra, ...keys].reduce<HT.HashTrie<number>>((m, k) => HT.set(m, k, 1), HT.empty),
        );

        expect(detour).toEqual(direct);
      }),
      { numRuns: 80 },
    );
  });

  it('should keep keys whose hashes collide fully apart', () => {
    // Two keys with the same 32-bit FNV-1a hash, found once by brute force.
    const [a, b] = ['key-126wu', 'key-1dwfa'];
    const fnv1a = (s: string): number => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
      return h >>> 0;
    };
    expect(fnv1a(a)).toBe(fnv1a(b));

    const m = HT.set(HT.set(HT.empty, a, 1), b, 2);

    expect(HT.get(m, a)).toBe(1);
    expect(HT.get(m, b)).toBe(2);
    expect(HT.get(HT.remove(m, a), b)).toBe(2);
    expect(HT.get(HT.remove(m, a), a)).toBeUndefined();
    expect(HT.remove(HT.remove(m, a), b)).toEqual(HT.empty);
  });

  it('should return the same map for a no-op set or remove', () => {
    const m = HT.set(HT.empty, 'a', 1);

    expect(HT.set(m, 'a', 1)).toBe(m);
    expect(HT.remove(m, 'b')).toBe(m);
  });

  it('should add an absent key with getOrAdd, and return an existing value untouched', () => {
    const m = HT.set(HT.empty, 'a', 1);

    const added = HT.getOrAdd(m, 'b', 2);
    const kept = HT.getOrAdd(added.map, 'a', 99);

    expect(added.existing).toBeUndefined();
    expect(HT.get(added.map, 'b')).toBe(2);
    expect(added.map.size).toBe(2);
    expect(kept.existing).toBe(1);
    expect(kept.map).toBe(added.map);
  });
});

describe('HashTrie, with hashes given', () => {
  it('should agree with the plain functions when given each key with its hash', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        let plain: HT.HashTrie<number> = HT.empty;
        let hashed: HT.HashTrie<number> = HT.empty;
        for (const op of ops) {
          if (op.kind === 'set') {
            plain = HT.set(plain, op.key, op.value);
            hashed = HT.setHashed(hashed, op.key, HT.hash(op.key), op.value);
          } else {
            plain = HT.remove(plain, op.key);
            hashed = HT.removeHashed(hashed, op.key, HT.hash(op.key));
          }
        }
        expect(hashed).toEqual(plain);
        for (const op of ops) {
          expect(HT.getHashed(hashed, op.key, HT.hash(op.key))).toBe(HT.get(plain, op.key));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('should keep an entry inline in its node rather than in an array of its own', () => {
    // 'a' and 'b' differ in the low five bits of their hashes, so both sit in the root.
    expect((HT.hash('a') & 31) === (HT.hash('b') & 31)).toBe(false);

    const m = HT.set(HT.set(HT.empty, 'a', 1), 'b', 2);

    expect(m.root).toHaveLength(6);
    expect([...m.root].filter((x) => typeof x === 'string').sort()).toEqual(['a', 'b']);
    expect(Object.isFrozen(m.root)).toBe(true);
  });
});
