/**
 * fast-check arbitraries for every type of the library, for property-based tests of code built on
 * it. Import them from `lifecycle-broadcast/arbitraries`; the package root never loads
 * fast-check, which is an optional peer dependency needed only here.
 *
 * Every arbitrary produces plain, unfrozen, freshly built values, shaped exactly as the codecs
 * decode them: a reducer that mutated its input would be caught by comparing it with a copy.
 * Names come from small pools by default, so that independently drawn keys collide; action
 * sequences go further and aim most of their actions at keys registered earlier in the same
 * sequence (see `reuseKeyRatio` and `reregisterRatio` in `ActionSequenceOptions`), so they
 * re-register, flip and broadcast to the same backends rather than scatter over fresh ones. The
 * laws these generators check are listed in `docs/laws.md`.
 *
 * @example
 * import * as fc from 'fast-check'
 * import { actionSequenceArbitrary, broadcastOperationArbitrary } from 'lifecycle-broadcast/arbitraries'
 *
 * fc.assert(
 *   fc.property(actionSequenceArbitrary(), broadcastOperationArbitrary(), (actions, op) => {
 *     // ...replay `actions`, broadcast `op`, check what your code promises
 *   }),
 * )
 *
 * @since 0.1.0
 */
export {
  brokerInstanceArbitrary,
  backendKeyArbitrary,
  quiesceReasonArbitrary,
  broadcastOperationArbitrary,
  failureReasonArbitrary,
  broadcastBackendResponseArbitrary,
  broadcastPolicyArbitrary,
  backendArbitrary,
  registryActionArbitrary,
  actionSequenceArbitrary,
  registryArbitrary,
  broadcastResultArbitrary,
  targetKeysArbitrary,
} from './arbitraries/registry';
export type { NameSource, NameOptions, ActionSequenceOptions, RecordResults, LogOptions } from './arbitraries/registry';
export { logHeaderArbitrary, logArbitrary, logLines } from './arbitraries/log';
export type { SampledLog } from './arbitraries/log';
export {
  idleStateArbitrary,
  idleTimeoutArbitrary,
  idleBackendArbitrary,
  idleActionArbitrary,
  idleActionSequenceArbitrary,
  idleCoordinatorArbitrary,
  idleDueArbitrary,
} from './arbitraries/idle';
export type { IdleSequenceOptions } from './arbitraries/idle';
