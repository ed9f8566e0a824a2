/**
 * A persistent hash array mapped trie from string keys to values, made of plain frozen objects
 * and arrays. Lookup, insert and remove are O(log32 n); an update copies one path and shares the
 * rest. Removal collapses single-entry branches, so the shape depends only on the keys held.
 *
 * @internal
 */

const BITS = 5;
const MASK = (1 << BITS) - 1;
const MAX_SHIFT = 30;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One key and its value. */
type Leaf<V> = readonly [key: string, value: V];

/** Keys whose hashes agree on every bit: kept side by side. */
interface Bucket<V> {
  readonly bucket: ReadonlyArray<Leaf<V>>;
}

/** A branch: `bitmap` says which of the 32 slots are present, `children` holds them packed. */
interface Branch<V> {
  readonly bitmap: number;
  readonly children: ReadonlyArray<Child<V>>;
}

type Child<V> = Leaf<V> | Bucket<V> | Branch<V>;

/**
 * An immutable map from strings to `V`.
 *
 * @internal
 */
export interface HashTrie<V> {
  readonly size: number;
  readonly root: Branch<V>;
}

const EMPTY_BRANCH: Branch<never> = Object.freeze({ bitmap: 0, children: Object.freeze([]) });

/** The empty map. @internal */
export const empty: HashTrie<never> = Object.freeze({ size: 0, root: EMPTY_BRANCH });

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** FNV-1a over UTF-16 code units, as an unsigned 32-bit integer. */
const hash = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

const popcount = (x: number): number => {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
};

const isLeaf = <V>(c: Child<V>): c is Leaf<V> => Array.isArray(c);
const isBucket = <V>(c: Child<V>): c is Bucket<V> => 'bucket' in c;

const leaf = <V>(key: string, value: V): Leaf<V> => Object.freeze([key, value] as const);

const branch = <V>(bitmap: number, children: ReadonlyArray<Child<V>>): Branch<V> =>
  Object.freeze({ bitmap, children: Object.freeze(children) });

// Plain loops and spreads only: V8 runs array methods (`slice`, `filter`, `find`, ...) on
// frozen arrays on a slow path, tens of times slower than on ordinary ones.

const replaceAt = <T>(as: ReadonlyArray<T>, i: number, a: T): T[] => {
  const copy = [...as];
  copy[i] = a;
  return copy;
};

const insertAt = <T>(as: ReadonlyArray<T>, i: number, a: T): T[] => {
  const copy = [...as];
  copy.splice(i, 0, a);
  return copy;
};

const removeAt = <T>(as: ReadonlyArray<T>, i: number): T[] => {
  const copy = [...as];
  copy.splice(i, 1);
  return copy;
};

const indexOfKey = <V>(leaves: ReadonlyArray<Leaf<V>>, key: string): number => {
  for (let i = 0; i < leaves.length; i++) {
    if ((leaves[i] as Leaf<V>)[0] === key) {
      return i;
    }
  }
  return -1;
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The value held for `key`, or `undefined`.
 *
 * @internal
 */
export const get = <V>(m: HashTrie<V>, key: string): V | undefined => {
  const h = hash(key);
  let node: Child<V> = m.root;
  for (let shift = 0; ; shift += BITS) {
    if (isLeaf(node)) {
      return node[0] === key ? node[1] : undefined;
    }
    if (isBucket(node)) {
      return node.bucket[indexOfKey(node.bucket, key)]?.[1];
    }
    const bit = 1 << ((h >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) {
      return undefined;
    }
    node = node.children[popcount(node.bitmap & (bit - 1))] as Child<V>;
  }
};

/**
 * Visit every entry (in hash order, which is stable for a given set of keys).
 *
 * @internal
 */
export const forEach = <V>(m: HashTrie<V>, f: (key: string, value: V) => void): void => {
  const visit = (c: Child<V>): void => {
    if (isLeaf(c)) {
      f(c[0], c[1]);
    } else if (isBucket(c)) {
      for (const l of c.bucket) {
        f(l[0], l[1]);
      }
    } else {
      for (const child of c.children) {
        visit(child);
      }
    }
  };
  visit(m.root);
};

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Join two leaves with different keys into the smallest subtree that separates them. */
const join = <V>(shift: number, a: Leaf<V>, ha: number, b: Leaf<V>, hb: number): Child<V> => {
  if (shift > MAX_SHIFT) {
    return Object.freeze({ bucket: Object.freeze([a, b]) });
  }
  const ia = (ha >>> shift) & MASK;
  const ib = (hb >>> shift) & MASK;
  if (ia === ib) {
    return branch(1 << ia, [join(shift + BITS, a, ha, b, hb)]);
  }
  return branch((1 << ia) | (1 << ib), ia < ib ? [a, b] : [b, a]);
};

/** Set by `insert` when it added a key (rather than replacing one): saves a result object. */
let added = false;
const wasAdded = (): boolean => added;

const insert = <V>(node: Child<V>, shift: number, h: number, key: string, value: V): Child<V> => {
  if (isLeaf(node)) {
    if (node[0] === key) {
      return node[1] === value ? node : leaf(key, value);
    }
    added = true;
    return join(shift, node, hash(node[0]), leaf(key, value), h);
  }
  if (isBucket(node)) {
    const i = indexOfKey(node.bucket, key);
    added = i < 0;
    const bucket =
      i < 0 ? [...node.bucket, leaf(key, value)] : replaceAt(node.bucket, i, leaf(key, value));
    return Object.freeze({ bucket: Object.freeze(bucket) });
  }
  const bit = 1 << ((h >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    added = true;
    return branch(node.bitmap | bit, insertAt(node.children, at, leaf(key, value)));
  }
  const child = node.children[at] as Child<V>;
  const next = insert(child, shift + BITS, h, key, value);
  return next === child ? node : branch(node.bitmap, replaceAt(node.children, at, next));
};

/**
 * A map with `key` bound to `value`; the same map when it already was.
 *
 * @internal
 */
export const set = <V>(m: HashTrie<V>, key: string, value: V): HashTrie<V> => {
  added = false;
  const node = insert(m.root, 0, hash(key), key, value);
  if (node === m.root) {
    return m;
  }
  return Object.freeze({ size: m.size + (wasAdded() ? 1 : 0), root: node as Branch<V> });
};

/** What removal leaves in place of a node: `null` for nothing, the same node when absent. */
const removeFrom = <V>(node: Child<V>, shift: number, h: number, key: string): Child<V> | null => {
  if (isLeaf(node)) {
    return node[0] === key ? null : node;
  }
  if (isBucket(node)) {
    const i = indexOfKey(node.bucket, key);
    if (i < 0) {
      return node;
    }
    const rest = removeAt(node.bucket, i);
    return rest.length === 1 ? (rest[0] as Leaf<V>) : Object.freeze({ bucket: Object.freeze(rest) });
  }
  const bit = 1 << ((h >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) {
    return node;
  }
  const at = popcount(node.bitmap & (bit - 1));
  const child = node.children[at] as Child<V>;
  const next = removeFrom(child, shift + BITS, h, key);
  if (next === child) {
    return node;
  }
  if (next === null) {
    const children = removeAt(node.children, at);
    const only = children[0];
    // A branch left with one leaf is replaced by that leaf (unless it is the root).
    if (shift > 0 && children.length === 1 && only !== undefined && !isBranch(only)) {
      return only;
    }
    return branch(node.bitmap & ~bit, children);
  }
  if (shift > 0 && node.children.length === 1 && !isBranch(next)) {
    return next;
  }
  return branch(node.bitmap, replaceAt(node.children, at, next));
};

const isBranch = <V>(c: Child<V>): c is Branch<V> => !isLeaf(c) && !isBucket(c);

/**
 * A map without `key`; the same map when it had no such key.
 *
 * @internal
 */
export const remove = <V>(m: HashTrie<V>, key: string): HashTrie<V> => {
  const next = removeFrom(m.root, 0, hash(key), key);
  if (next === m.root) {
    return m;
  }
  return Object.freeze({ size: m.size - 1, root: (next ?? EMPTY_BRANCH) as Branch<V> });
};
