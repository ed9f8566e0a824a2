/**
 * Baseline: the registry written with Immutable.js the way an experienced user of it would. An
 * `OrderedMap` from key id to a backend `Record` (so a re-registration keeps its position), one
 * `List` of every operation broadcast, and each backend's live spans into that list (`liveSince`
 * and a `List` of closed spans), so that a broadcast appends one operation instead of touching
 * every backend. Not a per-backend history, which is O(backends x operations) in memory.
 */
import { List, OrderedMap, Record } from 'immutable';
import type { RecordOf } from 'immutable';

import { ack, keyId } from '../../src';
import type { Backend, BackendKey, BroadcastBackendResponse, BroadcastOperation, BroadcastPolicy } from '../../src';
import type { BroadcastCounts, Implementation, Subject } from '../subject';
import { ResultLists } from './resultLists';

interface BackendFields {
  key: BackendKey | null;
  live: boolean;
  response: BroadcastBackendResponse;
  /** Index into `operations` from which it has been live; -1 while dead. */
  liveSince: number;
  /** Closed live spans, `[start, end, start, end, ...]`. */
  spans: List<number>;
}

type BackendRecord = RecordOf<BackendFields>;

const makeBackend = Record<BackendFields>({ key: null, live: false, response: ack, liveSince: -1, spans: List() });

interface StateFields {
  backends: OrderedMap<string, BackendRecord>;
  operations: List<BroadcastOperation>;
  liveCount: number;
}

const makeState = Record<StateFields>({ backends: OrderedMap(), operations: List(), liveCount: 0 });

class ImmutableJsRegistry implements Subject {
  private current: RecordOf<StateFields> = makeState();

  constructor(private readonly policy: BroadcastPolicy) {}

  register(backend: Backend): void {
    const s = this.current;
    const id = keyId(backend.key);
    const previous = s.backends.get(id);
    const fresh = makeBackend({
      key: backend.key,
      live: backend.live,
      response: backend.response,
      liveSince: backend.live ? s.operations.size : -1,
    });
    const liveCount = s.liveCount + (backend.live ? 1 : 0) - (previous?.live === true ? 1 : 0);
    this.current = s.merge({ backends: s.backends.set(id, fresh), liveCount });
  }

  setLive(key: BackendKey, live: boolean): void {
    const s = this.current;
    const id = keyId(key);
    const b = s.backends.get(id);
    if (b === undefined || b.live === live) {
      return;
    }
    const now = s.operations.size;
    const next = live
      ? b.merge({ live, liveSince: now })
      : b.merge({ live, liveSince: -1, spans: b.spans.push(b.liveSince, now) });
    this.current = s.merge({ backends: s.backends.set(id, next), liveCount: s.liveCount + (live ? 1 : -1) });
  }

  broadcast(operation: BroadcastOperation): BroadcastCounts {
    const s = this.current;
    const lists = new ResultLists(this.policy);
    // `forEach` rather than an iterator: Immutable.js walks its trie directly, without an
    // iterator object and a result object per step.
    s.backends.forEach((b) => {
      if (b.live) {
        lists.answer(b.key as BackendKey, b.response);
      } else {
        lists.skip(b.key as BackendKey);
      }
    });
    if (s.liveCount > 0) {
      this.current = s.set('operations', s.operations.push(operation));
    }
    return lists.counts();
  }

  state(): unknown {
    return this.current;
  }
}

/** The Immutable.js baseline. */
export const immutableJs: Implementation = {
  name: 'Immutable.js',
  create: (policy) => new ImmutableJsRegistry(policy),
};
