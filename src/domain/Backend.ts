/**
 * A backend's lifecycle endpoint as the broker sees it: its key, whether it is live, and how it
 * answers broadcasts. The operations it received are kept by the registry (see
 * `receivedOperations`), not here.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts';

import { BackendKey, copyKey } from './BackendKey';
import { BroadcastBackendResponse, ack, canonicalResponse } from './BroadcastBackendResponse';
import { checked, closed } from '../internal/codec';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const BackendC = closed('Backend', {
  key: BackendKey,
  live: t.boolean,
  response: BroadcastBackendResponse,
});

/**
 * A backend endpoint: dead backends are skipped by a broadcast, live ones receive it and answer
 * with `response`.
 *
 * @since 0.1.0
 */
export const Backend: t.Type<Backend, Backend> = BackendC;

/**
 * What the `Backend` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export interface Backend extends t.TypeOf<typeof BackendC> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A frozen backend from parts known to be valid. */
const make = (key: BackendKey, live: boolean, response: BroadcastBackendResponse): Backend =>
  Object.freeze({ key: copyKey(key), live, response: canonicalResponse(response) });

/**
 * A frozen backend built from its parts. Parts that are not frozen are copied, so the result
 * never shares anything that could still change. The parts are checked with the `Backend`
 * codec: a `TypeError` or `RangeError` with the codec's message if they are not valid (see
 * `backendKey`).
 *
 * @since 0.1.0
 */
export const backend = (key: BackendKey, live: boolean, response: BroadcastBackendResponse): Backend => {
  const b = checked('backend', BackendC, { key, live, response });
  return make(b.key, b.live, b.response);
};

/**
 * `b` (which must be valid: the reducers check it first) itself when it is frozen and made of
 * frozen parts, otherwise a frozen copy.
 *
 * @internal
 */
export const frozenBackend = (b: Backend): Backend =>
  Object.isFrozen(b) && copyKey(b.key) === b.key && canonicalResponse(b.response) === b.response
    ? b
    : make(b.key, b.live, b.response);

/**
 * A live backend that acknowledges every broadcast.
 *
 * @since 0.1.0
 */
export const liveBackend = (key: BackendKey): Backend => backend(key, true, ack);

/**
 * A dead backend: broadcasts skip it.
 *
 * @since 0.1.0
 */
export const deadBackend = (key: BackendKey): Backend => backend(key, false, ack);

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * The same backend answering with `response` instead.
 *
 * @example
 * import { backendKey, failure, liveBackend, sharedInstance, withResponse } from 'lifecycle-broadcast'
 *
 * const flaky = withResponse(liveBackend(backendKey(sharedInstance, 'fbuild', '2.0.0')), failure('BackendError'))
 *
 * @since 0.1.0
 */
export const withResponse = (b: Backend, response: BroadcastBackendResponse): Backend => {
  const valid = checked('withResponse', BackendC, b, 'backend');
  return make(valid.key, valid.live, checked('withResponse', BroadcastBackendResponse, response, 'response'));
};

/**
 * The same backend, live or dead as given.
 *
 * @since 0.1.0
 */
export const withLive = (b: Backend, live: boolean): Backend => {
  const valid = checked('withLive', BackendC, b, 'backend');
  return make(valid.key, checked('withLive', t.boolean, live, 'live'), valid.response);
};

/**
 * `withResponse` for a registered backend and a checked response (no check again).
 *
 * @internal
 */
export const respondingWith = (b: Backend, response: BroadcastBackendResponse): Backend =>
  Object.freeze({ key: b.key, live: b.live, response: canonicalResponse(response) });

/**
 * `withLive` for a registered backend (no check again).
 *
 * @internal
 */
export const liveAs = (b: Backend, live: boolean): Backend => Object.freeze({ key: b.key, live, response: b.response });
