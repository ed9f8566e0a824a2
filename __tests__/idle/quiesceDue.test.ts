/**
 * The idle sweep: the coordinator's due backends, and only they, are asked to quiesce.
 */
import {
  broadcastPolicy,
  collectDue,
  createIdleCoordinator,
  createRegistry,
  deadBackend,
  idleBackend,
  liveBackend,
  markActivity,
  markQuiesced,
  quiesceDue,
  quiesceOperation,
  receivedOperations,
  register,
  timeout,
  track,
  withResponse,
} from '../../src';
import type { Backend, BackendKey, IdleCoordinator, Registry } from '../../src';
import { expectSome, key, unfrozenPaths } from '../support/helpers';

const idleTimeout = quiesceOperation('IdleTimeout');

const withBackends = (list: ReadonlyArray<Backend>): Registry =>
  list.reduce((s, b) => register(s, b).state, createRegistry(broadcastPolicy(500)));

const names = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

const receivedBy = (state: Registry, k: BackendKey): number => expectSome(receivedOperations(state, k)).length;

describe('quiesceDue', () => {
  // Five backends, all tracked with a 10 s idle timeout; times are milliseconds on the broker's clock.
  const [zccache, soldr, fbuild, sccache, ninja] = ['zccache', 'soldr', 'fbuild', 'sccache', 'ninja'].map((n) =>
    key(n),
  ) as [BackendKey, BackendKey, BackendKey, BackendKey, BackendKey];
  const registry = withBackends([
    liveBackend(zccache),
    liveBackend(soldr),
    withResponse(liveBackend(fbuild), timeout),
    liveBackend(sccache),
    liveBackend(ninja),
  ]);
  const idle: IdleCoordinator = [zccache, soldr, fbuild, sccache, ninja].reduce(
    (c, k) => track(c, k, 0).state,
    createIdleCoordinator(10_000),
  );

  it('should quiesce exactly the idle running backends once, and a second sweep none', () => {
    // Arrange: soldr was busy recently, sccache was already quiesced by hand.
    let coordinator = markActivity(idle, soldr, 6_000).state;
    coordinator = markQuiesced(coordinator, sccache).state;

    // Act
    const first = quiesceDue(registry, coordinator, 12_000);
    const second = quiesceDue(first.registry, first.coordinator, 13_000);

    // Assert: zccache, fbuild and ninja had been idle for 12 s; soldr for 6 s.
    expect(names(first.swept.due)).toEqual(['zccache', 'fbuild', 'ninja']);
    expect(first.swept.due.map((d) => [d.idleForMs, d.idleTimeoutMs, d.reason])).toEqual([
      [12_000, 10_000, 'IdleTimeout'],
      [12_000, 10_000, 'IdleTimeout'],
      [12_000, 10_000, 'IdleTimeout'],
    ]);
    expect(first.swept.result.operation).toEqual(idleTimeout);
    expect(names(first.swept.result.acks)).toEqual(['zccache', 'ninja']);
    expect(first.swept.result.timeouts).toEqual([{ _tag: 'Timeout', key: fbuild, ackTimeoutMs: 500 }]);
    expect([zccache, soldr, fbuild, sccache, ninja].map((k) => receivedBy(first.registry, k))).toEqual([1, 0, 1, 0, 1]);
    expect(expectSome(idleBackend(first.coordinator, zccache)).state).toBe('Draining');

    expect(second.swept.due).toEqual([]);
    expect(second.swept.result._tag).toBe('NoLiveTargets');
    expect(second.registry).toBe(first.registry);
    expect(second.coordinator).toBe(first.coordinator);
  });

  it('should quiesce a backend again once it has been active again and idle for its timeout', () => {
    const swept = quiesceDue(registry, idle, 10_000);
    const active = markActivity(swept.coordinator, zccache, 11_000).state;

    expect(names(quiesceDue(swept.registry, active, 20_999).swept.due)).toEqual([]);
    const again = quiesceDue(swept.registry, active, 21_000);

    expect(names(again.swept.due)).toEqual(['zccache']);
    expect(receivedBy(again.registry, zccache)).toBe(2);
    expect(receivedBy(again.registry, soldr)).toBe(1);
  });

  it('should list a due backend that is dead as skipped, and one the registry does not hold as not found', () => {
    const small = withBackends([deadBackend(zccache)]);
    const coordinator = track(track(createIdleCoordinator(1), zccache, 0).state, key('ghost'), 0).state;

    const { registry: after, coordinator: next, swept } = quiesceDue(small, coordinator, 5);

    expect(names(swept.result.skippedDead)).toEqual(['zccache']);
    expect(swept.keysNotFound).toEqual([key('ghost')]);
    expect(after).toBe(small);
    expect(collectDue(next, 10).result.due).toEqual([]);
  });

  it('should change nothing when nothing is due, and return frozen values', () => {
    const out = quiesceDue(registry, idle, 9_999);

    expect(out.registry).toBe(registry);
    expect(out.coordinator).toBe(idle);
    expect(out.swept).toEqual({
      _tag: 'DueQuiesced',
      due: [],
      result: { _tag: 'NoLiveTargets', operation: idleTimeout, acks: [], timeouts: [], failures: [], skippedDead: [] },
      keysNotFound: [],
    });
    expect(unfrozenPaths(out)).toEqual([]);
  });

  it('should refuse a time that is not a non-negative integer', () => {
    expect(() => quiesceDue(registry, idle, -1)).toThrow(
      'quiesceDue: now must be a non-negative integer of milliseconds, got -1',
    );
  });
});
