/**
 * The progress bar the command line draws on standard error while it reads a large log, when
 * standard error is a terminal (never when it is piped or redirected).
 *
 * @since 0.1.0
 */

/**
 * Inputs smaller than this many bytes (16 MiB) replay too fast to need a progress bar.
 *
 * @since 0.1.0
 */
export const PROGRESS_THRESHOLD = 16 * 1024 * 1024;

/** Redraw at most this often. */
const INTERVAL_MS = 200;

const WIDTH = 30;

/**
 * Whether to draw a progress bar: only on a terminal, and only for an input known to be large
 * (a file of `PROGRESS_THRESHOLD` bytes or more) or found to be large while reading standard
 * input (`size` unknown).
 *
 * @since 0.1.0
 */
export const wantsProgress = (isTTY: boolean, size: number | undefined): boolean =>
  isTTY && (size === undefined || size >= PROGRESS_THRESHOLD);

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * One frame of the bar: `[#########.....]  42%  120.5 of 286.0 MiB` when the size is known,
 * `120.5 MiB read` otherwise.
 *
 * @example
 * renderProgress(50, 100)
 * // '[###############...............]  50%  0.0 of 0.0 MiB'
 *
 * @since 0.1.0
 */
export const renderProgress = (read: number, size: number | undefined): string => {
  if (size === undefined || size <= 0) {
    return `${mib(read)} read`;
  }
  const ratio = Math.min(1, read / size);
  const filled = Math.round(ratio * WIDTH);
  const percent = `${String(Math.floor(ratio * 100))}%`.padStart(4);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${percent}  ${(read / (1024 * 1024)).toFixed(1)} of ${mib(size)}`;
};

/**
 * A progress bar on `stream`: `update` redraws it (throttled), `clear` erases it.
 *
 * @since 0.1.0
 */
export interface ProgressBar {
  readonly update: (read: number) => void;
  readonly clear: () => void;
}

/**
 * A progress bar drawn on `stream` for an input of `size` bytes (or unknown size); on standard
 * input it shows up once `PROGRESS_THRESHOLD` bytes have been read.
 *
 * @since 0.1.0
 */
export const progressBar = (stream: NodeJS.WritableStream, size: number | undefined): ProgressBar => {
  let last = 0;
  let drawn = false;
  return {
    update: (read) => {
      const now = Date.now();
      if (now - last < INTERVAL_MS || (size === undefined && read < PROGRESS_THRESHOLD)) {
        return;
      }
      last = now;
      drawn = true;
      stream.write(`\r${renderProgress(read, size)}\u001b[K`);
    },
    clear: () => {
      if (drawn) {
        stream.write('\r\u001b[K');
      }
    },
  };
};
