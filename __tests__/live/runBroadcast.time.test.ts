/**
 * runBroadcast and time: an overall deadline, backends that ask for more time, timeouts longer
 * than one JavaScript timer holds. In-memory transports that answer when told (by an event, not
 * after a delay), so that a slow machine changes only how long a test takes.
 */
import { MAX_EXTENSIONS, ack, broadcastPolicy, createRegistry, releaseHandlesOperation, runBroadcast } from '../../src';
import type { Backend, BroadcastOperation, RequestContext, Transport } from '../../src';
import { namesOf, registryOf, reproduces } from './support';

const release = releaseHandlesOperation('/var/cache/zccache');

/** A request a controlled transport holds until the test answers it. */
interface Held {
  readonly backend: Backend;
  readonly signal: AbortSignal;
  readonly context: RequestContext | undefined;
  readonly answer: () => void;
}

/** A transport that holds every request, and tells `onRequest` of each. */
const holdingTransport =
  (onRequest: (held: Held) => void): Transport =>
  (backend: Backend, _operation: BroadcastOperation, signal: AbortSignal, context?: RequestContext) =>
    new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
      onRequest({
        backend,
        signal,
        context,
        answer: () => {
          resolve({ _tag: 'Ack' });
        },
      });
    });

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    signal.addEventListener('abort', () => {
      resolve();
    });
  });

describe('runBroadcast, options.deadline', () => {
  it('should end outstanding requests when it passes, listing them as timeouts with a DeadlineExceeded diagnostic', async () => {
    const start = registryOf(60_000, [
      ['zccache', true, ack],
      ['soldr', true, ack],
    ]);
    const before = Date.now();
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        if (held.backend.key.serviceName === 'zccache') {
          held.answer();
        }
      }),
      { deadline: 50 },
    );
    expect(namesOf(live.result.acks)).toEqual(['zccache']);
    expect(namesOf(live.result.timeouts)).toEqual(['soldr']);
    const [diagnostic] = live.diagnostics;
    expect(diagnostic).toMatchObject({ _tag: 'DeadlineExceeded', sent: true });
    const deadlineUnixMs = (diagnostic as { readonly deadlineUnixMs: number }).deadlineUnixMs;
    expect(deadlineUnixMs).toBeGreaterThanOrEqual(before + 50);
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineUnixMs);
    expect(reproduces(start, live)).toBe(true);
  });

  it('should send the deadline with every request, and abort with a reason naming it', async () => {
    const at = new Date(Date.now() + 100);
    const contexts: Array<RequestContext | undefined> = [];
    const reasons: unknown[] = [];
    const start = registryOf(60_000, [['zccache', true, ack]]);
    await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        contexts.push(held.context);
        held.signal.addEventListener('abort', () => reasons.push(held.signal.reason));
      }),
      { deadline: at },
    );
    expect(contexts.map((c) => c?.deadlineUnixMs)).toEqual([at.getTime()]);
    expect(String(reasons[0])).toBe(`TimeoutError: the broadcast's deadline ${at.toISOString()} passed`);
  });

  it('should send nothing after the deadline, listing the backends never sent to as unsent', async () => {
    const start = registryOf(60_000, [
      ['zccache', true, ack],
      ['soldr', true, ack],
      ['fbuild', true, ack],
    ]);
    const sent: string[] = [];
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => sent.push(held.backend.key.serviceName)),
      { deadline: 30, concurrency: 1 },
    );
    expect(sent).toEqual(['zccache']);
    expect(live.diagnostics.map((d) => [d.key.serviceName, d._tag, 'sent' in d ? d.sent : null])).toEqual([
      ['zccache', 'DeadlineExceeded', true],
      ['soldr', 'DeadlineExceeded', false],
      ['fbuild', 'DeadlineExceeded', false],
    ]);
  });

  it('should send nothing at all when the deadline has already passed', async () => {
    const start = registryOf(60_000, [['zccache', true, ack]]);
    const sent: string[] = [];
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => sent.push(held.backend.key.serviceName)),
      { deadline: new Date(Date.now() - 1000) },
    );
    expect(sent).toEqual([]);
    expect(live.diagnostics).toMatchObject([{ _tag: 'DeadlineExceeded', sent: false }]);
  });

  it('should keep the own ack timeout, without a diagnostic, when it comes before the deadline', async () => {
    const start = registryOf(20, [['zccache', true, ack]]);
    const live = await runBroadcast(
      start,
      release,
      holdingTransport(() => undefined),
      { deadline: 60_000 },
    );
    expect(namesOf(live.result.timeouts)).toEqual(['zccache']);
    expect(live.diagnostics).toEqual([]);
  });

  it.each([
    [
      -1,
      RangeError,
      'runBroadcast: options.deadline: expected a non-negative integer of milliseconds or a Date, got -1',
    ],
    [
      1.5,
      RangeError,
      'runBroadcast: options.deadline: expected a non-negative integer of milliseconds or a Date, got 1.5',
    ],
    [new Date(Number.NaN), RangeError, 'runBroadcast: options.deadline: expected a valid Date, got an invalid Date'],
    ['soon', TypeError, 'runBroadcast: options.deadline: expected a Date or a number of milliseconds, got "soon"'],
  ])('should refuse a deadline of %p with a one-line error', async (deadline, type, message) => {
    const start = registryOf(100, [['zccache', true, ack]]);
    const refused = runBroadcast(
      start,
      release,
      holdingTransport(() => undefined),
      {
        deadline: deadline as number,
      },
    );
    await expect(refused).rejects.toThrow(type);
    await expect(refused).rejects.toThrow(message);
  });
});

describe('runBroadcast, progress', () => {
  it("should extend a backend's timer when it reports progress, and count its late answer as an ack", async () => {
    const start = registryOf(40, [['zccache', true, ack]]);
    let timedOutAt = 0;
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        held.context?.progress(60_000);
        void aborted(held.signal).then(() => {
          timedOutAt = Date.now();
        });
        // Answer after five times the ack timeout: only the extension keeps it open.
        setTimeout(() => {
          held.answer();
        }, 200);
      }),
    );
    expect(timedOutAt).toBe(0);
    expect(namesOf(live.result.acks)).toEqual(['zccache']);
  });

  it('should never extend past the overall deadline', async () => {
    const start = registryOf(60_000, [['zccache', true, ack]]);
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        held.context?.progress(600_000);
      }),
      { deadline: 50 },
    );
    expect(live.diagnostics).toMatchObject([{ _tag: 'DeadlineExceeded', sent: true }]);
  });

  it(`should grant at most MAX_EXTENSIONS (${String(MAX_EXTENSIONS)}) extensions to one request`, async () => {
    const start = registryOf(30, [['zccache', true, ack]]);
    let reports = 0;
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        // A flood: a progress report of 30 ms every 10 ms, forever.
        const flood = setInterval(() => {
          if (held.signal.aborted) {
            clearInterval(flood);
            return;
          }
          reports += 1;
          held.context?.progress(30);
        }, 10);
      }),
    );
    expect(namesOf(live.result.timeouts)).toEqual(['zccache']);
    expect(reports).toBeGreaterThan(MAX_EXTENSIONS);
  });

  it('should ignore progress after the request was decided', async () => {
    const start = registryOf(60_000, [['zccache', true, ack]]);
    let late: RequestContext | undefined;
    const live = await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        late = held.context;
        held.answer();
      }),
    );
    expect(() => late?.progress(1000)).not.toThrow();
    expect(namesOf(live.result.acks)).toEqual(['zccache']);
  });

  it.each([0, -5, 1.5, 2_147_483_648, Number.NaN, '10'])(
    'should refuse a progress report of %p with a RangeError',
    async (extendMs) => {
      const start = registryOf(60_000, [['zccache', true, ack]]);
      let thrown: unknown;
      await runBroadcast(
        start,
        release,
        holdingTransport((held) => {
          try {
            held.context?.progress(extendMs as number);
          } catch (error: unknown) {
            thrown = error;
          }
          held.answer();
        }),
      );
      expect(thrown).toBeInstanceOf(RangeError);
      expect(String(thrown)).toMatch(/^RangeError: runBroadcast: progress: extendMs must be a positive integer/);
    },
  );
});

describe('runBroadcast, long timeouts', () => {
  it('should wait for a backend under a policy longer than one timer holds, without a warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const start = createRegistry(broadcastPolicy(3_000_000_000));
      const registry = registryOf(3_000_000_000, [['zccache', true, ack]]);
      expect(start.policy.ackTimeoutMs).toBe(3_000_000_000);
      const live = await runBroadcast(
        registry,
        release,
        holdingTransport((held) => {
          setTimeout(() => {
            held.answer();
          }, 50);
        }),
      );
      expect(namesOf(live.result.acks)).toEqual(['zccache']);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('runBroadcast, options.traceContext', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('should give every request the trace context', async () => {
    const start = registryOf(60_000, [
      ['zccache', true, ack],
      ['soldr', true, ack],
    ]);
    const contexts: Array<RequestContext | undefined> = [];
    await runBroadcast(
      start,
      release,
      holdingTransport((held) => {
        contexts.push(held.context);
        held.answer();
      }),
      { traceContext: { traceparent, tracestate: 'a=b' } },
    );
    expect(contexts.map((c) => [c?.traceparent, c?.tracestate, c?.deadlineUnixMs])).toEqual([
      [traceparent, 'a=b', undefined],
      [traceparent, 'a=b', undefined],
    ]);
  });

  it.each([
    [{ traceparent: 'nope' }, 'runBroadcast: options.traceContext: traceparent: expected W3C traceparent'],
    [{ traceparent, baggage: 'x' }, 'runBroadcast: options.traceContext: baggage: unexpected field, got "x"'],
    ['00-1', 'runBroadcast: options.traceContext: expected { traceparent, tracestate? }, got "00-1"'],
  ])('should refuse the trace context %j with a one-line TypeError', async (traceContext, message) => {
    const refused = runBroadcast(
      registryOf(100, [['zccache', true, ack]]),
      release,
      holdingTransport(() => undefined),
      {
        traceContext: traceContext as { traceparent: string },
      },
    );
    await expect(refused).rejects.toThrow(TypeError);
    await expect(refused).rejects.toThrow(message);
  });
});
