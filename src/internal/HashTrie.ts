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

/**
 * A branch: one array whose first element is a bitmap of which of the 32 slots are present,
 * followed by those children, packed. One array rather than an object holding an array saves an
 * allocation per copied level and a pointer to chase per level read.
 */
type Branch = ReadonlyArray<unknown>;

type Child<V> = Leaf<V> | Bucket<V> | Branch;

/**
 * An immutable map from strings to `V`.
 *
 * @internal
 */
export interface HashTrie<V> {
  readonly size: number;
  readonly root: Branch;
  /** Phantom: the type of the values. */
  readonly _V?: V;
}

const EMPTY_BRANCH: Branch = freeze([0]);

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

const isBranch = <V>(c: Child<V>): c is Branch => isArray(c) && typeof c[0] === 'number';
const isLeaf = <V>(c: Child<V>): c is Leaf<V> => isArray(c) && typeof c[0] === 'string';

const leaf = <V>(key: string, value: V): Leaf<V> => freeze([key, value] as const);
const bucketOf = <V>(leaves: ReadonlyArray<Leaf<V>>): Bucket<V> => freeze({ bucket: freeze(leaves) });

// Plain loops and spreads only: V8 runs array methods (`slice`, `filter`, `find`, ...) on
// frozen arrays on a slow path, tens of times slower than on ordinary ones.

const replaceAt = <T>(as: ReadonlyArray<T>, i: number, a: T): T[] => {
  const copy = [...as];
  copy[i] = a;
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

/** The branch with its bitmap replaced and `child` inserted at packed position `at`. */
const branchInsert = (node: Branch, bitmap: number, at: number, child: unknown): Branch => {
  const copy = [...node];
  copy[0] = bitmap;
  copy.splice(1 + at, 0, child);
  return freeze(copy);
};

/** The branch with its bitmap replaced and the child at packed position `at` removed. */
const branchRemove = (node: Branch, bitmap: number, at: number): Branch => {
  const copy = [...node];
  copy[0] = bitmap;
  copy.splice(1 + at, 1);
  return freeze(copy);
};

/** The branch with the child at packed position `at` replaced. */
const branchReplace = (node: Branch, at: number, child: unknown): Branch => freeze(replaceAt(node, 1 + at, child));

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
    if (!isArray(node)) {
      const leaves = (node as Bucket<V>).bucket;
      return leaves[indexOfKey(leaves, key)]?.[1];
    }
    const head: unknown = node[0];
    if (typeof head !== 'number') {
      return head === key ? (node as unknown as Leaf<V>)[1] : undefined;
    }
    const bit = 1 << ((h >>> shift) & MASK);
    if ((head & bit) === 0) {
      return undefined;
    }
    node = node[1 + popcount(head & (bit - 1))] as Child<V>;
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
    } else if (isBranch(c)) {
      for (let i = 1; i < c.length; i++) {
        visit(c[i] as Child<V>);
      }
    } else {
      for (const l of c.bucket) {
        f(l[0], l[1]);
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
    return bucketOf([a, b]);
  }
  const ia = (ha >>> shift) & MASK;
  const ib = (hb >>> shift) & MASK;
  if (ia === ib) {
    return freeze([1 << ia, join(shift + BITS, a, ha, b, hb)]);
  }
  return freeze([(1 << ia) | (1 << ib), ...(ia < ib ? [a, b] : [b, a])]);
};

/** Set by `insert` when it added a key (rather than replacing one): saves a result object. */
let added = false;
const wasAdded = (): boolean => added;

/** Set by `insert`: the value found under the key (`undefined` if none). */
let found: unknown = undefined;

/** When true, `insert` keeps an existing binding instead of replacing it. */
let keepExisting = false;

const insert = <V>(node: Child<V>, shift: number, h: number, key: string, value: V): Child<V> => {
  if (isBranch(node)) {
    const bitmap = node[0] as number;
    const bit = 1 << ((h >>> shift) & MASK);
    const at = popcount(bitmap & (bit - 1));
    if ((bitmap & bit) === 0) {
      added = true;
      return branchInsert(node, bitmap | bit, at, leaf(key, value));
    }
    const child = node[1 + at] as Child<V>;
    const next = insert(child, shift + BITS, h, key, value);
    return next === child ? node : branchReplace(node, at, next);
  }
  if (isLeaf(node)) {
    if (node[0] === key) {
      found = node[1];
      return keepExisting || node[1] === value ? node : leaf(key, value);
    }
    added = true;
    return join(shift, node, hash(node[0]), leaf(key, value), h);
  }
  const leaves = node.bucket;
  const i = indexOfKey(leaves, key);
  added = i < 0;
  found = leaves[i]?.[1];
  if (i >= 0 && keepExisting) {
    return node;
  }
  return bucketOf(i < 0 ? [...leaves, leaf(key, value)] : replaceAt(leaves, i, leaf(key, value)));
};

const upsert = <V>(m: HashTrie<V>, key: string, value: V, keep: boolean): HashTrie<V> => {
  added = false;
  found = undefined;
  keepExisting = keep;
  const node = insert(m.root, 0, hash(key), key, value);
  if (node === m.root) {
    return m;
  }
  return freeze({ size: m.size + (wasAdded() ? 1 : 0), root: node as Branch });
};

/** What a map held for a key, and the map after adding it if it was absent. */
export interface Lookup<V> {
  readonly existing: V | undefined;
  readonly map: HashTrie<V>;
}

/**
 * In one walk: the value held for `key` if there is one (and the same map), otherwise the map
 * with `key` bound to `value`.
 *
 * @internal
 */
export const getOrAdd = <V>(m: HashTrie<V>, key: string, value: V): Lookup<V> => {
  const map = upsert(m, key, value, true);
  return { existing: found as V | undefined, map };
};

/**
 * A map with `key` bound to `value`; the same map when it already was.
 *
 * @internal
 */
export const set = <V>(m: HashTrie<V>, key: string, value: V): HashTrie<V> => upsert(m, key, value, false);

/** What removal leaves in place of a node: `null` for nothing, the same node when absent. */
const removeFrom = <V>(node: Child<V>, shift: number, h: number, key: string): Child<V> | null => {
  if (isLeaf(node)) {
    return node[0] === key ? null : node;
  }
  if (!isBranch(node)) {
    const leaves = node.bucket;
    const i = indexOfKey(leaves, key);
    if (i < 0) {
      return node;
    }
    const rest = [...leaves];
    rest.splice(i, 1);
    return rest.length === 1 ? (rest[0] as Leaf<V>) : bucketOf(rest);
  }
  const bitmap = node[0] as number;
  const bit = 1 << ((h >>> shift) & MASK);
  if ((bitmap & bit) === 0) {
    return node;
  }
  const at = popcount(bitmap & (bit - 1));
  const child = node[1 + at] as Child<V>;
  const next = removeFrom(child, shift + BITS, h, key);
  if (next === child) {
    return node;
  }
  if (next === null) {
    const rest = branchRemove(node, bitmap & ~bit, at);
    const only = rest[1] as Child<V> | undefined;
    // A branch left with one leaf or bucket is replaced by it (unless it is the root).
    if (shift > 0 && rest.length === 2 && only !== undefined && !isBranch(only)) {
      return only;
    }
    return rest;
  }
  if (shift > 0 && node.length === 2 && !isBranch(next)) {
    return next;
  }
  return branchReplace(node, at, next);
};

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
  return freeze({ size: m.size - 1, root: (next ?? EMPTY_BRANCH) as Branch });
};
