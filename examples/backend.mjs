#!/usr/bin/env node
// A complete lifecycle-broadcast backend on the library's backend helper, `serveLifecycle`: it
// listens on a Unix domain socket or a TCP port and answers each operation of docs/live.md.
// The helper does the framing, ids, size limits, decoding and graceful close; the handler only
// says what this backend does.
//
//   node examples/backend.mjs --socket /tmp/zccache.sock
//   node examples/backend.mjs --port 7070 [--host 127.0.0.1]     (--port 0: any free port)
//
// Once listening it prints one JSON line saying where; on SIGINT or SIGTERM it answers the
// requests under way and stops.
import { parseArgs } from 'node:util';

import { serveLifecycle } from 'lifecycle-broadcast/node';

const { values: args } = parseArgs({
  options: { socket: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
});
const say = (line) => process.stderr.write(`backend ${process.pid}: ${line}\n`);

const address =
  args.socket !== undefined
    ? { path: args.socket }
    : args.port !== undefined
      ? { host: args.host ?? '127.0.0.1', port: Number(args.port) }
      : undefined;
if (address === undefined) {
  say('usage: backend.mjs --socket PATH | --port N [--host HOST]');
  process.exit(2);
}

// What this backend does for each operation; the helper answers UnsupportedOperation to any other.
const server = await serveLifecycle(
  address,
  async (operation) => {
    if (operation._tag === 'ReleaseHandles') {
      say(`releasing the file handles under ${operation.pathPrefix}`);
    } else {
      say(`draining (${operation.reason}): no new work accepted`);
    }
    return { _tag: 'Ack' };
  },
  { onError: (error) => say(error.message) },
);

const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
console.log(JSON.stringify({ event: 'ready', pid: process.pid, address: server.address }));
