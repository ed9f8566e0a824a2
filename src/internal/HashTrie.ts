/**
 * A persistent hash array mapped trie from string keys to values, made of plain frozen objects
 * and arrays. Lookup, insert and remove are O(log32 n); an update copies one path and shares the
 * rest. Removal collapses single-entry branches, so the shape depends only on the keys held.
 *
 * @internal
 */

// Bound once: looking a global up on every call is slow inside a `vm` context (as under Jest).
const { freeze } = Object;
const { isArray } = Array;
const { imul } = Math;

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

const EMPTY_BRANCH: Branch<never> = freeze({ bitmap: 0, children: freeze([]) });

/** The empty map. @internal */
export const empty: HashTrie<never> = freeze({ size: 0, root: EMPTY_BRANCH });

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------


/** FNV-1a over UTF-16 code units, as an unsigned 32-bit integer. */
const hash = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
};

const popcount = (x: number): number => {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
};

const isLeaf = <V>(c: Child<V>): c is Leaf<V> => isArray(c);
const isBucket = <V>(c: Child<V>): c is Bucket<V> => 'bucket' in c;

const leaf = <V>(key: string, value: V): Leaf<V> => freeze([key, value] as const);

const branch = <V>(bitmap: number, children: ReadonlyArray<Child<V>>): Branch<V> =>
  freeze({ bitmap, children: freeze(children) });

const replaceAt = <T>(as: ReadonlyArray<T>, i: number, a: T): T[] => {
  const copy = as.slice();
  copy[i] = a;
  return copy;
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
      return node.bucket.find((l) => l[0] === key)?.[1];
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
      c.bucket.forEach((l) => {
        f(l[0], l[1]);
      });
    } else {
      c.children.forEach(visit);
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
    return freeze({ bucket: freeze([a, b]) });
  }
  const ia = (ha >>> shift) & MASK;
  const ib = (hb >>> shift) & MASK;
  if (ia === ib) {
    return branch(1 << ia, [join(shift + BITS, a, ha, b, hb)]);
  }
  return branch((1 << ia) | (1 << ib), ia < ib ? [a, b] : [b, a]);
};

interface Inserted<V> {
  readonly node: Child<V>;
  readonly added: boolean;
}

const insert = <V>(node: Child<V>, shift: number, h: number, key: string, value: V): Inserted<V> => {
  if (isLeaf(node)) {
    if (node[0] === key) {
      return { node: node[1] === value ? node : leaf(key, value), added: false };
    }
    return { node: join(shift, node, hash(node[0]), leaf(key, value), h), added: true };
  }
  if (isBucket(node)) {
    const i = node.bucket.findIndex((l) => l[0] === key);
    const bucket =
      i < 0 ? [...node.bucket, leaf(key, value)] : replaceAt(node.bucket, i, leaf(key, value));
    return { node: freeze({ bucket: freeze(bucket) }), added: i < 0 };
  }
  const bit = 1 << ((h >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    const children = [...node.children.slice(0, at), leaf(key, value), ...node.children.slice(at)];
    return { node: branch(node.bitmap | bit, children), added: true };
  }
  const child = node.children[at] as Child<V>;
  const next = insert(child, shift + BITS, h, key, value);
  if (next.node === child) {
    return { node, added: false };
  }
  return { node: branch(node.bitmap, replaceAt(node.children, at, next.node)), added: next.added };
};

/**
 * A map with `key` bound to `value`; the same map when it already was.
 *
 * @internal
 */
export const set = <V>(m: HashTrie<V>, key: string, value: V): HashTrie<V> => {
  const { node, added } = insert(m.root, 0, hash(key), key, value);
  if (node === m.root) {
    return m;
  }
  return freeze({ size: added ? m.size + 1 : m.size, root: node as Branch<V> });
};

/** What removal leaves in place of a node: `null` for nothing, the same node when absent. */
const removeFrom = <V>(node: Child<V>, shift: number, h: number, key: string): Child<V> | null => {
  if (isLeaf(node)) {
    return node[0] === key ? null : node;
  }
  if (isBucket(node)) {
    const rest = node.bucket.filter((l) => l[0] !== key);
    if (rest.length === node.bucket.length) {
      return node;
    }
    return rest.length === 1 ? (rest[0] as Leaf<V>) : freeze({ bucket: freeze(rest) });
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
    const children = node.children.filter((_, i) => i !== at);
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
  return freeze({ size: m.size - 1, root: (next ?? EMPTY_BRANCH) as Branch<V> });
};
