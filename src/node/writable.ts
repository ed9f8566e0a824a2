/**
 * Writing to Node streams with back-pressure, where every write error (a full disk, a closed
 * pipe, a destroyed stream) becomes a rejection, never an unhandled `'error'` or a promise that
 * never settles.
 *
 * @internal
 */
import { errorMessage } from '../internal/errorMessage';

/** Pieces are gathered into writes of about this many characters. */
const PIECE = 1 << 16;

/**
 * Wait for `event` on `stream` (`'drain'`, `'finish'`): resolves on it, rejects if the stream
 * fails first, or closes first (with `closed` as the message).
 *
 * @internal
 */
export const settledOn = (stream: NodeJS.WritableStream, event: 'drain' | 'finish', closed: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const done = (error?: unknown): void => {
      stream.off(event, onEvent);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) {
        resolve();
      } else {
        reject(error instanceof Error ? error : new Error(errorMessage(error)));
      }
    };
    const onEvent = (): void => {
      done();
    };
    const onError = (error: unknown): void => {
      done(error);
    };
    const onClose = (): void => {
      done(new Error(closed));
    };
    stream.on(event, onEvent);
    stream.on('error', onError);
    stream.on('close', onClose);
  });

/**
 * Wait until `stream` can take more: its `'drain'`, or a rejection if it fails or closes first.
 *
 * @internal
 */
export const drained = (stream: NodeJS.WritableStream): Promise<void> =>
  settledOn(stream, 'drain', 'the stream was closed before it could take more');

/**
 * Write one piece to `stream`: resolves as soon as the stream can take more, rejects if it fails
 * or is closed first. `written` settles when this very write went through (or failed).
 *
 * @internal
 */
export const writePiece = (
  stream: NodeJS.WritableStream,
  text: string,
): { readonly room: Promise<void>; readonly written: Promise<void> } => {
  let ok = true as boolean;
  const written = new Promise<void>((resolve, reject) => {
    ok = stream.write(text, (error?: Error | null) => {
      if (error === undefined || error === null) {
        resolve();
      } else {
        reject(error);
      }
    });
  });
  // Whoever needs the outcome awaits it; an unobserved failure is no crash.
  written.catch(() => undefined);
  if (ok) {
    return { room: Promise.resolve(), written };
  }
  const drain = drained(stream);
  drain.catch(() => undefined);
  // A write that fails settles first; a destroyed stream never drains.
  return { room: Promise.race([drain, written.then(() => drain)]), written };
};

/**
 * Write every piece of `pieces` to `stream` (without ending it) and resolve once the last write
 * went through; reject with the stream's error if any write fails.
 *
 * @internal
 */
export const writeAll = async (stream: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> => {
  let last: Promise<void> = Promise.resolve();
  const put = async (text: string): Promise<void> => {
    const { room, written } = writePiece(stream, text);
    last = written;
    await room;
  };
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= PIECE) {
      await put(buffer);
      buffer = '';
    }
  }
  if (buffer !== '') {
    await put(buffer);
  }
  await last;
};
