/**
 * One line of text for any thrown value, for the one-line reports of the reader and the command
 * line.
 *
 * @internal
 */
import { show } from './codec';

/** Words for the system errors whose message is only `syscall CODE`. */
const BARE_CODES: Readonly<Record<string, string>> = Object.freeze({
  EPIPE: 'broken pipe: the reading end was closed',
  ECONNRESET: 'connection reset by peer',
});

/**
 * The message of `error` on one line. Node's system errors read `ENOENT: no such file or
 * directory, open 'x'`; they become `no such file or directory (ENOENT)`, as the caller already
 * names the file. Errors are recognised by shape, not by `instanceof`, which fails across realms.
 *
 * @internal
 */
export const errorMessage = (error: unknown): string => {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const { message, code } = error as { readonly message: string; readonly code?: unknown };
    // Some system errors carry only the call and the code (`write EPIPE`).
    const known = typeof code === 'string' && Object.hasOwn(BARE_CODES, code) ? BARE_CODES[code] : undefined;
    if (known !== undefined && message === `${String((error as { syscall?: unknown }).syscall)} ${String(code)}`) {
      return `${known} (${String(code)})`;
    }
    const words = /^[A-Z]+: ([^,\n]*)/.exec(message)?.[1];
    const text = typeof code === 'string' && words !== undefined ? `${words} (${code})` : message;
    return text.split('\n')[0] ?? '';
  }
  return show(error);
};
