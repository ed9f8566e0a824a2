/**
 * What every transport speaking the protocol of docs/live.md shares, whatever carries the bytes
 * (a socket, a NATS message): the request text, the operation check and the wording of errors.
 *
 * @internal
 */
import * as E from 'fp-ts/Either';

import type { BackendKey } from '../domain/BackendKey';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { decode, show } from '../internal/codec';
import type { Outcome, RequestContext, Transport } from '../live/Transport';
import { BackendRequest } from './protocol';

/**
 * A broadcast sends one operation object to every backend: its JSON is written once, and each
 * request is the id put in front of it (the same text `BackendRequest`'s encoding gives).
 */
const operationJson = new WeakMap<BroadcastOperation, string>();

/** The optional fields of a request, in the order the codec lists them. */
const extraFields = (context: RequestContext | undefined): string => {
  if (context === undefined) {
    return '';
  }
  const { deadlineUnixMs, traceparent, tracestate } = context;
  const extra = BackendRequest.encode({
    id: 1,
    operation: { _tag: 'Quiesce', reason: 'Maintenance' },
    ...(deadlineUnixMs === undefined ? {} : { deadlineUnixMs }),
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate }),
  });
  const json = JSON.stringify({ ...extra, id: undefined, operation: undefined });
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
};

/**
 * The JSON text of the request `{ id, operation, ...context's deadline and trace context }`,
 * without a line end.
 *
 * @internal
 */
export const requestJson = (id: number, operation: BroadcastOperation, context: RequestContext | undefined): string => {
  let json = Object.isFrozen(operation) ? operationJson.get(operation) : undefined;
  if (json === undefined) {
    json = JSON.stringify(BackendRequest.encode({ id, operation }).operation);
    if (Object.isFrozen(operation)) {
      operationJson.set(operation, json);
    }
  }
  return `{"id":${String(id)},"operation":${json}${extraFields(context)}}`;
};

/**
 * Why `signal` aborted, as an error (the runner aborts with one; any other reason is wrapped).
 *
 * @internal
 */
export const abortReason = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason;
  return typeof reason === 'object' && reason !== null && typeof (reason as Error).message === 'string'
    ? (reason as Error)
    : Object.assign(new Error(`aborted: ${show(reason)}`), { name: 'AbortError' });
};

/**
 * A reply's text for an error message: short, on one line.
 *
 * @internal
 */
export const excerpt = (text: string): string => show(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * The transport that sends with `request`, once the operation is checked: a value from plain
 * JavaScript that is not a `BroadcastOperation` rejects with a one-line `TypeError` naming `fn`.
 *
 * @internal
 */
export const checkedTransport =
  (
    fn: string,
    request: (
      key: BackendKey,
      operation: BroadcastOperation,
      signal: AbortSignal,
      context: RequestContext | undefined,
    ) => Promise<Outcome>,
  ): Transport =>
  (backend, operation, signal, context) => {
    if (BroadcastOperation.is(operation)) {
      return request(backend.key, operation, signal, context);
    }
    const decoded = decode(BroadcastOperation, operation);
    return E.isLeft(decoded)
      ? Promise.reject(new TypeError(`${fn}: operation: ${decoded.left.join('; ')}`))
      : request(backend.key, decoded.right, signal, context);
  };
