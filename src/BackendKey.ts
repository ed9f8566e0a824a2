/**
 * The identity of a backend daemon: which broker instance it belongs to, which service, which
 * version and which build. Two keys are the same backend exactly when all four fields agree.
 *
 * @since 0.1.0
 */
import * as Eq from 'fp-ts/Eq';
import * as t from 'io-ts';

import { Hex, Name, closed, tagged } from './codec';
import { matchTag } from './internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The broker trust domain a backend runs in: the per-user shared broker, a broker private to
 * one service, or an explicitly named broker instance.
 *
 * @since 0.1.0
 */
export const BrokerInstance = tagged('BrokerInstance', {
  Shared: closed('Shared', { _tag: t.literal('Shared') }),
  Private: closed('Private', { _tag: t.literal('Private'), serviceName: Name }),
  Explicit: closed('Explicit', { _tag: t.literal('Explicit'), name: Name }),
});

/**
 * @since 0.1.0
 */
export type BrokerInstance = t.TypeOf<typeof BrokerInstance>;

/**
 * A backend's key: broker instance, service name, service version and the lowercase hex hash
 * of the daemon executable (empty when unknown). Two builds of one version are two backends.
 *
 * @since 0.1.0
 */
export const BackendKey = closed('BackendKey', {
  instance: BrokerInstance,
  serviceName: Name,
  serviceVersion: Name,
  exeHash: Hex,
});

/**
 * @since 0.1.0
 */
export type BackendKey = t.TypeOf<typeof BackendKey>;

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
 * A broker isolated for one service.
 *
 * @since 0.1.0
 */
export const privateInstance = (serviceName: string): BrokerInstance =>
  Object.freeze({ _tag: 'Private', serviceName });

/**
 * An explicitly named broker instance.
 *
 * @since 0.1.0
 */
export const explicitInstance = (name: string): BrokerInstance =>
  Object.freeze({ _tag: 'Explicit', name });

/**
 * Build a frozen key. The fields are copied, so the result shares nothing with the arguments.
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
): BackendKey =>
  Object.freeze({
    instance: matchInstance<BrokerInstance>({
      Shared: () => sharedInstance,
      Private: (i) => privateInstance(i.serviceName),
      Explicit: (i) => explicitInstance(i.name),
    })(instance),
    serviceName,
    serviceVersion,
    exeHash,
  });

/**
 * A frozen copy of `key` with its fields in canonical order.
 *
 * @since 0.1.0
 */
export const copyKey = (key: BackendKey): BackendKey =>
  backendKey(key.instance, key.serviceName, key.serviceVersion, key.exeHash);

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

// Bound once: looking a global up on every call is slow inside a `vm` context (as under Jest).
const { stringify: quote } = JSON;

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
export const keyId = (key: BackendKey): string => {
  const i = key.instance;
  const scope = i._tag === 'Shared' ? '"Shared"' : i._tag === 'Private'
    ? `"Private",${quote(i.serviceName)}`
    : `"Explicit",${quote(i.name)}`;
  return `[${scope},${quote(key.serviceName)},${quote(key.serviceVersion)},${quote(key.exeHash)}]`;
};
