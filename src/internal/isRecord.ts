/**
 * True for a plain object: not `null`, not an array. The first check of every decoder that
 * looks inside a value from outside.
 *
 * @internal
 */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);
