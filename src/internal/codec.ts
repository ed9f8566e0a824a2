/**
 * Building blocks shared by every codec of the library, and the readable error report.
 *
 * Every codec here decodes `unknown` without throwing, rejects fields it does not know, and
 * reports each problem as one line naming the path, what was expected and what was found.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { isRecord } from './isRecord';

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

const hasNul = (s: string): boolean => s.includes('\u0000');

/**
 * The JavaScript type each refined primitive narrows (strings of a form, whole milliseconds): a
 * value of that type that the codec refuses is out of range, any other value is of the wrong
 * type. `checked` throws a `RangeError` or a `TypeError` accordingly.
 */
const domains = new WeakMap<t.Any, 'string' | 'number'>();

const stringWhere = (name: string, ok: (s: string) => boolean): t.Type<string, string> => {
  const codec = new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && ok(u),
    (u, c) => (typeof u === 'string' && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
  domains.set(codec, 'string');
  return codec;
};

/**
 * A string without NUL characters (which no path, name or version can hold).
 *
 * @since 0.1.0
 */
export const Text = stringWhere('string without NUL', (s) => !hasNul(s));

/**
 * A non-empty string without NUL characters.
 *
 * @since 0.1.0
 */
export const Name = stringWhere('non-empty string without NUL', (s) => s.length > 0 && !hasNul(s));

/**
 * A path prefix: a non-empty string without NUL characters.
 *
 * @since 0.1.0
 */
export const PathPrefix = stringWhere('non-empty path without NUL', (s) => s.length > 0 && !hasNul(s));

/**
 * Lowercase hexadecimal, possibly empty (a content hash, or none).
 *
 * @since 0.1.0
 */
export const Hex = stringWhere('lowercase hex string', (s) => /^[0-9a-f]*$/.test(s));

const isMillis = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;

/**
 * A duration in whole milliseconds: a non-negative safe integer (no fraction, NaN or infinity).
 *
 * @since 0.1.0
 */
export const Millis = new t.Type<number, number, unknown>(
  'non-negative integer milliseconds',
  isMillis,
  (u, c) => (isMillis(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
domains.set(Millis, 'number');

/**
 * The latest instant a JavaScript `Date` holds, in milliseconds since the Unix epoch (the year
 * 275760): a time beyond it has no date to show.
 *
 * @internal
 */
export const MAX_DATE_MILLIS = 8_640_000_000_000_000;

const isEpochMillis = (u: unknown): u is number => isMillis(u) && u <= MAX_DATE_MILLIS;

/**
 * An instant in whole milliseconds since the Unix epoch that a `Date` can show: an integer from 0
 * to 8,640,000,000,000,000.
 *
 * @internal
 */
export const EpochMillis = new t.Type<number, number, unknown>(
  'milliseconds since the epoch, 0 to 8640000000000000',
  isEpochMillis,
  (u, c) => (isEpochMillis(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
domains.set(EpochMillis, 'number');

// -------------------------------------------------------------------------------------
// bounded error lists
// -------------------------------------------------------------------------------------

/**
 * How many problems of one kind a codec lists (invalid elements of one array, unknown fields of
 * one record), and how many lines `formatErrors` gives before `and N more`: a hostile value
 * with a million bad elements costs a million cheap checks, not a million messages.
 *
 * @internal
 */
export const MAX_LISTED = 10;

/** A validation error standing for `omitted` further problems that were counted, not listed. */
interface OmittedErrors extends t.ValidationError {
  readonly omitted: number;
}

const omitted = (context: t.Context, value: unknown, count: number): OmittedErrors => ({
  value,
  context,
  message: `${String(count)} more problems`,
  omitted: count,
});

const omittedCount = (e: t.ValidationError): number => {
  const n = (e as Partial<OmittedErrors>).omitted;
  return typeof n === 'number' ? n : 0;
};

/** `errors.push(...more)` without spreading `more`, which overflows the stack past ~100,000 items. */
const appendAll = (errors: t.ValidationError[], more: ReadonlyArray<t.ValidationError>): void => {
  // eslint-disable-next-line @typescript-eslint/prefer-for-of
  for (let i = 0; i < more.length; i++) {
    errors.push(more[i] as t.ValidationError);
  }
};

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * A test that answers, without looking inside a value, that it is one the library built or
 * checked before and that can never change (a lookup in a table of frozen values, or an identity
 * comparison with a canonical instance): `true` only for values the codec accepts. It must never
 * run code of the value's (a getter or a proxy's trap): `WeakMap` and `Set` lookups do not.
 *
 * @internal
 */
export type Known = (u: unknown) => boolean;

const unknownValue: Known = () => false;

/**
 * A read-only array of `item`, like `t.readonlyArray`, but with a bounded report on a bad value:
 * the errors of the first `MAX_LISTED` invalid elements are kept; the invalid elements after
 * them are only counted, and `formatErrors` reports the count as part of one `and N more`.
 *
 * @internal
 */
export const arrayOf = <C extends t.Mixed>(
  item: C,
): t.Type<ReadonlyArray<t.TypeOf<C>>, ReadonlyArray<t.OutputOf<C>>> => {
  const name = `ReadonlyArray<${item.name}>`;
  const is = (u: unknown): u is ReadonlyArray<t.TypeOf<C>> => Array.isArray(u) && u.every((x) => item.is(x));
  return new t.Type<ReadonlyArray<t.TypeOf<C>>, ReadonlyArray<t.OutputOf<C>>, unknown>(
    name,
    is,
    (u, c) => {
      if (!Array.isArray(u)) {
        return t.failure(u, c);
      }
      const errors: t.ValidationError[] = [];
      let out: unknown[] | undefined;
      let invalid = 0;
      for (let i = 0; i < u.length; i++) {
        const x: unknown = u[i];
        if (item.is(x)) {
          out?.push(x);
          continue;
        }
        const result = item.validate(x, t.appendContext(c, String(i), item, x));
        if (E.isLeft(result)) {
          invalid += 1;
          if (invalid <= MAX_LISTED) {
            appendAll(errors, result.left);
          }
        } else {
          // A valid element that decodes to another value: the output becomes a copy.
          out ??= u.slice(0, i);
          out.push(result.right);
        }
      }
      if (invalid > MAX_LISTED) {
        errors.push(omitted(c, u, invalid - MAX_LISTED));
      }
      if (errors.length > 0) {
        return t.failures(errors);
      }
      return t.success((out ?? u) as ReadonlyArray<t.TypeOf<C>>);
    },
    (as) => as.map((a) => item.encode(a) as t.OutputOf<C>),
  );
};

/**
 * A record codec that accepts exactly the listed fields: a missing, mistyped or extra field is an
 * error. Fields in `optional` may be absent (but not `undefined`). A valid input decodes to
 * itself; one that is valid only after its fields are decoded gives a fresh object with the
 * fields in the listed order. A value `known` answers for is accepted at once.
 *
 * @example
 * import * as t from 'io-ts'
 * import { PathPrefix, closed, decode } from 'lifecycle-broadcast'
 *
 * const Cleanup = closed('Cleanup', { pathPrefix: PathPrefix, force: t.boolean })
 * decode(Cleanup, { pathPrefix: '/var/cache', force: true, extra: 1 })
 * // left([ 'extra: unexpected field, got 1' ])
 *
 * @since 0.1.0
 */
export const closedWith = <P extends t.Props, Q extends t.Props>(
  name: string,
  props: P,
  optional: Q,
  known: Known = unknownValue,
  // The field types are spelled as anonymous mapped types, not io-ts's `TypeOfProps`: an
  // interface derived from this codec then reads as its fields in a compiler message
  // (`{ readonly key: BackendKey; ... }`), never as io-ts's machinery.
): t.Type<
  { readonly [K in keyof P]: t.TypeOf<P[K]> } & { readonly [K in keyof Q]?: t.TypeOf<Q[K]> },
  { readonly [K in keyof P]: t.OutputOf<P[K]> } & { readonly [K in keyof Q]?: t.OutputOf<Q[K]> }
> => {
  type A = { readonly [K in keyof P]: t.TypeOf<P[K]> } & { readonly [K in keyof Q]?: t.TypeOf<Q[K]> };
  type O = { readonly [K in keyof P]: t.OutputOf<P[K]> } & { readonly [K in keyof Q]?: t.OutputOf<Q[K]> };
  const fields: ReadonlyArray<readonly [string, t.Mixed, boolean]> = [
    ...Object.entries(props).map(([k, codec]) => [k, codec, true] as const),
    ...Object.entries(optional).map(([k, codec]) => [k, codec, false] as const),
  ];
  const names = new Set(fields.map(([k]) => k));
  const present = (u: Record<string, unknown>, k: string): boolean => Object.hasOwn(u, k);
  // Parallel arrays read by index: `is` runs for every record of every decoded line and every
  // argument a reducer checks, and destructuring each field's tuple there costs measurably.
  const keys = fields.map(([k]) => k);
  const codecs = fields.map(([, codec]) => codec);
  const required = fields.map(([, , r]) => r);
  const is = (u: unknown): u is A => {
    if (known(u)) {
      return true;
    }
    if (!isRecord(u)) {
      return false;
    }
    for (const k in u) {
      if (!names.has(k)) {
        return false;
      }
    }
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if ((required[i] === true || present(u, k)) && !(codecs[i] as t.Mixed).is(u[k])) {
        return false;
      }
    }
    return true;
  };
  return new t.Type<A, O>(
    name,
    is,
    (u, c) => {
      // Fast path: every codec of this library decodes a value it accepts to that same value,
      // so a valid input needs no copy and no context for error paths.
      if (is(u)) {
        return t.success(u);
      }
      if (!isRecord(u)) {
        return t.failure(u, c);
      }
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const [k, codec, required] of fields) {
        if (!required && !present(u, k)) {
          continue;
        }
        const result = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
        if (E.isLeft(result)) {
          appendAll(errors, result.left);
        } else {
          out[k] = result.right;
        }
      }
      // A hostile record may have any number of unknown fields: the first few are reported, the
      // others only counted.
      let unexpected = 0;
      for (const k of Object.keys(u)) {
        if (!names.has(k)) {
          unexpected += 1;
          if (unexpected <= MAX_LISTED) {
            errors.push({
              value: u[k],
              context: t.appendContext(c, k, t.never, u[k]),
              message: 'unexpected field',
            });
          }
        }
      }
      if (unexpected > MAX_LISTED) {
        errors.push(omitted(c, u, unexpected - MAX_LISTED));
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    (a) => {
      const record = a as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, codec, required] of fields) {
        if (required || present(record, k)) {
          out[k] = codec.encode(record[k]);
        }
      }
      return out as O;
    },
  );
};

/**
 * A record codec that accepts exactly the listed fields, all required: a missing, mistyped or
 * extra field is an error. A value `known` answers for is accepted at once.
 *
 * @since 0.1.0
 */
export const closed = <P extends t.Props>(
  name: string,
  props: P,
  known: Known = unknownValue,
): t.Type<{ readonly [K in keyof P]: t.TypeOf<P[K]> }, { readonly [K in keyof P]: t.OutputOf<P[K]> }> =>
  closedWith(name, props, {}, known);

/**
 * A union discriminated by `_tag`: the tag picks the member, so a bad value gets the member's
 * own errors (or one error naming the tags that exist), never one error per member. A value
 * `known` answers for is accepted at once.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Name, closed, decode, tagged } from 'lifecycle-broadcast'
 *
 * const Command = tagged('Command', {
 *   Start: closed('Start', { _tag: t.literal('Start'), service: Name }),
 *   Stop: closed('Stop', { _tag: t.literal('Stop'), service: Name }),
 * })
 * decode(Command, { _tag: 'Restart', service: 'soldr' })
 * // left([ '_tag: expected "Start" | "Stop", got "Restart"' ])
 *
 * @since 0.1.0
 */
export const tagged = <M extends Record<string, t.Mixed>>(
  name: string,
  members: M,
  known: Known = unknownValue,
): t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>> => {
  const tags = Object.keys(members);
  const Tag = t.keyof(Object.fromEntries(tags.map((k) => [k, null])));
  const memberOf = (u: unknown): t.Mixed | undefined => {
    if (typeof u !== 'object' || u === null || !('_tag' in u)) {
      return undefined;
    }
    const tag = u._tag;
    return typeof tag === 'string' && Object.hasOwn(members, tag) ? members[tag] : undefined;
  };
  return new t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => known(u) || memberOf(u)?.is(u) === true,
    (u, c) => {
      if (known(u)) {
        return t.success(u);
      }
      const member = memberOf(u);
      if (member?.is(u) === true) {
        return t.success(u as t.TypeOf<M[keyof M]>);
      }
      if (typeof u !== 'object' || u === null || Array.isArray(u)) {
        return t.failure(u, c);
      }
      if (member === undefined) {
        const tag = (u as { _tag?: unknown })._tag;
        return t.failure(tag, t.appendContext(c, '_tag', Tag, tag));
      }
      return member.validate(u, c) as t.Validation<t.TypeOf<M[keyof M]>>;
    },
    (a) => (memberOf(a) as t.Mixed).encode(a) as t.OutputOf<M[keyof M]>,
  );
};

// -------------------------------------------------------------------------------------
// error report
// -------------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Longest field name shown in a path: a hostile input's keys must not make the report unreadable. */
const MAX_KEY_SHOWN = 40;

const shortened = (text: string, max: number, end = ''): string =>
  text.length > max ? `${text.slice(0, max - 3 - end.length)}...${end}` : text;

const pathOf = (context: t.Context): string => {
  let path = '';
  for (const entry of context.slice(1)) {
    if (/^(0|[1-9][0-9]*)$/.test(entry.key)) {
      path += `[${shortened(entry.key, MAX_KEY_SHOWN)}]`;
    } else if (IDENTIFIER.test(entry.key)) {
      const key = shortened(entry.key, MAX_KEY_SHOWN);
      path += path === '' ? key : `.${key}`;
    } else {
      path += `[${shortened(JSON.stringify(entry.key), MAX_KEY_SHOWN, '"')}]`;
    }
  }
  return path === '' ? '(root)' : path;
};

const MAX_SHOWN = 60;

/**
 * A short, single-line rendering of any value, for error messages.
 *
 * @since 0.1.0
 */
export const show = (u: unknown): string => {
  switch (typeof u) {
    case 'undefined':
      return 'nothing';
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'symbol':
      return String(u);
    case 'function':
      return 'a function';
    case 'string':
    case 'object': {
      let text: string;
      try {
        text = JSON.stringify(u, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      } catch {
        text = Array.isArray(u) ? 'an array' : 'an object';
      }
      return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
    }
  }
};

/**
 * One readable line per validation error: `path: expected TYPE, got VALUE`, for example
 * `[3].operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"`.
 * Identical lines are given once, and at most 10 are given: any further problems are counted in
 * a last line, `and N more`, so a value with a million problems gives 11 lines.
 *
 * @example
 * import { BroadcastOperation, formatErrors } from 'lifecycle-broadcast'
 * import * as E from 'fp-ts/lib/Either.js'
 *
 * const r = BroadcastOperation.decode({ _tag: 'Quiesce', reason: 'Sleep' })
 * if (E.isLeft(r)) console.log(formatErrors(r.left))
 * // [ 'reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"' ]
 *
 * @since 0.1.0
 */
export const formatErrors = (errors: t.Errors): ReadonlyArray<string> => {
  const seen = new Set<string>();
  const lines: string[] = [];
  let more = 0;
  for (const e of errors) {
    const count = omittedCount(e);
    if (count > 0) {
      more += count;
      continue;
    }
    const line = formatError(e);
    if (seen.has(line)) {
      continue;
    }
    seen.add(line);
    if (lines.length < MAX_LISTED) {
      lines.push(line);
    } else {
      more += 1;
    }
  }
  if (more > 0) {
    lines.push(`and ${String(more)} more`);
  }
  return lines;
};

const formatError = (e: t.ValidationError): string => {
  const last = e.context[e.context.length - 1];
  const path = pathOf(e.context);
  if (e.message !== undefined) {
    return `${path}: ${e.message}, got ${show(e.value)}`;
  }
  const expected = last?.type.name ?? 'a valid value';
  const got = e.value === undefined ? 'nothing (missing field)' : show(e.value);
  return `${path}: expected ${expected}, got ${got}`;
};

/**
 * Decode `input` with `codec`: the value, or one readable line per problem. Never throws.
 *
 * @example
 * import { BroadcastPolicy, decode } from 'lifecycle-broadcast'
 *
 * decode(BroadcastPolicy, { ackTimeoutMs: -1 })
 * // left([ 'ackTimeoutMs: expected non-negative integer milliseconds, got -1' ])
 *
 * @since 0.1.0
 */
export const decode = <A, O>(codec: t.Type<A, O>, input: unknown): E.Either<ReadonlyArray<string>, A> => {
  try {
    const result = codec.decode(input);
    return E.isRight(result) ? result : E.left(formatErrors(result.left));
  } catch (error: unknown) {
    // A getter that throws or a proxy: report it rather than crash the caller.
    return E.left([`(root): could not be read: ${error instanceof Error ? error.message : show(error)}`]);
  }
};

// -------------------------------------------------------------------------------------
// checked construction
// -------------------------------------------------------------------------------------

/** Whether an error says the value has the right JavaScript type but is outside the codec's values. */
const isRangeError = (e: t.ValidationError): boolean => {
  if (omittedCount(e) > 0) {
    return true;
  }
  const last = e.context[e.context.length - 1];
  if (last === undefined || last.key === '_tag' || e.message === 'unexpected field') {
    // A missing or unknown tag, or a field the type does not have: not a value of the type at all.
    return false;
  }
  if (e.message !== undefined) {
    return true;
  }
  const type: unknown = last.type;
  const domain =
    (type instanceof t.Type ? domains.get(type) : undefined) ??
    (type instanceof t.KeyofType
      ? 'string'
      : type instanceof t.LiteralType
        ? typeof (type as t.LiteralType<string | number | boolean>).value
        : undefined);
  return domain !== undefined && typeof e.value === domain;
};

/**
 * Check `value` with `codec` for `fn`, a constructor or reducer that a caller may reach from plain
 * JavaScript: the value (decoded, so a policy of 0 ms becomes 1 ms), or an exception carrying the
 * codec's one-line report, such as `backendKey: exeHash: expected lowercase hex string, got "AB"`;
 * with `name`, the report's paths start there (`setLive: key.serviceName: ...`).
 * It is a `RangeError` when every problem is a value of the right type outside what the codec
 * accepts (an empty name, `1.5` ms, the reason `"Sleep"`), and a `TypeError` otherwise (a value of
 * the wrong type, a missing or unknown field, an unknown `_tag`).
 *
 * @internal
 */
export const checked = <A, O>(fn: string, codec: t.Type<A, O>, value: unknown, name?: string): A => {
  let result: t.Validation<A>;
  try {
    if (codec.is(value)) {
      return value;
    }
    result = codec.decode(value);
  } catch (error: unknown) {
    const where = name === undefined ? '' : `${name}: `;
    throw new TypeError(`${fn}: ${where}could not be read: ${error instanceof Error ? error.message : show(error)}`);
  }
  if (E.isRight(result)) {
    return result.right;
  }
  const lines = formatErrors(result.left);
  const message = `${fn}: ${(name === undefined ? lines : lines.map((l) => under(name, l))).join('; ')}`;
  throw result.left.every(isRangeError) ? new RangeError(message) : new TypeError(message);
};

/** A report line of a value, as a line about the field `name` that holds it. */
const under = (name: string, line: string): string =>
  /^and \d+ more$/.test(line)
    ? line
    : line.startsWith('(root)')
      ? `${name}${line.slice('(root)'.length)}`
      : line.startsWith('[')
        ? `${name}${line}`
        : `${name}.${line}`;
