/**
 * The idle coordinator: tracking, activity, due collection, manual states, removal, its codecs.
 */
import * as O from 'fp-ts/Option';

import {
  DEFAULT_IDLE_TIMEOUT_MS,
  IdleAction,
  IdleCoordinator,
  IdleDue,
  collectDue,
  collectDueAction,
  createIdleCoordinator,
  emptyIdleCoordinator,
  idleBackend,
  markActivity,
  markActivityAction,
  markDraining,
  markDrainingAction,
  markQuiesced,
  markQuiescedAction,
  matchIdleAction,
  matchIdleEvent,
  nextDueAt,
  remove,
  removeAction,
  stepIdle,
  track,
  trackAction,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { BackendKey, IdleBackend } from '../../src';
import { expectLeft, expectRight, expectSome, key, unfrozenPaths } from '../support/helpers';

const a = key('a');
const b = key('b');
const c = key('c');

/** A coordinator tracking `keys`, each last active at `at` (0 by default). */
const tracking = (keys: ReadonlyArray<BackendKey>, coordinator = createIdleCoordinator(), at = 0): IdleCoordinator =>
  keys.reduce((s, k) => track(s, k, at).state, coordinator);

const names = (c: IdleCoordinator): ReadonlyArray<string> => c.backends.map((x) => x.key.serviceName);

const stateOf = (c: IdleCoordinator, k: BackendKey): IdleBackend['state'] => expectSome(idleBackend(c, k)).state;

const dueNames = (due: ReadonlyArray<IdleDue>): ReadonlyArray<string> => due.map((d) => d.key.serviceName);

describe('createIdleCoordinator', () => {
  it('should give tracked backends 30 s by default', () => {
    expect(createIdleCoordinator().idleTimeoutMs).toBe(30_000);
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBe(30_000);
    expect(emptyIdleCoordinator).toEqual({ idleTimeoutMs: 30_000, backends: [] });
  });

  it('should clamp a zero timeout to 1 ms', () => {
    expect(createIdleCoordinator(0).idleTimeoutMs).toBe(1);
  });

  it('should refuse a timeout no clock gives, naming the argument and the value', () => {
    expect(() => createIdleCoordinator(-1)).toThrow(
      new RangeError('createIdleCoordinator: idleTimeoutMs must be a non-negative integer of milliseconds, got -1'),
    );
    expect(() => createIdleCoordinator(1.5)).toThrow('got 1.5');
    expect(() => createIdleCoordinator(Number.NaN)).toThrow('got NaN');
  });

  it('should be frozen all the way down', () => {
    expect(unfrozenPaths(tracking([a, b]))).toEqual([]);
  });
});

describe('track', () => {
  it('should append a new key, running and active at now, with the coordinator timeout', () => {
    const { state, result } = track(tracking([a]), b, 500);

    expect(names(state)).toEqual(['a', 'b']);
    expect(result).toEqual({
      _tag: 'BackendTracked',
      backend: { key: b, state: 'Running', lastActivityMs: 500, idleTimeoutMs: 30_000 },
      replaced: O.none,
    });
  });

  it('should replace a tracked key in place, running again, and say how it was', () => {
    const drained = markQuiesced(tracking([a, b, c]), b).state;

    const { state, result } = track(drained, b, 900, 5_000);

    expect(names(state)).toEqual(['a', 'b', 'c']);
    expect(expectSome(idleBackend(state, b))).toEqual({
      key: b,
      state: 'Running',
      lastActivityMs: 900,
      idleTimeoutMs: 5_000,
    });
    expect(result.replaced).toEqual(O.some({ key: b, state: 'Quiesced', lastActivityMs: 0, idleTimeoutMs: 30_000 }));
  });

  it('should return the same coordinator when the key is tracked exactly so already', () => {
    const state = tracking([a], createIdleCoordinator(), 7);

    expect(track(state, a, 7).state).toBe(state);
    expect(track(state, a, 8).state).not.toBe(state);
  });

  it('should clamp a zero timeout of its own to 1 ms', () => {
    expect(track(createIdleCoordinator(), a, 0, 0).result.backend.idleTimeoutMs).toBe(1);
  });

  it('should refuse a time that is not a non-negative integer, and leave the coordinator as it was', () => {
    const state = tracking([a]);

    expect(() => track(state, b, -5)).toThrow('track: now must be a non-negative integer of milliseconds, got -5');
    expect(() => track(state, b, 0, 2.5)).toThrow('track: idleTimeoutMs must be');
    expect(names(state)).toEqual(['a']);
  });
});

describe('markActivity', () => {
  it('should restart the idle time from now', () => {
    const state = markActivity(tracking([a], createIdleCoordinator(1_000)), a, 800).state;

    expect(collectDue(state, 1_700).result.due).toEqual([]);
    expect(dueNames(collectDue(state, 1_800).result.due)).toEqual(['a']);
  });

  it('should make a draining or quiesced backend running again', () => {
    const draining = markDraining(tracking([a, b]), a).state;
    const quiesced = markQuiesced(draining, b).state;

    const active = markActivity(markActivity(quiesced, a, 10).state, b, 10).state;

    expect([stateOf(active, a), stateOf(active, b)]).toEqual(['Running', 'Running']);
  });

  it('should return the same coordinator for the activity a running backend already has', () => {
    const state = tracking([a], createIdleCoordinator(), 40);

    const { state: next, result } = markActivity(state, a, 40);

    expect(next).toBe(state);
    expect(result._tag === 'ActivityMarked' && result.previous === result.backend).toBe(true);
  });

  it('should answer NotTracked for a key it does not track, with the same coordinator', () => {
    const state = tracking([a]);

    const { state: next, result } = markActivity(state, b, 3);

    expect(next).toBe(state);
    expect(result).toEqual({ _tag: 'NotTracked', action: markActivityAction(b, 3), key: b });
  });
});

describe('collectDue', () => {
  it('should return each running backend idle for at least its timeout, in tracking order, with how long', () => {
    let state = createIdleCoordinator(10_000);
    state = track(state, a, 0).state;
    state = track(state, b, 5_000).state;
    state = track(state, c, 0, 60_000).state;

    const { result } = collectDue(state, 15_000);

    expect(result.due).toEqual([
      { key: a, idleForMs: 15_000, idleTimeoutMs: 10_000, reason: 'IdleTimeout' },
      { key: b, idleForMs: 10_000, idleTimeoutMs: 10_000, reason: 'IdleTimeout' },
    ]);
  });

  it('should not return a backend idle for less than its timeout', () => {
    const state = tracking([a], createIdleCoordinator(10_000), 1_000);

    expect(collectDue(state, 10_999).result.due).toEqual([]);
  });

  it('should move what it returns to draining, so that a second collection returns none of it', () => {
    const state = tracking([a, b], createIdleCoordinator(1_000));

    const first = collectDue(state, 5_000);
    const second = collectDue(first.state, 9_000);

    expect(dueNames(first.result.due)).toEqual(['a', 'b']);
    expect([stateOf(first.state, a), stateOf(first.state, b)]).toEqual(['Draining', 'Draining']);
    expect(second.result.due).toEqual([]);
    expect(second.state).toBe(first.state);
  });

  it('should return a backend again once it has been active again and idle for its timeout', () => {
    const swept = collectDue(tracking([a], createIdleCoordinator(1_000)), 2_000).state;

    const active = markActivity(swept, a, 3_000).state;

    expect(collectDue(active, 3_999).result.due).toEqual([]);
    expect(dueNames(collectDue(active, 4_000).result.due)).toEqual(['a']);
  });

  it('should leave out backends marked draining or quiesced by hand', () => {
    const state = markQuiesced(markDraining(tracking([a, b, c], createIdleCoordinator(1)), a).state, b).state;

    expect(dueNames(collectDue(state, 100).result.due)).toEqual(['c']);
  });

  it('should count a backend last active after now as idle for 0 ms', () => {
    const state = tracking([a], createIdleCoordinator(1), 5_000);

    expect(collectDue(state, 4_000).result.due).toEqual([]);
    expect(nextDueAt(state)).toEqual(O.some(5_001));
  });

  it('should find a backend tracked with a zero timeout due 1 ms later', () => {
    const state = track(createIdleCoordinator(), a, 100, 0).state;

    expect(collectDue(state, 100).result.due).toEqual([]);
    expect(dueNames(collectDue(state, 101).result.due)).toEqual(['a']);
  });
});

describe('markDraining', () => {
  it('should mark a backend draining, and return the same coordinator when it already is', () => {
    const { state, result } = markDraining(tracking([a, b]), b);

    expect(stateOf(state, b)).toBe('Draining');
    expect(result._tag).toBe('DrainingMarked');
    expect(markDraining(state, b).state).toBe(state);
  });

  it('should answer NotTracked for a key it does not track', () => {
    expect(markDraining(tracking([a]), c).result).toEqual({
      _tag: 'NotTracked',
      action: markDrainingAction(c),
      key: c,
    });
  });
});

describe('markQuiesced', () => {
  it('should mark a backend quiesced, and return the same coordinator when it already is', () => {
    const { state, result } = markQuiesced(tracking([a]), a);

    expect(stateOf(state, a)).toBe('Quiesced');
    expect(result._tag).toBe('QuiescedMarked');
    expect(markQuiesced(state, a).state).toBe(state);
  });

  it('should answer NotTracked for a key it does not track', () => {
    expect(markQuiesced(createIdleCoordinator(), a).result).toEqual({
      _tag: 'NotTracked',
      action: markQuiescedAction(a),
      key: a,
    });
  });
});

describe('remove', () => {
  it('should stop tracking a backend and keep the others in order', () => {
    const { state, result } = remove(tracking([a, b, c]), b);

    expect(names(state)).toEqual(['a', 'c']);
    expect(result).toEqual({
      _tag: 'BackendUntracked',
      backend: { key: b, state: 'Running', lastActivityMs: 0, idleTimeoutMs: 30_000 },
    });
    expect(idleBackend(state, b)).toEqual(O.none);
  });

  it('should answer NotTracked for a key it does not track, with the same coordinator', () => {
    const state = tracking([a]);

    expect(remove(state, b)).toEqual({ state, result: { _tag: 'NotTracked', action: removeAction(b), key: b } });
    expect(remove(state, b).state).toBe(state);
  });
});

describe('stepIdle', () => {
  it('should apply each action with the reducer it stands for', () => {
    const actions: ReadonlyArray<IdleAction> = [
      trackAction(a, 0),
      trackAction(b, 0, 5_000),
      markActivityAction(a, 4_000),
      collectDueAction(5_000),
      markQuiescedAction(b),
      markDrainingAction(c),
      removeAction(a),
    ];
    let state = createIdleCoordinator(2_000);
    const events = actions.map((action) => {
      const next = stepIdle(state, action);
      state = next.state;
      return next.result._tag;
    });

    expect(events).toEqual([
      'BackendTracked',
      'BackendTracked',
      'ActivityMarked',
      'DueCollected',
      'QuiescedMarked',
      'NotTracked',
      'BackendUntracked',
    ]);
    expect(state.backends).toEqual([{ key: b, state: 'Quiesced', lastActivityMs: 0, idleTimeoutMs: 5_000 }]);
  });
});

describe('idleBackend', () => {
  it('should find a tracked backend by key, and nothing for another', () => {
    const state = tracking([a]);

    expect(expectSome(idleBackend(state, key('a'))).key).toEqual(a);
    expect(idleBackend(state, b)).toEqual(O.none);
  });
});

describe('nextDueAt', () => {
  it('should give the earliest deadline of a running backend, or none', () => {
    let state = createIdleCoordinator(10_000);
    state = track(state, a, 3_000).state;
    state = track(state, b, 1_000, 20_000).state;

    expect(nextDueAt(state)).toEqual(O.some(13_000));
    expect(nextDueAt(markDraining(state, a).state)).toEqual(O.some(21_000));
    expect(nextDueAt(createIdleCoordinator())).toEqual(O.none);
  });
});

describe('matchIdleAction', () => {
  it('should give each kind of action its own handler', () => {
    const label = matchIdleAction({
      Track: (x) => `track ${x.key.serviceName}`,
      MarkActivity: (x) => `active ${String(x.nowMs)}`,
      CollectDue: (x) => `collect ${String(x.nowMs)}`,
      MarkDraining: () => 'draining',
      MarkQuiesced: () => 'quiesced',
      Remove: () => 'remove',
    });

    expect([trackAction(a, 0), markActivityAction(a, 5), collectDueAction(9), removeAction(a)].map(label)).toEqual([
      'track a',
      'active 5',
      'collect 9',
      'remove',
    ]);
  });
});

describe('matchIdleEvent', () => {
  it('should give each kind of event its own handler', () => {
    const count = matchIdleEvent({
      BackendTracked: () => 1,
      ActivityMarked: () => 2,
      DueCollected: (e) => 100 + e.due.length,
      DrainingMarked: () => 3,
      QuiescedMarked: () => 4,
      BackendUntracked: () => 5,
      NotTracked: () => 0,
    });

    expect(count(collectDue(tracking([a, b], createIdleCoordinator(1)), 10).result)).toBe(102);
    expect(count(remove(createIdleCoordinator(), a).result)).toBe(0);
  });
});

describe('IdleCoordinator (codec)', () => {
  it('should give a coordinator back through JSON', () => {
    const state = markDraining(tracking([a, b], createIdleCoordinator(4_000), 12), b).state;

    expect(expectRight(decode(IdleCoordinator, JSON.parse(JSON.stringify(IdleCoordinator.encode(state)))))).toEqual(
      state,
    );
  });

  it('should refuse a key tracked twice, saying where', () => {
    const twice = { idleTimeoutMs: 5, backends: [...tracking([a, b]).backends, tracking([a]).backends[0]] };

    expect(expectLeft(decode(IdleCoordinator, JSON.parse(JSON.stringify(twice))))).toEqual([
      expect.stringMatching(/^backends\[2\]\.key: the same key as backends\[0\], got \{"instance":/),
    ]);
  });

  it('should clamp zero timeouts to 1 ms, and refuse unknown states and fields', () => {
    const zero = { idleTimeoutMs: 0, backends: [{ key: a, state: 'Running', lastActivityMs: 0, idleTimeoutMs: 0 }] };

    expect(expectRight(decode(IdleCoordinator, zero))).toEqual({
      idleTimeoutMs: 1,
      backends: [{ key: a, state: 'Running', lastActivityMs: 0, idleTimeoutMs: 1 }],
    });
    expect(
      expectLeft(
        decode(IdleCoordinator, { idleTimeoutMs: 1, backends: [{ ...zero.backends[0], state: 'Asleep', extra: 1 }] }),
      ),
    ).toEqual([
      'backends[0].state: expected "Running" | "Draining" | "Quiesced", got "Asleep"',
      'backends[0].extra: unexpected field, got 1',
    ]);
  });

  it('should let the reducers work on a decoded coordinator without changing it, and return frozen values', () => {
    const decoded = expectRight(
      decode(IdleCoordinator, JSON.parse(JSON.stringify(tracking([a, b], createIdleCoordinator(10))))),
    );
    const before = JSON.stringify(decoded);

    const swept = collectDue(decoded, 100);
    const noop = markActivity(decoded, c, 1);

    expect(JSON.stringify(decoded)).toBe(before);
    expect(unfrozenPaths(swept)).toEqual([]);
    expect(unfrozenPaths(noop)).toEqual([]);
  });
});

describe('IdleAction (codec)', () => {
  it('should refuse a time that is not whole milliseconds, saying where', () => {
    expect(expectLeft(decode(IdleAction, { _tag: 'MarkActivity', key: a, nowMs: -3 }))).toEqual([
      'nowMs: expected non-negative integer milliseconds, got -3',
    ]);
    expect(expectLeft(decode(IdleAction, { _tag: 'Sweep', nowMs: 1 }))).toEqual([
      '_tag: expected "Track" | "MarkActivity" | "CollectDue" | "MarkDraining" | "MarkQuiesced" | "Remove", got "Sweep"',
    ]);
  });

  it('should accept a track action with or without its own timeout', () => {
    expect(expectRight(decode(IdleAction, trackAction(a, 1)))).toEqual({ _tag: 'Track', key: a, nowMs: 1 });
    expect(expectRight(decode(IdleAction, trackAction(a, 1, 0)))).toEqual({
      _tag: 'Track',
      key: a,
      nowMs: 1,
      idleTimeoutMs: 0,
    });
  });
});

describe('IdleDue (codec)', () => {
  it('should decode what collectDue returns', () => {
    const { due } = collectDue(tracking([a], createIdleCoordinator(5)), 9).result;

    expect(due.every((d) => IdleDue.is(d))).toBe(true);
    expect(expectLeft(decode(IdleDue, { ...due[0], reason: 'Maintenance' }))).toEqual([
      'reason: expected "IdleTimeout", got "Maintenance"',
    ]);
  });
});
