/**
 * A fleet broadcast across a three-node nats-server cluster on loopback (routes between the
 * nodes), one node killed in the middle of it: the broadcast completes within its deadline with
 * a typed outcome for every broker, and a broker whose node went away but which reconnects to
 * another node still answers.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import * as O from 'fp-ts/Option';

import {
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  explicitInstance,
  register,
  releaseHandlesOperation,
  runBroadcast,
} from '../../src';
import type { BroadcastOperation, BroadcastResult } from '../../src';
import { fleetBroadcast, serveBroker } from '../../src/nats';
import { modelledTransport } from '../live/support';
import { afterThisTest, cleanUp } from '../node/backends';
import type { NatsServer } from './natsServer';
import { connectTo, describeWithNats, gate, nextStatus, startNatsCluster } from './natsServer';

jest.setTimeout(90_000);
afterEach(cleanUp);

const DEADLINE_MS = 5000;
/** Slack for timers on a loaded machine: the fleet resolves at its deadline, not this much later. */
const TIMER_SLACK_MS = 2000;

const release = releaseHandlesOperation('/shared/cache');

/** A broker's broadcast over two acknowledging in-memory backends named after it. */
const broadcastOf = async (broker: string, operation: BroadcastOperation): Promise<BroadcastResult> => {
  const registry = ['zccache', 'sccache'].reduce(
    (s, name) =>
      register(s, backend(backendKey(explicitInstance(broker), name, '1.0.0', ''), true, { _tag: 'Ack' })).state,
    createRegistry(broadcastPolicy(1000)),
  );
  const memory = modelledTransport();
  try {
    return (await runBroadcast(registry, operation, memory.transport)).result;
  } finally {
    memory.dispose();
  }
};

/**
 * Serve broker `name` on `connection`, running `before` ahead of its broadcast, with an echo on
 * `probe.<name>` subscribed after it: once the probe answers from another node, the broker's
 * subject is known there too (a server forwards a connection's subscriptions in order).
 */
const startBroker = (
  connection: NatsConnection,
  name: string,
  before: () => Promise<void> = () => Promise.resolve(),
): void => {
  const broker = serveBroker({
    connection,
    name,
    broadcast: async (operation) => {
      await before();
      return broadcastOf(name, operation);
    },
    onError: () => undefined,
  });
  const probe = connection.subscribe(`probe.${name}`, {
    callback: (_, msg) => {
      msg.respond('');
    },
  });
  afterThisTest(async () => {
    if (!probe.isClosed()) {
      probe.unsubscribe();
    }
    await broker.stop();
  });
};

/**
 * Resolves once `connection` reaches broker `name` through the routes: each try waits for the
 * server's answer (no responders until the route carries the subscription), up to 20 s.
 */
const reachable = async (connection: NatsConnection, name: string): Promise<void> => {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      await connection.request(`probe.${name}`, '', { timeout: 2000 });
      return;
    } catch (error: unknown) {
      if (Date.now() > until) {
        throw new Error(`broker ${name} not reachable through the cluster: ${String(error)}`);
      }
      await connection.flush();
    }
  }
};

describeWithNats('fleetBroadcast across a three-node cluster', () => {
  it('should complete within its deadline with a typed outcome per broker when a node is killed mid-broadcast', async () => {
    const [n1, n2, n3] = (await startNatsCluster(3)) as [NatsServer, NatsServer, NatsServer];
    const fleetSide = await connectTo(n1);
    const northSide = await connectTo(n1);
    const eastSide = await connectTo(n2);
    // On the node to be lost: one broker goes down with it, one reconnects to another node.
    const westSide = await connectTo(n3, { reconnect: false });
    const southSide = await connectTo(n3);

    const westStarted = gate();
    const southStarted = gate();
    const nodeKilled = gate();
    const southBack = nextStatus(southSide, 'reconnect');
    startBroker(northSide, 'north');
    startBroker(eastSide, 'east');
    startBroker(westSide, 'west', async () => {
      westStarted.open();
      await nodeKilled.opened;
    });
    startBroker(southSide, 'south', async () => {
      southStarted.open();
      await nodeKilled.opened;
      await southBack;
    });
    for (const name of ['north', 'east', 'west', 'south']) {
      await reachable(fleetSide, name);
    }

    const started = Date.now();
    const running = fleetBroadcast(['north', 'east', 'west', 'south'], release, {
      connection: fleetSide,
      deadlineMs: DEADLINE_MS,
    });
    await Promise.all([westStarted.opened, southStarted.opened]);
    await n3.kill();
    nodeKilled.open();
    const fleet = await running;
    const elapsed = Date.now() - started;

    expect(fleet.brokers.map((b) => `${b.broker}: ${b._tag === 'Answered' ? b.result._tag : b.reason}`)).toEqual([
      'north: AllAcked',
      'east: AllAcked',
      'west: TimedOut',
      'south: AllAcked',
    ]);
    expect(
      O.toUndefined(fleet.combined)?.acks.map(
        (e) => `${e.key.instance._tag === 'Explicit' ? e.key.instance.name : ''}/${e.key.serviceName}`,
      ),
    ).toEqual(['north/zccache', 'north/sccache', 'east/zccache', 'east/sccache', 'south/zccache', 'south/sccache']);
    expect(fleet.reportedTwice).toEqual([]);
    expect(elapsed).toBeLessThan(DEADLINE_MS + TIMER_SLACK_MS);
  });
});
