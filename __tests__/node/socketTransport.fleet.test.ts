/**
 * No false timeouts at fleet size: 10,000 backends on Unix sockets (served by five processes of
 * scripts/live-backends.mjs, 2,000 each), one in ten never answering, and the broker's event loop
 * blocked while every other reply reaches its sockets and until well after every deadline. Each of
 * the 9,000 replies was in the broker's sockets before its backend's deadline, so each must count
 * as an acknowledgement, and each of the 1,000 silent backends as a timeout.
 */
import * as fs from 'node:fs';
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
} from '../../src';
import type { Registry } from '../../src';
import { socketTransport } from '../../src/node';
import type { SocketAddress } from '../../src/node';
import type { Fleet } from './backends';
import { SCRIPTED_BACKENDS, afterThisTest, cleanUp, startProcess, tempDir } from './backends';

jest.setTimeout(300_000);
afterEach(cleanUp);

const release = releaseHandlesOperation('/var/cache/zccache');
const N = 10_000;
const PER_PROCESS = 2000;
const isSilent = (i: number): boolean => i % 10 === 5;
const nameOf = (i: number): string => `b${String(i)}`;

describe('runBroadcast over sockets to 10,000 backends, with the event loop blocked', () => {
  it('should count every reply that reached the broker before its deadline, and every silent backend as timed out', async () => {
    const dir = tempDir();
    const replied = path.join(dir, 'replied');
    // The configuration goes in a file: one argument could not hold it.
    const fleets: Fleet[] = [];
    for (let from = 0; from < N; from += PER_PROCESS) {
      const config = path.join(dir, `fleet-${String(from)}.json`);
      fs.writeFileSync(
        config,
        JSON.stringify({
          report: false,
          repliedFile: replied,
          backends: Array.from({ length: PER_PROCESS }, (_, k) => ({
            name: nameOf(from + k),
            listen: { path: path.join(dir, `${nameOf(from + k)}.sock`) },
            script: [{ answer: isSilent(from + k) ? 'never' : 'Ack' }],
          })),
        }),
      );
      fleets.push(await startProcess([SCRIPTED_BACKENDS, config]));
    }
    const addressOf = (name: string): SocketAddress =>
      (fleets[Math.floor(Number(name.slice(1)) / PER_PROCESS)] as Fleet).addressOf(name);
    const transport = socketTransport({ addressOf: (key) => addressOf(key.serviceName) });
    afterThisTest(() => transport.close());
    const answering = N - Array.from({ length: N }, (_, i) => i).filter(isSilent).length;
    const registryOf = (policyMs: number): Registry =>
      Array.from({ length: N }, (_, i) => i).reduce(
        (s, i) => register(s, backend(backendKey(sharedInstance, nameOf(i), '1.0.0', ''), true, ack)).state,
        createRegistry(broadcastPolicy(policyMs)),
      );
    // Every connection open, so that a broadcast writes each request at once.
    await runBroadcast(registryOf(1000), release, transport, { concurrency: Infinity });

    // When the machine is so slow that the replies were not all handed over before the deadline,
    // the round proves nothing and is tried again with a longer policy: only the duration changes.
    for (let policy = 2000; ; policy *= 2) {
      const registry = registryOf(policy);
      fs.writeFileSync(replied, '');
      const start = performance.now();
      const run = runBroadcast(registry, release, transport, { concurrency: Infinity });
      while (fs.statSync(replied).size < answering && performance.now() - start < policy) {
        // blocked: the replies pile up in the sockets, unread
      }
      const allInTime = fs.statSync(replied).size === answering && performance.now() - start < policy;
      while (performance.now() - start < policy + 200) {
        // blocked past every deadline
      }
      const live = await run;
      if (allInTime) {
        const acked = new Set(live.result.acks.map((a) => a.key.serviceName));
        const timedOut = new Set(live.result.timeouts.map((t) => t.key.serviceName));
        const wrong = Array.from({ length: N }, (_, i) => nameOf(i)).filter((name, i) =>
          isSilent(i) ? !timedOut.has(name) : !acked.has(name),
        );
        expect(wrong).toEqual([]);
        expect([live.result.acks.length, live.result.timeouts.length, live.result.failures.length]).toEqual([
          answering,
          N - answering,
          0,
        ]);
        return;
      }
      expect(policy).toBeLessThan(64_000);
    }
  });
});
