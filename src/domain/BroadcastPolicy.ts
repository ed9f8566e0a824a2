/**
 * How long a broadcast waits for each backend's acknowledgement.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { Millis, checked, closed } from '../internal/codec';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The default acknowledgement timeout: 5 seconds.
 *
 * @since 0.1.0
 */
export const DEFAULT_ACK_TIMEOUT_MS = 5000;

const Fields = closed('BroadcastPolicy', { ackTimeoutMs: Millis });

/**
 * A broadcast timeout policy. Decoding clamps a zero timeout to 1 ms, as `broadcastPolicy`
 * does, so a decoded policy is always usable.
 *
 * @since 0.1.0
 */
export const BroadcastPolicy: t.Type<BroadcastPolicy, BroadcastPolicy> = new t.Type<BroadcastPolicy, BroadcastPolicy>(
  'BroadcastPolicy',
  (u): u is BroadcastPolicy => Fields.is(u) && u.ackTimeoutMs > 0,
  (u, c) => E.map(broadcastPolicyFrom)(Fields.validate(u, c)),
  Fields.encode,
);

/**
 * What the `BroadcastPolicy` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface BroadcastPolicy extends t.TypeOf<typeof Fields> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A policy waiting `ackTimeoutMs` for each acknowledgement; zero is clamped to 1 ms so that a
 * timeout is never instantaneous. `ackTimeoutMs` must be a whole number of milliseconds, as a log
 * header holds it: a fraction, a negative number, NaN or infinity throws a `RangeError`, anything
 * but a number a `TypeError`.
 *
 * @since 0.1.0
 */
export const broadcastPolicy = (ackTimeoutMs: number): BroadcastPolicy =>
  broadcastPolicyFrom(checked('broadcastPolicy', Fields, { ackTimeoutMs }));

const broadcastPolicyFrom = (p: BroadcastPolicy): BroadcastPolicy =>
  Object.freeze({ ackTimeoutMs: p.ackTimeoutMs === 0 ? 1 : p.ackTimeoutMs });

/**
 * The default policy: 5000 ms.
 *
 * @since 0.1.0
 */
export const defaultPolicy: BroadcastPolicy = broadcastPolicy(DEFAULT_ACK_TIMEOUT_MS);
