/**
 * W5 live fan-out: 1,000 backends on loopback sockets, all served by one child process
 * (scripts/live-backends.mjs listening on 1,000 Unix sockets, or 1,000 TCP ports of 127.0.0.1),
 * each answering 20 ms after it reads a request. Measured in this process, through the library's
 * own `runBroadcast` and `socketTransport`:
 * - one broadcast's wall time, against the 20 ms floor and against a sequential loop (one
 *   request at a time, as the model's fan-out is written) in the same run;
 * - with 10% of the backends never answering and a 250 ms policy, one broadcast's wall time;
 * - the CPU time of this process per backend per broadcast.
 * Connections are opened by a warm-up broadcast first and reused, as a broker reuses them.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../src';
import type { Backend, Registry, RunBroadcastOptions } from '../src';
import { socketTransport } from '../src/node';
import type { SocketAddress, SocketTransport } from '../src/node';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'scripts', 'live-backends.mjs');

/** How long each backend takes to answer. */
export const REPLY_DELAY_MS = 20;

/** The bound of the second configuration: a quarter of the backends at a time. */
export const BOUNDED = 250;

/** Wall-time figures over several broadcasts, in milliseconds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** What W5 reports. */
export interface LiveFigures {
  readonly backends: number;
  readonly transport: 'unix' | 'tcp';
  /** All answer after 20 ms, default concurrency (`DEFAULT_CONCURRENCY`, 1024: one wave). */
  readonly wallDefault: Spread;
  /** All answer after 20 ms, at most `BOUNDED` requests outstanding (four waves for 1,000). */
  readonly wallBounded: Spread;
  /**
   * The floor of Node's sockets in the same run: one raw connection per backend, a request line
   * written and a reply line read and parsed, nothing else (no timer, no abort, no check).
   */
  readonly wallBare: Spread;
  /** CPU of the same bare loop, microseconds per backend per broadcast. */
  readonly cpuUsBare: Spread;
  /** One request at a time over the same connections; measured once (null when not run). */
  readonly sequentialMs: number | null;
  /** 10% never answer, 250 ms policy, default concurrency. */
  readonly tenPercentSilentDefault: Spread;
  /** 10% never answer, 250 ms policy, at most `BOUNDED` outstanding. */
  readonly tenPercentSilentBounded: Spread;
  /** CPU time of the broker process (user + system), microseconds per backend per broadcast, all answering. */
  readonly cpuUsPerBackend: Spread;
  /** Whether every broadcast listed each backend once, none as failed, and every silent one as timed out. */
  readonly allAsExpected: boolean;
  /** In the 250 ms runs, answering backends that were listed as timed out anyway (a loaded machine's stalls), in all. */
  readonly answeringButLate: number;
  /** The machine's one-minute load average when the workload started and when it ended. */
  readonly loadAverage: readonly [number, number];
}

const spreadOf = (values: ReadonlyArray<number>): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, runs: sorted.length };
};

interface Server {
  readonly addresses: ReadonlyMap<string, SocketAddress>;
  readonly stop: () => Promise<void>;
}

/** Start one process serving `n` backends named b0..b(n-1); `silent(i)` never answers. */
const startServer = (n: number, kind: 'unix' | 'tcp', dir: string, silent: (i: number) => boolean): Promise<Server> =>
  new Promise((resolve, reject) => {
    const config = path.join(dir, `fleet-${kind}-${String(Date.now())}.json`);
    fs.writeFileSync(
      config,
      JSON.stringify({
        report: false,
        backends: Array.from({ length: n }, (_, i) => ({
          name: `b${String(i)}`,
          listen: kind === 'unix' ? { path: path.join(dir, `b${String(i)}.sock`) } : { host: '127.0.0.1', port: 0 },
          script: [silent(i) ? { answer: 'never' } : { answer: 'Ack', delayMs: REPLY_DELAY_MS }],
        })),
      }),
    );
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SERVER, config], { stdio: 'pipe' });
    let out = '';
    let err = '';
    const exited = new Promise<void>((done) => {
      child.once('exit', () => {
        done();
      });
    });
    const stop = async (): Promise<void> => {
      child.kill('SIGTERM');
      await exited;
    };
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
    });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const end = out.indexOf('\n');
      if (end >= 0) {
        const ready = JSON.parse(out.slice(0, end)) as {
          readonly backends: ReadonlyArray<{ readonly name: string; readonly address: SocketAddress }>;
        };
        resolve({ addresses: new Map(ready.backends.map((b) => [b.name, b.address])), stop });
      }
    });
    void exited.then(() => {
      reject(new Error(`the backend server exited before it was ready: ${err}`));
    });
  });

/** A registry of `n` live backends b0..b(n-1) modelled as acknowledging. */
export const registryOf = (n: number, ackTimeoutMs: number): Registry => {
  let state = createRegistry(broadcastPolicy(ackTimeoutMs));
  for (let i = 0; i < n; i++) {
    state = register(state, backend(backendKey(sharedInstance, `b${String(i)}`, '1.0.0', ''), true, ack)).state;
  }
  return state;
};

const operation = releaseHandlesOperation('/var/cache/bench');

interface Measured {
  readonly wallMs: number;
  readonly cpuUs: number;
  readonly acks: number;
  readonly timeouts: number;
}

/** Raw connections to `addresses`, and a broadcast over them that only writes and reads lines. */
const bareClient = async (
  addresses: ReadonlyArray<SocketAddress>,
): Promise<{ readonly broadcast: () => Promise<Measured>; readonly close: () => void }> => {
  const sockets = await Promise.all(
    addresses.map(
      (a) =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = 'path' in a ? net.connect(a.path) : net.connect(a.port, a.host);
          socket.once('connect', () => {
            resolve(socket);
          });
          socket.once('error', reject);
        }),
    ),
  );
  const waiting = new Map<net.Socket, () => void>();
  for (const socket of sockets) {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        waiting.get(socket)?.();
      }
    });
  }
  const json = JSON.stringify(operation);
  let id = 0;
  const broadcast = async (): Promise<Measured> => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            waiting.set(socket, resolve);
            id += 1;
            socket.write(`{"id":${String(id)},"operation":${json}}\n`);
          }),
      ),
    );
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuUs: used.user + used.system, acks: sockets.length, timeouts: 0 };
  };
  return {
    broadcast,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
    },
  };
};

const once = async (
  registry: Registry,
  transport: SocketTransport,
  options: RunBroadcastOptions,
): Promise<Measured> => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const live = await runBroadcast(registry, operation, transport, options);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    cpuUs: used.user + used.system,
    acks: live.result.acks.length,
    timeouts: live.result.timeouts.length,
  };
};

/**
 * W5 over `kind` sockets: `runs` measured broadcasts per configuration, after two warm-up
 * broadcasts; the sequential loop once when `sequential`.
 */
export const liveWorkload = async (
  kind: 'unix' | 'tcp',
  options: { readonly backends: number; readonly runs: number; readonly sequential: boolean },
): Promise<LiveFigures> => {
  const n = options.backends;
  const loadBefore = os.loadavg()[0] ?? 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-live-'));
  let ok = true;
  let late = 0;
  const expect = (m: Measured, acks: number, timeouts: number): Measured => {
    ok &&= m.acks + m.timeouts === n && m.timeouts >= timeouts;
    late += m.timeouts - timeouts;
    ok &&= acks - m.acks === m.timeouts - timeouts;
    return m;
  };
  try {
    // 1. Every backend answers after 20 ms.
    const all = await startServer(n, kind, dir, () => false);
    const answering = registryOf(n, 5000);
    const transport = socketTransport({ addressOf: (key) => all.addresses.get(key.serviceName) as SocketAddress });
    let sequentialMs: number | null = null;
    const defaults: Measured[] = [];
    const bounded: Measured[] = [];
    const bare: Measured[] = [];
    const raw = await bareClient([...all.addresses.values()]);
    try {
      await once(answering, transport, { concurrency: Infinity });
      await once(answering, transport, { concurrency: Infinity });
      await raw.broadcast();
      // Interleaved, so that each configuration meets the same machine.
      for (let r = 0; r < options.runs; r++) {
        defaults.push(expect(await once(answering, transport, {}), n, 0));
        bounded.push(expect(await once(answering, transport, { concurrency: BOUNDED }), n, 0));
        bare.push(await raw.broadcast());
      }
      if (options.sequential) {
        const targets: ReadonlyArray<Backend> = Array.from({ length: n }, (_, i) =>
          backend(backendKey(sharedInstance, `b${String(i)}`, '1.0.0', ''), true, ack),
        );
        const start = performance.now();
        for (const target of targets) {
          const outcome = await transport(target, operation, new AbortController().signal);
          ok &&= outcome._tag === 'Ack';
        }
        sequentialMs = performance.now() - start;
      }
    } finally {
      raw.close();
      await transport.close();
      await all.stop();
    }

    // 2. One backend in ten never answers; the policy gives each 250 ms.
    const silent = (i: number): boolean => i % 10 === 5;
    const some = await startServer(n, kind, dir, silent);
    const withSilent = registryOf(n, 250);
    const silentCount = Array.from({ length: n }, (_, i) => i).filter(silent).length;
    const transport2 = socketTransport({ addressOf: (key) => some.addresses.get(key.serviceName) as SocketAddress });
    const silentDefault: Measured[] = [];
    const silentBounded: Measured[] = [];
    try {
      await once(withSilent, transport2, { concurrency: Infinity });
      for (let r = 0; r < options.runs; r++) {
        silentDefault.push(expect(await once(withSilent, transport2, {}), n - silentCount, silentCount));
        silentBounded.push(
          expect(await once(withSilent, transport2, { concurrency: BOUNDED }), n - silentCount, silentCount),
        );
      }
    } finally {
      await transport2.close();
      await some.stop();
    }

    return {
      backends: n,
      transport: kind,
      wallDefault: spreadOf(defaults.map((m) => m.wallMs)),
      wallBounded: spreadOf(bounded.map((m) => m.wallMs)),
      sequentialMs,
      tenPercentSilentDefault: spreadOf(silentDefault.map((m) => m.wallMs)),
      tenPercentSilentBounded: spreadOf(silentBounded.map((m) => m.wallMs)),
      cpuUsPerBackend: spreadOf([...defaults, ...bounded].map((m) => m.cpuUs / n)),
      wallBare: spreadOf(bare.map((m) => m.wallMs)),
      cpuUsBare: spreadOf(bare.map((m) => m.cpuUs / n)),
      allAsExpected: ok,
      answeringButLate: late,
      loadAverage: [loadBefore, os.loadavg()[0] ?? 0],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
