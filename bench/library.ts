/**
 * This library behind the comparison interface: the pure reducers, with the current registry
 * held in a variable the way a store would hold it.
 */
import { broadcast, createRegistry, register, setLive } from '../src';
import type { Registry } from '../src';
import type { Implementation, Subject } from './subject';

/** lifecycle-broadcast. */
export const library: Implementation = {
  name: 'lifecycle-broadcast',
  create: (policy) => {
    let state: Registry = createRegistry(policy);
    const subject: Subject = {
      register: (backend) => {
        state = register(state, backend).state;
      },
      setLive: (key, live) => {
        state = setLive(state, key, live).state;
      },
      broadcast: (operation) => {
        const next = broadcast(state, operation);
        state = next.state;
        const r = next.result;
        return {
          acks: r.acks.length,
          timeouts: r.timeouts.length,
          failures: r.failures.length,
          skippedDead: r.skippedDead.length,
        };
      },
      state: () => state,
    };
    return subject;
  },
};
