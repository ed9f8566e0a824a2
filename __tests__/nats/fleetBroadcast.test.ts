/**
 * A fleet of brokers over a real nats-server: `serveBroker` on each broker, `fleetBroadcast`
 * asking a roster with one deadline. Brokers that answer, die between request and reply, answer
 * twice, answer garbage, never existed, or cannot run the broadcast; a server restart between
 * broadcasts; and the fleet's combined result against one broker holding every backend.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import {
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  emptyResult,
  explicitInstance,
  register,
  releaseHandlesOperation,
  runBroadcast,
} from '../../src';
import type { BroadcastBackendResponse, BroadcastOperation, BroadcastResult, Registry } from '../../src';
import { brokerSubject, combineFleet, fleetBroadcast, serveBroker } from '../../src/nats';
import type { BrokerAnswered, BrokerRequestContext, FleetBroadcast } from '../../src/nats';
import { modelledTransport } from '../live/support';
import { afterThisTest, cleanUp, startProcess } from '../node/backends';
import type { NatsServer } from './natsServer';
import { NATS_BACKENDS, connectTo, describeWithNats, gate, nextStatus, startNatsServer } from './natsServer';

jest.setTimeout(60_000);
afterEach(cleanUp);

/** Long enough for brokers in this process to answer on a loaded machine; a broker that never answers costs this. */
const DEADLINE_MS = 3000;

const release = releaseHandlesOperation('/shared/cache');

/** One backend: its service name, whether it is live, and what it answers. */
type Described = readonly [name: string, live: boolean, response: BroadcastBackendResponse];

const ack: BroadcastBackendResponse = { _tag: 'Ack' };
const keyOf = (broker: string, name: string) => backendKey(explicitInstance(broker), name, '1.0.0', '');

/** The registry of `described`, each backend under `broker`'s instance, in that order, backend timeouts of `ackTimeoutMs`. */
const registryOf = (
  backends: ReadonlyArray<readonly [broker: string, described: Described]>,
  ackTimeoutMs: number,
): Registry =>
  backends.reduce(
    (s, [broker, [name, live, response]]) => register(s, backend(keyOf(broker, name), live, response)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

/** The broadcast of a broker with `registry`: a live broadcast over an in-memory transport answering as the registry says. */
const broadcastOver =
  (registry: Registry) =>
  async (operation: BroadcastOperation, { signal }: BrokerRequestContext): Promise<BroadcastResult> => {
    const memory = modelledTransport();
    try {
      return (await runBroadcast(registry, operation, memory.transport, { signal })).result;
    } finally {
      memory.dispose();
    }
  };

/** Serve `broadcast` as broker `name` on `connection` until the test ends, and have the server know it. */
const startBroker = async (
  connection: NatsConnection,
  name: string,
  broadcast: Parameters<typeof serveBroker>[0]['broadcast'],
  onError?: (message: string) => void,
): Promise<void> => {
  const broker = serveBroker({ connection, name, broadcast, ...(onError === undefined ? {} : { onError }) });
  afterThisTest(() => broker.stop());
  await connection.flush();
};

/** A broker `name` with the described backends. */
const startModelledBroker = (
  connection: NatsConnection,
  name: string,
  described: ReadonlyArray<Described>,
): Promise<void> =>
  startBroker(
    connection,
    name,
    broadcastOver(
      registryOf(
        described.map((d) => [name, d] as const),
        200,
      ),
    ),
  );

const summary = (fleet: FleetBroadcast): ReadonlyArray<string> =>
  fleet.brokers.map((b) => `${b.broker}: ${b._tag === 'Answered' ? b.result._tag : b.reason}`);

const names = (list: ReadonlyArray<{ readonly key: { readonly serviceName: string } }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

describeWithNats('fleetBroadcast over a real nats-server', () => {
  let server: NatsServer;
  beforeEach(async () => {
    server = await startNatsServer();
  });

  it('should give each broker its result and a broker that dies between request and reply TimedOut, at the deadline', async () => {
    const brokers = await connectTo(server);
    await startModelledBroker(brokers, 'ci-runner-1', [
      ['zccache', true, ack],
      ['sccache', true, { _tag: 'Failure', reason: 'Rejected' }],
    ]);
    await startModelledBroker(brokers, 'ci-runner-2', [['bazel', true, ack]]);
    // A broker process that exits as soon as a request reaches it, before answering.
    const doomed = await startProcess([
      NATS_BACKENDS,
      JSON.stringify({
        servers: `127.0.0.1:${String(server.port)}`,
        report: true,
        backends: [{ name: 'ci-runner-3', subject: brokerSubject('ci-runner-3'), script: [{ answer: 'crash' }] }],
      }),
    ]);
    const fleetSide = await connectTo(server);

    const fleet = await fleetBroadcast(['ci-runner-1', 'ci-runner-3', 'ci-runner-2'], release, {
      connection: fleetSide,
      deadlineMs: DEADLINE_MS,
    });

    expect(await doomed.exited).toBe(1);
    expect(doomed.events.filter((e) => e.event === 'request')).toHaveLength(1);
    expect(summary(fleet)).toEqual(['ci-runner-1: Degraded', 'ci-runner-3: TimedOut', 'ci-runner-2: AllAcked']);
    expect(fleet.missing).toEqual([
      {
        _tag: 'Missing',
        broker: 'ci-runner-3',
        reason: 'TimedOut',
        message: `ci-runner-3 did not answer within ${String(DEADLINE_MS)} ms`,
      },
    ]);
    expect(fleet.answered.map((a) => a.broker)).toEqual(['ci-runner-1', 'ci-runner-2']);
    const combined = O.toUndefined(fleet.combined);
    expect(combined?._tag).toBe('Degraded');
    expect(names(combined?.acks ?? [])).toEqual(['zccache', 'bazel']);
    expect(names(combined?.failures ?? [])).toEqual(['sccache']);
    expect(fleet.reportedTwice).toEqual([]);
    expect(fleet.operation).toEqual(release);
  });

  it('should tell a roster name nobody serves as NoResponders at once, without waiting for the deadline', async () => {
    const brokers = await connectTo(server);
    await startModelledBroker(brokers, 'ci-runner-1', [['zccache', true, ack]]);
    const fleetSide = await connectTo(server);

    // A deadline the test would time out on: only the server's "no responders" ends it.
    const fleet = await fleetBroadcast(['ci-runner-1', 'never existed.*'], release, {
      connection: fleetSide,
      deadlineMs: 600_000,
    });

    expect(summary(fleet)).toEqual(['ci-runner-1: AllAcked', 'never existed.*: NoResponders']);
    expect(fleet.missing[0]?.message).toBe(
      `no responders on ${brokerSubject('never existed.*')}: nothing subscribes there`,
    );
    expect(names(O.toUndefined(fleet.combined)?.acks ?? [])).toEqual(['zccache']);
  });

  it("should take a broker's first answer and drop its second, and count each backend once", async () => {
    const twiceSide = await connectTo(server);
    const first = O.toUndefined(await runBroadcastFor('twice', [['zccache', true, ack]]));
    const second = O.toUndefined(
      await runBroadcastFor('twice', [
        ['zccache', true, { _tag: 'Failure', reason: 'Rejected' }],
        ['extra', true, ack],
      ]),
    );
    let replies = 0;
    twiceSide.subscribe(brokerSubject('twice'), {
      callback: (_, msg) => {
        const { id } = msg.json<{ readonly id: number }>();
        msg.respond(JSON.stringify({ id, broker: 'twice', result: first }));
        msg.respond(JSON.stringify({ id, broker: 'twice', result: second }));
        replies += 2;
      },
    });
    await twiceSide.flush();
    const brokers = await connectTo(server);
    await startModelledBroker(brokers, 'once', [['bazel', true, ack]]);
    const fleetSide = await connectTo(server);

    const fleet = await fleetBroadcast(['twice', 'once'], release, { connection: fleetSide, deadlineMs: DEADLINE_MS });
    // Both replies were sent before the fleet had the last broker's: the second one reached it.
    await fleetSide.flush();

    expect(replies).toBe(2);
    expect(summary(fleet)).toEqual(['twice: AllAcked', 'once: AllAcked']);
    expect((fleet.brokers[0] as BrokerAnswered).result).toEqual(first);
    expect(names(O.toUndefined(fleet.combined)?.acks ?? [])).toEqual(['zccache', 'bazel']);
  });

  it('should call an answer that cannot be read Malformed, and a broker that cannot run the broadcast BroadcastFailed', async () => {
    const liars = await connectTo(server);
    const answers: Readonly<Record<string, (id: number) => string>> = {
      garbage: () => 'this is not JSON',
      impostor: (id) => JSON.stringify({ id, broker: 'someone-else', result: emptyResult(release) }),
      wrongId: (id) => JSON.stringify({ id: id + 100, broker: 'wrongId', result: emptyResult(release) }),
      notAResult: (id) => JSON.stringify({ id, broker: 'notAResult', result: { _tag: 'Maybe' } }),
      huge: (id) => JSON.stringify({ id, broker: 'huge', error: 'x'.repeat(5000) }),
    };
    for (const [name, answer] of Object.entries(answers)) {
      liars.subscribe(brokerSubject(name), {
        callback: (_, msg) => {
          msg.respond(answer(msg.json<{ readonly id: number }>().id));
        },
      });
    }
    await liars.flush();
    const brokers = await connectTo(server);
    const errors: string[] = [];
    await startBroker(
      brokers,
      'broken',
      () => Promise.reject(new Error('registry\nunavailable')),
      (m) => errors.push(m),
    );
    const fleetSide = await connectTo(server);

    const fleet = await fleetBroadcast([...Object.keys(answers), 'broken'], release, {
      connection: fleetSide,
      deadlineMs: DEADLINE_MS,
      maxReplyBytes: 1000,
    });

    expect(summary(fleet)).toEqual([
      'garbage: Malformed',
      'impostor: Malformed',
      'wrongId: Malformed',
      'notAResult: Malformed',
      'huge: Malformed',
      'broken: BroadcastFailed',
    ]);
    expect(fleet.missing.map((m) => m.message)).toEqual([
      `malformed reply on ${brokerSubject('garbage')}: not JSON: "this is not JSON"`,
      `malformed answer on ${brokerSubject('impostor')}: from "someone-else" to request 2`,
      `malformed answer on ${brokerSubject('wrongId')}: from "wrongId" to request 103`,
      expect.stringMatching(new RegExp(`^malformed answer on ${brokerSubject('notAResult')}: `)) as unknown,
      `reply on ${brokerSubject('huge')} over 1000 bytes`,
      'broken: the broadcast failed: registry',
    ]);
    expect(fleet.missing.every((m) => !m.message.includes('\n'))).toBe(true);
    expect(fleet.combined).toEqual(O.none);
    expect(errors).toEqual(['broken: the broadcast failed: registry']);
  });

  it('should not run a request whose deadline passed while an earlier broadcast ran', async () => {
    const brokers = await connectTo(server);
    const held = gate();
    const started = gate();
    const told = gate();
    let calls = 0;
    const errors: string[] = [];
    await startBroker(
      brokers,
      'busy',
      async (operation) => {
        calls += 1;
        started.open();
        await held.opened;
        return emptyResult(operation);
      },
      (m) => {
        errors.push(m);
        told.open();
      },
    );
    const fleetSide = await connectTo(server);
    const options = { connection: fleetSide, deadlineMs: 300 };

    const both = await Promise.all([
      fleetBroadcast(['busy'], release, options),
      started.opened.then(() => fleetBroadcast(['busy'], release, options)),
    ]);
    held.open();
    await told.opened;

    expect(both.map(summary)).toEqual([['busy: TimedOut'], ['busy: TimedOut']]);
    expect(calls).toBe(1);
    expect(errors).toEqual(['busy: request 1 not run: its deadline passed while an earlier broadcast ran']);
  });

  it('should count brokers as ConnectionLost when the server goes away mid-broadcast, and reach them again once it restarted', async () => {
    const brokers = await connectTo(server);
    const fleetSide = await connectTo(server);
    const held = gate();
    const started = gate();
    let calls = 0;
    await startBroker(brokers, 'ci-runner-1', async (operation, context) => {
      calls += 1;
      if (calls === 2) {
        started.open();
        await held.opened;
      }
      return broadcastOver(registryOf([['ci-runner-1', ['zccache', true, ack]]], 200))(operation, context);
    });
    const options = { connection: fleetSide, deadlineMs: DEADLINE_MS };

    const before = await fleetBroadcast(['ci-runner-1'], release, options);
    const during = fleetBroadcast(['ci-runner-1'], release, options);
    await started.opened;
    const brokersBack = nextStatus(brokers, 'reconnect');
    const fleetBack = nextStatus(fleetSide, 'reconnect');
    await server.kill();
    const lost = await during;
    held.open();
    await server.restart();
    await Promise.all([brokersBack, fleetBack]);
    // The broker's subscription is on the server again once its connection's flush returns.
    await brokers.flush();
    const after = await fleetBroadcast(['ci-runner-1'], release, options);

    expect(summary(before)).toEqual(['ci-runner-1: AllAcked']);
    expect(lost.missing).toEqual([
      {
        _tag: 'Missing',
        broker: 'ci-runner-1',
        reason: 'ConnectionLost',
        message: 'the connection to NATS was lost before ci-runner-1 answered',
      },
    ]);
    expect(summary(after)).toEqual(['ci-runner-1: AllAcked']);
  });

  it('should give, backend for backend, what one broker with every backend gives (random fleets)', async () => {
    const brokersSide = await connectTo(server);
    const fleetSide = await connectTo(server);
    const responseArb = fc.oneof(
      fc.constant<BroadcastBackendResponse>(ack),
      fc.constant<BroadcastBackendResponse>({ _tag: 'Timeout' }),
      fc.constantFrom<BroadcastBackendResponse>(
        { _tag: 'Failure', reason: 'Rejected' },
        { _tag: 'Failure', reason: 'UnsupportedOperation' },
        { _tag: 'Failure', reason: 'BackendError' },
      ),
    );
    const fleetArb = fc.array(fc.array(fc.tuple(fc.boolean(), responseArb), { maxLength: 6 }), {
      minLength: 1,
      maxLength: 5,
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fleetArb, async (described) => {
        run += 1;
        const roster = described.map((_, i) => `runner-${String(run)}.${String(i)}`);
        const backends = described.map((list, i) =>
          list.map(([live, response], j) => [roster[i] ?? '', [`b${String(j)}`, live, response] as Described] as const),
        );
        const stops: Array<() => Promise<void>> = [];
        for (const [i, name] of roster.entries()) {
          const broker = serveBroker({
            connection: brokersSide,
            name,
            broadcast: broadcastOver(registryOf(backends[i] ?? [], 50)),
          });
          stops.push(broker.stop);
        }
        await brokersSide.flush();
        try {
          const fleet = await fleetBroadcast(roster, release, { connection: fleetSide, deadlineMs: 20_000 });
          const single = await broadcastOver(registryOf(backends.flat(), 50))(release, {
            deadline: undefined,
            signal: new AbortController().signal,
          });

          expect(fleet.missing).toEqual([]);
          expect(fleet.combined).toEqual(O.some(single));
          expect(fleet.reportedTwice).toEqual([]);
        } finally {
          await Promise.all(stops.map((stop) => stop()));
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('combineFleet', () => {
  it('should list a backend two brokers report once, with the later broker, and name it in reportedTwice', async () => {
    const a = await runBroadcastFor('a', [
      ['shared', true, { _tag: 'Failure', reason: 'Rejected' }],
      ['onlyA', true, ack],
    ]);
    const b = await runBroadcastFor('b', [['onlyB', true, ack]]);
    // The same key under the other broker: a roster whose brokers overlap.
    const shared = O.toUndefined(a)?.failures[0]?.key;
    const bWithShared = O.toUndefined(b) as BroadcastResult;
    const overlapping: BroadcastResult = {
      ...bWithShared,
      acks: [...bWithShared.acks, { _tag: 'Ack', key: shared ?? keyOf('a', 'shared') }],
    };

    const { combined, reportedTwice } = combineFleet([
      { _tag: 'Answered', broker: 'a', result: O.toUndefined(a) as BroadcastResult },
      { _tag: 'Answered', broker: 'b', result: overlapping },
    ]);

    // In the order the brokers listed them: a's acks, then a's failures, then b's.
    expect(names(O.toUndefined(combined)?.acks ?? [])).toEqual(['onlyA', 'shared', 'onlyB']);
    expect(O.toUndefined(combined)?.failures).toEqual([]);
    expect(reportedTwice).toEqual([shared]);
    expect(combineFleet([])).toEqual({ combined: O.none, reportedTwice: [] });
  });
});

describe('fleetBroadcast refuses bad arguments with one line', () => {
  const connection = { publish: () => undefined } as unknown as NatsConnection;

  it.each([
    [
      'an empty name',
      ['a', ''],
      release,
      { connection, deadlineMs: 10 },
      /^fleetBroadcast: roster: expected broker names, got \["a",""\]$/,
    ],
    [
      'a name twice',
      ['a', 'a'],
      release,
      { connection, deadlineMs: 10 },
      /^fleetBroadcast: roster: a broker is named twice in/,
    ],
    ['an unknown operation', ['a'], { _tag: 'Reboot' }, { connection, deadlineMs: 10 }, /^fleetBroadcast: operation: /],
    [
      'no connection',
      ['a'],
      release,
      { deadlineMs: 10 },
      /^fleetBroadcast: expected options with a NATS connection, got/,
    ],
    [
      'a zero deadline',
      ['a'],
      release,
      { connection, deadlineMs: 0 },
      /^fleetBroadcast: deadlineMs: expected a positive integer, got 0$/,
    ],
    ['a wildcard prefix', ['a'], release, { connection, deadlineMs: 10, prefix: 'a.*' }, /^fleetBroadcast: /],
  ])('should refuse %s', async (_, roster, operation, options, message) => {
    await expect(
      fleetBroadcast(roster, operation as BroadcastOperation, options as Parameters<typeof fleetBroadcast>[2]),
    ).rejects.toThrow(message);
  });

  it('should refuse serveBroker options without a connection, broadcast or name', () => {
    expect(() => serveBroker({} as Parameters<typeof serveBroker>[0])).toThrow(
      /^serveBroker: expected options with a NATS connection and a broadcast function, got \{\}$/,
    );
    expect(() =>
      serveBroker({
        connection: { subscribe: () => undefined } as unknown as NatsConnection,
        name: '',
        broadcast: broadcastOver(createRegistry()),
      }),
    ).toThrow(/^serveBroker: name: expected a non-empty string, got ""$/);
  });
});

// -------------------------------------------------------------------------------------
// helpers used above
// -------------------------------------------------------------------------------------

/** The result broker `broker` with `described` backends gives, in memory. */
async function runBroadcastFor(
  broker: string,
  described: ReadonlyArray<Described>,
): Promise<O.Option<BroadcastResult>> {
  return O.some(
    await broadcastOver(
      registryOf(
        described.map((d) => [broker, d] as const),
        200,
      ),
    )(release, { deadline: undefined, signal: new AbortController().signal }),
  );
}
