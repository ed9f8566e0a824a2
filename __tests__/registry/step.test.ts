/**
 * `step` applies any action, agrees with the individual reducers, and says what it did.
 */
import * as O from 'fp-ts/Option';

import {
  broadcast,
  broadcastAction,
  createRegistry,
  deadBackend,
  failure,
  liveBackend,
  matchEvent,
  quiesceOperation,
  register,
  registerAction,
  releaseHandlesOperation,
  replay,
  setLive,
  setLiveAction,
  setResponse,
  setResponseAction,
  snapshot,
  step,
  timeout,
  unregister,
  unregisterAction,
} from '../../src';
import type { RegistryAction, RegistryEvent } from '../../src';
import { key } from '../support/helpers';

const base = replay(createRegistry(), [
  registerAction(liveBackend(key('a'))),
  registerAction(deadBackend(key('b'))),
  broadcastAction(quiesceOperation('Maintenance')),
]).state;

describe('step', () => {
  it('should agree with register', () => {
    const { state, result } = step(base, registerAction(deadBackend(key('a'))));
    const direct = register(base, deadBackend(key('a')));

    expect(snapshot(state)).toEqual(snapshot(direct.state));
    expect(result).toEqual({
      _tag: 'BackendRegistered',
      backend: deadBackend(key('a')),
      replaced: O.some(liveBackend(key('a'))),
    });
  });

  it('should agree with setLive', () => {
    const { state, result } = step(base, setLiveAction(key('b'), true));

    expect(snapshot(state)).toEqual(snapshot(setLive(base, key('b'), true).state));
    expect(result).toEqual({ _tag: 'LivenessSet', previous: deadBackend(key('b')), backend: liveBackend(key('b')) });
  });

  it('should agree with setResponse', () => {
    const { state, result } = step(base, setResponseAction(key('a'), timeout));

    expect(snapshot(state)).toEqual(snapshot(setResponse(base, key('a'), timeout).state));
    expect(result._tag).toBe('ResponseSet');
  });

  it('should agree with unregister', () => {
    const { state, result } = step(base, unregisterAction(key('a')));

    expect(snapshot(state)).toEqual(snapshot(unregister(base, key('a')).state));
    expect(result).toEqual({ _tag: 'BackendUnregistered', backend: liveBackend(key('a')) });
  });

  it('should agree with broadcast', () => {
    const op = releaseHandlesOperation('/var/cache');
    const { state, result } = step(base, broadcastAction(op));
    const direct = broadcast(base, op);

    expect(snapshot(state)).toEqual(snapshot(direct.state));
    expect(result).toEqual({ _tag: 'OperationBroadcast', result: direct.result });
  });

  it.each<RegistryAction>([
    setLiveAction(key('ghost'), true),
    setResponseAction(key('ghost'), failure('Rejected')),
    unregisterAction(key('ghost')),
  ])('should report KeyNotFound for $_tag on an unknown key and keep the state', (action) => {
    const { state, result } = step(base, action);

    expect(state).toBe(base);
    expect(result).toEqual({ _tag: 'KeyNotFound', action, key: key('ghost') });
  });
});

describe('matchEvent', () => {
  it('should pick the handler of the event’s kind', () => {
    const label = matchEvent<string>({
      BackendRegistered: (e) => `registered ${e.backend.key.serviceName}`,
      LivenessSet: (e) => `live=${String(e.backend.live)}`,
      ResponseSet: (e) => `response=${e.backend.response._tag}`,
      BackendUnregistered: (e) => `unregistered ${e.backend.key.serviceName}`,
      OperationBroadcast: (e) => `broadcast ${e.result._tag}`,
      KeyNotFound: (e) => `unknown ${e.key.serviceName}`,
      OperationBroadcastTo: (e) => `broadcast to some ${e.result._tag}`,
    });
    const events: ReadonlyArray<RegistryEvent> = replay(createRegistry(), [
      registerAction(liveBackend(key('a'))),
      setLiveAction(key('a'), false),
      setResponseAction(key('a'), timeout),
      broadcastAction(quiesceOperation('IdleTimeout')),
      unregisterAction(key('a')),
      unregisterAction(key('a')),
    ]).events;

    expect(events.map(label)).toEqual([
      'registered a',
      'live=false',
      'response=Timeout',
      'broadcast NoLiveTargets',
      'unregistered a',
      'unknown a',
    ]);
  });
});

describe('replay', () => {
  it('should fold step over the actions, one event each', () => {
    const actions = [registerAction(liveBackend(key('a'))), broadcastAction(quiesceOperation('BrokerShutdown'))];

    const { state, events } = replay(createRegistry(), actions);
    const byHand = step(step(createRegistry(), actions[0] as RegistryAction).state, actions[1] as RegistryAction);

    expect(snapshot(state)).toEqual(snapshot(byHand.state));
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(byHand.result);
  });
});
