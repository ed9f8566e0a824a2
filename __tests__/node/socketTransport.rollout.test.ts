/**
 * Rollouts, deadlines and progress against real backend processes over Unix sockets, each backend
 * misbehaving on purpose: a wave whose first backend hangs, a budget crossed in the middle of a
 * wave, a deadline that ends a slow rollout, a flood of progress, progress after the deadline.
 * Backends never sent to must have received nothing, and every run must replay to its registry.
 */
import { isDeepStrictEqual } from 'node:util';
import * as path from 'node:path';

import {
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  register,
  releaseHandlesOperation,
  replay,
  runBroadcast,
  sharedInstance,
  snapshot,
} from '../../src';
import type { LiveBroadcast, Registry, RunBroadcastOptions } from '../../src';
import { socketTransport } from '../../src/node';
import type { Fleet, Step } from './backends';
import { afterThisTest, cleanUp, eventsOf, startBackends, tempDir } from './backends';

jest.setTimeout(60_000);
afterEach(cleanUp);

const release = releaseHandlesOperation('/var/cache/zccache');

const registryOf = (names: ReadonlyArray<string>, ackTimeoutMs: number): Registry =>
  names.reduce(
    (s, n) => register(s, backend(backendKey(sharedInstance, n, '1.0.0', ''), true, ack)).state,
    createRegistry(broadcastPolicy(ackTimeoutMs)),
  );

/** Backends scripted by name on Unix sockets, and a broadcast to them of `registry`. */
const fleetOf = async (
  scripts: ReadonlyArray<readonly [string, Step]>,
): Promise<{
  readonly fleet: Fleet;
  readonly run: (registry: Registry, options: RunBroadcastOptions) => Promise<LiveBroadcast>;
}> => {
  const dir = tempDir();
  const fleet = await startBackends(
    scripts.map(([name, step]) => ({ name, listen: { path: path.join(dir, `${name}.sock`) }, script: [step] })),
  );
  const transport = socketTransport({ addressOf: (key) => fleet.addressOf(key.serviceName) });
  afterThisTest(() => transport.close());
  return { fleet, run: (registry, options) => runBroadcast(registry, release, transport, options) };
};

const names = (list: ReadonlyArray<{ readonly key: { readonly serviceName: string } }>): ReadonlyArray<string> =>
  list.map((e) => e.key.serviceName);

const replaysTo = (start: Registry, live: LiveBroadcast): boolean =>
  isDeepStrictEqual(snapshot(replay(start, live.actions).state), snapshot(live.state));

/** Whether each backend received a request: the fleet prints each; a backend sent to is waited for. */
const received = async (
  fleet: Fleet,
  live: LiveBroadcast,
  all: ReadonlyArray<string>,
): Promise<ReadonlyArray<string>> => {
  const unsent = new Set(live.notSent.map((k) => k.serviceName));
  await Promise.all(all.filter((n) => !unsent.has(n)).map((n) => fleet.printed('request', n, 1)));
  return all.filter((n) => eventsOf(fleet, 'request', n).length > 0);
};

/** Four backends, the first of which never answers. */
const HANGING: ReadonlyArray<readonly [string, Step]> = [
  ['hangs', { answer: 'never' }],
  ['b', { answer: 'Ack' }],
  ['c', { answer: 'Ack' }],
  ['d', { answer: 'Ack' }],
];

describe('runBroadcast over sockets, rollouts against misbehaving backends', () => {
  const all = HANGING.map(([name]) => name);

  it('should wait for a wave whose first backend hangs, then stop when that crosses the budget', async () => {
    const { fleet, run } = await fleetOf(HANGING);
    const start = registryOf(all, 1000);

    const live = await run(start, { rollout: { wave: 2, failureBudget: { failures: 0 } } });

    expect(names(live.result.timeouts)).toEqual(['hangs']);
    expect(names(live.result.acks)).toEqual(['b']);
    expect(live.notSent.map((k) => k.serviceName)).toEqual(['c', 'd']);
    expect(await received(fleet, live, all)).toEqual(['hangs', 'b']);
    expect(replaysTo(start, live)).toBe(true);
  });

  it('should send the next wave once the hanging backend timed out, when the budget allows it', async () => {
    const { fleet, run } = await fleetOf(HANGING);
    const start = registryOf(all, 1000);

    const live = await run(start, { rollout: { wave: 2, failureBudget: { failures: 1 } } });

    expect(names(live.result.timeouts)).toEqual(['hangs']);
    expect(names(live.result.acks)).toEqual(['b', 'c', 'd']);
    expect(live.notSent).toEqual([]);
    expect(await received(fleet, live, all)).toEqual(all);
    expect(replaysTo(start, live)).toBe(true);
  });

  it('should stop in the middle of a wave when the budget is crossed there, sending nothing more', async () => {
    const names5 = ['a', 'rejects', 'c', 'd', 'e'];
    const { fleet, run } = await fleetOf([
      ['a', { answer: 'Ack' }],
      ['rejects', { answer: 'Rejected' }],
      ['c', { answer: 'Ack' }],
      ['d', { answer: 'Ack' }],
      ['e', { answer: 'Ack' }],
    ]);
    const start = registryOf(names5, 10_000);

    const live = await run(start, { concurrency: 1, rollout: { wave: 5, failureBudget: { failures: 0 } } });

    expect(names(live.result.acks)).toEqual(['a']);
    expect(names(live.result.failures)).toEqual(['rejects']);
    expect(live.notSent.map((k) => k.serviceName)).toEqual(['c', 'd', 'e']);
    expect(await received(fleet, live, names5)).toEqual(['a', 'rejects']);
    expect(replaysTo(start, live)).toBe(true);
  });

  it('should end a slow rollout at the deadline: the wave out times out for the deadline, the rest is never sent', async () => {
    const waves = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
    const { fleet, run } = await fleetOf(waves.map((n) => [n, { answer: 'Ack', delayMs: 800 }] as const));
    const start = registryOf(waves, 60_000);
    const deadline = new Date(Date.now() + 2000);

    const live = await run(start, { deadline, rollout: { wave: 1 } });

    // Each wave takes 800 ms: at most three start before the deadline, and the last one out ends with it.
    expect(live.notSent.length).toBeGreaterThanOrEqual(3);
    expect(live.result.timeouts.length).toBeGreaterThanOrEqual(1);
    expect(
      live.diagnostics.every((d) => d._tag === 'DeadlineExceeded' && d.deadlineUnixMs === deadline.getTime()),
    ).toBe(true);
    expect(live.diagnostics).toHaveLength(live.result.timeouts.length);
    expect([
      ...names(live.result.acks),
      ...names(live.result.timeouts),
      ...live.notSent.map((k) => k.serviceName),
    ]).toEqual(waves);
    const neverSent = new Set(
      live.diagnostics.flatMap((d) => (d._tag === 'DeadlineExceeded' && !d.sent ? [d.key.serviceName] : [])),
    );
    expect(await received(fleet, live, waves)).toEqual(
      [...names(live.result.acks), ...names(live.result.timeouts)].filter((n) => !neverSent.has(n)).sort(),
    );
    expect(replaysTo(start, live)).toBe(true);
  });
});

describe('runBroadcast over sockets, progress against misbehaving backends', () => {
  it('should give a backend that floods progress no more than its extensions: it times out before it answers', async () => {
    const { run } = await fleetOf([
      // Unbounded, its extensions would carry it to its answer at 3 s; ten of them end within 0.5 s.
      ['floods', { answer: 'Ack', delayMs: 3000, progress: { extendMs: 300, count: 1000, everyMs: 10 } }],
      ['answers', { answer: 'Ack', delayMs: 1500, progress: { extendMs: 30_000, count: 100 } }],
    ]);

    const live = await run(registryOf(['floods', 'answers'], 500), {});

    expect(names(live.result.timeouts)).toEqual(['floods']);
    expect(names(live.result.acks)).toEqual(['answers']);
  });

  it('should ignore progress that comes after the deadline, ending the request with the deadline', async () => {
    const { run } = await fleetOf([
      ['late', { answer: 'Ack', delayMs: 3000, progress: { extendMs: 30_000, count: 3, everyMs: 700 } }],
    ]);
    const deadline = new Date(Date.now() + 1000);

    const live = await run(registryOf(['late'], 60_000), { deadline });

    expect(names(live.result.timeouts)).toEqual(['late']);
    expect(live.diagnostics).toEqual([
      expect.objectContaining({ _tag: 'DeadlineExceeded', sent: true, deadlineUnixMs: deadline.getTime() }),
    ]);
  });
});
