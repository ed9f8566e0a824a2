/**
 * serveLifecycle, the backend helper: driven by the socket transport as a broker would, and by
 * raw sockets as a hostile broker would (garbage, oversized lines, a broker that never reads).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import {
  ack,
  ackOutcome,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  failureOutcome,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../../src';
import type { BroadcastOperation, Outcome } from '../../src';
import { serveLifecycle, socketTransport } from '../../src/node';
import type {
  LifecycleHandler,
  LifecycleServer,
  LifecycleServerError,
  ListenAddress,
  HandlerContext,
  ServeLifecycleOptions,
} from '../../src/node';
import { afterThisTest, cleanUp, tempDir } from './backends';
import type { LineClient } from './lineClient';
import { connectLines } from './lineClient';

jest.setTimeout(60_000);
afterEach(cleanUp);

/** A server on a socket in a fresh folder, closed after the test, with the problems it reported. */
const serve = async (
  handler: LifecycleHandler,
  options: ServeLifecycleOptions = {},
  address: ListenAddress = { path: path.join(tempDir(), 'backend.sock') },
): Promise<{
  readonly server: LifecycleServer;
  readonly errors: LifecycleServerError[];
  /** Resolves at the first problem reported. */
  readonly reported: Promise<void>;
}> => {
  const errors: LifecycleServerError[] = [];
  let first: () => void = () => undefined;
  const reported = new Promise<void>((resolve) => {
    first = resolve;
  });
  const server = await serveLifecycle(address, handler, {
    onError: (e) => {
      errors.push(e);
      first();
    },
    ...options,
  });
  afterThisTest(() => server.close());
  return { server, errors, reported };
};

const client = async (server: LifecycleServer): Promise<LineClient> => {
  const c = await connectLines(server.address);
  afterThisTest(() => {
    c.socket.destroy();
  });
  return c;
};

const request = (id: number, operation: unknown, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ id, operation, ...extra })}\n`;

const parsed = (lines: ReadonlyArray<string>): ReadonlyArray<unknown> => lines.map((l) => JSON.parse(l) as unknown);

/** The lines as JSON, by id (stable: the lines of one id keep their order). */
const byId = (lines: ReadonlyArray<string>): ReadonlyArray<unknown> =>
  [...parsed(lines)].sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);

const acking: LifecycleHandler = () => ackOutcome;

/** A promise with its resolve function, to finish a handler from the test. */
const deferred = <A>(): { readonly promise: Promise<A>; readonly resolve: (a: A) => void } => {
  let resolve: (a: A) => void = () => undefined;
  const promise = new Promise<A>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/** Resolves once `check` holds, checked after each event `on` reports. */
const when = (check: () => boolean, on: (wake: () => void) => void): Promise<void> =>
  new Promise((resolve) => {
    const test = (): void => {
      if (check()) {
        resolve();
      }
    };
    on(test);
    test();
  });

describe('serveLifecycle', () => {
  describe.each([
    ['a Unix domain socket', (): ListenAddress => ({ path: path.join(tempDir(), 'zccache.sock') })],
    ['TCP', (): ListenAddress => ({ host: '127.0.0.1', port: 0 })],
  ])('on %s', (_, where) => {
    it('should answer a broker running broadcasts through the socket transport', async () => {
      const seen: BroadcastOperation[] = [];
      const { server } = await serve(
        (operation) => {
          seen.push(operation);
          return operation._tag === 'Quiesce' ? failureOutcome('Rejected') : ackOutcome;
        },
        {},
        where(),
      );
      const transport = socketTransport({ addressOf: () => server.address });
      afterThisTest(() => transport.close());
      const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
      const registry = register(createRegistry(broadcastPolicy(5000)), backend(zccache, true, ack)).state;

      const released = await runBroadcast(registry, releaseHandlesOperation('/var/cache/zccache'), transport);
      const quiesced = await runBroadcast(registry, quiesceOperation('BrokerShutdown'), transport);

      expect(released.result._tag).toBe('AllAcked');
      expect(quiesced.result.failures.map((f) => [f.key, f.reason])).toEqual([[zccache, 'Rejected']]);
      expect(seen).toEqual([releaseHandlesOperation('/var/cache/zccache'), quiesceOperation('BrokerShutdown')]);
      expect(server.connections()).toBe(1);
    });
  });

  it('should answer pipelined requests as their handlers finish, each with its id', async () => {
    const first = deferred<Outcome>();
    const { server } = await serve((op) => (op._tag === 'Quiesce' ? first.promise : ackOutcome));
    const c = await client(server);

    c.send(
      request(1, { _tag: 'Quiesce', reason: 'Maintenance' }) + request(2, { _tag: 'ReleaseHandles', pathPrefix: '/a' }),
    );
    const early = await c.received(1);
    first.resolve(failureOutcome('Rejected'));
    const all = await c.received(2);

    expect(parsed(early)).toEqual([{ id: 2, outcome: { _tag: 'Ack' } }]);
    expect(parsed(all)[1]).toEqual({ id: 1, outcome: { _tag: 'Failure', reason: 'Rejected' } });
  });

  it('should answer UnsupportedOperation to an operation it cannot read, without calling the handler, and ignore unknown fields', async () => {
    const seen: BroadcastOperation[] = [];
    const { server, errors } = await serve((op) => {
      seen.push(op);
      return ackOutcome;
    });
    const c = await client(server);

    c.send(
      [
        request(1, { _tag: 'Reboot' }),
        request(2, { _tag: 'Quiesce', reason: 'Sleep' }),
        '{"id":3}\n',
        request(4, { _tag: 'ReleaseHandles', pathPrefix: '/a', mode: 'fast' }, { deadlineUnixMs: 5, future: [1] }),
        '\n  \r\n',
        `${request(5, { _tag: 'toString' }).trim()}\r\n`,
      ].join(''),
    );
    const lines = byId(await c.received(5));

    const unsupported = { _tag: 'Failure', reason: 'UnsupportedOperation' };
    expect(lines).toEqual([
      { id: 1, outcome: unsupported },
      { id: 2, outcome: unsupported },
      { id: 3, outcome: unsupported },
      { id: 4, outcome: { _tag: 'Ack' } },
      { id: 5, outcome: unsupported },
    ]);
    expect(seen).toEqual([releaseHandlesOperation('/a')]);
    expect(errors).toEqual([]);
  });

  it('should answer BackendError for a handler that throws, rejects or gives something else, and report each', async () => {
    const { server, errors } = await serve((op) => {
      if (op._tag === 'Quiesce' && op.reason === 'Maintenance') {
        throw new Error('disk on fire');
      }
      if (op._tag === 'Quiesce') {
        return Promise.reject(new Error('no\nway'));
      }
      return { _tag: 'Maybe' } as unknown as Outcome;
    });
    const c = await client(server);

    c.send(
      request(1, { _tag: 'Quiesce', reason: 'Maintenance' }) +
        request(2, { _tag: 'Quiesce', reason: 'IdleTimeout' }) +
        request(3, { _tag: 'ReleaseHandles', pathPrefix: '/a' }),
    );
    const lines = await c.received(3);

    const failed = { _tag: 'Failure', reason: 'BackendError' };
    expect(new Set(lines)).toEqual(new Set([1, 2, 3].map((id) => JSON.stringify({ id, outcome: failed }))));
    expect(errors.map((e) => [e.code, e.message.split('\n').length])).toEqual([
      ['HandlerFailed', 1],
      ['HandlerFailed', 1],
      ['InvalidOutcome', 1],
    ]);
    expect(errors[0]?.message).toMatch(/the handler failed request 1 \(Quiesce\): disk on fire$/);
    expect(errors[1]?.message).toMatch(/: no$/);
  });

  it('should give the handler the deadline, and send a progress line for each extend before the reply', async () => {
    const contexts: HandlerContext[] = [];
    const { server } = await serve((_, context) => {
      contexts.push(context);
      context.extend(10_000);
      context.extend(2500);
      return ackOutcome;
    });
    const c = await client(server);

    c.send(request(7, { _tag: 'Quiesce', reason: 'Maintenance' }, { deadlineUnixMs: 1_800_000_000_000 }));
    c.send(request(8, { _tag: 'Quiesce', reason: 'Maintenance' }));
    const lines = await c.received(6);
    contexts[0]?.extend(1000); // answered: nothing more is sent

    expect(byId(lines)).toEqual([
      { id: 7, progress: { extendMs: 10_000 } },
      { id: 7, progress: { extendMs: 2500 } },
      { id: 7, outcome: { _tag: 'Ack' } },
      { id: 8, progress: { extendMs: 10_000 } },
      { id: 8, progress: { extendMs: 2500 } },
      { id: 8, outcome: { _tag: 'Ack' } },
    ]);
    expect(contexts.map((x) => [x.id, x.deadline])).toEqual([
      [7, 1_800_000_000_000],
      [8, undefined],
    ]);
    expect(() => contexts[0]?.extend(0)).toThrow(RangeError);
    expect(() => contexts[0]?.extend(2_147_483_648)).toThrow(/at most 2147483647/);
  });

  it('should not start more than maxOutstanding requests of one connection at once', async () => {
    const gates: Array<(o: Outcome) => void> = [];
    const started: Array<() => void> = [];
    const { server } = await serve(
      () =>
        new Promise<Outcome>((resolve) => {
          gates.push(resolve);
          started.forEach((f) => {
            f();
          });
        }),
      { maxOutstanding: 2 },
    );
    const c = await client(server);
    const op = { _tag: 'ReleaseHandles', pathPrefix: '/a' };

    c.send([1, 2, 3, 4, 5].map((id) => request(id, op)).join(''));
    await when(
      () => gates.length === 2,
      (wake) => started.push(wake),
    );
    await new Promise((r) => setImmediate(r));
    const beforeRelease = gates.length;
    gates[0]?.(ackOutcome);
    await c.received(1);
    await when(
      () => gates.length === 3,
      (wake) => started.push(wake),
    );
    gates.slice(1).forEach((g) => {
      g(ackOutcome);
    });
    await when(
      () => gates.length === 5,
      (wake) => started.push(wake),
    );
    gates.slice(3).forEach((g) => {
      g(ackOutcome);
    });
    const lines = await c.received(5);

    expect(beforeRelease).toBe(2);
    expect(
      parsed(lines)
        .map((l) => (l as { id: number }).id)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  describe('against a hostile broker', () => {
    it.each([
      [
        'a line that is not JSON',
        Buffer.from('hello\n'),
        /malformed request \(not JSON\): "hello": connection closed$/,
      ],
      ['JSON without an id', Buffer.from('{"operation":{"_tag":"Quiesce"}}\n'), /\(no positive integer id\)/],
      ['an id that is not a positive integer', Buffer.from('{"id":1.5}\n'), /\(no positive integer id\)/],
      ['a line that is not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x0a]), /\(not UTF-8\)/],
      ['an array', Buffer.from('[1]\n'), /\(no positive integer id\)/],
    ])('should close the connection on %s, report it in one line, and go on serving', async (_, bytes, message) => {
      const { server, errors } = await serve(acking);
      const bad = await client(server);

      bad.send(bytes);
      await bad.closed;
      const good = await client(server);
      good.send(request(1, { _tag: 'Quiesce', reason: 'Maintenance' }));
      const lines = await good.received(1);

      expect(bad.lines).toEqual([]);
      expect(errors.map((e) => e.code)).toEqual(['MalformedRequest']);
      expect(errors[0]?.message).toMatch(message);
      expect(errors[0]?.message).not.toContain('\n');
      expect(parsed(lines)).toEqual([{ id: 1, outcome: { _tag: 'Ack' } }]);
    });

    it('should close a connection whose line grows past maxRequestBytes, without keeping it', async () => {
      const { server, errors } = await serve(acking, { maxRequestBytes: 1024 });
      const bad = await client(server);
      const before = process.memoryUsage().arrayBuffers;

      // 64 MiB of one line, in 1 MiB writes: it is closed long before.
      const mib = Buffer.alloc(1024 * 1024, 0x61);
      let written = 0;
      while (!bad.socket.destroyed && written < 64) {
        bad.send(mib);
        written += 1;
        await new Promise((r) => setImmediate(r));
      }
      await bad.closed;

      expect(errors.map((e) => [e.code, e.message])).toEqual([
        ['OversizedRequest', 'connection 1: request line over 1024 bytes: connection closed'],
      ]);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    });

    it('should disconnect a broker that never reads its replies, once maxUnreadReplyBytes pile up', async () => {
      const { server, errors, reported } = await serve(acking, { maxUnreadReplyBytes: 64 * 1024 });
      const deaf = await client(server);
      deaf.socket.pause(); // reads nothing

      const line = request(1, { _tag: 'ReleaseHandles', pathPrefix: '/var/cache/zccache' });
      const batch = line.repeat(10_000);
      for (let i = 0; i < 100 && !deaf.socket.destroyed && errors.length === 0; i += 1) {
        deaf.send(batch);
        await new Promise((r) => setImmediate(r));
      }
      await reported;
      const good = await client(server);
      good.send(request(1, { _tag: 'Quiesce', reason: 'Maintenance' }));

      expect(await good.received(1)).toHaveLength(1);
      expect(errors.map((e) => e.code)).toEqual(['UnreadReplies']);
      expect(errors[0]?.message).toBe(
        'connection 1: the broker left over 65536 bytes of replies unread: connection closed',
      );
    });

    it('should survive an onError hook that throws', async () => {
      const { server } = await serve(acking, {
        onError: () => {
          throw new Error('hook');
        },
      });
      const bad = await client(server);
      bad.send('garbage\n');
      await bad.closed;
      const good = await client(server);
      good.send(request(1, { _tag: 'Quiesce', reason: 'Maintenance' }));

      expect(await good.received(1)).toHaveLength(1);
    });
  });

  describe('close', () => {
    it('should answer the requests under way, then close the connections, accept no more, and remove its socket file', async () => {
      const slow = deferred<Outcome>();
      const started = deferred<undefined>();
      const { server } = await serve(() => {
        started.resolve(undefined);
        return slow.promise;
      });
      const c = await client(server);
      c.send(request(3, { _tag: 'Quiesce', reason: 'BrokerShutdown' }));
      await started.promise;

      const closed = server.close();
      const refused = await new Promise<string>((resolve) => {
        const late = net.connect((server.address as { path: string }).path);
        late.on('error', (e: NodeJS.ErrnoException) => {
          resolve(e.code ?? '');
        });
        late.on('connect', () => {
          late.destroy();
          resolve('connected');
        });
      });
      slow.resolve(ackOutcome);
      await closed;
      await c.closed;

      expect(refused).toMatch(/ENOENT|ECONNREFUSED/);
      expect(parsed(c.lines)).toEqual([{ id: 3, outcome: { _tag: 'Ack' } }]);
      expect(fs.existsSync((server.address as { path: string }).path)).toBe(false);
      expect(server.connections()).toBe(0);
    });

    it('should abort the signal of a request whose connection is lost', async () => {
      const aborted = deferred<unknown>();
      const started = deferred<undefined>();
      const { server } = await serve(
        (_, context) =>
          new Promise<Outcome>((resolve) => {
            started.resolve(undefined);
            context.signal.addEventListener('abort', () => {
              aborted.resolve(context.signal.reason);
              resolve(ackOutcome);
            });
          }),
      );
      const c = await client(server);
      c.send(request(1, { _tag: 'Quiesce', reason: 'Maintenance' }));
      await when(
        () => server.connections() === 1,
        (wake) => setImmediate(wake),
      );
      await new Promise((r) => setTimeout(r, 0));

      c.socket.destroy();

      expect(String(await aborted.promise)).toMatch(
        /^Error: connection 1: the broker closed the connection before the answer$/,
      );
    });
  });

  describe('listening', () => {
    it('should replace a stale socket file, and refuse a path another server listens on', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'stale.sock');
      const old = net.createServer();
      await new Promise<void>((r) => old.listen(file, r));
      // A process that died leaves its socket file behind: unlink it from under a closed server.
      await new Promise<void>((r) => {
        const copy = path.join(dir, 'copy.sock');
        fs.renameSync(file, copy);
        old.close(() => {
          fs.renameSync(copy, file);
          r();
        });
      });
      expect(fs.lstatSync(file).isSocket()).toBe(true);

      const { server } = await serve(acking, {}, { path: file });
      const second = serveLifecycle({ path: file }, acking, { onError: () => undefined });

      await expect(second).rejects.toThrow(/^serveLifecycle: cannot listen on .*stale\.sock: .*EADDRINUSE/);
      const c = await client(server);
      c.send(request(1, { _tag: 'Quiesce', reason: 'Maintenance' }));
      expect(await c.received(1)).toHaveLength(1);
    });

    it('should refuse arguments that are not what their types say, with one line', async () => {
      const anyServe = serveLifecycle as (...args: unknown[]) => Promise<LifecycleServer>;
      await expect(anyServe({ host: '127.0.0.1', port: 70_000 }, acking)).rejects.toThrow(
        'serveLifecycle: expected { path } or { host, port } (port 0 to 65535), got {"host":"127.0.0.1","port":70000}',
      );
      await expect(anyServe({ path: '' }, acking)).rejects.toThrow(TypeError);
      await expect(anyServe({ path: '/tmp/x.sock' }, 'ack')).rejects.toThrow('expected a handler function');
      await expect(anyServe({ path: '/tmp/x.sock' }, acking, { maxRequestBytes: 0 })).rejects.toThrow(
        'serveLifecycle: maxRequestBytes: expected a positive integer, got 0',
      );
    });
  });
});
