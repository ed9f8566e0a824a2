/**
 * A registry saved as its backends' images, operations and audiences (what a checkpoint holds)
 * comes back as a registry that answers every query, and every next step, as the saved one.
 */
import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';

import type { Backend, BroadcastOperation, Registry } from '../../src';
import {
  backends,
  broadcast,
  broadcastTo,
  createRegistry,
  liveBackend,
  liveCount,
  quiesceOperation,
  receivedOperations,
  releaseHandlesOperation,
  replay,
  setLive,
  snapshot,
} from '../../src';
import { actionSequenceArbitrary } from '../../src/arbitraries';
import type { Audience } from '../../src/registry/Registry';
import { restoreRegistry, slotImages } from '../../src/registry/Registry';
import * as V from '../../src/internal/Vector';
import { key } from '../support/helpers';

const saved = (
  r: Registry,
): [ReadonlyArray<BroadcastOperation>, ReadonlyArray<Audience>, ReturnType<typeof slotImages>] => [
  V.toArray(r.operations),
  V.toArray(r.audiences),
  slotImages(r),
];

const restored = (r: Registry): Registry => {
  const [operations, audiences, images] = saved(r);
  const back = restoreRegistry(r.policy, operations, audiences, images);
  if (E.isLeft(back)) {
    throw new Error(back.left);
  }
  return back.right;
};

/** Everything a user can ask a registry, and what its next broadcasts give. */
const observed = (r: Registry): unknown => ({
  snapshot: snapshot(r),
  live: liveCount(r),
  received: backends(r).map((b: Backend) => receivedOperations(r, b.key)),
  next: broadcast(r, quiesceOperation('Maintenance')).result,
  targeted: broadcastTo(
    r,
    releaseHandlesOperation('/var/cache'),
    backends(r)
      .filter((_, i) => i % 2 === 0)
      .map((b) => b.key),
  ).result,
  nextState: snapshot(broadcast(r, quiesceOperation('IdleTimeout')).state),
});

describe('restoreRegistry', () => {
  it('should give back a registry that answers as the saved one, after any actions', () => {
    fc.assert(
      fc.property(actionSequenceArbitrary({ weights: { BroadcastTo: 3 } }), (actions) => {
        const r = replay(createRegistry(), actions).state;
        expect(observed(restored(r))).toEqual(observed(r));
      }),
      { numRuns: 200 },
    );
  });

  it('should keep live spans: a backend that was dead misses what was broadcast meanwhile', () => {
    const a = liveBackend(key('a'));
    let r = replay(createRegistry(), [{ _tag: 'Register', backend: a }]).state;
    r = broadcast(r, quiesceOperation('IdleTimeout')).state;
    r = setLive(r, a.key, false).state;
    r = broadcast(r, quiesceOperation('BrokerShutdown')).state;
    r = setLive(r, a.key, true).state;
    r = broadcast(r, quiesceOperation('Maintenance')).state;
    expect(receivedOperations(restored(r), a.key)).toEqual(receivedOperations(r, a.key));
    expect(slotImages(r)[0]?.spans).toEqual([0, 1]);
  });

  it.each([
    ['a backend held twice', (images: ReturnType<typeof slotImages>) => [...images, ...images], /held twice/],
    [
      'a span past the operations',
      (images: ReturnType<typeof slotImages>) => images.map((i) => ({ ...i, spans: [0, 99] })),
      /live span outside the operations/,
    ],
    [
      'spans out of order',
      (images: ReturnType<typeof slotImages>) => images.map((i) => ({ ...i, spans: [1, 2, 0, 1] })),
      /out of order/,
    ],
    [
      'a live backend with no live index',
      (images: ReturnType<typeof slotImages>) => images.map((i) => ({ ...i, liveSince: -1 })),
      /is live with live index -1/,
    ],
  ] as const)('should refuse %s', (_, edit, message) => {
    let r = replay(createRegistry(), [{ _tag: 'Register', backend: liveBackend(key('a')) }]).state;
    r = broadcast(r, quiesceOperation('IdleTimeout')).state;
    r = broadcast(r, quiesceOperation('Maintenance')).state;
    const [operations, audiences, images] = saved(r);
    const back = restoreRegistry(r.policy, operations, audiences, edit(images));
    expect(E.isLeft(back) ? back.left : 'restored').toMatch(message);
  });
});
