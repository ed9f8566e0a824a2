/**
 * The result helpers: status, counts and entry order.
 */
import {
  allLiveBackendsAcked,
  broadcast,
  broadcastResult,
  createRegistry,
  deadBackend,
  resultEntries,
  liveBackend,
  matchBroadcastResult,
  matchEntry,
  quiesceOperation,
  register,
  sentCount,
  statusOf,
  timeout,
  withResponse,
} from '../../src';
import type { Backend, BroadcastResult } from '../../src';
import { key } from '../support/helpers';

const resultFor = (backends: ReadonlyArray<Backend>): BroadcastResult =>
  broadcast(
    backends.reduce((s, b) => register(s, b).state, createRegistry()),
    quiesceOperation('Maintenance'),
  ).result;

describe('statusOf', () => {
  it('should be AllAcked when every live backend acked', () => {
    expect(resultFor([liveBackend(key('a')), deadBackend(key('b'))])._tag).toBe('AllAcked');
  });

  it('should be Degraded as soon as one live backend did not ack', () => {
    expect(resultFor([liveBackend(key('a')), withResponse(liveBackend(key('b')), timeout)])._tag).toBe('Degraded');
  });

  it('should be NoLiveTargets when nothing was live', () => {
    expect(resultFor([deadBackend(key('a'))])._tag).toBe('NoLiveTargets');
  });

  it('should agree with the tag a broadcast gives', () => {
    const r = resultFor([withResponse(liveBackend(key('a')), timeout)]);

    expect(statusOf(r)).toBe(r._tag);
    expect(broadcastResult(r)).toEqual(r);
  });
});

describe('sentCount and allLiveBackendsAcked', () => {
  it('should count the live backends and ignore the dead', () => {
    const r = resultFor([liveBackend(key('a')), withResponse(liveBackend(key('b')), timeout), deadBackend(key('c'))]);

    expect(sentCount(r)).toBe(2);
    expect(allLiveBackendsAcked(r)).toBe(false);
  });

  it('should say all acked when nothing was sent, as the model does', () => {
    const r = resultFor([deadBackend(key('a'))]);

    expect(sentCount(r)).toBe(0);
    expect(allLiveBackendsAcked(r)).toBe(true);
  });
});

describe('entries', () => {
  it('should list acks, timeouts, failures and skipped backends, each with its tag', () => {
    const r = resultFor([deadBackend(key('a')), withResponse(liveBackend(key('b')), timeout), liveBackend(key('c'))]);

    expect(
      resultEntries(r).map(
        matchEntry({
          Ack: (e) => `ack ${e.key.serviceName}`,
          Timeout: (e) => `timeout ${e.key.serviceName} after ${String(e.ackTimeoutMs)} ms`,
          Failure: (e) => `failure ${e.key.serviceName}: ${e.reason}`,
          SkippedDead: (e) => `skipped ${e.key.serviceName}`,
        }),
      ),
    ).toEqual(['ack c', 'timeout b after 5000 ms', 'skipped a']);
  });
});

describe('matchBroadcastResult', () => {
  it('should fold by status', () => {
    const summary = matchBroadcastResult({
      AllAcked: (r) => `all ${String(r.acks.length)} acked`,
      Degraded: (r) => `${String(r.timeouts.length + r.failures.length)} did not ack`,
      NoLiveTargets: () => 'nothing live',
    });

    expect(summary(resultFor([liveBackend(key('a'))]))).toBe('all 1 acked');
    expect(summary(resultFor([withResponse(liveBackend(key('a')), timeout)]))).toBe('1 did not ack');
    expect(summary(resultFor([]))).toBe('nothing live');
  });
});
