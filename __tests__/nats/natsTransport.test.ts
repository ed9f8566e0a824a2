/**
 * The NATS transport against a real nats-server and real backend processes
 * (scripts/nats-backends.mjs): every answer a backend can give and every way it can fail, as the
 * socket transport's tests have them, plus what only NATS has (no responders, a lost server
 * connection, a second reply), cancellation, ids, `close()`, and the library's own backend side.
 */
import type { NatsConnection } from '@nats-io/transport-node';

import {
  ack,
  ackOutcome,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  explicitInstance,
  failureOutcome,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  runBroadcast,
} from '../../src';
import type {
  BackendKey,
  BroadcastOperation,
  LiveBroadcast,
  Outcome,
  Registry,
  Transport,
  TransportFailed,
} from '../../src';
import { backendSubject, natsTransport, serveNatsBackend } from '../../src/nats';
import type { NatsTransport } from '../../src/nats';
import { reproduces } from '../live/support';
import type { Fleet, Step } from '../node/backends';
import { afterThisTest, cleanUp, startProcess } from '../node/backends';
import type { NatsServer } from './natsServer';
import { NATS_BACKENDS, connectTo, describeWithNats, gate, nextStatus, startNatsServer } from './natsServer';

jest.setTimeout(60_000);
afterEach(cleanUp);

/** Generous against delays of a few milliseconds; a backend meant to time out costs this long. */
const POLICY_MS = 2000;

const release = releaseHandlesOperation('/var/cache/zccache');
/** Names with what a subject cannot hold as it is: the escaping must carry them. */
const instance = explicitInstance('ci runner.1 >*');
const keyOf = (name: string): BackendKey => backendKey(instance, name, '1.0.0', '');

const registryOf = (names: ReadonlyArray<string>, ackTimeoutMs = POLICY_MS): Registry =>
  names.reduce(
    (s, n) => register(s, backend(keyOf(n), true, ack)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

const transportOn = (connection: NatsConnection, maxReplyBytes?: number): NatsTransport => {
  const transport = natsTransport({ connection, ...(maxReplyBytes === undefined ? {} : { maxReplyBytes }) });
  afterThisTest(() => transport.close());
  return transport;
};

/** What a scripted NATS backend can do: what a socket one can, and answer twice. */
type NatsStep = Step | { readonly answer: 'twice'; readonly delayMs?: number };

/** Start one process of scripted backends, each named and scripted, on `server`. */
const startNatsBackends = (
  server: NatsServer,
  specs: ReadonlyArray<readonly [name: string, ...script: NatsStep[]]>,
): Promise<Fleet> =>
  startProcess([
    NATS_BACKENDS,
    JSON.stringify({
      servers: `127.0.0.1:${String(server.port)}`,
      report: true,
      backends: specs.map(([name, ...script]) => ({ name, subject: backendSubject(keyOf(name)), script })),
    }),
  ]);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const requestsOf = (fleet: Fleet, name: string): ReadonlyArray<{ readonly id: number; readonly operation: unknown }> =>
  fleet.events.flatMap((e) => (e.event === 'request' && e.name === name ? [e.request] : []));

const names = (list: ReadonlyArray<{ readonly key: BackendKey }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

const codes = (live: LiveBroadcast): Readonly<Record<string, string | null>> =>
  Object.fromEntries(
    live.diagnostics
      .filter((d): d is TransportFailed => d._tag === 'TransportFailed')
      .map((d) => [d.key.serviceName, d.code]),
  );

describeWithNats('natsTransport over a real nats-server', () => {
  let server: NatsServer;
  beforeEach(async () => {
    server = await startNatsServer();
  });

  it('should list every backend as it answered or failed, in one broadcast, with the cause of each transport failure', async () => {
    const fleet = await startNatsBackends(server, [
      ['acks', { answer: 'Ack' }],
      ['slowAcks', { answer: 'Ack', delayMs: 50 }],
      ['unsupported', { answer: 'UnsupportedOperation' }],
      ['rejects', { answer: 'Rejected' }],
      ['breaks', { answer: 'BackendError' }],
      ['late', { answer: 'Ack', delayMs: POLICY_MS * 3 }],
      ['silent', { answer: 'never' }],
      ['closes', { answer: 'close' }],
      ['garbage', { answer: 'garbage' }],
      ['wrongId', { answer: 'wrong-id' }],
      ['oversized', { answer: 'oversized' }],
      ['badOutcome', { answer: 'bad-outcome' }],
      ['badUtf8', { answer: 'bad-utf8' }],
      ['twice', { answer: 'twice' }],
    ]);
    const all = [
      'acks',
      'slowAcks',
      'unsupported',
      'rejects',
      'breaks',
      'late',
      'silent',
      'closes',
      'nobody',
      'garbage',
      'wrongId',
      'oversized',
      'badOutcome',
      'badUtf8',
      'twice',
    ];
    const start = registryOf(all);
    const transport = transportOn(await connectTo(server));

    const live = await runBroadcast(start, release, transport);

    // A second reply to one request is dropped: the first one counts, once.
    expect(names(live.result.acks)).toEqual(['acks', 'slowAcks', 'twice']);
    // NATS does not tell the asker that a responder went away: a backend that closes its
    // connection instead of answering times out, as a silent one does.
    expect(live.result.timeouts.map((e) => [e.key.serviceName, e.ackTimeoutMs])).toEqual([
      ['late', POLICY_MS],
      ['silent', POLICY_MS],
      ['closes', POLICY_MS],
    ]);
    expect(live.result.failures.map((e) => [e.key.serviceName, e.reason])).toEqual([
      ['unsupported', 'UnsupportedOperation'],
      ['rejects', 'Rejected'],
      ['breaks', 'BackendError'],
      ['nobody', 'BackendError'],
      ['garbage', 'BackendError'],
      ['wrongId', 'BackendError'],
      ['oversized', 'BackendError'],
      ['badOutcome', 'BackendError'],
      ['badUtf8', 'BackendError'],
    ]);
    expect(codes(live)).toEqual({
      nobody: 'NoResponders',
      garbage: 'MalformedReply',
      wrongId: 'MismatchedReply',
      oversized: 'OversizedReply',
      badOutcome: 'MalformedReply',
      badUtf8: 'MalformedReply',
    });
    const messages = live.diagnostics.map((d) => (d._tag === 'TransportFailed' ? d.message : ''));
    expect(messages.every((m) => !m.includes('\n') && m.includes(backendSubject(keyOf('x')).slice(0, 40)))).toBe(true);
    expect(messages.find((m) => m.startsWith('no responders'))).toBe(
      `no responders on ${backendSubject(keyOf('nobody'))}: nothing subscribes there`,
    );
    expect(reproduces(start, live)).toBe(true);
    for (const name of all.filter((n) => n !== 'nobody')) {
      await fleet.printed('request', name, 1);
      expect(requestsOf(fleet, name).map((r) => r.operation)).toEqual([release]);
    }
  });

  it('should send each request as the socket protocol does: a positive id and the encoded operation', async () => {
    const fleet = await startNatsBackends(server, [['zccache']]);
    const transport = transportOn(await connectTo(server));

    await runBroadcast(registryOf(['zccache']), quiesceOperation('BrokerShutdown'), transport);
    await runBroadcast(registryOf(['zccache']), release, transport);
    // A reply can reach the transport before the line saying the request came reaches the test.
    await fleet.printed('request', 'zccache', 2);

    const requests = requestsOf(fleet, 'zccache');
    expect(requests.map((r) => r.operation)).toEqual([{ _tag: 'Quiesce', reason: 'BrokerShutdown' }, release]);
    expect(requests.every((r) => Object.keys(r).join() === 'id,operation' && r.id > 0)).toBe(true);
    expect(new Set(requests.map((r) => r.id)).size).toBe(2);
  });

  it("should drop a late reply instead of taking it for the next request's", async () => {
    const fleet = await startNatsBackends(server, [
      ['zccache', { answer: 'hold' }, { answer: 'Rejected', delayMs: 20 }],
    ]);
    const transport = transportOn(await connectTo(server));

    const first = await runBroadcast(registryOf(['zccache'], 300), release, transport);
    const second = await runBroadcast(registryOf(['zccache']), release, transport);
    await fleet.printed('request', 'zccache', 2);

    expect(names(first.result.timeouts)).toEqual(['zccache']);
    expect(second.result.failures).toEqual([{ _tag: 'Failure', key: keyOf('zccache'), reason: 'Rejected' }]);
    expect(second.diagnostics).toEqual([]);
    expect(requestsOf(fleet, 'zccache')).toHaveLength(2);
  });

  it('should carry progress: a backend that asks for more time is waited for past the policy, one that does not times out', async () => {
    await startNatsBackends(server, [
      ['extends', { answer: 'Ack', delayMs: 3 * POLICY_MS, progress: { extendMs: 30_000 } }],
      ['floods', { answer: 'Rejected', delayMs: 3 * POLICY_MS, progress: { extendMs: 30_000, count: 50 } }],
      ['silent', { answer: 'Ack', delayMs: 3 * POLICY_MS }],
    ]);
    const transport = transportOn(await connectTo(server));

    const live = await runBroadcast(registryOf(['extends', 'floods', 'silent']), release, transport);

    expect(names(live.result.acks)).toEqual(['extends']);
    expect(names(live.result.failures)).toEqual(['floods']);
    expect(names(live.result.timeouts)).toEqual(['silent']);
    expect(live.diagnostics).toEqual([]);
  });

  it('should never extend a backend past the deadline, however much progress it sends', async () => {
    await startNatsBackends(server, [
      ['extends', { answer: 'Ack', delayMs: 3 * POLICY_MS, progress: { extendMs: 30_000, count: 5, everyMs: 100 } }],
    ]);
    const transport = transportOn(await connectTo(server));
    const deadline = new Date(Date.now() + POLICY_MS);

    const live = await runBroadcast(registryOf(['extends'], 60_000), release, transport, { deadline });

    expect(names(live.result.timeouts)).toEqual(['extends']);
    expect(live.diagnostics).toEqual([
      { _tag: 'DeadlineExceeded', key: keyOf('extends'), sent: true, deadlineUnixMs: deadline.getTime() },
    ]);
  });

  it('should record a backend process that crashes mid-request as timed out, and the others as they answered', async () => {
    const crashing = await startNatsBackends(server, [['crashes', { answer: 'crash' }]]);
    await startNatsBackends(server, [['steady']]);
    const transport = transportOn(await connectTo(server));

    const live = await runBroadcast(registryOf(['crashes', 'steady'], 500), release, transport);

    expect(await crashing.exited).toBe(1);
    expect(names(live.result.acks)).toEqual(['steady']);
    expect(names(live.result.timeouts)).toEqual(['crashes']);
  });

  it('should fail outstanding requests with ConnectionLost when the server goes away, and reach backends again once it is back', async () => {
    const fleet = await startNatsBackends(server, [['silent', { answer: 'never' }, { answer: 'Ack' }]]);
    const connection = await connectTo(server);
    const transport = transportOn(connection);
    const start = registryOf(['silent'], 60_000);

    const running = runBroadcast(start, release, transport);
    await fleet.printed('request', 'silent', 1);
    const back = nextStatus(connection, 'reconnect');
    await server.kill();
    const lost = await running;
    await server.restart();
    // The client and the backend process reconnect by themselves; the backend says when its
    // subscription is on the server again.
    await Promise.all([back, fleet.printed('resubscribed', 'silent', 1)]);
    const again = await runBroadcast(registryOf(['silent']), release, transport);

    expect(codes(lost)).toEqual({ silent: 'ConnectionLost' });
    expect(again.result._tag).toBe('AllAcked');
  });

  it('should cancel through the signal: abort the outstanding request and report it as cancelled', async () => {
    const fleet = await startNatsBackends(server, [['acks'], ['silent', { answer: 'never' }]]);
    const nats = transportOn(await connectTo(server));
    const controller = new AbortController();
    const start = registryOf(['acks', 'silent'], 60_000);
    // Cancel once acks has answered and silent has its request. The reply's first reaction is the
    // test's, queued before runBroadcast's: the run has taken the Ack before the test goes on.
    const acksAnswered = gate();
    const transport: Transport = (target, operation, signal, context) => {
      const reply = nats(target, operation, signal, context);
      if (target.key.serviceName === 'acks') {
        void reply.then(acksAnswered.open);
      }
      return reply;
    };

    const running = runBroadcast(start, release, transport, { signal: controller.signal });
    await Promise.all([fleet.printed('request', 'silent', 1), acksAnswered.opened]);
    controller.abort();
    const live = await running;

    expect(live.cancelled).toBe(true);
    expect(names(live.result.timeouts)).toEqual(['silent']);
    expect(live.diagnostics).toEqual([{ _tag: 'Cancelled', key: keyOf('silent'), sent: true }]);
  });

  it('should reject outstanding and later requests once closed, and later ones on a closed connection', async () => {
    const fleet = await startNatsBackends(server, [['silent', { answer: 'never' }]]);
    const connection = await connectTo(server);
    const transport = natsTransport({ connection });
    const target = backend(keyOf('silent'), true, ack);

    const outstanding = transport(target, release, new AbortController().signal);
    await fleet.printed('request', 'silent', 1);
    const rejected = expect(outstanding).rejects.toMatchObject({ code: 'TransportClosed' });
    await transport.close();
    await rejected;
    await expect(transport(target, release, new AbortController().signal)).rejects.toMatchObject({
      code: 'TransportClosed',
    });

    const other = natsTransport({ connection });
    await connection.close();
    await expect(other(target, release, new AbortController().signal)).rejects.toMatchObject({
      code: 'ConnectionClosed',
    });
  });

  it('should fail a request whose subject cannot be had, with InvalidSubject', async () => {
    const connection = await connectTo(server);
    const transport = natsTransport({
      connection,
      subjectOf: (key) => {
        if (key.serviceName === 'throws') {
          throw new Error('no such service');
        }
        return 'lifecycle.*.wild';
      },
    });

    const live = await runBroadcast(registryOf(['throws', 'wild']), release, transport);

    expect(codes(live)).toEqual({ throws: 'InvalidSubject', wild: 'InvalidSubject' });
    expect(live.diagnostics.map((d) => (d._tag === 'TransportFailed' ? d.message : ''))).toEqual([
      'subjectOf threw for throws: no such service',
      'subjectOf gave "lifecycle.*.wild" for wild, not a literal NATS subject',
    ]);
  });

  it('should honour a smaller maxReplyBytes', async () => {
    await startNatsBackends(server, [['zccache']]);

    const live = await runBroadcast(registryOf(['zccache']), release, transportOn(await connectTo(server), 10));

    expect(codes(live)).toEqual({ zccache: 'OversizedReply' });
  });

  it('should keep many requests outstanding and match each reply by its id', async () => {
    await startNatsBackends(server, [
      ['zccache', { answer: 'Ack', delayMs: 200 }, { answer: 'Rejected', delayMs: 100 }, { answer: 'BackendError' }],
    ]);
    const transport = transportOn(await connectTo(server));
    const target = backend(keyOf('zccache'), true, ack);
    const signal = new AbortController().signal;

    const outcomes = await Promise.all([
      transport(target, release, signal),
      transport(target, release, signal),
      transport(target, release, signal),
    ]);

    expect(outcomes).toEqual([ackOutcome, failureOutcome('Rejected'), failureOutcome('BackendError')]);
  });
});

describeWithNats('serveNatsBackend', () => {
  it('should answer natsTransport with the handler: outcomes, a thrown error, a wrong value, an unknown operation', async () => {
    const server = await startNatsServer();
    const backendSide = await connectTo(server);
    const errors: string[] = [];
    const seen: Array<readonly [string, BroadcastOperation]> = [];
    const handles: Readonly<Record<string, (op: BroadcastOperation) => unknown>> = {
      acks: () => ackOutcome,
      rejects: async () => {
        await new Promise((r) => setTimeout(r, 10));
        return failureOutcome('Rejected');
      },
      throws: () => {
        throw new Error('disk on fire');
      },
      wrong: () => 'yes',
    };
    const served = Object.entries(handles).map(([name, handle]) =>
      serveNatsBackend({
        connection: backendSide,
        key: keyOf(name),
        handle: (op) => {
          seen.push([name, op]);
          return handle(op) as Outcome;
        },
        onError: (e) => errors.push(`${e.code}: ${e.message}`),
      }),
    );
    afterThisTest(() => Promise.all(served.map((s) => s.stop())).then(() => undefined));
    await backendSide.flush();
    const brokerSide = await connectTo(server);

    const live = await runBroadcast(registryOf(Object.keys(handles)), release, transportOn(brokerSide));
    const raw = await brokerSide.request(
      backendSubject(keyOf('acks')),
      JSON.stringify({ id: 9, operation: { _tag: 'Reboot' } }),
      { timeout: 5000 },
    );

    expect(names(live.result.acks)).toEqual(['acks']);
    expect(live.result.failures.map((e) => [e.key.serviceName, e.reason])).toEqual([
      ['rejects', 'Rejected'],
      ['throws', 'BackendError'],
      ['wrong', 'BackendError'],
    ]);
    expect(live.diagnostics).toEqual([]);
    expect(seen.map(([n, op]) => [n, op])).toEqual(Object.keys(handles).map((n) => [n, release]));
    expect(JSON.parse(raw.string())).toEqual({ id: 9, outcome: { _tag: 'Failure', reason: 'UnsupportedOperation' } });
    const subjectOf = (name: string): string => backendSubject(keyOf(name));
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^HandlerFailed: ${escapeRegExp(subjectOf('throws'))}: the handler failed request \\d+ \\(ReleaseHandles\\): disk on fire$`,
        ),
      ) as unknown,
      expect.stringMatching(
        new RegExp(
          `^InvalidOutcome: ${escapeRegExp(subjectOf('wrong'))}: the handler gave "yes" for request \\d+ \\(ReleaseHandles\\), not an outcome$`,
        ),
      ) as unknown,
    ]);
  });

  it('should send progress before the reply when the handler extends, which the transport waits through', async () => {
    const server = await startNatsServer();
    const backendSide = await connectTo(server);
    const contexts: Array<{ readonly id: number; readonly deadline: number | undefined }> = [];
    const served = serveNatsBackend({
      connection: backendSide,
      key: keyOf('slow'),
      handle: async (_, context) => {
        contexts.push({ id: context.id, deadline: context.deadline });
        context.extend(10_000);
        await new Promise((r) => setTimeout(r, 20));
        return failureOutcome('Rejected');
      },
    });
    afterThisTest(() => served.stop());
    await backendSide.flush();
    const brokerSide = await connectTo(server);
    const messages: unknown[] = [];
    const inbox = 'test.replies';
    const replies = brokerSide.subscribe(inbox, {
      max: 2,
      callback: (_, m) => {
        messages.push(m.json());
      },
    });

    const outcome = await transportOn(brokerSide)(
      backend(keyOf('slow'), true, ack),
      release,
      new AbortController().signal,
    );
    brokerSide.publish(
      served.subject,
      JSON.stringify({ id: 4, operation: release, deadlineUnixMs: 1_700_000_000_000 }),
      {
        reply: inbox,
      },
    );
    await replies.closed;

    expect(outcome).toEqual(failureOutcome('Rejected'));
    expect(messages).toEqual([
      { id: 4, progress: { extendMs: 10_000 } },
      { id: 4, outcome: { _tag: 'Failure', reason: 'Rejected' } },
    ]);
    expect(contexts[1]).toEqual({ id: 4, deadline: 1_700_000_000_000 });
  });

  it('should refuse options without a connection or a handler, and a bad key, with one line', () => {
    expect(() => serveNatsBackend({} as Parameters<typeof serveNatsBackend>[0])).toThrow(
      /^serveNatsBackend: expected options with a NATS connection and a handle function, got \{\}$/,
    );
    expect(() => natsTransport({} as Parameters<typeof natsTransport>[0])).toThrow(
      /^natsTransport: expected options with a NATS connection, got \{\}$/,
    );
  });
});
