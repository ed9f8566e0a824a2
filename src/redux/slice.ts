/**
 * The registry as a Redux slice: action creators in `lifecycleBroadcast/eventInPastTense` form,
 * the slice state, and its reducer, all built on `step`.
 *
 * Nothing here imports Redux or Redux Toolkit: the action creators are written by hand (each
 * with `.type` and `.match`, as Redux Toolkit's are) and the reducer is a plain function, so the
 * library runs without either. Actions and state are plain, frozen JSON data, which is what
 * Redux Toolkit's serializable and immutability checks expect.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';
import { castDraft, produce } from 'immer';
import * as t from 'io-ts';

import { Backend } from '../domain/Backend';
import { BackendKey } from '../domain/BackendKey';
import { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { checked, closed, decode, show } from '../internal/codec';
import { deepFreeze } from '../internal/deepFreeze';
import type { LogRecord } from '../log/LogRecord';
import type { Registry } from '../registry/Registry';
import { createRegistry } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import type { KeyNotFound, RegistryEvent } from '../registry/RegistryEvent';
import { step } from '../registry/step';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The slice's name: the prefix of every action type it owns, and the key it is usually mounted
 * under in a root reducer.
 *
 * @since 0.1.0
 */
export const LIFECYCLE_BROADCAST = 'lifecycleBroadcast';

/**
 * An action of this slice: a type and a payload of plain JSON (the codec-encoded fields).
 *
 * @since 0.1.0
 */
// A type alias, not an interface: Redux's `UnknownAction` has an index signature, which only
// an alias satisfies implicitly.
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type SliceAction<T extends string, P> = {
  readonly type: T;
  readonly payload: P;
};

/**
 * An action creator, shaped like Redux Toolkit's: call it to build the action, read `.type` for
 * its type, and use `.match` to narrow an unknown action to it (by type only: the reducer checks
 * the payload).
 *
 * @since 0.1.0
 */
export interface SliceActionCreator<T extends string, P, Args extends ReadonlyArray<unknown>> {
  (...args: Args): SliceAction<T, P>;
  /** The type of the actions it builds. */
  readonly type: T;
  /** True when `action` has that type (its payload is not checked). */
  readonly match: (action: unknown) => action is SliceAction<T, P>;
}

/**
 * Payload of `backendRegistered`.
 *
 * @since 0.1.0
 */
export const BackendRegisteredPayload = closed('BackendRegisteredPayload', { backend: Backend });

/**
 * What the `BackendRegisteredPayload` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BackendRegisteredPayload = t.TypeOf<typeof BackendRegisteredPayload>;

/**
 * Payload of `backendLivenessChanged`.
 *
 * @since 0.1.0
 */
export const BackendLivenessChangedPayload = closed('BackendLivenessChangedPayload', {
  key: BackendKey,
  live: t.boolean,
});

/**
 * What the `BackendLivenessChangedPayload` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BackendLivenessChangedPayload = t.TypeOf<typeof BackendLivenessChangedPayload>;

/**
 * Payload of `backendResponseChanged`.
 *
 * @since 0.1.0
 */
export const BackendResponseChangedPayload = closed('BackendResponseChangedPayload', {
  key: BackendKey,
  response: BroadcastBackendResponse,
});

/**
 * What the `BackendResponseChangedPayload` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BackendResponseChangedPayload = t.TypeOf<typeof BackendResponseChangedPayload>;

/**
 * Payload of `backendUnregistered`.
 *
 * @since 0.1.0
 */
export const BackendUnregisteredPayload = closed('BackendUnregisteredPayload', { key: BackendKey });

/**
 * What the `BackendUnregisteredPayload` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BackendUnregisteredPayload = t.TypeOf<typeof BackendUnregisteredPayload>;

/**
 * Payload of `broadcastRequested`.
 *
 * @since 0.1.0
 */
export const BroadcastRequestedPayload = closed('BroadcastRequestedPayload', {
  operation: BroadcastOperation,
});

/**
 * What the `BroadcastRequestedPayload` codec decodes: the type of the same name.
 *
 * @since 0.1.0
 */
export type BroadcastRequestedPayload = t.TypeOf<typeof BroadcastRequestedPayload>;

/**
 * An action of this slice whose type was ours but whose payload was not valid: nothing changed.
 * `errors` has one readable line per problem, such as
 * `payload.key.exeHash: expected lowercase hex string, got "XYZ"`.
 *
 * @since 0.1.0
 */
export interface ActionRejected {
  readonly _tag: 'ActionRejected';
  readonly type: string;
  readonly errors: ReadonlyArray<string>;
}

/**
 * What the slice's last action did: the `step` event, or the rejection of an invalid action.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastEvent = RegistryEvent | ActionRejected;

/**
 * The slice state: plain, deeply frozen JSON. The registry is only changed by `step`; the other
 * fields make what each action did observable without any side effect in the reducer. Every
 * list is oldest first and bounded.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastState {
  /** The registry (read it with the selectors or the registry queries). */
  readonly registry: Registry;
  /** What the last action of this slice did; `null` before the first. */
  readonly lastEvent: LifecycleBroadcastEvent | null;
  /** The result of the latest broadcast; `null` before the first. */
  readonly latestResult: BroadcastResult | null;
  /** The results of the latest broadcasts, oldest first. */
  readonly recentResults: ReadonlyArray<BroadcastResult>;
  /** The latest actions that named a key that is not registered, oldest first. */
  readonly recentKeysNotFound: ReadonlyArray<KeyNotFound>;
  /** The latest actions rejected for an invalid payload, oldest first. */
  readonly recentRejections: ReadonlyArray<ActionRejected>;
}

// -------------------------------------------------------------------------------------
// action creators
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const actionCreator = <T extends string, P, Args extends ReadonlyArray<unknown>>(
  type: T,
  prepare: (...args: Args) => P,
): SliceActionCreator<T, P, Args> =>
  Object.freeze(
    Object.assign(
      (...args: Args): SliceAction<T, P> => Object.freeze({ type, payload: deepFreeze(prepare(...args)) }),
      {
        type,
        match: (action: unknown): action is SliceAction<T, P> => isRecord(action) && action.type === type,
      },
    ),
  );

/**
 * A backend was registered (or replaced the one with the same key, in place).
 *
 * @example
 * import { backendKey, backendRegistered, liveBackend, sharedInstance } from 'lifecycle-broadcast'
 *
 * backendRegistered(liveBackend(backendKey(sharedInstance, 'zccache', '1.11.20')))
 * // { type: 'lifecycleBroadcast/backendRegistered', payload: { backend: { key: ..., live: true, response: { _tag: 'Ack' } } } }
 *
 * @since 0.1.0
 */
export const backendRegistered = actionCreator(
  'lifecycleBroadcast/backendRegistered',
  (backend: Backend): BackendRegisteredPayload =>
    BackendRegisteredPayload.encode(checked('backendRegistered', BackendRegisteredPayload, { backend })),
);

/**
 * A backend was seen to go live or dead.
 *
 * @since 0.1.0
 */
export const backendLivenessChanged = actionCreator(
  'lifecycleBroadcast/backendLivenessChanged',
  (key: BackendKey, live: boolean): BackendLivenessChangedPayload =>
    BackendLivenessChangedPayload.encode(
      checked('backendLivenessChanged', BackendLivenessChangedPayload, { key, live }),
    ),
);

/**
 * A backend's modelled response to broadcasts changed.
 *
 * @since 0.1.0
 */
export const backendResponseChanged = actionCreator(
  'lifecycleBroadcast/backendResponseChanged',
  (key: BackendKey, response: BroadcastBackendResponse): BackendResponseChangedPayload =>
    BackendResponseChangedPayload.encode(
      checked('backendResponseChanged', BackendResponseChangedPayload, { key, response }),
    ),
);

/**
 * A backend was unregistered.
 *
 * @since 0.1.0
 */
export const backendUnregistered = actionCreator(
  'lifecycleBroadcast/backendUnregistered',
  (key: BackendKey): BackendUnregisteredPayload =>
    BackendUnregisteredPayload.encode(checked('backendUnregistered', BackendUnregisteredPayload, { key })),
);

/**
 * A broadcast of `operation` to every live backend was requested; its result lands in
 * `latestResult` and `recentResults`.
 *
 * @example
 * import { broadcastRequested, quiesceOperation, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * broadcastRequested(releaseHandlesOperation('/var/cache/zccache'))
 * broadcastRequested(quiesceOperation('BrokerShutdown'))
 *
 * @since 0.1.0
 */
export const broadcastRequested = actionCreator(
  'lifecycleBroadcast/broadcastRequested',
  (operation: BroadcastOperation): BroadcastRequestedPayload =>
    BroadcastRequestedPayload.encode(checked('broadcastRequested', BroadcastRequestedPayload, { operation })),
);

/**
 * Every action creator of the slice, by name.
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastActions = Object.freeze({
  backendRegistered,
  backendLivenessChanged,
  backendResponseChanged,
  backendUnregistered,
  broadcastRequested,
});

/**
 * Any action of this slice.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastAction = ReturnType<
  (typeof lifecycleBroadcastActions)[keyof typeof lifecycleBroadcastActions]
>;

/**
 * The type of any action of this slice.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastActionType = LifecycleBroadcastAction['type'];

const ownedTypes: ReadonlySet<string> = new Set(
  Object.values(lifecycleBroadcastActions).map((creator) => creator.type),
);

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * True when `action` has the type of one of this slice's actions (its payload is checked by the
 * reducer, not here), like Redux Toolkit's `isAnyOf` over every action creator.
 *
 * @since 0.1.0
 */
export const isLifecycleBroadcastAction = (action: unknown): action is LifecycleBroadcastAction =>
  isRecord(action) && typeof action.type === 'string' && ownedTypes.has(action.type);

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * The slice action for a registry action or a decoded log entry (a recorded broadcast result is
 * dropped: the store computes its own). This is how a recorded log is dispatched into a store.
 *
 * @example
 * import { LogRecord, toSliceAction } from 'lifecycle-broadcast'
 * import * as E from 'fp-ts/lib/Either.js'
 *
 * const line = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Maintenance"}}'
 * const action = E.map(toSliceAction)(LogRecord.decode(JSON.parse(line)))
 * // right({ type: 'lifecycleBroadcast/broadcastRequested', payload: { operation: ... } })
 *
 * @since 0.1.0
 */
export const toSliceAction = (entry: LogRecord | RegistryAction): LifecycleBroadcastAction => {
  switch (entry._tag) {
    case 'Register':
      return backendRegistered(entry.backend);
    case 'SetLive':
      return backendLivenessChanged(entry.key, entry.live);
    case 'SetResponse':
      return backendResponseChanged(entry.key, entry.response);
    case 'Unregister':
      return backendUnregistered(entry.key);
    case 'Broadcast':
      return broadcastRequested(entry.operation);
  }
};

/**
 * The registry action a slice action stands for: what the reducer hands to `step`, and what the
 * recorder writes. It trusts the action's static type; `decodeSliceAction` checks one from
 * outside first.
 *
 * @example
 * import { isLifecycleBroadcastAction, toRegistryAction, type RegistryAction } from 'lifecycle-broadcast'
 *
 * // In a listener or a middleware: the registry action behind any action of the slice.
 * const registryActionOf = (action: unknown): RegistryAction | undefined =>
 *   isLifecycleBroadcastAction(action) ? toRegistryAction(action) : undefined
 *
 * @since 0.1.0
 */
export const toRegistryAction = (action: LifecycleBroadcastAction): RegistryAction => {
  switch (action.type) {
    case 'lifecycleBroadcast/backendRegistered':
      return { _tag: 'Register', backend: action.payload.backend };
    case 'lifecycleBroadcast/backendLivenessChanged':
      return { _tag: 'SetLive', key: action.payload.key, live: action.payload.live };
    case 'lifecycleBroadcast/backendResponseChanged':
      return { _tag: 'SetResponse', key: action.payload.key, response: action.payload.response };
    case 'lifecycleBroadcast/backendUnregistered':
      return { _tag: 'Unregister', key: action.payload.key };
    case 'lifecycleBroadcast/broadcastRequested':
      return { _tag: 'Broadcast', operation: action.payload.operation };
  }
};

/** Errors of a payload codec, as paths from the action (`payload.key.exeHash: ...`). */
const inPayload = (line: string): string =>
  line.startsWith('(root)')
    ? `payload${line.slice('(root)'.length)}`
    : line.startsWith('[')
      ? `payload${line}`
      : `payload.${line}`;

const payloadOf = <P, O, R>(
  codec: t.Type<P, O>,
  payload: unknown,
  toAction: (p: P) => R,
): E.Either<ReadonlyArray<string>, R> =>
  E.bimap((lines: ReadonlyArray<string>) => lines.map(inPayload), toAction)(decode(codec, payload));

/**
 * Check an action from outside (any value) and return the registry action it stands for, deeply
 * frozen, or one readable line per problem. Never throws.
 *
 * @internal
 */
export const decodeRegistryAction = (input: unknown): E.Either<ReadonlyArray<string>, RegistryAction> => {
  let type: unknown;
  let payload: unknown;
  try {
    if (!isRecord(input)) {
      return E.left([`(root): expected a ${LIFECYCLE_BROADCAST} action, got ${show(input)}`]);
    }
    type = input.type;
    payload = input.payload;
  } catch (error: unknown) {
    return E.left([`(root): could not be read: ${error instanceof Error ? error.message : show(error)}`]);
  }
  const decoded = ((): E.Either<ReadonlyArray<string>, RegistryAction> => {
    switch (type) {
      case backendRegistered.type:
        return payloadOf(BackendRegisteredPayload, payload, (p) => ({ _tag: 'Register', backend: p.backend }));
      case backendLivenessChanged.type:
        return payloadOf(BackendLivenessChangedPayload, payload, (p) => ({
          _tag: 'SetLive',
          key: p.key,
          live: p.live,
        }));
      case backendResponseChanged.type:
        return payloadOf(BackendResponseChangedPayload, payload, (p) => ({
          _tag: 'SetResponse',
          key: p.key,
          response: p.response,
        }));
      case backendUnregistered.type:
        return payloadOf(BackendUnregisteredPayload, payload, (p) => ({ _tag: 'Unregister', key: p.key }));
      case broadcastRequested.type:
        return payloadOf(BroadcastRequestedPayload, payload, (p) => ({
          _tag: 'Broadcast',
          operation: p.operation,
        }));
      default:
        return E.left([
          `type: expected one of ${[...ownedTypes].map((s) => JSON.stringify(s)).join(' | ')}, got ${show(type)}`,
        ]);
    }
  })();
  return E.map((action: RegistryAction) => deepFreeze(action))(decoded);
};

/**
 * Check an action from outside (any value: a dispatched action, one received over the wire):
 * the same action rebuilt from its checked payload, or one readable line per problem naming the
 * field, such as `payload.backend.live: expected boolean, got "yes"`. Never throws.
 *
 * @example
 * import { decodeSliceAction } from 'lifecycle-broadcast'
 *
 * decodeSliceAction({ type: 'lifecycleBroadcast/backendUnregistered', payload: {} })
 * // left([ 'payload.key: expected BackendKey, got nothing (missing field)' ])
 *
 * @since 0.1.0
 */
export const decodeSliceAction = (input: unknown): E.Either<ReadonlyArray<string>, LifecycleBroadcastAction> =>
  E.map(toSliceAction)(decodeRegistryAction(input));

// -------------------------------------------------------------------------------------
// reducer
// -------------------------------------------------------------------------------------

/**
 * How a slice is configured.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastSliceOptions {
  /** The policy of the initial registry (default: 5000 ms; 0 is clamped to 1 ms). */
  readonly policy?: BroadcastPolicy;
  /** How many broadcast results `recentResults` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentResultsLimit?: number;
  /** How many unknown-key outcomes `recentKeysNotFound` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentKeysNotFoundLimit?: number;
  /** How many rejected actions `recentRejections` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentRejectionsLimit?: number;
}

/**
 * The default bound of each list of recent outcomes in the slice state.
 *
 * @since 0.1.0
 */
export const DEFAULT_RECENT_LIMIT = 16;

/**
 * A Redux reducer for the slice: the initial state when `state` is `undefined`, the same state
 * (by reference) for any action the slice does not own.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastReducer = (
  state: LifecycleBroadcastState | undefined,
  action: { readonly type: string; readonly [field: string]: unknown },
) => LifecycleBroadcastState;

/**
 * A configured slice, shaped like the part of a Redux Toolkit slice that stores use.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastSlice {
  /** `lifecycleBroadcast`: the action type prefix and the usual mount point. */
  readonly name: typeof LIFECYCLE_BROADCAST;
  readonly reducer: LifecycleBroadcastReducer;
  readonly actions: typeof lifecycleBroadcastActions;
  /** The state before any action: an empty registry with the configured policy. */
  readonly getInitialState: () => LifecycleBroadcastState;
}

const limitOf = (name: string, value: number | undefined): number => {
  if (value === undefined) {
    return DEFAULT_RECENT_LIMIT;
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`createLifecycleBroadcastSlice: ${name} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
};

const policyOf = (policy: BroadcastPolicy | undefined): BroadcastPolicy => {
  if (policy === undefined) {
    return defaultPolicy;
  }
  const decoded = decode(BroadcastPolicy, policy);
  if (E.isLeft(decoded)) {
    throw new RangeError(`createLifecycleBroadcastSlice: policy.${decoded.left.join('; policy.')}`);
  }
  return decoded.right;
};

const pushBounded = <A>(list: A[], item: A, limit: number): void => {
  if (limit === 0) {
    return;
  }
  list.push(item);
  if (list.length > limit) {
    list.splice(0, list.length - limit);
  }
};

/** `step` shallow-freezes its event; the slice stores it deeply frozen, options included. */
const frozenEvent = (event: RegistryEvent): RegistryEvent =>
  event._tag === 'BackendRegistered'
    ? Object.freeze({
        _tag: 'BackendRegistered',
        backend: event.backend,
        replaced: Object.freeze(
          event.replaced._tag === 'Some' ? { _tag: 'Some', value: event.replaced.value } : { _tag: 'None' },
        ),
      })
    : event;

/**
 * A slice configured with `options`: its reducer, its action creators (shared by every slice,
 * as the action types are) and its initial state. An invalid option throws a `RangeError` here,
 * never later in the reducer.
 *
 * @example
 * import { broadcastPolicy, createLifecycleBroadcastSlice } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ policy: broadcastPolicy(250), recentResultsLimit: 4 })
 * const state = broker.reducer(undefined, { type: '@@init' })
 *
 * @since 0.1.0
 */
export const createLifecycleBroadcastSlice = (
  options: LifecycleBroadcastSliceOptions = {},
): LifecycleBroadcastSlice => {
  const limits = {
    results: limitOf('recentResultsLimit', options.recentResultsLimit),
    keysNotFound: limitOf('recentKeysNotFoundLimit', options.recentKeysNotFoundLimit),
    rejections: limitOf('recentRejectionsLimit', options.recentRejectionsLimit),
  };
  const initialState: LifecycleBroadcastState = deepFreeze({
    registry: createRegistry(policyOf(options.policy)),
    lastEvent: null,
    latestResult: null,
    recentResults: [],
    recentKeysNotFound: [],
    recentRejections: [],
  });

  const reducer: LifecycleBroadcastReducer = (state = initialState, action) => {
    if (!isLifecycleBroadcastAction(action)) {
      return state;
    }
    const decoded = decodeRegistryAction(action);
    if (E.isLeft(decoded)) {
      const rejected: ActionRejected = deepFreeze({
        _tag: 'ActionRejected',
        type: action.type,
        errors: [...decoded.left],
      });
      return produce(state, (draft) => {
        draft.lastEvent = castDraft(rejected);
        pushBounded(draft.recentRejections, castDraft(rejected), limits.rejections);
      });
    }
    // `step` reads the base registry, never a draft: the registry is already an immutable
    // persistent structure, and drafting it would copy what it shares.
    const next = step(state.registry, decoded.right);
    const event = frozenEvent(next.result);
    return produce(state, (draft) => {
      draft.registry = castDraft(next.state);
      draft.lastEvent = castDraft(event);
      if (event._tag === 'OperationBroadcast') {
        draft.latestResult = castDraft(event.result);
        pushBounded(draft.recentResults, castDraft(event.result), limits.results);
      } else if (event._tag === 'KeyNotFound') {
        pushBounded(draft.recentKeysNotFound, castDraft(event), limits.keysNotFound);
      }
    });
  };

  return Object.freeze({
    name: LIFECYCLE_BROADCAST,
    reducer,
    actions: lifecycleBroadcastActions,
    getInitialState: () => initialState,
  });
};

/**
 * The slice with the default policy (5000 ms) and the default bounds.
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastSlice: LifecycleBroadcastSlice = createLifecycleBroadcastSlice();

/**
 * The reducer of `lifecycleBroadcastSlice`.
 *
 * @example
 * import { combineReducers, legacy_createStore } from 'redux'
 * import { lifecycleBroadcastReducer } from 'lifecycle-broadcast'
 *
 * const store = legacy_createStore(combineReducers({ lifecycleBroadcast: lifecycleBroadcastReducer }))
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastReducer: LifecycleBroadcastReducer = lifecycleBroadcastSlice.reducer;
