import { Readable } from 'node:stream';

import * as fc from 'fast-check';

import {
  broadcast,
  broadcastTo,
  createRegistry,
  recordAction,
  isCleanReplay,
  replayLog,
  register,
  replay,
  setLive,
  setResponse,
  snapshot,
  step,
  unregister,
} from '../../src';
import type { RegistryEvent } from '../../src';
import {
  actionSequenceArbitrary,
  broadcastPolicyArbitrary,
  logArbitrary,
  logLines,
  registryArbitrary,
} from '../../src/arbitraries';
import { applyReducer, copyOf, expectEqual, expectSame, lawParameters, stateAndAction } from './support';

describe('law: replay is associative', () => {
  it('should give the same registry and events for a ++ b as for b replayed where a ended', () => {
    fc.assert(
      fc.property(registryArbitrary(), actionSequenceArbitrary(), fc.nat(), (initial, actions, n) => {
        const cut = n % (actions.length + 1);
        const [a, b] = [actions.slice(0, cut), actions.slice(cut)];

        const whole = replay(initial, [...a, ...b]);
        const first = replay(initial, a);
        const second = replay(first.state, b);

        expectEqual(snapshot(second.state), snapshot(whole.state));
        expectEqual([...first.events, ...second.events], whole.events);
      }),
      lawParameters(),
    );
  });

  it('should hold for independently drawn sequences too', () => {
    fc.assert(
      fc.property(registryArbitrary(), actionSequenceArbitrary(), actionSequenceArbitrary(), (initial, a, b) => {
        const whole = replay(initial, [...a, ...b]);
        const second = replay(replay(initial, a).state, b);

        expectEqual(snapshot(second.state), snapshot(whole.state));
      }),
      lawParameters(),
    );
  });
});

describe('law: replay is deterministic', () => {
  it('should give equal registries and events when replaying the same actions twice', () => {
    fc.assert(
      fc.property(broadcastPolicyArbitrary(), actionSequenceArbitrary(), (policy, actions) => {
        const first = replay(createRegistry(policy), actions);
        const second = replay(createRegistry(policy), copyOf(actions));

        expectEqual(snapshot(second.state), snapshot(first.state));
        expectEqual(second.events, first.events);
      }),
      lawParameters(),
    );
  });

  it('should be the fold of step: one event per action, the last state as the result', () => {
    fc.assert(
      fc.property(registryArbitrary(), actionSequenceArbitrary(), (initial, actions) => {
        const { state, events } = replay(initial, actions);

        let expected = initial;
        const steps: RegistryEvent[] = [];
        for (const action of actions) {
          const next = step(expected, action);
          expected = next.state;
          steps.push(next.result);
        }

        expectEqual(events, steps);
        expectEqual(snapshot(state), snapshot(expected));
      }),
      lawParameters(),
    );
  });
});

describe('law: step agrees with the reducers', () => {
  it('should reach the same registry as the reducer, with an event saying what it returned', () => {
    fc.assert(
      fc.property(stateAndAction(), ({ state, action }) => {
        const { state: viaStep, result: event } = step(state, action);
        const { state: viaReducer } = applyReducer(state, action);
        expectEqual(snapshot(viaStep), snapshot(viaReducer));
        switch (action._tag) {
          case 'Register':
            expectEqual(event, register(state, action.backend).result);
            break;
          case 'SetLive':
            expectEqual(event, setLive(state, action.key, action.live).result);
            break;
          case 'SetResponse':
            expectEqual(event, setResponse(state, action.key, action.response).result);
            break;
          case 'Unregister':
            expectEqual(event, unregister(state, action.key).result);
            break;
          case 'Broadcast':
            expectEqual(event, { _tag: 'OperationBroadcast', result: broadcast(state, action.operation).result });
            break;
          case 'BroadcastTo': {
            const to = broadcastTo(state, action.operation, action.keys);
            expectEqual(event, { _tag: 'OperationBroadcastTo', result: to.result, keysNotFound: to.keysNotFound });
            break;
          }
        }
        if (event._tag === 'KeyNotFound') {
          expectSame(viaStep, state);
        }
      }),
      lawParameters(),
    );
  });
});

describe('law: a rendered log replays losslessly', () => {
  it('should verify every recorded result and reach the registry that replaying its actions reaches', async () => {
    await fc.assert(
      fc.asyncProperty(logArbitrary({ names: 'any' }), async (log) => {
        const text = `${logLines(log).join('\n')}\n`;
        const replayed = await replayLog(Readable.from([text]), { verify: true });

        expectSame(isCleanReplay(replayed), true);
        expectSame(replayed.lastLine, log.records.length + 1);
        expectEqual(
          snapshot(replayed.state),
          snapshot(replay(createRegistry(log.header.policy), log.records.map(recordAction)).state),
        );
      }),
      lawParameters(100),
    );
  });
});
