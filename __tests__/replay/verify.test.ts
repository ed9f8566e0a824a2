import * as O from 'fp-ts/Option';

import type { BroadcastResult } from '../../src';
import {
  BroadcastResult as BroadcastResultCodec,
  backendKey,
  broadcast,
  compareResults,
  createRegistry,
  describeDivergence,
  liveBackend,
  quiesceOperation,
  register,
  sharedInstance,
  timeout,
  withResponse,
} from '../../src';

const key = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab');
const withBackend = register(createRegistry(), liveBackend(key)).state;
const acked: BroadcastResult = broadcast(withBackend, quiesceOperation('IdleTimeout')).result;
const timedOut: BroadcastResult = broadcast(
  register(createRegistry(), withResponse(liveBackend(key), timeout)).state,
  quiesceOperation('IdleTimeout'),
).result;

describe('compareResults', () => {
  it('should find nothing between a result and its decoded copy', () => {
    const copy = BroadcastResultCodec.decode(JSON.parse(JSON.stringify(BroadcastResultCodec.encode(acked))));
    expect(copy._tag).toBe('Right');
    if (copy._tag === 'Right') {
      expect(compareResults(3, copy.right, acked)).toEqual(O.none);
    }
  });

  it('should name the first field that differs and both values there', () => {
    const d = O.toUndefined(compareResults(12, timedOut, acked));
    expect(d).toMatchObject({ line: 12, path: '_tag', recordedValue: 'Degraded', replayedValue: 'AllAcked' });
    expect(d?.recorded).toEqual(BroadcastResultCodec.encode(timedOut));
    expect(d?.replayed).toEqual(BroadcastResultCodec.encode(acked));
  });

  it('should point inside lists', () => {
    const other = { ...acked, acks: [{ _tag: 'Ack' as const, key: { ...key, exeHash: 'cd' } }] };
    expect(O.toUndefined(compareResults(1, other, acked))).toMatchObject({
      path: 'acks[0].key.exeHash',
      recordedValue: 'cd',
      replayedValue: 'ab',
    });
  });

  it('should notice an entry missing from one side', () => {
    const fewer = { ...acked, acks: [] };
    expect(O.toUndefined(compareResults(1, fewer, acked))).toMatchObject({ path: 'acks[0]', recordedValue: undefined });
  });
});

describe('describeDivergence', () => {
  it('should say the line, the field and both values on one line', () => {
    const d = O.toUndefined(compareResults(12, timedOut, acked));
    expect(d && describeDivergence(d)).toBe(
      'line 12: the recorded result differs from the replayed one at _tag: recorded "Degraded", replayed "AllAcked"',
    );
  });
});
