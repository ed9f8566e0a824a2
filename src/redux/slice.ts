/**
 * The registry as a Redux slice, shaped like what Redux Toolkit 2's `createSlice` returns
 * (`name`, `reducerPath`, `reducer`, `actions`, `caseReducers`, `getInitialState`, `selectors`,
 * `getSelectors`, `selectSlice`, `injectInto`), so that `combineSlices`, `.inject`,
 * `configureStore`, `builder.addCase` and the listener middleware take it as they take their own.
 * The action types are prefixed by the slice's name: two slices are two independent registries.
 *
 * Nothing here imports Redux or Redux Toolkit: the reducer is a plain function over plain,
 * deeply frozen JSON, built on `step`, so the library runs without either.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';

import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import { decode, show } from '../internal/codec';
import type { LogRecord } from '../log/LogRecord';
import type { IdleAction } from '../idle';
import { checkedMillis, createIdleCoordinator, stepIdle, quiesceDue } from '../idle';
import { createRegistry } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import { step } from '../registry/step';
import type {
  LifecycleBroadcastAction,
  LifecycleBroadcastActionCreators,
  LifecycleBroadcastActionName,
} from './actions';
import { sliceActions } from './actions';
import type {
  LifecycleBroadcastIdleAction,
  LifecycleBroadcastIdleActionCreators,
  LifecycleBroadcastIdleActionName,
} from './idleActions';
import { sliceIdleActions } from './idleActions';
import type { LifecycleBroadcastSelectors } from './selectors';
import { createLifecycleBroadcastSelectors } from './selectors';
import type { ActionRejected, LifecycleBroadcastState, RecentLimits } from './state';
import { DEFAULT_RECENT_LIMIT, stateOf, withEvent, withIdleEvent, withRejection, withSweep } from './state';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The name of the default slice: the prefix of its action types and the key it is mounted under.
 *
 * @since 0.1.0
 */
export const LIFECYCLE_BROADCAST = 'lifecycleBroadcast';

/**
 * How a slice is configured.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastSliceOptions<Name extends string, ReducerPath extends string = Name> {
  /** The prefix of every action type of the slice (`${name}/livenessSet`, ...). */
  readonly name: Name;
  /** Where `combineSlices`, `selectors` and `selectSlice` find the slice state (default: `name`). */
  readonly reducerPath?: ReducerPath;
  /** The policy of the initial registry (default: 5000 ms; 0 is clamped to 1 ms). */
  readonly policy?: BroadcastPolicy;
  /** How many broadcast results `recentResults` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentResultsLimit?: number;
  /** How many unknown-key outcomes `recentKeysNotFound` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentKeysNotFoundLimit?: number;
  /** How many rejected actions `recentRejections` keeps (default `DEFAULT_RECENT_LIMIT`). */
  readonly recentRejectionsLimit?: number;
  /** The idle timeout of the initial idle coordinator (default 30 s; 0 is clamped to 1 ms). */
  readonly idleTimeoutMs?: number;
}

/**
 * Any action a store may dispatch to a slice's reducer: a `type` and any other fields, as
 * Redux's `UnknownAction`.
 *
 * @since 0.3.0
 */
export interface StoreAction {
  /** The action's type. */
  readonly type: string;
  /** Any other field (`payload`, `meta`, `error`, ...). */
  readonly [field: string]: unknown;
}

/**
 * A Redux reducer for a slice: the initial state when `state` is `undefined`, the same state
 * (by reference) for any action the slice does not own. It never throws.
 *
 * @since 0.1.0
 */
export type LifecycleBroadcastReducer = (
  state: LifecycleBroadcastState | undefined,
  action: StoreAction,
) => LifecycleBroadcastState;

/**
 * One reducer per action of the slice, as a Redux Toolkit slice's `caseReducers`: each applies
 * the payload of its action (checked by its codec), whatever the action's type.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastCaseReducers<Name extends string> = {
  readonly [K in LifecycleBroadcastActionName]: (
    state: LifecycleBroadcastState,
    action: ReturnType<LifecycleBroadcastActionCreators<Name>[K]>,
  ) => LifecycleBroadcastState;
};

/**
 * One reducer per idle coordinator action of the slice, by action name: each applies the payload
 * of its action (checked by its codec), whatever the action's type.
 *
 * @since 0.2.0
 */
export type LifecycleBroadcastIdleCaseReducers<Name extends string> = {
  readonly [K in LifecycleBroadcastIdleActionName]: (
    state: LifecycleBroadcastState,
    action: ReturnType<LifecycleBroadcastIdleActionCreators<Name>[K]>,
  ) => LifecycleBroadcastState;
};

/**
 * What `injectInto` injects into: a reducer from Redux Toolkit's `combineSlices`.
 *
 * @since 0.2.0
 */
export interface InjectableReducer {
  /** Add a reducer at `reducerPath` (Redux Toolkit's `CombinedSliceReducer.inject`). */
  readonly inject: (
    slice: { reducerPath: string; reducer: LifecycleBroadcastReducer },
    config?: { overrideExisting?: boolean },
  ) => unknown;
}

/**
 * How `injectInto` injects: where (default: the slice's `reducerPath`), and whether it may
 * replace a different reducer already there.
 *
 * @since 0.2.0
 */
export interface InjectIntoConfig<ReducerPath extends string> {
  /** The key to inject the reducer at. */
  readonly reducerPath?: ReducerPath;
  /** Replace a different reducer already injected at that key (Redux Toolkit's option). */
  readonly overrideExisting?: boolean;
}

/**
 * Any slice, whatever its name, injected or not: what the recorder, the middleware options, the
 * DevTools options and `stateFromRegistry` take.
 *
 * @since 0.2.0
 */
export interface AnyLifecycleBroadcastSlice {
  readonly name: string;
  readonly reducerPath: string;
  readonly limits: RecentLimits;
  readonly actions: Readonly<Record<string, { readonly type: string }>>;
  /** As `LifecycleBroadcastSlice.idleActions`. */
  readonly idleActions: Readonly<Record<string, { readonly type: string }>>;
  /** As `LifecycleBroadcastSlice.getInitialState`. */
  readonly getInitialState: () => LifecycleBroadcastState;
  /** As `LifecycleBroadcastSlice.selectSlice`. */
  readonly selectSlice: (root: never) => LifecycleBroadcastState;
  /** As `LifecycleBroadcastSlice.isAction`. */
  readonly isAction: (action: unknown) => boolean;
  /** As `LifecycleBroadcastSlice.decodeRegistryAction`. */
  readonly decodeRegistryAction: (input: unknown) => E.Either<ReadonlyArray<string>, RegistryAction>;
  /** As `LifecycleBroadcastSlice.isIdleAction`. */
  readonly isIdleAction: (action: unknown) => boolean;
  /** As `LifecycleBroadcastSlice.decodeIdleAction`. */
  readonly decodeIdleAction: (input: unknown) => E.Either<ReadonlyArray<string>, IdleAction>;
  /** As `LifecycleBroadcastSlice.toSliceAction`. */
  readonly toSliceAction: (record: LogRecord | RegistryAction) => { readonly type: string; readonly payload: unknown };
}

/**
 * What every slice has, injected or not.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastSliceBase<Name extends string, ReducerPath extends string> {
  /** The prefix of every action type of the slice. */
  readonly name: Name;
  /** Where the slice state is mounted in the root state. */
  readonly reducerPath: ReducerPath;
  /** The reducer, built on `step`: mount it at `reducerPath`. */
  readonly reducer: LifecycleBroadcastReducer;
  /** The action creators, by action name. */
  readonly actions: LifecycleBroadcastActionCreators<Name>;
  /** One reducer per action, by action name. */
  readonly caseReducers: LifecycleBroadcastCaseReducers<Name>;
  /** The idle coordinator action creators, by action name. */
  readonly idleActions: LifecycleBroadcastIdleActionCreators<Name>;
  /** One reducer per idle coordinator action, by action name. */
  readonly idleCaseReducers: LifecycleBroadcastIdleCaseReducers<Name>;
  /**
   * The state before any action: an empty registry with the configured policy, and an empty idle
   * coordinator with the configured idle timeout.
   */
  readonly getInitialState: () => LifecycleBroadcastState;
  /** How many entries each list of the state keeps. */
  readonly limits: RecentLimits;
  /** True for an action of one of the slice's types (its payload is not checked). */
  readonly isAction: (action: unknown) => action is LifecycleBroadcastAction<Name>;
  /** The registry action a slice action stands for (trusting its static type). */
  readonly toRegistryAction: (action: LifecycleBroadcastAction<Name>) => RegistryAction;
  /** The slice action for a registry action or a log record (whose result is dropped). */
  readonly toSliceAction: (entry: LogRecord | RegistryAction) => LifecycleBroadcastAction<Name>;
  /** Check any value: the registry action it stands for, or one line per problem. */
  readonly decodeRegistryAction: (input: unknown) => E.Either<ReadonlyArray<string>, RegistryAction>;
  /** True for an idle coordinator action of one of the slice's types (its payload is not checked). */
  readonly isIdleAction: (action: unknown) => action is LifecycleBroadcastIdleAction<Name>;
  /** Check any value: the idle coordinator action it stands for, or one line per problem. */
  readonly decodeIdleAction: (input: unknown) => E.Either<ReadonlyArray<string>, IdleAction>;
  /** Check any value: the slice action rebuilt from its checked payload, or one line per problem. */
  readonly decodeSliceAction: (input: unknown) => E.Either<ReadonlyArray<string>, LifecycleBroadcastAction<Name>>;
  /** Inject the reducer into a `combineSlices` reducer; the injected slice's selectors then work before it has state. */
  readonly injectInto: <NewReducerPath extends string = ReducerPath>(
    injectable: InjectableReducer,
    config?: InjectIntoConfig<NewReducerPath>,
  ) => InjectedLifecycleBroadcastSlice<Name, NewReducerPath>;
}

/**
 * The root state of a store that mounts the slice state at `ReducerPath`.
 *
 * @since 0.2.0
 */
// A mapped type, as Redux Toolkit writes it, so that hovers show `{ readonly broker: ... }`.
// eslint-disable-next-line @typescript-eslint/consistent-indexed-object-style
export type WithLifecycleBroadcastSlice<ReducerPath extends string> = {
  readonly [K in ReducerPath]: LifecycleBroadcastState;
};

/**
 * The root state of a store into which the slice may have been injected at `ReducerPath`.
 *
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/consistent-indexed-object-style
export type WithInjectedLifecycleBroadcastSlice<ReducerPath extends string> = {
  readonly [K in ReducerPath]?: LifecycleBroadcastState | undefined;
};

/**
 * A configured slice, shaped like the slice Redux Toolkit 2's `createSlice` returns.
 *
 * @since 0.1.0
 */
export interface LifecycleBroadcastSlice<
  Name extends string = typeof LIFECYCLE_BROADCAST,
  ReducerPath extends string = Name,
> extends LifecycleBroadcastSliceBase<Name, ReducerPath> {
  /** The selectors over the slice state, or over the root state where `selectState` finds it (cached per `selectState`). */
  readonly getSelectors: {
    (): LifecycleBroadcastSelectors<LifecycleBroadcastState>;
    <Root>(selectState: (root: Root) => LifecycleBroadcastState): LifecycleBroadcastSelectors<Root>;
  };
  /** The selectors over a root state holding the slice at `reducerPath`. */
  readonly selectors: LifecycleBroadcastSelectors<WithLifecycleBroadcastSlice<ReducerPath>>;
  /** The slice state at `reducerPath`; throws when the root state has none there. */
  readonly selectSlice: (root: WithLifecycleBroadcastSlice<ReducerPath>) => LifecycleBroadcastState;
}

/**
 * A slice after `injectInto`: its selectors read the initial state until the store holds its state.
 *
 * @since 0.2.0
 */
export interface InjectedLifecycleBroadcastSlice<
  Name extends string,
  ReducerPath extends string,
> extends LifecycleBroadcastSliceBase<Name, ReducerPath> {
  /** As `LifecycleBroadcastSlice.getSelectors`; `selectState` may find nothing yet. */
  readonly getSelectors: {
    (): LifecycleBroadcastSelectors<LifecycleBroadcastState | undefined>;
    <Root>(selectState: (root: Root) => LifecycleBroadcastState | undefined): LifecycleBroadcastSelectors<Root>;
  };
  /** The selectors over a root state that may hold the slice at `reducerPath`. */
  readonly selectors: LifecycleBroadcastSelectors<WithInjectedLifecycleBroadcastSlice<ReducerPath>>;
  /** The slice state at `reducerPath`, or the initial state when there is none yet. */
  readonly selectSlice: (root: WithInjectedLifecycleBroadcastSlice<ReducerPath>) => LifecycleBroadcastState;
}

// -------------------------------------------------------------------------------------
// options
// -------------------------------------------------------------------------------------

const SLICE = 'createLifecycleBroadcastSlice';

const limitOf = (field: string, value: unknown): number => {
  if (value === undefined) {
    return DEFAULT_RECENT_LIMIT;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${SLICE}: ${field} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
};

const policyOf = (policy: unknown): BroadcastPolicy => {
  if (policy === undefined) {
    return defaultPolicy;
  }
  const decoded = decode(BroadcastPolicy, policy);
  if (E.isLeft(decoded)) {
    throw new RangeError(`${SLICE}: policy.${decoded.left.join('; policy.')}`);
  }
  return decoded.right;
};

const idleTimeoutOf = (value: unknown): number | undefined =>
  value === undefined ? undefined : checkedMillis(SLICE, 'idleTimeoutMs', value as number);

const nameOf = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${SLICE}: ${field} must be a non-empty string, got ${show(value)}`);
  }
  return value;
};

// -------------------------------------------------------------------------------------
// development warnings
// -------------------------------------------------------------------------------------

/**
 * True in a production build. Bundlers replace `process.env.NODE_ENV` as a whole; where nothing
 * replaces it and there is no `process` (a browser without a bundler), reading it throws, and
 * that counts as development, as in Redux Toolkit.
 */
const isProduction = (): boolean => {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    return false;
  }
};

/** The one development warning for a rejected action: what was wrong, as the codec said it. */
const warnRejected = (rejected: ActionRejected): void => {
  if (!isProduction()) {
    console.warn(`lifecycle-broadcast: ${rejected.type} was rejected, nothing changed: ${rejected.errors.join('; ')}`);
  }
};

/**
 * The one development warning, once per type, for an action of the default slice
 * (`lifecycleBroadcast/...`, from the root-level creators) reaching a slice of another name,
 * which does not apply it: without it, the dispatch would change nothing and say nothing.
 */
const warnForeign = (name: string, warned: Set<string>, type: string, actionName: string): void => {
  if (isProduction() || warned.has(type)) {
    return;
  }
  warned.add(type);
  console.warn(
    `lifecycle-broadcast: the slice "${name}" ignored ${type}, an action of the slice named "${LIFECYCLE_BROADCAST}": dispatch ${name}.actions.${actionName}(...) to reach it`,
  );
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const typeOfAction = (action: unknown): unknown => {
  try {
    return typeof action === 'object' && action !== null ? (action as { readonly type?: unknown }).type : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A slice named `name`, shaped like what Redux Toolkit's `createSlice` returns, with its own
 * action types (`${name}/livenessSet`, ...). An invalid option throws here. The reducer never
 * throws: an action with an invalid payload changes nothing, goes to `recentRejections`, and
 * logs one `console.warn` unless `NODE_ENV` is `production`.
 *
 * @example
 * import { configureStore, combineSlices } from '@reduxjs/toolkit'
 * import { backendKey, broadcastPolicy, createLifecycleBroadcastSlice, liveBackend, sharedInstance } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(250) })
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({ reducer: rootReducer })
 * store.dispatch(broker.actions.backendRegistered(liveBackend(backendKey(sharedInstance, 'zccache', '1.11.20'))))
 * broker.selectors.selectCounts(store.getState()) // { registered: 1, live: 1, dead: 0 }
 *
 * @since 0.1.0
 */
export const createLifecycleBroadcastSlice = <Name extends string, ReducerPath extends string = Name>(
  options: LifecycleBroadcastSliceOptions<Name, ReducerPath>,
): LifecycleBroadcastSlice<Name, ReducerPath> => {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`${SLICE}: expected options with a name, got ${show(options)}`);
  }
  const name = nameOf('name', options.name) as Name;
  const reducerPath = (
    options.reducerPath === undefined ? name : nameOf('reducerPath', options.reducerPath)
  ) as ReducerPath;
  const limits: RecentLimits = Object.freeze({
    results: limitOf('recentResultsLimit', options.recentResultsLimit),
    keysNotFound: limitOf('recentKeysNotFoundLimit', options.recentKeysNotFoundLimit),
    rejections: limitOf('recentRejectionsLimit', options.recentRejectionsLimit),
  });
  const initialState = stateOf(
    createRegistry(policyOf(options.policy)),
    createIdleCoordinator(idleTimeoutOf(options.idleTimeoutMs)),
  );
  const getInitialState = (): LifecycleBroadcastState => initialState;
  const actions = sliceActions(name);
  const idleActions = sliceIdleActions(name);

  const reject = (state: LifecycleBroadcastState, action: unknown, errors: ReadonlyArray<string>) => {
    const type = typeOfAction(action);
    const rejected: ActionRejected = Object.freeze({
      _tag: 'ActionRejected',
      type: typeof type === 'string' ? type : show(type),
      errors: Object.freeze([...errors]),
    });
    warnRejected(rejected);
    return withRejection(state, rejected, limits);
  };

  /** Apply a decoded action with `applyRight`, or reject an action whose payload did not decode. */
  const applying =
    <A>(applyRight: (state: LifecycleBroadcastState, decoded: A) => LifecycleBroadcastState) =>
    (state: LifecycleBroadcastState, action: unknown, decoded: E.Either<ReadonlyArray<string>, A>) =>
      E.isLeft(decoded) ? reject(state, action, decoded.left) : applyRight(state, decoded.right);

  const apply = applying<RegistryAction>((state, registryAction) => {
    const next = step(state.registry, registryAction);
    return withEvent(state, next.state, next.result, limits);
  });

  // The coordinator, like the registry, is read and replaced; an idle sweep changes both.
  const applyIdle = applying<IdleAction>((state, idleAction) => {
    if (idleAction._tag === 'CollectDue') {
      return withSweep(state, quiesceDue(state.registry, state.idle, idleAction.nowMs), limits);
    }
    const next = stepIdle(state.idle, idleAction);
    return withIdleEvent(state, next.state, next.result);
  });

  /** A case reducer per action of `table`, each applying its decoded payload with `applyWith`. */
  const caseReducersOf = <N extends string, D>(
    table: {
      readonly creators: Readonly<Record<N, unknown>>;
      readonly decodePayloadOf: (name: N, action: unknown) => D;
    },
    applyWith: (state: LifecycleBroadcastState, action: unknown, decoded: D) => LifecycleBroadcastState,
  ): unknown =>
    Object.freeze(
      Object.fromEntries(
        (Object.keys(table.creators) as unknown as ReadonlyArray<N>).map((actionName) => [
          actionName,
          (state: LifecycleBroadcastState, action: unknown) =>
            applyWith(state, action, table.decodePayloadOf(actionName, action)),
        ]),
      ),
    );

  const idleCaseReducers = caseReducersOf(idleActions, applyIdle) as LifecycleBroadcastIdleCaseReducers<Name>;
  const caseReducers = caseReducersOf(actions, apply) as LifecycleBroadcastCaseReducers<Name>;

  // Actions of the default slice, which a slice of another name does not apply (and says so).
  const foreign =
    name === LIFECYCLE_BROADCAST
      ? undefined
      : { registry: sliceActions(LIFECYCLE_BROADCAST), idle: sliceIdleActions(LIFECYCLE_BROADCAST) };
  const warned = new Set<string>();

  const reducer: LifecycleBroadcastReducer = (state = initialState, action) => {
    const type = typeOfAction(action);
    if (actions.nameOf(type) !== undefined) {
      return apply(state, action, actions.decodeRegistryAction(action));
    }
    if (idleActions.nameOf(type) !== undefined) {
      return applyIdle(state, action, idleActions.decodeIdleAction(action));
    }
    if (foreign !== undefined && typeof type === 'string') {
      const actionName = foreign.registry.nameOf(type) ?? foreign.idle.nameOf(type);
      if (actionName !== undefined) {
        warnForeign(name, warned, type, actionName);
      }
    }
    return state;
  };

  const decodeSliceAction = (input: unknown): E.Either<ReadonlyArray<string>, LifecycleBroadcastAction<Name>> =>
    E.map(actions.toSliceAction)(actions.decodeRegistryAction(input));

  /** The selectors and `selectSlice` for the slice mounted (or injected) at `path`. */
  const selectorProps = (path: string, injected: boolean) => {
    const missing = (where: string): Error =>
      new Error(
        `${name}.${where}: the root state holds no ${name} state at ${JSON.stringify(path)}; mount its reducer there (combineSlices(${name}) does) or inject it with injectInto`,
      );
    const orInitial = (state: LifecycleBroadcastState | undefined, where: string): LifecycleBroadcastState => {
      if (state !== undefined) {
        return state;
      }
      if (injected) {
        return initialState;
      }
      throw missing(where);
    };
    const selectSlice = (root: unknown): LifecycleBroadcastState =>
      orInitial(
        typeof root === 'object' && root !== null
          ? (root as Readonly<Record<string, LifecycleBroadcastState>>)[path]
          : undefined,
        'selectSlice',
      );
    const cache = new WeakMap<
      (root: never) => LifecycleBroadcastState | undefined,
      LifecycleBroadcastSelectors<never>
    >();
    const itself = (state: LifecycleBroadcastState | undefined): LifecycleBroadcastState | undefined => state;
    const getSelectors = <Root>(
      selectState: (root: Root) => LifecycleBroadcastState | undefined = itself as (
        root: Root,
      ) => LifecycleBroadcastState,
    ): LifecycleBroadcastSelectors<Root> => {
      const cached = cache.get(selectState);
      if (cached !== undefined) {
        return cached as LifecycleBroadcastSelectors<Root>;
      }
      const made = createLifecycleBroadcastSelectors((root: Root) => orInitial(selectState(root), 'getSelectors'));
      cache.set(selectState, made);
      return made;
    };
    return { reducerPath: path, selectSlice, getSelectors, selectors: getSelectors(selectSlice) };
  };

  const base = {
    name,
    reducer,
    actions: actions.creators,
    caseReducers,
    idleActions: idleActions.creators,
    idleCaseReducers,
    getInitialState,
    limits,
    isAction: actions.isAction,
    isIdleAction: idleActions.isAction,
    decodeIdleAction: idleActions.decodeIdleAction,
    toRegistryAction: actions.toRegistryAction,
    toSliceAction: actions.toSliceAction,
    decodeRegistryAction: actions.decodeRegistryAction,
    decodeSliceAction,
  };

  const injectInto = <NewReducerPath extends string = ReducerPath>(
    injectable: InjectableReducer,
    config: InjectIntoConfig<NewReducerPath> = {},
  ): InjectedLifecycleBroadcastSlice<Name, NewReducerPath> => {
    const path = config.reducerPath === undefined ? reducerPath : nameOf('injectInto: reducerPath', config.reducerPath);
    injectable.inject(
      { reducerPath: path, reducer },
      config.overrideExisting === undefined ? {} : { overrideExisting: config.overrideExisting },
    );
    return Object.freeze({
      ...base,
      ...selectorProps(path, true),
      injectInto,
    }) as unknown as InjectedLifecycleBroadcastSlice<Name, NewReducerPath>;
  };

  return Object.freeze({
    ...base,
    ...selectorProps(reducerPath, false),
    injectInto,
  }) as unknown as LifecycleBroadcastSlice<Name, ReducerPath>;
};

// -------------------------------------------------------------------------------------
// the default slice
// -------------------------------------------------------------------------------------

/**
 * The slice named `lifecycleBroadcast`, with the default policy (5000 ms) and bounds.
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastSlice: LifecycleBroadcastSlice = createLifecycleBroadcastSlice({
  name: LIFECYCLE_BROADCAST,
});

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

/**
 * The action creators of `lifecycleBroadcastSlice`, by name.
 *
 * @since 0.1.0
 */
export const lifecycleBroadcastActions: LifecycleBroadcastActionCreators<typeof LIFECYCLE_BROADCAST> =
  lifecycleBroadcastSlice.actions;

/**
 * A backend was registered (or replaced the one with the same key, in place): the action of
 * `lifecycleBroadcastSlice` that `step` answers with `BackendRegistered`.
 *
 * @example
 * import { backendKey, backendRegistered, liveBackend, sharedInstance } from 'lifecycle-broadcast'
 *
 * backendRegistered(liveBackend(backendKey(sharedInstance, 'zccache', '1.11.20')))
 * // { type: 'lifecycleBroadcast/backendRegistered', payload: { backend: { key: ..., live: true, response: { _tag: 'Ack' } } } }
 *
 * @since 0.1.0
 */
export const backendRegistered = lifecycleBroadcastActions.backendRegistered;

/**
 * A backend's liveness was set: the action of `lifecycleBroadcastSlice` that `step` answers with
 * `LivenessSet` (or `KeyNotFound`).
 *
 * @since 0.2.0
 */
export const livenessSet = lifecycleBroadcastActions.livenessSet;

/**
 * A backend's modelled response was set: the action of `lifecycleBroadcastSlice` that `step`
 * answers with `ResponseSet` (or `KeyNotFound`).
 *
 * @since 0.2.0
 */
export const responseSet = lifecycleBroadcastActions.responseSet;

/**
 * A backend was unregistered: the action of `lifecycleBroadcastSlice` that `step` answers with
 * `BackendUnregistered` (or `KeyNotFound`).
 *
 * @since 0.1.0
 */
export const backendUnregistered = lifecycleBroadcastActions.backendUnregistered;

/**
 * An operation was broadcast to every live backend: the action of `lifecycleBroadcastSlice` that
 * `step` answers with `OperationBroadcast`; its result lands in `latestResult` and
 * `recentResults`.
 *
 * @example
 * import { operationBroadcast, quiesceOperation, releaseHandlesOperation } from 'lifecycle-broadcast'
 *
 * operationBroadcast(releaseHandlesOperation('/var/cache/zccache'))
 * operationBroadcast(quiesceOperation('BrokerShutdown'))
 *
 * @since 0.2.0
 */
export const operationBroadcast = lifecycleBroadcastActions.operationBroadcast;

/**
 * An operation was broadcast to the live backends among some keys: the action of
 * `lifecycleBroadcastSlice` that `step` answers with `OperationBroadcastTo`; its result lands in
 * `latestResult` and `recentResults`, the keys that are not registered in the event. A retry of
 * the unacknowledged is one.
 *
 * @example
 * import { operationBroadcastTo, unacknowledgedKeys, type BroadcastResult } from 'lifecycle-broadcast'
 *
 * const retryRequested = (previous: BroadcastResult) => operationBroadcastTo(previous.operation, unacknowledgedKeys(previous))
 *
 * @since 0.2.0
 */
export const operationBroadcastTo = lifecycleBroadcastActions.operationBroadcastTo;

/**
 * The idle coordinator action creators of `lifecycleBroadcastSlice`, by name: `backendTracked`,
 * `activityMarked`, `dueQuiesced` (the idle sweep), `drainingMarked`, `quiescedMarked`,
 * `backendUntracked`.
 *
 * @example
 * import { lifecycleBroadcastIdleActions } from 'lifecycle-broadcast'
 *
 * // from a timer in the shell, never in a reducer: the time is the action's
 * const sweep = () => lifecycleBroadcastIdleActions.dueQuiesced(Math.round(performance.now()))
 *
 * @since 0.2.0
 */
export const lifecycleBroadcastIdleActions: LifecycleBroadcastIdleActionCreators<typeof LIFECYCLE_BROADCAST> =
  lifecycleBroadcastSlice.idleActions;

/**
 * True when `action` has the type of one of `lifecycleBroadcastSlice`'s actions (its payload is
 * checked by the reducer, not here), like Redux Toolkit's `isAnyOf` over every action creator.
 *
 * @since 0.1.0
 */
export const isLifecycleBroadcastAction: (action: unknown) => action is LifecycleBroadcastAction =
  lifecycleBroadcastSlice.isAction;

/**
 * The action of `lifecycleBroadcastSlice` for a registry action or a log record (a recorded
 * result is dropped: the store computes its own); `slice.toSliceAction` for any other slice.
 *
 * @example
 * import { LogRecord, toSliceAction } from 'lifecycle-broadcast'
 * import * as E from 'fp-ts/lib/Either.js'
 *
 * const line = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Maintenance"}}'
 * const action = E.map(toSliceAction)(LogRecord.decode(JSON.parse(line)))
 * // right({ type: 'lifecycleBroadcast/operationBroadcast', payload: { operation: ... } })
 *
 * @since 0.1.0
 */
export const toSliceAction: (entry: LogRecord | RegistryAction) => LifecycleBroadcastAction =
  lifecycleBroadcastSlice.toSliceAction;

/**
 * The registry action an action of `lifecycleBroadcastSlice` stands for;
 * `slice.toRegistryAction` for any other slice.
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
export const toRegistryAction: (action: LifecycleBroadcastAction) => RegistryAction =
  lifecycleBroadcastSlice.toRegistryAction;

/**
 * Check an action of `lifecycleBroadcastSlice` from outside (any value: one received over the
 * wire): the same action rebuilt from its checked payload, or one readable line per problem
 * naming the field, such as `payload.backend.live: expected boolean, got "yes"`. Never throws.
 *
 * @example
 * import { decodeSliceAction } from 'lifecycle-broadcast'
 *
 * decodeSliceAction({ type: 'lifecycleBroadcast/backendUnregistered', payload: {} })
 * // left([ 'payload.key: expected BackendKey, got nothing (missing field)' ])
 *
 * @since 0.1.0
 */
export const decodeSliceAction: (input: unknown) => E.Either<ReadonlyArray<string>, LifecycleBroadcastAction> =
  lifecycleBroadcastSlice.decodeSliceAction;
