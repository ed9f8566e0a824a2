/**
 * Every promise of a log writer settles: misuse and failing streams reject with a clear error
 * instead of leaving the caller waiting forever while the process exits 0 and the record is lost.
 */
import * as fs from 'node:fs';
import { PassThrough, Writable } from 'node:stream';

import type { LogRecord } from '../../src';
import { logHeader } from '../../src';
import { createLogWriter } from '../../src/node';
import { collector } from '../support/streams';

const RECORD: LogRecord = { _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Maintenance' } };

/**
 * The outcome of `p`, or `'pending'` if it has not settled within `ms`: each promise here settles
 * at once or never, and the bound only turns a hang into a failure that says so.
 */
const outcome = (p: Promise<unknown>, ms = 10_000): Promise<string> =>
  Promise.race([
    p.then(
      () => 'resolved',
      (e: unknown) => `rejected: ${e instanceof Error ? e.message : String(e)}`,
    ),
    new Promise<string>((resolve) =>
      setTimeout(() => {
        resolve('pending');
      }, ms).unref(),
    ),
  ]);

describe('createLogWriter', () => {
  it('should reject a write after end, writing nothing', async () => {
    const sink = collector();
    const log = createLogWriter(sink, logHeader());
    await log.end();
    const before = sink.text();
    expect(await outcome(log.write(RECORD))).toBe(
      'rejected: createLogWriter: write after end(): the log is finished, nothing more can be added',
    );
    expect(sink.text()).toBe(before);
  });

  it('should reject a second end', async () => {
    const log = createLogWriter(collector(), logHeader());
    await log.end();
    expect(await outcome(log.end())).toBe('rejected: createLogWriter: end() was called already: the log is finished');
  });

  it('should reject a write once the stream was destroyed', async () => {
    const sink = new PassThrough().resume();
    const log = createLogWriter(sink, logHeader());
    await log.write(RECORD);
    sink.destroy();
    expect(await outcome(log.write(RECORD))).toBe(
      'rejected: createLogWriter: the stream was destroyed, so the log cannot be written to any more',
    );
    expect(await outcome(log.end())).toMatch(/^rejected: createLogWriter: the stream was destroyed/);
  });

  it('should reject a write waiting for room when the stream is destroyed meanwhile', async () => {
    // A stream that never takes its first chunk: the second write waits for a drain that never comes.
    const sink = new Writable({ highWaterMark: 8, write: () => undefined });
    const log = createLogWriter(sink, logHeader());
    const waiting = log.write(RECORD);
    // The write is waiting for room already: destroy the stream on the next turn of the loop.
    setImmediate(() => sink.destroy());
    expect(await outcome(waiting)).toMatch(/^rejected: /);
  });

  it("should reject with the stream's error once it failed, also from end", async () => {
    const sink = new Writable({
      write: (_chunk: Buffer, _encoding, callback) => {
        callback(new Error('disk full'));
      },
    });
    const log = createLogWriter(sink, logHeader());
    expect(await outcome(log.write(RECORD))).toBe('rejected: disk full');
    expect(await outcome(log.end())).toBe('rejected: disk full');
  });

  it('should reject end with the error of a full device (/dev/full)', async () => {
    const log = createLogWriter(fs.createWriteStream('/dev/full'), logHeader());
    await expect(log.end()).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('should reject a write to a stream someone else ended', async () => {
    const sink = collector();
    const log = createLogWriter(sink, logHeader());
    sink.end();
    expect(await outcome(log.write(RECORD))).toBe(
      'rejected: createLogWriter: the stream was ended by someone else, so the log cannot be written to any more',
    );
  });
});
