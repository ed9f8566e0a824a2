import * as O from 'fp-ts/Option';

import {
  backendRegistered,
  backendUnregistered,
  backends,
  createLifecycleBroadcastSelectors,
  deadBackend,
  failure,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSelectors,
  liveBackend,
  liveCount,
  livenessSet,
  operationBroadcast,
  lookup,
  quiesceOperation,
  receivedOperations,
  releaseHandlesOperation,
  responseSet,
  backendCount,
  snapshot,
} from '../../src';
import type { LifecycleBroadcastState } from '../../src';
import { fbuild, ghost, scenario, soldr, zccache } from './fixtures';

const initial = lifecycleBroadcastReducer(undefined, { type: '@@test/init' });
const after = (
  actions: ReadonlyArray<Parameters<typeof lifecycleBroadcastReducer>[1]>,
  from: LifecycleBroadcastState = initial,
): LifecycleBroadcastState => actions.reduce(lifecycleBroadcastReducer, from);

const full = after(scenario);

/** Three backends, zccache live, soldr live, fbuild dead, and one broadcast. */
const three = after([
  backendRegistered(liveBackend(zccache)),
  backendRegistered(liveBackend(soldr)),
  backendRegistered(deadBackend(fbuild)),
  operationBroadcast(releaseHandlesOperation('/cache')),
]);

const sel = lifecycleBroadcastSelectors;

interface Root {
  readonly broker: LifecycleBroadcastState;
  readonly other: number;
}

describe('createLifecycleBroadcastSelectors', () => {
  it('should read the slice where the root selector finds it', () => {
    const fromRoot = createLifecycleBroadcastSelectors((root: Root) => root.broker);
    const root: Root = { broker: full, other: 1 };
    expect(fromRoot.selectState(root)).toBe(full);
    expect(fromRoot.selectRegistry(root)).toBe(full.registry);
    expect(fromRoot.selectBackends(root)).toEqual(sel.selectBackends(full));
    expect(fromRoot.selectCounts(root)).toEqual(sel.selectCounts(full));
    expect(fromRoot.selectBackendByKey(root, soldr)).toEqual(sel.selectBackendByKey(full, soldr));
  });

  it('should give the same references when only another part of the root state changed', () => {
    const fromRoot = createLifecycleBroadcastSelectors((root: Root) => root.broker);
    const a: Root = { broker: full, other: 1 };
    const b: Root = { broker: full, other: 2 };
    expect(fromRoot.selectBackends(b)).toBe(fromRoot.selectBackends(a));
    expect(fromRoot.selectLiveBackends(b)).toBe(fromRoot.selectLiveBackends(a));
    expect(fromRoot.selectDeadBackends(b)).toBe(fromRoot.selectDeadBackends(a));
    expect(fromRoot.selectCounts(b)).toBe(fromRoot.selectCounts(a));
    expect(fromRoot.selectReceivedOperations(b, zccache)).toBe(fromRoot.selectReceivedOperations(a, zccache));
    expect(fromRoot.selectSnapshot(b)).toBe(fromRoot.selectSnapshot(a));
    expect(fromRoot.selectLatestResult(b)).toBe(fromRoot.selectLatestResult(a));
  });

  it('should keep separate caches per call', () => {
    const one = createLifecycleBroadcastSelectors((s: LifecycleBroadcastState) => s);
    const two = createLifecycleBroadcastSelectors((s: LifecycleBroadcastState) => s);
    expect(one.selectLiveBackends(full)).toEqual(two.selectLiveBackends(full));
    expect(one.selectLiveBackends(full)).not.toBe(two.selectLiveBackends(full));
  });
});

describe('selectBackends', () => {
  it('should list every backend in registration order, as the registry does', () => {
    expect(sel.selectBackends(full)).toEqual(backends(full.registry));
    expect(sel.selectBackends(three).map((b) => b.key)).toEqual([zccache, soldr, fbuild]);
  });

  it('should keep its reference across a broadcast, which changes no backend', () => {
    const next = after([operationBroadcast(quiesceOperation('Maintenance'))], three);
    expect(next.registry).not.toBe(three.registry);
    expect(sel.selectBackends(next)).toBe(sel.selectBackends(three));
  });

  it('should change its reference when a backend changes', () => {
    const next = after([livenessSet(fbuild, true)], three);
    expect(sel.selectBackends(next)).not.toBe(sel.selectBackends(three));
  });
});

describe('selectLiveBackends', () => {
  it('should list the live backends in registration order', () => {
    expect(sel.selectLiveBackends(full)).toEqual(backends(full.registry).filter((b) => b.live));
    expect(sel.selectLiveBackends(three).map((b) => b.key)).toEqual([zccache, soldr]);
  });

  it('should keep its reference when only a dead backend changed', () => {
    const next = after([responseSet(fbuild, failure('Rejected'))], three);
    expect(sel.selectBackends(next)).not.toBe(sel.selectBackends(three));
    expect(sel.selectLiveBackends(next)).toBe(sel.selectLiveBackends(three));
  });

  it('should change its reference when a backend goes live', () => {
    const next = after([livenessSet(fbuild, true)], three);
    expect(sel.selectLiveBackends(next)).not.toBe(sel.selectLiveBackends(three));
    expect(sel.selectLiveBackends(next).map((b) => b.key)).toEqual([zccache, soldr, fbuild]);
  });
});

describe('selectDeadBackends', () => {
  it('should list the dead backends in registration order', () => {
    expect(sel.selectDeadBackends(full)).toEqual(backends(full.registry).filter((b) => !b.live));
    expect(sel.selectDeadBackends(three).map((b) => b.key)).toEqual([fbuild]);
  });
});

describe('selectBackendByKey', () => {
  it('should find a registered backend, and nothing for another key', () => {
    expect(sel.selectBackendByKey(full, soldr)).toBe(O.toUndefined(lookup(full.registry, soldr)));
    expect(sel.selectBackendByKey(full, ghost)).toBeUndefined();
  });

  it('should keep its reference while that backend is unchanged', () => {
    const next = after([livenessSet(fbuild, true)], three);
    expect(sel.selectBackendByKey(next, zccache)).toBe(sel.selectBackendByKey(three, zccache));
    expect(sel.selectBackendByKey(next, fbuild)).not.toBe(sel.selectBackendByKey(three, fbuild));
  });
});

describe('selectReceivedOperations', () => {
  it('should list what a backend received, as the registry does', () => {
    for (const key of [zccache, soldr, fbuild]) {
      expect(sel.selectReceivedOperations(full, key)).toEqual(O.toUndefined(receivedOperations(full.registry, key)));
    }
    expect(sel.selectReceivedOperations(three, zccache)).toEqual([releaseHandlesOperation('/cache')]);
    expect(sel.selectReceivedOperations(three, fbuild)).toEqual([]);
  });

  it('should give undefined for a key that is not registered', () => {
    expect(sel.selectReceivedOperations(full, ghost)).toBeUndefined();
  });

  it('should keep its reference for a backend a broadcast skipped', () => {
    const next = after([operationBroadcast(quiesceOperation('IdleTimeout'))], three);
    expect(sel.selectReceivedOperations(next, fbuild)).toBe(sel.selectReceivedOperations(three, fbuild));
    expect(sel.selectReceivedOperations(next, zccache)).not.toBe(sel.selectReceivedOperations(three, zccache));
    expect(sel.selectReceivedOperations(next, zccache)).toHaveLength(2);
  });

  it('should find a backend again after it was unregistered and registered anew', () => {
    const gone = after([backendUnregistered(soldr)], three);
    const back = after([backendRegistered(liveBackend(soldr))], gone);
    expect(sel.selectReceivedOperations(gone, soldr)).toBeUndefined();
    expect(sel.selectReceivedOperations(back, soldr)).toEqual([]);
  });
});

describe('selectCounts', () => {
  it('should count registered, live and dead backends', () => {
    expect(sel.selectCounts(full)).toEqual({
      registered: backendCount(full.registry),
      live: liveCount(full.registry),
      dead: backendCount(full.registry) - liveCount(full.registry),
    });
    expect(sel.selectCounts(three)).toEqual({ registered: 3, live: 2, dead: 1 });
  });

  it('should keep its reference while the counts are unchanged', () => {
    const next = after([responseSet(zccache, failure('BackendError'))], three);
    expect(sel.selectCounts(next)).toBe(sel.selectCounts(three));
    const flipped = after([livenessSet(zccache, false)], next);
    expect(sel.selectCounts(flipped)).not.toBe(sel.selectCounts(next));
  });
});

describe('selectLatestResult', () => {
  it('should give the latest broadcast result, or null before any', () => {
    expect(sel.selectLatestResult(initial)).toBeNull();
    expect(sel.selectLatestResult(full)).toBe(full.latestResult);
    expect(sel.selectLatestResult(full)).toBe(full.recentResults[full.recentResults.length - 1]);
  });
});

describe('selectRecentResults, selectLastEvent, selectRecentKeysNotFound, selectRecentRejections', () => {
  it('should read the slice’s observable outcomes', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const rejected = after([{ type: backendRegistered.type, payload: {} }], full);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(sel.selectRecentResults(full)).toBe(full.recentResults);
    expect(sel.selectLastEvent(full)).toBe(full.lastEvent);
    expect(sel.selectRecentKeysNotFound(full)).toBe(full.recentKeysNotFound);
    expect(sel.selectRecentKeysNotFound(full).map((e) => e.key)).toEqual([ghost, ghost]);
    expect(sel.selectRecentRejections(rejected)).toBe(rejected.recentRejections);
    expect(sel.selectRecentRejections(rejected)).toHaveLength(1);
  });
});

describe('selectSnapshot', () => {
  it('should be the registry’s snapshot, computed once per registry', () => {
    expect(sel.selectSnapshot(full)).toEqual(snapshot(full.registry));
    expect(sel.selectSnapshot(full)).toBe(sel.selectSnapshot(full));
  });
});

describe('lifecycleBroadcastSelectors', () => {
  it('should select from the slice state itself', () => {
    expect(sel.selectState(full)).toBe(full);
    expect(sel.selectRegistry(full)).toBe(full.registry);
  });
});
