/**
 * A persistent vector: a 32-way trie of plain frozen arrays with a tail buffer, after the
 * structure Clojure popularised. Append is amortised O(1), read and update are O(log32 n), and
 * every update shares all untouched nodes with the vector it came from. It holds plain JSON data
 * only, so a registry built on it can live in a Redux store or be serialised.
 *
 * @internal
 */

// Bound once: looking a global up on every call is slow inside a `vm` context (as under Jest).
const { freeze } = Object;
const { min, max } = Math;

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A trie node: inner nodes hold nodes, leaves hold elements. */
type Node = ReadonlyArray<unknown>;

/**
 * An immutable indexed sequence.
 *
 * @internal
 */
export interface Vector<A> {
  /** Number of elements. */
  readonly size: number;
  /** Bit shift of the root level: 5 for a root whose children are leaves. */
  readonly shift: number;
  /** Trie holding every element but the last (up to 32) ones. */
  readonly root: Node;
  /** The last elements, kept apart so that appending rarely touches the trie. */
  readonly tail: ReadonlyArray<A>;
}

const EMPTY_NODE: Node = freeze([]);

/** The empty vector. @internal */
export const empty: Vector<never> = freeze({
  size: 0,
  shift: BITS,
  root: EMPTY_NODE,
  tail: freeze([]),
});

const make = <A>(size: number, shift: number, root: Node, tail: ReadonlyArray<A>): Vector<A> =>
  freeze({ size, shift, root, tail });

const tailOffset = (v: Vector<unknown>): number => (v.size < WIDTH ? 0 : ((v.size - 1) >>> BITS) << BITS);

// Spread, not `slice`: V8 copies a frozen array with `slice` on a slow path, ~50x slower.
const withReplaced = (node: Node, index: number, value: unknown): Node => {
  const copy = [...node];
  copy[index] = value;
  return freeze(copy);
};

const withAppended = (node: Node, value: unknown): Node => freeze([...node, value]);

// -------------------------------------------------------------------------------------
// queries
// -------------------------------------------------------------------------------------

/**
 * The element at `index`, or `undefined` when the index is out of range.
 *
 * @internal
 */
export const get = <A>(v: Vector<A>, index: number): A | undefined => {
  if (index < 0 || index >= v.size || !Number.isInteger(index)) {
    return undefined;
  }
  if (index >= tailOffset(v)) {
    return v.tail[index & MASK];
  }
  let node = v.root;
  for (let level = v.shift; level > 0; level -= BITS) {
    node = node[(index >>> level) & MASK] as Node;
  }
  return node[index & MASK] as A;
};

/**
 * Visit elements `from` (inclusive) to `to` (exclusive) in order, leaf by leaf.
 *
 * @internal
 */
export const forEachRange = <A>(v: Vector<A>, from: number, to: number, f: (a: A, index: number) => void): void => {
  const end = min(to, v.size);
  let i = max(0, from);
  const offset = tailOffset(v);
  while (i < end && i < offset) {
    let node = v.root;
    for (let level = v.shift; level > 0; level -= BITS) {
      node = node[(i >>> level) & MASK] as Node;
    }
    const leafEnd = min(end, (i | MASK) + 1);
    for (; i < leafEnd; i++) {
      f(node[i & MASK] as A, i);
    }
  }
  for (; i < end; i++) {
    f(v.tail[i - offset] as A, i);
  }
};

/**
 * Visit the elements in order, one leaf (up to 32 elements) per call: for loops hot enough that
 * a call per element shows.
 *
 * @internal
 */
export const forEachLeaf = <A>(v: Vector<A>, f: (leaf: ReadonlyArray<A>) => void): void => {
  const offset = tailOffset(v);
  const visit = (node: Node, level: number): void => {
    if (level === 0) {
      f(node as ReadonlyArray<A>);
      return;
    }
    // Indexed: iterating a frozen array with `for...of` takes a slow path in V8.
    // eslint-disable-next-line @typescript-eslint/prefer-for-of
    for (let i = 0; i < node.length; i++) {
      visit(node[i] as Node, level - BITS);
    }
  };
  if (offset > 0) {
    visit(v.root, v.shift);
  }
  if (v.tail.length > 0) {
    f(v.tail);
  }
};

/**
 * Visit every element in order.
 *
 * @internal
 */
export const forEach = <A>(v: Vector<A>, f: (a: A, index: number) => void): void => {
  forEachRange(v, 0, v.size, f);
};

/**
 * Copy the elements into a new mutable array.
 *
 * @internal
 */
export const toArray = <A>(v: Vector<A>): A[] => {
  const out: A[] = [];
  forEach(v, (a) => out.push(a));
  return out;
};

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const newPath = (level: number, node: Node): Node => (level === 0 ? node : freeze([newPath(level - BITS, node)]));

const pushTail = (size: number, level: number, parent: Node, tailNode: Node): Node => {
  const sub = ((size - 1) >>> level) & MASK;
  if (level === BITS) {
    return withAppended(parent, tailNode);
  }
  const child = parent[sub] as Node | undefined;
  const inserted =
    child === undefined ? newPath(level - BITS, tailNode) : pushTail(size, level - BITS, child, tailNode);
  return child === undefined ? withAppended(parent, inserted) : withReplaced(parent, sub, inserted);
};

/**
 * A vector with `a` appended.
 *
 * @internal
 */
export const push = <A>(v: Vector<A>, a: A): Vector<A> => {
  if (v.size - tailOffset(v) < WIDTH) {
    return make(v.size + 1, v.shift, v.root, freeze([...v.tail, a]));
  }
  // The tail is full: move it into the trie and start a new one.
  const tailNode: Node = v.tail;
  const rootOverflow = v.size >>> BITS > 1 << v.shift;
  const root = rootOverflow
    ? freeze([v.root, newPath(v.shift, tailNode)])
    : pushTail(v.size, v.shift, v.root, tailNode);
  return make(v.size + 1, rootOverflow ? v.shift + BITS : v.shift, root, freeze([a]));
};

const setInNode = (level: number, node: Node, index: number, a: unknown): Node => {
  if (level === 0) {
    return withReplaced(node, index & MASK, a);
  }
  const sub = (index >>> level) & MASK;
  return withReplaced(node, sub, setInNode(level - BITS, node[sub] as Node, index, a));
};

/**
 * `set` for an index known to be in range and an element known to differ from the one there:
 * no bounds check and no read of the element it replaces.
 *
 * @internal
 */
export const replace = <A>(v: Vector<A>, index: number, a: A): Vector<A> => {
  const offset = tailOffset(v);
  if (index >= offset) {
    return make(v.size, v.shift, v.root, withReplaced(v.tail, index - offset, a) as ReadonlyArray<A>);
  }
  return make(v.size, v.shift, setInNode(v.shift, v.root, index, a), v.tail);
};

/**
 * A vector with the element at `index` replaced by `a`; the same vector when `index` is out of
 * range or the element is already `a`.
 *
 * @internal
 */
export const set = <A>(v: Vector<A>, index: number, a: A): Vector<A> =>
  index < 0 || index >= v.size || !Number.isInteger(index) || get(v, index) === a ? v : replace(v, index, a);

/**
 * A vector holding the elements of `as`, in order.
 *
 * @internal
 */
export const fromArray = <A>(as: ReadonlyArray<A>): Vector<A> => {
  if (as.length <= WIDTH) {
    // Everything fits in the tail: one array, no trie.
    return as.length === 0 ? empty : make(as.length, BITS, EMPTY_NODE, Object.freeze([...as]));
  }
  // Built bottom up in one pass, in the very shape that appending one by one gives (leaves
  // filled left to right, the last up to 32 elements in the tail), without the copies.
  const tailLength = ((as.length - 1) & MASK) + 1;
  const inTrie = as.length - tailLength;
  // Copied element by element: `slice` of a frozen array takes V8's slow path.
  const piece = (from: number, to: number): Node => {
    const out: unknown[] = [];
    for (let i = from; i < to; i++) {
      out.push(as[i]);
    }
    return freeze(out);
  };
  let level: Node[] = [];
  for (let i = 0; i < inTrie; i += WIDTH) {
    level.push(piece(i, i + WIDTH));
  }
  let shift = BITS;
  while (level.length > WIDTH) {
    const up: Node[] = [];
    for (let i = 0; i < level.length; i += WIDTH) {
      up.push(freeze(level.slice(i, i + WIDTH)));
    }
    level = up;
    shift += BITS;
  }
  return make(as.length, shift, freeze(level), piece(inTrie, as.length) as ReadonlyArray<A>);
};
