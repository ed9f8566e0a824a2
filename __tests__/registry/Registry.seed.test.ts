/**
 * The behaviour the upstream model's tests pin down, in this library's API.
 */
import {
  DEFAULT_ACK_TIMEOUT_MS,
  allLiveBackendsAcked,
  broadcastPolicy,
  createRegistry,
  deadBackend,
  defaultPolicy,
  failure,
  liveBackend,
  quiesce,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  releaseHandlesUnderPath,
  sentCount,
  timeout,
  withResponse,
} from '../../src';
import type { Backend, Registry } from '../../src';
import { receivedOperations } from '../../src';
import { expectSome, key } from '../support/helpers';

const registerAll = (state: Registry, backends: ReadonlyArray<Backend>): Registry =>
  backends.reduce((s, b) => register(s, b).state, state);

describe('the upstream scenarios', () => {
  it('should fan release-handles out to two live backends, acknowledged in registration order', () => {
    const [a, b] = [key('zccache'), key('soldr')];
    const state = registerAll(createRegistry(), [liveBackend(a), liveBackend(b)]);

    const { state: after, result } = releaseHandlesUnderPath(state, 'cache-root');

    expect(result._tag).toBe('AllAcked');
    expect(result.operation).toEqual(releaseHandlesOperation('cache-root'));
    expect(result.acks.map((e) => e.key)).toEqual([a, b]);
    expect(allLiveBackendsAcked(result)).toBe(true);
    expect(sentCount(result)).toBe(2);
    expect(expectSome(receivedOperations(after, a))).toEqual([releaseHandlesOperation('cache-root')]);
    expect(expectSome(receivedOperations(after, b))).toEqual([releaseHandlesOperation('cache-root')]);
  });

  it('should report a timeout with the policy timeout and skip a dead backend', () => {
    const [acking, slow, dead] = [key('zccache'), key('soldr'), key('fbuild')];
    const state = registerAll(createRegistry(broadcastPolicy(250)), [
      liveBackend(acking),
      withResponse(liveBackend(slow), timeout),
      deadBackend(dead),
    ]);

    const { state: after, result } = releaseHandlesUnderPath(state, 'cache-root');

    expect(result._tag).toBe('Degraded');
    expect(sentCount(result)).toBe(2);
    expect(allLiveBackendsAcked(result)).toBe(false);
    expect(result.acks.map((e) => e.key)).toEqual([acking]);
    expect(result.timeouts).toEqual([{ _tag: 'Timeout', key: slow, ackTimeoutMs: 250 }]);
    expect(result.skippedDead).toEqual([{ _tag: 'SkippedDead', key: dead }]);
    expect(expectSome(receivedOperations(after, dead))).toEqual([]);
  });

  it('should keep fanning out after a backend fails', () => {
    const [failing, next] = [key('zccache'), key('soldr')];
    const state = registerAll(createRegistry(), [
      withResponse(liveBackend(failing), failure('BackendError')),
      liveBackend(next),
    ]);

    const { result } = releaseHandlesUnderPath(state, 'cache-root');

    expect(result.failures).toEqual([{ _tag: 'Failure', key: failing, reason: 'BackendError' }]);
    expect(result.acks.map((e) => e.key)).toEqual([next]);
    expect(result._tag).toBe('Degraded');
  });

  it('should send quiesce through the same fan-out as release-handles', () => {
    const [a, b] = [key('zccache'), key('soldr')];
    const state = registerAll(createRegistry(), [liveBackend(a), deadBackend(b)]);

    const { state: after, result } = quiesce(state, 'IdleTimeout');

    expect(result.operation).toEqual(quiesceOperation('IdleTimeout'));
    expect(result.acks.map((e) => e.key)).toEqual([a]);
    expect(result.skippedDead.map((e) => e.key)).toEqual([b]);
    expect(expectSome(receivedOperations(after, a))).toEqual([quiesceOperation('IdleTimeout')]);
  });

  it('should default the ack timeout to 5 s and clamp zero to 1 ms', () => {
    expect(DEFAULT_ACK_TIMEOUT_MS).toBe(5000);
    expect(defaultPolicy).toEqual({ ackTimeoutMs: 5000 });
    expect(createRegistry().policy).toEqual({ ackTimeoutMs: 5000 });
    expect(broadcastPolicy(0)).toEqual({ ackTimeoutMs: 1 });
    expect(createRegistry({ ackTimeoutMs: 0 }).policy).toEqual({ ackTimeoutMs: 1 });
  });
});
