/**
 * The lifecycle operations a broker fans out to every live backend at once.
 *
 * @since 0.1.0
 */
import * as Eq from 'fp-ts/Eq';
import * as t from 'io-ts';

import { checked, closed, PathPrefix, tagged } from '../internal/codec';
import { matchTag } from '../internal/match';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why backends are asked to drain: they crossed their idle threshold, the broker is shutting
 * down gracefully, or an operator or maintenance policy asked for it.
 *
 * @since 0.1.0
 */
export const QuiesceReason: t.Type<QuiesceReason, QuiesceReason> = t.keyof({
  IdleTimeout: null,
  BrokerShutdown: null,
  Maintenance: null,
});

/**
 * What the `QuiesceReason` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type QuiesceReason = 'IdleTimeout' | 'BrokerShutdown' | 'Maintenance';

/**
 * Every quiesce reason, in declaration order.
 *
 * @since 0.1.0
 */
export const quiesceReasons: ReadonlyArray<QuiesceReason> = Object.freeze([
  'IdleTimeout',
  'BrokerShutdown',
  'Maintenance',
]);

const ReleaseHandlesC = closed('ReleaseHandles', { _tag: t.literal('ReleaseHandles'), pathPrefix: PathPrefix });
const QuiesceC = closed('Quiesce', { _tag: t.literal('Quiesce'), reason: QuiesceReason });

/**
 * A lifecycle operation: release the file handles below a path prefix (before a cache is
 * cleaned or replaced), or quiesce (stop taking new work and drain).
 *
 * @since 0.1.0
 */
export const BroadcastOperation: t.Type<BroadcastOperation, BroadcastOperation> = tagged('BroadcastOperation', {
  ReleaseHandles: ReleaseHandlesC,
  Quiesce: QuiesceC,
});

/**
 * What the `BroadcastOperation` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastOperation = ReleaseHandles | Quiesce;

/**
 * The release-handles variant of `BroadcastOperation`.
 *
 * @since 0.1.0
 */
export interface ReleaseHandles extends t.TypeOf<typeof ReleaseHandlesC> {}

/**
 * The quiesce variant of `BroadcastOperation`.
 *
 * @since 0.1.0
 */
export interface Quiesce extends t.TypeOf<typeof QuiesceC> {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Ask backends to release their file handles below `pathPrefix`, a non-empty path without NUL
 * (otherwise a `RangeError`, or a `TypeError` for a value that is not a string).
 *
 * @since 0.1.0
 */
export const releaseHandlesOperation = (pathPrefix: string): BroadcastOperation =>
  Object.freeze(checked('releaseHandlesOperation', ReleaseHandlesC, { _tag: 'ReleaseHandles', pathPrefix }));

/**
 * Ask backends to stop accepting new work and drain, for `reason`, one of `quiesceReasons`
 * (otherwise a `RangeError`, or a `TypeError` for a value that is not a string).
 *
 * @since 0.1.0
 */
export const quiesceOperation = (reason: QuiesceReason): BroadcastOperation =>
  Object.freeze(checked('quiesceOperation', QuiesceC, { _tag: 'Quiesce', reason }));

// -------------------------------------------------------------------------------------
// pattern matching
// -------------------------------------------------------------------------------------

/**
 * Fold an operation, one handler per kind.
 *
 * @example
 * import { matchOperation } from 'lifecycle-broadcast'
 *
 * const describe = matchOperation({
 *   ReleaseHandles: (op) => `release handles under ${op.pathPrefix}`,
 *   Quiesce: (op) => `quiesce (${op.reason})`,
 * })
 *
 * @since 0.1.0
 */
export const matchOperation = matchTag<BroadcastOperation>();

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Structural equality of operations: the same kind, with the same path prefix or reason.
 *
 * @since 0.2.0
 */
export const EqBroadcastOperation: Eq.Eq<BroadcastOperation> = Eq.fromEquals((a, b) => {
  switch (a._tag) {
    case 'ReleaseHandles':
      return b._tag === 'ReleaseHandles' && a.pathPrefix === b.pathPrefix;
    case 'Quiesce':
      return b._tag === 'Quiesce' && a.reason === b.reason;
  }
});

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * A frozen copy of `operation` (which must be valid: the reducers check it first), sharing
 * nothing with it.
 *
 * @internal
 */
export const copyOperation: (operation: BroadcastOperation) => BroadcastOperation = matchOperation<BroadcastOperation>({
  ReleaseHandles: (op) => Object.freeze({ _tag: 'ReleaseHandles', pathPrefix: op.pathPrefix }),
  Quiesce: (op) => Object.freeze({ _tag: 'Quiesce', reason: op.reason }),
});
