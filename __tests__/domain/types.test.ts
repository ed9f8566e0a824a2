/**
 * What the types of the core promise: `match` narrows each variant, and every type derived from a
 * codec is exactly what the codec decodes. The compiler checks this file (`npm run typecheck`):
 * each `@ts-expect-error` must meet an error, and each `Equal` must hold. The assertions at run
 * time check that the folds do what their types say.
 */
import type * as fc from 'fast-check';
import type * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import {
  BackendKey,
  backendKey,
  broadcastAction,
  createRegistry,
  liveBackend,
  matchAction,
  matchBroadcastResult,
  matchEvent,
  matchInstance,
  matchOperation,
  matchResponse,
  quiesceOperation,
  releaseHandlesOperation,
  sharedInstance,
  step,
  timeout,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type {
  Backend,
  BroadcastBackendResponse,
  BroadcastOperation,
  BroadcastPolicy,
  BroadcastResult,
  BrokerInstance,
  KeyNotFound,
  LogRecord,
  LogHeader,
  Quiesce,
  RegistryAction,
  RegistryEvent,
  ReleaseHandles,
} from '../../src';
import type { SampledLog } from '../../src/arbitraries';
import { actionSequenceArbitrary, backendKeyArbitrary, logArbitrary } from '../../src/arbitraries';

/** True exactly when `A` and `B` are the same type (the usual trick: compare two generic signatures). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its argument is `true`. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
const assertType = <T extends true>(): T | undefined => undefined;

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');

describe('codec-derived types', () => {
  it('should make each type exactly what its codec decodes', () => {
    assertType<Equal<BackendKey, t.TypeOf<typeof BackendKey>>>();
    assertType<Equal<BrokerInstance, t.TypeOf<typeof BrokerInstance>>>();
    assertType<Equal<BroadcastOperation, t.TypeOf<typeof BroadcastOperation>>>();
    assertType<Equal<BroadcastBackendResponse, t.TypeOf<typeof BroadcastBackendResponse>>>();
    assertType<Equal<BroadcastPolicy, t.TypeOf<typeof BroadcastPolicy>>>();
    assertType<Equal<Backend, t.TypeOf<typeof Backend>>>();
    assertType<Equal<BroadcastResult, t.TypeOf<typeof BroadcastResult>>>();
    assertType<Equal<RegistryAction, t.TypeOf<typeof RegistryAction>>>();
    assertType<Equal<LogRecord, t.TypeOf<typeof LogRecord>>>();
    assertType<Equal<LogHeader, t.TypeOf<typeof LogHeader>>>();

    const decoded = decode(BackendKey, JSON.parse(JSON.stringify(zccache)));
    assertType<Equal<typeof decoded, E.Either<ReadonlyArray<string>, BackendKey>>>();
    expect(decoded).toEqual({ _tag: 'Right', right: zccache });
  });

  it('should make decoded values read-only all the way down', () => {
    const key: BackendKey = zccache;
    const policy: BroadcastPolicy = { ackTimeoutMs: 250 };

    const mutations = [
      () => {
        // @ts-expect-error: a key's fields are read-only
        key.serviceName = 'soldr';
      },
      () => {
        // @ts-expect-error: so are the instance's
        key.instance._tag = 'Private';
      },
      () => {
        // @ts-expect-error: and a policy's
        policy.ackTimeoutMs = 1;
      },
    ];

    // The frozen values refuse at run time too.
    expect(() => mutations[0]?.()).toThrow(TypeError);
    expect(() => mutations[1]?.()).toThrow(TypeError);
    expect(mutations).toHaveLength(3);
  });

  it('should let a log entry carry a result where an action cannot', () => {
    const { result } = step(createRegistry(), broadcastAction(quiesceOperation('Maintenance')));
    if (result._tag !== 'OperationBroadcast') {
      throw new Error('expected a broadcast');
    }

    const entry: LogRecord = { _tag: 'Broadcast', operation: quiesceOperation('Maintenance'), result: result.result };
    const action: RegistryAction = {
      _tag: 'Broadcast',
      operation: quiesceOperation('Maintenance'),
      // @ts-expect-error: an action has no recorded result
      result: result.result,
    };

    expect(entry._tag).toBe(action._tag);
  });

  it('should refuse a literal of the wrong kind', () => {
    // @ts-expect-error: not a quiesce reason
    const op: BroadcastOperation = { _tag: 'Quiesce', reason: 'Sleep' };
    // @ts-expect-error: a release-handles operation has a path prefix, not a reason
    const other: BroadcastOperation = { _tag: 'ReleaseHandles', reason: 'Maintenance' };

    expect([op._tag, other._tag]).toEqual(['Quiesce', 'ReleaseHandles']);
  });
});

describe('match', () => {
  it('should give each handler its own variant', () => {
    const describeOperation = matchOperation({
      ReleaseHandles: (op) => {
        assertType<Equal<typeof op, ReleaseHandles>>();
        return `release ${op.pathPrefix}`;
      },
      Quiesce: (op) => {
        assertType<Equal<typeof op, Quiesce>>();
        // @ts-expect-error: a quiesce has no path prefix
        return `quiesce ${op.reason} ${String(op.pathPrefix)}`;
      },
    });

    expect(describeOperation(releaseHandlesOperation('/cache'))).toBe('release /cache');
    expect(describeOperation(quiesceOperation('IdleTimeout'))).toBe('quiesce IdleTimeout undefined');
  });

  it('should require one handler per variant', () => {
    // @ts-expect-error: the Quiesce handler is missing
    const partial = matchOperation({ ReleaseHandles: () => 1 });
    const label = matchInstance({
      Shared: () => 'shared',
      Private: (i) => i.serviceName,
      Explicit: (i) => i.name,
      // @ts-expect-error: there is no such instance kind
      Public: () => 'public',
    });

    expect(typeof partial).toBe('function');
    expect(label(sharedInstance)).toBe('shared');
  });

  it('should infer the result type from the handlers', () => {
    const isFailure = matchResponse({ Ack: () => false, Timeout: () => false, Failure: (r) => r.reason.length > 0 });
    const tagOf = matchAction({
      Register: (a) => a.backend.key.serviceName,
      SetLive: (a) => String(a.live),
      SetResponse: (a) => a.response._tag,
      Unregister: (a) => a.key.serviceName,
      Broadcast: (a) => a.operation._tag,
      BroadcastTo: (a) => a.operation._tag,
    });

    assertType<Equal<ReturnType<typeof isFailure>, boolean>>();
    assertType<Equal<ReturnType<typeof tagOf>, string>>();
    expect(isFailure(timeout)).toBe(false);
    expect(tagOf({ _tag: 'Register', backend: liveBackend(zccache) })).toBe('zccache');
  });

  it('should narrow events and results', () => {
    const status = matchBroadcastResult({
      AllAcked: (r) => r.acks.length,
      Degraded: (r) => r.timeouts.length + r.failures.length,
      NoLiveTargets: (r) => r.skippedDead.length,
    });
    const keyOf = matchEvent<BackendKey | undefined>({
      BackendRegistered: (e) => e.backend.key,
      LivenessSet: (e) => e.backend.key,
      ResponseSet: (e) => e.backend.key,
      BackendUnregistered: (e) => e.backend.key,
      OperationBroadcast: () => undefined,
      OperationBroadcastTo: () => undefined,
      KeyNotFound: (e) => {
        assertType<Equal<typeof e, KeyNotFound>>();
        // Registering and broadcasting never miss a key.
        assertType<Equal<typeof e.action._tag, 'SetLive' | 'SetResponse' | 'Unregister'>>();
        return e.key;
      },
    });

    const { result } = step(createRegistry(), broadcastAction(quiesceOperation('BrokerShutdown')));
    assertType<Equal<typeof result, RegistryEvent>>();
    expect(keyOf(result)).toBeUndefined();
    expect(result._tag === 'OperationBroadcast' ? status(result.result) : -1).toBe(0);
  });
});

describe('arbitraries', () => {
  it('should produce the library types', () => {
    const keys = backendKeyArbitrary();
    const actions = actionSequenceArbitrary({ reuseKeyRatio: 0.5 });
    const logs = logArbitrary();

    assertType<Equal<typeof keys, fc.Arbitrary<BackendKey>>>();
    assertType<Equal<typeof actions, fc.Arbitrary<ReadonlyArray<RegistryAction>>>>();
    assertType<Equal<typeof logs, fc.Arbitrary<SampledLog>>>();
    assertType<Equal<SampledLog['header'], LogHeader>>();
    expect(() =>
      // @ts-expect-error: a ratio is a number
      actionSequenceArbitrary({ reuseKeyRatio: 'often' }),
    ).toThrow(RangeError);
    expect(() =>
      // @ts-expect-error: names come from the pools or anywhere, nothing else
      backendKeyArbitrary({ names: 'some' }),
    ).toThrow(RangeError);

    expect([keys, actions, logs].every((a) => typeof a.generate === 'function')).toBe(true);
  });
});
