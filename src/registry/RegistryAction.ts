/**
 * The operations on a registry as data: what a broker store dispatches and what an operation
 * log records, one `_tag` per reducer.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts';

import { Backend } from '../domain/Backend';
import { BackendKey } from '../domain/BackendKey';
import { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { arrayOf, checked, closed, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The fields of each kind of action, by `_tag`: shared with `LogRecord`, whose lines are actions
 * that may also carry a time (and, for a broadcast to all or to some, a result).
 *
 * @internal
 */
export const registryActionProps = {
  Register: { _tag: t.literal('Register'), backend: Backend },
  SetLive: { _tag: t.literal('SetLive'), key: BackendKey, live: t.boolean },
  SetResponse: { _tag: t.literal('SetResponse'), key: BackendKey, response: BroadcastBackendResponse },
  Unregister: { _tag: t.literal('Unregister'), key: BackendKey },
  Broadcast: { _tag: t.literal('Broadcast'), operation: BroadcastOperation },
  BroadcastTo: { _tag: t.literal('BroadcastTo'), operation: BroadcastOperation, keys: arrayOf(BackendKey) },
};

const RegisterC = closed('Register', registryActionProps.Register);
const SetLiveC = closed('SetLive', registryActionProps.SetLive);
const SetResponseC = closed('SetResponse', registryActionProps.SetResponse);
const UnregisterC = closed('Unregister', registryActionProps.Unregister);
const BroadcastC = closed('Broadcast', registryActionProps.Broadcast);
const BroadcastToC = closed('BroadcastTo', registryActionProps.BroadcastTo);

/**
 * Register `backend`, or replace the one with the same key in place.
 *
 * @since 0.2.0
 */
export interface RegisterAction extends t.TypeOf<typeof RegisterC> {}

/**
 * Mark the backend with `key` live or dead.
 *
 * @since 0.2.0
 */
export interface SetLiveAction extends t.TypeOf<typeof SetLiveC> {}

/**
 * Make the backend with `key` answer with `response`.
 *
 * @since 0.2.0
 */
export interface SetResponseAction extends t.TypeOf<typeof SetResponseC> {}

/**
 * Remove the backend with `key`.
 *
 * @since 0.2.0
 */
export interface UnregisterAction extends t.TypeOf<typeof UnregisterC> {}

/**
 * Fan `operation` out to every live backend.
 *
 * @since 0.2.0
 */
export interface BroadcastAction extends t.TypeOf<typeof BroadcastC> {}

/**
 * Fan `operation` out to the live backends among `keys`.
 *
 * @since 0.2.0
 */
export interface BroadcastToAction extends t.TypeOf<typeof BroadcastToC> {}

/**
 * The codec of each kind of action, by `_tag`: shared with `LogRecord`, whose lines are actions.
 *
 * @internal
 */
export const registryActionMembers: {
  readonly Register: t.Type<RegisterAction, RegisterAction>;
  readonly SetLive: t.Type<SetLiveAction, SetLiveAction>;
  readonly SetResponse: t.Type<SetResponseAction, SetResponseAction>;
  readonly Unregister: t.Type<UnregisterAction, UnregisterAction>;
  readonly Broadcast: t.Type<BroadcastAction, BroadcastAction>;
  readonly BroadcastTo: t.Type<BroadcastToAction, BroadcastToAction>;
} = {
  Register: RegisterC,
  SetLive: SetLiveC,
  SetResponse: SetResponseC,
  Unregister: UnregisterC,
  Broadcast: BroadcastC,
  BroadcastTo: BroadcastToC,
};

/**
 * One registry operation:
 * - `Register`: add a backend, or replace the one with the same key in place;
 * - `SetLive`: mark a registered backend live or dead;
 * - `SetResponse`: change how a registered backend answers;
 * - `Unregister`: remove a backend;
 * - `Broadcast`: fan an operation out to every live backend;
 * - `BroadcastTo`: fan an operation out to the live backends among some keys (a retry of the
 *   unacknowledged is one, see `retryUnacknowledged`).
 *
 * @since 0.1.0
 */
export const RegistryAction: t.Type<RegistryAction, RegistryAction> = tagged('RegistryAction', registryActionMembers);
/**
 * What the `RegistryAction` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type RegistryAction =
  RegisterAction | SetLiveAction | SetResponseAction | UnregisterAction | BroadcastAction | BroadcastToAction;

/**
 * The `_tag` of every registry action.
 *
 * @since 0.1.0
 */
export type RegistryActionTag = RegistryAction['_tag'];

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

// Each checks its fields with the action's codec, the one the log reader and the slice use: a
// value it refuses throws a `TypeError` or `RangeError` carrying its message.

/**
 * Register (or replace) `backend`.
 *
 * @since 0.1.0
 */
export const registerAction = (backend: Backend): RegistryAction =>
  Object.freeze(checked('registerAction', RegisterC, { _tag: 'Register', backend }));

/**
 * Mark the backend with `key` live or dead.
 *
 * @since 0.1.0
 */
export const setLiveAction = (key: BackendKey, live: boolean): RegistryAction =>
  Object.freeze(checked('setLiveAction', SetLiveC, { _tag: 'SetLive', key, live }));

/**
 * Make the backend with `key` answer with `response`.
 *
 * @since 0.1.0
 */
export const setResponseAction = (key: BackendKey, response: BroadcastBackendResponse): RegistryAction =>
  Object.freeze(checked('setResponseAction', SetResponseC, { _tag: 'SetResponse', key, response }));

/**
 * Remove the backend with `key`.
 *
 * @since 0.1.0
 */
export const unregisterAction = (key: BackendKey): RegistryAction =>
  Object.freeze(checked('unregisterAction', UnregisterC, { _tag: 'Unregister', key }));

/**
 * Broadcast `operation` to every live backend.
 *
 * @since 0.1.0
 */
export const broadcastAction = (operation: BroadcastOperation): RegistryAction =>
  Object.freeze(checked('broadcastAction', BroadcastC, { _tag: 'Broadcast', operation }));

/**
 * Broadcast `operation` to the live backends among `keys`.
 *
 * @since 0.2.0
 */
export const broadcastToAction = (operation: BroadcastOperation, keys: ReadonlyArray<BackendKey>): RegistryAction =>
  Object.freeze(checked('broadcastToAction', BroadcastToC, { _tag: 'BroadcastTo', operation, keys }));

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an action, one handler per kind.
 *
 * @example
 * import { backendKey, matchAction, setLiveAction, sharedInstance } from 'lifecycle-broadcast'
 *
 * const describeAction = matchAction({
 *   Register: (a) => `register ${a.backend.key.serviceName}`,
 *   SetLive: (a) => `${a.key.serviceName} is ${a.live ? 'live' : 'dead'}`,
 *   SetResponse: (a) => `${a.key.serviceName} answers ${a.response._tag}`,
 *   Unregister: (a) => `unregister ${a.key.serviceName}`,
 *   Broadcast: (a) => `broadcast ${a.operation._tag}`,
 *   BroadcastTo: (a) => `broadcast ${a.operation._tag} to ${a.keys.length} backends`,
 * })
 * describeAction(setLiveAction(backendKey(sharedInstance, 'zccache', '1.11.20'), false))
 * // 'zccache is dead'
 *
 * @since 0.1.0
 */
export const matchAction = matchTag<RegistryAction>();
