/**
 * lifecycle-broadcast/nats: broadcasts across machines over NATS. A live broadcast `Transport`
 * over NATS request/reply (`natsTransport`) and the backend side that answers it
 * (`serveNatsBackend`), with the subjects both derive from a `BackendKey` (docs/fleet.md); a
 * fleet of brokers, each exposed with `serveBroker` and asked together by `fleetBroadcast`.
 * Needs `@nats-io/transport-node` (an optional peer dependency).
 *
 * @packageDocumentation
 */

// values
export { serveNatsBackend } from './serveNatsBackend';
export { natsTransport } from './natsTransport';
export { serveBroker } from './serveBroker';
export { combineFleet, fleetBroadcast } from './fleetBroadcast';
export { BrokerReply, BrokerRequest } from './brokerProtocol';
export {
  DEFAULT_BACKEND_PREFIX,
  DEFAULT_BROKER_PREFIX,
  backendKeyOfSubject,
  backendSubject,
  brokerSubject,
  escapeToken,
  unescapeToken,
} from './subject';

// types
export type { NatsBackend, ServeNatsBackendOptions } from './serveNatsBackend';
export type { NatsFailureCode, NatsTransport, NatsTransportError, NatsTransportOptions } from './natsTransport';
export type { BrokerRequestContext, NatsBroker, ServeBrokerOptions } from './serveBroker';
export type {
  BrokerAnswered,
  BrokerMissing,
  BrokerMissingReason,
  FleetBroadcast,
  FleetBroadcastOptions,
} from './fleetBroadcast';
export type { BrokerErrorReply, BrokerResultReply } from './brokerProtocol';
