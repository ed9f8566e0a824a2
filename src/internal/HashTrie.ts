/**
 * A persistent hash array mapped trie from string keys to values, in the CHAMP layout
 * (Steindorfer and Vinju, "Optimizing Hash-Array Mapped Tries for Fast and Lean Immutable JVM
 * Collections", 2015), made of plain frozen arrays. Lookup, insert and remove are O(log32 n);
 * an update copies one path and shares the rest.
 *
 * A node is one array: `[dataMap, nodeMap, key0, value0, key1, value1, ..., childN, ..., child0]`.
 * A bit set in `dataMap` says the slot holds an entry inline, a bit set in `nodeMap` says it holds
 * a child node, so a node's kind is read from its bitmaps, never from its contents, and an entry
 * costs no array of its own. Children are packed from the end, so neither section needs the
 * other's count to be found. Keys whose 32-bit hashes agree on every bit meet below the deepest
 * level, in a collision node `[key0, value0, key1, value1, ...]` sorted by key.
 *
 * The shape depends only on the keys held: a child node exists exactly where two or more keys
 * share a hash prefix, and removal moves a child left with one entry back into its parent.
 *
 * Every function that takes a key has a variant taking its `hash` as well, for callers that
 * cache it (the registry caches it with a key's id).
 *
 * @internal
 */

// Bound once: looking a global up on every call is slow inside a `vm` context (as under Jest).
const { freeze } = Object;
const { imul } = Math;

const BITS = 5;
const MASK = (1 << BITS) - 1;
/** The deepest level's shift; below it, keys whose hashes agree on all 32 bits share a list. */
const MAX_SHIFT = 30;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A branch `[dataMap, nodeMap, ...entries, ...children reversed]`, or a collision list. */
type Node = ReadonlyArray<unknown>;

/**
 * An immutable map from strings to `V`.
 *
 * @internal
 */
export interface HashTrie<V> {
  readonly size: number;
  readonly root: Node;
  /** Phantom: the type of the values. */
  readonly _V?: V;
}

const EMPTY_NODE: Node = freeze([0, 0]);

/** The empty map. @internal */
export const empty: HashTrie<never> = freeze({ size: 0, root: EMPTY_NODE });

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The hash the trie files `key` under: FNV-1a over its UTF-16 code units, as an unsigned 32-bit
 * integer. Exported so that a caller can compute it once per key and use the `...Hashed` variants.
 *
 * @internal
 */
export const hash = (key: string): number => {
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

/** Where the entry of `bit` sits in a branch with `dataMap`. */
const dataIndex = (dataMap: number, bit: number): number => 2 + 2 * popcount(dataMap & (bit - 1));

/** Where the child of `bit` sits in a branch of `length` with `nodeMap`. */
const nodeIndex = (length: number, nodeMap: number, bit: number): number => length - 1 - popcount(nodeMap & (bit - 1));

// Plain loops and spreads only: V8 runs array methods (`slice`, `filter`, `find`, ...) on
// frozen arrays on a slow path, tens of times slower than on ordinary ones.

const replaced = (node: Node, i: number, a: unknown): Node => {
  const copy = [...node];
  copy[i] = a;
  return freeze(copy);
};

// Each copy is a spread followed by `splice` on the fresh, unfrozen copy: reading a frozen array
// element by element is several times slower than spreading it.

/** The branch with new bitmaps and an entry inserted at `at`. */
const withEntry = (node: Node, dataMap: number, nodeMap: number, at: number, key: string, value: unknown): Node => {
  const out = [...node];
  out[0] = dataMap;
  out[1] = nodeMap;
  out.splice(at, 0, key, value);
  return freeze(out);
};

/** The branch with new bitmaps and the entry at `at` removed. */
const withoutEntry = (node: Node, dataMap: number, nodeMap: number, at: number): Node => {
  const out = [...node];
  out[0] = dataMap;
  out[1] = nodeMap;
  out.splice(at, 2);
  return freeze(out);
};

/** The branch with the entry at `at` replaced by the child `sub` (the entry's bit moves maps). */
const entryToNode = (node: Node, dataMap: number, nodeMap: number, bit: number, at: number, sub: Node): Node => {
  const nextNodeMap = nodeMap | bit;
  const out = [...node];
  out[0] = dataMap ^ bit;
  out[1] = nextNodeMap;
  out.splice(at, 2);
  out.splice(nodeIndex(out.length + 1, nextNodeMap, bit), 0, sub);
  return freeze(out);
};

/** The branch with the child at `at` replaced by the entry `key`, `value` (its bit moves maps). */
const nodeToEntry = (
  node: Node,
  dataMap: number,
  nodeMap: number,
  bit: number,
  at: number,
  key: string,
  value: unknown,
): Node => {
  const nextDataMap = dataMap | bit;
  const out = [...node];
  out[0] = nextDataMap;
  out[1] = nodeMap ^ bit;
  // The child sits after every entry, so removing it first leaves the entries where they were.
  out.splice(at, 1);
  out.splice(dataIndex(nextDataMap, bit), 0, key, value);
  return freeze(out);
};

/** The smallest subtree holding two entries with different keys. */
const pair = (shift: number, k1: string, v1: unknown, h1: number, k2: string, v2: unknown, h2: number): Node => {
  if (shift > MAX_SHIFT) {
    return freeze(k1 < k2 ? [k1, v1, k2, v2] : [k2, v2, k1, v1]);
  }
  const i1 = (h1 >>> shift) & MASK;
  const i2 = (h2 >>> shift) & MASK;
  if (i1 === i2) {
    return freeze([0, 1 << i1, pair(shift + BITS, k1, v1, h1, k2, v2, h2)]);
  }
  return freeze(i1 < i2 ? [(1 << i1) | (1 << i2), 0, k1, v1, k2, v2] : [(1 << i1) | (1 << i2), 0, k2, v2, k1, v1]);
};

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The value held for `key` (whose hash is `h`), or `undefined`.
 *
 * @internal
 */
export const getHashed = <V>(m: HashTrie<V>, key: string, h: number): V | undefined => {
  let node = m.root;
  for (let shift = 0; shift <= MAX_SHIFT; shift += BITS) {
    const bit = 1 << ((h >>> shift) & MASK);
    const dataMap = node[0] as number;
    if ((dataMap & bit) !== 0) {
      const at = dataIndex(dataMap, bit);
      return node[at] === key ? (node[at + 1] as V) : undefined;
    }
    const nodeMap = node[1] as number;
    if ((nodeMap & bit) === 0) {
      return undefined;
    }
    node = node[nodeIndex(node.length, nodeMap, bit)] as Node;
  }
  for (let i = 0; i < node.length; i += 2) {
    if (node[i] === key) {
      return node[i + 1] as V;
    }
  }
  return undefined;
};

/**
 * The value held for `key`, or `undefined`.
 *
 * @internal
 */
export const get = <V>(m: HashTrie<V>, key: string): V | undefined => getHashed(m, key, hash(key));

/**
 * Visit every entry (in hash order, which is stable for a given set of keys).
 *
 * @internal
 */
export const forEach = <V>(m: HashTrie<V>, f: (key: string, value: V) => void): void => {
  const visit = (node: Node, shift: number): void => {
    if (shift > MAX_SHIFT) {
      for (let i = 0; i < node.length; i += 2) {
        f(node[i] as string, node[i + 1] as V);
      }
      return;
    }
    const entriesEnd = dataIndex(node[0] as number, 0);
    for (let i = 2; i < entriesEnd; i += 2) {
      f(node[i] as string, node[i + 1] as V);
    }
    for (let i = node.length - 1; i >= entriesEnd; i--) {
      visit(node[i] as Node, shift + BITS);
    }
  };
  visit(m.root, 0);
};

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Set by `insert` when it added a key (rather than finding one): saves a result object. */
let added = false;
// Read through a function: the compiler cannot see `insert` setting it.
const wasAdded = (): boolean => added;

/** Set by `insert`: the value found under the key (`undefined` if none). */
let found: unknown = undefined;

/** When true, `insert` keeps an existing binding instead of replacing it. */
let keepExisting = false;

const insertCollision = (node: Node, key: string, value: unknown): Node => {
  let at = 0;
  while (at < node.length && (node[at] as string) < key) {
    at += 2;
  }
  if (node[at] === key) {
    found = node[at + 1];
    return keepExisting || found === value ? node : replaced(node, at + 1, value);
  }
  added = true;
  const out = [...node];
  out.splice(at, 0, key, value);
  return freeze(out);
};

const insert = (node: Node, shift: number, h: number, key: string, value: unknown): Node => {
  if (shift > MAX_SHIFT) {
    return insertCollision(node, key, value);
  }
  const bit = 1 << ((h >>> shift) & MASK);
  const dataMap = node[0] as number;
  const nodeMap = node[1] as number;
  if ((dataMap & bit) !== 0) {
    const at = dataIndex(dataMap, bit);
    const k = node[at] as string;
    if (k === key) {
      found = node[at + 1];
      return keepExisting || found === value ? node : replaced(node, at + 1, value);
    }
    added = true;
    const sub = pair(shift + BITS, k, node[at + 1], hash(k), key, value, h);
    return entryToNode(node, dataMap, nodeMap, bit, at, sub);
  }
  if ((nodeMap & bit) !== 0) {
    const at = nodeIndex(node.length, nodeMap, bit);
    const child = node[at] as Node;
    const next = insert(child, shift + BITS, h, key, value);
    return next === child ? node : replaced(node, at, next);
  }
  added = true;
  return withEntry(node, dataMap | bit, nodeMap, dataIndex(dataMap, bit), key, value);
};

const upsert = <V>(m: HashTrie<V>, key: string, h: number, value: V, keep: boolean): HashTrie<V> => {
  added = false;
  found = undefined;
  keepExisting = keep;
  const root = insert(m.root, 0, h, key, value);
  return root === m.root ? m : freeze({ size: m.size + (wasAdded() ? 1 : 0), root });
};

/** What a map held for a key, and the map after adding it if it was absent. */
export interface Lookup<V> {
  readonly existing: V | undefined;
  readonly map: HashTrie<V>;
}

/**
 * In one walk: the value held for `key` (whose hash is `h`) if there is one (and the same map),
 * otherwise the map with `key` bound to `value`.
 *
 * @internal
 */
export const getOrAddHashed = <V>(m: HashTrie<V>, key: string, h: number, value: V): Lookup<V> => {
  const map = upsert(m, key, h, value, true);
  return { existing: found as V | undefined, map };
};

/**
 * In one walk: the value held for `key` if there is one (and the same map), otherwise the map
 * with `key` bound to `value`.
 *
 * @internal
 */
export const getOrAdd = <V>(m: HashTrie<V>, key: string, value: V): Lookup<V> =>
  getOrAddHashed(m, key, hash(key), value);

/**
 * A map with `key` (whose hash is `h`) bound to `value`; the same map when it already was.
 *
 * @internal
 */
export const setHashed = <V>(m: HashTrie<V>, key: string, h: number, value: V): HashTrie<V> =>
  upsert(m, key, h, value, false);

/**
 * A map with `key` bound to `value`; the same map when it already was.
 *
 * @internal
 */
export const set = <V>(m: HashTrie<V>, key: string, value: V): HashTrie<V> => upsert(m, key, hash(key), value, false);

/** The single entry of a node left with one, as `[key, value]`; `undefined` for any other node. */
const singleEntry = (node: Node, shift: number): readonly [string, unknown] | undefined => {
  if (shift > MAX_SHIFT) {
    return node.length === 2 ? [node[0] as string, node[1]] : undefined;
  }
  return node.length === 4 && node[1] === 0 ? [node[2] as string, node[3]] : undefined;
};

/** The node without `key`; the same node when it has no such key. */
const removeFrom = (node: Node, shift: number, h: number, key: string): Node => {
  if (shift > MAX_SHIFT) {
    for (let i = 0; i < node.length; i += 2) {
      if (node[i] === key) {
        const out = [...node];
        out.splice(i, 2);
        return freeze(out);
      }
    }
    return node;
  }
  const bit = 1 << ((h >>> shift) & MASK);
  const dataMap = node[0] as number;
  const nodeMap = node[1] as number;
  if ((dataMap & bit) !== 0) {
    const at = dataIndex(dataMap, bit);
    return node[at] === key ? withoutEntry(node, dataMap ^ bit, nodeMap, at) : node;
  }
  if ((nodeMap & bit) === 0) {
    return node;
  }
  const at = nodeIndex(node.length, nodeMap, bit);
  const child = node[at] as Node;
  const next = removeFrom(child, shift + BITS, h, key);
  if (next === child) {
    return node;
  }
  // A child left with one entry gives it back to this node: the shape stays canonical.
  const single = singleEntry(next, shift + BITS);
  return single === undefined
    ? replaced(node, at, next)
    : nodeToEntry(node, dataMap, nodeMap, bit, at, single[0], single[1]);
};

/**
 * A map without `key` (whose hash is `h`); the same map when it had no such key.
 *
 * @internal
 */
export const removeHashed = <V>(m: HashTrie<V>, key: string, h: number): HashTrie<V> => {
  const root = removeFrom(m.root, 0, h, key);
  if (root === m.root) {
    return m;
  }
  return m.size === 1 ? empty : freeze({ size: m.size - 1, root });
};

/**
 * A map without `key`; the same map when it had no such key.
 *
 * @internal
 */
export const remove = <V>(m: HashTrie<V>, key: string): HashTrie<V> => removeHashed(m, key, hash(key));
