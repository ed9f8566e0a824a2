/**
 * W5 at fleet size: 10,000 backends (by default) on Unix sockets, served by several child
 * processes of scripts/live-backends.mjs, one backend in ten never answering, every other one
 * answering 20 ms after it reads its request; one broadcast at a time with unlimited concurrency
 * and a 250 ms policy, as a broker under load runs it. Counted per broadcast: the backends that
 * answered but were reported as timed out (false timeouts: a correct runner reports none), the
 * wall time and the broker's CPU per backend, with the load average beside each figure.
 *
 *   npm run bench:live-load                       # 10,000 backends, 5 broadcasts
 *   npm run bench:live-load -- --backends 2000 --runs 3
 *   npm run bench:live-load -- --compare OLD/.bench-build/src     # against another build, round by round
 *
 * With `--compare`, the library compiled in that folder (its `index.js` and `node/index.js`, for
 * example 0.2.0's, built by `tsc -p bench/tsconfig.json` in a checkout of it) runs the same
 * broadcasts over the same fleet, alternating with this one, each with its own connections.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { releaseHandlesOperation } from '../src';
import * as library from '../src';
import * as nodeLibrary from '../src/node';
import type { SocketAddress } from '../src/node';
import { registryOf } from './live';

const ROOT = path.join(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'scripts', 'live-backends.mjs');

/** Backends per serving process: each holds a listening socket and a connection per backend. */
const PER_PROCESS = 2500;

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`bench:live-load: ${name} must be a positive integer, got ${String(args[at + 1])}`);
  }
  return value;
};

/** Backend i never answers. */
export const isSilent = (i: number): boolean => i % 10 === 5;

export interface Fleet {
  readonly addresses: ReadonlyMap<string, SocketAddress>;
  readonly stop: () => Promise<void>;
}

const startOne = (
  config: string,
): Promise<{ readonly child: ChildProcessWithoutNullStreams; readonly ready: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, config], { stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
    });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const end = out.indexOf('\n');
      if (end >= 0) {
        resolve({ child, ready: out.slice(0, end) });
      }
    });
    child.once('exit', () => {
      reject(new Error(`a backend server exited before it was ready: ${err}`));
    });
  });

/** `n` backends b0..b(n-1) on Unix sockets in `dir`, `PER_PROCESS` to a process. */
export const startFleet = async (
  n: number,
  dir: string,
  stepOf: (i: number) => ReadonlyArray<Record<string, unknown>>,
): Promise<Fleet> => {
  const parts: Array<{ readonly child: ChildProcessWithoutNullStreams; readonly ready: string }> = [];
  try {
    for (let from = 0; from < n; from += PER_PROCESS) {
      const config = path.join(dir, `fleet-${String(from)}.json`);
      fs.writeFileSync(
        config,
        JSON.stringify({
          report: false,
          backends: Array.from({ length: Math.min(PER_PROCESS, n - from) }, (_, k) => ({
            name: `b${String(from + k)}`,
            listen: { path: path.join(dir, `b${String(from + k)}.sock`) },
            script: stepOf(from + k),
          })),
        }),
      );
      parts.push(await startOne(config));
    }
  } catch (error: unknown) {
    parts.forEach((p) => p.child.kill('SIGTERM'));
    throw error;
  }
  const addresses = new Map<string, SocketAddress>();
  for (const p of parts) {
    const ready = JSON.parse(p.ready) as {
      readonly backends: ReadonlyArray<{ readonly name: string; readonly address: SocketAddress }>;
    };
    ready.backends.forEach((b) => addresses.set(b.name, b.address));
  }
  const stop = async (): Promise<void> => {
    await Promise.all(
      parts.map(
        (p) =>
          new Promise<void>((done) => {
            if (p.child.exitCode !== null) {
              done();
              return;
            }
            p.child.once('exit', () => {
              done();
            });
            p.child.kill('SIGTERM');
          }),
      ),
    );
  };
  return { addresses, stop };
};

export const median = (values: ReadonlyArray<number>): string => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${mid.toFixed(1)} (${(sorted[0] ?? 0).toFixed(1)}-${(sorted[sorted.length - 1] ?? 0).toFixed(1)})`;
};

interface Contender {
  readonly name: string;
  readonly runBroadcast: typeof library.runBroadcast;
  readonly transport: nodeLibrary.SocketTransport;
  readonly walls: number[];
  readonly cpus: number[];
  readonly falseTimeouts: number[];
}

const main = async (): Promise<void> => {
  const n = flag('--backends', 10_000);
  const runs = flag('--runs', 5);
  const policyMs = flag('--policy', 250);
  const compareAt = args.indexOf('--compare');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-load-'));
  const silent = Array.from({ length: n }, (_, i) => i).filter(isSilent).length;
  try {
    const fleet = await startFleet(n, dir, (i) => [isSilent(i) ? { answer: 'never' } : { answer: 'Ack', delayMs: 20 }]);
    const addressOf = (key: library.BackendKey): SocketAddress => fleet.addresses.get(key.serviceName) as SocketAddress;
    const contenders: Contender[] = [
      {
        name: 'this build',
        runBroadcast: library.runBroadcast,
        transport: nodeLibrary.socketTransport({ addressOf }),
        walls: [],
        cpus: [],
        falseTimeouts: [],
      },
    ];
    if (compareAt >= 0) {
      const other = path.resolve(args[compareAt + 1] ?? '.');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const root = require(path.join(other, 'index.js')) as typeof library;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const node = require(path.join(other, 'node', 'index.js')) as typeof nodeLibrary;
      contenders.unshift({
        name: other,
        runBroadcast: root.runBroadcast,
        transport: node.socketTransport({ addressOf }),
        walls: [],
        cpus: [],
        falseTimeouts: [],
      });
    }
    const registry = registryOf(n, policyMs);
    const operation = releaseHandlesOperation('/var/cache/bench');
    try {
      for (const c of contenders) {
        await c.runBroadcast(registry, operation, c.transport, { concurrency: Infinity }); // connections open
      }
      console.log(
        `W5 at ${String(n)} backends (${String(silent)} never answer, the others after 20 ms), ${String(policyMs)} ms policy, unlimited concurrency, Node ${process.version}, ${String(os.cpus().length)} cores`,
      );
      for (let r = 0; r < runs; r++) {
        for (const c of contenders) {
          const load = os.loadavg()[0] ?? 0;
          const cpu = process.cpuUsage();
          const start = performance.now();
          const live = await c.runBroadcast(registry, operation, c.transport, { concurrency: Infinity });
          const wall = performance.now() - start;
          const used = process.cpuUsage(cpu);
          const falseTimeouts = live.result.timeouts.filter(
            (e) => !isSilent(Number(e.key.serviceName.slice(1))),
          ).length;
          const missed = live.result.timeouts.length - falseTimeouts;
          c.walls.push(wall);
          c.cpus.push((used.user + used.system) / n);
          c.falseTimeouts.push(falseTimeouts);
          console.log(
            `  ${c.name}, broadcast ${String(r + 1)}: ${String(live.result.acks.length)} acks, ${String(live.result.timeouts.length)} timeouts (${String(falseTimeouts)} of them backends that answered; ${String(silent - missed)} silent ones not listed), ${String(live.result.failures.length)} failures; wall ${wall.toFixed(0)} ms, CPU ${((used.user + used.system) / n).toFixed(1)} us per backend; load ${load.toFixed(2)}`,
          );
        }
      }
      for (const c of contenders) {
        console.log(
          `${c.name}: false timeouts ${c.falseTimeouts.join(', ')}; wall ms ${median(c.walls)}; CPU us per backend ${median(c.cpus)}`,
        );
      }
      console.log(`load average at the end ${(os.loadavg()[0] ?? 0).toFixed(2)}`);
    } finally {
      for (const c of contenders) {
        await c.transport.close();
      }
      await fleet.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:live-load failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
