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
 * Where a slice is mounted: any slice from `createLifecycleBroadcastSlice` (injected or not), or
 * `{ reducerPath: 'outer.broker' }` for a slice nested inside another combined reducer.
 *
 * @since 0.2.0
 */
export interface MountedSlice {
  /** The dot-separated path of the slice state from the root state. */
  readonly reducerPath: string;
}

/**
 * Options for Redux Toolkit's `getDefaultMiddleware`: the slices' paths skipped by the
 * serializable and immutability checks.
 *
 * @since 0.2.0
 */
export interface LifecycleBroadcastMiddlewareOptions {
  /** Options of the serializable check: the slices' paths are not walked. */
  readonly serializableCheck: { readonly ignoredPaths: string[] };
  /** Options of the immutability check: the slices' paths are not tracked. */
  readonly immutableCheck: { readonly ignoredPaths: string[] };
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const pathsOf = (slices: MountedSlice | ReadonlyArray<MountedSlice>): ReadonlyArray<string> => {
  const list: ReadonlyArray<unknown> = Array.isArray(slices) ? slices : [slices];
  return list.map((slice, i) => {
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
};

/**
 * The `getDefaultMiddleware` options that skip the state of `slices` in Redux Toolkit's
 * serializable and immutability checks, which stay on for everything else.
 *
 * The slice state is plain, deeply frozen JSON by construction (the reducer stores only what the
 * codecs checked, and freezes it), so neither check can find anything there; but the
 * serializable check walks every object of the state after every dispatch, which grows with
 * the registry (see docs/redux.md for the measured cost).
 *
 * @example
 * import { combineSlices, configureStore } from '@reduxjs/toolkit'
 * import { createLifecycleBroadcastSlice, lifecycleBroadcastMiddlewareOptions } from 'lifecycle-broadcast'
 *
 * const broker = createLifecycleBroadcastSlice({ name: 'broker' })
 * const store = configureStore({
 *   reducer: combineSlices(broker),
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
    serializableCheck: { ignoredPaths: [...paths] },
    immutableCheck: { ignoredPaths: [...paths] },
  };
};
