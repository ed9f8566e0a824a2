/**
 * The options Redux Toolkit's `getDefaultMiddleware` needs for lifecycle-broadcast slices, so
 * that its development checks stay on for the rest of the store without walking every registry
 * after every dispatch.
 *
 * @since 0.2.0
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A slice and where it is mounted: any slice from `createLifecycleBroadcastSlice` (injected or
 * not), or `{ ...slice, reducerPath: 'outer.broker' }` for one nested inside another combined
 * reducer.
 *
 * @since 0.2.0
 */
export interface MountedSlice {
  /** The dot-separated path of the slice state from the root state. */
  readonly reducerPath: string;
  /** The slice's action creators, whose types the serializable check leaves to the reducer. */
  readonly actions?: Readonly<Record<string, { readonly type: string }>>;
}

/**
 * Options for Redux Toolkit's `getDefaultMiddleware`: the slices' paths skipped by the
 * serializable and immutability checks.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastMiddlewareOptions {
  /**
   * Options of the serializable check: the slices' paths are not walked, and their actions are
   * left to the slices' reducers, which check each with its payload codec.
   */
  readonly serializableCheck: { readonly ignoredPaths: string[]; readonly ignoredActions: string[] };
  /** Options of the immutability check: the slices' paths are not tracked. */
  readonly immutableCheck: { readonly ignoredPaths: string[] };
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const listOf = (slices: MountedSlice | ReadonlyArray<MountedSlice>): ReadonlyArray<unknown> =>
  Array.isArray(slices) ? (slices as ReadonlyArray<unknown>) : [slices];

const pathsOf = (slices: MountedSlice | ReadonlyArray<MountedSlice>): ReadonlyArray<string> =>
  listOf(slices).map((slice, i) => {
    const path: unknown =
      typeof slice === 'object' && slice !== null
        ? (slice as { readonly reducerPath?: unknown }).reducerPath
        : undefined;
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(
        `lifecycleBroadcastMiddlewareOptions: expected a slice (with a reducerPath)${Array.isArray(slices) ? ` at [${String(i)}]` : ''}, got ${typeof slice === 'object' && slice !== null ? 'an object without a reducerPath' : String(slice)}`,
      );
    }
    return path;
  });

const actionTypesOf = (slices: MountedSlice | ReadonlyArray<MountedSlice>): ReadonlyArray<string> =>
  listOf(slices).flatMap((slice) =>
    Object.values((slice as MountedSlice).actions ?? {}).flatMap((creator: unknown) => {
      const type: unknown =
        typeof creator === 'function' || (typeof creator === 'object' && creator !== null)
          ? (creator as { readonly type?: unknown }).type
          : undefined;
      return typeof type === 'string' ? [type] : [];
    }),
  );

/**
 * The `getDefaultMiddleware` options that skip the state of `slices` in Redux Toolkit's
 * serializable and immutability checks, and their actions in the serializable check; both
 * checks stay on for everything else.
 *
 * The slice state is plain, deeply frozen JSON by construction (the reducer stores only what the
 * codecs checked, and freezes it), so neither check can find anything there; but the
 * serializable check walks every object of the state after every dispatch, which grows with
 * the registry (see docs/redux.md for the measured cost). Every action of a slice is checked by
 * its reducer with the action's payload codec, which accepts plain JSON only, and an invalid one
 * is reported by a development warning: walking it again would only add to each dispatch.
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import { createLifecycleBroadcastSlice, lifecycleBroadcastMiddlewareOptions } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const rootReducer = combineSlices(broker)
 * const store = configureStore({
 *   reducer: rootReducer,
 *   middleware: (getDefaultMiddleware) => getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions(broker)),
 * })
 *
 * @since 0.2.0
 */
export const lifecycleBroadcastMiddlewareOptions = (
  slices: MountedSlice | ReadonlyArray<MountedSlice>,
): LifecycleBroadcastMiddlewareOptions => {
  const paths = pathsOf(slices);
  return {
    serializableCheck: { ignoredPaths: [...paths], ignoredActions: [...actionTypesOf(slices)] },
    immutableCheck: { ignoredPaths: [...paths] },
  };
};
