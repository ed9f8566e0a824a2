/**
 * The line splitter under the reader: bounded memory on endless or over-long lines, and UTF-8
 * decoded one line at a time so a bad byte is pinned to its line.
 */
import * as fc from 'fast-check';

import type { RawLine } from '../../src/internal/lines';
import { firstInvalidUtf8, lineBatches } from '../../src/internal/lines';

const linesOf = async (chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, max = 100) => {
  const out: RawLine[] = [];
  for await (const batch of lineBatches(chunks, max)) {
    out.push(...batch);
  }
  return out;
};

/** An endless source, like /dev/zero, counting how much was taken from it. */
const endless = (
  chunk: Uint8Array | string,
): { readonly source: Iterable<Uint8Array | string>; readonly taken: () => number } => {
  let taken = 0;
  return {
    source: {
      *[Symbol.iterator]() {
        for (;;) {
          taken += chunk.length;
          yield chunk;
        }
      },
    },
    taken: () => taken,
  };
};

describe('lineBatches', () => {
  it('should report an endless line when it crosses the limit, having read little more than the limit', async () => {
    const zero = endless(new Uint8Array(4096));
    for await (const batch of lineBatches(zero.source, 10_000)) {
      expect(batch).toEqual([{ _tag: 'OverlongLine', line: 1 }]);
      break;
    }
    expect(zero.taken()).toBeLessThanOrEqual(10_000 + 2 * 4096);
  });

  it('should report an endless line of text chunks at the limit too', async () => {
    const xs = endless('x'.repeat(1000));
    const first = await lineBatches(xs.source, 5000).next();
    expect(first.value).toEqual([{ _tag: 'OverlongLine', line: 1 }]);
    expect(xs.taken()).toBeLessThanOrEqual(7000);
  });

  it('should count characters, not bytes, against the limit', async () => {
    // 100 characters of three bytes each: 300 bytes, within a limit of 100 characters.
    const line = '路'.repeat(100);
    const bytes = new TextEncoder().encode(`${line}\n${line}x\n`);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await linesOf(chunks, 100)).toEqual([
      { _tag: 'TextLine', line: 1, text: line },
      { _tag: 'OverlongLine', line: 2 },
    ]);
  });

  it('should skip the rest of an over-long line and number the lines after it', async () => {
    expect(await linesOf(['y'.repeat(150), `${'y'.repeat(150)}\nok\n`])).toEqual([
      { _tag: 'OverlongLine', line: 1 },
      { _tag: 'TextLine', line: 2, text: 'ok' },
    ]);
  });

  it('should give a line with invalid UTF-8 as malformed, with the offset of its first bad byte', async () => {
    const bytes = Buffer.concat([
      Buffer.from('good\n{"name":"zc'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\nnext\n'),
    ]);
    expect(await linesOf([bytes])).toEqual([
      { _tag: 'TextLine', line: 1, text: 'good' },
      { _tag: 'MalformedLine', line: 2, offset: 11 },
      { _tag: 'TextLine', line: 3, text: 'next' },
    ]);
  });

  it('should find the same lines however bytes with bad sequences are cut into chunks', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\uFEFFheader ü\r\n'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\nok 路径\n'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('\nlast'),
    ]);
    const whole = await linesOf([bytes]);
    expect(whole).toEqual([
      { _tag: 'TextLine', line: 1, text: 'header ü' },
      { _tag: 'MalformedLine', line: 2, offset: 0 },
      { _tag: 'TextLine', line: 3, text: 'ok 路径' },
      { _tag: 'MalformedLine', line: 4, offset: 0 },
      { _tag: 'TextLine', line: 5, text: 'last' },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const at = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
          const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
          expect(await linesOf(chunks)).toEqual(whole);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('should keep a U+FEFF that is not at the very start', async () => {
    expect(await linesOf([Buffer.from('a\n\uFEFFb\n')])).toEqual([
      { _tag: 'TextLine', line: 1, text: 'a' },
      { _tag: 'TextLine', line: 2, text: '\uFEFFb' },
    ]);
  });

  it('should refuse a chunk that is neither text nor bytes', async () => {
    await expect(linesOf([42 as unknown as string])).rejects.toThrow('a chunk must be a string or bytes, got number');
  });
});

describe('firstInvalidUtf8', () => {
  it('should agree with a fatal TextDecoder on whether bytes are valid UTF-8', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        return (firstInvalidUtf8(bytes) === -1) === valid;
      }),
      { numRuns: 2000 },
    );
  });

  it('should point at the first byte that cannot start or continue a character', () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0x80]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from('ok'))).toBe(-1);
  });
});
