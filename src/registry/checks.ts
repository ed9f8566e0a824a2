/**
 * The checks every reducer and query makes of what plain JavaScript gives it: a registry, a key,
 * a liveness.
 *
 * @since 0.3.0
 */
import * as t from 'io-ts';

import type { KeyIdentity } from '../domain/BackendKey';
import { BackendKey, cachedKeyIdentity, keyIdentity } from '../domain/BackendKey';
import { checked, show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import type { Registry } from './storage';

// A reducer reached from plain JavaScript checks what it is given with the codecs the log reader
// uses, before anything is stored: a wrong value throws a `TypeError` or `RangeError` carrying
// the codec's message, and is never kept in a registry.

/**
 * Check that `state` looks like a registry (one a reducer made, or its serialized copy): a
 * `TypeError` naming `fn` otherwise, rather than a failure deep inside.
 *
 * @internal
 */
export const checkRegistry = (fn: string, state: unknown): Registry => {
  if (
    isRecord(state) &&
    isRecord(state.policy) &&
    isRecord(state.slots) &&
    isRecord(state.index) &&
    typeof state.liveCount === 'number' &&
    isRecord(state.operations)
  ) {
    return state as unknown as Registry;
  }
  throw new TypeError(`${fn}: state: expected a Registry (from createRegistry or a reducer), got ${show(state)}`);
};

/** @internal */
export const keyOf = (fn: string, key: unknown): BackendKey => checked(fn, BackendKey, key, 'key');

/**
 * The identity of `key` checked for `fn`: a key with a cached identity was checked when it was
 * cached, so the common case is one lookup serving as both the check and the identity.
 *
 * @internal
 */
export const checkedIdentity = (fn: string, key: unknown): KeyIdentity =>
  cachedKeyIdentity(key) ?? keyIdentity(keyOf(fn, key));

/**
 * `live` checked for `fn`: a boolean as it is, anything else the codec's error.
 *
 * @internal
 */
export const liveOf = (fn: string, live: unknown): boolean =>
  typeof live === 'boolean' ? live : checked(fn, t.boolean, live, 'live');
