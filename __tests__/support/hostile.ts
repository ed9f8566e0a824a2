/**
 * Values a plain JavaScript caller, or a hostile one, may hand the library where a valid one is
 * expected: wrong types, values just outside a codec, and tags named after `Object.prototype`.
 */
import * as fc from 'fast-check';

/** One hostile replacement for a part of a valid value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    '',
    'yes',
    'AB12',
    'a\u0000b',
    'constructor',
    'toString',
    '__proto__',
    'Sleep',
    1,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    null,
    undefined,
    {},
    [],
    { _tag: 'toString' },
    { _tag: 'constructor' },
    { _tag: 'Failure', reason: 'constructor' },
  ),
  fc.anything({ maxDepth: 2 }),
);

/** The paths to every part of `value` (objects and arrays walked), the value itself excluded. */
export const partsOf = (value: unknown, at: ReadonlyArray<string> = []): ReadonlyArray<ReadonlyArray<string>> => {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.keys(value).flatMap((k) => [[...at, k], ...partsOf((value as Record<string, unknown>)[k], [...at, k])]);
};

/** A deep copy of the JSON-like `value` with the part at `path` replaced by `replacement`. */
export const replacedAt = (value: unknown, path: ReadonlyArray<string>, replacement: unknown): unknown => {
  if (path.length === 0) {
    return replacement;
  }
  const [head, ...rest] = path as [string, ...string[]];
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...(value as unknown[])] as never) : { ...source };
  copy[head] = replacedAt(source[head], rest, replacement);
  return copy;
};

/** `value`, or a copy of it with one part replaced by a hostile value (about half of the time). */
export const maybeHostile = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  valid.chain((value) => {
    const parts = partsOf(value);
    return parts.length === 0
      ? fc.constant<unknown>(value)
      : fc.oneof(
          fc.constant<unknown>(value),
          fc.tuple(fc.constantFrom(...parts), hostileValue).map(([path, h]) => replacedAt(value, path, h)),
        );
  });
