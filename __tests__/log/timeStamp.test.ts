/**
 * Wall-clock times in logs (format version 2): what the writers stamp, the reader accepts; what
 * version 1 never had, the reader refuses; version 1 logs still read.
 */
import * as path from 'node:path';

import { configureStore } from '@reduxjs/toolkit';

import type { LogLine } from '../../src';
import {
  arraySink,
  backendKey,
  broadcastAction,
  createRecorderMiddleware,
  lifecycleBroadcastSlice,
  liveBackend,
  logRecord,
  logHeader,
  quiesceOperation,
  readClock,
  readLog,
  recordTime,
  registerAction,
  replayLog,
  sharedInstance,
  streamSink,
} from '../../src';
import { timeStamper } from '../../src/log/timeStamp';
import { createLogWriter, fileSource, writeLog } from '../../src/node';
import { collect, collector, readableOf } from '../support/streams';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const register = registerAction(liveBackend(zccache));
const quiesce = broadcastAction(quiesceOperation('Maintenance'));

/** A clock that gives 1000, 1001, 1002, ... */
const ticking = (): (() => number) => {
  let now = 1000;
  return () => now++;
};

const problems = (lines: ReadonlyArray<LogLine>): ReadonlyArray<string> =>
  lines.flatMap((l) => (l._tag === 'InvalidLine' ? [`line ${String(l.line)}: ${l.problems.join('; ')}`] : []));

describe('writeLog with a clock', () => {
  it('should declare the clock and stamp every record, and its reader should read them back', async () => {
    const sink = collector();
    await writeLog(sink, logHeader(), [register, quiesce], { clock: ticking() });
    const text = sink.text();
    expect(text.split('\n')[0]).toBe(
      '{"format":"lifecycle-broadcast-log","version":3,"policy":{"ackTimeoutMs":5000},"clock":"epochMillis"}',
    );
    const lines = await collect(readLog(readableOf(text)));
    expect(problems(lines)).toEqual([]);
    expect(lines.flatMap((l) => (l._tag === 'RecordLine' ? [recordTime(l.record)] : []))).toEqual([1000, 1001]);
  });

  it('should keep a time a record already carries', async () => {
    const sink = collector();
    const w = createLogWriter(sink, logHeader(), { clock: ticking() });
    await w.write(logRecord(quiesce, undefined, 42));
    await w.write(quiesce);
    await w.end();
    expect(sink.text()).toContain('"time":42}');
    expect(sink.text()).toContain('"time":1000}');
  });

  it('should refuse a clock that does not give integer milliseconds', () => {
    expect(() => readClock(() => 1.5)).toThrow(
      'the clock must give integer milliseconds since the Unix epoch (such as Date.now()), got 1.5',
    );
    expect(() => readClock(() => -1)).toThrow(/got -1$/);
  });

  it('should refuse a record with a time under a header without a clock', () => {
    expect(() => timeStamper('writeLog', logHeader(), undefined).record(logRecord(quiesce, undefined, 5))).toThrow(
      /carries a time \(5\) but the log's header declares no clock/,
    );
  });
});

describe('readLog and times', () => {
  const v1 = '{"format":"lifecycle-broadcast-log","version":1,"policy":{"ackTimeoutMs":5000}}';
  const v2 = '{"format":"lifecycle-broadcast-log","version":2,"policy":{"ackTimeoutMs":5000}}';
  const timed = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Maintenance"},"time":7}';

  it('should refuse a time in a version 1 log', async () => {
    expect(problems(await collect(readLog(readableOf(`${v1}\n${timed}\n`))))).toEqual([
      'line 2: time: unexpected field in format version 1 (times came with version 2), got 7',
    ]);
  });

  it('should refuse a time in a log whose header declares no clock', async () => {
    expect(problems(await collect(readLog(readableOf(`${v2}\n${timed}\n`))))).toEqual([
      'line 2: time: the header declares no clock, so records carry no time, got 7',
    ]);
  });

  it('should refuse a clock in a version 1 header', async () => {
    const lines = await collect(readLog(readableOf(`${v1.replace('}}', '},"clock":"epochMillis"}')}\n`)));
    expect(problems(lines)).toEqual([
      'line 1: clock: unexpected field in format version 1 (times came with version 2), got "epochMillis"',
    ]);
  });

  it('should replay a committed version 1 log, upcast as version 2 records without times', async () => {
    const r = await replayLog(fileSource(path.join(__dirname, '..', 'fixtures', 'good.ndjson')), { verify: true });
    expect(r.header).toEqual({ _tag: 'Some', value: expect.objectContaining({ version: 1 }) as unknown });
    expect(r.divergences).toBe(0);
    expect(r.checked).toBeGreaterThan(0);
  });
});

describe('createRecorderMiddleware with a clock', () => {
  const slice = lifecycleBroadcastSlice;
  const { backendRegistered, operationBroadcast } = slice.actions;

  it('should give every record the time of its dispatch', () => {
    const sink = arraySink();
    const store = configureStore({
      reducer: { [slice.reducerPath]: slice.reducer },
      middleware: (m) => m().concat(createRecorderMiddleware({ slice, sink, clock: ticking() })),
    });
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    expect(sink.records.map((r) => r.time)).toEqual([1000, 1001]);
  });

  it('should write a header declaring the clock to a stream, and a log its reader accepts', async () => {
    const out = collector();
    const store = configureStore({
      reducer: { [slice.reducerPath]: slice.reducer },
      middleware: (m) => m().concat(createRecorderMiddleware({ slice, sink: streamSink(out), clock: ticking() })),
    });
    store.dispatch(backendRegistered(liveBackend(zccache)));
    store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
    out.end();
    const r = await replayLog(readableOf(out.text()), { verify: true });
    expect(r.invalidLines).toBe(0);
    expect(r.checked).toBe(1);
    expect(out.text().split('\n')[0]).toContain('"clock":"epochMillis"');
  });
});
