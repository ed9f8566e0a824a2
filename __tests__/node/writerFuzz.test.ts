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

/** What `p` rejected with (`'resolved'` if it did not reject). */
const rejectionOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

/** What the reader made of `text`: every line must be the header or a record. */
const linesOf = async (text: string): Promise<ReadonlyArray<LogLine>> => {
  const lines = await collect(readLog([text]));
  expect(lines.filter((l) => l._tag !== 'HeaderLine' && l._tag !== 'RecordLine')).toEqual([]);
  return lines;
};

/** The records the reader read from `text`, which must hold only the header and records. */
const recordsIn = async (text: string): Promise<ReadonlyArray<LogLine>> =>
  (await linesOf(text)).filter((l) => l._tag === 'RecordLine');

/** A record the codec refuses under any header: not an object, or a tag no record has. */
const refusedRecordArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 1, 'yes', [], {}, { _tag: 'toString' }, { _tag: 'constructor' }),
  recordArbitrary.map((record): unknown => ({ ...record, _tag: 'Sleep' })),
);

/** A header the codec refuses: not an object, or a valid one with one part made wrong. */
const refusedHeaderArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 1, 'yes', [], {}),
  logHeaderArbitrary().map((header): unknown => ({ ...header, format: 'yes' })),
  logHeaderArbitrary().map((header): unknown => ({ ...header, version: 'constructor' })),
  logHeaderArbitrary().map((header): unknown => ({ ...header, policy: null })),
);

/** Valid records with one refused record among them, at index `at`. */
const oneRefusedArb = fc
  .tuple(fc.array(recordArbitrary, { maxLength: 6 }), refusedRecordArb, fc.array(recordArbitrary, { maxLength: 5 }))
  .map(([before, refused, after]) => ({ records: [...before, refused, ...after] as LogRecord[], at: before.length }));

const validRecordsArb = fc.array(recordArbitrary, { maxLength: 12 });

describe('createLogWriter fuzzed', () => {
  it('should throw at the call or write what the reader accepts', async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, recordsArb, async (header, records) => {
        const sink = collector();
        let log: ReturnType<typeof createLogWriter>;
        try {
          log = createLogWriter(sink, header);
        } catch (error: unknown) {
          expectRefusal(error, 'createLogWriter');
          expect(sink.text()).toBe('');
          return;
        }
        let accepted = 0;
        for (const record of records) {
          try {
            await log.write(record);
            accepted += 1;
          } catch (error: unknown) {
            expectRefusal(error, 'createLogWriter: write');
          }
        }
        await log.end();
        const lines = await linesOf(sink.text());
        expect(lines.filter((l) => l._tag === 'RecordLine')).toHaveLength(accepted);
      }),
      { numRuns: 300 },
    );
  });

  it('should write every valid record, for the reader to read back', async () => {
    await fc.assert(
      fc.asyncProperty(logHeaderArbitrary(), validRecordsArb, async (header, records) => {
        const sink = collector();
        const log = createLogWriter(sink, header);
        for (const record of records) {
          await log.write(record);
        }
        await log.end();
        expect(await recordsIn(sink.text())).toHaveLength(records.length);
      }),
      { numRuns: 50 },
    );
  });

  it('should refuse a header the codec refuses at the call, writing nothing', () => {
    fc.assert(
      fc.property(refusedHeaderArb, (header) => {
        const sink = collector();
        let error: unknown = 'no error';
        try {
          createLogWriter(sink, header as LogHeader);
        } catch (e: unknown) {
          error = e;
        }
        expectRefusal(error, 'createLogWriter');
        expect(sink.text()).toBe('');
      }),
      { numRuns: 50 },
    );
  });

  it('should reject a record the codec refuses, and write the others', async () => {
    await fc.assert(
      fc.asyncProperty(logHeaderArbitrary(), oneRefusedArb, async (header, { records, at }) => {
        const sink = collector();
        const log = createLogWriter(sink, header);
        for (const [i, record] of records.entries()) {
          if (i === at) {
            expectRefusal(await rejectionOf(log.write(record)), 'createLogWriter: write');
          } else {
            await log.write(record);
          }
        }
        await log.end();
        expect(await recordsIn(sink.text())).toHaveLength(records.length - 1);
      }),
      { numRuns: 50 },
    );
  });
});

describe('writeLog fuzzed', () => {
  it('should reject at the first value it refuses, having written only lines the reader accepts', async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, recordsArb, async (header, records) => {
        const sink = collector();
        try {
          await writeLog(sink, header, records);
          const lines = await linesOf(sink.text());
          expect(lines.filter((l) => l._tag === 'RecordLine')).toHaveLength(records.length);
        } catch (error: unknown) {
          expectRefusal(error, 'writeLog');
          if (sink.text() !== '') {
            await linesOf(sink.text());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('should write a log of valid records whole', async () => {
    await fc.assert(
      fc.asyncProperty(logHeaderArbitrary(), validRecordsArb, async (header, records) => {
        const sink = collector();
        await writeLog(sink, header, records);
        expect(await recordsIn(sink.text())).toHaveLength(records.length);
      }),
      { numRuns: 50 },
    );
  });

  it('should reject a header the codec refuses, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(refusedHeaderArb, validRecordsArb, async (header, records) => {
        const sink = collector();
        expectRefusal(await rejectionOf(writeLog(sink, header as LogHeader, records)), 'writeLog');
        expect(sink.text()).toBe('');
      }),
      { numRuns: 50 },
    );
  });

  it('should reject at the first record it refuses, naming its index, having written only lines the reader accepts', async () => {
    await fc.assert(
      fc.asyncProperty(logHeaderArbitrary(), oneRefusedArb, async (header, { records, at }) => {
        const sink = collector();
        const error = await rejectionOf(writeLog(sink, header, records));
        expectRefusal(error, 'writeLog');
        expect((error as Error).message).toMatch(new RegExp(`^writeLog: records\\[${String(at)}\\]: `));
        if (sink.text() !== '') {
          expect((await recordsIn(sink.text())).length).toBeLessThanOrEqual(at);
        }
      }),
      { numRuns: 50 },
    );
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
