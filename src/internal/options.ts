/**
 * Checks of the options objects that functions take from callers, which may be plain JavaScript:
 * a wrong value throws a `TypeError` (wrong type) or `RangeError` (right type, out of range) whose
 * one-line message names the function, the option and the value.
 *
 * @internal
 */
import { show } from './codec';

/** The options object itself: `undefined` means none. */
export const optionsObject = (fn: string, options: unknown): Readonly<Record<string, unknown>> => {
  if (options === undefined) {
    return {};
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${show(options)}`);
  }
  return options as Readonly<Record<string, unknown>>;
};

/** An optional integer of at least `min`. */
export const optionalInteger = (fn: string, name: string, value: unknown, min: number): number | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const what = min <= Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer of at least ${String(min)}`;
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${fn}: ${name} must be ${what}, got ${show(value)}`);
  }
  return value;
};

/** Check that an option is a function when it is given. */
export const checkFunction = (fn: string, name: string, value: unknown): void => {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${fn}: ${name} must be a function, got ${show(value)}`);
  }
};

/** An optional value of a given `typeof`. */
export const optionalOfType = <K extends 'string' | 'boolean'>(
  fn: string,
  name: string,
  value: unknown,
  type: K,
): (K extends 'string' ? string : boolean) | undefined => {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${fn}: ${name} must be a ${type}, got ${show(value)}`);
  }
  return value as (K extends 'string' ? string : boolean) | undefined;
};

/** An optional value among `allowed`. */
export const optionalOneOf = <A extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: ReadonlyArray<A>,
): A | undefined => {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string' && (allowed as ReadonlyArray<string>).includes(value)) {
    return value as A;
  }
  throw new (typeof value === 'string' ? RangeError : TypeError)(
    `${fn}: ${name} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${show(value)}`,
  );
};

/** The fields of `fields` that are not `undefined`: an omitted optional argument stays absent. */
export const definedFields = <A extends Readonly<Record<string, unknown>>>(
  fields: A,
): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>;
  };
