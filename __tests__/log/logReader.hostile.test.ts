/**
 * The reader on hostile input: every problem is reported with its line number, in bounded
 * memory and time, and what is printed of it is one printable line.
 */
import type { InvalidLine, LogLine } from '../../src';
import { describeInvalidLine, encodeHeaderLine, logHeader, readLog } from '../../src';
import { collect, readableOf } from '../support/streams';

const HEADER = encodeHeaderLine(logHeader());
const QUIESCE = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"}}';

const read = (...chunks: ReadonlyArray<string | Uint8Array>): Promise<ReadonlyArray<LogLine>> =>
  collect(readLog(readableOf(...chunks)));

const invalidLines = (lines: ReadonlyArray<LogLine>): ReadonlyArray<InvalidLine> =>
  lines.flatMap((l) => (l._tag === 'InvalidLine' ? [l] : []));

describe('readLog on hostile input', () => {
  it('should write control characters quoted from a line as \\u escapes, keeping them exact in problems', async () => {
    const hostile = '\u001b[2J\u001b[31mred\u0007\u0000\rX';
    const [bad] = invalidLines(await read(`${HEADER}\n${hostile}\n`));
    expect(bad?.problems[0]).toContain(hostile);
    const text = describeInvalidLine(bad as InvalidLine);
    expect(text).toMatch(/^line 2: invalid JSON: /);
    expect(text).toContain('\\u001b[2J\\u001b[31mred\\u0007\\u0000\\u000dX');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('should give invalid UTF-8 in a name as an invalid line with its number, and read on', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n{"_tag":"Broadcast","operation":{"_tag":"ReleaseHandles","pathPrefix":"/ca`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`"}}\n${QUIESCE}\n`),
    ]);
    const lines = await read(bytes);
    expect(lines.map((l) => `${l._tag}@${String(l.line)}`)).toEqual(['HeaderLine@1', 'InvalidLine@2', 'RecordLine@3']);
    expect(describeInvalidLine(invalidLines(lines)[0] as InvalidLine)).toBe(
      'line 2: invalid UTF-8 at byte 75 of the line',
    );
  });

  it('should refuse a header with invalid UTF-8, reading nothing after it', async () => {
    const lines = await read(Buffer.concat([Buffer.from([0xff]), Buffer.from(`${HEADER}\n${QUIESCE}\n`)]));
    expect(lines).toEqual([
      { _tag: 'InvalidLine', line: 1, fatal: true, problems: ['invalid UTF-8 at byte 1 of the line'] },
    ]);
  });

  it('should end an endless first line at the limit, as fatal (replay /dev/zero)', async () => {
    let read = 0;
    async function* zeros(): AsyncGenerator<Uint8Array> {
      for (;;) {
        read += 65_536;
        yield new Uint8Array(65_536);
        await Promise.resolve();
      }
    }
    const lines = await collect(readLog(zeros(), { maxLineLength: 1_000_000 }));
    expect(lines).toEqual([
      {
        _tag: 'InvalidLine',
        line: 1,
        fatal: true,
        problems: ['line is longer than the maximum of 1000000 characters'],
      },
    ]);
    expect(read).toBeLessThan(1_100_000);
  });

  it('should report at most 10 problems of one line, then how many more', async () => {
    const acks = Array.from({ length: 50_000 }, () => '1').join(',');
    const line = `{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"result":{"_tag":"AllAcked","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"acks":[${acks}],"timeouts":[],"failures":[],"skippedDead":[]}}`;
    const [bad] = invalidLines(await read(`${HEADER}\n${line}\n`));
    expect(bad?.problems).toHaveLength(11);
    expect(bad?.problems[0]).toBe('result.acks[0]: expected BroadcastAck, got 1');
    expect(bad?.problems[10]).toBe('and 49990 more');
  });

  it('should report 200,000 bad elements on one line without overflowing the stack', async () => {
    const acks = Array.from({ length: 200_000 }, () => '{}').join(',');
    const line = `{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"result":{"_tag":"AllAcked","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"acks":[${acks}],"timeouts":[],"failures":[],"skippedDead":[]}}`;
    const [bad] = invalidLines(await read(`${HEADER}\n${line}\n`));
    expect(bad?.problems.join('; ')).not.toContain('call stack');
    expect(bad?.problems[bad.problems.length - 1]).toMatch(/^and \d+ more$/);
  });
});

describe('readLog called wrongly', () => {
  it.each([
    [{ maxLineLength: Number.NaN }, RangeError, 'readLog: maxLineLength must be an integer of at least 1, got NaN'],
    [{ maxLineLength: 0 }, RangeError, 'readLog: maxLineLength must be an integer of at least 1, got 0'],
    [{ maxLineLength: '4096' }, TypeError, 'readLog: maxLineLength must be an integer of at least 1, got "4096"'],
    [{ name: 7 }, TypeError, 'readLog: name must be a string, got 7'],
    [{ onProgress: 'yes' }, TypeError, 'readLog: onProgress must be a function, got "yes"'],
    [null, TypeError, 'readLog: options must be an object, got null'],
  ])('should throw at the call for the options %p', (options, kind, message) => {
    const call = (): unknown => readLog([HEADER], options as never);
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });

  it('should throw at the call for a file name given as the source', () => {
    expect(() => readLog('broker.ndjson' as never)).toThrow(
      new TypeError(
        'readLog: a log source is a sequence of chunks, not a string: pass [text], or fileSource(path) from lifecycle-broadcast/node for a file',
      ),
    );
  });

  it('should end with ReadFailed naming the callback when onProgress throws', async () => {
    const lines = await collect(
      readLog([`${HEADER}\n`, `${QUIESCE}\n`], {
        onProgress: () => {
          throw new Error('progress bar gone');
        },
      }),
    );
    expect(lines[lines.length - 1]).toEqual({
      _tag: 'ReadFailed',
      line: 1,
      message: 'onProgress threw: progress bar gone',
    });
  });
});
