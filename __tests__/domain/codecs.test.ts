/**
 * Every codec accepts what it should, rejects what it should with one readable line per
 * problem, and gives back what it encoded.
 */
import * as t from 'io-ts';

import {
  Backend,
  BackendKey,
  BroadcastBackendResponse,
  BroadcastOperation,
  BroadcastPolicy,
  BroadcastResult,
  LogRecord,
  RegistryAction,
  broadcast,
  createRegistry,
  deadBackend,
  explicitInstance,
  failure,
  liveBackend,
  privateInstance,
  quiesceOperation,
  register,
  registerAction,
  releaseHandlesOperation,
  timeout,
  withResponse,
} from '../../src';
import { decode, show } from '../../src/internal/codec';
import { expectLeft, expectRight, key } from '../support/helpers';

const roundTrips = <A, O>(codec: t.Type<A, O>, values: ReadonlyArray<NoInfer<A>>): void => {
  it.each(values.map((v) => [JSON.stringify(v), v] as const))('should round-trip %s', (_, value) => {
    const wire = JSON.parse(JSON.stringify(codec.encode(value))) as unknown;

    expect(expectRight(decode(codec, wire))).toEqual(value);
    expect(codec.is(value)).toBe(true);
  });
};

const rejects = <A, O>(
  codec: t.Type<A, O>,
  cases: ReadonlyArray<readonly [string, unknown, ReadonlyArray<string>]>,
): void => {
  it.each(cases)('should reject %s', (_, input, messages) => {
    expect(expectLeft(decode(codec, input))).toEqual(messages);
    expect(codec.is(input)).toBe(false);
  });
};

const validKey = { instance: { _tag: 'Shared' }, serviceName: 'zccache', serviceVersion: '1.11.20', exeHash: '' };

describe('BackendKey', () => {
  roundTrips(BackendKey, [
    key('zccache'),
    key('soldr', privateInstance('soldr')),
    key('fbuild', explicitInstance('ci-runner')),
    { ...key('zccache'), exeHash: '0123456789abcdef' },
    key('naïve "quoted" \\ name'),
  ]);
  rejects(BackendKey, [
    [
      'a missing field',
      { ...validKey, exeHash: undefined },
      ['exeHash: expected lowercase hex string, got nothing (missing field)'],
    ],
    ['an extra field', { ...validKey, port: 80 }, ['port: unexpected field, got 80']],
    [
      'an unknown instance',
      { ...validKey, instance: { _tag: 'Global' } },
      ['instance._tag: expected "Shared" | "Private" | "Explicit", got "Global"'],
    ],
    [
      'a private instance without its service',
      { ...validKey, instance: { _tag: 'Private' } },
      ['instance.serviceName: expected non-empty string without NUL, got nothing (missing field)'],
    ],
    ['an uppercase hash', { ...validKey, exeHash: 'ABC' }, ['exeHash: expected lowercase hex string, got "ABC"']],
    [
      'a NUL in a name',
      { ...validKey, serviceName: 'zc\u0000cache' },
      ['serviceName: expected non-empty string without NUL, got "zc\\u0000cache"'],
    ],
    [
      'an empty version',
      { ...validKey, serviceVersion: '' },
      ['serviceVersion: expected non-empty string without NUL, got ""'],
    ],
    [
      'a number for a name',
      { ...validKey, serviceName: 7 },
      ['serviceName: expected non-empty string without NUL, got 7'],
    ],
    ['an array', [1, 2], ['(root): expected BackendKey, got [1,2]']],
    ['a long value, shortened', 'x'.repeat(100), [`(root): expected BackendKey, got "${'x'.repeat(56)}...`]],
    ['null', null, ['(root): expected BackendKey, got null']],
  ]);
});

describe('BroadcastOperation', () => {
  roundTrips(BroadcastOperation, [
    releaseHandlesOperation('/var/cache/zccache'),
    releaseHandlesOperation('C:\\cache'),
    quiesceOperation('IdleTimeout'),
    quiesceOperation('BrokerShutdown'),
    quiesceOperation('Maintenance'),
  ]);
  rejects(BroadcastOperation, [
    [
      'an unknown reason',
      { _tag: 'Quiesce', reason: 'Sleep' },
      ['reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"'],
    ],
    [
      'an empty path prefix',
      { _tag: 'ReleaseHandles', pathPrefix: '' },
      ['pathPrefix: expected non-empty path without NUL, got ""'],
    ],
    [
      'a NUL in the path prefix',
      { _tag: 'ReleaseHandles', pathPrefix: '/tmp\u0000' },
      ['pathPrefix: expected non-empty path without NUL, got "/tmp\\u0000"'],
    ],
    ['an unknown tag', { _tag: 'Restart' }, ['_tag: expected "ReleaseHandles" | "Quiesce", got "Restart"']],
    [
      'a missing tag',
      { reason: 'Maintenance' },
      ['_tag: expected "ReleaseHandles" | "Quiesce", got nothing (missing field)'],
    ],
    ['a string', 'Quiesce', ['(root): expected BroadcastOperation, got "Quiesce"']],
  ]);
});

describe('BroadcastBackendResponse', () => {
  roundTrips(BroadcastBackendResponse, [
    { _tag: 'Ack' },
    { _tag: 'Timeout' },
    failure('UnsupportedOperation'),
    failure('Rejected'),
    failure('BackendError'),
  ]);
  rejects(BroadcastBackendResponse, [
    ['an extra field on Ack', { _tag: 'Ack', reason: 'Rejected' }, ['reason: unexpected field, got "Rejected"']],
    [
      'an unknown failure reason',
      { _tag: 'Failure', reason: 'Crashed' },
      ['reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got "Crashed"'],
    ],
  ]);
});

describe('BroadcastPolicy', () => {
  roundTrips(BroadcastPolicy, [{ ackTimeoutMs: 1 }, { ackTimeoutMs: 250 }, { ackTimeoutMs: 5000 }]);

  it('should clamp a zero timeout to 1 ms', () => {
    expect(expectRight(decode(BroadcastPolicy, { ackTimeoutMs: 0 }))).toEqual({ ackTimeoutMs: 1 });
  });

  rejects(BroadcastPolicy, [
    ['a negative timeout', { ackTimeoutMs: -1 }, ['ackTimeoutMs: expected non-negative integer milliseconds, got -1']],
    [
      'a fractional timeout',
      { ackTimeoutMs: 2.5 },
      ['ackTimeoutMs: expected non-negative integer milliseconds, got 2.5'],
    ],
    ['NaN', { ackTimeoutMs: NaN }, ['ackTimeoutMs: expected non-negative integer milliseconds, got NaN']],
    [
      'infinity',
      { ackTimeoutMs: Infinity },
      ['ackTimeoutMs: expected non-negative integer milliseconds, got Infinity'],
    ],
    ['a string', { ackTimeoutMs: '5000' }, ['ackTimeoutMs: expected non-negative integer milliseconds, got "5000"']],
    [
      'seconds instead of milliseconds',
      { ackTimeout: 5 },
      [
        'ackTimeoutMs: expected non-negative integer milliseconds, got nothing (missing field)',
        'ackTimeout: unexpected field, got 5',
      ],
    ],
  ]);
});

describe('Backend', () => {
  roundTrips(Backend, [liveBackend(key('a')), deadBackend(key('b')), withResponse(liveBackend(key('c')), timeout)]);
  rejects(Backend, [
    [
      'a string for live',
      { key: validKey, live: 'yes', response: { _tag: 'Ack' } },
      ['live: expected boolean, got "yes"'],
    ],
    [
      'several problems at once',
      { key: { ...validKey, serviceName: '' }, response: { _tag: 'Nope' } },
      [
        'key.serviceName: expected non-empty string without NUL, got ""',
        'live: expected boolean, got nothing (missing field)',
        'response._tag: expected "Ack" | "Timeout" | "Failure", got "Nope"',
      ],
    ],
  ]);
});

describe('RegistryAction', () => {
  roundTrips(RegistryAction, [
    registerAction(liveBackend(key('a'))),
    { _tag: 'SetLive', key: key('a'), live: false },
    { _tag: 'SetResponse', key: key('a'), response: failure('Rejected') },
    { _tag: 'Unregister', key: key('a') },
    { _tag: 'Broadcast', operation: quiesceOperation('Maintenance') },
  ]);
  rejects(RegistryAction, [
    [
      'a nested bad reason',
      { _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Sleep' } },
      ['operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"'],
    ],
    [
      'a recorded result',
      { _tag: 'Broadcast', operation: quiesceOperation('Maintenance'), result: {} },
      ['result: unexpected field, got {}'],
    ],
    [
      'an unknown tag',
      { _tag: 'Restart' },
      [
        '_tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got "Restart"',
      ],
    ],
  ]);

  it('should name array positions in the path', () => {
    const actions = [
      registerAction(liveBackend(key('a'))),
      { _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Sleep' } },
    ];
    const codec = t.readonlyArray(RegistryAction);

    expect(expectLeft(decode(codec, actions))).toEqual([
      '[1].operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"',
    ]);
  });
});

describe('BroadcastResult', () => {
  const state = [liveBackend(key('a')), withResponse(liveBackend(key('b')), timeout), deadBackend(key('c'))].reduce(
    (s, b) => register(s, b).state,
    createRegistry(),
  );
  const degraded = broadcast(state, quiesceOperation('Maintenance')).result;
  const allAcked = broadcast(
    register(createRegistry(), liveBackend(key('a'))).state,
    releaseHandlesOperation('/x'),
  ).result;
  const noLive = broadcast(createRegistry(), releaseHandlesOperation('/x')).result;

  roundTrips(BroadcastResult, [degraded, allAcked, noLive]);

  rejects(BroadcastResult, [
    [
      'a status its lists contradict',
      { ...noLive, _tag: 'AllAcked' },
      ['_tag: status disagrees with the lists, which say "NoLiveTargets", got "AllAcked"'],
    ],
    [
      'a negative timeout in an entry',
      { ...degraded, timeouts: [{ _tag: 'Timeout', key: validKey, ackTimeoutMs: -5 }] },
      ['timeouts[0].ackTimeoutMs: expected non-negative integer milliseconds, got -5'],
    ],
  ]);
});

describe('LogRecord', () => {
  const result = broadcast(
    register(createRegistry(), liveBackend(key('a'))).state,
    releaseHandlesOperation('/x'),
  ).result;

  roundTrips(LogRecord, [
    registerAction(liveBackend(key('a'))),
    { _tag: 'Broadcast', operation: releaseHandlesOperation('/x') },
    { _tag: 'Broadcast', operation: releaseHandlesOperation('/x'), result },
  ]);
  rejects(LogRecord, [
    [
      'a result on a non-broadcast',
      { _tag: 'Unregister', key: validKey, result },
      [`result: unexpected field, got ${show(result)}`],
    ],
  ]);
});

describe('decode', () => {
  it('should report a throwing getter instead of throwing', () => {
    const hostile = Object.defineProperty({}, '_tag', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });

    expect(expectLeft(decode(RegistryAction, hostile))).toEqual(['(root): could not be read: boom']);
  });
});
