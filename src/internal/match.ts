// The one pattern-matching helper behind every `match*` export.
import { show } from './codec';

/**
 * One handler per variant of the `_tag` union `U`, each given the narrowed variant.
 *
 * @since 0.1.0
 */
export type Handlers<U extends { readonly _tag: string }, B> = {
  readonly [K in U['_tag']]: (value: Extract<U, { readonly _tag: K }>) => B;
};

/**
 * Build the `match` fold of a `_tag` union. The handler is looked up among the handlers' own
 * properties only, so a value from plain JavaScript tagged `toString` or `constructor` reaches no
 * `Object.prototype` member: it throws a `TypeError` naming the tag and the tags handled.
 *
 * @internal
 */
export const matchTag =
  <U extends { readonly _tag: string }>() =>
  <B>(handlers: Handlers<U, B>) =>
  (value: U): B => {
    // From plain JavaScript, `value` may be anything at all.
    const u: unknown = value;
    const tag: unknown = typeof u === 'object' && u !== null ? (u as { _tag?: unknown })._tag : undefined;
    if (typeof tag !== 'string' || !Object.hasOwn(handlers, tag)) {
      throw new TypeError(
        `match: expected a value tagged ${Object.keys(handlers)
          .map((k) => JSON.stringify(k))
          .join(' | ')}, got ${show(value)}`,
      );
    }
    return (handlers[tag as U['_tag']] as (v: U) => B)(value);
  };
