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

describe('streamSink', () => {
  it('should report a full disk (/dev/full) to onError, keep it in sink.error, and not crash', async () => {
    const errors: unknown[] = [];
    const sink = streamSink(fs.createWriteStream('/dev/full'), { onError: (e) => errors.push(e) });
    const store = storeWith(sink);
    store.dispatch(backendRegistered(liveBackend(zccache)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENOSPC' });
    expect(sink.error).toBe(errors[0]);
    // The store goes on working.
    expect(store.getState().lifecycleBroadcast.latestResult?._tag).toBe('AllAcked');
  });

  it('should report the failure with one line on console.error when no onError is given', async () => {
    const report = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const sink = streamSink(fs.createWriteStream('/dev/full'));
      storeWith(sink);
      await new Promise((resolve) => setTimeout(resolve, 100));
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
    const sink = streamSink(stream, { onError: (e) => errors.push(e) });
    const store = storeWith(sink);
    fail = true;
    store.dispatch(backendRegistered(liveBackend(zccache)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = writes;
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    store.dispatch(operationBroadcast(quiesceOperation('IdleTimeout')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes).toBe(after);
    expect(errors.map((e) => (e as Error).message)).toEqual(['socket closed']);
  });

  it('should catch a write that throws or rejects, as a writer of a web stream may', async () => {
    const thrown: unknown[] = [];
    storeWith(
      streamSink(
        {
          write: () => {
            throw new Error('closed');
          },
        },
        { onError: (e) => thrown.push(e) },
      ),
    );
    const rejected: unknown[] = [];
    storeWith(streamSink({ write: () => Promise.reject(new Error('aborted')) }, { onError: (e) => rejected.push(e) }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(thrown.map((e) => (e as Error).message)).toEqual(['closed']);
    expect(rejected.map((e) => (e as Error).message)).toEqual(['aborted']);
  });

  it('should keep the host process alive in a real process writing to /dev/full', () => {
    // The built package (`npm test` builds it before running the suite).
    const built = path.join(__dirname, '..', '..', 'dist', 'index.js');
    const program = `
      const L = require(${JSON.stringify(built)});
      const { configureStore } = require('@reduxjs/toolkit');
      const sink = L.streamSink(require('node:fs').createWriteStream('/dev/full'));
      const store = configureStore({
        reducer: { lifecycleBroadcast: L.lifecycleBroadcastReducer },
        middleware: (d) => d().concat(L.createRecorderMiddleware({ slice: L.lifecycleBroadcastSlice, sink })),
      });
      store.dispatch(L.operationBroadcast(L.quiesceOperation('Maintenance')));
      setTimeout(() => { process.stdout.write('alive ' + String(sink.error && sink.error.code)); }, 200);
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
