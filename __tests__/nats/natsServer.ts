/**
 * Real `nats-server` processes for the NATS tests: each on free ports of 127.0.0.1 with its
 * files in a temporary folder, stopped and removed after the test. Without the binary
 * (`NATS_SERVER`, then PATH, then /usr/sbin), the NATS tests are skipped with one line.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { connect } from '@nats-io/transport-node';
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';

import { ROOT, afterThisTest, closedPort, tempDir } from '../node/backends';

/** Scripted backends on NATS (and brokers that misbehave): scripts/nats-backends.mjs. */
export const NATS_BACKENDS = path.join(ROOT, 'scripts', 'nats-backends.mjs');

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The nats-server to run, or undefined when there is none here. */
export const natsServerBinary = ((): string | undefined => {
  const given = process.env.NATS_SERVER;
  if (given !== undefined && given !== '') {
    return isExecutable(given) ? given : undefined;
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => path.join(d, 'nats-server')).find(isExecutable);
})();

/** `describe`, or one skipped line saying why when nats-server is missing. */
export const describeWithNats = (name: string, body: () => void): void => {
  if (natsServerBinary === undefined) {
    describe.skip(`${name} (skipped: no nats-server; set NATS_SERVER or install Debian's nats-server)`, () => {
      it('needs nats-server', () => undefined);
    });
  } else {
    describe(name, body);
  }
};

const READY_WITHIN_MS = 20_000;

/** A running nats-server. */
export interface NatsServer {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stop it (SIGTERM, then SIGKILL) and wait until it has exited. */
  readonly stop: () => Promise<void>;
  /** Kill it at once (SIGKILL) and wait until it has exited. */
  readonly kill: () => Promise<void>;
  /** Start it again with the same configuration (ports, store) once stopped. */
  readonly restart: () => Promise<void>;
}

interface ServerConfig {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  readonly jetstream: boolean;
  readonly cluster?: { readonly port: number; readonly routes: ReadonlyArray<number> };
}

const configText = (c: ServerConfig): string =>
  [
    `server_name: ${c.name}`,
    `listen: 127.0.0.1:${String(c.port)}`,
    ...(c.jetstream ? [`jetstream { store_dir: ${JSON.stringify(path.join(c.dir, 'js'))} }`] : []),
    ...(c.cluster === undefined
      ? []
      : [
          'cluster {',
          '  name: lifecycle',
          `  listen: 127.0.0.1:${String(c.cluster.port)}`,
          `  routes: [${c.cluster.routes.map((p) => `nats-route://127.0.0.1:${String(p)}`).join(', ')}]`,
          '}',
        ]),
  ].join('\n');

const launch = (c: ServerConfig): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const file = path.join(c.dir, `${c.name}.conf`);
    fs.writeFileSync(file, configText(c));
    const child = spawn(natsServerBinary ?? 'nats-server', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server ${c.name} not ready within ${String(READY_WITHIN_MS)} ms: ${log}`));
    }, READY_WITHIN_MS);
    child.stderr.setEncoding('utf8');
    const onData = (s: string): void => {
      log += s;
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server ${c.name} exited (${String(code)}) before it was ready: ${log}`));
    });
  });

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });

const serverOf = (c: ServerConfig, first: ChildProcess): NatsServer => {
  let child = first;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const exited = exitOf(child);
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };
  const server: NatsServer = {
    name: c.name,
    port: c.port,
    url: `nats://127.0.0.1:${String(c.port)}`,
    dir: c.dir,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: async () => {
      await exitOf(child);
      child = await launch(c);
    },
  };
  afterThisTest(() => server.stop());
  return server;
};

/** Start one nats-server (with JetStream when asked), stopped after the test. */
export const startNatsServer = async (options: { readonly jetstream?: boolean } = {}): Promise<NatsServer> => {
  const config: ServerConfig = {
    name: 'n1',
    port: await closedPort(),
    dir: tempDir(),
    jetstream: options.jetstream ?? false,
  };
  return serverOf(config, await launch(config));
};

/** Start a cluster of `size` servers routed to each other, all with JetStream, stopped after the test. */
export const startNatsCluster = async (size = 3): Promise<ReadonlyArray<NatsServer>> => {
  const dir = tempDir();
  const ports: Array<{ readonly client: number; readonly route: number }> = [];
  for (let i = 0; i < size; i++) {
    ports.push({ client: await closedPort(), route: await closedPort() });
  }
  const configs = ports.map((p, i): ServerConfig => ({
    name: `n${String(i + 1)}`,
    port: p.client,
    dir: path.join(dir, `n${String(i + 1)}`),
    jetstream: true,
    cluster: { port: p.route, routes: ports.filter((_, j) => j !== i).map((q) => q.route) },
  }));
  for (const c of configs) {
    fs.mkdirSync(c.dir);
  }
  const children = await Promise.all(configs.map(launch));
  return configs.map((c, i) => serverOf(c, children[i] as ChildProcess));
};

/**
 * A client connection to `servers` that reconnects for ever, 100 ms apart, closed after the test.
 * `options` add to or override those.
 */
export const connectTo = async (
  servers: NatsServer | ReadonlyArray<NatsServer>,
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> => {
  const list = 'url' in servers ? [servers] : servers;
  const nc = await connect({
    servers: list.map((s) => s.url),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    ...options,
  });
  afterThisTest(() => nc.close());
  return nc;
};

/** Resolves at the next status of `kind` the connection reports (a `reconnect`, a `disconnect`). */
export const nextStatus = (connection: NatsConnection, kind: string): Promise<void> => {
  const statuses = connection.status();
  return (async () => {
    // Leaving the loop stops the status stream.
    for await (const s of statuses) {
      if (s.type === kind) {
        return;
      }
    }
    throw new Error(`the connection closed before a ${kind}`);
  })();
};

/** A promise and its resolve: holds a broker's broadcast until the test lets it go. */
export const gate = (): { readonly opened: Promise<void>; readonly open: () => void } => {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};
