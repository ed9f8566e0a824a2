/**
 * A throwaway project that installs the packed package the way a user would: `npm pack`, then
 * `npm install <tarball>` in a fresh folder outside the repository. The files written into it
 * load the package as an ES module, as CommonJS and through TypeScript, each on its own.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import * as ts from 'typescript';

/** The repository. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The name the package is published under. */
export const PACKAGE = 'lifecycle-broadcast';

/** What a child process did. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm pack --json`'s description of the tarball. */
export interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

/** The fields of package.json that name files of the package. */
export interface Manifest {
  readonly version: string;
  readonly main: string;
  readonly types: string;
  readonly bin: Readonly<Record<string, string>>;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly typesVersions?: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<string>>>>>;
}

/** The repository's package.json. */
export const manifest = (): Manifest =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The entry points of the `exports` map other than package.json, as specifiers (`lifecycle-broadcast/arbitraries`). */
export const entryPoints = (m: Manifest): ReadonlyArray<string> =>
  Object.keys(m.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`));

/** Every string at the leaves of an `exports` value: the files it points at. */
export const exportTargets = (value: unknown): ReadonlyArray<string> =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.values(value).flatMap(exportTargets)
      : [];

/** The version of a package installed in the repository, so that the throwaway project installs the same one from npm's cache. */
const installedVersion = (name: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

/**
 * The environment for a child process: the npm running `npm test` exports its own settings
 * (`npm_config_local_prefix` names this repository), which must not steer the throwaway
 * project's npm. Only where the cache and the configuration files are is kept.
 */
const childEnv = (): NodeJS.ProcessEnv => {
  const kept = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('npm_') || kept.has(name)) {
      env[name] = value;
    }
  }
  delete env.NODE_PATH;
  // The packed command line starts with `#!/usr/bin/env node`: the node running this test.
  env.PATH = [path.dirname(process.execPath), env.PATH ?? ''].join(path.delimiter);
  return env;
};

/** Run `command` in `cwd` and wait for it (two minutes at most). */
export const run = (command: string, args: ReadonlyArray<string>, cwd: string): Run => {
  const r = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 120_000 });
  if (r.error !== undefined) {
    throw r.error;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** `run`, failing with everything the command said when it does not exit with 0. */
export const runOk = (command: string, args: ReadonlyArray<string>, cwd: string): Run => {
  const r = run(command, args, cwd);
  if (r.code !== 0) {
    throw new Error(`${[command, ...args].join(' ')} exited with ${String(r.code)}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
};

/** True when `file` is `dir` or inside it. */
export const isInside = (dir: string, file: string): boolean => {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** The body of every `@example` in the TSDoc of `file`. */
export const examplesIn = (file: string): ReadonlyArray<string> => {
  const examples: string[] = [];
  for (const comment of fs.readFileSync(file, 'utf8').matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const lines = (comment[1] ?? '').split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
    let current: string[] | null = null;
    for (const line of lines) {
      if (line.startsWith('@')) {
        if (current !== null) {
          examples.push(current.join('\n'));
        }
        current = line.startsWith('@example') ? [] : null;
      } else if (current !== null) {
        current.push(line);
      }
    }
    if (current !== null) {
      examples.push(current.join('\n'));
    }
  }
  return examples.map((example) => example.replace(/^```\w*$/gm, '').trim());
};

/** The Markdown pages whose code blocks a user may copy: the README and the guides. */
export const documentationPages = (): ReadonlyArray<string> => [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/**
 * A code block of the documentation (TypeScript or JavaScript):
 * - `Fragment`: its first line is a comment starting with `// Fragment`, which says what it leaves
 *   out; a reader sees it is not a program, and it is neither compiled nor run;
 * - `Example`: shown under `<!-- example: FILE -->`, a file of the repository that has tests of
 *   its own (a backend that runs until stopped, say), and must be shown exactly;
 * - `Program`: anything else, compiled as an ES module and run as written.
 */
export interface DocumentationBlock {
  readonly _tag: 'Fragment' | 'Example' | 'Program';
  /** The page, relative to the repository. */
  readonly page: string;
  /** The line of the page the block's fence is on. */
  readonly line: number;
  readonly body: string;
  /** For an `Example`, the file it shows, relative to the repository. */
  readonly file?: string;
}

/** Every TypeScript and JavaScript block of `page` (relative to the repository), indented ones (in a list) included. */
export const codeBlocksIn = (page: string): ReadonlyArray<DocumentationBlock> => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return [...text.matchAll(/^( *)```(?:ts|js)\n([\s\S]*?)^\1```$/gm)].map((m) => {
    const indent = m[1] ?? '';
    const body = (m[2] ?? '')
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    const before = text.slice(0, m.index);
    const line = before.split('\n').length;
    const shown = /<!-- example: (\S+) -->\s*$/.exec(before);
    return shown !== null
      ? { _tag: 'Example', page, line, body, file: shown[1] ?? '' }
      : { _tag: /^\/\/ Fragment\b/.test(body) ? 'Fragment' : 'Program', page, line, body };
  });
};

/** A name for a block's files: its page and line (`README_md-245`). */
export const blockName = (block: DocumentationBlock): string =>
  `${block.page.replace(/[\\/.]/g, '_')}-${String(block.line)}`;

/** The source files whose TSDoc is the public API reference: all of src/ but the internals and the command line. */
export const documentedSources = (dir = path.join(ROOT, 'src')): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'internal' || entry.name === 'cli' ? [] : documentedSources(file);
    }
    return entry.name.endsWith('.ts') ? [file] : [];
  });

/**
 * The same steps for every copy of the library (`lb`): the ES module, the CommonJS module and
 * the sources. Plain JavaScript, so that all three run exactly this text.
 */
const SCENARIO = `'use strict';
// Registry reducers, the Redux slice's reducer and a codec, with whichever copy of the library is given.
module.exports = (lb) => {
  const zccache = lb.backendKey(lb.sharedInstance, 'zccache', '1.11.20', '9f2c');
  const soldr = lb.backendKey(lb.privateInstance('soldr'), 'soldr', '0.4.1');
  const fbuild = lb.backendKey(lb.explicitInstance('ci'), 'fbuild', '2.0.3');
  const actions = [
    lb.registerAction(lb.liveBackend(zccache)),
    lb.registerAction(lb.withResponse(lb.liveBackend(soldr), lb.failure('Rejected'))),
    lb.registerAction(lb.deadBackend(fbuild)),
    lb.broadcastAction(lb.releaseHandlesOperation('/var/cache/zccache')),
    lb.setLiveAction(fbuild, true),
    lb.setResponseAction(zccache, lb.timeout),
    lb.broadcastAction(lb.quiesceOperation('BrokerShutdown')),
    lb.unregisterAction(lb.backendKey(lb.sharedInstance, 'absent', '0.0.0')),
  ];
  const replayed = lb.replay(lb.createRegistry(lb.broadcastPolicy(250)), actions);
  const slice = [
    lb.backendRegistered(lb.liveBackend(zccache)),
    lb.operationBroadcast(lb.quiesceOperation('IdleTimeout')),
  ].reduce(lb.lifecycleBroadcastReducer, undefined);
  return {
    snapshot: lb.snapshot(replayed.state),
    events: replayed.events,
    sliceResult: slice.latestResult,
    sliceSnapshot: lb.snapshot(slice.registry),
    rejected: (() => {
      const decoded = lb.RegistryAction.decode({ _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Sleep' } });
      return decoded._tag === 'Left' ? lb.formatErrors(decoded.left) : decoded;
    })(),
  };
};
`;

/** The program of the scenario's ES module: prints where the package resolved and the outcome, as JSON. */
const ESM_CONSUMER = `import * as lb from '${PACKAGE}';
import { createRegistry } from '${PACKAGE}';
import scenario from './scenario.cjs';

console.log(JSON.stringify({
  resolved: import.meta.resolve('${PACKAGE}'),
  namedImportWorks: typeof createRegistry === 'function',
  outcome: scenario(lb),
}));
`;

/** The same in CommonJS, with every module it loaded. */
const CJS_CONSUMER = `'use strict';
const lb = require('${PACKAGE}');
const scenario = require('./scenario.cjs');

const outcome = scenario(lb);
console.log(JSON.stringify({ resolved: require.resolve('${PACKAGE}'), loaded: Object.keys(require.cache), outcome }));
`;

/** A TypeScript user of the public types; compiled as an ES module (.mts) and as CommonJS (.cts). */
const TYPED_CONSUMER = `import {
  RegistryAction,
  backendKey,
  broadcast,
  createRegistry,
  liveBackend,
  matchBroadcastResult,
  quiesceOperation,
  register,
  sharedInstance,
  step,
} from '${PACKAGE}';
import type { BroadcastResult, LifecycleBroadcastState, LogRecord, Registry, RegistryEvent } from '${PACKAGE}';

const key = backendKey(sharedInstance, 'zccache', '1.11.20');
const registry: Registry = register(createRegistry(), liveBackend(key)).state;
const result: BroadcastResult = broadcast(registry, quiesceOperation('Maintenance')).result;
const sent: number = matchBroadcastResult<number>({
  AllAcked: (r) => r.acks.length,
  Degraded: (r) => r.acks.length + r.timeouts.length + r.failures.length,
  NoLiveTargets: () => 0,
})(result);
const event: RegistryEvent = step(registry, { _tag: 'Unregister', key }).result;
const decoded = RegistryAction.decode(JSON.parse('{}') as unknown);
const action: RegistryAction | undefined = decoded._tag === 'Right' ? decoded.right : undefined;
const entry: LogRecord | undefined = action;
const state: LifecycleBroadcastState | null = null;

// The types are the package's, not \`any\`: each line below must be an error.
// @ts-expect-error 'Sleep' is not a quiesce reason
quiesceOperation('Sleep');
// @ts-expect-error a registry is not a number
const notANumber: number = registry;
// @ts-expect-error every variant needs a handler
matchBroadcastResult({ AllAcked: () => 1, Degraded: () => 2 })(result);

export const used = [sent, event, entry, state, notANumber];
`;

/** A TypeScript user of the arbitraries. */
const TYPED_ARBITRARIES_CONSUMER = `import * as fc from 'fast-check';
import type { BackendKey, RegistryAction } from '${PACKAGE}';
import { backendKeyArbitrary, registryActionArbitrary } from '${PACKAGE}/arbitraries';

const keys: fc.Arbitrary<BackendKey> = backendKeyArbitrary();
const actions: fc.Arbitrary<RegistryAction> = registryActionArbitrary();
// @ts-expect-error keys are not actions
const wrong: fc.Arbitrary<RegistryAction> = backendKeyArbitrary();

export const used = [keys, actions, wrong];
`;

/** Generated values from the arbitraries, in both module systems, checked with the root's codecs. */
const arbitrariesConsumer = (system: 'esm' | 'cjs'): string => {
  const load =
    system === 'esm'
      ? `import * as fc from 'fast-check';
import { RegistryAction } from '${PACKAGE}';
import { registryActionArbitrary } from '${PACKAGE}/arbitraries';
const resolved = import.meta.resolve('${PACKAGE}/arbitraries');`
      : `'use strict';
const fc = require('fast-check');
const { RegistryAction } = require('${PACKAGE}');
const { registryActionArbitrary } = require('${PACKAGE}/arbitraries');
const resolved = require.resolve('${PACKAGE}/arbitraries');`;
  return `${load}
const actions = fc.sample(registryActionArbitrary(), { numRuns: 50, seed: 42 });
const invalid = actions.map((a) => RegistryAction.decode(a)).filter((d) => d._tag === 'Left');
console.log(JSON.stringify({ resolved, count: actions.length, invalid }));
`;
};

/** Loads the root and then the arbitraries, in either module system, and prints what loading the arbitraries threw. */
const withoutFastCheckConsumer = (system: 'esm' | 'cjs'): string =>
  system === 'esm'
    ? `const lb = await import('${PACKAGE}');
const message = await import('${PACKAGE}/arbitraries').then(() => null, (e) => e.message);
console.log(JSON.stringify({ root: typeof lb.createRegistry, message }));
`
    : `'use strict';
const lb = require('${PACKAGE}');
let message = null;
try {
  require('${PACKAGE}/arbitraries');
} catch (e) {
  message = e.message;
}
console.log(JSON.stringify({ root: typeof lb.createRegistry, message }));
`;

/** The Node entry point's file source, in both module systems: replays the example log from a file. */
const fileConsumer = (system: 'esm' | 'cjs'): string => {
  const load =
    system === 'esm'
      ? `import { replayLog } from '${PACKAGE}';
import { fileSource } from '${PACKAGE}/node';
const resolved = import.meta.resolve('${PACKAGE}/node');`
      : `'use strict';
const { replayLog } = require('${PACKAGE}');
const { fileSource } = require('${PACKAGE}/node');
const resolved = require.resolve('${PACKAGE}/node');`;
  return `${load}
replayLog(fileSource('broker.ndjson'), { verify: true }).then((r) => {
  console.log(JSON.stringify({ resolved, lastLine: r.lastLine, checked: r.checked, divergences: r.divergences }));
});
`;
};

/**
 * A live broadcast through the installed `lifecycle-broadcast/node`, in either module system: a
 * backend on a Unix socket in this process, the root's runner, the node entry's socket transport.
 */
const nodeConsumer = (system: 'esm' | 'cjs'): string => {
  const load =
    system === 'esm'
      ? `import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lb from '${PACKAGE}';
import { socketTransport } from '${PACKAGE}/node';
const resolved = import.meta.resolve('${PACKAGE}/node');`
      : `'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const lb = require('${PACKAGE}');
const { socketTransport } = require('${PACKAGE}/node');
const resolved = require.resolve('${PACKAGE}/node');`;
  return `${load}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-consumer-'));
const socketPath = path.join(dir, 'zccache.sock');
const server = net.createServer((socket) => {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\\n'); end >= 0; end = buffered.indexOf('\\n')) {
      const request = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      socket.write(JSON.stringify({ id: request.id, outcome: { _tag: 'Ack' } }) + '\\n');
    }
  });
});
server.listen(socketPath, async () => {
  const key = lb.backendKey(lb.sharedInstance, 'zccache', '1.11.20');
  const start = lb.register(lb.createRegistry(lb.broadcastPolicy(5000)), lb.liveBackend(key)).state;
  const transport = socketTransport({ addressOf: () => ({ path: socketPath }) });
  const live = await lb.runBroadcast(start, lb.releaseHandlesOperation('/var/cache'), transport);
  await transport.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const replayed = lb.replay(start, live.actions).events.at(-1);
  console.log(JSON.stringify({ resolved, status: live.result._tag, acks: live.result.acks.length, reproduced: JSON.stringify(replayed.result) === JSON.stringify(live.result) }));
});
`;
};

/**
 * A small browser dashboard: the root entry, a Redux Toolkit store with the lifecycle slice, and
 * its selectors rendering the page. Bundled with esbuild and with Vite, it shows what fp-ts and
 * io-ts cost an application once the bundler has shaken them.
 */
const DASHBOARD = `import { configureStore } from '@reduxjs/toolkit';
import {
  backendKey,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  liveBackend,
  quiesceOperation,
  sharedInstance,
} from '${PACKAGE}';

const broker = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(250) });
const store = configureStore({ reducer: { broker: broker.reducer } });
const { selectCounts, selectLatestResult, selectLiveBackends } = broker.selectors;

store.dispatch(broker.actions.backendRegistered(liveBackend(backendKey(sharedInstance, 'zccache', '1.11.20'))));
store.dispatch(broker.actions.operationBroadcast(quiesceOperation('IdleTimeout')));

const render = (): void => {
  const state = store.getState();
  document.body.textContent = JSON.stringify({
    counts: selectCounts(state),
    live: selectLiveBackends(state).length,
    latest: selectLatestResult(state),
  });
};
store.subscribe(render);
render();
`;

/** The dashboard's page, as Vite builds an application from it. */
const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>broker</title></head>
  <body><script type="module" src="./dashboard.ts"></script></body>
</html>
`;

/**
 * Vite (the repository's, given as a file URL) building the dashboard for production; prints
 * every chunk's code and the modules in it, as JSON.
 */
const viteBuild = (vite: string): string => `import { build } from ${JSON.stringify(vite)};

// As \`vite build\` in a shell: jest sets NODE_ENV to test, which would keep development code.
process.env.NODE_ENV = 'production';
const out = await build({
  root: 'dashboard',
  configFile: false,
  logLevel: 'silent',
  cacheDir: '.vite-cache',
  build: { write: false },
});
const chunks = (Array.isArray(out) ? out : [out])
  .flatMap((o) => o.output)
  .filter((o) => o.type === 'chunk')
  .map((o) => ({ fileName: o.fileName, code: o.code, modules: Object.keys(o.modules) }));
console.log(JSON.stringify(chunks));
`;

/**
 * The installed `lifecycle-broadcast/nats`, in either module system: a subject that round-trips,
 * and, given a nats-server binary as its argument, a live broadcast over NATS with the root's
 * runner, the nats entry's transport and its backend side, on a server it starts and stops.
 */
const natsConsumer = (system: 'esm' | 'cjs'): string => {
  const load =
    system === 'esm'
      ? `import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { connect } from '@nats-io/transport-node';
import * as lb from '${PACKAGE}';
import { backendKeyOfSubject, backendSubject, natsTransport, serveNatsBackend } from '${PACKAGE}/nats';
const resolved = import.meta.resolve('${PACKAGE}/nats');`
      : `'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const { connect } = require('@nats-io/transport-node');
const lb = require('${PACKAGE}');
const { backendKeyOfSubject, backendSubject, natsTransport, serveNatsBackend } = require('${PACKAGE}/nats');
const resolved = require.resolve('${PACKAGE}/nats');`;
  return `${load}
const key = lb.backendKey(lb.explicitInstance('ci runner.1'), 'zccache', '1.11.20');
const subject = backendSubject(key);
const back = backendKeyOfSubject(subject);
const freePort = () => new Promise((resolve) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});
const broadcast = async (binary) => {
  const port = await freePort();
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve) => { let log = ''; child.stderr.on('data', (d) => { log += d; if (log.includes('Server is ready')) resolve(); }); });
  const connection = await connect({ servers: '127.0.0.1:' + port });
  const backend = serveNatsBackend({ connection, key, handle: () => lb.ackOutcome });
  await connection.flush();
  const transport = natsTransport({ connection });
  const start = lb.register(lb.createRegistry(lb.broadcastPolicy(5000)), lb.liveBackend(key)).state;
  const live = await lb.runBroadcast(start, lb.releaseHandlesOperation('/var/cache'), transport);
  await transport.close();
  await backend.stop();
  await connection.close();
  child.kill();
  return live.result._tag;
};
(process.argv[2] ? broadcast(process.argv[2]) : Promise.resolve(null)).then((status) => {
  console.log(JSON.stringify({ resolved, subject, back: back._tag === 'Right' && back.right.instance.name, status }));
});
`;
};

const tsconfig = (compilerOptions: Readonly<Record<string, unknown>>, files: ReadonlyArray<string>): string =>
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'es2022',
        strict: true,
        noEmit: true,
        // Declarations of dependencies are theirs to check; the package's own are exercised by
        // the files below, whose @ts-expect-error lines fail if its types degrade to \`any\`.
        skipLibCheck: true,
        types: ['node'],
        ...compilerOptions,
      },
      files,
    },
    null,
    2,
  )}\n`;

/** The throwaway project, once installed. */
export interface ConsumerProject {
  /** Its folder (under the system's temporary folder). */
  readonly dir: string;
  /** What `npm pack` made. */
  readonly packed: Packed;
  /** The entry points it was given files for. */
  readonly entryPoints: ReadonlyArray<string>;
  /** The files holding the documentation's examples, relative to `dir`, with the source each came from. */
  readonly examples: ReadonlyArray<{ readonly file: string; readonly source: string }>;
  /** Delete it. */
  readonly remove: () => void;
}

/**
 * Pack the built package (`npm test` builds it first), install the tarball in a new temporary
 * folder with the dependencies its documentation uses, and write the consumer files.
 */
export const createConsumerProject = (): ConsumerProject => {
  const m = manifest();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${PACKAGE}-consumer-`)));
  try {
    const packedJson = runOk('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT).stdout;
    const packed = (JSON.parse(packedJson) as ReadonlyArray<Packed>)[0];
    if (packed === undefined) {
      throw new Error(`npm pack described no tarball: ${packedJson}`);
    }
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('package.json', `${JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }, null, 2)}\n`);
    // The optional peers and the types the documentation's examples use, as a user of them would have.
    const extras = [
      '@types/node',
      'fast-check',
      'redux',
      '@reduxjs/toolkit',
      '@nats-io/transport-node',
      '@nats-io/jetstream',
      '@opentelemetry/api',
    ].map((n) => `${n}@${installedVersion(n)}`);
    runOk(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, packed.filename), ...extras],
      dir,
    );

    const points = entryPoints(m);
    const arbitraries = points.includes(`${PACKAGE}/arbitraries`);
    write('scenario.cjs', SCENARIO);
    write('esm.mjs', ESM_CONSUMER);
    write('cjs.cjs', CJS_CONSUMER);
    write('file.mjs', fileConsumer('esm'));
    write('file.cjs', fileConsumer('cjs'));
    write('typed.mts', TYPED_CONSUMER);
    write('dashboard/dashboard.ts', DASHBOARD);
    write('dashboard/index.html', DASHBOARD_PAGE);
    write(
      'vite-build.mjs',
      viteBuild(pathToFileURL(path.join(ROOT, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href),
    );
    write('typed.cts', TYPED_CONSUMER);
    if (points.includes(`${PACKAGE}/node`)) {
      write('node.mjs', nodeConsumer('esm'));
      write('node.cjs', nodeConsumer('cjs'));
    }
    if (points.includes(`${PACKAGE}/nats`)) {
      write('nats.mjs', natsConsumer('esm'));
      write('nats.cjs', natsConsumer('cjs'));
    }
    if (arbitraries) {
      write('arbitraries.mjs', arbitrariesConsumer('esm'));
      write('arbitraries.cjs', arbitrariesConsumer('cjs'));
      write('no-fast-check.mjs', withoutFastCheckConsumer('esm'));
      write('no-fast-check.cjs', withoutFastCheckConsumer('cjs'));
      write('typed-arbitraries.mts', TYPED_ARBITRARIES_CONSUMER);
    }
    const apiExamples = documentedSources().flatMap((source) =>
      examplesIn(source).map((body, i) => {
        const relative = path.relative(ROOT, source);
        const file = `examples/${relative.replace(/[\\/.]/g, '_')}-${String(i + 1)}.mts`;
        write(file, `// @example ${String(i + 1)} of ${relative}\n${body}\n\nexport {};\n`);
        return { file, source: relative };
      }),
    );
    // Every program of the documentation, as the ES module a user would save it as.
    const programs = documentationPages()
      .flatMap(codeBlocksIn)
      .filter((block) => block._tag === 'Program')
      .map((block) => {
        const file = `examples/${blockName(block)}.mts`;
        write(file, `${block.body}\nexport {};\n`);
        return { file, source: block.page };
      });
    const examples = [...apiExamples, ...programs];
    // node16 resolution: the exports map decides, and .mts files read the ES module declarations
    // while .cts files read the CommonJS ones. One program for all, to parse the libraries once.
    write(
      'tsconfig.json',
      tsconfig({ module: 'node16', moduleResolution: 'node16' }, [
        'typed.mts',
        'typed.cts',
        ...(arbitraries ? ['typed-arbitraries.mts'] : []),
        ...examples.map((e) => e.file),
      ]),
    );
    return {
      dir,
      packed,
      entryPoints: points,
      examples,
      remove: () => {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
};

/** The repository's TypeScript compiler, run on the project, listing every file it read and why. */
export const typeCheck = (project: ConsumerProject): Run =>
  run(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--explainFiles', '--pretty', 'false'],
    project.dir,
  );

/**
 * `--explainFiles` output as a map from each file (absolute) to the lines saying why it was
 * read; compiler errors are lines of their own that this leaves out.
 */
export const explainedFiles = (output: string, dir: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const files = new Map<string, string[]>();
  let reasons: string[] | null = null;
  for (const line of output.split('\n')) {
    if (line === '' || /\(\d+,\d+\): error TS\d+/.test(line) || /^error TS\d+/.test(line)) {
      reasons = null;
    } else if (!line.startsWith(' ')) {
      reasons = [];
      files.set(path.resolve(dir, line), reasons);
    } else if (reasons !== null) {
      reasons.push(line.trim());
    }
  }
  return files;
};

/** The compiler's error lines in `output`. */
export const compilerErrors = (output: string): ReadonlyArray<string> =>
  output.split('\n').filter((line) => /error TS\d+/.test(line));

/** Every declaration file under `dir`. */
const declarationsUnder = (dir: string): ReadonlyArray<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? declarationsUnder(file) : /\.d\.m?ts$/.test(entry.name) ? [file] : [];
  });

/** The module specifiers of a declaration file: imports, re-exports and `import("...")` types. */
const specifiersOf = (file: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

/**
 * Each import of the package's installed declarations that TypeScript (node16 resolution) does
 * not resolve to a file of the project, as `file: specifier`. A `.d.mts` file is read as an ES
 * module and a `.d.ts` file as CommonJS, as the compiler reads them. Node's built-in modules are
 * ambient declarations of @types/node, not files, and are left out.
 */
export const unresolvedDeclarationImports = (project: ConsumerProject): ReadonlyArray<string> => {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
  };
  const types = path.join(project.dir, 'node_modules', PACKAGE, 'dist');
  return declarationsUnder(types).flatMap((file) => {
    const mode = file.endsWith('.d.mts') ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS;
    return specifiersOf(file)
      .filter((specifier) => !specifier.startsWith('node:'))
      .filter((specifier) => {
        const resolved = ts.resolveModuleName(specifier, file, options, ts.sys, undefined, undefined, mode)
          .resolvedModule?.resolvedFileName;
        return resolved === undefined || !isInside(project.dir, resolved);
      })
      .map((specifier) => `${path.relative(types, file)}: ${specifier}`);
  });
};
