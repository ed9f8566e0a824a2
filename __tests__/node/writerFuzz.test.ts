/**
 * The writers never write what the reader rejects. Fed anything (valid headers and records, and
 * the same with one part replaced by what plain JavaScript may pass), each call either throws at
 * the call (a `TypeError` or `RangeError`: a write's promise rejects) or writes lines that the
 * reader accepts, every one of them. No other exception, ever.
 */
import * as fc from 'fast-check';

import type { LogHeader, LogLine, LogRecord } from '../../src';
import { readLog } from '../../src';
import {
  broadcastOperationArbitrary,
  broadcastResultArbitrary,
  logHeaderArbitrary,
  registryActionArbitrary,
} from '../../src/arbitraries';
import { createLogWriter, writeLog } from '../../src/node';
import { maybeHostile } from '../support/hostile';
import { collect, collector } from '../support/streams';

const recordArbitrary: fc.Arbitrary<LogRecord> = fc.oneof(
  { weight: 4, arbitrary: registryActionArbitrary({ names: 'any' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(broadcastOperationArbitrary({ names: 'any' }), broadcastResultArbitrary({ maxLength: 8, names: 'any' }))
      .map(([operation, result]): LogRecord => ({ _tag: 'Broadcast', operation, result })),
  },
);

const headerArb = maybeHostile(logHeaderArbitrary()) as fc.Arbitrary<LogHeader>;
const recordsArb = fc.array(maybeHostile(recordArbitrary), { maxLength: 12 }) as fc.Arbitrary<LogRecord[]>;

/** A refusal at the call: the library's one-line TypeError or RangeError, naming the function. */
const expectRefusal = (error: unknown, fn: string): void => {
  expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
  expect((error as Error).message).toMatch(new RegExp(`^${fn}[:]`));
  expect((error as Error).message).not.toContain('\n');
};

/** What the reader made of `text`: every line must be the header or a record. */
const linesOf = async (text: string): Promise<ReadonlyArray<LogLine>> => {
  const lines = await collect(readLog([text]));
  expect(lines.filter((l) => l._tag !== 'HeaderLine' && l._tag !== 'RecordLine')).toEqual([]);
  return lines;
};

describe('createLogWriter fuzzed', () => {
  it('should throw at the call or write what the reader accepts', async () => {
    const seen = { refusedHeaders: 0, refusedRecords: 0, written: 0 };
    await fc.assert(
      fc.asyncProperty(headerArb, recordsArb, async (header, records) => {
        const sink = collector();
        let log: ReturnType<typeof createLogWriter>;
        try {
          log = createLogWriter(sink, header);
        } catch (error: unknown) {
          expectRefusal(error, 'createLogWriter');
          expect(sink.text()).toBe('');
          seen.refusedHeaders += 1;
          return;
        }
        let accepted = 0;
        for (const record of records) {
          try {
            await log.write(record);
            accepted += 1;
          } catch (error: unknown) {
            expectRefusal(error, 'createLogWriter: write');
            seen.refusedRecords += 1;
          }
        }
        await log.end();
        const lines = await linesOf(sink.text());
        expect(lines.filter((l) => l._tag === 'RecordLine')).toHaveLength(accepted);
        seen.written += accepted;
      }),
      { numRuns: 300 },
    );
    expect(seen.refusedHeaders).toBeGreaterThan(10);
    expect(seen.refusedRecords).toBeGreaterThan(50);
    expect(seen.written).toBeGreaterThan(200);
  });
});

describe('writeLog fuzzed', () => {
  it('should reject at the first value it refuses, having written only lines the reader accepts', async () => {
    const seen = { refused: 0, complete: 0 };
    await fc.assert(
      fc.asyncProperty(headerArb, recordsArb, async (header, records) => {
        const sink = collector();
        try {
          await writeLog(sink, header, records);
          seen.complete += 1;
          const lines = await linesOf(sink.text());
          expect(lines.filter((l) => l._tag === 'RecordLine')).toHaveLength(records.length);
        } catch (error: unknown) {
          expectRefusal(error, 'writeLog');
          seen.refused += 1;
          if (sink.text() !== '') {
            await linesOf(sink.text());
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.complete).toBeGreaterThan(20);
  });
});

describe('the writers and the header version', () => {
  it('should refuse a BroadcastTo record in a version 1 log, which its reader would refuse', async () => {
    const header: LogHeader = { format: 'lifecycle-broadcast-log', version: 1, policy: { ackTimeoutMs: 100 } };
    const record: LogRecord = { _tag: 'BroadcastTo', operation: { _tag: 'Quiesce', reason: 'Maintenance' }, keys: [] };
    const sink = collector();
    const log = createLogWriter(sink, header);
    await expect(log.write(record)).rejects.toThrow(
      new TypeError(
        'createLogWriter: write: record._tag: "BroadcastTo" lines need log format version 2, and this log is version 1',
      ),
    );
    await log.end();
    await linesOf(sink.text());
    await expect(writeLog(collector(), header, [record])).rejects.toThrow(/^writeLog: records\[0\]: record\._tag: /);
  });
});
