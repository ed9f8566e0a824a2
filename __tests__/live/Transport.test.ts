/**
 * The outcome a transport resolves with: its codec, constructors, fold and the response that
 * predicts it.
 */
import * as E from 'fp-ts/Either';

import {
  BroadcastBackendResponse,
  Outcome,
  ack,
  ackOutcome,
  failure,
  failureOutcome,
  failureReasons,
  matchOutcome,
  outcomeResponse,
} from '../../src';
import { decode } from '../../src/internal/codec';
import { expectLeft, expectRight } from '../support/helpers';

describe('Outcome', () => {
  it('should decode an acknowledgement and each failure reason, and encode them back', () => {
    const all = [{ _tag: 'Ack' }, ...failureReasons.map((reason) => ({ _tag: 'Failure', reason }))];
    for (const value of all) {
      const decoded = expectRight(decode(Outcome, value));
      expect(decoded).toEqual(value);
      expect(Outcome.encode(decoded)).toEqual(value);
    }
  });

  it.each([
    [{ _tag: 'Timeout' }, '_tag: expected "Ack" | "Failure", got "Timeout"'],
    [{ _tag: 'Ack', late: true }, 'late: unexpected field, got true'],
    [
      { _tag: 'Failure', reason: 'Sleepy' },
      'reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got "Sleepy"',
    ],
    [
      { _tag: 'Failure' },
      'reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got nothing (missing field)',
    ],
  ])('should refuse %j with one readable line', (value, line) => {
    expect(expectLeft(decode(Outcome, value))).toEqual([line]);
  });
});

describe('ackOutcome and failureOutcome', () => {
  it('should be frozen values of the codec, one shared instance per reason', () => {
    expect(Outcome.is(ackOutcome)).toBe(true);
    expect(Object.isFrozen(ackOutcome)).toBe(true);
    for (const reason of failureReasons) {
      expect(failureOutcome(reason)).toEqual({ _tag: 'Failure', reason });
      expect(failureOutcome(reason)).toBe(failureOutcome(reason));
      expect(Object.isFrozen(failureOutcome(reason))).toBe(true);
    }
  });
});

describe('matchOutcome', () => {
  it('should call the handler of the outcome kind with the narrowed value', () => {
    const describeOutcome = matchOutcome({ Ack: () => 'ack', Failure: (o) => `failure: ${o.reason}` });
    expect(describeOutcome(ackOutcome)).toBe('ack');
    expect(describeOutcome(failureOutcome('Rejected'))).toBe('failure: Rejected');
  });
});

describe('outcomeResponse', () => {
  it('should give the shared modelled response with the same shape', () => {
    expect(outcomeResponse(ackOutcome)).toBe(ack);
    for (const reason of failureReasons) {
      expect(outcomeResponse(failureOutcome(reason))).toBe(failure(reason));
      expect(E.isRight(BroadcastBackendResponse.decode(outcomeResponse(failureOutcome(reason))))).toBe(true);
    }
  });
});
