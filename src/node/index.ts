/**
 * lifecycle-broadcast/node: what needs Node.js. Reading operation logs from files and writing
 * them to Node streams; the `lifecycle-broadcast` command line is built on these.
 *
 * @packageDocumentation
 */

// values
export { fileSource } from './fileSource';
export { createLogWriter, writeLog } from './logWriter';

// types
export type { LogSink, LogWriter, WriteLogOptions } from './logWriter';
