/**
 * Baseline: the obvious mutable registry in plain JavaScript. A `Map` index by key id, an array
 * in registration order, and each backend's received operations pushed in place. The floor for
 * JavaScript: no copying, no freezing.
 */
import { keyId } from '../../src';
import type { BackendKey, BroadcastBackendResponse, BroadcastOperation, BroadcastPolicy } from '../../src';
import type { Implementation, Subject } from '../subject';

interface MutableBackend {
  key: BackendKey;
  live: boolean;
  response: BroadcastBackendResponse;
  received: BroadcastOperation[];
}

interface Entry {
  readonly _tag: string;
  readonly key: BackendKey;
  readonly ackTimeoutMs?: number;
  readonly reason?: string;
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

  broadcast(operation: BroadcastOperation) {
    const acks: Entry[] = [];
    const timeouts: Entry[] = [];
    const failures: Entry[] = [];
    const skippedDead: Entry[] = [];
    for (const b of this.order) {
      if (!b.live) {
        skippedDead.push({ _tag: 'SkippedDead', key: b.key });
        continue;
      }
      b.received.push(operation);
      const r = b.response;
      if (r._tag === 'Ack') {
        acks.push({ _tag: 'Ack', key: b.key });
      } else if (r._tag === 'Timeout') {
        timeouts.push({ _tag: 'Timeout', key: b.key, ackTimeoutMs: this.policy.ackTimeoutMs });
      } else {
        failures.push({ _tag: 'Failure', key: b.key, reason: r.reason });
      }
    }
    return { acks: acks.length, timeouts: timeouts.length, failures: failures.length, skippedDead: skippedDead.length };
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
