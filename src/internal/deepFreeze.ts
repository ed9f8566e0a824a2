/**
 * Deep freezing of plain data.
 *
 * @internal
 */

/**
 * Freeze `value` and everything reachable from it, in place, and return it. An object that is
 * already frozen is taken to be deeply frozen (every value the library builds is), so the walk
 * stops there and shared structure is not visited again.
 *
 * @internal
 */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
};
