/**
 * `step`: the one entry point that applies any `RegistryAction` to a registry. Redux stores and
 * log replay are both built on it.
 *
 * @since 0.1.0
 */
import { checked } from '../internal/codec';
import type { Registry, Transition } from './Registry';
import {
  broadcastChecked,
  broadcastToChecked,
  checkRegistry,
  registerChecked,
  setLiveChecked,
  setResponseChecked,
  unregisterChecked,
} from './Registry';
import type { RegistryActionTag } from './RegistryAction';
import { RegistryAction } from './RegistryAction';
import type { RegistryEvent } from './RegistryEvent';

type ActionOf<K extends RegistryActionTag> = Extract<RegistryAction, { readonly _tag: K }>;

/** One reducer per action: each returns the event of what the individual reducer returns. */
const reducers: {
  readonly [K in RegistryActionTag]: (state: Registry, action: ActionOf<K>) => Transition<RegistryEvent>;
} = {
  Register: (state, a) => registerChecked(state, a.backend),
  SetLive: (state, a) => setLiveChecked(state, a.key, a.live),
  SetResponse: (state, a) => setResponseChecked(state, a.key, a.response),
  Unregister: (state, a) => unregisterChecked(state, a.key),
  Broadcast: (state, a) => {
    const r = broadcastChecked(state, a.operation);
    return Object.freeze({ state: r.state, result: Object.freeze({ _tag: 'OperationBroadcast', result: r.result }) });
  },
  BroadcastTo: (state, a) => {
    const r = broadcastToChecked(state, a.operation, a.keys);
    return Object.freeze({
      state: r.state,
      result: Object.freeze({ _tag: 'OperationBroadcastTo', result: r.result, keysNotFound: r.keysNotFound }),
    });
  },
};

/**
 * `step` for an action already checked with the `RegistryAction` codec (a line the log reader
 * decoded), without checking it again.
 *
 * @internal
 */
export const stepChecked = (state: Registry, action: RegistryAction): Transition<RegistryEvent> => {
  // Looked up among the table's own entries only: no inherited member of `Object.prototype`
  // can ever be reached as a reducer.
  const reducer = Object.hasOwn(reducers, action._tag) ? reducers[action._tag] : undefined;
  if (reducer === undefined) {
    throw new TypeError(`step: action._tag: no reducer for ${JSON.stringify(action._tag)}`);
  }
  return (reducer as (s: Registry, x: RegistryAction) => Transition<RegistryEvent>)(state, action);
};

/**
 * Apply one action: the new registry and the event saying what happened, the very event the
 * matching reducer (`register`, `setLive`, `setResponse`, `unregister`) returns,
 * `OperationBroadcast` carrying `broadcast`'s result, or `OperationBroadcastTo` carrying
 * `broadcastTo`'s result and keys not found. It never throws for a domain problem: an
 * unregistered key yields `KeyNotFound` with the state unchanged. An action the `RegistryAction`
 * codec refuses (from plain JavaScript: `{}`, `{ _tag: 'toString' }`, a `live` of `"yes"`)
 * throws a `TypeError` or `RangeError` carrying the codec's message, such as
 * `step: action.live: expected boolean, got "yes"`, and nothing is stored.
 *
 * @example
 * import { backendKey, createRegistry, registerAction, liveBackend, sharedInstance, step } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'soldr', '0.4.1')
 * const { state, result: event } = step(createRegistry(), registerAction(liveBackend(key)))
 * // event._tag === 'BackendRegistered'
 *
 * @since 0.1.0
 */
export const step = (state: Registry, action: RegistryAction): Transition<RegistryEvent> =>
  stepChecked(checkRegistry('step', state), checked('step', RegistryAction, action, 'action'));
