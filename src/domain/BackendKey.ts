/**
 * The identity of a backend daemon: which broker instance it belongs to, which service, which
 * version and which build. Two keys are the same backend exactly when all four fields agree.
 *
 * @since 0.1.0
 */
import * as Eq from 'fp-ts/Eq';
import * as t from 'io-ts';

import { Hex, Name, checked, closed, tagged } from '../internal/codec';
import * as HT from '../internal/HashTrie';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const SharedC = closed('Shared', { _tag: t.literal('Shared') });
const PrivateC = closed('Private', { _tag: t.literal('Private'), serviceName: Name });
const ExplicitC = closed('Explicit', { _tag: t.literal('Explicit'), name: Name });

/**
 * The per-user shared broker.
 *
 * @since 0.2.0
 */
export interface SharedInstance extends t.TypeOf<typeof SharedC> {}

/**
 * A broker isolated for one service, named after it.
 *
 * @since 0.2.0
 */
export interface PrivateInstance extends t.TypeOf<typeof PrivateC> {}

/**
 * An explicitly named broker instance.
 *
 * @since 0.2.0
 */
export interface ExplicitInstance extends t.TypeOf<typeof ExplicitC> {}

/**
 * The broker trust domain a backend runs in: the per-user shared broker, a broker private to
 * one service, or an explicitly named broker instance.
 *
 * @since 0.1.0
 */
export const BrokerInstance: t.Type<BrokerInstance, BrokerInstance> = tagged('BrokerInstance', {
  Shared: SharedC,
  Private: PrivateC,
  Explicit: ExplicitC,
});

/**
 * What the `BrokerInstance` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BrokerInstance = SharedInstance | PrivateInstance | ExplicitInstance;

/**
 * Identities of the keys known to be valid and unchangeable, computed once: every key built here,
 * and a key frozen all the way down (with plain data fields) once it passed the codec. A key
 * found here needs no other check.
 */
const identities = new WeakMap<BackendKey, KeyIdentity>();

const BackendKeyC = closed(
  'BackendKey',
  {
    instance: BrokerInstance,
    serviceName: Name,
    serviceVersion: Name,
    exeHash: Hex,
  },
  // One lookup, which never reads the value: a key with a cached identity was checked before.
  (u) => identities.has(u as BackendKey),
);

/**
 * A backend's key: broker instance, service name, service version and the lowercase hex hash
 * of the daemon executable (empty when unknown). Two builds of one version are two backends.
 *
 * @since 0.1.0
 */
export const BackendKey: t.Type<BackendKey, BackendKey> = BackendKeyC;

/**
 * What the `BackendKey` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface BackendKey extends t.TypeOf<typeof BackendKeyC> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The per-user shared broker.
 *
 * @since 0.1.0
 */
export const sharedInstance: BrokerInstance = Object.freeze({ _tag: 'Shared' });

/**
 * A broker isolated for one service. `serviceName` must be a non-empty string without NUL:
 * otherwise it throws a `RangeError` (a `TypeError` if it is not a string at all).
 *
 * @since 0.1.0
 */
export const privateInstance = (serviceName: string): BrokerInstance =>
  Object.freeze(checked('privateInstance', PrivateC, { _tag: 'Private', serviceName }));

/**
 * An explicitly named broker instance. `name` must be a non-empty string without NUL:
 * otherwise it throws a `RangeError` (a `TypeError` if it is not a string at all).
 *
 * @since 0.1.0
 */
export const explicitInstance = (name: string): BrokerInstance =>
  Object.freeze(checked('explicitInstance', ExplicitC, { _tag: 'Explicit', name }));

/**
 * Build a frozen key. The fields are copied, so the result shares nothing with the arguments.
 * Each is checked with the `BackendKey` codec, which the log reader uses too, so any key built
 * here can be written to a log and read back: a value outside the codec (an empty or NUL-bearing
 * name, an upper-case hash) throws a `RangeError`, a value of the wrong type a `TypeError`, each
 * with the codec's one-line message (`backendKey: exeHash: expected lowercase hex string, got "AB12"`).
 *
 * @example
 * import { backendKey, sharedInstance } from 'lifecycle-broadcast'
 *
 * const zccache = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab12')
 *
 * @since 0.1.0
 */
export const backendKey = (
  instance: BrokerInstance,
  serviceName: string,
  serviceVersion: string,
  exeHash = '',
): BackendKey => {
  const key = checked('backendKey', BackendKeyC, { instance, serviceName, serviceVersion, exeHash });
  return frozenKey(key);
};

/** A frozen copy of a key known to be valid, known from then on (its identity cached). */
const frozenKey = (key: BackendKey): BackendKey => {
  const frozen: BackendKey = Object.freeze({
    instance: copyInstance(key.instance),
    serviceName: key.serviceName,
    serviceVersion: key.serviceVersion,
    exeHash: key.exeHash,
  });
  identities.set(frozen, identityOf(frozen));
  return frozen;
};

const copyInstance = (i: BrokerInstance): BrokerInstance => {
  switch (i._tag) {
    case 'Shared':
      return sharedInstance;
    case 'Private':
      return settled(i, PRIVATE_FIELDS) ? i : Object.freeze({ _tag: 'Private', serviceName: i.serviceName });
    case 'Explicit':
      return settled(i, EXPLICIT_FIELDS) ? i : Object.freeze({ _tag: 'Explicit', name: i.name });
  }
};

const KEY_FIELDS: ReadonlyArray<string> = ['instance', 'serviceName', 'serviceVersion', 'exeHash'];
const SHARED_FIELDS: ReadonlyArray<string> = ['_tag'];
const PRIVATE_FIELDS: ReadonlyArray<string> = ['_tag', 'serviceName'];
const EXPLICIT_FIELDS: ReadonlyArray<string> = ['_tag', 'name'];

/**
 * True when `o` is frozen and each of `fields` is a plain data field of its own: reading them
 * gives the same values forever (a getter could answer differently each time).
 */
const settled = (o: object, fields: ReadonlyArray<string>): boolean =>
  Object.isFrozen(o) &&
  fields.every((f) => {
    const d = Object.getOwnPropertyDescriptor(o, f);
    return d !== undefined && Object.hasOwn(d, 'value');
  });

/**
 * A frozen copy of `key` (which must be valid: the reducers check it first), or `key` itself
 * when it is already frozen all the way down; known from then on (its identity cached).
 *
 * @internal
 */
export const copyKey = (key: BackendKey): BackendKey => {
  // A key with a cached identity was frozen all the way down when it was cached.
  if (identities.has(key)) {
    return key;
  }
  if (isFrozenKey(key)) {
    identities.set(key, identityOf(key));
    return key;
  }
  return frozenKey(key);
};

/** A key frozen all the way down, of plain data fields, can never change: it can be shared instead of copied. */
const isFrozenKey = (key: BackendKey): boolean => {
  if (!settled(key, KEY_FIELDS)) {
    return false;
  }
  const i = key.instance;
  return settled(i, i._tag === 'Shared' ? SHARED_FIELDS : i._tag === 'Private' ? PRIVATE_FIELDS : EXPLICIT_FIELDS);
};

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold a broker instance, one handler per kind.
 *
 * @example
 * import { matchInstance } from 'lifecycle-broadcast'
 *
 * const label = matchInstance({
 *   Shared: () => 'shared',
 *   Private: (i) => `private:${i.serviceName}`,
 *   Explicit: (i) => `explicit:${i.name}`,
 * })
 *
 * @since 0.1.0
 */
export const matchInstance = matchTag<BrokerInstance>();

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Structural equality of broker instances.
 *
 * @since 0.1.0
 */
export const EqBrokerInstance: Eq.Eq<BrokerInstance> = Eq.fromEquals((a, b) => {
  switch (a._tag) {
    case 'Shared':
      return b._tag === 'Shared';
    case 'Private':
      return b._tag === 'Private' && a.serviceName === b.serviceName;
    case 'Explicit':
      return b._tag === 'Explicit' && a.name === b.name;
  }
});

/**
 * Structural equality of keys: all four fields agree.
 *
 * @since 0.1.0
 */
export const EqBackendKey: Eq.Eq<BackendKey> = Eq.fromEquals(
  (a, b) =>
    a.serviceName === b.serviceName &&
    a.serviceVersion === b.serviceVersion &&
    a.exeHash === b.exeHash &&
    EqBrokerInstance.equals(a.instance, b.instance),
);

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The canonical string id of a key: equal keys, and only equal keys, have equal ids. It is a
 * JSON array, so it is readable in logs and never ambiguous, whatever the names contain.
 *
 * @example
 * import { backendKey, keyId, privateInstance } from 'lifecycle-broadcast'
 *
 * keyId(backendKey(privateInstance('soldr'), 'soldr', '0.4.1', ''))
 * // '["Private","soldr","soldr","0.4.1",""]'
 *
 * @since 0.1.0
 */
export const keyId = (key: BackendKey): string => keyIdentity(key).id;

/**
 * A key's id with the hash the registry's index files it under, computed together once.
 *
 * @internal
 */
export interface KeyIdentity {
  readonly id: string;
  readonly hash: number;
  /**
   * Where this key was last found in a registry's slots (-1 before): a hint that a lookup checks
   * against the slot it names (`slot.id === id`) before it walks the index, so that a key
   * looked up again in the same registry, or in one derived from it, costs one vector read.
   */
  at: number;
}

// Internal and never part of a state: not frozen, which would cost more than computing it.
const identityOf = (key: BackendKey): KeyIdentity => {
  const id = computeKeyId(key);
  return { id, hash: HT.hash(id), at: -1 };
};

/**
 * The id and index hash of `key`. Those of a key built by `backendKey`, or frozen all the way
 * down and valid, are computed once and cached; a key that could still change (or that the
 * codec refuses) gets them computed afresh.
 *
 * @internal
 */
export const keyIdentity = (key: BackendKey): KeyIdentity => {
  // The cache first: a key found there was frozen when it was cached, and frozen is forever, so
  // the common case costs one lookup and no `isFrozen` call.
  const cached = identities.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const identity = identityOf(key);
  if (isFrozenKey(key) && BackendKeyC.is(key)) {
    identities.set(key, identity);
  }
  return identity;
};

/**
 * `keyIdentity` for a key the caller knows to be valid and frozen all the way down (one it
 * checked, then got from `copyKey`): the same identity, without checking that again.
 *
 * @internal
 */
export const frozenKeyIdentity = (key: BackendKey): KeyIdentity => {
  const cached = identities.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const identity = identityOf(key);
  identities.set(key, identity);
  return identity;
};

/**
 * The cached identity of `key`, if it has one: a key that has one is valid and frozen all the
 * way down. Any value may be asked about; the lookup never reads it.
 *
 * @internal
 */
export const cachedKeyIdentity = (key: unknown): KeyIdentity | undefined => identities.get(key as BackendKey);

/**
 * A table of canonical keys, owned by one fold over decoded input (a replay): each distinct key
 * is built and frozen once, so its id and hash are computed once however many lines name it.
 *
 * @internal
 */
export interface KeyInterner {
  /** The canonical frozen key equal to `key`. */
  readonly intern: (key: BackendKey) => BackendKey;
}

type ByExeHash = Map<string, BackendKey>;
type ByVersion = Map<string, ByExeHash>;
type ByService = Map<string, ByVersion>;

const within = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
  const found = m.get(k);
  if (found !== undefined) {
    return found;
  }
  const made = make();
  m.set(k, made);
  return made;
};

/**
 * A fresh, empty key table. Its lookups are `Map` lookups of the key's fields, which hash each
 * string natively once, instead of building the key's id.
 *
 * @internal
 */
export const keyInterner = (): KeyInterner => {
  const shared: ByService = new Map();
  const privates = new Map<string, ByService>();
  const explicits = new Map<string, ByService>();
  const intern = (key: BackendKey): BackendKey => {
    const i = key.instance;
    let byService: ByService;
    switch (i._tag) {
      case 'Shared':
        byService = shared;
        break;
      case 'Private':
        byService = within(privates, i.serviceName, (): ByService => new Map());
        break;
      case 'Explicit':
        byService = within(explicits, i.name, (): ByService => new Map());
        break;
    }
    const byHash = within(
      within(byService, key.serviceName, (): ByVersion => new Map()),
      key.serviceVersion,
      (): ByExeHash => new Map(),
    );
    return within(byHash, key.exeHash, () =>
      backendKey(key.instance, key.serviceName, key.serviceVersion, key.exeHash),
    );
  };
  return { intern };
};

const computeKeyId = (key: BackendKey): string => {
  const i = key.instance;
  const scope =
    i._tag === 'Shared'
      ? '"Shared"'
      : i._tag === 'Private'
        ? `"Private",${quote(i.serviceName)}`
        : `"Explicit",${quote(i.name)}`;
  return `[${scope},${quote(key.serviceName)},${quote(key.serviceVersion)},${quote(key.exeHash)}]`;
};

/**
 * True when `JSON.stringify` would escape or rewrite a character of `s`: quotes, backslashes,
 * control characters, the two line separators JavaScript treats specially, and surrogates.
 */
const needsEscape = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff) || c === 0x2028 || c === 0x2029) {
      return true;
    }
  }
  return false;
};

/** `JSON.stringify` for a string, without its cost for the plain strings keys nearly always are. */
const quote = (s: string): string => (needsEscape(s) ? JSON.stringify(s) : `"${s}"`);
