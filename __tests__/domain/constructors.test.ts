/**
 * One definition of valid: every constructor checks its arguments with the codec the log reader
 * uses, and refuses what the reader would refuse with the codec's own one-line message, as a
 * `RangeError` (a value of the right type outside the codec) or a `TypeError` (anything else).
 */
import * as E from 'fp-ts/Either';

import {
  BackendKey,
  BroadcastOperation,
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  broadcastResult,
  createRegistry,
  decodeLogHeader,
  encodeHeaderLine,
  explicitInstance,
  failure,
  failureOutcome,
  logHeader,
  logRecord,
  privateInstance,
  quiesceOperation,
  registerAction,
  releaseHandlesOperation,
  setLiveAction,
  sharedInstance,
  withLive,
  withResponse,
  liveBackend,
} from '../../src';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');

/** What calling `f` throws, as `Kind: message`. */
const thrown = (f: () => unknown): string => {
  try {
    f();
  } catch (error: unknown) {
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
  }
  return 'nothing thrown';
};

describe('constructors from plain JavaScript', () => {
  it.each<[string, () => unknown, string]>([
    [
      'broadcastPolicy(1.5)',
      () => broadcastPolicy(1.5),
      'RangeError: broadcastPolicy: ackTimeoutMs: expected non-negative integer milliseconds, got 1.5',
    ],
    [
      'broadcastPolicy(NaN)',
      () => broadcastPolicy(Number.NaN),
      'RangeError: broadcastPolicy: ackTimeoutMs: expected non-negative integer milliseconds, got NaN',
    ],
    [
      'broadcastPolicy("250")',
      () => broadcastPolicy('250' as never),
      'TypeError: broadcastPolicy: ackTimeoutMs: expected non-negative integer milliseconds, got "250"',
    ],
    [
      'an empty service name',
      () => backendKey(sharedInstance, '', '1.0.0'),
      'RangeError: backendKey: serviceName: expected non-empty string without NUL, got ""',
    ],
    [
      'an upper-case hash',
      () => backendKey(sharedInstance, 'zccache', '1.0.0', 'AB12'),
      'RangeError: backendKey: exeHash: expected lowercase hex string, got "AB12"',
    ],
    [
      'a NUL in a version',
      () => backendKey(sharedInstance, 'zccache', '1.0\u0000'),
      'RangeError: backendKey: serviceVersion: expected non-empty string without NUL, got "1.0\\u0000"',
    ],
    [
      'a number as a name',
      () => backendKey(sharedInstance, 42 as never, '1.0.0'),
      'TypeError: backendKey: serviceName: expected non-empty string without NUL, got 42',
    ],
    [
      'an instance that is not one',
      () => backendKey({ _tag: 'Global' } as never, 'zccache', '1.0.0'),
      'TypeError: backendKey: instance._tag: expected "Shared" | "Private" | "Explicit", got "Global"',
    ],
    [
      'privateInstance("")',
      () => privateInstance(''),
      'RangeError: privateInstance: serviceName: expected non-empty string without NUL, got ""',
    ],
    [
      'explicitInstance(null)',
      () => explicitInstance(null as never),
      'TypeError: explicitInstance: name: expected non-empty string without NUL, got null',
    ],
    [
      'an empty path prefix',
      () => releaseHandlesOperation(''),
      'RangeError: releaseHandlesOperation: pathPrefix: expected non-empty path without NUL, got ""',
    ],
    [
      'quiesceOperation("Sleep")',
      () => quiesceOperation('Sleep' as never),
      'RangeError: quiesceOperation: reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"',
    ],
    [
      'failure("constructor")',
      () => failure('constructor' as never),
      'RangeError: failure: reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got "constructor"',
    ],
    [
      'failureOutcome("constructor")',
      () => failureOutcome('constructor' as never),
      'RangeError: failureOutcome: reason: expected "UnsupportedOperation" | "Rejected" | "BackendError", got "constructor"',
    ],
    [
      'backend with live "yes"',
      () => backend(zccache, 'yes' as never, ack),
      'TypeError: backend: live: expected boolean, got "yes"',
    ],
    [
      'withLive with 1',
      () => withLive(liveBackend(zccache), 1 as never),
      'TypeError: withLive: live: expected boolean, got 1',
    ],
    [
      'withResponse with an inherited tag',
      () => withResponse(liveBackend(zccache), { _tag: 'toString' } as never),
      'TypeError: withResponse: response._tag: expected "Ack" | "Timeout" | "Failure", got "toString"',
    ],
    [
      'createRegistry({})',
      () => createRegistry({} as never),
      'TypeError: createRegistry: policy.ackTimeoutMs: expected non-negative integer milliseconds, got nothing (missing field)',
    ],
    [
      'logHeader with a fractional policy',
      () => logHeader({ ackTimeoutMs: 1.5 }),
      'RangeError: logHeader: policy.ackTimeoutMs: expected non-negative integer milliseconds, got 1.5',
    ],
    [
      'registerAction of a backend with an empty name',
      () => registerAction({ key: { ...zccache, serviceName: '' }, live: true, response: ack }),
      'RangeError: registerAction: backend.key.serviceName: expected non-empty string without NUL, got ""',
    ],
    [
      'setLiveAction with "no"',
      () => setLiveAction(zccache, 'no' as never),
      'TypeError: setLiveAction: live: expected boolean, got "no"',
    ],
    [
      'logRecord of an operation that is not one',
      () => logRecord({ _tag: 'Broadcast', operation: { _tag: 'constructor' } as never }),
      'TypeError: logRecord: action.operation._tag: expected "ReleaseHandles" | "Quiesce", got "constructor"',
    ],
    [
      'broadcastResult with an entry that is not one',
      () =>
        broadcastResult({
          operation: quiesceOperation('Maintenance'),
          acks: [{ _tag: 'Ack' } as never],
          timeouts: [],
          failures: [],
          skippedDead: [],
        }),
      'TypeError: broadcastResult: acks[0].key: expected BackendKey, got nothing (missing field)',
    ],
  ])('should refuse %s with the codec message', (_name, call, message) => {
    expect(thrown(call)).toBe(message);
  });

  it('should still clamp a zero timeout to 1 ms', () => {
    expect(broadcastPolicy(0)).toEqual({ ackTimeoutMs: 1 });
    expect(createRegistry({ ackTimeoutMs: 0 }).policy).toEqual({ ackTimeoutMs: 1 });
  });

  it('should build only what the codecs accept, frozen', () => {
    const key = backendKey(privateInstance('soldr'), 'soldr', '0.4.1', 'ab');
    expect(BackendKey.is(key)).toBe(true);
    expect(Object.isFrozen(key) && Object.isFrozen(key.instance)).toBe(true);
    expect(BroadcastOperation.is(releaseHandlesOperation('/var/cache'))).toBe(true);
  });

  it('should write a header that its reader accepts, for every policy it builds', () => {
    for (const ms of [0, 1, 250, 5000, Number.MAX_SAFE_INTEGER]) {
      const line = encodeHeaderLine(logHeader(broadcastPolicy(ms)));
      expect(E.isRight(decodeLogHeader(JSON.parse(line)))).toBe(true);
    }
  });

  it('should refuse to encode a header its reader would refuse', () => {
    expect(
      thrown(() => encodeHeaderLine({ format: 'lifecycle-broadcast-log', version: 1, policy: { ackTimeoutMs: 1.5 } })),
    ).toBe(
      'RangeError: encodeHeaderLine: header.policy.ackTimeoutMs: expected non-negative integer milliseconds, got 1.5',
    );
  });
});
