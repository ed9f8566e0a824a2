/**
 * Following a log that a broker is still writing, as `tail -f` does: the source reads the file
 * to its end, then waits for more instead of ending.
 *
 * @since 0.3.0
 */
import * as fs from 'node:fs';

import type { FileSource } from './fileSource';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of `followFile`.
 *
 * @since 0.3.0
 */
export interface FollowFileOptions {
  /** Ends the source (cleanly, as the end of a file does) when aborted. */
  readonly signal: AbortSignal;
  /**
   * Called each time the source has given every complete line the file holds and starts to wait
   * for more. The source is pulled line batch by line batch, so by then a reader has replayed all
   * it was given: this is when a follower prints where it is.
   */
  readonly onCaughtUp?: () => void;
  /**
   * How often to look at the file while waiting, in milliseconds (default 250). A change the
   * file system reports (`fs.watch`) wakes the source sooner; the poll covers file systems that
   * report none.
   */
  readonly pollIntervalMs?: number;
  /**
   * The longest unfinished last line kept back while its line break has not come (bytes; default
   * 4 MiB). A longer one is given to the reader as it is, which rejects it as overlong.
   */
  readonly maxPendingBytes?: number;
}

/** The chunk size, as `fileSource` reads: below V8's large-object size. */
const CHUNK = 1 << 16;

const DEFAULT_POLL_INTERVAL_MS = 250;

const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;

const NEWLINE = 0x0a;

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** Resolves after `ms`, on `wake`, or when `signal` is aborted, whichever comes first. */
const pause = (ms: number, signal: AbortSignal, wakers: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
    wakers.add(done);
  });

/** Why the file at `path` is no longer the one opened (`opened`), if it is not. */
const replacedOrTruncated = async (
  path: string,
  handle: fs.promises.FileHandle,
  position: number,
): Promise<string | undefined> => {
  const opened = await handle.stat();
  if (opened.size < position) {
    return `the file was truncated while followed (to ${String(opened.size)} bytes, after ${String(position)} were read)`;
  }
  const named = await fs.promises.stat(path).catch(() => undefined);
  if (named === undefined) {
    return 'the file was removed or renamed while followed';
  }
  if (named.ino !== opened.ino || named.dev !== opened.dev) {
    return 'the file was replaced by another while followed';
  }
  return undefined;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A log source that reads the file at `path` and, at its end, waits for the lines a writer
 * appends, until `signal` is aborted: then it ends as a file does, and the replay reading it
 * finishes with what it has. Only complete lines are given: an unfinished last line waits for
 * its line break (and is left out if the source ends first).
 *
 * A file truncated or replaced while followed (log rotation) fails the read with one line
 * saying so, which the readers report as any read failure (`cannot read <path>: ...`).
 *
 * @example
 * import { replayLog } from 'lifecycle-broadcast'
 * import { followFile } from 'lifecycle-broadcast/node'
 *
 * const stop = new AbortController()
 * process.once('SIGINT', () => stop.abort())
 * const r = await replayLog(followFile('broker.ndjson', { signal: stop.signal }), { verify: true })
 *
 * @since 0.3.0
 */
export const followFile = (path: string, options: FollowFileOptions): FileSource =>
  Object.freeze({
    name: path,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
      const { signal, onCaughtUp } = options;
      const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
      const maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
      const handle = await fs.promises.open(path, 'r');
      const wakers = new Set<() => void>();
      let watcher: fs.FSWatcher | undefined;
      try {
        watcher = fs.watch(path, { persistent: false }, () => {
          for (const wake of [...wakers]) {
            wake();
          }
        });
        // A watcher that fails later (the file removed) leaves the poll to notice.
        watcher.on('error', () => undefined);
      } catch {
        watcher = undefined;
      }
      const buffer = Buffer.allocUnsafe(CHUNK);
      let position = 0;
      let pending: Buffer = Buffer.alloc(0);
      try {
        while (!signal.aborted) {
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
          if (bytesRead > 0) {
            position += bytesRead;
            const read = buffer.subarray(0, bytesRead);
            const end = read.lastIndexOf(NEWLINE);
            if (end < 0) {
              pending = Buffer.concat([pending, read]);
              if (pending.length > maxPending) {
                yield pending;
                pending = Buffer.alloc(0);
              }
              continue;
            }
            // Copies: `buffer` is read into again.
            const complete = Buffer.concat([pending, read.subarray(0, end + 1)]);
            pending = Buffer.from(read.subarray(end + 1));
            yield complete;
            continue;
          }
          const problem = await replacedOrTruncated(path, handle, position);
          if (problem !== undefined) {
            throw new Error(problem);
          }
          onCaughtUp?.();
          await pause(pollMs, signal, wakers);
        }
      } finally {
        watcher?.close();
        await handle.close();
      }
    },
  });
