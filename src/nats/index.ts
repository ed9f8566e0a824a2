/**
 * lifecycle-broadcast/nats: broadcasts across machines over NATS. A live broadcast `Transport`
 * over NATS request/reply (`natsTransport`) and the backend side that answers it
 * (`serveNatsBackend`), with the subjects both derive from a `BackendKey` (docs/fleet.md); a
 * fleet of brokers, each exposed with `serveBroker` and asked together by `fleetBroadcast`; a
 * broker's log on a JetStream stream (`jetStreamSink`, `jetStreamSource`).
 * Needs `@nats-io/transport-node` (and `@nats-io/jetstream` for logs), optional peer dependencies.
 *
 * @packageDocumentation
 */

// values
export { DEFAULT_LOG_PREFIX, LOG_LINE_HEADER, jetStreamSink, jetStreamSource, logSubject } from './jetStreamLog';
export { natsAddressSource, parseNatsAddress } from './natsAddress';
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
export type { JetStreamLogOptions, JetStreamSinkOptions, JetStreamSourceOptions } from './jetStreamLog';
export type { NatsLogAddress } from './natsAddress';
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
