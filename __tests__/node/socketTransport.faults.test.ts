/**
 * The socket transport and the runner under the faults of issue 21, against real backend
 * processes: a backend that replies and then closes, one restarted on the same path, one that
 * never reads, a policy longer than a JavaScript timer holds, and an event loop that falls behind
 * with every reply already in its sockets.
 */
import { execFileSync } from 'node:child_process';
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
import type { BackendKey, LiveBroadcast, Registry, TransportFailed } from '../../src';
import { socketTransport } from '../../src/node';
import type { SocketAddress, SocketTransport, SocketTransportOptions } from '../../src/node';
import type { Listen } from './backends';
import { afterThisTest, cleanUp, eventsOf, startBackends, tempDir } from './backends';

jest.setTimeout(120_000);
afterEach(cleanUp);

const release = releaseHandlesOperation('/var/cache/zccache');
const keyOf = (name: string): BackendKey => backendKey(sharedInstance, name, '1.0.0', '');

const registryOf = (names: ReadonlyArray<string>, ackTimeoutMs: number): Registry =>
  names.reduce(
    (s, n) => register(s, backend(keyOf(n), true, ack)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

const transportTo = (
  addresses: (name: string) => SocketAddress,
  options: Omit<SocketTransportOptions, 'addressOf'> = {},
): SocketTransport => {
  const transport = socketTransport({ addressOf: (key) => addresses(key.serviceName), ...options });
  afterThisTest(() => transport.close());
  return transport;
};

const codes = (live: LiveBroadcast): ReadonlyArray<string | null> =>
  live.diagnostics.filter((d): d is TransportFailed => d._tag === 'TransportFailed').map((d) => d.code);

describe.each([
  ['Unix domain sockets', 'unix'],
  ['TCP on 127.0.0.1', 'tcp'],
] as const)('socketTransport over %s, under faults', (_, kind) => {
  let dir: string;
  const listen = (name: string): Listen =>
    kind === 'unix' ? { path: path.join(dir, `${name}.sock`) } : { host: '127.0.0.1', port: 0 };

  beforeEach(() => {
    dir = tempDir();
  });

  it('should count a backend that replies and then closes its end as acknowledging, broadcast after broadcast', async () => {
    const fleet = await startBackends(
      [{ name: 'zccache', listen: listen('zccache'), script: [{ answer: 'ack-close' }] }],
      {
        report: false,
      },
    );
    const transport = transportTo(fleet.addressOf);
    let registry = registryOf(['zccache'], 10_000);
    const tags: string[] = [];
    for (let i = 0; i < 100; i++) {
      const live = await runBroadcast(registry, release, transport);
      registry = live.state;
      tags.push(live.result._tag === 'AllAcked' ? 'AllAcked' : `${live.result._tag} ${codes(live).join(',')}`);
    }
    expect(tags.filter((t) => t !== 'AllAcked')).toEqual([]);
  });

  it('should carry the deadline and the trace context to the backend and its progress back, so a backend that asks for time gets it', async () => {
    const fleet = await startBackends([
      {
        name: 'drainer',
        listen: listen('drainer'),
        script: [{ answer: 'Ack', delayMs: 600, progress: { extendMs: 30_000, count: 3 } }],
      },
    ]);
    const transport = transportTo(fleet.addressOf);
    const deadline = new Date(Date.now() + 60_000);
    const traceContext = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=opaque',
    };
    const live = await runBroadcast(registryOf(['drainer'], 100), release, transport, { deadline, traceContext });
    expect(codes(live)).toEqual([]);
    expect(live.result._tag).toBe('AllAcked');
    await fleet.printed('request', 'drainer', 1);
    expect(eventsOf(fleet, 'request', 'drainer').map((e) => e.request)).toEqual([
      { id: 1, operation: release, deadlineUnixMs: deadline.getTime(), ...traceContext },
    ]);
  });

  it('should drop a connection whose backend does not read, once the requests on it are given up', async () => {
    const fleet = await startBackends([{ name: 'deaf', listen: listen('deaf'), read: false }]);
    const transport = transportTo(fleet.addressOf);
    // A request far larger than what a socket buffers stays queued in the broker.
    const big = releaseHandlesOperation(`/${'x'.repeat(16 << 20)}`);
    const registry = registryOf(['deaf'], 300);
    for (let i = 1; i <= 3; i++) {
      const live = await runBroadcast(registry, big, transport);
      expect(live.result.timeouts.map((e) => e.key.serviceName)).toEqual(['deaf']);
      // Each request went out on a connection of its own: the one before was given up, not
      // left holding megabytes of requests nobody will read.
      await fleet.printed('connection', 'deaf', i);
      expect(eventsOf(fleet, 'connection', 'deaf')).toHaveLength(i);
    }
  });

  it('should fail a connection with NotReading when more than maxQueuedBytes would wait on it, and send on a new one', async () => {
    const fleet = await startBackends([{ name: 'deaf', listen: listen('deaf'), read: false }]);
    const transport = transportTo(fleet.addressOf, { maxQueuedBytes: 1024 });
    const big = releaseHandlesOperation(`/${'x'.repeat(16 << 20)}`);
    const registry = registryOf(['deaf'], 60_000);
    const controller = new AbortController();
    const first = runBroadcast(registry, big, transport, { signal: controller.signal });
    await fleet.printed('connection', 'deaf', 1);
    const second = runBroadcast(registry, big, transport, { signal: controller.signal });
    const failed = await first;
    expect(codes(failed)).toEqual(['NotReading']);
    expect(failed.diagnostics.map((d) => ('message' in d ? d.message : ''))).toEqual([
      expect.stringMatching(/does not read its requests/) as unknown,
    ]);
    await fleet.printed('connection', 'deaf', 2);
    controller.abort();
    expect((await second).cancelled).toBe(true);
  });
});

describe('socketTransport, a backend restarted on the same path', () => {
  it('should send again, once, on a fresh connection a request whose reused idle connection failed before anything was read', async () => {
    const dir = tempDir();
    const where = path.join(dir, 'zccache.sock');
    const old = await startBackends([{ name: 'zccache', listen: { path: where } }], { report: false });
    const transport = transportTo(() => ({ path: where }));
    const registry = registryOf(['zccache'], 10_000);
    expect((await runBroadcast(registry, release, transport)).result._tag).toBe('AllAcked');
    // The new process listens elsewhere, and takes the old path over below.
    const staged = path.join(dir, 'staged.sock');
    const fresh = await startBackends([{ name: 'zccache', listen: { path: staged } }]);
    // Synchronously, so that the broker's event loop sees nothing of it before it sends: the old
    // process is killed and reaped by the kernel (its sockets closed), and the new one takes the path.
    execFileSync('sh', [
      '-c',
      `kill -9 ${String(old.pid)}; while ! grep -qs '^State:.*Z' /proc/${String(old.pid)}/status && kill -0 ${String(old.pid)} 2>/dev/null; do sleep 0.01; done`,
    ]);
    fs.renameSync(staged, where);
    const live = await runBroadcast(registry, release, transport);
    expect(codes(live)).toEqual([]);
    expect(live.result._tag).toBe('AllAcked');
    await fresh.printed('request', 'zccache', 1);
    expect(eventsOf(fresh, 'request', 'zccache')).toHaveLength(1);
  });
});

describe('runBroadcast over sockets, when the event loop falls behind', () => {
  const N = 200;

  /**
   * Broadcast to N backends answering at once, then block this process's event loop until every
   * reply has been handed to the kernel and until well after every backend's timer was due. Each
   * reply was in the broker's socket before its deadline, so each must count as an answer. When
   * the machine is so slow that the replies were not all handed over before the deadline, the
   * round proves nothing and is tried again with a longer policy: only the duration changes.
   */
  it('should count every reply that reached the broker before its deadline, however late the loop reads it', async () => {
    const dir = tempDir();
    const replied = path.join(dir, 'replied');
    const names = Array.from({ length: N }, (_, i) => `b${String(i)}`);
    const fleet = await startBackends(
      names.map((name) => ({ name, listen: { path: path.join(dir, `${name}.sock`) } })),
      { report: false, repliedFile: replied },
    );
    const transport = transportTo(fleet.addressOf);
    for (let policy = 500; ; policy *= 2) {
      const registry = registryOf(names, policy);
      await runBroadcast(registry, release, transport, { concurrency: Infinity }); // connections open
      fs.writeFileSync(replied, '');
      const start = performance.now();
      const run = runBroadcast(registry, release, transport, { concurrency: Infinity });
      while (fs.statSync(replied).size < N && performance.now() - start < policy) {
        // blocked: the replies pile up in the sockets, unread
      }
      const allInTime = fs.statSync(replied).size === N && performance.now() - start < policy;
      while (performance.now() - start < policy + 200) {
        // blocked past every deadline
      }
      const live = await run;
      if (allInTime) {
        expect(live.result.timeouts).toEqual([]);
        expect(live.result.acks).toHaveLength(N);
        return;
      }
      expect(policy).toBeLessThan(64_000);
    }
  });
});
