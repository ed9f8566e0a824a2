/**
 * One connection of the conformance kit to a backend: it writes request lines as a broker
 * would, reads what comes back with the broker's rules (line limit, `BackendMessage` codec, ids
 * asked on this connection, one reply per request, progress before the reply), and records the
 * first rule broken.
 *
 * @since 0.3.0
 */
import { isUtf8 } from 'node:buffer';
import * as net from 'node:net';

import * as E from 'fp-ts/Either';

import { decode, show } from '../../internal/codec';
import { errorMessage } from '../../internal/errorMessage';
import { printable } from '../../internal/printable';
import type { Outcome } from '../../live/Transport';
import type { SocketAddress } from '../protocol';
import { BackendMessage } from '../protocol';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a probe waited for, and what came of it. */
export type Waited =
  | { readonly _tag: 'Done' }
  | { readonly _tag: 'Broken'; readonly message: string }
  | { readonly _tag: 'Closed' }
  | { readonly _tag: 'TimedOut' };

/** A connection to a backend under test. */
export interface Probe {
  /** Write `text` (lines of the test's own making) and note the ids it asks. */
  readonly send: (text: string | Buffer, ids?: ReadonlyArray<number>) => void;
  /** The outcome received for each id asked, in the order they came. */
  readonly replies: ReadonlyMap<number, Outcome>;
  /** How many progress lines came for each id. */
  readonly progress: ReadonlyMap<number, number>;
  /** The first rule the backend broke on this connection, if any. */
  readonly broken: () => string | undefined;
  /** Whether the backend closed the connection (or it failed). */
  readonly isClosed: () => boolean;
  /** Wait until every id in `ids` has its reply, a rule is broken, the connection closes, or `ms` pass. */
  readonly replied: (ids: ReadonlyArray<number>, ms: number) => Promise<Waited>;
  /** Wait until the backend closes the connection, a rule is broken, or `ms` pass. */
  readonly closedWithin: (ms: number) => Promise<Waited>;
  /** Close our side and free the socket. */
  readonly close: () => void;
}

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** `n` with thousands separators. */
export const thousandsOf = (n: number): string => n.toLocaleString('en-US');

const excerpt = (text: string): string => printable(show(text.length > 60 ? `${text.slice(0, 57)}...` : text));

/** Where `address` is, in words. */
export const describeAddress = (address: SocketAddress): string =>
  'path' in address ? address.path : `${address.host}:${String(address.port)}`;

// -------------------------------------------------------------------------------------
// probe
// -------------------------------------------------------------------------------------

/**
 * Connect to `address` within `ms`; rejects with a one-line error when nothing accepts there.
 * Lines the backend sends are read under `maxReplyBytes`.
 */
export const openProbe = (address: SocketAddress, ms: number, maxReplyBytes: number): Promise<Probe> =>
  new Promise((resolve, reject) => {
    const socket = 'path' in address ? net.connect({ path: address.path }) : net.connect(address.port, address.host);
    const asked = new Set<number>();
    const replies = new Map<number, Outcome>();
    const progress = new Map<number, number>();
    const waiters = new Set<() => void>();
    let broken: string | undefined;
    let closed = false;
    let partial: Buffer[] = [];
    let partialBytes = 0;

    const wake = (): void => {
      for (const w of [...waiters]) {
        w();
      }
    };
    const breaks = (message: string): void => {
      broken ??= message;
      wake();
    };

    const onLine = (bytes: Buffer): void => {
      if (!isUtf8(bytes)) {
        breaks('sent a line that is not UTF-8 (framing: lines are UTF-8)');
        return;
      }
      const text = bytes.toString('utf8').replace(/\r$/, '');
      if (text.trim() === '') {
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        breaks(`sent a line that is not JSON: ${excerpt(text)} (rule 5)`);
        return;
      }
      const decoded = decode(BackendMessage, json);
      if (E.isLeft(decoded)) {
        breaks(
          `sent a line that is neither a reply nor a progress line: ${decoded.left.join('; ')}: ${excerpt(text)} (rule 5)`,
        );
        return;
      }
      const message = decoded.right;
      const what = 'progress' in message ? 'a progress line' : 'a reply';
      if (!asked.has(message.id)) {
        const waiting = [...asked].filter((id) => !replies.has(id));
        breaks(
          `sent ${what} for id ${String(message.id)}, which was not asked on this connection${
            waiting.length === 0 ? '' : ` (waiting for ${waiting.join(', ')})`
          } (rule 5)`,
        );
        return;
      }
      if (replies.has(message.id)) {
        breaks(`sent ${what} for request ${String(message.id)} after its reply (rule 1: one reply per request)`);
        return;
      }
      if ('progress' in message) {
        progress.set(message.id, (progress.get(message.id) ?? 0) + 1);
      } else {
        replies.set(message.id, message.outcome);
      }
      wake();
    };

    socket.on('data', (chunk: Buffer) => {
      let start = 0;
      while (broken === undefined) {
        const end = chunk.indexOf(0x0a, start);
        const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
        if (partialBytes + piece.length > maxReplyBytes) {
          breaks(
            `sent a line over ${thousandsOf(maxReplyBytes)} bytes (framing: a reply line is at most 65,536 bytes)`,
          );
          return;
        }
        if (end < 0) {
          partial.push(Buffer.from(piece));
          partialBytes += piece.length;
          return;
        }
        const line = partial.length === 0 ? piece : Buffer.concat([...partial, piece]);
        partial = [];
        partialBytes = 0;
        start = end + 1;
        onLine(line);
      }
    });
    const connectTimer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`cannot connect to ${printable(describeAddress(address))}: no answer within ${thousandsOf(ms)} ms`),
      );
    }, ms);
    socket.once('connect', () => {
      clearTimeout(connectTimer);
      resolve(probe);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      const why =
        error.code === 'ECONNREFUSED' || error.code === 'ENOENT'
          ? `nothing listens there (${error.code})`
          : printable(errorMessage(error));
      reject(new Error(`cannot connect to ${printable(describeAddress(address))}: ${why}`));
    });
    socket.on('close', () => {
      closed = true;
      wake();
    });

    /** Wait until `done` gives a result, or `ms` pass. */
    const until = (done: () => Waited | undefined, waitMs: number): Promise<Waited> =>
      new Promise((settle) => {
        const check = (): void => {
          const result = done();
          if (result !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            settle(result);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          settle(done() ?? { _tag: 'TimedOut' });
        }, waitMs);
        waiters.add(check);
        check();
      });

    const probe: Probe = {
      send: (text, ids = []) => {
        for (const id of ids) {
          asked.add(id);
        }
        if (!socket.destroyed) {
          socket.write(text);
        }
      },
      replies,
      progress,
      broken: () => broken,
      isClosed: () => closed,
      replied: (ids, waitMs) =>
        until(() => {
          if (broken !== undefined) {
            return { _tag: 'Broken', message: broken };
          }
          if (ids.every((id) => replies.has(id))) {
            return { _tag: 'Done' };
          }
          return closed ? { _tag: 'Closed' } : undefined;
        }, waitMs),
      closedWithin: (waitMs) =>
        until(() => {
          if (broken !== undefined) {
            return { _tag: 'Broken', message: broken };
          }
          return closed ? { _tag: 'Closed' } : undefined;
        }, waitMs),
      close: () => {
        socket.destroy();
      },
    };
  });
