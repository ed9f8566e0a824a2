/**
 * The instances of BroadcastResult: equality, the latest-answer semigroup and its identities.
 */
import { concatAll } from 'fp-ts/Monoid';
import * as O from 'fp-ts/Option';
import * as Ord from 'fp-ts/Ord';
import * as S from 'fp-ts/string';

import {
  EqBroadcastEntry,
  EqBroadcastOperation,
  EqBroadcastResult,
  broadcastResult,
  emptyResult,
  getBroadcastResultMonoid,
  getBroadcastResultSemigroup,
  keyId,
  quiesceOperation,
  releaseHandlesOperation,
  unacknowledgedKeys,
} from '../../src';
import type { BackendKey, BroadcastOutcomes, BroadcastResult } from '../../src';
import { key, unfrozenPaths } from '../support/helpers';

const byName: Ord.Ord<BackendKey> = Ord.contramap((k: BackendKey) => k.serviceName)(S.Ord);
const op = quiesceOperation('Maintenance');

const result = (lists: Partial<Omit<BroadcastOutcomes, 'operation'>>, operation = op): BroadcastResult =>
  broadcastResult({ operation, acks: [], timeouts: [], failures: [], skippedDead: [], ...lists });

const ackOf = (name: string) => ({ _tag: 'Ack', key: key(name) }) as const;
const timeoutOf = (name: string) => ({ _tag: 'Timeout', key: key(name), ackTimeoutMs: 250 }) as const;
const failureOf = (name: string) => ({ _tag: 'Failure', key: key(name), reason: 'Rejected' }) as const;
const deadOf = (name: string) => ({ _tag: 'SkippedDead', key: key(name) }) as const;

describe('EqBroadcastOperation', () => {
  it('should tell operations apart by kind, path and reason', () => {
    expect(EqBroadcastOperation.equals(releaseHandlesOperation('/a'), releaseHandlesOperation('/a'))).toBe(true);
    expect(EqBroadcastOperation.equals(releaseHandlesOperation('/a'), releaseHandlesOperation('/b'))).toBe(false);
    expect(EqBroadcastOperation.equals(op, quiesceOperation('BrokerShutdown'))).toBe(false);
    expect(EqBroadcastOperation.equals(op, releaseHandlesOperation('/a'))).toBe(false);
  });
});

describe('EqBroadcastEntry', () => {
  it('should compare kind, key, timeout and reason', () => {
    expect(EqBroadcastEntry.equals(timeoutOf('a'), timeoutOf('a'))).toBe(true);
    expect(EqBroadcastEntry.equals(timeoutOf('a'), { ...timeoutOf('a'), ackTimeoutMs: 5 })).toBe(false);
    expect(EqBroadcastEntry.equals(ackOf('a'), deadOf('a'))).toBe(false);
    expect(EqBroadcastEntry.equals(failureOf('a'), failureOf('b'))).toBe(false);
  });
});

describe('EqBroadcastResult', () => {
  it('should compare status, operation and every list in order', () => {
    const x = result({ acks: [ackOf('a'), ackOf('b')] });

    expect(EqBroadcastResult.equals(x, result({ acks: [ackOf('a'), ackOf('b')] }))).toBe(true);
    expect(EqBroadcastResult.equals(x, result({ acks: [ackOf('b'), ackOf('a')] }))).toBe(false);
    expect(EqBroadcastResult.equals(x, result({ acks: [ackOf('a'), ackOf('b')] }, releaseHandlesOperation('/')))).toBe(
      false,
    );
  });
});

describe('getBroadcastResultSemigroup', () => {
  const { concat } = getBroadcastResultSemigroup(byName);

  it("should keep each backend's latest answer, file it where its kind says, and sort each list", () => {
    const first = result({ acks: [ackOf('c')], timeouts: [timeoutOf('a')], failures: [failureOf('b')] });
    const retry = result({ acks: [ackOf('a')], failures: [failureOf('b')] });

    expect(concat(first, retry)).toEqual(result({ acks: [ackOf('a'), ackOf('c')], failures: [failureOf('b')] }));
  });

  it('should carry the operation of the later result and the status its lists imply', () => {
    const merged = concat(
      result({ timeouts: [timeoutOf('a')] }),
      result({ acks: [ackOf('a')] }, releaseHandlesOperation('/x')),
    );

    expect(merged.operation).toEqual(releaseHandlesOperation('/x'));
    expect(merged._tag).toBe('AllAcked');
  });

  it('should return frozen values, even from results that are not', () => {
    const plain = JSON.parse(JSON.stringify(result({ timeouts: [timeoutOf('a')] }))) as BroadcastResult;

    expect(unfrozenPaths(concat(plain, plain))).toEqual([]);
    expect(Object.isFrozen(plain)).toBe(false);
  });
});

describe('getBroadcastResultMonoid', () => {
  it('should fold results into the latest answers, and nothing into none', () => {
    const M = getBroadcastResultMonoid(byName);
    const results = [
      result({ timeouts: [timeoutOf('a'), timeoutOf('b')] }),
      result({ acks: [ackOf('a')] }),
      result({ acks: [ackOf('b')] }),
    ];

    expect(concatAll(M)(results.map(O.some))).toEqual(O.some(result({ acks: [ackOf('a'), ackOf('b')] })));
    expect(concatAll(M)([])).toEqual(O.none);
  });
});

describe('emptyResult', () => {
  it('should be the NoLiveTargets result of the operation, with every list empty', () => {
    expect(emptyResult(op)).toEqual(result({}));
    expect(emptyResult(op)._tag).toBe('NoLiveTargets');
  });
});

describe('unacknowledgedKeys', () => {
  it('should give the keys of the timeouts, then of the failures', () => {
    const r = result({
      acks: [ackOf('a')],
      timeouts: [timeoutOf('c')],
      failures: [failureOf('b')],
      skippedDead: [deadOf('d')],
    });

    expect(unacknowledgedKeys(r).map(keyId)).toEqual([key('c'), key('b')].map(keyId));
  });
});
