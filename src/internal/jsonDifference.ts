/**
 * The first place where two JSON values differ, for error messages that point at the field
 * rather than print two large values side by side.
 *
 * @internal
 */

import { isRecord } from './isRecord';

/** Where two values first differ, and what each holds there (`undefined`: absent). */
export interface JsonDifference {
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A difference found deep down: the keys leading to it, innermost first (built on the way out). */
interface Found {
  readonly keys: Array<string | number>;
  readonly left: unknown;
  readonly right: unknown;
}

// Paths are only built for the one difference reported: equal values, the common case when
// verifying a replay, cost no string work at all.
const walk = (a: unknown, b: unknown): Found | undefined => {
  if (Object.is(a, b)) {
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const as: ReadonlyArray<unknown> = a;
    const bs: ReadonlyArray<unknown> = b;
    const n = Math.max(as.length, bs.length);
    for (let i = 0; i < n; i++) {
      const d = walk(as[i], bs[i]);
      if (d !== undefined) {
        d.keys.push(i);
        return d;
      }
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const k in a) {
      if (Object.hasOwn(a, k)) {
        const d = walk(a[k], b[k]);
        if (d !== undefined) {
          d.keys.push(k);
          return d;
        }
      }
    }
    for (const k in b) {
      if (Object.hasOwn(b, k) && !Object.hasOwn(a, k)) {
        return { keys: [k], left: undefined, right: b[k] };
      }
    }
    return undefined;
  }
  return { keys: [], left: a, right: b };
};

const pathOf = (keys: ReadonlyArray<string | number>): string => {
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i] as string | number;
    path +=
      typeof k === 'number'
        ? `[${String(k)}]`
        : IDENTIFIER.test(k)
          ? path === ''
            ? k
            : `.${k}`
          : `[${JSON.stringify(k)}]`;
  }
  return path === '' ? '(root)' : path;
};

/**
 * The first difference between two JSON values, depth first and in field order, or `undefined`
 * when they are deeply equal (field order aside).
 *
 * @internal
 */
export const jsonDifference = (left: unknown, right: unknown): JsonDifference | undefined => {
  const d = walk(left, right);
  return d === undefined ? undefined : { path: pathOf(d.keys), left: d.left, right: d.right };
};
