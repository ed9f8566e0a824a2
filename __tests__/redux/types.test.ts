/**
 * What the types promise, checked by the compiler (`npm run typecheck`); the assertions at run
 * time only make sure this file is loaded.
 */
import type { Middleware, Reducer, UnknownAction } from 'redux';

import {
  arraySink,
  backendLivenessChanged,
  backendRegistered,
  broadcastRequested,
  createRecorderMiddleware,
  isLifecycleBroadcastAction,
  lifecycleBroadcastReducer,
  liveBackend,
  toRegistryAction,
} from '../../src';
import type { Backend, LifecycleBroadcastAction, LifecycleBroadcastState, RegistryAction } from '../../src';
import { zccache } from './fixtures';

describe('types', () => {
  it('should narrow an unknown action with `.match` and `isLifecycleBroadcastAction`', () => {
    const action: unknown = backendRegistered(liveBackend(zccache));
    if (backendRegistered.match(action)) {
      const backend: Backend = action.payload.backend;
      expect(backend.live).toBe(true);
    }
    if (isLifecycleBroadcastAction(action)) {
      const registryAction: RegistryAction = toRegistryAction(action);
      expect(registryAction._tag).toBe('Register');
    }
  });

  it('should make every slice action a Redux UnknownAction', () => {
    const actions: ReadonlyArray<UnknownAction> = [
      backendRegistered(liveBackend(zccache)),
      backendLivenessChanged(zccache, false),
    ] satisfies ReadonlyArray<LifecycleBroadcastAction>;
    expect(actions).toHaveLength(2);
  });

  it('should make the reducer a Redux Reducer and the recorder a Redux Middleware', () => {
    const reducer: Reducer<LifecycleBroadcastState> = lifecycleBroadcastReducer;
    const recorder: Middleware<object, { readonly broker: LifecycleBroadcastState }> = createRecorderMiddleware({
      sink: arraySink(),
      selectState: (root: { readonly broker: LifecycleBroadcastState }) => root.broker,
    });
    expect(typeof reducer).toBe('function');
    expect(typeof recorder).toBe('function');
  });

  it('should refuse arguments of the wrong type at compile time', () => {
    // @ts-expect-error a liveness is a boolean
    const wrong = () => backendLivenessChanged(zccache, 'yes');
    // @ts-expect-error an operation is required
    const missing = () => broadcastRequested();
    expect([wrong, missing]).toHaveLength(2);
  });
});
