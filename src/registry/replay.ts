/**
 * `replay`: the pure fold of `step` over a sequence of actions.
 *
 * @since 0.1.0
 */
import type { Registry, Transition } from './Registry';
import type { RegistryAction } from './RegistryAction';
import type { RegistryEvent } from './RegistryEvent';
import { step } from './step';

/**
 * The registry after a sequence of actions, with the event of each step in order.
 *
 * @since 0.1.0
 */
export interface Replayed {
  readonly state: Registry;
  readonly events: ReadonlyArray<RegistryEvent>;
}

/**
 * Apply `actions` to `initial` in order with `step`. Replaying `a` and then `b` from where `a`
 * ended gives the same registry as replaying `a` followed by `b`. An action `step` refuses throws
 * its error, naming the action's position: `replay: actions[3]: action.live: expected boolean,
 * got "yes"`.
 *
 * @example
 * import { backendKey, createRegistry, liveBackend, quiesceOperation, registerAction, broadcastAction, replay, sharedInstance } from 'lifecycle-broadcast'
 *
 * const key = backendKey(sharedInstance, 'zccache', '1.11.20')
 * const { state, events } = replay(createRegistry(), [
 *   registerAction(liveBackend(key)),
 *   broadcastAction(quiesceOperation('BrokerShutdown')),
 * ])
 *
 * @since 0.1.0
 */
export const replay = (initial: Registry, actions: Iterable<RegistryAction>): Replayed => {
  let state = initial;
  const events: RegistryEvent[] = [];
  let i = 0;
  for (const action of actions) {
    let next: Transition<RegistryEvent>;
    try {
      next = step(state, action);
    } catch (error: unknown) {
      // The same error, saying which action it is about.
      if (error instanceof RangeError) {
        throw new RangeError(error.message.replace(/^step: /, `replay: actions[${String(i)}]: `));
      }
      if (error instanceof TypeError) {
        throw new TypeError(error.message.replace(/^step: /, `replay: actions[${String(i)}]: `));
      }
      throw error;
    }
    i += 1;
    state = next.state;
    events.push(next.result);
  }
  return Object.freeze({ state, events: Object.freeze(events) });
};
