/**
 * Reducers and `step` called from plain JavaScript with values of the wrong shape: each throws a
 * clear one-line error and stores nothing, so no registry can be corrupted through them.
 */
import {
  backendKey,
  backends,
  collectDue,
  createIdleCoordinator,
  idleBackend,
  markActivityAction,
  stepIdle,
  track,
  broadcast,
  createRegistry,
  isRegistered,
  liveBackend,
  liveCount,
  lookup,
  quiesce,
  quiesceOperation,
  register,
  releaseHandlesUnderPath,
  replay,
  setLive,
  setResponse,
  sharedInstance,
  snapshot,
  step,
  unregister,
  broadcastAction,
  sentCount,
  keyId,
} from '../../src';
import type { Registry } from '../../src';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const soldr = backendKey(sharedInstance, 'soldr', '0.4.1');

const registry = (): Registry => {
  let s = register(createRegistry(), liveBackend(zccache)).state;
  s = register(s, liveBackend(soldr)).state;
  return setLive(s, soldr, false).state;
};

/** What calling `f` throws, as `Kind: message`. */
const thrown = (f: () => unknown): string => {
  try {
    f();
  } catch (error: unknown) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  }
  return 'nothing thrown';
};

describe('reducers from plain JavaScript', () => {
  const s = registry();
  const before = JSON.stringify(snapshot(s));

  afterEach(() => {
    // Nothing was stored: the registry handed in is as it was, and a broadcast still reaches zccache.
    expect(JSON.stringify(snapshot(s))).toBe(before);
    expect(liveCount(s)).toBe(1);
    expect(sentCount(quiesce(s, 'Maintenance').result)).toBe(1);
  });

  it.each<[string, () => unknown, string]>([
    [
      'setLive(s, k, "yes")',
      () => setLive(s, soldr, 'yes' as never),
      'TypeError: setLive: live: expected boolean, got "yes"',
    ],
    ['setLive(s, k, 1)', () => setLive(s, soldr, 1 as never), 'TypeError: setLive: live: expected boolean, got 1'],
    [
      'setResponse with the reason "constructor"',
      () => setResponse(s, zccache, { _tag: 'Failure', reason: 'constructor' } as never),
      'RangeError: setResponse: response.reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got "constructor"',
    ],
    [
      'broadcast of { _tag: "toString" }',
      () => broadcast(s, { _tag: 'toString' } as never),
      'TypeError: broadcast: operation._tag: expected "ReleaseHandles" | "Quiesce", got "toString"',
    ],
    [
      'broadcast of { _tag: "constructor" }',
      () => broadcast(s, { _tag: 'constructor' } as never),
      'TypeError: broadcast: operation._tag: expected "ReleaseHandles" | "Quiesce", got "constructor"',
    ],
    [
      'quiesce(s, "Sleep")',
      () => quiesce(s, 'Sleep' as never),
      'RangeError: quiesce: reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"',
    ],
    [
      'releaseHandlesUnderPath(s, 42)',
      () => releaseHandlesUnderPath(s, 42 as never),
      'TypeError: releaseHandlesUnderPath: pathPrefix: expected non-empty path without NUL, got 42',
    ],
    [
      'register of a key with an upper-case hash',
      () => register(s, { key: { ...zccache, exeHash: 'FF' }, live: true, response: { _tag: 'Ack' } }),
      'RangeError: register: backend.key.exeHash: expected lowercase hex string, got "FF"',
    ],
    [
      'unregister of a string',
      () => unregister(s, 'zccache' as never),
      'TypeError: unregister: key: expected BackendKey, got "zccache"',
    ],
    [
      'lookup of a key with an extra field',
      () => lookup(s, { ...zccache, port: 9 } as never),
      'TypeError: lookup: key.port: unexpected field, got 9',
    ],
    [
      'isRegistered of nothing',
      () => isRegistered(s, undefined as never),
      'TypeError: isRegistered: key: expected BackendKey, got nothing (missing field)',
    ],
    [
      'step(s, {})',
      () => step(s, {} as never),
      'TypeError: step: action._tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got nothing (missing field)',
    ],
    [
      'step(s, { _tag: "constructor" })',
      () => step(s, { _tag: 'constructor' } as never),
      'TypeError: step: action._tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got "constructor"',
    ],
    [
      'step of a SetLive with live "yes"',
      () => step(s, { _tag: 'SetLive', key: soldr, live: 'yes' } as never),
      'TypeError: step: action.live: expected boolean, got "yes"',
    ],
    [
      'replay of a bad second action',
      () => replay(s, [broadcastAction(quiesceOperation('Maintenance')), {} as never]),
      'TypeError: replay: actions[1]: action._tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got nothing (missing field)',
    ],
    [
      'a state that is not a registry',
      () => register({} as never, liveBackend(zccache)),
      'TypeError: register: state: expected a Registry (from createRegistry or a reducer), got {}',
    ],
    [
      'backends of nothing',
      () => backends(undefined as never),
      'TypeError: backends: state: expected a Registry (from createRegistry or a reducer), got nothing',
    ],
  ])('should refuse %s, storing nothing', (_name, call, message) => {
    expect(thrown(call)).toBe(message);
  });

  it('should keep liveCount equal to the number of live backends under any boolean', () => {
    const t = setLive(setLive(s, soldr, true).state, zccache, false).state;
    expect(liveCount(t)).toBe(backends(t).filter((b) => b.live).length);
  });
});

describe('the idle coordinator from plain JavaScript', () => {
  const idle = track(createIdleCoordinator(1000), zccache, 0).state;

  it.each<[string, () => unknown, string]>([
    [
      'track of a key with an empty name',
      () => track(idle, { ...zccache, serviceName: '' }, 5),
      'RangeError: track: key.serviceName: expected non-empty string without NUL, got ""',
    ],
    [
      'stepIdle of { _tag: "toString" }',
      () => stepIdle(idle, { _tag: 'toString' } as never),
      'TypeError: stepIdle: action._tag: expected "Track" | "MarkActivity" | "CollectDue" | "MarkDraining" | "MarkQuiesced" | "Remove", got "toString"',
    ],
    [
      'markActivityAction with a time of "now"',
      () => markActivityAction(zccache, 'now' as never),
      'TypeError: markActivityAction: nowMs: expected non-negative integer milliseconds, got "now"',
    ],
    [
      'collectDue on something that is not a coordinator',
      () => collectDue({ backends: 'all' } as never, 10),
      'TypeError: collectDue: coordinator.idleTimeoutMs: expected idle timeout in milliseconds, got nothing (missing field); coordinator.backends: expected ReadonlyArray<IdleBackend>, got "all"',
    ],
  ])('should refuse %s', (_name, call, message) => {
    expect(thrown(call)).toBe(message);
    expect(idleBackend(idle, zccache)).toMatchObject({ _tag: 'Some', value: { lastActivityMs: 0 } });
  });
});

describe('values checked once and remembered', () => {
  const s = registry();

  it('should still refuse a frozen key the codec refuses after its id was asked for', () => {
    const bad = Object.freeze({ ...zccache, exeHash: 'FF' });
    expect(keyId(bad)).toBe('["Shared","zccache","1.11.20","FF"]');

    expect(thrown(() => setLive(s, bad, false))).toBe(
      'RangeError: setLive: key.exeHash: expected lowercase hex string, got "FF"',
    );
    expect(thrown(() => register(s, { key: bad, live: true, response: { _tag: 'Ack' } }))).toBe(
      'RangeError: register: backend.key.exeHash: expected lowercase hex string, got "FF"',
    );
  });

  it('should check a frozen key whose field is a getter every time, not only once', () => {
    let name = 'zccache';
    const shifting = Object.freeze(
      Object.defineProperty({ instance: sharedInstance, serviceVersion: '1.11.20', exeHash: '' }, 'serviceName', {
        enumerable: true,
        get: () => name,
      }),
    ) as unknown as typeof zccache;
    expect(lookup(s, shifting)._tag).toBe('Some');

    name = '';
    expect(thrown(() => setLive(s, shifting, false))).toBe(
      'RangeError: setLive: key.serviceName: expected non-empty string without NUL, got ""',
    );
  });

  it('should accept a valid frozen key of its own, and give it the same answers as the built one', () => {
    const mine = Object.freeze({ ...zccache, instance: Object.freeze({ _tag: 'Shared' as const }) });

    const { result } = setLive(s, mine, false);

    expect(result).toMatchObject({ _tag: 'LivenessSet', backend: { key: zccache, live: false } });
    expect(isRegistered(s, mine)).toBe(true);
  });

  it('should report a value whose fields cannot be read with a one-line TypeError', () => {
    const unreadable = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );

    expect(thrown(() => register(s, unreadable as never))).toBe(
      'TypeError: register: backend: could not be read: no keys',
    );
    expect(thrown(() => setLive(s, unreadable as never, true))).toBe(
      'TypeError: setLive: key: could not be read: no keys',
    );
  });
});
