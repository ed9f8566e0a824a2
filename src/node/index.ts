/**
 * lifecycle-broadcast/node: what needs Node.js. Reading operation logs from files and writing
 * them to Node streams (the `lifecycle-broadcast` command line is built on these), the index of
 * checkpoints a long log file is replayed from, and a live broadcast `Transport` over Unix
 * domain sockets and TCP (`socketTransport`) with the codecs of the lines it exchanges with
 * backends, the backend's side of that protocol (`serveLifecycle`), and the conformance kit that
 * checks any backend against it (`runConformance`).
 *
 * @packageDocumentation
 */

// values
export { DEFAULT_CHECK_TIMEOUT_MS, conformanceChecks, runConformance } from './conformance/runConformance';
export { fileSource } from './fileSource';
export { followFile } from './followFile';
export { defaultIndexFile, replayIndexed, startFromIndex, writeLogIndex } from './logIndex';
export { createLogWriter, writeLog } from './logWriter';
export {
  BackendMessage,
  BackendProgress,
  BackendReply,
  BackendRequest,
  MAX_EXTEND_MS,
  SocketAddress,
} from './protocol';
export {
  DEFAULT_MAX_OUTSTANDING,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_UNREAD_REPLY_BYTES,
  serveLifecycle,
} from './serveLifecycle';
export { DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_REPLY_BYTES, socketTransport } from './socketTransport';

// types
export type { CheckResult, ConformanceOptions, ConformanceReport } from './conformance/runConformance';
export type { LogSink, LogWriter, WriteLogOptions } from './logWriter';
export type { FileSource } from './fileSource';
export type { FollowFileOptions } from './followFile';
export type {
  IndexWritten,
  IndexedReplay,
  IndexedReplayOptions,
  IndexedStart,
  ReplayBounds,
  WriteIndexOptions,
} from './logIndex';
export type { IndexKey } from './indexFile';
export type { Progress, TcpSocketAddress, UnixSocketAddress } from './protocol';
export type {
  HandlerContext,
  LifecycleHandler,
  LifecycleServer,
  LifecycleServerError,
  LifecycleServerErrorCode,
  ListenAddress,
  ServeLifecycleOptions,
} from './serveLifecycle';
export type {
  SocketFailureCode,
  SocketTransport,
  SocketTransportError,
  SocketTransportOptions,
} from './socketTransport';
