/**
 * Real backends for the live tests: child processes running scripts/live-backends.mjs (or the
 * example backend), each listening on Unix sockets in a temporary folder or on TCP ports of
 * 127.0.0.1, stopped and removed by `cleanUp` after every test.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import type { SocketAddress } from '../../src/node';

export const ROOT = path.join(__dirname, '..', '..');
export const SCRIPTED_BACKENDS = path.join(ROOT, 'scripts', 'live-backends.mjs');
export const EXAMPLE_BACKEND = path.join(ROOT, 'examples', 'backend.mjs');

/** What a scripted backend does with its n-th request (see scripts/live-backends.mjs). */
export interface Step {
  readonly answer:
    | 'Ack'
    | 'ack-close'
    | 'UnsupportedOperation'
    | 'Rejected'
    | 'BackendError'
    | 'never'
    | 'hold'
    | 'close'
    | 'reset'
    | 'crash'
    | 'garbage'
    | 'wrong-id'
    | 'oversized'
    | 'bad-outcome'
    | 'bad-utf8';
  readonly delayMs?: number;
  /** Progress lines sent before the answer: `count` of them, one every `everyMs`. */
  readonly progress?: { readonly extendMs: number; readonly count?: number; readonly everyMs?: number };
}

/** Where a backend listens: a socket file named after it in `dir`, or a free TCP port. */
export type Listen = { readonly path: string } | { readonly host: '127.0.0.1'; readonly port: 0 };

export interface BackendSpec {
  readonly name: string;
  readonly listen: Listen;
  readonly script?: ReadonlyArray<Step>;
  /** `false`: accept connections and never read from them. */
  readonly read?: boolean;
}

/** A line a backend process printed. */
export type FleetEvent =
  | {
      readonly event: 'ready';
      readonly pid: number;
      /** Every backend of a scripted process. */
      readonly backends?: ReadonlyArray<{ readonly name: string; readonly address: SocketAddress }>;
      /** The one address of the example backend. */
      readonly address?: SocketAddress;
    }
  | { readonly event: 'connection'; readonly name: string }
  | { readonly event: 'closed'; readonly name: string }
  /** A NATS backend's subscription is on the server again after a reconnection. */
  | { readonly event: 'resubscribed'; readonly name: string }
  | {
      readonly event: 'request';
      readonly name: string;
      readonly request: { readonly id: number; readonly operation: unknown };
    };

/** A running backend process. */
export interface Fleet {
  readonly pid: number;
  /** Where each backend listens, by name. */
  readonly addressOf: (name: string) => SocketAddress;
  /** Every line it printed so far. */
  readonly events: FleetEvent[];
  /**
   * Resolves once the process has printed `count` events of `kind` for backend `name` (a reply
   * can reach the transport before the line saying the request came reaches the test), and
   * rejects if its output ends first.
   */
  readonly printed: (kind: FleetEvent['event'], name: string, count: number) => Promise<void>;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string | null>;
  readonly stop: () => Promise<void>;
}

// -------------------------------------------------------------------------------------
// clean-up
// -------------------------------------------------------------------------------------

const cleanUps: Array<() => Promise<void> | void> = [];

/** Run `f` after the current test (latest first). */
export const afterThisTest = (f: () => Promise<void> | void): void => {
  cleanUps.push(f);
};

/** Register with `afterEach`: undoes everything `afterThisTest` was given. */
export const cleanUp = async (): Promise<void> => {
  while (cleanUps.length > 0) {
    await cleanUps.pop()?.();
  }
};

/** A fresh temporary folder, removed after the test. */
export const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-live-'));
  afterThisTest(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
};

// -------------------------------------------------------------------------------------
// processes
// -------------------------------------------------------------------------------------

const READY_WITHIN_MS = 20_000;

const stopChild = (child: ChildProcessWithoutNullStreams, exited: Promise<unknown>): Promise<void> => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    return exited.then(() => {
      clearTimeout(force);
    });
  }
  return exited.then(() => undefined);
};

/** Start a process of `args` (run by `command`, Node by default) that prints JSON lines, and wait for its `ready` line. */
export const startProcess = (args: ReadonlyArray<string>, command: string = process.execPath): Promise<Fleet> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: 'pipe' });
    const events: FleetEvent[] = [];
    let stderr = '';
    let buffered = '';
    const exited = new Promise<number | string | null>((done) => {
      child.once('exit', (code, signal) => {
        done(code ?? signal);
      });
    });
    // Each waiter checks the events again whenever a line comes, and once more when output ends.
    const waiters = new Set<(ended: boolean) => void>();
    child.once('close', () => {
      waiters.forEach((w) => {
        w(true);
      });
    });
    const printed = (kind: FleetEvent['event'], name: string, count: number): Promise<void> =>
      new Promise((resolveWaiter, rejectWaiter) => {
        const check = (ended: boolean): void => {
          const seen = events.filter((e) => e.event === kind && 'name' in e && e.name === name).length;
          if (seen >= count) {
            waiters.delete(check);
            resolveWaiter();
          } else if (ended) {
            waiters.delete(check);
            rejectWaiter(
              new Error(
                `the backends printed ${String(seen)} ${kind} events for ${name}, not ${String(count)}, and ended`,
              ),
            );
          }
        };
        waiters.add(check);
        check(child.stdout.readableEnded);
      });
    const stop = (): Promise<void> => stopChild(child, exited);
    afterThisTest(stop);
    const timer = setTimeout(() => {
      reject(new Error(`backends not ready within ${String(READY_WITHIN_MS)} ms: ${stderr}`));
    }, READY_WITHIN_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`backends exited (${String(code)}) before they were ready: ${stderr}`));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf('\n');
      while (end >= 0) {
        const event = JSON.parse(buffered.slice(0, end)) as FleetEvent;
        buffered = buffered.slice(end + 1);
        events.push(event);
        waiters.forEach((w) => {
          w(false);
        });
        if (event.event === 'ready') {
          clearTimeout(timer);
          const addresses = new Map(
            event.backends?.map((b) => [b.name, b.address]) ??
              (event.address === undefined ? [] : [['example', event.address] as const]),
          );
          resolve({
            pid: event.pid,
            addressOf: (name) => {
              const a = addresses.get(name);
              if (a === undefined) {
                throw new Error(`no backend named ${name}`);
              }
              return a;
            },
            events,
            printed,
            exited,
            stop,
          });
        }
        end = buffered.indexOf('\n');
      }
    });
  });

/** Start one process serving `specs` (scripts/live-backends.mjs), stopped after the test. */
export const startBackends = (
  specs: ReadonlyArray<BackendSpec>,
  options: { readonly report?: boolean; readonly repliedFile?: string } = {},
): Promise<Fleet> =>
  startProcess([
    SCRIPTED_BACKENDS,
    JSON.stringify({ report: options.report ?? true, repliedFile: options.repliedFile, backends: specs }),
  ]);

/** Start examples/backend.mjs with `args`, stopped after the test. */
export const startExampleBackend = (args: ReadonlyArray<string>): Promise<Fleet> =>
  startProcess([EXAMPLE_BACKEND, ...args]);

export const PYTHON_BACKEND = path.join(ROOT, 'examples', 'backend.py');

/**
 * The Python 3 to run examples/backend.py with: `LIFECYCLE_BROADCAST_PYTHON` when set, else the
 * first `python3` on the PATH; undefined when there is none.
 */
export const findPython = (): string | undefined => {
  const given = process.env.LIFECYCLE_BROADCAST_PYTHON;
  if (given !== undefined && given !== '') {
    return given;
  }
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, 'python3'))
    .find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    });
};

/** Start examples/backend.py with `python` and `args`, stopped after the test. */
export const startPythonBackend = (python: string, args: ReadonlyArray<string>): Promise<Fleet> =>
  startProcess([PYTHON_BACKEND, ...args], python);

// -------------------------------------------------------------------------------------
// addresses
// -------------------------------------------------------------------------------------

/** A TCP port of 127.0.0.1 that nothing listens on (it was just free, and is closed again). */
export const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });

/** The events of one kind a backend process printed for backend `name`. */
export const eventsOf = <K extends FleetEvent['event']>(
  fleet: Fleet,
  kind: K,
  name: string,
): ReadonlyArray<Extract<FleetEvent, { readonly event: K }>> =>
  fleet.events.filter(
    (e): e is Extract<FleetEvent, { readonly event: K }> => e.event === kind && 'name' in e && e.name === name,
  );

/**
 * Wait until `check` holds (polling), or fail after `ms`: for a condition no event announces.
 * Where a backend process prints the event, wait for it with `fleet.printed` instead.
 */
export const eventually = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) {
      throw new Error(`condition not met within ${String(ms)} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
};
