import * as fc from 'fast-check';

import { broadcast, mergeRetry, quiesceDue, retryUnacknowledged, snapshot, stepIdle } from '../../src';
import type { IdleAction } from '../../src';
import {
  broadcastOperationArbitrary,
  idleActionArbitrary,
  idleCoordinatorArbitrary,
  registryArbitrary,
} from '../../src/arbitraries';
import { copyOf, expectEqual, lawParameters, unfrozenPaths } from './support';

/** A coordinator reached by a sequence (plain and unfrozen, as decoded), and an action, often about one it tracks. */
const coordinatorAndAction = idleCoordinatorArbitrary().chain((coordinator) => {
  const tracked = coordinator.backends.map((b) => b.key);
  const aimed: fc.Arbitrary<IdleAction> =
    tracked.length === 0
      ? idleActionArbitrary()
      : fc
          .tuple(
            fc.constantFrom(...tracked),
            fc.nat({ max: 1_000_000 }),
            fc.constantFrom('MarkActivity', 'Remove', 'MarkDraining'),
          )
          .map(([key, nowMs, tag]): IdleAction =>
            tag === 'MarkActivity'
              ? { _tag: tag, key, nowMs }
              : tag === 'Remove'
                ? { _tag: tag, key }
                : { _tag: tag, key },
          );
  return fc.tuple(fc.constant(coordinator), fc.oneof(idleActionArbitrary(), aimed));
});

describe('law: purity of the idle coordinator', () => {
  it('should leave the coordinator and the action deep-equal to copies, and return frozen values', () => {
    fc.assert(
      fc.property(coordinatorAndAction, ([coordinator, action]) => {
        const [coordinatorBefore, actionBefore] = copyOf([coordinator, action]);

        const out = stepIdle(coordinator, action);

        expectEqual(coordinator, coordinatorBefore);
        expectEqual(action, actionBefore);
        expectEqual(unfrozenPaths(out), []);
        expectEqual(stepIdle(coordinator, copyOf(action)), out);
      }),
      lawParameters(),
    );
  });

  it('should leave the registry and the coordinator of quiesceDue unchanged, and return frozen values', () => {
    fc.assert(
      fc.property(registryArbitrary(), idleCoordinatorArbitrary(), fc.nat({ max: 1_000_000 }), (state, idle, now) => {
        const [stateBefore, snapshotBefore, idleBefore] = copyOf([state, snapshot(state), idle]);

        const out = quiesceDue(state, idle, now);

        expectEqual(state, stateBefore);
        expectEqual(snapshot(state), snapshotBefore);
        expectEqual(idle, idleBefore);
        expectEqual(unfrozenPaths(out), []);
        expectEqual(snapshot(quiesceDue(state, copyOf(idle), now).registry), snapshot(out.registry));
      }),
      lawParameters(),
    );
  });

  it('should leave the results of mergeRetry unchanged, and return a frozen one', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const first = broadcast(state, op);
        const retry = retryUnacknowledged(first.state, first.result);
        const plainFirst = copyOf(first.result);
        const plainRetry = copyOf(retry.result);

        const merged = mergeRetry(retry.state, plainFirst, plainRetry);

        expectEqual(plainFirst, first.result);
        expectEqual(plainRetry, retry.result);
        expectEqual(unfrozenPaths(merged), []);
      }),
      lawParameters(),
    );
  });
});
