/**
 * NATS addresses of logs, as the command line takes them in place of a file:
 * `nats://host:port/STREAM/subject`.
 *
 * @since 0.3.0
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import * as E from 'fp-ts/Either';

import { errorMessage } from '../internal/errorMessage';
import { printable } from '../internal/printable';
import type { JetStreamSourceOptions } from './jetStreamLog';
import { jetStreamSource } from './jetStreamLog';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A log on JetStream, by address: the server, the stream and the broker's subject.
 *
 * @since 0.3.0
 */
export interface NatsLogAddress {
  /** `host:port` (4222 when the address names none). */
  readonly server: string;
  readonly stream: string;
  readonly subject: string;
}

/** How long the command line waits for a server to accept its connection. */
const CONNECT_TIMEOUT_MS = 5000;

const STREAM = /^[^\s.*>/\\]+$/;

const SUBJECT = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Read `nats://host[:port]/STREAM/subject` (the subject a literal one: no wildcard), or say in one
 * line what is wrong with it.
 *
 * @example
 * import { parseNatsAddress } from 'lifecycle-broadcast/nats'
 *
 * parseNatsAddress('nats://127.0.0.1:4222/LIFECYCLE/broker.ci-runner-1')
 * // right({ server: '127.0.0.1:4222', stream: 'LIFECYCLE', subject: 'broker.ci-runner-1' })
 *
 * @since 0.3.0
 */
export const parseNatsAddress = (input: string): E.Either<string, NatsLogAddress> => {
  const bad = (why: string): E.Either<string, NatsLogAddress> =>
    E.left(`${printable(input)} is not a NATS log address (nats://host:port/STREAM/subject): ${why}`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return bad('it cannot be read as a URL');
  }
  if (url.protocol !== 'nats:') {
    return bad('it does not start with nats://');
  }
  if (url.hostname === '') {
    return bad('it names no host');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return bad('it has parts other than host, port, stream and subject');
  }
  const parts = url.pathname.split('/').slice(1);
  const [stream, subject] = parts.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  if (parts.length !== 2 || stream === undefined || subject === undefined || stream === '' || subject === '') {
    return bad('it needs a stream and a subject after the host');
  }
  if (!STREAM.test(stream)) {
    return bad(`the stream name ${printable(stream)} may not hold spaces, dots, *, >, / or \\`);
  }
  if (!SUBJECT.test(subject)) {
    return bad(`the subject ${printable(subject)} must be literal tokens (no wildcard, space or empty token)`);
  }
  return E.right({ server: `${url.hostname}:${url.port === '' ? '4222' : url.port}`, stream, subject });
};

/**
 * The log at a NATS address as a log source, named after the address: when iterated it
 * connects (waiting at most 5 seconds), reads with `jetStreamSource` (following when asked) and
 * closes its connection. A bad address, an unreachable server, a missing stream or subject fail
 * the read with one line, which the readers report as `cannot read <address>: ...`.
 *
 * @since 0.3.0
 */
export const natsAddressSource = (
  address: string,
  follow?: JetStreamSourceOptions['follow'],
): AsyncIterable<string> & { readonly name: string } =>
  Object.freeze({
    name: address,
    async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
      const parsed = parseNatsAddress(address);
      if (E.isLeft(parsed)) {
        throw new Error(parsed.left);
      }
      const { server, stream, subject } = parsed.right;
      let connection: NatsConnection;
      try {
        connection = await connect({ servers: server, timeout: CONNECT_TIMEOUT_MS, reconnect: follow !== undefined });
      } catch (error: unknown) {
        throw new Error(`cannot connect to NATS at ${server}: ${errorMessage(error)}`, { cause: error });
      }
      try {
        yield* jetStreamSource({ connection, stream, subject, ...(follow === undefined ? {} : { follow }) });
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
  });
