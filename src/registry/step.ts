/**
 * `step`: the one entry point that applies any `RegistryAction` to a registry. Redux stores and
 * log replay are both built on it.
 *
 * @since 0.1.0
 */
import type { Registry, Transition } from './Registry';
import { broadcast, broadcastTo, register, setLive, setResponse, unregister } from './Registry';
import type { RegistryAction, RegistryActionTag } from './RegistryAction';
import type { RegistryEvent } from './RegistryEvent';

type ActionOf<K extends RegistryActionTag> = Extract<RegistryAction, { readonly _tag: K }>;

/** One reducer per action: each returns exactly the event the individual reducer returns. */
const reducers: {
  readonly [K in RegistryActionTag]: (state: Registry, action: ActionOf<K>) => Transition<RegistryEvent>;
} = {
  Register: (state, a) => register(state, a.backend),
  SetLive: (state, a) => setLive(state, a.key, a.live),
  SetResponse: (state, a) => setResponse(state, a.key, a.response),
  Unregister: (state, a) => unregister(state, a.key),
  Broadcast: (state, a) => {
    const r = broadcast(state, a.operation);
    return Object.freeze({ state: r.state, result: Object.freeze({ _tag: 'OperationBroadcast', result: r.result }) });
  },
  BroadcastTo: (state, a) => broadcastTo(state, a.operation, a.keys),
};

/**
 * Apply one action: the new registry and the event saying what happened, the very event the
 * matching reducer (`register`, `setLive`, `setResponse`, `unregister`, `broadcastTo`) returns,
 * or `OperationBroadcast` carrying `broadcast`'s result. It never throws for a domain problem: an
 * unregistered key yields `KeyNotFound` with the state unchanged.
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
  (reducers[action._tag] as (s: Registry, a: RegistryAction) => Transition<RegistryEvent>)(state, action);
