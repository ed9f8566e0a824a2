import * as path from 'node:path';

import * as fc from 'fast-check';

import type { LogSource } from '../../src';
import { fileSource } from '../../src/node';
import type { LogLine } from '../../src';
import {
  DEFAULT_MAX_LINE_LENGTH,
  LogRecord,
  decodeRecordLine,
  describeInvalidLine,
  encodeRecordLine,
  encodeHeaderLine,
  logHeader,
  readLog,
} from '../../src';
import { actionsArb, recordEntries } from '../support/logArbitraries';
import { collect, readableOf } from '../support/streams';
import { createRegistry } from '../../src';

const HEADER = encodeHeaderLine(logHeader());
const QUIESCE = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"}}';
const fixture = (name: string): LogSource => fileSource(path.join(__dirname, '..', 'fixtures', name));

const read = (
  text: string | Uint8Array,
  options: { readonly maxLineLength?: number } = {},
): Promise<ReadonlyArray<LogLine>> => collect(readLog(readableOf(text), options));

/** Each line as `tag@number`, to compare the shape of what was read. */
const shape = (lines: ReadonlyArray<LogLine>): ReadonlyArray<string> => lines.map((l) => `${l._tag}@${String(l.line)}`);

const problemsOf = (lines: ReadonlyArray<LogLine>): ReadonlyArray<string> =>
  lines.flatMap((l) => (l._tag === 'InvalidLine' ? [describeInvalidLine(l)] : []));

describe('readLog', () => {
  it('should decode the header and each entry, numbering lines from 1', async () => {
    const lines = await read(`${HEADER}\n${QUIESCE}\n${QUIESCE}\n`);
    expect(shape(lines)).toEqual(['HeaderLine@1', 'RecordLine@2', 'RecordLine@3']);
    expect(lines[0]).toMatchObject({ header: logHeader() });
    expect(lines[1]).toMatchObject({ record: JSON.parse(QUIESCE) as unknown });
  });

  it('should skip empty and blank lines but still count them', async () => {
    const lines = await read(`\n${HEADER}\n\n   \n${QUIESCE}`);
    expect(shape(lines)).toEqual(['HeaderLine@2', 'RecordLine@5']);
    expect(problemsOf(lines)).toEqual([]);
  });

  it('should accept CRLF line ends and a UTF-8 byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\r\n${QUIESCE}\r\n\r\n`)]);
    const lines = await read(bytes);
    expect(shape(lines)).toEqual(['HeaderLine@1', 'RecordLine@2']);
  });

  it('should read the same lines however the bytes are cut into chunks', async () => {
    const entries = recordEntries(createRegistry(), [...(fc.sample(actionsArb, { numRuns: 1, seed: 7 })[0] ?? [])]);
    // Multi-byte characters make cuts inside a character possible.
    const text = `${HEADER}\r\n${entries.map(encodeRecordLine).join('\n')}\n{"path":"ünïcödé/路径"}\n`;
    const bytes = Buffer.from(text);
    const whole = await read(bytes);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }),
        async (cuts) => {
          const at = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
          const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
          expect(await collect(readLog(readableOf(...chunks)))).toEqual(whole);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('should report invalid JSON with its line number and read on', async () => {
    const lines = await read(`${HEADER}\n{"_tag":\n${QUIESCE}\n`);
    expect(shape(lines)).toEqual(['HeaderLine@1', 'InvalidLine@2', 'RecordLine@3']);
    expect(problemsOf(lines)[0]).toMatch(/^line 2: invalid JSON: /);
  });

  it('should report an unknown _tag, naming the tags that exist', async () => {
    const lines = await read(`${HEADER}\n{"_tag":"Restart"}\n`);
    expect(problemsOf(lines)).toEqual([
      'line 2: _tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got "Restart"',
    ]);
  });

  it('should report wrong types with the path and the value found', async () => {
    const lines = await read(`${HEADER}\n\n{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Sleep"}}\n`);
    expect(problemsOf(lines)).toEqual([
      'line 3: operation.reason: expected "IdleTimeout" | "BrokerShutdown" | "Maintenance", got "Sleep"',
    ]);
  });

  it('should reject a line longer than the maximum and read on after it', async () => {
    const long = `{"_tag":"Broadcast","operation":{"_tag":"ReleaseHandles","pathPrefix":"${'x'.repeat(500)}"}}`;
    // In small chunks, so that the long line spans many of them.
    const text = `${HEADER}\n${long}\n${QUIESCE}\n`;
    const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
    const lines = await collect(readLog(readableOf(...chunks), { maxLineLength: 100 }));
    expect(shape(lines)).toEqual(['HeaderLine@1', 'InvalidLine@2', 'RecordLine@3']);
    expect(problemsOf(lines)).toEqual(['line 2: line is longer than the maximum of 100 characters']);
  });

  it('should accept a line exactly as long as the maximum, CRLF or not', async () => {
    const lines = await read(`${HEADER}\r\n${QUIESCE}\r\n${QUIESCE}`, {
      maxLineLength: QUIESCE.length > HEADER.length ? QUIESCE.length : HEADER.length,
    });
    expect(problemsOf(lines)).toEqual([]);
    expect(lines).toHaveLength(3);
  });

  it('should use a default maximum of 1 MiB', async () => {
    const lines = await read(`${HEADER}\n${'x'.repeat(DEFAULT_MAX_LINE_LENGTH + 1)}\n`);
    expect(problemsOf(lines)[0]).toBe('line 2: line is longer than the maximum of 1048576 characters');
  });

  it('should refuse a log of a newer version and read nothing after its header', async () => {
    const lines = await read(
      `{"format":"lifecycle-broadcast-log","version":4,"policy":{"ackTimeoutMs":5000}}\n${QUIESCE}\n`,
    );
    expect(lines).toEqual([
      {
        _tag: 'InvalidLine',
        line: 1,
        fatal: true,
        problems: [
          'log format version 4 is newer than this reader supports (3): upgrade lifecycle-broadcast to read it',
        ],
      },
    ]);
  });

  it('should refuse a log without a header', async () => {
    const lines = await read(`${QUIESCE}\n${QUIESCE}\n`);
    expect(shape(lines)).toEqual(['InvalidLine@1']);
    expect(lines[0]).toMatchObject({ fatal: true });
  });

  it('should refuse an empty log', async () => {
    expect(problemsOf(await read('\n\n'))).toEqual(['line 3: the log is empty: it has no header line']);
  });

  it('should read a file by its path', async () => {
    const lines = await collect(readLog(fixture('good.ndjson')));
    expect(lines[0]?._tag).toBe('HeaderLine');
    expect(problemsOf(lines)).toEqual([]);
    expect(lines.length).toBeGreaterThan(10);
  });

  it('should end with ReadFailed, never throw, when the file cannot be read', async () => {
    const lines = await collect(readLog(fixture('no-such-file.ndjson')));
    expect(lines).toEqual([
      {
        _tag: 'ReadFailed',
        line: 0,
        message: `cannot read ${path.join(__dirname, '..', 'fixtures', 'no-such-file.ndjson')}: no such file or directory (ENOENT)`,
      },
    ]);
  });
});

describe('decodeRecordLine', () => {
  it('should decode what encodeRecordLine wrote', () => {
    fc.assert(
      fc.property(actionsArb, (actions) =>
        recordEntries(createRegistry(), actions).every((entry, i) => {
          const decoded = decodeRecordLine(encodeRecordLine(entry), i + 2);
          return (
            decoded._tag === 'RecordLine' &&
            JSON.stringify(LogRecord.encode(decoded.record)) === JSON.stringify(LogRecord.encode(entry))
          );
        }),
      ),
    );
  });

  it('should reject a field the codec does not know', () => {
    const l = decodeRecordLine('{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"at":3}', 4);
    expect(l).toEqual({ _tag: 'InvalidLine', line: 4, fatal: false, problems: ['at: unexpected field, got 3'] });
  });
});

describe('describeInvalidLine', () => {
  it('should put every problem of a line on one line', () => {
    expect(describeInvalidLine({ _tag: 'InvalidLine', line: 9, fatal: false, problems: ['a: x', 'b: y'] })).toBe(
      'line 9: a: x; b: y',
    );
  });
});
