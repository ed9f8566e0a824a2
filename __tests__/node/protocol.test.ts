/**
 * The codecs of the socket protocol's lines and addresses.
 */
import {
  BackendMessage,
  BackendProgress,
  BackendReply,
  BackendRequest,
  MAX_EXTEND_MS,
  SocketAddress,
} from '../../src/node';
import { quiesceOperation, releaseHandlesOperation } from '../../src';
import { decode } from '../../src/internal/codec';
import { expectLeft, expectRight } from '../support/helpers';

describe('BackendRequest', () => {
  it('should decode a request line and encode it back to the same JSON', () => {
    const line = '{"id":7,"operation":{"_tag":"ReleaseHandles","pathPrefix":"/var/cache"}}';
    const request = expectRight(decode(BackendRequest, JSON.parse(line)));
    expect(request).toEqual({ id: 7, operation: releaseHandlesOperation('/var/cache') });
    expect(JSON.stringify(BackendRequest.encode(request))).toBe(line);
  });

  it.each([
    [{ id: 0, operation: quiesceOperation('Maintenance') }, 'id: expected positive integer, got 0'],
    [{ id: 1.5, operation: quiesceOperation('Maintenance') }, 'id: expected positive integer, got 1.5'],
    [{ id: '1', operation: quiesceOperation('Maintenance') }, 'id: expected positive integer, got "1"'],
    [{ id: 1, operation: { _tag: 'Reboot' } }, 'operation._tag: expected "ReleaseHandles" | "Quiesce", got "Reboot"'],
  ])('should refuse %j with one readable line', (value, line) => {
    expect(expectLeft(decode(BackendRequest, value))).toEqual([line]);
  });
});

describe('BackendRequest, optional fields', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('should decode a request with a deadline and a trace context and encode it back', () => {
    const value = {
      id: 9,
      operation: { _tag: 'Quiesce', reason: 'BrokerShutdown' },
      deadlineUnixMs: 1_765_158_000_000,
      traceparent,
      tracestate: 'vendor=opaque',
    };
    expect(BackendRequest.encode(expectRight(decode(BackendRequest, value)))).toEqual(value);
  });

  it.each([
    [{ deadlineUnixMs: -1 }, 'deadlineUnixMs: expected non-negative integer milliseconds, got -1'],
    [
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      'traceparent: expected W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>), got "00-00000000000000000000000000000000-00f067aa0ba902b7-01"',
    ],
    [
      { traceparent: `ff${traceparent.slice(2)}` },
      `traceparent: expected W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>), got "ff${traceparent.slice(2)}"`,
    ],
    [
      { traceparent: `${traceparent}-x` },
      `traceparent: expected W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>), got "${traceparent}-x"`,
    ],
    [
      { tracestate: 'a=\n' },
      'tracestate: expected W3C tracestate (printable ASCII, at most 512 characters), got "a=\\n"',
    ],
  ])('should refuse a request with %j with one readable line', (extra, line) => {
    expect(expectLeft(decode(BackendRequest, { id: 1, operation: quiesceOperation('Maintenance'), ...extra }))).toEqual(
      [line],
    );
  });

  it('should accept a later traceparent version with more fields, as the W3C spec asks', () => {
    expect(
      BackendRequest.is({
        id: 1,
        operation: quiesceOperation('Maintenance'),
        traceparent: `01${traceparent.slice(2)}-ab`,
      }),
    ).toBe(true);
  });
});

describe('BackendProgress', () => {
  it('should decode a progress line and encode it back', () => {
    const value = { id: 7, progress: { extendMs: 10_000 } };
    expect(BackendProgress.encode(expectRight(decode(BackendProgress, value)))).toEqual(value);
  });

  it.each([
    [
      { id: 7, progress: { extendMs: 0 } },
      `progress.extendMs: expected positive integer milliseconds (at most ${String(MAX_EXTEND_MS)}), got 0`,
    ],
    [
      { id: 7, progress: { extendMs: MAX_EXTEND_MS + 1 } },
      `progress.extendMs: expected positive integer milliseconds (at most ${String(MAX_EXTEND_MS)}), got ${String(MAX_EXTEND_MS + 1)}`,
    ],
    [{ id: 7, progress: { extendMs: 5, note: 'x' } }, 'progress.note: unexpected field, got "x"'],
  ])('should refuse %j with one readable line', (value, line) => {
    expect(expectLeft(decode(BackendProgress, value))).toEqual([line]);
  });
});

describe('BackendMessage', () => {
  it('should read a reply as a reply and a progress line as progress', () => {
    expect(expectRight(decode(BackendMessage, { id: 1, outcome: { _tag: 'Ack' } }))).toEqual({
      id: 1,
      outcome: { _tag: 'Ack' },
    });
    expect(expectRight(decode(BackendMessage, { id: 1, progress: { extendMs: 1 } }))).toEqual({
      id: 1,
      progress: { extendMs: 1 },
    });
  });

  it('should name what a bad line was meant to be', () => {
    expect(expectLeft(decode(BackendMessage, { id: 1, progress: {} }))).toEqual([
      `progress.extendMs: expected positive integer milliseconds (at most ${String(MAX_EXTEND_MS)}), got nothing (missing field)`,
    ]);
    expect(expectLeft(decode(BackendMessage, { id: 1 }))).toEqual([
      'outcome: expected Outcome, got nothing (missing field)',
    ]);
  });
});

describe('BackendReply', () => {
  it('should decode an acknowledgement and a failure, and encode them back', () => {
    for (const value of [
      { id: 1, outcome: { _tag: 'Ack' } },
      { id: 2, outcome: { _tag: 'Failure', reason: 'UnsupportedOperation' } },
    ]) {
      expect(BackendReply.encode(expectRight(decode(BackendReply, value)))).toEqual(value);
    }
  });

  it.each([
    [{ id: 1, outcome: { _tag: 'Timeout' } }, 'outcome._tag: expected "Ack" | "Failure", got "Timeout"'],
    [{ id: 1, outcome: { _tag: 'Ack' }, pad: 'x' }, 'pad: unexpected field, got "x"'],
    [{ outcome: { _tag: 'Ack' } }, 'id: expected positive integer, got nothing (missing field)'],
  ])('should refuse %j with one readable line', (value, line) => {
    expect(expectLeft(decode(BackendReply, value))).toEqual([line]);
  });
});

describe('SocketAddress', () => {
  it('should accept a Unix socket path and a TCP host and port', () => {
    expect(expectRight(decode(SocketAddress, { path: '/run/zccache.sock' }))).toEqual({ path: '/run/zccache.sock' });
    expect(expectRight(decode(SocketAddress, { host: '127.0.0.1', port: 7070 }))).toEqual({
      host: '127.0.0.1',
      port: 7070,
    });
    expect(SocketAddress.is({ host: '::1', port: 1 })).toBe(true);
  });

  it.each([
    [{ host: '127.0.0.1', port: 70000 }, 'port: expected port number (1 to 65535), got 70000'],
    [{ path: '' }, 'path: expected non-empty string without NUL, got ""'],
    [{ path: '/x', port: 1 }, 'port: unexpected field, got 1'],
    [{ port: 80 }, 'host: expected non-empty string without NUL, got nothing (missing field)'],
  ])('should refuse %j with one readable line', (value, line) => {
    expect(expectLeft(decode(SocketAddress, value))).toEqual([line]);
  });
});
