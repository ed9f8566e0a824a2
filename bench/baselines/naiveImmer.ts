/**
 * Baseline: the registry written with immer directly, the way one would at first. An array of
 * backends, lookup by `findIndex` with structural key comparison, and every backend's received
 * operations as an array updated inside `produce`.
 */
import { produce } from 'immer';

import { EqBackendKey } from '../../src';
import type { Backend, BackendKey, BroadcastOperation, BroadcastPolicy } from '../../src';
import type { BroadcastCounts, Implementation, Subject } from '../subject';
import { ResultLists } from './resultLists';

interface ImmerBackend extends Backend {
  readonly received: ReadonlyArray<BroadcastOperation>;
}

interface ImmerState {
  readonly policy: BroadcastPolicy;
  readonly backends: ReadonlyArray<ImmerBackend>;
}

const find = (state: ImmerState, key: BackendKey): number =>
  state.backends.findIndex((b) => EqBackendKey.equals(b.key, key));

class NaiveImmerRegistry implements Subject {
  private current: ImmerState;

  constructor(policy: BroadcastPolicy) {
    this.current = produce({ policy, backends: [] } as ImmerState, () => undefined);
  }

  register(backend: Backend): void {
    const i = find(this.current, backend.key);
    this.current = produce(this.current, (draft) => {
      const fresh = { ...backend, received: [] };
      if (i < 0) {
        draft.backends.push(fresh);
      } else {
        draft.backends[i] = fresh;
      }
    });
  }

  setLive(key: BackendKey, live: boolean): void {
    const i = find(this.current, key);
    this.current = produce(this.current, (draft) => {
      const b = draft.backends[i];
      if (b !== undefined) {
        b.live = live;
      }
    });
  }

  broadcast(operation: BroadcastOperation): BroadcastCounts {
    const lists = new ResultLists(this.current.policy);
    this.current = produce(this.current, (draft) => {
      for (const b of draft.backends) {
        if (!b.live) {
          lists.skip(b.key);
          continue;
        }
        b.received.push(operation);
        lists.answer(b.key, b.response);
      }
    });
    return lists.counts();
  }

  state(): unknown {
    return this.current;
  }
}

/** The naive immer baseline. */
export const naiveImmer: Implementation = {
  name: 'naive immer',
  create: (policy) => new NaiveImmerRegistry(policy),
};
