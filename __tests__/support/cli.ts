/** Running the built command line (`npm test` builds it first) in a child process. */
import type { ChildProcessWithoutNullStreams, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

/** What a run of the command line gave. */
export interface Run {
  readonly code: number | null;
  /** The signal that ended it, if one did (the time limit kills with SIGKILL). */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Fail early, in words, when the command line was not built. */
export const requireBuiltCli = (): void => {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  }
};

/**
 * Run the command line with `args`. `stdin` is text to feed it, or a file descriptor to give it
 * as standard input; `stdout` may be a file descriptor (such as one of /dev/full) instead of a pipe;
 * `cwd` is where it runs (the repository by default), and `nodeArgs` go to Node before the script
 * (`--max-old-space-size=256`).
 */
export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly stdin?: string | number;
    readonly stdout?: number;
    readonly timeoutMs?: number;
    readonly cwd?: string;
    readonly nodeArgs?: ReadonlyArray<string>;
  } = {},
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const stdio: StdioOptions = [
      typeof options.stdin === 'number' ? options.stdin : 'pipe',
      options.stdout ?? 'pipe',
      'pipe',
    ];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      stdio,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (typeof options.stdin !== 'number') {
      child.stdin?.end(options.stdin ?? '');
    }
  });

/** The lines of a text, without empty ones. */
export const linesOf = (s: string): ReadonlyArray<string> => s.split('\n').filter((l) => l !== '');

/** Whatever happens, no stack trace reaches the user. */
export const expectNoStack = (r: Run): void => {
  expect(r.stderr).not.toMatch(/^\s+at /m);
};

/**
 * Watch a running child's output: `stderrMatches(pattern)` resolves once its standard error so far
 * matches (and rejects if it ends first), `closed` with everything it printed and how it ended.
 */
export const watchOutput = (
  child: ChildProcessWithoutNullStreams,
): { readonly stderrMatches: (pattern: RegExp) => Promise<void>; readonly closed: Promise<Run> } => {
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiting = new Set<() => void>();
  const wake = (): void => {
    for (const check of [...waiting]) {
      check();
    }
  };
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    wake();
  });
  const closed = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      wake();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const stderrMatches = (pattern: RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(stderr)) {
          waiting.delete(check);
          resolve();
        } else if (ended) {
          waiting.delete(check);
          reject(new Error(`the command ended before its standard error matched ${String(pattern)}: ${stderr}`));
        }
      };
      waiting.add(check);
      check();
    });
  return { stderrMatches, closed };
};
