#!/usr/bin/env node
/**
 * The `lifecycle-broadcast` executable: runs the command line on the process's arguments and
 * streams, and turns anything that escapes it into one line on standard error. It reads NATS
 * addresses with `lifecycle-broadcast/nats`, loaded only when one is given (its NATS packages are
 * optional peers).
 *
 * @since 0.1.0
 */
import { errorMessage } from './internal/errorMessage';
import { printable } from './internal/printable';
import type { LogSource } from './log/logReader';
import type { FollowControl } from './node/cli/follow';
import { runCli } from './node/cli/program';
import { clearProgress } from './node/cli/progress';

const fail = (error: unknown): void => {
  process.stderr.write(`lifecycle-broadcast: unexpected error: ${printable(errorMessage(error))}\n`);
  process.exit(2);
};

// `runCli` sees every failed write to standard output through the write's callback and reports
// it ("cannot write standard output: ..."); these listeners only keep Node from also treating
// the stream's 'error' event as uncaught. Standard error has nowhere to report its own failures.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
// Ctrl-C: a command that asked for it (`replay --follow`) finishes with what it has; otherwise,
// and on a second Ctrl-C, erase the progress bar rather than leave it on screen, and exit as
// shells expect.
const interrupted = new Set<() => void>();
process.on('SIGINT', () => {
  if (interrupted.size > 0) {
    const handlers = [...interrupted];
    interrupted.clear();
    for (const handler of handlers) {
      handler();
    }
    return;
  }
  clearProgress();
  process.exit(130);
});
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

let finished = false;
// Node exits, with code 0, once nothing is left to wait for, even when a promise the command
// awaits never settles (a `shrink --until` predicate that never resolves): say so and give 2.
process.on('beforeExit', () => {
  if (!finished) {
    clearProgress();
    process.stderr.write(
      'lifecycle-broadcast: the command could not finish: a promise it waited for never settled (such as one a --until predicate returned)\n',
    );
    process.exit(2);
  }
});

const onInterrupt = (handler: () => void): (() => void) => {
  interrupted.add(handler);
  return () => {
    interrupted.delete(handler);
  };
};

const NATS_MISSING =
  'reading a NATS address needs @nats-io/transport-node and @nats-io/jetstream (optional peer dependencies): npm install them';

const openNats = (address: string, follow?: FollowControl): LogSource => ({
  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    const nats = await import('./nats/natsAddress').catch((error: unknown) => {
      throw (error as { readonly code?: unknown }).code === 'MODULE_NOT_FOUND' ? new Error(NATS_MISSING) : error;
    });
    yield* nats.natsAddressSource(address, follow);
  },
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt,
  openNats,
}).then((code) => {
  finished = true;
  process.exitCode = code;
}, fail);
