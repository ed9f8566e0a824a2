/**
 * runBroadcast with in-memory transports: what it sends, how it waits, and how it reports a
 * run in the model's vocabulary, whatever the transport does.
 */
import * as E from 'fp-ts/Either';

import {
  DEFAULT_CONCURRENCY,
  LiveDiagnostic,
  ack,
  broadcast,
  broadcastAction,
  broadcastTo,
  broadcastToAction,
  failure,
  matchDiagnostic,
  quiesceOperation,
  releaseHandlesOperation,
  replay,
  runBroadcast,
  setResponseAction,
  snapshot,
  timeout,
  unacknowledgedKeys,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { Backend, Registry, Transport } from '../../src';
import { unfrozenPaths } from '../support/helpers';
import type { Described } from './support';
import {
  hang,
  hangDeaf,
  modelledTransport,
  namesOf,
  recordingTransport,
  registryOf,
  reproduces,
  resolveWith,
  service,
} from './support';

const release = releaseHandlesOperation('/var/cache/zccache');

/** Five backends, one of each kind: acks, fails, times out, dead, acks. */
const mixed: ReadonlyArray<Described> = [
  ['zccache', true, ack],
  ['soldr', true, failure('Rejected')],
  ['fbuild', true, timeout],
  ['indexd', false, ack],
  ['cachesrv', true, ack],
];

describe('runBroadcast', () => {
  describe('fan-out', () => {
    it("should send to every live backend once and skip the dead ones, giving broadcast's result when they answer as modelled", async () => {
      const start = registryOf(100, mixed);
      const t = modelledTransport();

      const live = await runBroadcast(start, release, t.transport);

      expect(t.received.map((r) => r.backend.key.serviceName).sort()).toEqual([
        'cachesrv',
        'fbuild',
        'soldr',
        'zccache',
      ]);
      expect(t.received.every((r) => r.operation._tag === 'ReleaseHandles')).toBe(true);
      expect(live.result).toEqual(broadcast(start, release).result);
      expect(live.result._tag).toBe('Degraded');
      expect(namesOf(live.result.skippedDead)).toEqual(['indexd']);
    });

    it('should list backends in registration order whatever order their answers come in', async () => {
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const start = registryOf(
        5000,
        names.map((n): Described => [n, true, ack]),
      );
      // The first registered answers last.
      const t = recordingTransport((b) =>
        resolveWith({ _tag: 'Ack' }, 10 * (names.length - names.indexOf(b.key.serviceName))),
      );

      const live = await runBroadcast(start, release, t.transport);

      expect(namesOf(live.result.acks)).toEqual(names);
    });

    it('should give a backend that does not answer the policy timeout, abort its request, and not wait for it longer', async () => {
      const start = registryOf(50, [
        ['zccache', true, ack],
        ['soldr', true, ack],
      ]);
      const t = recordingTransport((b) => (b.key.serviceName === 'soldr' ? hangDeaf : resolveWith({ _tag: 'Ack' })));

      const live = await runBroadcast(start, release, t.transport);

      expect(live.result.timeouts).toEqual([{ _tag: 'Timeout', key: service('soldr'), ackTimeoutMs: 50 }]);
      const [answered, hung] = t.received;
      expect(answered?.signal.aborted).toBe(false);
      expect(hung?.signal.aborted).toBe(true);
      expect((hung?.signal.reason as Error).name).toBe('TimeoutError');
      // It never settled, and the run is over anyway.
      expect(t.outstanding()).toBe(1);
    });

    it("should start each backend's timeout at its own send, not at the start of the run", async () => {
      // One at a time, six backends answering after 200 ms each: 1.2 s in all, against a
      // policy of 1 s per backend. Measured from the start of the run, the last ones would time out.
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const start = registryOf(
        1000,
        names.map((n): Described => [n, true, ack]),
      );
      const t = recordingTransport(() => resolveWith({ _tag: 'Ack' }, 200));

      const live = await runBroadcast(start, release, t.transport, { concurrency: 1 });

      expect(namesOf(live.result.acks)).toEqual(names);
      expect(live.result.timeouts).toEqual([]);
      expect(t.maxOutstanding()).toBe(1);
    });

    it('should keep at most `concurrency` requests outstanding, and reach that bound', async () => {
      const start = registryOf(
        5000,
        Array.from({ length: 20 }, (_, i): Described => [`s${String(i)}`, true, ack]),
      );
      const t = recordingTransport(() => resolveWith({ _tag: 'Ack' }, 5));

      const live = await runBroadcast(start, release, t.transport, { concurrency: 3 });

      expect(t.maxOutstanding()).toBe(3);
      expect(live.result.acks).toHaveLength(20);
    });

    it('should bound outstanding requests by DEFAULT_CONCURRENCY when no concurrency is given', async () => {
      const start = registryOf(
        5000,
        Array.from({ length: DEFAULT_CONCURRENCY + 40 }, (_, i): Described => [`s${String(i)}`, true, ack]),
      );
      const t = recordingTransport(() => resolveWith({ _tag: 'Ack' }, 5));

      const live = await runBroadcast(start, release, t.transport);

      expect(t.maxOutstanding()).toBe(DEFAULT_CONCURRENCY);
      expect(live.result.acks).toHaveLength(DEFAULT_CONCURRENCY + 40);
    });

    it('should accept Infinity as no bound', async () => {
      const start = registryOf(
        5000,
        Array.from({ length: 30 }, (_, i): Described => [`s${String(i)}`, true, ack]),
      );
      const t = recordingTransport(() => resolveWith({ _tag: 'Ack' }, 5));

      await runBroadcast(start, release, t.transport, { concurrency: Infinity });

      expect(t.maxOutstanding()).toBe(30);
    });

    it('should send nothing and change nothing when no backend is live', async () => {
      const start = registryOf(100, [['indexd', false, ack]]);
      const t = modelledTransport();

      const live = await runBroadcast(start, quiesceOperation('Maintenance'), t.transport);

      expect(t.received).toEqual([]);
      expect(live.result._tag).toBe('NoLiveTargets');
      expect(live.state).toBe(start);
      expect(live.actions).toEqual([broadcastAction(quiesceOperation('Maintenance'))]);
    });
  });

  describe('a transport that misbehaves', () => {
    const start = registryOf(200, [
      ['zccache', true, ack],
      ['soldr', true, ack],
    ]);
    const soldrDoes = (
      behaviour: Parameters<typeof recordingTransport>[0] extends (b: Backend) => infer R ? R : never,
    ) =>
      recordingTransport((b) => (b.key.serviceName === 'soldr' ? behaviour : resolveWith({ _tag: 'Ack' }))).transport;

    it.each([
      [
        'throws',
        { _tag: 'Throw', error: Object.assign(new Error('socket gone'), { code: 'EGONE' }) },
        'socket gone',
        'EGONE',
      ],
      ['rejects', { _tag: 'Reject', error: new Error('refused') }, 'refused', null],
      ['rejects with a string', { _tag: 'Reject', error: 'nope' }, '"nope"', null],
      [
        'throws a hostile value',
        {
          _tag: 'Throw',
          error: new Proxy(
            {},
            {
              get: () => {
                throw new Error('trap');
              },
            },
          ),
        },
        'an error that could not be read',
        null,
      ],
    ] as const)(
      'should record Failure BackendError with a diagnostic when it %s',
      async (_, behaviour, message, code) => {
        const live = await runBroadcast(start, release, soldrDoes(behaviour));

        expect(live.result.failures).toEqual([{ _tag: 'Failure', key: service('soldr'), reason: 'BackendError' }]);
        expect(namesOf(live.result.acks)).toEqual(['zccache']);
        expect(live.diagnostics).toEqual([
          {
            _tag: 'TransportFailed',
            key: service('soldr'),
            message: expect.stringContaining(message) as unknown,
            code,
          },
        ]);
      },
    );

    it.each([
      ['a number', 42],
      ['null', null],
      ['nothing', undefined],
      ['a timeout, which only the runner decides', { _tag: 'Timeout' }],
      ['an outcome with an extra field', { _tag: 'Ack', extra: 1 }],
      ['an unknown failure reason', { _tag: 'Failure', reason: 'Sleepy' }],
    ])('should record Failure BackendError with a diagnostic when it resolves with %s', async (_, value) => {
      const live = await runBroadcast(start, release, soldrDoes(resolveWith(value)));

      expect(live.result.failures).toEqual([{ _tag: 'Failure', key: service('soldr'), reason: 'BackendError' }]);
      expect(live.diagnostics).toHaveLength(1);
      expect(live.diagnostics[0]).toMatchObject({ _tag: 'InvalidOutcome', key: service('soldr') });
      expect(live.diagnostics[0]?._tag === 'InvalidOutcome' && live.diagnostics[0].message).toMatch(
        /^the transport resolved with .+, not an outcome: /,
      );
    });

    it('should accept a plain value returned instead of a promise, as JavaScript callers may', async () => {
      const live = await runBroadcast(
        start,
        release,
        soldrDoes({ _tag: 'Return', value: { _tag: 'Failure', reason: 'Rejected' } }),
      );

      expect(live.result.failures).toEqual([{ _tag: 'Failure', key: service('soldr'), reason: 'Rejected' }]);
      expect(live.diagnostics).toEqual([]);
    });

    it('should record a thenable whose then throws as a transport failure', async () => {
      const thenable = {
        get then(): never {
          throw new Error('then exploded');
        },
      };
      const live = await runBroadcast(start, release, soldrDoes({ _tag: 'Return', value: thenable }));

      expect(live.diagnostics).toEqual([
        { _tag: 'TransportFailed', key: service('soldr'), message: 'then exploded', code: null },
      ]);
    });

    it('should time out a transport that never settles and ignores its signal, then resolve', async () => {
      const live = await runBroadcast(start, release, soldrDoes(hangDeaf));

      expect(namesOf(live.result.timeouts)).toEqual(['soldr']);
      expect(live.diagnostics).toEqual([]);
    });

    it('should ignore an answer that comes after the timeout', async () => {
      const late = registryOf(30, [['soldr', true, ack]]);
      const live = await runBroadcast(late, release, recordingTransport(() => ({ _tag: 'HangDeaf' })).transport);
      expect(namesOf(live.result.timeouts)).toEqual(['soldr']);
    });

    it('should survive a transport that throws synchronously for thousands of backends at once', async () => {
      const many = registryOf(
        1000,
        Array.from({ length: 5000 }, (_, i): Described => [`s${String(i)}`, true, ack]),
      );
      const t = recordingTransport(() => ({ _tag: 'Throw', error: new Error('down') }));

      const live = await runBroadcast(many, release, t.transport, { concurrency: Infinity });

      expect(live.result.failures).toHaveLength(5000);
      expect(live.diagnostics).toHaveLength(5000);
    });
  });

  describe('the reproducing actions', () => {
    it('should be a SetResponse for each backend that answered otherwise than modelled, in registration order, then the Broadcast', async () => {
      const start = registryOf(50, mixed);
      // Everyone answers Ack, except zccache, which now fails, and the timeout backend still hangs.
      const t = recordingTransport((b) =>
        b.key.serviceName === 'zccache'
          ? resolveWith({ _tag: 'Failure', reason: 'BackendError' })
          : b.key.serviceName === 'fbuild'
            ? hang
            : resolveWith({ _tag: 'Ack' }),
      );

      const live = await runBroadcast(start, release, t.transport);

      expect(live.actions).toEqual([
        setResponseAction(service('zccache'), failure('BackendError')),
        setResponseAction(service('soldr'), ack),
        broadcastAction(release),
      ]);
      expect(namesOf(live.result.acks)).toEqual(['soldr', 'cachesrv']);
      expect(namesOf(live.result.failures)).toEqual(['zccache']);
      expect(namesOf(live.result.timeouts)).toEqual(['fbuild']);
    });

    it('should replay from the starting registry to the live registry and the live result', async () => {
      const start = registryOf(50, mixed);
      const t = recordingTransport((b) =>
        b.key.serviceName === 'cachesrv' ? hang : resolveWith({ _tag: 'Failure', reason: 'UnsupportedOperation' }),
      );

      const live = await runBroadcast(start, quiesceOperation('IdleTimeout'), t.transport);

      expect(reproduces(start, live)).toBe(true);
    });

    it('should hand out deeply frozen data', async () => {
      const start = registryOf(50, mixed);
      const live = await runBroadcast(
        start,
        release,
        recordingTransport(() => ({ _tag: 'Throw', error: new Error('x') })).transport,
      );

      expect(unfrozenPaths(live.result)).toEqual([]);
      expect(unfrozenPaths(live.actions)).toEqual([]);
      expect(unfrozenPaths(live.diagnostics)).toEqual([]);
      expect(Object.isFrozen(live)).toBe(true);
    });
  });

  describe('a targeted run through options.keys', () => {
    it("should send only to the live backends among the keys, giving broadcastTo's result when they answer as modelled", async () => {
      const start = registryOf(100, mixed);
      const t = modelledTransport();
      const keys = [service('cachesrv'), service('indexd'), service('soldr'), service('cachesrv'), service('ghost')];

      const live = await runBroadcast(start, release, t.transport, { keys });

      expect(t.received.map((r) => r.backend.key.serviceName).sort()).toEqual(['cachesrv', 'soldr']);
      expect(live.result).toEqual(broadcastTo(start, release, keys).result);
      expect(namesOf(live.result.acks)).toEqual(['cachesrv']);
      expect(namesOf(live.result.failures)).toEqual(['soldr']);
      expect(namesOf(live.result.skippedDead)).toEqual(['indexd']);
    });

    it('should be reproduced by a SetResponse for each backend that answered otherwise, then the BroadcastTo', async () => {
      const start = registryOf(100, mixed);
      const first = broadcast(start, release).result;
      // The retry of the unacknowledged: soldr now acks, fbuild still does not answer.
      const t = recordingTransport((b) => (b.key.serviceName === 'soldr' ? resolveWith({ _tag: 'Ack' }) : hang));

      const live = await runBroadcast(start, release, t.transport, { keys: unacknowledgedKeys(first) });

      expect(live.actions).toEqual([
        setResponseAction(service('soldr'), ack),
        broadcastToAction(release, [service('fbuild'), service('soldr')]),
      ]);
      const replayed = replay(start, live.actions);
      const last = replayed.events[replayed.events.length - 1];
      expect(last?._tag).toBe('OperationBroadcastTo');
      expect(last?._tag === 'OperationBroadcastTo' ? last.result : undefined).toEqual(live.result);
      expect(snapshot(replayed.state)).toEqual(snapshot(live.state));
      expect(namesOf(live.result.acks)).toEqual(['soldr']);
      expect(namesOf(live.result.timeouts)).toEqual(['fbuild']);
      expect(unfrozenPaths(live)).toEqual([]);
    });

    it('should send nothing and change nothing when none of the keys is a live backend', async () => {
      const start = registryOf(100, mixed);
      const t = modelledTransport();

      const live = await runBroadcast(start, release, t.transport, { keys: [service('indexd'), service('ghost')] });

      expect(t.received).toEqual([]);
      expect(live.result._tag).toBe('NoLiveTargets');
      expect(live.state).toBe(start);
    });

    it('should refuse keys that are not a list of backend keys, before sending anything', async () => {
      const t = modelledTransport();
      const call = runBroadcast as unknown as (...a: ReadonlyArray<unknown>) => Promise<unknown>;

      await expect(
        call(registryOf(100, mixed), release, t.transport, { keys: [{ serviceName: 'soldr' }] }),
      ).rejects.toThrow(/^runBroadcast: options\.keys: \[0\]\.instance: expected/);
      expect(t.received).toEqual([]);
    });
  });

  describe('cancellation through options.signal', () => {
    it('should abort outstanding requests, send nothing more, and list every unanswered backend as timed out', async () => {
      const names = ['a', 'b', 'c', 'd', 'e'];
      const start = registryOf(
        60_000,
        names.map((n): Described => [n, true, ack]),
      );
      const controller = new AbortController();
      // a answers; b and c hang; d and e wait their turn (concurrency 3).
      const t = recordingTransport((b) => {
        if (b.key.serviceName === 'a') {
          setTimeout(() => {
            controller.abort(new Error('operator pressed Ctrl-C'));
          }, 20);
          return resolveWith({ _tag: 'Ack' });
        }
        return hangDeaf;
      });

      const live = await runBroadcast(start, release, t.transport, { concurrency: 3, signal: controller.signal });

      expect(live.cancelled).toBe(true);
      expect(t.received.map((r) => r.backend.key.serviceName)).toEqual(['a', 'b', 'c', 'd']);
      expect(t.received.slice(1).map((r) => r.signal.aborted)).toEqual([true, true, true]);
      expect((t.received[1]?.signal.reason as Error).message).toBe('operator pressed Ctrl-C');
      expect(namesOf(live.result.acks)).toEqual(['a']);
      expect(live.result.timeouts).toEqual(
        ['b', 'c', 'd', 'e'].map((n) => ({ _tag: 'Timeout', key: service(n), ackTimeoutMs: 60_000 })),
      );
      expect(live.diagnostics).toEqual([
        { _tag: 'Cancelled', key: service('b'), sent: true },
        { _tag: 'Cancelled', key: service('c'), sent: true },
        { _tag: 'Cancelled', key: service('d'), sent: true },
        { _tag: 'Cancelled', key: service('e'), sent: false },
      ]);
      expect(reproduces(start, live)).toBe(true);
    });

    it('should send nothing when the signal has already aborted', async () => {
      const start = registryOf(60_000, mixed);
      const t = modelledTransport();

      const live = await runBroadcast(start, release, t.transport, { signal: AbortSignal.abort() });

      expect(t.received).toEqual([]);
      expect(live.cancelled).toBe(true);
      expect(namesOf(live.result.timeouts)).toEqual(['zccache', 'soldr', 'fbuild', 'cachesrv']);
      expect(namesOf(live.result.skippedDead)).toEqual(['indexd']);
      expect(live.diagnostics.every((d) => d._tag === 'Cancelled' && !d.sent)).toBe(true);
    });

    it('should not be cancelled by a signal that aborts after every backend answered', async () => {
      const start = registryOf(5000, [['zccache', true, ack]]);
      const controller = new AbortController();

      const live = await runBroadcast(start, release, modelledTransport().transport, { signal: controller.signal });
      controller.abort();

      expect(live.cancelled).toBe(false);
      expect(live.result._tag).toBe('AllAcked');
    });
  });

  describe('its diagnostics', () => {
    it('should be what the LiveDiagnostic codec decodes, and fold with matchDiagnostic', async () => {
      const start = registryOf(60_000, mixed);
      const controller = new AbortController();
      const t = recordingTransport((b) => {
        switch (b.key.serviceName) {
          case 'zccache':
            return { _tag: 'Throw', error: new Error('refused') };
          case 'soldr':
            return resolveWith('garbage');
          default:
            setTimeout(() => {
              controller.abort();
            }, 10);
            return hang;
        }
      });

      const live = await runBroadcast(start, release, t.transport, { signal: controller.signal });

      expect(live.diagnostics.map((d) => E.isRight(decode(LiveDiagnostic, JSON.parse(JSON.stringify(d)))))).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(
        live.diagnostics.map(
          matchDiagnostic({
            TransportFailed: (d) => `${d.key.serviceName} failed`,
            InvalidOutcome: (d) => `${d.key.serviceName} invalid`,
            Cancelled: (d) => `${d.key.serviceName} cancelled`,
            DeadlineExceeded: (d) => `${d.key.serviceName} past the deadline`,
          }),
        ),
      ).toEqual(['zccache failed', 'soldr invalid', 'fbuild cancelled', 'cachesrv cancelled']);
    });
  });

  describe('its arguments from plain JavaScript', () => {
    const start = registryOf(100, mixed);
    const call = (...args: ReadonlyArray<unknown>): Promise<unknown> =>
      (runBroadcast as unknown as (...a: ReadonlyArray<unknown>) => Promise<unknown>)(...args);

    it.each([
      [
        'a registry that is not one',
        [{}, release, modelledTransport().transport],
        /^runBroadcast: registry: expected a registry/,
      ],
      [
        'an operation that is not one',
        [start, { _tag: 'Quiesce', reason: 'Sleep' }, modelledTransport().transport],
        /^runBroadcast: operation: reason: expected "IdleTimeout"/,
      ],
      [
        'a transport that is not a function',
        [start, release, 'socket'],
        /^runBroadcast: transport: expected a function, got "socket"$/,
      ],
      [
        'options that are not an object',
        [start, release, modelledTransport().transport, 7],
        /^runBroadcast: options: expected an object, got 7$/,
      ],
      [
        'a concurrency of 0',
        [start, release, modelledTransport().transport, { concurrency: 0 }],
        /^runBroadcast: options.concurrency: expected a positive integer or Infinity, got 0$/,
      ],
      ['a fractional concurrency', [start, release, modelledTransport().transport, { concurrency: 1.5 }], /got 1.5$/],
      [
        'a signal that is not one',
        [start, release, modelledTransport().transport, { signal: true }],
        /^runBroadcast: options.signal: expected an AbortSignal, got true$/,
      ],
    ])('should reject %s with a one-line error, sending nothing', async (_, args, message) => {
      const error = (await call(...args).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    });

    it('should leave the registry it was given as it was', async () => {
      const registry: Registry = registryOf(30, mixed);
      const before = JSON.stringify(registry);
      const transport: Transport = async () => Promise.resolve({ _tag: 'Failure', reason: 'Rejected' });

      await runBroadcast(registry, release, transport);

      expect(JSON.stringify(registry)).toBe(before);
    });
  });
});
