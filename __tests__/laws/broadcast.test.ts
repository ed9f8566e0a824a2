import * as fc from 'fast-check';

import {
  backends,
  broadcast,
  keyId,
  liveCount,
  quiesce,
  quiesceOperation,
  releaseHandlesOperation,
  releaseHandlesUnderPath,
  sentCount,
  setLive,
  backendCount,
  snapshot,
} from '../../src';
import type { Backend, BroadcastResult } from '../../src';
import { broadcastOperationArbitrary, quiesceReasonArbitrary, registryArbitrary } from '../../src/arbitraries';
import { expectEqual, expectSame, lawParameters } from './support';

const idsOf = (list: ReadonlyArray<{ readonly key: Backend['key'] }>): ReadonlyArray<string> =>
  list.map((entry) => keyId(entry.key));

describe('law: fan-out conservation', () => {
  it('should send to exactly the live backends: sentCount equals liveCount and the live backends', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { result } = broadcast(state, op);

        expectSame(sentCount(result), liveCount(state));
        expectSame(sentCount(result), backends(state).filter((b) => b.live).length);
      }),
      lawParameters(),
    );
  });

  it('should account for every registered backend: sentCount plus skippedDead equals size', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { result } = broadcast(state, op);

        expectSame(sentCount(result) + result.skippedDead.length, backendCount(state));
      }),
      lawParameters(),
    );
  });

  it('should list each backend once, in the list its liveness and response decide, in registration order', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { result } = broadcast(state, op);
        const registered = backends(state);
        const where = (keep: (b: Backend) => boolean): ReadonlyArray<string> => idsOf(registered.filter(keep));

        expectEqual(
          idsOf(result.acks),
          where((b) => b.live && b.response._tag === 'Ack'),
        );
        expectEqual(
          idsOf(result.timeouts),
          where((b) => b.live && b.response._tag === 'Timeout'),
        );
        expectEqual(
          idsOf(result.failures),
          where((b) => b.live && b.response._tag === 'Failure'),
        );
        expectEqual(
          idsOf(result.skippedDead),
          where((b) => !b.live),
        );
      }),
      lawParameters(),
    );
  });

  it("should give timeouts the policy's ackTimeoutMs and failures the backend's reason", () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { result } = broadcast(state, op);
        const responseOf = new Map(backends(state).map((b) => [keyId(b.key), b.response]));

        for (const t of result.timeouts) {
          expectSame(t.ackTimeoutMs, state.policy.ackTimeoutMs);
        }
        for (const f of result.failures) {
          expectEqual(responseOf.get(keyId(f.key)), { _tag: 'Failure', reason: f.reason });
        }
      }),
      lawParameters(),
    );
  });

  it('should carry the operation and a status that follows from the lists', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { result } = broadcast(state, op);
        const expected: BroadcastResult['_tag'] =
          result.timeouts.length + result.failures.length > 0
            ? 'Degraded'
            : sentCount(result) > 0
              ? 'AllAcked'
              : 'NoLiveTargets';

        expectEqual(result.operation, op);
        expectSame(result._tag, expected);
      }),
      lawParameters(),
    );
  });
});

describe('law: delivery', () => {
  it('should append exactly the operation to each live backend, and leave dead backends unchanged', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const before = snapshot(state);

        const after = snapshot(broadcast(state, op).state);

        expectEqual(after.policy, before.policy);
        expectEqual(
          after.backends.map((s) => s.backend),
          before.backends.map((s) => s.backend),
        );
        after.backends.forEach((s, i) => {
          const was = before.backends[i]?.received ?? [];
          expectEqual(s.received, s.backend.live ? [...was, op] : was);
        });
      }),
      lawParameters(),
    );
  });

  it('should return the same registry when no backend is live', () => {
    fc.assert(
      fc.property(
        registryArbitrary().map((state) => backends(state).reduce((s, b) => setLive(s, b.key, false).state, state)),
        broadcastOperationArbitrary(),
        (state, op) => {
          const { state: next, result } = broadcast(state, op);

          expectSame(next, state);
          expectSame(result._tag, 'NoLiveTargets');
        },
      ),
      lawParameters(),
    );
  });

  it('should make releaseHandlesUnderPath and quiesce the broadcast of their operation', () => {
    fc.assert(
      fc.property(registryArbitrary(), fc.string({ minLength: 1 }), quiesceReasonArbitrary(), (state, path, reason) => {
        const release = releaseHandlesUnderPath(state, path);
        const drain = quiesce(state, reason);

        expectEqual(release.result, broadcast(state, releaseHandlesOperation(path)).result);
        expectEqual(snapshot(release.state), snapshot(broadcast(state, releaseHandlesOperation(path)).state));
        expectEqual(drain.result, broadcast(state, quiesceOperation(reason)).result);
        expectEqual(snapshot(drain.state), snapshot(broadcast(state, quiesceOperation(reason)).state));
      }),
      lawParameters(),
    );
  });
});
