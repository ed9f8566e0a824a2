/**
 * Reading an operation log from a file, as the source the log reader and `replayLog` take.
 *
 * @since 0.2.0
 */
import * as fs from 'node:fs';

/**
 * A log source read from a file: the file's bytes, chunk by chunk, and the file's path as its
 * name (which the readers' messages quote).
 *
 * @since 0.3.0
 */
export interface FileSource extends AsyncIterable<Uint8Array> {
  /** The path of the file. */
  readonly name: string;
}

/**
 * A log source reading the file at `path` when it is iterated (each iteration opens it anew and
 * closes it when done or abandoned). It is named after the file, so messages say which file
 * could not be read.
 *
 * @example
 * import { replayLog } from 'lifecycle-broadcast'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLog(fileSource('broker.ndjson'), { verify: true })
 *
 * @since 0.2.0
 */
export const fileSource = (path: string): FileSource =>
  Object.freeze({
    name: path,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
      // 64 KiB chunks stay below V8's large-object size: larger ones (and the lines sliced from
      // them) pile up in the large-object space between major collections, which raised the peak
      // RSS of a million-line replay by half and slowed it down.
      const stream = fs.createReadStream(path, { highWaterMark: 1 << 16 });
      try {
        for await (const chunk of stream) {
          yield chunk as Buffer;
        }
      } finally {
        stream.destroy();
      }
    },
  });
