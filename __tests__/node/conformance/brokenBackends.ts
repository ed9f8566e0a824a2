/**
 * Backends that break one rule of docs/live.md each, for the conformance kit's tests: real Unix
 * sockets served by the test process, reading lines as the spec says and answering as told.
 */
import * as net from 'node:net';
import * as path from 'node:path';

import type { SocketAddress } from '../../../src/node';
import { afterThisTest, tempDir } from '../backends';

export const socketIn = (dir: string): { readonly path: string } => ({ path: path.join(dir, 'backend.sock') });

export interface Request {
  readonly id: number;
  readonly operation: { readonly _tag: string };
}

/**
 * How a broken backend treats the requests of one data chunk: `answer(id)` writes the right
 * reply; anything else it does is its fault.
 */
export type Misbehaviour = (
  socket: net.Socket,
  requests: ReadonlyArray<Request>,
  reply: (id: number, outcome: unknown) => void,
) => void;

export const correct = (r: Request): unknown =>
  ['ReleaseHandles', 'Quiesce'].includes(r.operation._tag)
    ? { _tag: 'Ack' }
    : { _tag: 'Failure', reason: 'UnsupportedOperation' };

/** A backend on a Unix socket that reads lines as the spec says and answers as `misbehave` does. */
export const brokenBackend = async (misbehave: Misbehaviour): Promise<SocketAddress> => {
  const address = socketIn(tempDir());
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      const requests: Request[] = [];
      for (const l of lines.map((x) => x.trim()).filter((x) => x !== '')) {
        let request: Request | undefined;
        try {
          request = JSON.parse(l) as Request;
        } catch {
          request = undefined;
        }
        if (!(typeof request?.id === 'number' && request.id > 0)) {
          socket.destroy();
          return;
        }
        requests.push(request);
      }
      if (partial.length > 2_000_000) {
        socket.destroy();
      }
      misbehave(socket, requests, (id, outcome) => {
        if (!socket.destroyed) {
          socket.write(`${JSON.stringify({ id, outcome })}\n`);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(address.path, resolve));
  afterThisTest(
    () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => {
          resolve();
        });
      }),
  );
  return address;
};

/** Answers the first request of each chunk it reads, and ignores the others. */
export const answersFirstOnly: Misbehaviour = (_, requests, reply) => {
  const first = requests[0];
  if (first !== undefined) {
    reply(first.id, correct(first));
  }
};
