/**
 * runBroadcast with options.rollout and options.retry: waves in registration order, a failure
 * budget, retries with backoff, and the law that the reproducing actions replay to the live
 * registry and result, for random registries and options. In-memory transports answering at once
 * or when told.
 */
import { isDeepStrictEqual } from 'node:util';

import * as fc from 'fast-check';

import { ack, keyId, mergeRetry, releaseHandlesOperation, replay, runBroadcast, snapshot } from '../../src';
import type {
  Backend,
  BroadcastBackendResponse,
  BroadcastOperation,
  BroadcastResult,
  LiveBroadcast,
  Registry,
  RetryOptions,
  RolloutOptions,
  Transport,
} from '../../src';
import { actionSequenceArbitrary } from '../../src/arbitraries';
import { lawParameters } from '../laws/support';
import type { Described } from './support';
import { namesOf, registryOf } from './support';

const release = releaseHandlesOperation('/var/cache/zccache');

/** Ten live backends b0..b9 modelled as acknowledging. */
const ten: ReadonlyArray<Described> = Array.from({ length: 10 }, (_, i) => [`b${String(i)}`, true, ack] as const);

/** A transport answering each backend from `answers` (by name; default Ack), and recording the order of requests. */
const scripted = (
  answers: Readonly<Record<string, ReadonlyArray<'Ack' | 'Rejected' | 'hang'>>> = {},
): { readonly transport: Transport; readonly sent: string[] } => {
  const sent: string[] = [];
  const transport = ((b: Backend, _op: BroadcastOperation, signal: AbortSignal) => {
    const name = b.key.serviceName;
    const nth = sent.filter((s) => s === name).length;
    sent.push(name);
    const script = answers[name] ?? ['Ack'];
    const answer = script[Math.min(nth, script.length - 1)];
    if (answer === 'hang') {
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          reject(signal.reason as Error);
        });
      });
    }
    return Promise.resolve(answer === 'Ack' ? { _tag: 'Ack' } : { _tag: 'Failure', reason: answer });
  }) as Transport;
  return { transport, sent };
};

/**
 * The law of a run with rollouts and retries: replaying its actions gives its registry, one
 * broadcast event per attempt with that attempt's result, and `result` is their merge.
 */
const reproducesAll = (start: Registry, live: LiveBroadcast): boolean => {
  const replayed = replay(start, live.actions);
  const results = replayed.events.flatMap((e) =>
    e._tag === 'OperationBroadcast' || e._tag === 'OperationBroadcastTo' ? [e.result] : [],
  );
  const merged = live.attempts.slice(1).reduce((m, r) => mergeRetry(start, m, r), live.attempts[0] as BroadcastResult);
  return (
    isDeepStrictEqual(snapshot(replayed.state), snapshot(live.state)) &&
    isDeepStrictEqual(results, live.attempts) &&
    isDeepStrictEqual(merged, live.result)
  );
};

describe('runBroadcast, options.rollout', () => {
  it('should send wave after wave in registration order, each once the one before has answered', async () => {
    const start = registryOf(60_000, ten);
    const order: string[] = [];
    const pending: Array<() => void> = [];
    const transport = ((b: Backend) =>
      new Promise((resolve) => {
        order.push(`${b.key.serviceName}@${String(pending.length)}`);
        pending.push(() => {
          resolve({ _tag: 'Ack' });
        });
        // A wave is answered only when all of it has been sent: then answer it all.
        if (order.length % 4 === 0 || order.length === 10) {
          pending.splice(0).forEach((answer) => {
            answer();
          });
        }
      })) as Transport;
    const live = await runBroadcast(start, release, transport, { rollout: { wave: 4 } });
    // Each backend of a wave was sent while its own wave's earlier ones were still out (0, 1, 2, 3),
    // never while the wave before was.
    expect(order).toEqual(['b0@0', 'b1@1', 'b2@2', 'b3@3', 'b4@0', 'b5@1', 'b6@2', 'b7@3', 'b8@0', 'b9@1']);
    expect(live.result._tag).toBe('AllAcked');
    expect(live.notSent).toEqual([]);
    expect(live.actions.map((a) => a._tag)).toEqual(['Broadcast']);
  });

  it('should size waves by percentage, rounded up', async () => {
    const start = registryOf(60_000, ten);
    const t = scripted({ b0: ['Rejected'], b1: ['Rejected'], b2: ['Rejected'] });
    const live = await runBroadcast(start, release, t.transport, {
      rollout: { wave: '25%', failureBudget: { failures: 1 } },
    });
    // Waves of 3 (25% of 10, rounded up): the first fails three times, over the budget of 1.
    expect(t.sent).toEqual(['b0', 'b1', 'b2']);
    expect(namesOf(live.result.failures)).toEqual(['b0', 'b1', 'b2']);
    expect(live.notSent.map((k) => k.serviceName)).toEqual(['b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9']);
    expect(live.actions[live.actions.length - 1]).toMatchObject({
      _tag: 'BroadcastTo',
      keys: [{ serviceName: 'b0' }, { serviceName: 'b1' }, { serviceName: 'b2' }],
    });
    expect(reproducesAll(start, live)).toBe(true);
  });

  it('should stop in the middle of a wave when the budget is crossed there, sending nothing more', async () => {
    const start = registryOf(60_000, ten);
    const t = scripted({ b1: ['Rejected'], b2: ['Rejected'] });
    const live = await runBroadcast(start, release, t.transport, {
      concurrency: 1,
      rollout: { wave: 5, failureBudget: { failures: 1 } },
    });
    expect(t.sent).toEqual(['b0', 'b1', 'b2']);
    expect(live.notSent.map((k) => k.serviceName)).toEqual(['b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9']);
    expect(reproducesAll(start, live)).toBe(true);
  });

  it('should stop on a ratio of the rollout, and count a timeout as a failure', async () => {
    const start = registryOf(20, ten);
    const t = scripted({ b0: ['hang'], b1: ['hang'] });
    const live = await runBroadcast(start, release, t.transport, {
      rollout: { wave: 2, failureBudget: { ratio: 0.1 } },
    });
    // A wave whose first backend hangs: both time out, 2 > 10% of 10.
    expect(namesOf(live.result.timeouts)).toEqual(['b0', 'b1']);
    expect(live.notSent).toHaveLength(8);
  });

  it('should go on after a wave that stays within the budget', async () => {
    const start = registryOf(20, ten);
    const t = scripted({ b0: ['hang'] });
    const live = await runBroadcast(start, release, t.transport, {
      rollout: { wave: 2, failureBudget: { failures: 1 } },
    });
    expect(namesOf(live.result.timeouts)).toEqual(['b0']);
    expect(live.result.acks).toHaveLength(9);
    expect(live.notSent).toEqual([]);
    expect(live.actions[live.actions.length - 1]?._tag).toBe('Broadcast');
  });

  it('should stop a slow rollout at the deadline, listing the waves never started as not sent', async () => {
    const start = registryOf(60_000, ten);
    const t = scripted();
    const live = await runBroadcast(start, release, t.transport, {
      deadline: 50,
      rollout: { wave: 5, pauseMs: 600_000 },
    });
    expect(t.sent).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(live.notSent).toHaveLength(5);
    expect(live.result._tag).toBe('AllAcked');
    expect(reproducesAll(start, live)).toBe(true);
  });

  it('should stop between waves when cancelled', async () => {
    const start = registryOf(60_000, ten);
    const controller = new AbortController();
    const t = scripted();
    const run = runBroadcast(start, release, t.transport, {
      signal: controller.signal,
      rollout: { wave: 5, pauseMs: 600_000 },
    });
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (t.sent.length === 5) {
          resolve();
        } else {
          setImmediate(check);
        }
      };
      check();
    });
    controller.abort();
    const live = await run;
    expect(live.cancelled).toBe(true);
    expect(live.notSent).toHaveLength(5);
  });

  it.each([
    [{ wave: 0 }, RangeError, 'runBroadcast: options.rollout.wave: expected an integer from 1 to'],
    [
      { wave: '0%' },
      RangeError,
      'runBroadcast: options.rollout.wave: expected a positive integer or a percentage from 0 to 100 such as \'10%\', got "0%"',
    ],
    [{ wave: '150%' }, RangeError, 'got "150%"'],
    [{ wave: true }, TypeError, 'runBroadcast: options.rollout.wave: expected a positive integer or a percentage'],
    [
      { wave: 1, pauseMs: -1 },
      RangeError,
      'runBroadcast: options.rollout.pauseMs: expected an integer from 0 to 2147483647, got -1',
    ],
    [
      { wave: 1, failureBudget: {} },
      TypeError,
      'runBroadcast: options.rollout.failureBudget: expected failures, ratio or both',
    ],
    [
      { wave: 1, failureBudget: { ratio: 2 } },
      RangeError,
      'runBroadcast: options.rollout.failureBudget.ratio: expected a number from 0 to 1, got 2',
    ],
    [{ wave: 1, waves: 2 }, TypeError, 'runBroadcast: options.rollout: unexpected field "waves"'],
    ['10%', TypeError, 'runBroadcast: options.rollout: expected an object, got "10%"'],
  ])('should refuse the rollout %j with a one-line error before sending anything', async (rollout, type, message) => {
    const t = scripted();
    const refused = runBroadcast(registryOf(100, ten), release, t.transport, {
      rollout: rollout as RolloutOptions,
    });
    await expect(refused).rejects.toThrow(type);
    await expect(refused).rejects.toThrow(message);
    expect(t.sent).toEqual([]);
  });
});

describe('runBroadcast, options.retry', () => {
  it('should send again to the unacknowledged until they acknowledge, reproducing each attempt in order', async () => {
    const start = registryOf(30, ten.slice(0, 3));
    const t = scripted({ b1: ['Rejected', 'hang', 'Ack'], b2: ['hang', 'Ack'] });
    const live = await runBroadcast(start, release, t.transport, { retry: { attempts: 5, backoffMs: 1 } });
    expect(t.sent).toEqual(['b0', 'b1', 'b2', 'b1', 'b2', 'b1']);
    expect(live.attempts.map((r) => r._tag)).toEqual(['Degraded', 'Degraded', 'AllAcked']);
    expect(live.result._tag).toBe('AllAcked');
    expect(namesOf(live.result.acks)).toEqual(['b0', 'b1', 'b2']);
    expect(live.actions.filter((a) => a._tag !== 'SetResponse').map((a) => a._tag)).toEqual([
      'Broadcast',
      'BroadcastTo',
      'BroadcastTo',
    ]);
    expect(live.diagnostics).toEqual([]);
    expect(reproducesAll(start, live)).toBe(true);
  });

  it('should stop when the attempts run out, reporting each backend with its latest answer', async () => {
    const start = registryOf(20, ten.slice(0, 2));
    const t = scripted({ b1: ['Rejected', 'hang'] });
    const live = await runBroadcast(start, release, t.transport, { retry: { attempts: 2, backoffMs: 0 } });
    expect(t.sent).toEqual(['b0', 'b1', 'b1']);
    expect(namesOf(live.result.timeouts)).toEqual(['b1']);
    expect(live.result.failures).toEqual([]);
  });

  it('should draw the jitter from options.retry.random, once per retry', async () => {
    const start = registryOf(60_000, ten.slice(0, 1));
    const draws: number[] = [];
    const t = scripted({ b0: ['Rejected', 'Rejected', 'Ack'] });
    const live = await runBroadcast(start, release, t.transport, {
      retry: {
        attempts: 3,
        backoffMs: 20,
        jitter: 1,
        random: () => {
          draws.push(0.5);
          return 0.5;
        },
      },
    });
    expect(draws).toEqual([0.5, 0.5]);
    expect(live.result._tag).toBe('AllAcked');
  });

  it('should not retry past the deadline', async () => {
    const start = registryOf(60_000, ten.slice(0, 1));
    const t = scripted({ b0: ['Rejected'] });
    const live = await runBroadcast(start, release, t.transport, {
      deadline: 30,
      retry: { attempts: 3, backoffMs: 600_000 },
    });
    expect(t.sent).toEqual(['b0']);
    expect(live.attempts).toHaveLength(1);
  });

  it.each([
    [
      { attempts: 0, backoffMs: 1 },
      RangeError,
      'runBroadcast: options.retry.attempts: expected an integer from 1 to 1000, got 0',
    ],
    [
      { attempts: 2 },
      TypeError,
      'runBroadcast: options.retry.backoffMs: expected an integer from 0 to 2147483647, got nothing',
    ],
    [
      { attempts: 2, backoffMs: 1, jitter: -0.5 },
      RangeError,
      'runBroadcast: options.retry.jitter: expected a number from 0 to 1, got -0.5',
    ],
    [
      { attempts: 2, backoffMs: 1, random: 4 },
      TypeError,
      'runBroadcast: options.retry.random: expected a function, got 4',
    ],
  ])('should refuse the retry %j with a one-line error before sending anything', async (retry, type, message) => {
    const t = scripted();
    const refused = runBroadcast(registryOf(100, ten), release, t.transport, { retry: retry as RetryOptions });
    await expect(refused).rejects.toThrow(type);
    await expect(refused).rejects.toThrow(message);
    expect(t.sent).toEqual([]);
  });
});

describe('law: the actions of a run with a rollout and retries reproduce it', () => {
  const responseOf = (r: BroadcastBackendResponse): 'Ack' | 'Rejected' | 'hang' =>
    r._tag === 'Ack' ? 'Ack' : r._tag === 'Timeout' ? 'hang' : 'Rejected';

  it('should replay, from the registry it started from, to its registry, each attempt and the merged result', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionSequenceArbitrary(),
        fc.record({
          wave: fc.oneof(
            fc.integer({ min: 1, max: 6 }),
            fc.constantFrom('10%', '50%', '100%') as fc.Arbitrary<`${number}%`>,
          ),
          failures: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
          ratio: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        }),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        fc.boolean(),
        async (actions, rolloutDraw, attempts, answerAsModelled) => {
          const start = replay(registryOf(5, []), actions).state;
          // The first request answers as modelled (or otherwise), a retry always acknowledges.
          const asked = new Map<string, number>();
          const sent: string[] = [];
          const transport = ((b: Backend, _op: BroadcastOperation, signal: AbortSignal) => {
            const id = keyId(b.key);
            const nth = asked.get(id) ?? 0;
            asked.set(id, nth + 1);
            sent.push(id);
            const modelled = responseOf(b.response);
            const answer = nth > 0 ? 'Ack' : answerAsModelled ? modelled : modelled === 'Ack' ? 'Rejected' : 'Ack';
            return answer === 'hang'
              ? new Promise((_, reject) => {
                  signal.addEventListener('abort', () => {
                    reject(signal.reason as Error);
                  });
                })
              : Promise.resolve(answer === 'Ack' ? { _tag: 'Ack' } : { _tag: 'Failure', reason: 'Rejected' });
          }) as Transport;
          const budget =
            rolloutDraw.failures === undefined && rolloutDraw.ratio === undefined
              ? {}
              : {
                  failureBudget: {
                    ...(rolloutDraw.failures === undefined ? {} : { failures: rolloutDraw.failures }),
                    ...(rolloutDraw.ratio === undefined ? {} : { ratio: rolloutDraw.ratio }),
                  },
                };
          const live = await runBroadcast(start, release, transport, {
            rollout: { wave: rolloutDraw.wave, ...budget },
            ...(attempts === undefined ? {} : { retry: { attempts, backoffMs: 0 } }),
          });
          expect(reproducesAll(start, live)).toBe(true);
          const sentIds = new Set(sent);
          expect(live.notSent.every((k) => !sentIds.has(keyId(k)))).toBe(true);
        },
      ),
      lawParameters(60),
    );
  });
});
