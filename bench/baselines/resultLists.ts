/**
 * The result lists both baselines build during a broadcast, the plain way: one fresh entry per
 * backend, pushed into the list of its answer.
 */
import type { BackendKey, BroadcastBackendResponse, BroadcastPolicy } from '../../src';
import type { BroadcastCounts } from '../subject';

interface Entry {
  readonly _tag: string;
  readonly key: BackendKey;
  readonly ackTimeoutMs?: number;
  readonly reason?: string;
}

/** The four lists of one broadcast. */
export class ResultLists {
  readonly acks: Entry[] = [];
  readonly timeouts: Entry[] = [];
  readonly failures: Entry[] = [];
  readonly skippedDead: Entry[] = [];

  constructor(private readonly policy: BroadcastPolicy) {}

  /** A dead backend, skipped. */
  skip(key: BackendKey): void {
    this.skippedDead.push({ _tag: 'SkippedDead', key });
  }

  /** A live backend's answer. */
  answer(key: BackendKey, response: BroadcastBackendResponse): void {
    if (response._tag === 'Ack') {
      this.acks.push({ _tag: 'Ack', key });
    } else if (response._tag === 'Timeout') {
      this.timeouts.push({ _tag: 'Timeout', key, ackTimeoutMs: this.policy.ackTimeoutMs });
    } else {
      this.failures.push({ _tag: 'Failure', key, reason: response.reason });
    }
  }

  /** How many entries each list holds. */
  counts(): BroadcastCounts {
    return {
      acks: this.acks.length,
      timeouts: this.timeouts.length,
      failures: this.failures.length,
      skippedDead: this.skippedDead.length,
    };
  }
}
