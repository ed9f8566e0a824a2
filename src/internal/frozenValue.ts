/**
 * Frozen values that immer does not draft.
 *
 * Redux Toolkit runs every case reducer inside immer's `produce`, which drafts (wraps in a
 * proxy) each plain object or array read from the state. A registry or a slice state read
 * through a draft and handed to a reducer of the library would come back built from drafts,
 * frozen, where immer does not look again: its proxies are revoked when `produce` ends, and the
 * registry would hold dead proxies. Immer drafts plain objects only, "every other object is
 * treated as a value" (its documentation, "Classes"): an object whose prototype has no
 * constructor is one. Redux still takes it for a plain object, as its check only asks that the
 * prototype chain end right after it, so the store's serializability check accepts it.
 *
 * @internal
 */

/** The prototype of the library's opaque values: no constructor, no members, frozen. */
const VALUE: object = Object.freeze(Object.create(null) as object);

/**
 * `fields`, frozen (not deeply), as an object immer reads as a value and never drafts. The
 * object's own enumerable properties are those of `fields`: spreads, JSON and deep equality see
 * what they saw before.
 *
 * @internal
 */
export const frozenValue = <A extends object>(fields: A): A =>
  Object.freeze(Object.assign(Object.create(VALUE) as A, fields));
