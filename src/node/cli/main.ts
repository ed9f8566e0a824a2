#!/usr/bin/env node
/**
 * The `lifecycle-broadcast` executable: runs the command line on the process's arguments and
 * streams, and turns anything that escapes it into one line on standard error.
 *
 * @since 0.1.0
 */
import { errorMessage } from '../../internal/errorMessage';
import { runCli } from './program';

const fail = (error: unknown): void => {
  process.stderr.write(`lifecycle-broadcast: unexpected error: ${errorMessage(error)}\n`);
  process.exit(2);
};

// A reader that goes away (`| head`) ends the output, as it does for any Unix filter.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }
  fail(error);
});
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

runCli(process.argv.slice(2), process).then((code) => {
  process.exitCode = code;
}, fail);
