/**
 * Targeted broadcasts, retries of the unacknowledged, and their merged report.
 */
import {
  ack,
  backends,
  broadcast,
  broadcastPolicy,
  broadcastTo,
  createRegistry,
  deadBackend,
  failure,
  liveBackend,
  mergeRetry,
  quiesceOperation,
  receivedOperations,
  register,
  registrationOrder,
  releaseHandlesOperation,
  retryUnacknowledged,
  setLive,
  setResponse,
  timeout,
  unregister,
  withResponse,
} from '../../src';
import type { Backend, BackendKey, BroadcastOperation, Registry } from '../../src';
import { expectSome, key, unfrozenPaths } from '../support/helpers';

const withBackends = (list: ReadonlyArray<Backend>, state: Registry = createRegistry(broadcastPolicy(250))): Registry =>
  list.reduce((s, b) => register(s, b).state, state);

const names = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

const received = (state: Registry, k: BackendKey): ReadonlyArray<BroadcastOperation> =>
  expectSome(receivedOperations(state, k));

const quiesceMaintenance = quiesceOperation('Maintenance');

describe('broadcastTo', () => {
  const registry = withBackends([
    liveBackend(key('a')),
    withResponse(liveBackend(key('b')), timeout),
    deadBackend(key('c')),
    liveBackend(key('d')),
  ]);

  it('should send to the live backends among the keys, in registration order whatever the order given', () => {
    const { state, result } = broadcastTo(registry, quiesceMaintenance, [key('d'), key('c'), key('b')]);

    expect(result._tag).toBe('Degraded');
    expect(names(result.acks)).toEqual(['d']);
    expect(result.timeouts).toEqual([{ _tag: 'Timeout', key: key('b'), ackTimeoutMs: 250 }]);
    expect(names(result.skippedDead)).toEqual(['c']);
    expect(received(state, key('a'))).toEqual([]);
    expect(received(state, key('b'))).toEqual([quiesceMaintenance]);
    expect(received(state, key('c'))).toEqual([]);
    expect(received(state, key('d'))).toEqual([quiesceMaintenance]);
  });

  it('should report keys that are not registered beside the result, once each, and send them nothing', () => {
    const { state, result, keysNotFound } = broadcastTo(registry, quiesceMaintenance, [
      key('x'),
      key('a'),
      key('x'),
      key('y'),
    ]);

    expect(keysNotFound).toEqual([key('x'), key('y')]);
    expect(result._tag).toBe('AllAcked');
    expect(names(result.acks)).toEqual(['a']);
    expect(backends(state)).toEqual(backends(registry));
  });

  it('should return the same registry when no target is live, with NoLiveTargets', () => {
    const { state, result } = broadcastTo(registry, quiesceMaintenance, [key('c'), key('gone')]);

    expect(state).toBe(registry);
    expect(result._tag).toBe('NoLiveTargets');
    expect(broadcastTo(registry, quiesceMaintenance, []).state).toBe(registry);
  });

  it('should be broadcast when the keys are every registered key', () => {
    const all = backends(registry).map((b) => b.key);

    expect(broadcastTo(registry, quiesceMaintenance, all)).toEqual({
      state: broadcast(registry, quiesceMaintenance).state,
      result: broadcast(registry, quiesceMaintenance).result,
      keysNotFound: [],
    });
  });

  it('should keep what each backend received in order across targeted and full broadcasts and re-registration', () => {
    const first = releaseHandlesOperation('/cache/one');
    const second = releaseHandlesOperation('/cache/two');
    let state = broadcastTo(registry, first, [key('a')]).state;
    state = broadcast(state, second).state;
    state = broadcastTo(state, quiesceMaintenance, [key('d')]).state;
    state = register(state, liveBackend(key('d'))).state;

    expect(received(state, key('a'))).toEqual([first, second]);
    expect(received(state, key('b'))).toEqual([second]);
    expect(received(state, key('d'))).toEqual([]);
  });

  it('should return frozen values and leave its arguments unchanged', () => {
    const keys = [key('a'), key('nobody')];
    const copy = JSON.stringify(keys);

    const out = broadcastTo(registry, quiesceMaintenance, keys);

    expect(JSON.stringify(keys)).toBe(copy);
    expect(unfrozenPaths(out)).toEqual([]);
  });
});

describe('retryUnacknowledged', () => {
  it('should send the operation again to the backends that timed out or failed, and to no other', () => {
    const state = withBackends([
      liveBackend(key('a')),
      withResponse(liveBackend(key('b')), timeout),
      withResponse(liveBackend(key('c')), failure('BackendError')),
    ]);
    const first = broadcast(state, quiesceMaintenance);

    const { state: after, result } = retryUnacknowledged(first.state, first.result);

    expect(names(result.timeouts)).toEqual(['b']);
    expect(names(result.failures)).toEqual(['c']);
    expect(result.acks).toEqual([]);
    expect(received(after, key('a'))).toEqual([quiesceMaintenance]);
    expect(received(after, key('b'))).toEqual([quiesceMaintenance, quiesceMaintenance]);
  });

  it('should send nothing after a broadcast that every live backend acknowledged', () => {
    const state = withBackends([liveBackend(key('a'))]);
    const first = broadcast(state, quiesceMaintenance);

    const retry = retryUnacknowledged(first.state, first.result);

    expect(retry.state).toBe(first.state);
    expect(retry.result._tag).toBe('NoLiveTargets');
  });

  it('should report a retried backend that was unregistered since, and skip one that died', () => {
    const state = withBackends([
      withResponse(liveBackend(key('a')), timeout),
      withResponse(liveBackend(key('b')), timeout),
    ]);
    const first = broadcast(state, quiesceMaintenance);
    const later = setLive(unregister(first.state, key('a')).state, key('b'), false).state;

    const { result, keysNotFound } = retryUnacknowledged(later, first.result);

    expect(keysNotFound).toEqual([key('a')]);
    expect(names(result.skippedDead)).toEqual(['b']);
  });
});

describe('mergeRetry', () => {
  it('should report each backend with its latest answer, in registration order', () => {
    const state = withBackends([
      withResponse(liveBackend(key('a')), timeout),
      liveBackend(key('b')),
      withResponse(liveBackend(key('c')), failure('Rejected')),
      deadBackend(key('d')),
    ]);
    const first = broadcast(state, quiesceMaintenance);
    const recovered = setResponse(first.state, key('a'), ack).state;
    const retry = retryUnacknowledged(recovered, first.result);

    const merged = mergeRetry(retry.state, first.result, retry.result);

    expect(merged._tag).toBe('Degraded');
    expect(names(merged.acks)).toEqual(['a', 'b']);
    expect(merged.failures).toEqual([{ _tag: 'Failure', key: key('c'), reason: 'Rejected' }]);
    expect(names(merged.skippedDead)).toEqual(['d']);
    expect(merged).toEqual(broadcast(recovered, quiesceMaintenance).result);
  });

  it('should end a degraded release-handles all-acked after retries, each backend receiving it once per send', () => {
    // Arrange: four backends; one times out and one fails the first release.
    const release = releaseHandlesOperation('/home/dev/.cache/zccache');
    const zccache = key('zccache');
    const soldr = key('soldr');
    const fbuild = key('fbuild');
    const sccache = key('sccache');
    let state = withBackends([
      liveBackend(zccache),
      withResponse(liveBackend(soldr), timeout),
      withResponse(liveBackend(fbuild), failure('BackendError')),
      liveBackend(sccache),
    ]);
    const sent = new Map<string, number>();
    const count = (list: ReadonlyArray<{ readonly key: BackendKey }>): void => {
      for (const e of list) {
        sent.set(e.key.serviceName, (sent.get(e.key.serviceName) ?? 0) + 1);
      }
    };

    // Act: broadcast, then retry until every backend has acknowledged.
    const first = broadcast(state, release);
    state = first.state;
    count([...first.result.acks, ...first.result.timeouts, ...first.result.failures]);
    expect(first.result._tag).toBe('Degraded');

    // soldr answers on the first retry; fbuild fails again, then answers on the second.
    state = setResponse(state, soldr, ack).state;
    const retry1 = retryUnacknowledged(state, first.result);
    state = retry1.state;
    count([...retry1.result.acks, ...retry1.result.timeouts, ...retry1.result.failures]);
    let report = mergeRetry(state, first.result, retry1.result);
    expect(report._tag).toBe('Degraded');

    state = setResponse(state, fbuild, ack).state;
    const retry2 = retryUnacknowledged(state, retry1.result);
    state = retry2.state;
    count([...retry2.result.acks, ...retry2.result.timeouts, ...retry2.result.failures]);
    report = mergeRetry(state, report, retry2.result);

    // Assert: all acknowledged, in registration order; each received the operation once per send.
    expect(report._tag).toBe('AllAcked');
    expect(names(report.acks)).toEqual(['zccache', 'soldr', 'fbuild', 'sccache']);
    expect(Object.fromEntries(sent)).toEqual({ zccache: 1, soldr: 2, fbuild: 3, sccache: 1 });
    for (const k of [zccache, soldr, fbuild, sccache]) {
      expect(received(state, k)).toEqual(Array.from({ length: sent.get(k.serviceName) ?? 0 }, () => release));
    }
  });
});

describe('registrationOrder', () => {
  it('should order registered keys by position and put the others after them, by id', () => {
    const state = withBackends([liveBackend(key('b')), liveBackend(key('a'))]);
    const ord = registrationOrder(state);

    expect(
      [key('z'), key('a'), key('y'), key('b')].sort((x, y) => ord.compare(x, y)).map((k) => k.serviceName),
    ).toEqual(['b', 'a', 'y', 'z']);
    expect(ord.equals(key('a'), key('a'))).toBe(true);
  });

  it('should not depend on anything but the registry it was made from', () => {
    const state = withBackends([liveBackend(key('a'))]);
    const ord = registrationOrder(state);
    register(state, liveBackend(key('b')));

    expect(ord.compare(key('a'), key('b'))).toBe(-1);
    expect(ord.compare(key('b'), key('c'))).toBe(-1);
  });
});
