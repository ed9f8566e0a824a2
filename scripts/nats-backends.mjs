#!/usr/bin/env node
/**
 * Backends on NATS that behave as they are told, for the NATS transport tests, the fleet demo
 * and the W6 benchmark: one process serving any number of backends, each answering the protocol
 * of docs/live.md on its NATS subject (docs/fleet.md). It can also misbehave; the library's
 * `serveNatsBackend` is the well-behaved backend.
 *
 *   node scripts/nats-backends.mjs CONFIG
 *
 * CONFIG is a JSON file, or the JSON text itself:
 *
 *   { "servers": "127.0.0.1:4222", "report": true, "shared": false,
 *     "backends": [ { "name": "zccache", "subject": "lifecycle.backend....",
 *                     "script": [ { "answer": "Ack", "delayMs": 0 }, ... ] } ] }
 *
 * With `shared`, all backends use one connection; otherwise each has its own. The n-th request
 * a backend receives follows `script[n]`; the last step repeats. Answers are those of
 * scripts/live-backends.mjs, over NATS: `Ack`, `UnsupportedOperation`, `Rejected`,
 * `BackendError` (after `delayMs`); `never`; `hold` (answered at the next request, late);
 * `close` (close this backend's connection instead of answering); `crash` (exit with code 1);
 * `garbage`, `wrong-id`, `bad-outcome`, `bad-utf8`, `oversized` (100 kB); and `twice` (two
 * replies to one request, `Ack` then `Rejected`). A step's `progress`, `{ "extendMs": m, "count": c,
 * "everyMs": e }`, sends `c` progress messages `{"id":n,"progress":{"extendMs":m}}` to the reply
 * subject before its answer, one every `e` ms (0: all at once), the first as soon as the request
 * is read, as scripts/live-backends.mjs does.
 *
 * It prints `{"event":"ready","pid":N}` once every backend subscribes (and the server knows it),
 * with `report`, `{"event":"request","name":...,"request":...}` lines, and after a reconnection
 * `{"event":"resubscribed","name":...}` for each backend of that connection once the server
 * knows its subscription again. It exits on SIGTERM or
 * SIGINT, or when its standard input ends.
 */
import * as fs from 'node:fs';

import { connect } from '@nats-io/transport-node';

const config = JSON.parse(
  process.argv[2]?.trim().startsWith('{') ? process.argv[2] : fs.readFileSync(process.argv[2] ?? '', 'utf8'),
);
const report = config.report === true;
const say = (event) => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const connections = [];
const shutdown = async (code) => {
  await Promise.allSettled(connections.map((c) => c.close()));
  process.exit(code);
};
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.on('error', () => void shutdown(0));
process.stdin.resume();

const options = { servers: config.servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 };
const outcomeOf = (answer) => (answer === 'Ack' ? { _tag: 'Ack' } : { _tag: 'Failure', reason: answer });
const reply = (nc, to, id, outcome) => {
  if (!nc.isClosed()) {
    nc.publish(to, JSON.stringify({ id, outcome }));
  }
};

/** `count` progress messages asking for `extendMs` more, one every `everyMs` (0: all at once). */
const sendProgress = (nc, to, id, progress) => {
  const message = JSON.stringify({ id, progress: { extendMs: progress.extendMs } });
  for (let k = 0; k < (progress.count ?? 1); k++) {
    const send = () => {
      if (!nc.isClosed()) {
        nc.publish(to, message);
      }
    };
    if ((progress.everyMs ?? 0) > 0) {
      setTimeout(send, k * progress.everyMs);
    } else {
      send();
    }
  }
};

/** After each reconnection of `nc`, say so for its backends once the server has their subscriptions. */
const watch = (nc, backends) => {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'reconnect') {
        await nc.flush();
        if (report) {
          backends.forEach((b) => say({ event: 'resubscribed', name: b.name }));
        }
      }
    }
  })();
};

const serve = (nc, backend) => {
  const script = backend.script?.length > 0 ? backend.script : [{ answer: 'Ack' }];
  let requests = 0;
  let held = null;
  nc.subscribe(backend.subject, {
    callback: (error, msg) => {
      if (error !== null) {
        return;
      }
      let request = null;
      try {
        request = JSON.parse(new TextDecoder().decode(msg.data));
      } catch {
        return;
      }
      if (report) {
        say({ event: 'request', name: backend.name, request });
      }
      const step = script[Math.min(requests, script.length - 1)];
      requests += 1;
      if (held !== null) {
        reply(nc, held.to, held.id, { _tag: 'Ack' });
        held = null;
      }
      const act = () => {
        switch (step.answer) {
          case 'Ack':
          case 'UnsupportedOperation':
          case 'Rejected':
          case 'BackendError':
            reply(nc, msg.reply, request.id, outcomeOf(step.answer));
            break;
          case 'never':
            break;
          case 'hold':
            held = { to: msg.reply, id: request.id };
            break;
          case 'close':
            void nc.close();
            break;
          case 'crash':
            process.exit(1);
            break;
          case 'garbage':
            nc.publish(msg.reply, 'this is not JSON');
            break;
          case 'wrong-id':
            reply(nc, msg.reply, request.id + 1_000_000, { _tag: 'Ack' });
            break;
          case 'bad-utf8':
            nc.publish(msg.reply, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
            break;
          case 'bad-outcome':
            reply(nc, msg.reply, request.id, { _tag: 'Maybe' });
            break;
          case 'oversized':
            nc.publish(
              msg.reply,
              JSON.stringify({ id: request.id, outcome: { _tag: 'Ack' }, pad: 'x'.repeat(100_000) }),
            );
            break;
          case 'twice':
            reply(nc, msg.reply, request.id, { _tag: 'Ack' });
            reply(nc, msg.reply, request.id, { _tag: 'Failure', reason: 'Rejected' });
            break;
          default:
            throw new Error(`${backend.name}: unknown answer ${JSON.stringify(step.answer)}`);
        }
      };
      if (step.progress !== undefined) {
        sendProgress(nc, msg.reply, request.id, step.progress);
      }
      if ((step.delayMs ?? 0) > 0) {
        setTimeout(act, step.delayMs);
      } else {
        act();
      }
    },
  });
};

const main = async () => {
  if (config.shared === true) {
    const nc = await connect(options);
    connections.push(nc);
    config.backends.forEach((b) => serve(nc, b));
    watch(nc, config.backends);
  } else {
    for (const b of config.backends) {
      const nc = await connect(options);
      connections.push(nc);
      serve(nc, b);
      watch(nc, [b]);
    }
  }
  await Promise.all(connections.map((nc) => nc.flush()));
  say({ event: 'ready', pid: process.pid });
};

main().catch((error) => {
  process.stderr.write(`nats-backends: ${error.message}\n`);
  void shutdown(2);
});
