#!/usr/bin/env node
/**
 * Backends that behave as they are told, for the live broadcast tests, `npm run demo:live` and
 * the W5 benchmark: one process serving any number of backends, each on its own Unix domain
 * socket or TCP port, speaking the protocol of docs/live.md. (examples/backend.mjs is the
 * minimal backend to read; this one can also misbehave.)
 *
 *   node scripts/live-backends.mjs CONFIG
 *
 * CONFIG is a JSON file, or the JSON text itself:
 *
 *   { "report": true,
 *     "backends": [ { "name": "zccache",
 *                     "listen": { "path": "/tmp/x/zccache.sock" } or { "host": "127.0.0.1", "port": 0 },
 *                     "script": [ { "answer": "Ack", "delayMs": 0 }, ... ] } ] }
 *
 * The n-th request a backend receives follows `script[n]`; the last step repeats. Answers:
 * - `Ack`, `UnsupportedOperation`, `Rejected`, `BackendError`: that reply, after `delayMs`;
 * - `never`: no reply; `hold`: no reply until the backend's next request, which first gets the
 *   held request's `Ack` (a late reply on the same connection);
 * - `ack-close`: the `Ack` reply, then close the connection (the protocol allows it: nothing is
 *   outstanding any more);
 * - `close`: close the connection; `reset`: reset it (TCP; a Unix socket is closed); `crash`:
 *   exit the process with code 1;
 * - `garbage`: a line that is not JSON; `wrong-id`: a reply for an id that was not asked;
 *   `bad-outcome`: a reply with its id but an outcome that is not one; `bad-utf8`: a line that
 *   is not UTF-8; `oversized`: a reply line of 1 MiB.
 *
 * A step may also send progress lines before its answer: `"progress": { "extendMs": m, "count": c,
 * "everyMs": e }` sends `c` lines `{"id":n,"progress":{"extendMs":m}}`, one every `e` ms (0: all at
 * once), the first as soon as the request is read; the answer's `delayMs` counts from then too.
 * A backend with `"read": false` accepts connections and never reads from them.
 * With `"repliedFile": PATH` in the config, a byte is appended to PATH each time a reply has been
 * handed to the kernel (a test can wait for that with the broker's event loop blocked).
 *
 * It prints one JSON line once every backend listens, `{"event":"ready","pid":N,"backends":[{"name","address"}]}`,
 * and with `report`, `{"event":"connection","name":...}` and `{"event":"request","name":...,"request":...}`
 * lines. It exits on SIGTERM or SIGINT, or when its standard input ends (its parent is gone),
 * removing its socket files.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

const config = JSON.parse(
  process.argv[2]?.trim().startsWith('{') ? process.argv[2] : fs.readFileSync(process.argv[2] ?? '', 'utf8'),
);
const report = config.report === true;
const repliedFile = config.repliedFile;
const say = (event) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const servers = [];
const sockets = new Set();
const socketFiles = [];

const shutdown = (code) => {
  for (const socket of sockets) {
    socket.destroy();
  }
  for (const server of servers) {
    server.close();
  }
  for (const file of socketFiles) {
    fs.rmSync(file, { force: true });
  }
  process.exit(code);
};
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
process.stdin.on('end', () => shutdown(0));
process.stdin.on('error', () => shutdown(0));
process.stdin.resume();

const reply = (socket, id, outcome) => {
  if (!socket.destroyed) {
    socket.write(
      `${JSON.stringify({ id, outcome })}\n`,
      repliedFile === undefined ? undefined : () => fs.appendFileSync(repliedFile, '.'),
    );
  }
};

const sendProgress = (socket, id, progress) => {
  const line = `${JSON.stringify({ id, progress: { extendMs: progress.extendMs } })}\n`;
  for (let k = 0; k < (progress.count ?? 1); k++) {
    const send = () => {
      if (!socket.destroyed) {
        socket.write(line);
      }
    };
    if ((progress.everyMs ?? 0) > 0) {
      setTimeout(send, k * progress.everyMs);
    } else {
      send();
    }
  }
};

const outcomeOf = (answer) => (answer === 'Ack' ? { _tag: 'Ack' } : { _tag: 'Failure', reason: answer });

const serve = (backend) => {
  const script = backend.script?.length > 0 ? backend.script : [{ answer: 'Ack' }];
  let requests = 0;
  let held = null;

  const answer = (socket, request) => {
    const step = script[Math.min(requests, script.length - 1)];
    requests += 1;
    if (held !== null) {
      reply(held.socket, held.id, { _tag: 'Ack' });
      held = null;
    }
    const act = () => {
      switch (step.answer) {
        case 'Ack':
        case 'UnsupportedOperation':
        case 'Rejected':
        case 'BackendError':
          reply(socket, request.id, outcomeOf(step.answer));
          break;
        case 'ack-close':
          reply(socket, request.id, { _tag: 'Ack' });
          socket.end();
          break;
        case 'never':
          break;
        case 'hold':
          held = { socket, id: request.id };
          break;
        case 'close':
          socket.destroy();
          break;
        case 'reset':
          if (typeof socket.resetAndDestroy === 'function' && backend.listen.path === undefined) {
            socket.resetAndDestroy();
          } else {
            socket.destroy();
          }
          break;
        case 'crash':
          process.exit(1);
          break;
        case 'garbage':
          socket.write('this is not JSON\n');
          break;
        case 'wrong-id':
          reply(socket, request.id + 1_000_000, { _tag: 'Ack' });
          break;
        case 'bad-utf8':
          socket.write(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
          break;
        case 'bad-outcome':
          reply(socket, request.id, { _tag: 'Maybe' });
          break;
        case 'oversized':
          socket.write(`${JSON.stringify({ id: request.id, outcome: { _tag: 'Ack' }, pad: 'x'.repeat(1 << 20) })}\n`);
          break;
        default:
          throw new Error(`${backend.name}: unknown answer ${JSON.stringify(step.answer)}`);
      }
    };
    if (step.progress !== undefined) {
      sendProgress(socket, request.id, step.progress);
    }
    if ((step.delayMs ?? 0) > 0) {
      setTimeout(act, step.delayMs);
    } else {
      act();
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (report) {
        say({ event: 'closed', name: backend.name });
      }
    });
    if (backend.listen.path === undefined) {
      socket.setNoDelay(true); // a reply goes out at once, as the broker's requests do
    }
    socket.on('error', () => undefined);
    if (report) {
      say({ event: 'connection', name: backend.name });
    }
    if (backend.read === false) {
      socket.pause();
      return;
    }
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffered += chunk;
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        let request = null;
        try {
          request = line === '' ? null : JSON.parse(line);
        } catch {
          // not a request: ignored
        }
        if (request !== null) {
          if (report) {
            say({ event: 'request', name: backend.name, request });
          }
          answer(socket, request);
        }
        end = buffered.indexOf('\n');
      }
    });
  });
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (backend.listen.path !== undefined) {
      fs.rmSync(backend.listen.path, { force: true });
      socketFiles.push(backend.listen.path);
      server.listen(backend.listen.path, () => resolve({ name: backend.name, address: { path: backend.listen.path } }));
    } else {
      server.listen(backend.listen.port ?? 0, backend.listen.host ?? '127.0.0.1', () => {
        const { address, port } = server.address();
        resolve({ name: backend.name, address: { host: address, port } });
      });
    }
  });
};

Promise.all(config.backends.map(serve)).then(
  (backends) => say({ event: 'ready', pid: process.pid, backends }),
  (error) => {
    process.stderr.write(`live-backends: ${error.message}\n`);
    shutdown(2);
  },
);
