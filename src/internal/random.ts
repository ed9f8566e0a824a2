/**
 * A small seeded pseudo-random generator (mulberry32): 32 bits of state, fast, and the same
 * sequence on every platform for a given seed, which is all a synthetic log needs.
 *
 * @internal
 */

/** The generator's state. */
export type Seed = number;

/** A seed from any integer (reduced to 32 bits). */
export const seed = (n: number): Seed => n >>> 0;

/** The next number in [0, 1) and the state after it. */
export const next = (s: Seed): readonly [value: number, next: Seed] => {
  const a = (s + 0x6d2b79f5) >>> 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, a];
};
