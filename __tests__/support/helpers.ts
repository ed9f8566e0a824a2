/**
 * Shared test helpers: Either/Option unwrapping that fails loudly, key fixtures, in-memory logs
 * and a deep freeze check.
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import type { BackendKey, BrokerInstance, LogHeader, LogRecord } from '../../src';
import { backendKey, encodeHeaderLine, encodeRecordLine, sharedInstance } from '../../src';

/** An in-memory log source: `header`, then `records`, one line each, as the writers write them. */
export const logText = (header: LogHeader, records: Iterable<LogRecord>): ReadonlyArray<string> => {
  const lines = [encodeHeaderLine(header)];
  for (const record of records) {
    lines.push(encodeRecordLine(record));
  }
  return [`${lines.join('\n')}\n`];
};

/** The right value, or a failed expectation that shows the left. */
export const expectRight = <L, A>(e: E.Either<L, A>): A => {
  if (E.isLeft(e)) {
    throw new Error(`expected Right, got Left: ${JSON.stringify(e.left)}`);
  }
  return e.right;
};

/** The left value, or a failed expectation that shows the right. */
export const expectLeft = <L, A>(e: E.Either<L, A>): L => {
  if (E.isRight(e)) {
    throw new Error(`expected Left, got Right: ${JSON.stringify(e.right)}`);
  }
  return e.left;
};

/** The value of a `some`, or a failed expectation. */
export const expectSome = <A>(o: O.Option<A>): A => {
  if (O.isNone(o)) {
    throw new Error('expected Some, got None');
  }
  return o.value;
};

/** A key for service `name` (version 1.0.0, no hash) in `instance` (shared by default). */
export const key = (name: string, instance: BrokerInstance = sharedInstance): BackendKey =>
  backendKey(instance, name, '1.0.0', '');

/** Paths (like `slots.root[0]`) of every object reachable from `value` that is not frozen. */
export const unfrozenPaths = (value: unknown, path = '(root)', seen = new Set<unknown>()): string[] => {
  if (typeof value !== 'object' || value === null || seen.has(value)) {
    return [];
  }
  seen.add(value);
  const own = Object.isFrozen(value) ? [] : [path];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => unfrozenPaths(v, `${path}.${k}`, seen))];
};
