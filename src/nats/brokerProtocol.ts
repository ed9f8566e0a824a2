/**
 * What a fleet broadcast and a broker say to each other over NATS: the request (an operation,
 * with the fleet's deadline) and the broker's reply (its `BroadcastResult` and its name).
 *
 * @since 0.3.0
 */
import * as t from 'io-ts';

import { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastResult } from '../domain/BroadcastResult';
import { Millis, Name, Text, closed, closedWith } from '../internal/codec';
import { RequestId } from '../node/protocol';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BrokerRequestC = closedWith(
  'BrokerRequest',
  { id: RequestId, operation: BroadcastOperation },
  { deadlineUnixMs: Millis },
);

/**
 * A fleet broadcast's request to one broker: `{"id":1,"operation":{...},"deadlineUnixMs":...}`,
 * with the fleet's deadline (milliseconds since the Unix epoch) past which nobody waits.
 *
 * @since 0.3.0
 */
export interface BrokerRequest extends t.TypeOf<typeof BrokerRequestC> {}

/**
 * The codec of `BrokerRequest`: `id`, `operation` and optionally `deadlineUnixMs`, nothing else.
 *
 * @since 0.3.0
 */
export const BrokerRequest: t.Type<BrokerRequest, t.OutputOf<typeof BrokerRequestC>> = BrokerRequestC;

const BrokerResultReplyC = closed('BrokerResultReply', { id: RequestId, broker: Name, result: BroadcastResult });

/**
 * A broker's answer: the result of the live broadcast it ran, under its name.
 *
 * @since 0.3.0
 */
export interface BrokerResultReply extends t.TypeOf<typeof BrokerResultReplyC> {}

const BrokerErrorReplyC = closed('BrokerErrorReply', { id: RequestId, broker: Name, error: Text });

/**
 * A broker's answer when it could not run the broadcast: why, in one line.
 *
 * @since 0.3.0
 */
export interface BrokerErrorReply extends t.TypeOf<typeof BrokerErrorReplyC> {}

/**
 * What a broker answers: `{"id":1,"broker":"ci-runner-1","result":{...}}` or
 * `{"id":1,"broker":"ci-runner-1","error":"..."}`.
 *
 * @since 0.3.0
 */
export type BrokerReply = BrokerResultReply | BrokerErrorReply;

/**
 * The codec of `BrokerReply`: a record with `error` is an error reply, any other a result reply,
 * each checked exactly. Decoding an encoded reply gives it back.
 *
 * @since 0.3.0
 */
export const BrokerReply = new t.Type<
  BrokerReply,
  t.OutputOf<typeof BrokerResultReplyC> | t.OutputOf<typeof BrokerErrorReplyC>,
  unknown
>(
  'BrokerReply',
  (u): u is BrokerReply => BrokerResultReplyC.is(u) || BrokerErrorReplyC.is(u),
  (u, c) =>
    typeof u === 'object' && u !== null && 'error' in u
      ? BrokerErrorReplyC.validate(u, c)
      : BrokerResultReplyC.validate(u, c),
  (a) => ('error' in a ? BrokerErrorReplyC.encode(a) : BrokerResultReplyC.encode(a)),
);
