/**
 * The options Redux Toolkit's `getDefaultMiddleware` needs for lifecycle-broadcast slices, so
 * that its development checks stay on for the rest of the store without walking every registry
 * after every dispatch.
 *
 * @since 0.2.0
 */

import type { AnyLifecycleBroadcastSlice } from './slice';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

const listOf = (
  slices: AnyLifecycleBroadcastSlice | ReadonlyArray<AnyLifecycleBroadcastSlice>,
): ReadonlyArray<unknown> => (Array.isArray(slices) ? (slices as ReadonlyArray<unknown>) : [slices]);

const pathsOf = (
  slices: AnyLifecycleBroadcastSlice | ReadonlyArray<AnyLifecycleBroadcastSlice>,
): ReadonlyArray<string> =>
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

const actionTypesOf = (
  slices: AnyLifecycleBroadcastSlice | ReadonlyArray<AnyLifecycleBroadcastSlice>,
): ReadonlyArray<string> =>
  listOf(slices).flatMap((slice) =>
    [
      ...Object.values((slice as Partial<AnyLifecycleBroadcastSlice>).actions ?? {}),
      ...Object.values((slice as Partial<AnyLifecycleBroadcastSlice>).idleActions ?? {}),
    ].flatMap((creator: unknown) => {
      const type: unknown =
        typeof creator === 'function' || (typeof creator === 'object' && creator !== null)
          ? (creator as { readonly type?: unknown }).type
          : undefined;
      return typeof type === 'string' ? [type] : [];
    }),
  );

/**
 * The `getDefaultMiddleware` options that keep Redux Toolkit's serializable and immutability
 * checks on, but off the state of `slices` (plain, deeply frozen JSON by construction, which the
 * serializable check would walk after every dispatch) and off their actions (which the reducer
 * checks with their payload codecs).
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
  slices: AnyLifecycleBroadcastSlice | ReadonlyArray<AnyLifecycleBroadcastSlice>,
): LifecycleBroadcastMiddlewareOptions => {
  const paths = pathsOf(slices);
  return {
    serializableCheck: { ignoredPaths: [...paths], ignoredActions: [...actionTypesOf(slices)] },
    immutableCheck: { ignoredPaths: [...paths] },
  };
};
