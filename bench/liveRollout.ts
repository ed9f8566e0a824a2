/**
 * W5 with a rollout and with retries: 1,000 backends (by default) on Unix sockets answering 20 ms
 * after they read a request, broadcast round by round in three ways, interleaved:
 * - in one wave (unlimited concurrency): the floor is 20 ms;
 * - as a rollout of 10% waves (`{ wave: '10%' }`): ten waves, so the floor is 10 x 20 ms;
 * - with retries (`{ attempts: 2, backoffMs: 0 }`) against a second fleet in which one backend in
 *   ten rejects every other request: two attempts, so the floor is 2 x 20 ms.
 * Wall time against its floor, and the broker's CPU per backend sent to, with the load average.
 *
 *   npm run bench:live-rollout [-- --backends 1000 --runs 7]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { releaseHandlesOperation, runBroadcast } from '../src';
import type { RunBroadcastOptions } from '../src';
import { socketTransport } from '../src/node';
import type { SocketAddress } from '../src/node';
import { registryOf } from './live';
import { median, startFleet } from './liveLoad';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`bench:live-rollout: ${name} must be a positive integer, got ${String(args[at + 1])}`);
  }
  return value;
};

const FLOOR_MS = 20;

const main = async (): Promise<void> => {
  const n = flag('--backends', 1000);
  const runs = flag('--runs', 7);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-rollout-'));
  const flaky = (i: number): boolean => i % 10 === 3;
  try {
    const steady = await startFleet(n, path.join(dir), () => [{ answer: 'Ack', delayMs: FLOOR_MS }]);
    const retryDir = fs.mkdtempSync(path.join(dir, 'retry-'));
    // Rejected, then Ack, then Rejected...: each broadcast's first attempt fails, its retry acknowledges.
    const alternating = Array.from({ length: 2 * (runs + 2) }, (_, k) => ({
      answer: k % 2 === 0 ? 'Rejected' : 'Ack',
      delayMs: FLOOR_MS,
    }));
    const retrying = await startFleet(n, retryDir, (i) =>
      flaky(i) ? alternating : [{ answer: 'Ack', delayMs: FLOOR_MS }],
    );
    const toSteady = socketTransport({ addressOf: (key) => steady.addresses.get(key.serviceName) as SocketAddress });
    const toRetrying = socketTransport({
      addressOf: (key) => retrying.addresses.get(key.serviceName) as SocketAddress,
    });
    const registry = registryOf(n, 5000);
    const operation = releaseHandlesOperation('/var/cache/bench');
    const contenders: ReadonlyArray<{
      readonly name: string;
      readonly floorMs: number;
      readonly run: () => ReturnType<typeof runBroadcast>;
      readonly requests: number;
      readonly walls: number[];
      readonly cpus: number[];
    }> = [
      {
        name: 'one wave',
        floorMs: FLOOR_MS,
        run: () => runBroadcast(registry, operation, toSteady, { concurrency: Infinity }),
        requests: n,
        walls: [],
        cpus: [],
      },
      {
        name: "rollout { wave: '10%' }",
        floorMs: 10 * FLOOR_MS,
        run: () =>
          runBroadcast(registry, operation, toSteady, {
            concurrency: Infinity,
            rollout: { wave: '10%' },
          } satisfies RunBroadcastOptions),
        requests: n,
        walls: [],
        cpus: [],
      },
      {
        name: 'retry { attempts: 2 }, 10% reject once',
        floorMs: 2 * FLOOR_MS,
        run: () =>
          runBroadcast(registry, operation, toRetrying, {
            concurrency: Infinity,
            retry: { attempts: 2, backoffMs: 0 },
          }),
        requests: n + Math.ceil(n / 10),
        walls: [],
        cpus: [],
      },
    ];
    try {
      // Warm-up: connections open (the retrying fleet's flaky ones answer Rejected, then Ack).
      for (const c of contenders) {
        await c.run();
      }
      let allAcked = true;
      for (let r = 0; r < runs; r++) {
        for (const c of contenders) {
          const cpu = process.cpuUsage();
          const start = performance.now();
          const live = await c.run();
          const wall = performance.now() - start;
          const used = process.cpuUsage(cpu);
          allAcked &&= live.result._tag === 'AllAcked';
          c.walls.push(wall);
          c.cpus.push((used.user + used.system) / c.requests);
        }
      }
      console.log(
        `W5 rollout and retries: ${String(n)} backends answering after ${String(FLOOR_MS)} ms, ${String(runs)} broadcasts each, interleaved; Node ${process.version}, ${String(os.cpus().length)} cores, load ${(os.loadavg()[0] ?? 0).toFixed(2)}`,
      );
      for (const c of contenders) {
        const sorted = [...c.walls].sort((a, b) => a - b);
        const mid = sorted[Math.floor(sorted.length / 2)] ?? 0;
        console.log(
          `  ${c.name.padEnd(40)} wall ms ${median(c.walls)} = ${(mid / c.floorMs).toFixed(2)}x its floor (${String(c.floorMs)} ms); CPU us per request ${median(c.cpus)}`,
        );
      }
      console.log(
        `  every broadcast all acknowledged: ${allAcked ? 'yes' : 'NO'}; load ${(os.loadavg()[0] ?? 0).toFixed(2)} at the end`,
      );
    } finally {
      await toSteady.close();
      await toRetrying.close();
      await steady.stop();
      await retrying.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:live-rollout failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
