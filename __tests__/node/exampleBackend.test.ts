/**
 * examples/backend.mjs, the minimal backend docs/live.md shows, run as a real process and driven
 * by the socket transport: it answers what the protocol says, on a Unix socket and on TCP.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import {
  ack,
  backend,
  backendKey,
  broadcastPolicy,
  createRegistry,
  quiesceOperation,
  register,
  releaseHandlesOperation,
  runBroadcast,
  sharedInstance,
} from '../../src';
import { socketTransport } from '../../src/node';
import type { SocketAddress } from '../../src/node';
import { EXAMPLE_BACKEND, ROOT, afterThisTest, cleanUp, startExampleBackend, tempDir } from './backends';

jest.setTimeout(60_000);
afterEach(cleanUp);

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const registry = register(createRegistry(broadcastPolicy(5000)), backend(zccache, true, ack)).state;

/** Send raw lines to `address` and collect what comes back until the backend closes or `count` lines came. */
const exchange = (
  address: SocketAddress,
  lines: string,
  count: number,
): Promise<{ readonly replies: ReadonlyArray<string>; readonly closed: boolean }> =>
  new Promise((resolve, reject) => {
    const socket = 'path' in address ? net.connect(address.path) : net.connect(address.port, address.host);
    let text = '';
    const done = (closed: boolean): void => {
      socket.destroy();
      resolve({ replies: text.split('\n').filter((l) => l !== ''), closed });
    };
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.split('\n').length > count) {
        done(false);
      }
    });
    socket.on('end', () => {
      done(true);
    });
    socket.write(lines);
  });

describe.each([
  ['a Unix domain socket', (dir: string) => ['--socket', path.join(dir, 'zccache.sock')]],
  ['TCP', () => ['--port', '0']],
])('examples/backend.mjs on %s', (_, args) => {
  it('should acknowledge release-handles and quiesce broadcasts on one connection', async () => {
    const example = await startExampleBackend(args(tempDir()));
    const transport = socketTransport({ addressOf: () => example.addressOf('example') });
    afterThisTest(() => transport.close());

    const released = await runBroadcast(registry, releaseHandlesOperation('/var/cache/zccache'), transport);
    const quiesced = await runBroadcast(registry, quiesceOperation('BrokerShutdown'), transport);

    expect(released.result._tag).toBe('AllAcked');
    expect(quiesced.result._tag).toBe('AllAcked');
    expect(quiesced.diagnostics).toEqual([]);
  });

  it('should answer an operation it does not know with UnsupportedOperation, and close a connection that sends no id', async () => {
    const example = await startExampleBackend(args(tempDir()));

    const unknown = await exchange(example.addressOf('example'), '{"id":3,"operation":{"_tag":"Reboot"}}\n', 1);
    const noId = await exchange(example.addressOf('example'), 'hello\n', 1);

    expect(unknown.replies.map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 3, outcome: { _tag: 'Failure', reason: 'UnsupportedOperation' } },
    ]);
    expect(noId).toEqual({ replies: [], closed: true });
  });
});

describe('docs/live.md', () => {
  it('should show examples/backend.mjs exactly', () => {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'live.md'), 'utf8');
    const marker = '<!-- example: examples/backend.mjs -->';
    const block = /```js\n([\s\S]*?)```/.exec(page.slice(page.indexOf(marker)))?.[1];
    expect(page).toContain(marker);
    expect(block).toBe(fs.readFileSync(EXAMPLE_BACKEND, 'utf8'));
  });
});
