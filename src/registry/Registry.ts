/**
 * The broadcast registry: an immutable value holding the backends in registration order, and
 * the pure reducers that return a new registry together with a tagged result.
 *
 * This module gathers the registry's three parts: its storage (the model and constructors),
 * the checks of what plain JavaScript gives, its reducers and its queries.
 *
 * @since 0.1.0
 */
export {
  broadcastCounted,
  broadcastStatus,
  createRegistry,
  emptyRegistry,
  restoreRegistry,
  slotImages,
} from './storage';
export type { Audience, LiveSpan, Registry, Slot, SlotImage, Transition } from './storage';
export { checkRegistry } from './checks';
export {
  broadcast,
  broadcastChecked,
  broadcastTo,
  broadcastToChecked,
  mergeRetry,
  quiesce,
  register,
  registerChecked,
  registrationOrder,
  releaseHandlesUnderPath,
  retryUnacknowledged,
  setLive,
  setLiveChecked,
  setResponse,
  setResponseChecked,
  unregister,
  unregisterChecked,
} from './reducers';
export type { TargetedTransition } from './reducers';
export { backendCount, backends, isRegistered, liveCount, lookup, receivedOperations, snapshot } from './queries';
export type { BackendSnapshot, RegistrySnapshot } from './queries';
