/**
 * The W3C Trace Context a live broadcast carries to its backends (`options.traceContext`), so that
 * what a backend does shows up in the broker's trace.
 *
 * @since 0.3.0
 */
import * as t from 'io-ts';

import { closedWith } from '../internal/codec';

/** W3C Trace Context, level 1: version-traceid-parentid-flags, lowercase hex, no all-zero id. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

const isTraceparent = (u: unknown): u is string => {
  if (typeof u !== 'string' || u.length > 512) {
    return false;
  }
  const m = TRACEPARENT.exec(u);
  return (
    m !== null &&
    m[1] !== 'ff' &&
    (m[1] !== '00' || m[5] === undefined) &&
    !/^0+$/.test(m[2] as string) &&
    !/^0+$/.test(m[3] as string)
  );
};

/**
 * A W3C Trace Context `traceparent` (`00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`,
 * lowercase, neither id all zeros; a later version may carry more fields).
 *
 * @since 0.3.0
 */
export const Traceparent = new t.Type<string, string, unknown>(
  'W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)',
  isTraceparent,
  (u, c) => (isTraceparent(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** Printable ASCII, at most 512 characters: what a W3C tracestate header may hold. */
const isTracestate = (u: unknown): u is string => typeof u === 'string' && u.length <= 512 && /^[\x20-\x7e]*$/.test(u);

/**
 * A W3C Trace Context `tracestate`: printable ASCII, at most 512 characters.
 *
 * @since 0.3.0
 */
export const Tracestate = new t.Type<string, string, unknown>(
  'W3C tracestate (printable ASCII, at most 512 characters)',
  isTracestate,
  (u, c) => (isTracestate(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const TraceContextC = closedWith('TraceContext', { traceparent: Traceparent }, { tracestate: Tracestate });

/**
 * A W3C trace context: the `traceparent` each request carries, and optionally its `tracestate`.
 *
 * @since 0.3.0
 */
export interface TraceContext extends t.TypeOf<typeof TraceContextC> {}

/**
 * The codec of `TraceContext`: `traceparent`, and optionally `tracestate` (any other field is an
 * error).
 *
 * @example
 * import { TraceContext } from 'lifecycle-broadcast'
 *
 * TraceContext.is({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }) // true
 *
 * @since 0.3.0
 */
export const TraceContext: t.Type<TraceContext, TraceContext> = TraceContextC;
