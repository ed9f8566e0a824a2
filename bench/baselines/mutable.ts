/**
 * Baseline: the obvious mutable registry in plain JavaScript. A `Map` index by key id, an array
 * in registration order, and each backend's received operations pushed in place. The floor for
 * JavaScript: no copying, no freezing.
 */
import { keyId } from '../../src';
import type { BackendKey, BroadcastBackendResponse, BroadcastOperation, BroadcastPolicy } from '../../src';
import type { BroadcastCounts, Implementation, Subject } from '../subject';
import { ResultLists } from './resultLists';

interface MutableBackend {
  key: BackendKey;
  live: boolean;
  response: BroadcastBackendResponse;
  received: BroadcastOperation[];
}

class MutableRegistry implements Subject {
  private readonly index = new Map<string, MutableBackend>();
  private order: MutableBackend[] = [];

  constructor(private readonly policy: BroadcastPolicy) {}

  register(backend: { key: BackendKey; live: boolean; response: BroadcastBackendResponse }): void {
    const id = keyId(backend.key);
    const fresh: MutableBackend = { key: backend.key, live: backend.live, response: backend.response, received: [] };
    const existing = this.index.get(id);
    if (existing === undefined) {
      this.order.push(fresh);
    } else {
      this.order[this.order.indexOf(existing)] = fresh;
    }
    this.index.set(id, fresh);
  }

  setLive(key: BackendKey, live: boolean): void {
    const b = this.index.get(keyId(key));
    if (b !== undefined) {
      b.live = live;
    }
  }

  broadcast(operation: BroadcastOperation): BroadcastCounts {
    const lists = new ResultLists(this.policy);
    for (const b of this.order) {
      if (!b.live) {
        lists.skip(b.key);
        continue;
      }
      b.received.push(operation);
      lists.answer(b.key, b.response);
    }
    return lists.counts();
  }

  state(): unknown {
    return this.order;
  }
}

/** The mutable baseline. */
export const mutable: Implementation = {
  name: 'mutable JS',
  create: (policy) => new MutableRegistry(policy),
};
