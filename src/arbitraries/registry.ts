/**
 * fast-check arbitraries of the domain values, registry actions and action sequences, with the
 * options and name pools they share.
 *
 * @since 0.3.0
 */
import * as fc from 'fast-check';

import type { Backend } from '../domain/Backend';
import type { BackendKey, BrokerInstance } from '../domain/BackendKey';
import type { BroadcastBackendResponse, BroadcastFailureReason } from '../domain/BroadcastBackendResponse';
import { failureReasons } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation, QuiesceReason } from '../domain/BroadcastOperation';
import { quiesceReasons } from '../domain/BroadcastOperation';
import type { BroadcastPolicy } from '../domain/BroadcastPolicy';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { unacknowledgedKeys } from '../domain/BroadcastResult';
import type { Registry } from '../registry/Registry';
import { backends, broadcast, createRegistry } from '../registry/Registry';
import type { RegistryAction, RegistryActionTag } from '../registry/RegistryAction';
import { replay } from '../registry/replay';
import { step } from '../registry/step';

// -------------------------------------------------------------------------------------
// options
// -------------------------------------------------------------------------------------

/**
 * Where names (service names, versions, hashes, instance names, path prefixes) come from:
 * - `'pool'` (the default): a few fixed realistic names, so independently drawn values collide;
 * - `'any'`: any valid string, including quotes, separators and non-ASCII characters, to
 *   exercise codecs and key identity.
 *
 * @since 0.1.0
 */
export type NameSource = 'pool' | 'any';

/**
 * Options of the arbitraries that produce names.
 *
 * @since 0.1.0
 */
export interface NameOptions {
  /** Where names come from; `'pool'` when omitted. */
  readonly names?: NameSource;
}

/**
 * Options of `actionSequenceArbitrary` and the arbitraries built on it.
 *
 * @since 0.1.0
 */
export interface ActionSequenceOptions extends NameOptions {
  /** Fewest actions; 0 when omitted. */
  readonly minLength?: number;
  /** Most actions; 30 when omitted. */
  readonly maxLength?: number;
  /**
   * How often a `SetLive`, `SetResponse` or `Unregister` targets a key registered at that point
   * of the sequence, when there is one: 0 never, 1 always; 0.8 when omitted. Otherwise it draws a
   * key afresh, which is usually not registered (though it may be, when names come from the pools).
   */
  readonly reuseKeyRatio?: number;
  /**
   * How often a `Register` re-registers a key registered at that point of the sequence, replacing
   * that backend in place, rather than drawing a key afresh: 0 never, 1 always; 0.25 when omitted.
   */
  readonly reregisterRatio?: number;
  /**
   * Relative frequency of each kind of action; a kind with weight 0 never appears. When omitted:
   * `Register` 4, `SetLive` 3, `SetResponse` 2, `Unregister` 1, `Broadcast` 3, `BroadcastTo` 2.
   */
  readonly weights?: Partial<Readonly<Record<RegistryActionTag, number>>>;
  /**
   * How often a `BroadcastTo` is a retry: the operation of the latest broadcast of the sequence,
   * sent to exactly the backends that did not acknowledge it (what `retryUnacknowledged` sends),
   * when that broadcast left any: 0 never, 1 always; 0.5 when omitted. Otherwise it targets
   * registered keys picked in any order (some twice), now and then with a key drawn afresh.
   */
  readonly retryRatio?: number;
}

/**
 * Which broadcasts of a generated log carry the result they had when recorded.
 *
 * @since 0.1.0
 */
export type RecordResults = 'always' | 'never' | 'sometimes';

/**
 * Options of `logArbitrary`.
 *
 * @since 0.1.0
 */
export interface LogOptions extends ActionSequenceOptions {
  /** Which broadcasts carry their recorded result; `'sometimes'` when omitted. */
  readonly recordResults?: RecordResults;
}

// -------------------------------------------------------------------------------------
// names
// -------------------------------------------------------------------------------------

const SERVICE_NAMES: ReadonlyArray<string> = ['zccache', 'soldr', 'fbuild'];
const VERSIONS: ReadonlyArray<string> = ['1.11.20', '0.4.1'];
const EXE_HASHES: ReadonlyArray<string> = ['', '9f86d081'];
const INSTANCE_NAMES: ReadonlyArray<string> = ['ci', 'dev'];
const PATH_PREFIXES: ReadonlyArray<string> = ['cache-root', '/var/cache/zccache', 'C:\\builds\\out'];

const hasNul = (s: string): boolean => s.includes('\u0000');

/** Characters that stress quoting and separators, mixed with ordinary ones. */
const trickyUnit = fc.constantFrom('"', ',', '[', ']', '\\', '/', ' ', ':', 'a', 'Z', '0', 'é', '☃');

const anyName = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: trickyUnit, minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !hasNul(s)),
  );

const name = (pool: ReadonlyArray<string>, source: NameSource): fc.Arbitrary<string> =>
  source === 'pool' ? fc.constantFrom(...pool) : fc.oneof(fc.constantFrom(...pool), anyName());

const hexDigit = fc.constantFrom(...'0123456789abcdef'.split(''));

const hex = (source: NameSource): fc.Arbitrary<string> =>
  source === 'pool'
    ? fc.constantFrom(...EXE_HASHES)
    : fc.oneof(fc.constantFrom(...EXE_HASHES), fc.string({ unit: hexDigit, maxLength: 64 }));

const sourceOf = (options: NameOptions | undefined): NameSource => {
  const source: unknown = options?.names ?? 'pool';
  if (source !== 'pool' && source !== 'any') {
    const shown = typeof source === 'string' ? JSON.stringify(source) : String(source);
    throw new RangeError(`names must be 'pool' or 'any', got ${shown}`);
  }
  return source;
};

// -------------------------------------------------------------------------------------
// domain values
// -------------------------------------------------------------------------------------

/**
 * Broker instances of all three kinds: shared, private to a service, explicitly named.
 *
 * @since 0.1.0
 */
export const brokerInstanceArbitrary = (options?: NameOptions): fc.Arbitrary<BrokerInstance> => {
  const source = sourceOf(options);
  return fc.oneof(
    fc.constant(null).map((): BrokerInstance => ({ _tag: 'Shared' })),
    name(SERVICE_NAMES, source).map((serviceName): BrokerInstance => ({ _tag: 'Private', serviceName })),
    name(INSTANCE_NAMES, source).map((n): BrokerInstance => ({ _tag: 'Explicit', name: n })),
  );
};

/**
 * Backend keys over all three instance kinds. With the default name pools there are 72
 * distinct keys, so independently drawn keys collide now and then.
 *
 * @example
 * import * as fc from 'fast-check'
 * import { backendKeyArbitrary } from 'lifecycle-broadcast/arbitraries'
 *
 * fc.sample(backendKeyArbitrary({ names: 'any' }), 3)
 *
 * @since 0.1.0
 */
export const backendKeyArbitrary = (options?: NameOptions): fc.Arbitrary<BackendKey> => {
  const source = sourceOf(options);
  return fc
    .tuple(brokerInstanceArbitrary(options), name(SERVICE_NAMES, source), name(VERSIONS, source), hex(source))
    .map(([instance, serviceName, serviceVersion, exeHash]): BackendKey => ({
      instance,
      serviceName,
      serviceVersion,
      exeHash,
    }));
};

/**
 * Quiesce reasons.
 *
 * @since 0.1.0
 */
export const quiesceReasonArbitrary = (): fc.Arbitrary<QuiesceReason> => fc.constantFrom(...quiesceReasons);

/**
 * Broadcast operations of both kinds: release handles under a path prefix, and quiesce.
 *
 * @since 0.1.0
 */
export const broadcastOperationArbitrary = (options?: NameOptions): fc.Arbitrary<BroadcastOperation> =>
  fc.oneof(
    name(PATH_PREFIXES, sourceOf(options)).map((pathPrefix): BroadcastOperation => ({
      _tag: 'ReleaseHandles',
      pathPrefix,
    })),
    quiesceReasonArbitrary().map((reason): BroadcastOperation => ({ _tag: 'Quiesce', reason })),
  );

/**
 * Failure reasons.
 *
 * @since 0.1.0
 */
export const failureReasonArbitrary = (): fc.Arbitrary<BroadcastFailureReason> => fc.constantFrom(...failureReasons);

/**
 * Backend responses: acknowledge, time out, or fail for any reason.
 *
 * @since 0.1.0
 */
export const broadcastBackendResponseArbitrary = (): fc.Arbitrary<BroadcastBackendResponse> =>
  fc.oneof(
    fc.constantFrom('Ack' as const, 'Timeout' as const).map((tag): BroadcastBackendResponse => ({ _tag: tag })),
    failureReasonArbitrary().map((reason): BroadcastBackendResponse => ({ _tag: 'Failure', reason })),
  );

/**
 * Broadcast policies: usually a familiar timeout (1 ms, 250 ms, the default 5000 ms), sometimes
 * any positive safe integer. Zero is never produced, since every policy clamps it to 1 ms.
 *
 * @since 0.1.0
 */
export const broadcastPolicyArbitrary = (): fc.Arbitrary<BroadcastPolicy> =>
  fc
    .oneof(fc.constantFrom(1, 250, 5000), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }))
    .map((ackTimeoutMs): BroadcastPolicy => ({ ackTimeoutMs }));

/**
 * Backends: any key, live or dead, any response.
 *
 * @since 0.1.0
 */
export const backendArbitrary = (options?: NameOptions): fc.Arbitrary<Backend> =>
  fc
    .tuple(backendKeyArbitrary(options), fc.boolean(), broadcastBackendResponseArbitrary())
    .map(([key, live, response]): Backend => ({ key, live, response }));

/**
 * Single actions of every kind, each drawn on its own (keys are not aimed at registered ones:
 * use `actionSequenceArbitrary` for that).
 *
 * @since 0.1.0
 */
export const registryActionArbitrary = (options?: NameOptions): fc.Arbitrary<RegistryAction> =>
  fc.oneof(
    backendArbitrary(options).map((backend): RegistryAction => ({ _tag: 'Register', backend })),
    fc
      .tuple(backendKeyArbitrary(options), fc.boolean())
      .map(([key, live]): RegistryAction => ({ _tag: 'SetLive', key, live })),
    fc
      .tuple(backendKeyArbitrary(options), broadcastBackendResponseArbitrary())
      .map(([key, response]): RegistryAction => ({ _tag: 'SetResponse', key, response })),
    backendKeyArbitrary(options).map((key): RegistryAction => ({ _tag: 'Unregister', key })),
    broadcastOperationArbitrary(options).map((operation): RegistryAction => ({ _tag: 'Broadcast', operation })),
    fc
      .tuple(broadcastOperationArbitrary(options), fc.array(backendKeyArbitrary(options), { maxLength: 4 }))
      .map(([operation, keys]): RegistryAction => ({ _tag: 'BroadcastTo', operation, keys })),
  );

// -------------------------------------------------------------------------------------
// sequences
// -------------------------------------------------------------------------------------

/**
 * How an action will pick its key: one registered at that point, or `key`.
 *
 * @internal
 */
export interface Aim {
  readonly reuse: boolean;
  readonly pick: number;
  readonly key: BackendKey;
}

/**
 * One action before the keys are resolved against what the sequence registered so far. The
 * resolution is a deterministic function of the templates, so shrinking the templates shrinks
 * the sequence.
 */
type Template =
  | (Aim & { readonly kind: 'Register'; readonly live: boolean; readonly response: BroadcastBackendResponse })
  | (Aim & { readonly kind: 'SetLive'; readonly live: boolean })
  | (Aim & { readonly kind: 'SetResponse'; readonly response: BroadcastBackendResponse })
  | (Aim & { readonly kind: 'Unregister' })
  | { readonly kind: 'Broadcast'; readonly operation: BroadcastOperation; readonly record: boolean }
  | {
      readonly kind: 'BroadcastTo';
      readonly operation: BroadcastOperation;
      readonly retry: boolean;
      readonly picks: ReadonlyArray<number>;
      readonly fresh: ReadonlyArray<BackendKey>;
      readonly record: boolean;
    };

const DEFAULT_WEIGHTS: Readonly<Record<RegistryActionTag, number>> = {
  Register: 4,
  SetLive: 3,
  SetResponse: 2,
  Unregister: 1,
  Broadcast: 3,
  BroadcastTo: 2,
};

/** @internal */
export const checkedCount = (what: string, n: number): number => {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
  return n;
};

/** @internal */
export const ratio = (what: string, p: number): number => {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`${what} must be between 0 and 1, got ${String(p)}`);
  }
  return p;
};

/** @internal */
export const templatesArbitrary = (
  options: ActionSequenceOptions | undefined,
): fc.Arbitrary<ReadonlyArray<Template>> => {
  const reuse = ratio('reuseKeyRatio', options?.reuseKeyRatio ?? 0.8);
  const reregister = ratio('reregisterRatio', options?.reregisterRatio ?? 0.25);
  const retry = ratio('retryRatio', options?.retryRatio ?? 0.5);
  const minLength = checkedCount('minLength', options?.minLength ?? 0);
  const maxLength = checkedCount('maxLength', options?.maxLength ?? Math.max(30, minLength));
  if (maxLength < minLength) {
    throw new RangeError(`maxLength (${String(maxLength)}) must not be below minLength (${String(minLength)})`);
  }
  const weights = { ...DEFAULT_WEIGHTS, ...options?.weights };
  for (const [tag, w] of Object.entries(weights)) {
    checkedCount(`weights.${tag}`, w);
  }
  if (Object.values(weights).every((w) => w === 0)) {
    throw new RangeError('weights must allow at least one kind of action');
  }
  const key = backendKeyArbitrary(options);
  const aim = (p: number): fc.Arbitrary<Aim> =>
    fc.record({
      // Thousandths, shrinking towards 0, that is towards reusing a registered key.
      reuse: fc.integer({ min: 0, max: 999 }).map((n) => n < Math.round(p * 1000)),
      pick: fc.nat(),
      key,
    });
  const response = broadcastBackendResponseArbitrary();
  // Backends are registered live three times out of four, so that broadcasts reach someone.
  const registeredLive = fc.oneof(
    // Cross shrinking lets a dead backend of a counterexample shrink to a live one.
    { withCrossShrink: true },
    { arbitrary: fc.constant(true), weight: 3 },
    { arbitrary: fc.constant(false), weight: 1 },
  );
  const byKind: Readonly<Record<RegistryActionTag, fc.Arbitrary<Template>>> = {
    Register: fc
      .tuple(aim(reregister), registeredLive, response)
      .map(([a, live, r]): Template => ({ kind: 'Register', ...a, live, response: r })),
    SetLive: fc.tuple(aim(reuse), fc.boolean()).map(([a, live]): Template => ({ kind: 'SetLive', ...a, live })),
    SetResponse: fc.tuple(aim(reuse), response).map(([a, r]): Template => ({ kind: 'SetResponse', ...a, response: r })),
    Unregister: aim(reuse).map((a): Template => ({ kind: 'Unregister', ...a })),
    Broadcast: fc
      .tuple(broadcastOperationArbitrary(options), fc.boolean())
      .map(([operation, record]): Template => ({ kind: 'Broadcast', operation, record })),
    BroadcastTo: fc
      .record({
        operation: broadcastOperationArbitrary(options),
        // Thousandths, shrinking towards 0, that is towards a retry.
        retry: fc.integer({ min: 0, max: 999 }).map((n) => n < Math.round(retry * 1000)),
        picks: fc.array(fc.nat(), { maxLength: 4 }),
        // A fresh key one time in four: usually one that is not registered.
        fresh: fc.oneof(
          { arbitrary: fc.constant([]), weight: 3 },
          { arbitrary: fc.tuple(key).map((k) => [...k]), weight: 1 },
        ),
        record: fc.boolean(),
      })
      .map((t): Template => ({ kind: 'BroadcastTo', ...t })),
  };
  const weighted = (Object.keys(byKind) as RegistryActionTag[])
    .filter((tag) => weights[tag] > 0)
    .map((tag) => ({ arbitrary: byKind[tag], weight: weights[tag] }));
  // Lengths spread over the whole range rather than staying near the minimum.
  return fc.array(fc.oneof(...weighted), { minLength, maxLength, size: 'max' });
};

/**
 * A field-by-field identity for keys, independent of the library's own `keyId`. No valid name
 * holds a NUL character, so NUL separates the fields unambiguously.
 *
 * @internal
 */
export const identity = (k: BackendKey): string => {
  const i = k.instance;
  const scope = i._tag === 'Shared' ? '' : i._tag === 'Private' ? i.serviceName : i.name;
  return `${i._tag}\u0000${scope}\u0000${k.serviceName}\u0000${k.serviceVersion}\u0000${k.exeHash}`;
};

const copyInstance = (i: BrokerInstance): BrokerInstance =>
  i._tag === 'Shared'
    ? { _tag: 'Shared' }
    : i._tag === 'Private'
      ? { _tag: 'Private', serviceName: i.serviceName }
      : { _tag: 'Explicit', name: i.name };

/** @internal */
export const copyKey = (k: BackendKey): BackendKey => ({
  instance: copyInstance(k.instance),
  serviceName: k.serviceName,
  serviceVersion: k.serviceVersion,
  exeHash: k.exeHash,
});

/** An action resolved from its template, and whether a broadcast should carry its result. */
interface Resolved {
  readonly action: RegistryAction;
  readonly record: boolean;
}

/**
 * Resolve templates in order, tracking which keys are registered (in registration order), and,
 * for retries, replaying the actions so far to know what the latest broadcast left unacknowledged.
 *
 * @internal
 */
export const resolve = (templates: ReadonlyArray<Template>): ReadonlyArray<Resolved> => {
  const registered = new Map<string, BackendKey>();
  let simulated = createRegistry();
  let latest: BroadcastResult | undefined;
  const retries = templates.some((t) => t.kind === 'BroadcastTo');
  const simulate = (resolved: Resolved): Resolved => {
    if (retries) {
      const next = step(simulated, resolved.action);
      simulated = next.state;
      if (next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo') {
        latest = next.result.result;
      }
    }
    return resolved;
  };
  const target = (a: Aim): BackendKey => {
    if (!a.reuse || registered.size === 0) {
      return copyKey(a.key);
    }
    const all = [...registered.values()];
    return copyKey(all[a.pick % all.length] as BackendKey);
  };
  return templates.map((t): Resolved => simulate(resolveOne(t)));
  function resolveOne(t: Template): Resolved {
    switch (t.kind) {
      case 'Register': {
        const key = target(t);
        registered.set(identity(key), key);
        return { action: { _tag: 'Register', backend: { key, live: t.live, response: t.response } }, record: false };
      }
      case 'SetLive':
        return { action: { _tag: 'SetLive', key: target(t), live: t.live }, record: false };
      case 'SetResponse':
        return { action: { _tag: 'SetResponse', key: target(t), response: t.response }, record: false };
      case 'Unregister': {
        const key = target(t);
        registered.delete(identity(key));
        return { action: { _tag: 'Unregister', key }, record: false };
      }
      case 'Broadcast':
        return { action: { _tag: 'Broadcast', operation: t.operation }, record: t.record };
      case 'BroadcastTo': {
        const unacknowledged = latest === undefined ? [] : unacknowledgedKeys(latest);
        if (t.retry && latest !== undefined && unacknowledged.length > 0) {
          const operation: BroadcastOperation = { ...latest.operation };
          return { action: { _tag: 'BroadcastTo', operation, keys: unacknowledged.map(copyKey) }, record: t.record };
        }
        const all = [...registered.values()];
        const picked = all.length === 0 ? [] : t.picks.map((p) => copyKey(all[p % all.length] as BackendKey));
        return {
          action: { _tag: 'BroadcastTo', operation: t.operation, keys: [...picked, ...t.fresh.map(copyKey)] },
          record: t.record,
        };
      }
    }
  }
};

/**
 * Sequences of actions that keep coming back to the same backends: most actions that name a
 * key aim at one registered earlier in the sequence (see `reuseKeyRatio` and
 * `reregisterRatio`), so sequences re-register, flip liveness, change responses, unregister and
 * broadcast to the same backends; the rest draw a key afresh, usually one that is not
 * registered. Every choice is made when the value is generated and shrinks on its own, so a
 * failing sequence shrinks to a short one.
 *
 * @example
 * import * as fc from 'fast-check'
 * import { backendCount, createRegistry, replay } from 'lifecycle-broadcast'
 * import { actionSequenceArbitrary } from 'lifecycle-broadcast/arbitraries'
 *
 * fc.assert(
 *   fc.property(actionSequenceArbitrary({ maxLength: 50, reuseKeyRatio: 0.9 }), (actions) => {
 *     const { state } = replay(createRegistry(), actions)
 *     return backendCount(state) <= actions.length
 *   }),
 * )
 *
 * @since 0.1.0
 */
export const actionSequenceArbitrary = (options?: ActionSequenceOptions): fc.Arbitrary<ReadonlyArray<RegistryAction>> =>
  templatesArbitrary(options).map((templates) => resolve(templates).map((r) => r.action));

/**
 * Registries reached by replaying an action sequence on an empty registry with any policy.
 *
 * @since 0.1.0
 */
export const registryArbitrary = (options?: ActionSequenceOptions): fc.Arbitrary<Registry> =>
  fc
    .tuple(broadcastPolicyArbitrary(), actionSequenceArbitrary(options))
    .map(([policy, actions]) => replay(createRegistry(policy), actions).state);

/**
 * Broadcast results as the reducers produce them: a generated registry broadcasts a generated
 * operation (so the status always agrees with the lists).
 *
 * @since 0.1.0
 */
export const broadcastResultArbitrary = (options?: ActionSequenceOptions): fc.Arbitrary<BroadcastResult> =>
  fc
    .tuple(registryArbitrary(options), broadcastOperationArbitrary(options))
    .map(([registry, operation]) => broadcast(registry, operation).result);

// -------------------------------------------------------------------------------------
// targeted broadcasts
// -------------------------------------------------------------------------------------

/**
 * Keys to aim a `broadcastTo` at over `registry`: registered keys picked in any order, some of
 * them twice, and now and then a key drawn afresh (usually one that is not registered).
 *
 * @example
 * import * as fc from 'fast-check'
 * import { broadcastTo, sentCount } from 'lifecycle-broadcast'
 * import { broadcastOperationArbitrary, registryArbitrary, targetKeysArbitrary } from 'lifecycle-broadcast/arbitraries'
 *
 * fc.assert(
 *   fc.property(
 *     registryArbitrary().chain((registry) => fc.tuple(fc.constant(registry), targetKeysArbitrary(registry))),
 *     broadcastOperationArbitrary(),
 *     ([registry, keys], op) => sentCount(broadcastTo(registry, op, keys).result) <= keys.length,
 *   ),
 * )
 *
 * @since 0.2.0
 */
export const targetKeysArbitrary = (
  registry: Registry,
  options?: NameOptions,
): fc.Arbitrary<ReadonlyArray<BackendKey>> => {
  const registered = backends(registry).map((b) => b.key);
  const fresh = fc.array(backendKeyArbitrary(options), { maxLength: 2 });
  return registered.length === 0
    ? fresh
    : fc
        .tuple(fc.array(fc.nat({ max: registered.length - 1 }), { maxLength: 2 * registered.length }), fresh)
        .map(([picks, drawn]) => [...picks.map((i) => copyKey(registered[i] as BackendKey)), ...drawn]);
};
