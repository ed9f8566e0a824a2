/**
 * The compact form of a recorded broadcast result (log format version 3): the counts, the
 * entries an operator looks for (timeouts and failures, keys written as short tuples) and a
 * digest of the whole result, so that a record costs what went wrong, not the fleet's size.
 *
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import type { BackendKey, BrokerInstance } from '../domain/BackendKey';
import { BackendKey as BackendKeyCodec, keyId } from '../domain/BackendKey';
import { BroadcastFailureReason } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastResult, statusOf } from '../domain/BroadcastResult';
import { Millis, arrayOf, checked, closed, decode } from '../internal/codec';
import type { Hash64 } from '../internal/fnv64';
import { Fnv64, fnv1a64, hex64 } from '../internal/fnv64';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A backend key as the tuple of its `keyId`: `["Shared","zccache","1.11.20","9f3a"]`,
 * `["Private",instance service,service,version,hash]` or `["Explicit",name,service,version,hash]`.
 *
 * @since 0.3.0
 */
export type KeyTuple = ReadonlyArray<string>;

/** The key a tuple names, or why it names none. */
const keyFromTuple = (u: ReadonlyArray<unknown>): E.Either<ReadonlyArray<string>, BackendKey> => {
  const instance: BrokerInstance | undefined =
    u[0] === 'Shared' && u.length === 4
      ? { _tag: 'Shared' }
      : u[0] === 'Private' && u.length === 5
        ? { _tag: 'Private', serviceName: u[1] as string }
        : u[0] === 'Explicit' && u.length === 5
          ? { _tag: 'Explicit', name: u[1] as string }
          : undefined;
  if (instance === undefined) {
    return E.left(['expected ["Shared",service,version,hash], or "Private" or "Explicit" with a name first']);
  }
  const at = u.length - 3;
  return decode(BackendKeyCodec, { instance, serviceName: u[at], serviceVersion: u[at + 1], exeHash: u[at + 2] });
};

const isKeyTuple = (u: unknown): u is KeyTuple =>
  Array.isArray(u) && u.every((x) => typeof x === 'string') && E.isRight(keyFromTuple(u));

/**
 * A backend key written as the tuple of its id (see `KeyTuple`), checked with the `BackendKey`
 * codec.
 *
 * @since 0.3.0
 */
export const KeyTuple: t.Type<KeyTuple, KeyTuple> = new t.Type<KeyTuple, KeyTuple>(
  'KeyTuple',
  isKeyTuple,
  (u, c) => {
    if (!Array.isArray(u)) {
      return t.failure(u, c, 'expected a key tuple such as ["Shared","zccache","1.11.20","9f3a"]');
    }
    const key = keyFromTuple(u);
    return E.isRight(key) ? t.success(u as KeyTuple) : t.failure(u, c, key.left.join('; '));
  },
  t.identity,
);

/**
 * The tuple of a key, as a summary lists it.
 *
 * @since 0.3.0
 */
export const keyTuple = (key: BackendKey): KeyTuple => Object.freeze(JSON.parse(keyId(key)) as string[]);

/**
 * The key a tuple of a summary names (a `TypeError` when it names none).
 *
 * @since 0.3.0
 */
export const tupleKey = (tuple: KeyTuple): BackendKey => {
  const key = Array.isArray(tuple) ? keyFromTuple(tuple) : E.left(['expected an array']);
  if (E.isLeft(key)) {
    throw new TypeError(`tupleKey: ${key.left.join('; ')}`);
  }
  return key.right;
};

const SummaryTimeoutC = closed('SummaryTimeout', { key: KeyTuple, ackTimeoutMs: Millis });
const SummaryFailureC = closed('SummaryFailure', { key: KeyTuple, reason: BroadcastFailureReason });

/**
 * A backend that timed out, as a summary lists it.
 *
 * @since 0.3.0
 */
export interface SummaryTimeout extends t.TypeOf<typeof SummaryTimeoutC> {}

/**
 * A backend that failed, as a summary lists it.
 *
 * @since 0.3.0
 */
export interface SummaryFailure extends t.TypeOf<typeof SummaryFailureC> {}

const isCount = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;
const Count = new t.Type<number, number>(
  'non-negative integer',
  isCount,
  (u, c) => (isCount(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const isDigest = (u: unknown): u is string => typeof u === 'string' && /^[0-9a-f]{16}$/.test(u);
const Digest = new t.Type<string, string>(
  '16 lowercase hex digits',
  isDigest,
  (u, c) => (isDigest(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const RecordedSummaryFieldsC = closed('RecordedSummary', {
  _tag: t.keyof({ AllAcked: null, Degraded: null, NoLiveTargets: null }),
  acks: Count,
  skippedDead: Count,
  timeouts: arrayOf(SummaryTimeoutC),
  failures: arrayOf(SummaryFailureC),
  digest: Digest,
});

/**
 * What the `RecordedSummary` codec decodes: the type of the same name.
 *
 * @since 0.3.0
 */
export interface RecordedSummary extends t.TypeOf<typeof RecordedSummaryFieldsC> {}

/** The status a summary's counts and lists imply. */
const summaryStatus = (s: RecordedSummary): RecordedSummary['_tag'] =>
  statusOf({ acks: { length: s.acks }, timeouts: s.timeouts, failures: s.failures } as never);

/**
 * A broadcast result in short: its status, how many acknowledged and how many were skipped as
 * dead, the timeouts and failures in full, and `digest`, the `resultDigest` of the whole result.
 * Decoding checks that the status agrees with the counts and lists.
 *
 * @since 0.3.0
 */
export const RecordedSummary: t.Type<RecordedSummary, RecordedSummary> = new t.Type<RecordedSummary, RecordedSummary>(
  'RecordedSummary',
  (u): u is RecordedSummary => RecordedSummaryFieldsC.is(u) && summaryStatus(u) === u._tag,
  (u, c) =>
    E.chain((s: RecordedSummary) => {
      const status = summaryStatus(s);
      return status === s._tag
        ? t.success(s)
        : t.failure<RecordedSummary>(s._tag, c, `_tag: status disagrees with the counts, which say "${status}"`);
    })(RecordedSummaryFieldsC.validate(u, c)),
  RecordedSummaryFieldsC.encode,
);

// -------------------------------------------------------------------------------------
// digest
// -------------------------------------------------------------------------------------

/** The canonical text of an operation: its fields in the codec's order. */
const operationText = (op: BroadcastOperation): string =>
  op._tag === 'ReleaseHandles'
    ? `{"_tag":"ReleaseHandles","pathPrefix":${JSON.stringify(op.pathPrefix)}}`
    : `{"_tag":"Quiesce","reason":${JSON.stringify(op.reason)}}`;

/** The hashes of a key's `Ack` and `SkippedDead` entries, kept for keys that can never change. */
const entryHashes = new WeakMap<BackendKey, readonly [ack: Hash64, dead: Hash64]>();

const ackAndDead = (key: BackendKey): readonly [Hash64, Hash64] => {
  const cached = entryHashes.get(key);
  if (cached !== undefined) {
    return cached;
  }
  const id = keyId(key);
  const pair = [fnv1a64(`["Ack",${id}]`), fnv1a64(`["SkippedDead",${id}]`)] as const;
  if (Object.isFrozen(key) && Object.isFrozen(key.instance)) {
    entryHashes.set(key, pair);
  }
  return pair;
};

/**
 * The digest of a whole result, 16 hex digits: FNV-1a 64 over the eight-byte FNV-1a 64 hashes
 * (high byte first) of its canonical pieces in order: `{"_tag":status,"operation":operation}`,
 * then one per entry of `acks`, `timeouts`, `failures` and `skippedDead`, written
 * `["Ack",id]`, `["Timeout",id,ms]`, `["Failure",id,"reason"]`, `["SkippedDead",id]` with the
 * key's `keyId`. Hashing each piece apart lets the hash of a backend's `Ack` be computed once
 * per replay, so a digest costs a few operations per backend.
 *
 * @example
 * import { broadcast, createRegistry, quiesceOperation, resultDigest } from 'lifecycle-broadcast'
 *
 * resultDigest(broadcast(createRegistry(), quiesceOperation('Maintenance')).result) // 16 hex digits
 *
 * @since 0.3.0
 */
export const resultDigest = (result: BroadcastResult): string => {
  const h = new Fnv64().hash(fnv1a64(`{"_tag":"${result._tag}","operation":${operationText(result.operation)}}`));
  for (const e of result.acks) {
    h.hash(ackAndDead(e.key)[0]);
  }
  for (const e of result.timeouts) {
    h.hash(fnv1a64(`["Timeout",${keyId(e.key)},${String(e.ackTimeoutMs)}]`));
  }
  for (const e of result.failures) {
    h.hash(fnv1a64(`["Failure",${keyId(e.key)},"${e.reason}"]`));
  }
  for (const e of result.skippedDead) {
    h.hash(ackAndDead(e.key)[1]);
  }
  return hex64(h.value());
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The summary of a result the library made or checked (no check again).
 *
 * @internal
 */
export const summaryOf = (result: BroadcastResult): RecordedSummary =>
  Object.freeze({
    _tag: result._tag,
    acks: result.acks.length,
    skippedDead: result.skippedDead.length,
    timeouts: Object.freeze(
      result.timeouts.map((e) => Object.freeze({ key: keyTuple(e.key), ackTimeoutMs: e.ackTimeoutMs })),
    ),
    failures: Object.freeze(result.failures.map((e) => Object.freeze({ key: keyTuple(e.key), reason: e.reason }))),
    digest: resultDigest(result),
  });

/**
 * The summary a version 3 log records for `result`. The result is checked with its codec first
 * (a `TypeError` or `RangeError` with its message).
 *
 * @example
 * import { broadcast, createRegistry, quiesceOperation, summarizeResult } from 'lifecycle-broadcast'
 *
 * summarizeResult(broadcast(createRegistry(), quiesceOperation('Maintenance')).result)
 * // { _tag: 'NoLiveTargets', acks: 0, skippedDead: 0, timeouts: [], failures: [], digest: '…' }
 *
 * @since 0.3.0
 */
export const summarizeResult = (result: BroadcastResult): RecordedSummary =>
  summaryOf(checked('summarizeResult', BroadcastResult, result, 'result'));
