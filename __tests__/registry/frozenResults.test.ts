import {
  backendKey,
  createRegistry,
  liveBackend,
  lookup,
  receivedOperations,
  register,
  setLive,
  setLiveAction,
  sharedInstance,
  step,
} from '../../src';
import type { BackendKey } from '../../src';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const unregistered: BackendKey = {
  instance: { _tag: 'Shared' },
  serviceName: 'soldr',
  serviceVersion: '0.4.1',
  exeHash: '',
};

describe('register', () => {
  it('should return a frozen event and option, whether a backend was replaced or not', () => {
    const first = register(createRegistry(), liveBackend(zccache));
    const second = register(first.state, liveBackend(zccache));

    expect(first.result.replaced).toEqual({ _tag: 'None' });
    expect(Object.isFrozen(first.result)).toBe(true);
    expect(Object.isFrozen(first.result.replaced)).toBe(true);
    expect(second.result.replaced._tag).toBe('Some');
    expect(Object.isFrozen(second.result)).toBe(true);
    expect(Object.isFrozen(second.result.replaced)).toBe(true);
  });
});

describe('setLive', () => {
  it('should report an unknown key with a frozen copy of the key it was given', () => {
    const { result } = setLive(createRegistry(), unregistered, true);

    expect(result).toEqual({
      _tag: 'KeyNotFound',
      action: { _tag: 'SetLive', key: unregistered, live: true },
      key: unregistered,
    });
    if (result._tag !== 'KeyNotFound') {
      throw new Error('expected KeyNotFound');
    }
    expect(result.key).not.toBe(unregistered);
    expect(Object.isFrozen(result.key)).toBe(true);
    expect(Object.isFrozen(result.key.instance)).toBe(true);
  });
});

describe('step', () => {
  it('should carry a frozen copy of the action in KeyNotFound, not the caller object', () => {
    const action = setLiveAction(unregistered, false);

    const { result: event } = step(createRegistry(), action);

    expect(event).toEqual({ _tag: 'KeyNotFound', action, key: unregistered });
    if (event._tag !== 'KeyNotFound') {
      throw new Error('expected KeyNotFound');
    }
    expect(event.action).not.toBe(action);
    expect(Object.isFrozen(event.action)).toBe(true);
    expect(Object.isFrozen(event.key)).toBe(true);
  });

  it('should return a frozen option as the replaced backend', () => {
    const { result: event } = step(createRegistry(), { _tag: 'Register', backend: liveBackend(zccache) });

    expect(event._tag === 'BackendRegistered' && Object.isFrozen(event.replaced)).toBe(true);
  });
});

describe('lookup', () => {
  it('should return frozen options', () => {
    const { state } = register(createRegistry(), liveBackend(zccache));

    expect(Object.isFrozen(lookup(state, zccache))).toBe(true);
    expect(Object.isFrozen(lookup(state, unregistered))).toBe(true);
  });
});

describe('receivedOperations', () => {
  it('should return frozen options', () => {
    const { state } = register(createRegistry(), liveBackend(zccache));

    expect(Object.isFrozen(receivedOperations(state, zccache))).toBe(true);
    expect(Object.isFrozen(receivedOperations(state, unregistered))).toBe(true);
  });
});
