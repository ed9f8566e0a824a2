/**
 * `streamSink` on a stream that fails: the host process and the store keep working, the failure
 * is reported once, and nothing more is written after it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';

import { configureStore } from '@reduxjs/toolkit';

import type { LifecycleBroadcastState } from '../../src';
import {
  backendKey,
  backendRegistered,
  operationBroadcast,
  createRecorderMiddleware,
  lifecycleBroadcastReducer,
  lifecycleBroadcastSlice,
  liveBackend,
  quiesceOperation,
  sharedInstance,
  streamSink,
} from '../../src';

const storeWith = (sink: ReturnType<typeof streamSink>) =>
  configureStore({
    reducer: { lifecycleBroadcast: lifecycleBroadcastReducer },
    middleware: (getDefault) =>
      getDefault().concat(
        createRecorderMiddleware({
          slice: lifecycleBroadcastSlice,
          sink,
          selectState: (root: { readonly lifecycleBroadcast: LifecycleBroadcastState }) => root.lifecycleBroadcast,
        }),
      ),
  });

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');

/** A promise and the function that resolves it, for a test to wait for a callback. */
const settled = (): { readonly promise: Promise<void>; readonly resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('streamSink', () => {
  it('should report a full disk (/dev/full) to onError, keep it in sink.error, and not crash', async () => {
    const errors: unknown[] = [];
    const { promise: failed, resolve: fail } = settled();
    const sink = streamSink(fs.createWriteStream('/dev/full'), {
      onError: (e) => {
        errors.push(e);
        fail();
      },
    });
    const store = storeWith(sink);
    store.dispatch(backendRegistered(liveBackend(zccache)));
    await failed;
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENOSPC' });
    expect(sink.error).toBe(errors[0]);
    // The store goes on working.
    expect(store.getState().lifecycleBroadcast.latestResult?._tag).toBe('AllAcked');
  });

  it('should report the failure with one line on console.error when no onError is given', async () => {
    const { promise: reported, resolve: said } = settled();
    const report = jest.spyOn(console, 'error').mockImplementation(said);
    try {
      const sink = streamSink(fs.createWriteStream('/dev/full'));
      storeWith(sink);
      await reported;
      expect(report.mock.calls).toEqual([
        ['streamSink: recording stopped: the stream failed: no space left on device (ENOSPC)'],
      ]);
    } finally {
      report.mockRestore();
    }
  });

  it('should write nothing more after the first failure', async () => {
    let writes = 0;
    let fail = false;
    const stream = new Writable({
      write: (_chunk: Buffer, _encoding, callback) => {
        writes += 1;
        callback(fail ? new Error('socket closed') : null);
      },
    });
    const errors: unknown[] = [];
    const { promise: failed, resolve: failedNow } = settled();
    const sink = streamSink(stream, {
      onError: (e) => {
        errors.push(e);
        failedNow();
      },
    });
    const store = storeWith(sink);
    fail = true;
    store.dispatch(backendRegistered(liveBackend(zccache)));
    await failed;
    const after = writes;
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    store.dispatch(operationBroadcast(quiesceOperation('IdleTimeout')));
    // A write the sink made would reach the stream at once (it is neither corked nor waiting).
    await new Promise(setImmediate);
    expect(writes).toBe(after);
    expect(errors.map((e) => (e as Error).message)).toEqual(['socket closed']);
  });

  it('should catch a write that throws or rejects, as a writer of a web stream may', async () => {
    const thrown: unknown[] = [];
    const threw = settled();
    storeWith(
      streamSink(
        {
          write: () => {
            throw new Error('closed');
          },
        },
        {
          onError: (e) => {
            thrown.push(e);
            threw.resolve();
          },
        },
      ),
    );
    const rejected: unknown[] = [];
    const rejecting = settled();
    storeWith(
      streamSink(
        { write: () => Promise.reject(new Error('aborted')) },
        {
          onError: (e) => {
            rejected.push(e);
            rejecting.resolve();
          },
        },
      ),
    );
    await Promise.all([threw.promise, rejecting.promise]);
    expect(thrown.map((e) => (e as Error).message)).toEqual(['closed']);
    expect(rejected.map((e) => (e as Error).message)).toEqual(['aborted']);
  });

  it('should keep the host process alive in a real process writing to /dev/full', () => {
    // The built package (`npm test` builds it before running the suite).
    const built = path.join(__dirname, '..', '..', 'dist', 'index.js');
    const program = `
      const L = require(${JSON.stringify(built)});
      const { configureStore } = require('@reduxjs/toolkit');
      const stream = require('node:fs').createWriteStream('/dev/full');
      const sink = L.streamSink(stream);
      const store = configureStore({
        reducer: { lifecycleBroadcast: L.lifecycleBroadcastReducer },
        middleware: (d) => d().concat(L.createRecorderMiddleware({ slice: L.lifecycleBroadcastSlice, sink })),
      });
      store.dispatch(L.operationBroadcast(L.quiesceOperation('Maintenance')));
      // The stream closes after its error: had the sink not taken the error, Node would have
      // ended the process with it before this.
      stream.on('close', () => setImmediate(() => process.stdout.write('alive ' + String(sink.error && sink.error.code))));
    `;
    const r = spawnSync(process.execPath, ['-e', program], {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('alive ENOSPC');
  });
});
