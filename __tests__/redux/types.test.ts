/**
 * What the types promise, checked by the compiler (`npm run typecheck`, and ts-jest when this
 * file runs): `Equal` assertions fail to compile when an inferred type differs from the one
 * written, `@ts-expect-error` lines fail to compile when the error they expect goes away. The
 * assertions at run time only make sure this file is loaded and its values are what they say.
 */
import {
  combineSlices,
  configureStore,
  createListenerMiddleware,
  createReducer,
  createSlice,
  isAnyOf,
} from '@reduxjs/toolkit';
import type { DevToolsEnhancerOptions, Reducer as ToolkitReducer, WithSlice } from '@reduxjs/toolkit';
import type { Middleware, Reducer, UnknownAction } from 'redux';

import {
  arraySink,
  backendRegistered,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  isLifecycleBroadcastAction,
  lifecycleBroadcastDevToolsOptions,
  lifecycleBroadcastMiddlewareOptions,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  liveBackend,
  livenessSet,
  operationBroadcast,
  stateFromRegistry,
  toRegistryAction,
} from '../../src';
import type {
  Backend,
  BackendCounts,
  BroadcastResult,
  LifecycleBroadcastAction,
  LifecycleBroadcastSelectors,
  LifecycleBroadcastState,
  LivenessSetPayload,
  OperationBroadcastPayload,
  RegistryAction,
  SliceAction,
  WithLifecycleBroadcastSlice,
} from '../../src';
import { zccache } from './fixtures';

/** `true` exactly when `A` and `B` are the same type. */
// The usual identity test of two types: each `T` stands for the other side's comparison.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `true` when `A` and `B` are assignable to each other (a mapped type and the object type it spells). */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only when given `true`. */
const assertType = <T extends true>(value: T): T => value;

const broker = createLifecycleBroadcastSlice({ name: 'broker' });
const fleet = createLifecycleBroadcastSlice({ name: 'fleet', reducerPath: 'fleets' });

describe('createLifecycleBroadcastSlice (types)', () => {
  it('should infer the name and reducerPath as literals', () => {
    assertType<Equal<typeof broker.name, 'broker'>>(true);
    assertType<Equal<typeof broker.reducerPath, 'broker'>>(true);
    assertType<Equal<typeof fleet.reducerPath, 'fleets'>>(true);
    expect([broker.name, fleet.reducerPath]).toEqual(['broker', 'fleets']);
  });

  it('should type each action with its slice-prefixed type and named payload', () => {
    const action = broker.actions.livenessSet(zccache, false);
    assertType<Equal<typeof action, SliceAction<'broker/livenessSet', LivenessSetPayload>>>(true);
    assertType<Equal<typeof broker.actions.operationBroadcast.type, 'broker/operationBroadcast'>>(true);
    assertType<Equal<ReturnType<typeof operationBroadcast>['payload'], OperationBroadcastPayload>>(true);
    assertType<Equal<ReturnType<typeof operationBroadcast>['type'], 'lifecycleBroadcast/operationBroadcast'>>(true);
    expect(action.type).toBe('broker/livenessSet');
  });

  it('should refuse arguments of the wrong type, and options without a name', () => {
    // @ts-expect-error a liveness is a boolean
    const wrong = () => livenessSet(zccache, 'yes');
    // @ts-expect-error an operation is required
    const missing = () => operationBroadcast();
    // @ts-expect-error a slice needs a name
    const unnamed = () => createLifecycleBroadcastSlice({});
    expect([wrong, missing, unnamed]).toHaveLength(3);
  });

  it('should narrow an unknown action with `.match`, `isAction` and `isLifecycleBroadcastAction`', () => {
    const action: unknown = backendRegistered(liveBackend(zccache));
    if (backendRegistered.match(action)) {
      const backend: Backend = action.payload.backend;
      expect(backend.live).toBe(true);
    }
    if (isLifecycleBroadcastAction(action)) {
      const registryAction: RegistryAction = toRegistryAction(action);
      expect(registryAction._tag).toBe('Register');
    }
    const other: unknown = broker.actions.backendUnregistered(zccache);
    if (broker.isAction(other)) {
      assertType<Equal<typeof other, LifecycleBroadcastAction<'broker'>>>(true);
      expect(other.type).toBe('broker/backendUnregistered');
    }
  });

  it('should make every slice action a Redux UnknownAction, and the reducer a Redux Reducer', () => {
    const actions: ReadonlyArray<UnknownAction> = [
      backendRegistered(liveBackend(zccache)),
      broker.actions.livenessSet(zccache, false),
    ];
    const reducer: Reducer<LifecycleBroadcastState> = lifecycleBroadcastReducer;
    const toolkitReducer: ToolkitReducer<LifecycleBroadcastState> = broker.reducer;
    expect([actions.length, typeof reducer, typeof toolkitReducer]).toEqual([2, 'function', 'function']);
  });

  it('should type the selectors of `selectors`, `getSelectors()` and `getSelectors(selectState)`', () => {
    assertType<Equal<typeof broker.selectors, LifecycleBroadcastSelectors<WithLifecycleBroadcastSlice<'broker'>>>>(
      true,
    );
    assertType<
      Mutual<Parameters<typeof broker.selectors.selectCounts>[0], { readonly broker: LifecycleBroadcastState }>
    >(true);
    const own = broker.getSelectors();
    assertType<Equal<typeof own, LifecycleBroadcastSelectors<LifecycleBroadcastState>>>(true);
    expect(own.selectCounts(broker.getInitialState()).registered).toBe(0);
    const nested = broker.getSelectors((root: { readonly app: { readonly b: LifecycleBroadcastState } }) => root.app.b);
    assertType<Equal<ReturnType<typeof nested.selectCounts>, BackendCounts>>(true);
    expect(nested.selectCounts({ app: { b: broker.getInitialState() } }).live).toBe(0);
    // @ts-expect-error the root state must hold the slice at its reducerPath
    const wrongRoot = () => fleet.selectors.selectCounts({ fleet: fleet.getInitialState() });
    expect(typeof wrongRoot).toBe('function');
  });
});

describe('combineSlices and configureStore (types)', () => {
  const ui = createSlice({
    name: 'ui',
    initialState: { seen: 0 },
    reducers: {},
    extraReducers: (builder) => {
      builder.addCase(broker.actions.operationBroadcast, (state, action) => {
        assertType<Equal<typeof action.payload, OperationBroadcastPayload>>(true);
        state.seen += action.payload.operation._tag === 'Quiesce' ? 1 : 0;
      });
    },
  });

  it('should infer the root state of combineSlices from the slices', () => {
    const rootReducer = combineSlices(broker, fleet, ui, lifecycleBroadcastSlice);
    type Root = ReturnType<typeof rootReducer>;
    assertType<Equal<Root['broker'], LifecycleBroadcastState>>(true);
    assertType<Equal<Root['fleets'], LifecycleBroadcastState>>(true);
    assertType<Equal<Root['lifecycleBroadcast'], LifecycleBroadcastState>>(true);
    assertType<Equal<Root['ui'], { seen: number }>>(true);
    const store = configureStore({ reducer: rootReducer });
    assertType<Equal<ReturnType<typeof store.getState>['broker'], LifecycleBroadcastState>>(true);
    const counts = broker.selectors.selectCounts(store.getState());
    expect(counts.registered).toBe(0);
  });

  it('should type lazily injected slices as possibly absent, and their selectors as always answering', () => {
    const lazy = createLifecycleBroadcastSlice({ name: 'lazy' });
    interface Lazy extends WithSlice<typeof lazy> {}
    const rootReducer = combineSlices(ui).withLazyLoadedSlices<Lazy>();
    assertType<Equal<ReturnType<typeof rootReducer>['lazy'], LifecycleBroadcastState | undefined>>(true);
    const injected = lazy.injectInto(rootReducer);
    const root = rootReducer(undefined, { type: '@@init' });
    const counts: BackendCounts = injected.selectors.selectCounts(root);
    const withLazy = rootReducer.inject(lazy);
    assertType<Equal<ReturnType<typeof withLazy>['lazy'], LifecycleBroadcastState>>(true);
    const moved = lazy.injectInto(combineSlices(ui), { reducerPath: 'elsewhere' });
    assertType<Equal<typeof moved.reducerPath, 'elsewhere'>>(true);
    expect([counts.registered, moved.reducerPath, withLazy(undefined, { type: '@@init' }).lazy]).toEqual([
      0,
      'elsewhere',
      lazy.getInitialState(),
    ]);
  });

  it('should take the slice actions in createReducer and the listener middleware, with their payloads', () => {
    const reducer = createReducer(0, (builder) => {
      builder.addCase(broker.actions.livenessSet, (count, action) => (action.payload.live ? count + 1 : count));
    });
    const seen: string[] = [];
    const listener = createListenerMiddleware();
    listener.startListening({
      actionCreator: broker.actions.operationBroadcast,
      effect: (action) => {
        assertType<Equal<typeof action, SliceAction<'broker/operationBroadcast', OperationBroadcastPayload>>>(true);
        seen.push(action.type);
      },
    });
    const changed = isAnyOf(broker.actions.livenessSet, broker.actions.responseSet);
    listener.startListening({
      matcher: changed,
      effect: (action) => {
        assertType<Equal<typeof action.type, 'broker/livenessSet' | 'broker/responseSet'>>(true);
        seen.push(action.type);
      },
    });
    listener.clearListeners();
    expect(reducer(0, broker.actions.livenessSet(zccache, true))).toBe(1);
    expect(seen).toEqual([]);
  });

  it('should give configureStore middleware and DevTools options it accepts', () => {
    const recorder: Middleware<object, { readonly broker: LifecycleBroadcastState }> = createRecorderMiddleware({
      slice: broker,
      sink: arraySink(),
    });
    const devTools: DevToolsEnhancerOptions = lifecycleBroadcastDevToolsOptions([broker, fleet]);
    const rootReducer = combineSlices(broker, fleet);
    const store = configureStore({
      reducer: rootReducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions([broker, fleet])).concat(recorder),
      devTools,
    });
    expect(store.getState().fleets).toBe(fleet.getInitialState());
  });

  it('should build a preloaded state configureStore accepts', () => {
    const preloadedState = { broker: stateFromRegistry(broker, broker.getInitialState().registry) };
    const rootReducer = combineSlices(broker);
    const store = configureStore({ reducer: rootReducer, preloadedState });
    const latest: BroadcastResult | null = broker.selectors.selectLatestResult(store.getState());
    expect(latest).toBeNull();
  });
});
