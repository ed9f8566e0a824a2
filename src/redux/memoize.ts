/**
 * The small memoisers behind the selectors: keyed by reference, and stable across recomputation
 * when the new result equals the previous one.
 *
 * @internal
 */

/**
 * Element-wise reference equality of two arrays.
 *
 * @internal
 */
export const shallowEqualArrays = <A>(x: ReadonlyArray<A>, y: ReadonlyArray<A>): boolean =>
  x === y || (x.length === y.length && x.every((a, i) => a === y[i]));

/**
 * Memoise `f` on the identity of its argument. A new argument recomputes; when the new result is
 * `equal` to the last one computed, the last one is returned instead, so callers comparing by
 * reference see no change. The cache holds its keys weakly.
 *
 * @internal
 */
export const memoizeByRef = <K extends object, R>(
  f: (key: K) => R,
  equal: (x: R, y: R) => boolean = Object.is,
): ((key: K) => R) => {
  const cache = new WeakMap<K, R>();
  let last: { readonly value: R } | undefined;
  return (key) => {
    if (cache.has(key)) {
      return cache.get(key) as R;
    }
    const fresh = f(key);
    const value = last !== undefined && equal(last.value, fresh) ? last.value : fresh;
    last = { value };
    cache.set(key, value);
    return value;
  };
};

/**
 * Memoise `f` on the identity of its first argument and the string id (`idOf`) of its second,
 * with the same reuse of equal results per id as `memoizeByRef`. Results that `forget` accepts
 * (for instance "not found") are not kept for reuse, which bounds what is held between calls.
 *
 * @internal
 */
export const memoizeByRefAndId = <K extends object, A, R>(
  f: (key: K, arg: A) => R,
  idOf: (arg: A) => string,
  equal: (x: R, y: R) => boolean,
  forget: (value: R) => boolean,
): ((key: K, arg: A) => R) => {
  const cache = new WeakMap<K, Map<string, R>>();
  const last = new Map<string, R>();
  return (key, arg) => {
    const id = idOf(arg);
    let byId = cache.get(key);
    if (byId === undefined) {
      byId = new Map();
      cache.set(key, byId);
    } else if (byId.has(id)) {
      return byId.get(id) as R;
    }
    const fresh = f(key, arg);
    const previous = last.get(id);
    const value = previous !== undefined && equal(previous, fresh) ? previous : fresh;
    if (forget(value)) {
      last.delete(id);
    } else {
      last.set(id, value);
    }
    byId.set(id, value);
    return value;
  };
};
