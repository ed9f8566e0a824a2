// The one pattern-matching helper behind every `match*` export.

/**
 * One handler per variant of the `_tag` union `U`, each given the narrowed variant.
 *
 * @since 0.1.0
 */
export type Handlers<U extends { readonly _tag: string }, B> = {
  readonly [K in U['_tag']]: (value: Extract<U, { readonly _tag: K }>) => B;
};

/**
 * Build the `match` fold of a `_tag` union.
 *
 * @internal
 */
export const matchTag =
  <U extends { readonly _tag: string }>() =>
  <B>(handlers: Handlers<U, B>) =>
  (value: U): B =>
    (handlers[value._tag as U['_tag']] as (v: U) => B)(value);
