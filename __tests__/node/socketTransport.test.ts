/**
 * The socket transport against real backend processes, on Unix domain sockets in a temporary
 * folder and on TCP ports of 127.0.0.1: every answer a backend can give, every way it can fail,
 * cancellation, connection reuse and ids, and `close()`.
 */
import * as path from 'node:path';

import * as E from 'fp-ts/Either';

import {
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { BackendKey, LiveBroadcast, Registry, Transport, TransportFailed } from '../../src';
import { BackendRequest, socketTransport } from '../../src/node';
import type { SocketAddress, SocketTransport } from '../../src/node';
import { reproduces } from '../live/support';
import type { BackendSpec, Fleet, Listen, Step } from './backends';
import { afterThisTest, cleanUp, closedPort, eventsOf, startBackends, tempDir } from './backends';

jest.setTimeout(60_000);
afterEach(cleanUp);

/**
 * Generous against a loaded machine (a backend meant to answer must do so within it, even when
 * its process is starved of CPU); a backend meant to time out costs this long.
 */
const POLICY_MS = 5000;

const release = releaseHandlesOperation('/var/cache/zccache');
const keyOf = (name: string): BackendKey => backendKey(sharedInstance, name, '1.0.0', '');

/** A registry of live backends named `names`, modelled as acknowledging. */
const registryOf = (names: ReadonlyArray<string>, ackTimeoutMs = POLICY_MS): Registry =>
  names.reduce(
    (s, n) => register(s, backend(keyOf(n), true, ack)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

/** A transport finding each backend by service name in `addresses`, closed after the test. */
const transportTo = (addresses: (name: string) => SocketAddress, maxReplyBytes?: number): SocketTransport => {
  const transport = socketTransport({
    addressOf: (key) => addresses(key.serviceName),
    ...(maxReplyBytes === undefined ? {} : { maxReplyBytes }),
  });
  afterThisTest(() => transport.close());
  return transport;
};

const names = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

const codes = (live: LiveBroadcast): Readonly<Record<string, string | null>> =>
  Object.fromEntries(
    live.diagnostics
      .filter((d): d is TransportFailed => d._tag === 'TransportFailed')
      .map((d) => [d.key.serviceName, d.code]),
  );

describe.each([
  ['Unix domain sockets', 'unix'],
  ['TCP on 127.0.0.1', 'tcp'],
] as const)('socketTransport over %s', (_, kind) => {
  let dir: string;
  const listen = (name: string): Listen =>
    kind === 'unix' ? { path: path.join(dir, `${name}.sock`) } : { host: '127.0.0.1', port: 0 };
  const spec = (name: string, ...script: ReadonlyArray<Step>): BackendSpec => ({ name, listen: listen(name), script });
  /** An address nothing listens on. */
  const refusing = async (): Promise<SocketAddress> =>
    kind === 'unix' ? { path: path.join(dir, 'nobody.sock') } : { host: '127.0.0.1', port: await closedPort() };

  beforeEach(() => {
    dir = tempDir();
  });

  it('should list every backend as it answered or failed, in one broadcast, with the cause of each transport failure', async () => {
    const fleet = await startBackends([
      spec('acks', { answer: 'Ack' }),
      spec('slowAcks', { answer: 'Ack', delayMs: 50 }),
      spec('unsupported', { answer: 'UnsupportedOperation' }),
      spec('rejects', { answer: 'Rejected' }),
      spec('breaks', { answer: 'BackendError' }),
      spec('late', { answer: 'Ack', delayMs: POLICY_MS * 3 }),
      spec('silent', { answer: 'never' }),
      spec('closes', { answer: 'close' }),
      spec('garbage', { answer: 'garbage' }),
      spec('wrongId', { answer: 'wrong-id' }),
      spec('oversized', { answer: 'oversized' }),
      spec('badOutcome', { answer: 'bad-outcome' }),
      spec('badUtf8', { answer: 'bad-utf8' }),
    ]);
    const nowhere = await refusing();
    const all = [
      'acks',
      'slowAcks',
      'unsupported',
      'rejects',
      'breaks',
      'late',
      'silent',
      'closes',
      'refuses',
      'garbage',
      'wrongId',
      'oversized',
      'badOutcome',
      'badUtf8',
    ];
    const start = registryOf(all);
    const transport = transportTo((n) => (n === 'refuses' ? nowhere : fleet.addressOf(n)));

    const live = await runBroadcast(start, release, transport);

    expect(names(live.result.acks)).toEqual(['acks', 'slowAcks']);
    expect(live.result.timeouts.map((e) => [e.key.serviceName, e.ackTimeoutMs])).toEqual([
      ['late', POLICY_MS],
      ['silent', POLICY_MS],
    ]);
    expect(live.result.failures.map((e) => [e.key.serviceName, e.reason])).toEqual([
      ['unsupported', 'UnsupportedOperation'],
      ['rejects', 'Rejected'],
      ['breaks', 'BackendError'],
      ['closes', 'BackendError'],
      ['refuses', 'BackendError'],
      ['garbage', 'BackendError'],
      ['wrongId', 'BackendError'],
      ['oversized', 'BackendError'],
      ['badOutcome', 'BackendError'],
      ['badUtf8', 'BackendError'],
    ]);
    expect(codes(live)).toEqual({
      closes: 'ConnectionClosed',
      refuses: 'ConnectionRefused',
      garbage: 'MalformedReply',
      wrongId: 'MismatchedReply',
      oversized: 'OversizedReply',
      badOutcome: 'MalformedReply',
      badUtf8: 'MalformedReply',
    });
    expect(live.diagnostics.every((d) => d._tag === 'TransportFailed' && !d.message.includes('\n'))).toBe(true);
    expect(reproduces(start, live)).toBe(true);
    // Each backend that listens received the operation once, as the codec encodes it.
    const listening = all.filter((n) => n !== 'refuses');
    await Promise.all(listening.map((n) => fleet.printed('request', n, 1)));
    for (const name of listening) {
      expect(eventsOf(fleet, 'request', name).map((e) => e.request.operation)).toEqual([release]);
    }
  });

  it('should send each request as one line with a positive id and the encoded operation', async () => {
    const fleet = await startBackends([spec('zccache')]);
    const transport = transportTo(fleet.addressOf);

    await runBroadcast(registryOf(['zccache']), quiesceOperation('BrokerShutdown'), transport);
    await fleet.printed('request', 'zccache', 1);

    const [request] = eventsOf(fleet, 'request', 'zccache');
    expect(request?.request).toEqual({
      id: expect.any(Number) as unknown,
      operation: { _tag: 'Quiesce', reason: 'BrokerShutdown' },
    });
    expect(request?.request.id).toBeGreaterThan(0);
    expect(E.isRight(decode(BackendRequest, request?.request))).toBe(true);
  });

  it('should reuse one connection across broadcasts, with a new id for each request', async () => {
    const fleet = await startBackends([spec('zccache')]);
    const transport = transportTo(fleet.addressOf);
    const start = registryOf(['zccache']);

    for (const operation of [release, quiesceOperation('Maintenance'), release]) {
      expect((await runBroadcast(start, operation, transport)).result._tag).toBe('AllAcked');
    }
    // The process prints each connection before the requests that came on it.
    await fleet.printed('request', 'zccache', 3);

    expect(eventsOf(fleet, 'connection', 'zccache')).toHaveLength(1);
    const ids = eventsOf(fleet, 'request', 'zccache').map((e) => e.request.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("should drop a late reply instead of taking it for the next request's", async () => {
    // The first request is held; the second makes the backend send the first one's Ack, late,
    // then Rejected for the second on the same connection.
    const fleet = await startBackends([spec('zccache', { answer: 'hold' }, { answer: 'Rejected', delayMs: 20 })]);
    const transport = transportTo(fleet.addressOf);

    // Short where the backend must time out, generous where it must answer.
    const first = await runBroadcast(registryOf(['zccache'], 300), release, transport);
    const second = await runBroadcast(registryOf(['zccache']), release, transport);

    expect(names(first.result.timeouts)).toEqual(['zccache']);
    expect(second.result.failures).toEqual([{ _tag: 'Failure', key: keyOf('zccache'), reason: 'Rejected' }]);
    expect(second.diagnostics).toEqual([]);
    await fleet.printed('request', 'zccache', 2);
    expect(eventsOf(fleet, 'connection', 'zccache')).toHaveLength(1);
  });

  it('should open a new connection for the next request after one failed', async () => {
    const fleet = await startBackends([spec('zccache', { answer: 'close' }, { answer: 'Ack' })]);
    const transport = transportTo(fleet.addressOf);
    const start = registryOf(['zccache']);

    const first = await runBroadcast(start, release, transport);
    const second = await runBroadcast(start, release, transport);

    expect(codes(first)).toEqual({ zccache: 'ConnectionClosed' });
    expect(second.result._tag).toBe('AllAcked');
    await fleet.printed('request', 'zccache', 2);
    expect(eventsOf(fleet, 'connection', 'zccache')).toHaveLength(2);
  });

  it('should record a backend process that crashes mid-request as a failure, and the others as they answered', async () => {
    const crashing = await startBackends([spec('crashes', { answer: 'crash' })]);
    const steady = await startBackends([spec('steady')]);
    const transport = transportTo((n) => (n === 'crashes' ? crashing : steady).addressOf(n));

    const live = await runBroadcast(registryOf(['crashes', 'steady']), release, transport);

    expect(await crashing.exited).toBe(1);
    expect(names(live.result.acks)).toEqual(['steady']);
    expect(live.result.failures).toEqual([{ _tag: 'Failure', key: keyOf('crashes'), reason: 'BackendError' }]);
    expect(codes(live).crashes).toMatch(/^Connection(Closed|Reset)$/);
  });

  if (kind === 'tcp') {
    it('should record a reset connection as ConnectionReset', async () => {
      const fleet = await startBackends([spec('zccache', { answer: 'reset' })]);

      const live = await runBroadcast(registryOf(['zccache']), release, transportTo(fleet.addressOf));

      expect(codes(live)).toEqual({ zccache: 'ConnectionReset' });
    });
  }

  it('should cancel through the signal: abort the outstanding request and report it as cancelled', async () => {
    const fleet = await startBackends([spec('acks'), spec('silent', { answer: 'never' })]);
    const socket = transportTo(fleet.addressOf);
    const controller = new AbortController();
    const start = registryOf(['acks', 'silent'], 60_000);
    // Cancel once acks has answered and silent has its request. The reply's first reaction is the
    // test's, queued before runBroadcast's: the run has taken the Ack before the test goes on.
    let answered = (): void => undefined;
    const acksAnswered = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const transport: Transport = (target, operation, signal) => {
      const reply = socket(target, operation, signal);
      if (target.key.serviceName === 'acks') {
        void reply.then(answered);
      }
      return reply;
    };

    const running = runBroadcast(start, release, transport, { signal: controller.signal });
    await Promise.all([fleet.printed('request', 'silent', 1), acksAnswered]);
    controller.abort();
    const live = await running;

    expect(live.cancelled).toBe(true);
    expect(names(live.result.timeouts)).toEqual(['silent']);
    expect(live.diagnostics).toEqual([{ _tag: 'Cancelled', key: keyOf('silent'), sent: true }]);
    expect(reproduces(start, live)).toBe(true);
  });

  it('should reject outstanding and later requests once closed, and close every connection', async () => {
    const fleet = await startBackends([spec('silent', { answer: 'never' })]);
    const transport = socketTransport({ addressOf: (key) => fleet.addressOf(key.serviceName) });
    const target = backend(keyOf('silent'), true, ack);

    const outstanding = transport(target, release, new AbortController().signal);
    await fleet.printed('request', 'silent', 1);
    const rejected = expect(outstanding).rejects.toMatchObject({ code: 'TransportClosed' });
    await transport.close();

    await rejected;
    await expect(transport(target, release, new AbortController().signal)).rejects.toMatchObject({
      code: 'TransportClosed',
    });
  });

  it('should fail a request whose address cannot be had, with InvalidAddress', async () => {
    const transport = transportTo((n) => {
      if (n === 'throws') {
        throw new Error('no such service');
      }
      return { host: '127.0.0.1', port: 0 };
    });

    const live = await runBroadcast(registryOf(['throws', 'badPort']), release, transport);

    expect(codes(live)).toEqual({ throws: 'InvalidAddress', badPort: 'InvalidAddress' });
    expect(live.diagnostics.map((d) => (d._tag === 'TransportFailed' ? d.message : ''))).toEqual([
      'addressOf threw for throws: no such service',
      'addressOf gave {"host":"127.0.0.1","port":0} for badPort, not a socket address: port: expected port number (1 to 65535), got 0',
    ]);
  });

  it('should honour a smaller maxReplyBytes', async () => {
    const fleet = await startBackends([spec('zccache')]);

    const live = await runBroadcast(registryOf(['zccache']), release, transportTo(fleet.addressOf, 10));

    expect(codes(live)).toEqual({ zccache: 'OversizedReply' });
  });
});

describe('socketTransport', () => {
  it('should refuse options without an addressOf function, or with a bad maxReplyBytes, with one line', () => {
    expect(() => socketTransport({} as Parameters<typeof socketTransport>[0])).toThrow(
      /^socketTransport: expected options with an addressOf function, got \{\}$/,
    );
    expect(() => socketTransport({ addressOf: () => ({ path: '/x' }), maxReplyBytes: -1 })).toThrow(
      'socketTransport: maxReplyBytes: expected a positive integer, got -1',
    );
  });

  it('should keep many requests outstanding on one connection and match each reply by its id', async () => {
    const dir = tempDir();
    // Replies come back in another order than the requests went out (the first is the slowest).
    const fleet: Fleet = await startBackends([
      {
        name: 'zccache',
        listen: { path: path.join(dir, 'z.sock') },
        script: [{ answer: 'Ack', delayMs: 200 }, { answer: 'Rejected', delayMs: 100 }, { answer: 'BackendError' }],
      },
    ]);
    const transport = transportTo(fleet.addressOf);
    const target = backend(keyOf('zccache'), true, ack);
    const signal = new AbortController().signal;

    const outcomes = await Promise.all([
      transport(target, release, signal),
      transport(target, release, signal),
      transport(target, release, signal),
    ]);

    expect(outcomes).toEqual([
      { _tag: 'Ack' },
      { _tag: 'Failure', reason: 'Rejected' },
      { _tag: 'Failure', reason: 'BackendError' },
    ]);
    await fleet.printed('request', 'zccache', 3);
    expect(eventsOf(fleet, 'connection', 'zccache')).toHaveLength(1);
  });
});
