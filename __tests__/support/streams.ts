/** Small in-memory streams for reader and writer tests. */
import { Readable, Writable } from 'node:stream';

/** A readable that yields `chunks` as they are, strings or bytes. */
export const readableOf = (...chunks: ReadonlyArray<string | Uint8Array>): Readable =>
  Readable.from(chunks, { objectMode: true });

/** A writable that keeps what it is given, with the text so far in `text()`. */
export const collector = (
  options: { readonly highWaterMark?: number; readonly delayMs?: number } = {},
): Writable & { readonly text: () => string } => {
  const parts: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: options.highWaterMark ?? 16384,
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      if (options.delayMs === undefined) {
        callback();
      } else {
        setTimeout(callback, options.delayMs);
      }
    },
  });
  return Object.assign(sink, { text: () => Buffer.concat(parts).toString('utf8') });
};

/** Everything an async iterable yields, in order. */
export const collect = async <A>(as: AsyncIterable<A>): Promise<ReadonlyArray<A>> => {
  const out: A[] = [];
  for await (const a of as) {
    out.push(a);
  }
  return out;
};
