#!/usr/bin/env node
// A complete lifecycle-broadcast backend: the protocol of docs/live.md in plain Node.js, with
// no dependency. It listens on a Unix domain socket or a TCP port, reads one JSON request per
// line, and answers each on one line with the request's id.
//
//   node examples/backend.mjs --socket /tmp/zccache.sock
//   node examples/backend.mjs --port 7070 [--host 127.0.0.1]     (--port 0: any free port)
//
// Once listening it prints one JSON line saying where, and it stops on SIGINT or SIGTERM.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { socket: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
});

const say = (line) => process.stderr.write(`backend ${process.pid}: ${line}\n`);

// What this backend does for each operation it knows; it answers UnsupportedOperation to any other.
const operations = {
  ReleaseHandles: (op) => {
    say(`releasing the file handles under ${op.pathPrefix}`);
    return { _tag: 'Ack' };
  },
  Quiesce: (op) => {
    say(`draining (${op.reason}): no new work accepted`);
    return { _tag: 'Ack' };
  },
};

const answer = (request) => {
  const handle = operations[request.operation?._tag];
  if (handle === undefined) {
    return { _tag: 'Failure', reason: 'UnsupportedOperation' };
  }
  try {
    return handle(request.operation);
  } catch (error) {
    say(`failed: ${error.message}`);
    return { _tag: 'Failure', reason: 'BackendError' };
  }
};

const connections = new Set();
const server = net.createServer((socket) => {
  connections.add(socket);
  socket.on('close', () => connections.delete(socket));
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end).trim();
      buffered = buffered.slice(end + 1);
      if (line === '') {
        continue;
      }
      let request;
      try {
        request = JSON.parse(line);
      } catch {
        request = null;
      }
      if (!Number.isSafeInteger(request?.id) || request.id < 1) {
        socket.destroy(); // without an id there is nothing to answer to
        return;
      }
      socket.write(`${JSON.stringify({ id: request.id, outcome: answer(request) })}\n`);
    }
  });
});

const stop = () => {
  server.close(() => process.exit(0));
  connections.forEach((socket) => socket.destroy());
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const ready = () => {
  const address = args.socket ?? { host: server.address().address, port: server.address().port };
  console.log(
    JSON.stringify({
      event: 'ready',
      pid: process.pid,
      address: typeof address === 'string' ? { path: address } : address,
    }),
  );
};
if (args.socket !== undefined) {
  fs.rmSync(args.socket, { force: true }); // a stale socket file from an earlier run
  server.listen(args.socket, ready);
} else if (args.port !== undefined) {
  server.listen(Number(args.port), args.host ?? '127.0.0.1', ready);
} else {
  say('usage: backend.mjs --socket PATH | --port N [--host HOST]');
  process.exit(2);
}
