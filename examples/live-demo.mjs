#!/usr/bin/env node
// `npm run demo:live`: live broadcasts to real backend processes, recorded and replayed.
//
// It starts six backends on Unix domain sockets in a temporary folder (two acknowledge, one is
// slower than the 1 s ack timeout, one rejects, one crashes on its first request) and
// registers a sixth that is dead, then broadcasts release-handles and quiesce through
// `runBroadcast` and the socket transport, prints each result, writes both as an operation log
// and replays that log with `lifecycle-broadcast replay --verify`. It stops its processes and
// removes its sockets when it ends, on Ctrl-C too.
//
//   npm run demo:live                    (builds dist/ first)
//   node examples/live-demo.mjs --log live.ndjson   (keep the log)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  deadBackend,
  explicitInstance,
  logHeader,
  matchDiagnostic,
  matchEntry,
  privateInstance,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../dist/index.mjs';
import { socketTransport } from '../dist/node.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { log: { type: 'string' } } });

const POLICY = broadcastPolicy(1000);

/** Each backend: its key, how to start it (none for the dead one), and what it will do. */
const fleet = [
  { key: backendKey(sharedInstance, 'zccache', '1.11.20', 'a3f29c1e'), run: 'example', does: 'acknowledges' },
  { key: backendKey(privateInstance('soldr'), 'soldr', '0.4.1', '5e0c71d2'), run: 'example', does: 'acknowledges' },
  {
    key: backendKey(sharedInstance, 'fbuild', '2.1.3', '9d41be07'),
    run: [{ answer: 'Ack', delayMs: 2500 }],
    does: 'answers after 2.5 s',
  },
  {
    key: backendKey(explicitInstance('ci'), 'indexd', '3.2.0', '1c7e5fa0'),
    run: [{ answer: 'Rejected' }],
    does: 'rejects every operation',
  },
  {
    key: backendKey(sharedInstance, 'cachesrv', '0.9.0', '77aa01b2'),
    run: [{ answer: 'crash' }],
    does: 'crashes on its first request',
  },
  { key: backendKey(sharedInstance, 'oldsvc', '0.1.0', ''), run: null, does: 'dead in the registry' },
];

// -------------------------------------------------------------------------------------
// processes, and cleaning up after them
// -------------------------------------------------------------------------------------

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-demo-'));
const children = [];
const stopping = new AbortController();
let transport = null;
let cleaning = null;

const cleanUp = () => {
  cleaning ??= (async () => {
    await transport?.close();
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const force = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
};

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping.signal.aborted) {
      return;
    }
    console.log(`\n${signal}: cancelling, stopping the backends and removing ${dir}`);
    stopping.abort(new Error(signal));
    cleanUp().then(() => {
      console.log('Stopped.');
      process.exit(130);
    });
  });
}

/** What `promise` gives, unless a signal came meanwhile: the demo then only waits for the clean-up to end it. */
const unlessStopping = async (promise) => {
  const value = await promise;
  return stopping.signal.aborted ? new Promise(() => {}) : value;
};

const label = (key) => {
  const instance =
    key.instance._tag === 'Shared'
      ? 'shared'
      : key.instance._tag === 'Private'
        ? `private:${key.instance.serviceName}`
        : `explicit:${key.instance.name}`;
  return `${key.serviceName} ${key.serviceVersion} ${instance}`;
};

/** Start one backend process listening on `socket`, and resolve once it says it listens. */
const start = (member, socket) =>
  new Promise((resolve, reject) => {
    const argv =
      member.run === 'example'
        ? [path.join(root, 'examples', 'backend.mjs'), '--socket', socket]
        : [
            path.join(root, 'scripts', 'live-backends.mjs'),
            JSON.stringify({
              backends: [{ name: member.key.serviceName, listen: { path: socket }, script: member.run }],
            }),
          ];
    const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      for (const line of text.split('\n').filter((l) => l !== '')) {
        console.log(`    (${member.key.serviceName} says: ${line.replace(/^backend \d+: /, '')})`);
      }
    });
    child.stdout.setEncoding('utf8');
    child.stdout.once('data', () => resolve(child.pid));
    child.once('exit', (code) => {
      if (member.run !== null && !member.crashed) {
        reject(new Error(`${member.key.serviceName} exited with ${code} before it listened`));
      }
    });
  });

// -------------------------------------------------------------------------------------
// printing
// -------------------------------------------------------------------------------------

const pad = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd());
};

const describeEntry = matchEntry({
  Ack: () => 'Ack',
  Timeout: (e) => `Timeout (no answer within ${e.ackTimeoutMs} ms)`,
  Failure: (e) => `Failure(${e.reason})`,
  SkippedDead: () => 'SkippedDead',
});

const describeDiagnostic = matchDiagnostic({
  TransportFailed: (d) => `${d.message} [${d.code}]`,
  InvalidOutcome: (d) => d.message,
  Cancelled: (d) => (d.sent ? 'cancelled before it answered' : 'cancelled before it was sent'),
});

const print = (title, live) => {
  const why = new Map(live.diagnostics.map((d) => [d.key.serviceName, describeDiagnostic(d)]));
  const order = fleet.map((m) => m.key.serviceName);
  const { acks, timeouts, failures, skippedDead } = live.result;
  const rows = [...acks, ...timeouts, ...failures, ...skippedDead]
    .sort((a, b) => order.indexOf(a.key.serviceName) - order.indexOf(b.key.serviceName))
    .map((e) => [label(e.key), describeEntry(e), why.get(e.key.serviceName) ?? '']);
  console.log(`\n${title}: ${live.result._tag}`);
  console.log(pad([['BACKEND', 'OUTCOME', 'CAUSE'], ...rows]).join('\n'));
  const changed = live.actions.filter((a) => a._tag === 'SetResponse');
  console.log(
    changed.length === 0
      ? '  reproduced by: the Broadcast alone (every backend answered as the registry now models it)'
      : `  reproduced by: ${changed.map((a) => `SetResponse(${a.key.serviceName}, ${a.response._tag === 'Failure' ? `Failure(${a.response.reason})` : a.response._tag})`).join(', ')}, then the Broadcast`,
  );
};

// -------------------------------------------------------------------------------------
// the demo
// -------------------------------------------------------------------------------------

const main = async () => {
  const socketOf = new Map(fleet.map((m) => [m.key.serviceName, path.join(dir, `${m.key.serviceName}.sock`)]));
  console.log(`Starting backends on Unix sockets in ${dir} (ack timeout ${POLICY.ackTimeoutMs} ms):`);
  for (const member of fleet) {
    if (member.run === null) {
      console.log(`  ${label(member.key).padEnd(28)} not started: ${member.does}`);
      continue;
    }
    if (Array.isArray(member.run) && member.run.some((step) => step.answer === 'crash')) {
      member.crashed = true; // its exit is expected
    }
    const pid = await unlessStopping(start(member, socketOf.get(member.key.serviceName)));
    console.log(`  ${label(member.key).padEnd(28)} pid ${pid}: ${member.does}`);
  }

  // The broker's registry: it expects every backend to acknowledge; oldsvc is known to be dead.
  // Each line of the log is a registry action, a broadcast with the result it had (see
  // docs/log-format.md).
  let registry = createRegistry(POLICY);
  const lines = [];
  for (const member of fleet) {
    const b = member.run === null ? deadBackend(member.key) : backend(member.key, true, ack);
    registry = register(registry, b).state;
    lines.push({ _tag: 'Register', backend: b });
  }

  transport = socketTransport({ addressOf: (key) => ({ path: socketOf.get(key.serviceName) }) });
  const operations = [
    ['release handles under /var/cache/shared', releaseHandlesOperation('/var/cache/shared')],
    ['quiesce (Maintenance)', quiesceOperation('Maintenance')],
  ];
  for (const [title, operation] of operations) {
    const live = await unlessStopping(runBroadcast(registry, operation, transport, { signal: stopping.signal }));
    print(title, live);
    for (const action of live.actions) {
      lines.push(action._tag === 'Broadcast' ? { ...action, result: live.result } : action);
    }
    registry = live.state;
  }

  const log = args.log === undefined ? path.join(dir, 'live.ndjson') : path.resolve(args.log);
  fs.writeFileSync(log, [logHeader(POLICY), ...lines].map((line) => `${JSON.stringify(line)}\n`).join(''));
  console.log(`\nRecorded ${lines.length} actions in ${log}; replaying it with the command line:\n`);
  console.log(`$ lifecycle-broadcast replay ${path.basename(log)} --verify`);
  const code = await new Promise((resolve) => {
    const replay = spawn(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'replay', log, '--verify'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(replay);
    replay.once('exit', resolve);
  });
  return unlessStopping(code);
};

main().then(
  async (code) => {
    await cleanUp();
    console.log(`\nStopped the ${fleet.filter((m) => m.run !== null).length} backend processes and removed ${dir}.`);
    process.exitCode = code === 0 ? 0 : 1;
  },
  async (error) => {
    if (stopping.signal.aborted) {
      return;
    }
    console.error(`live demo failed: ${error.message}`);
    await cleanUp();
    process.exitCode = 1;
  },
);
