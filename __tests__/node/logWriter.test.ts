import { Writable } from 'node:stream';

import * as fc from 'fast-check';

import type { LogRecord } from '../../src';
import {
  LogRecord as LogEntryCodec,
  broadcastPolicy,
  createRegistry,
  encodeRecordLine,
  encodeHeaderLine,
  logHeader,
  readLog,
  replay,
  replayLog,
  snapshot,
} from '../../src';
import { actionsArb, recordEntries } from '../support/logArbitraries';
import { collect, collector, readableOf } from '../support/streams';
import { createLogWriter, writeLog } from '../../src/node';
import { summarised } from '../../src/log/LogRecord';

const POLICY = broadcastPolicy(300);

const encoded = (entries: ReadonlyArray<LogRecord>): ReadonlyArray<unknown> =>
  entries.map((e) => LogEntryCodec.encode(e));

const readBack = async (text: string): Promise<ReadonlyArray<LogRecord>> =>
  (await collect(readLog(readableOf(text)))).flatMap((l) => (l._tag === 'RecordLine' ? [l.record] : []));

describe('encodeHeaderLine', () => {
  it('should write the header as one line of JSON', () => {
    expect(encodeHeaderLine(logHeader(POLICY))).toBe(
      '{"format":"lifecycle-broadcast-log","version":3,"policy":{"ackTimeoutMs":300}}',
    );
  });
});

describe('encodeRecordLine', () => {
  it('should never put a line end inside a line', () => {
    fc.assert(
      fc.property(actionsArb, (actions) =>
        recordEntries(createRegistry(), actions).every((e) => !/[\r\n]/.test(encodeRecordLine(e))),
      ),
    );
  });
});

describe('writeLog', () => {
  it('should be read back losslessly: same entries (a whole result as its summary), same registry', async () => {
    await fc.assert(
      fc.asyncProperty(actionsArb, async (actions) => {
        const entries = recordEntries(createRegistry(POLICY), actions);
        const sink = collector();
        await writeLog(sink, logHeader(POLICY), entries);
        const text = sink.text();
        expect(encoded(await readBack(text))).toEqual(encoded(entries.map(summarised)));
        const r = await replayLog(readableOf(text), { verify: true });
        expect(snapshot(r.state)).toEqual(snapshot(replay(createRegistry(POLICY), actions).state));
        expect(r.divergences).toBe(0);
        expect(r.checked).toBe(actions.filter((a) => a._tag === 'Broadcast' || a._tag === 'BroadcastTo').length);
      }),
      { numRuns: 40 },
    );
  });

  it('should start with the header line and end every line with a newline', async () => {
    const sink = collector();
    await writeLog(sink, logHeader(POLICY), []);
    expect(sink.text()).toBe(`${encodeHeaderLine(logHeader(POLICY))}\n`);
  });

  it('should consume a lazy sequence only as fast as a slow stream drains', async () => {
    let produced = 0;
    function* many(): Generator<LogRecord> {
      for (let i = 0; i < 20_000; i++) {
        produced += 1;
        yield { _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'IdleTimeout' } };
      }
    }
    let maxBuffered = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(_chunk: Buffer, _encoding, callback) {
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        setImmediate(callback);
      },
    });
    const done = writeLog(sink, logHeader(), many());
    await new Promise((resolve) => setImmediate(resolve));
    // After one turn of the event loop, only a few pieces have been made, not the whole log.
    expect(produced).toBeLessThan(20_000);
    await done;
    expect(produced).toBe(20_000);
    // Never more than about two 64 KiB pieces waiting in the stream.
    expect(maxBuffered).toBeLessThan(3 * 65_536);
  });

  it('should reject when the stream fails', async () => {
    const sink = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    await expect(writeLog(sink, logHeader(), [])).rejects.toThrow('disk full');
  });
});

describe('createLogWriter', () => {
  it('should write the header, then each entry as it comes', async () => {
    const entries = recordEntries(createRegistry(POLICY), fc.sample(actionsArb, { numRuns: 1, seed: 3 })[0] ?? []);
    const sink = collector();
    const log = createLogWriter(sink, logHeader(POLICY));
    for (const e of entries) {
      await log.write(e);
    }
    await log.end();
    expect(sink.text()).toBe(
      [encodeHeaderLine(logHeader(POLICY)), ...entries.map(summarised).map(encodeRecordLine)]
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(sink.writableFinished).toBe(true);
  });

  it('should wait for the stream to drain when it is full', async () => {
    const sink = collector({ highWaterMark: 64, delayMs: 1 });
    const log = createLogWriter(sink, logHeader());
    const entry: LogRecord = { _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Maintenance' } };
    for (let i = 0; i < 20; i++) {
      await log.write(entry);
      // Each write waited until the stream was below its high-water mark again.
      expect(sink.writableNeedDrain).toBe(false);
    }
    await log.end();
    expect(sink.text().split('\n')).toHaveLength(22);
  });

  it('should leave the stream open when told not to end it', async () => {
    const sink = collector();
    const log = createLogWriter(sink, logHeader(), { end: false });
    await log.end();
    expect(sink.writableEnded).toBe(false);
  });

  it('should reject a write once the stream has failed', async () => {
    const sink = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        callback(new Error('broken pipe'));
      },
    });
    const log = createLogWriter(sink, logHeader());
    await new Promise((resolve) => setImmediate(resolve));
    await expect(
      log.write({ _tag: 'Broadcast', operation: { _tag: 'Quiesce', reason: 'Maintenance' } }),
    ).rejects.toThrow('broken pipe');
  });
});
