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
 * `120.5 MiB read` otherwise, followed by the rate and the time left when `rate` is given; in
 * lines (`420,000 of 1,000,000 lines`) for a `lines` unit.
 *
 * @example
 * renderProgress(50, 100)
 * // '[###############...............]  50%  0.0 of 0.0 MiB'
 *
 * @since 0.1.0
 */
export const renderProgress = (
  read: number,
  size: number | undefined,
  rate?: ProgressRate,
  unit: 'bytes' | 'lines' = 'bytes',
): string => {
  const tail = rate === undefined ? '' : renderRate(read, size, rate);
  const amount = (n: number): string => (unit === 'lines' ? n.toLocaleString('en-US') : (n / (1024 * 1024)).toFixed(1));
  const whole = (n: number): string => (unit === 'lines' ? `${n.toLocaleString('en-US')} lines` : mib(n));
  if (size === undefined || size <= 0) {
    return `${whole(read)} ${unit === 'lines' ? 'written' : 'read'}${tail}`;
  }
  const ratio = Math.min(1, read / size);
  const filled = Math.round(ratio * WIDTH);
  const percent = `${String(Math.floor(ratio * 100))}%`.padStart(4);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${percent}  ${amount(read)} of ${whole(size)}${tail}`;
};

/**
 * How fast the work goes: the time since it began and the lines done so far.
 *
 * @since 0.2.0
 */
export interface ProgressRate {
  readonly elapsedMs: number;
  /** Lines read or written so far (0 when unknown: the rate is then in MiB/s). */
  readonly lines: number;
}

const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${String(h)}:${String(m).padStart(2, '0')}:${ss}` : `${String(m)}:${ss}`;
};

/**
 * The speed and the time left, for the end of a progress line: `52,340 lines/s  ETA 0:42` (or
 * MiB/s when the lines are not counted; no ETA while the size is unknown).
 *
 * @example
 * renderRate(50, 100, { elapsedMs: 10_000, lines: 500_000 })
 * // '  50,000 lines/s  ETA 0:10'
 *
 * @since 0.2.0
 */
export const renderRate = (read: number, size: number | undefined, rate: ProgressRate): string => {
  const seconds = rate.elapsedMs / 1000;
  if (seconds <= 0 || read <= 0) {
    return '';
  }
  const speed =
    rate.lines > 0
      ? `${Math.round(rate.lines / seconds).toLocaleString('en-US')} lines/s`
      : `${(read / (1024 * 1024) / seconds).toFixed(1)} MiB/s`;
  const eta =
    size === undefined || size <= 0 ? '' : `  ETA ${clock(((size - Math.min(read, size)) / read) * rate.elapsedMs)}`;
  return `  ${speed}${eta}`;
};

/**
 * A progress bar on `stream`: `update` redraws it (throttled), `lines` tells it how many lines
 * are done (for the rate), `clear` erases it.
 *
 * @since 0.1.0
 */
export interface ProgressBar {
  readonly update: (read: number) => void;
  readonly clear: () => void;
  readonly lines?: (done: number) => void;
}

/** The bars on screen, so that an interrupted command can erase them. */
const drawnBars = new Set<() => void>();

/**
 * Erase every progress bar on screen, as a command interrupted with Ctrl-C does before it
 * exits.
 *
 * @since 0.2.0
 */
export const clearProgress = (): void => {
  for (const clear of [...drawnBars]) {
    clear();
  }
};

/**
 * A progress bar drawn on `stream` for an input of `size` bytes (or unknown size); on standard
 * input it shows up once `PROGRESS_THRESHOLD` bytes have been read.
 *
 * @since 0.1.0
 */
export const progressBar = (
  stream: NodeJS.WritableStream,
  size: number | undefined,
  unit: 'bytes' | 'lines' = 'bytes',
): ProgressBar => {
  let last = 0;
  let drawn = false;
  let lines = 0;
  const started = Date.now();
  const clear = (): void => {
    if (drawn) {
      drawn = false;
      drawnBars.delete(clear);
      stream.write('\r\u001b[K');
    }
  };
  return {
    update: (read) => {
      const now = Date.now();
      if (now - last < INTERVAL_MS || (unit === 'bytes' && size === undefined && read < PROGRESS_THRESHOLD)) {
        return;
      }
      last = now;
      drawn = true;
      drawnBars.add(clear);
      const rate = { elapsedMs: now - started, lines: unit === 'lines' ? read : lines };
      stream.write(`\r${renderProgress(read, size, rate, unit)}\u001b[K`);
    },
    clear,
    lines: (done) => {
      lines = done;
    },
  };
};
