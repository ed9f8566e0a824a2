/**
 * The codecs of the socket protocol's lines and addresses.
 */
import { BackendReply, BackendRequest, SocketAddress } from '../../src/node';
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
