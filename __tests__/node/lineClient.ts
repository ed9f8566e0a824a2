/**
 * A broker reduced to its socket, for the backend tests: it writes raw bytes and collects the
 * lines that come back, and says when the backend closed the connection.
 */
import * as net from 'node:net';

import type { SocketAddress } from '../../src/node';

export interface LineClient {
  readonly socket: net.Socket;
  /** Every line received so far (line end removed). */
  readonly lines: string[];
  /** Resolves once `count` lines have come (or rejects if the connection closes first). */
  readonly received: (count: number) => Promise<ReadonlyArray<string>>;
  /** Resolves once the backend has closed the connection. */
  readonly closed: Promise<void>;
  readonly send: (text: string | Buffer) => void;
}

/** Connect to `address`; resolves once connected. Destroy `socket` when done. */
export const connectLines = (address: SocketAddress): Promise<LineClient> =>
  new Promise((resolve, reject) => {
    const socket = 'path' in address ? net.connect(address.path) : net.connect(address.port, address.host);
    const lines: string[] = [];
    let partial = '';
    let isClosed = false;
    const waiters: Array<() => void> = [];
    const wake = (): void => {
      for (const w of waiters.splice(0)) {
        w();
      }
    };
    const closed = new Promise<void>((done) => {
      socket.once('close', () => {
        isClosed = true;
        wake();
        done();
      });
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      wake();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      resolve({
        socket,
        lines,
        closed,
        send: (text) => {
          socket.write(text);
        },
        received: (count) =>
          new Promise((done, fail) => {
            const check = (): void => {
              if (lines.length >= count) {
                done(lines.slice(0, count));
              } else if (isClosed) {
                fail(
                  new Error(
                    `connection closed after ${String(lines.length)} of ${String(count)} lines: ${lines.join(' | ')}`,
                  ),
                );
              } else {
                waiters.push(check);
              }
            };
            check();
          }),
      });
    });
    socket.once('error', reject);
  });
