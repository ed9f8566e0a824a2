/**
 * Split a stream of text or UTF-8 byte chunks into numbered lines without ever holding more than
 * one line (of at most `maxLength` characters) and one chunk in memory.
 *
 * @internal
 */

/** One physical line of the input, numbered from 1, without its line end. */
export interface TextLine {
  readonly _tag: 'TextLine';
  readonly line: number;
  readonly text: string;
}

/**
 * A line longer than the limit. It is reported as soon as it crosses the limit, before its end
 * is read: a consumer that stops there (a strict replay, a header line) never reads the rest, so
 * an endless line (`/dev/zero`) fails at the limit. The rest of its text is skipped unread.
 */
export interface OverlongLine {
  readonly _tag: 'OverlongLine';
  readonly line: number;
}

/** A line of bytes that is not valid UTF-8: `offset` is the first bad byte, from 0. */
export interface MalformedLine {
  readonly _tag: 'MalformedLine';
  readonly line: number;
  readonly offset: number;
}

/** What the splitter yields for each physical line. */
export type RawLine = TextLine | OverlongLine | MalformedLine;

const BOM = '\uFEFF';
const NL = 0x0a;

// `ignoreBOM`: each call decodes a piece from the middle of the input, whose U+FEFF is text.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The UTF-16 length of valid UTF-8 `bytes` (a byte count is never below it). */
const utf16Length = (bytes: Uint8Array): number => {
  let n = 0;
  for (const b of bytes) {
    // Every byte but a continuation byte starts a character; four-byte ones take two units.
    n += (b & 0xc0) === 0x80 ? 0 : b >= 0xf0 ? 2 : 1;
  }
  return n;
};

/** The offset of the first byte of `bytes` that is not part of a valid UTF-8 sequence. */
export const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  const at = (i: number): number => (i < bytes.length ? (bytes[i] as number) : -1);
  const cont = (i: number, lo = 0x80, hi = 0xbf): boolean => at(i) >= lo && at(i) <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let size = 0;
    if (b < 0x80) {
      size = 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      size = cont(i + 1) ? 2 : 0;
    } else if (b >= 0xe0 && b <= 0xef) {
      const ok = b === 0xe0 ? cont(i + 1, 0xa0) : b === 0xed ? cont(i + 1, 0x80, 0x9f) : cont(i + 1);
      size = ok && cont(i + 2) ? 3 : 0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const ok = b === 0xf0 ? cont(i + 1, 0x90) : b === 0xf4 ? cont(i + 1, 0x80, 0x8f) : cont(i + 1);
      size = ok && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (size === 0) {
      return i;
    }
    i += size;
  }
  return -1;
};

const concat = (pieces: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
  if (pieces.length === 1) {
    return pieces[0] as Uint8Array;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * The lines of `chunks`, one batch per chunk so that a consumer pays one `await` per chunk rather
 * than per line. Chunks are strings or UTF-8 bytes, cut anywhere (inside a line or a character).
 * Accepts `\n` and `\r\n` line ends and drops a byte order mark at the very start. A line of
 * bytes that is not valid UTF-8 is a `MalformedLine`; one longer than `maxLength` characters
 * (line end excluded) is an `OverlongLine`, reported when it crosses the limit. `onChunk` is
 * called once the lines of each chunk were taken, with the amount read so far (bytes, or
 * characters for text chunks).
 *
 * @internal
 */
export async function* lineBatches(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  maxLength: number,
  onChunk?: (read: number) => void,
): AsyncGenerator<ReadonlyArray<RawLine>, void, undefined> {
  // The current line so far: text, or bytes still to decode (never both).
  let pendingText = '';
  let pendingBytes: Uint8Array[] = [];
  let pendingByteLength = 0;
  // UTF-16 length of the pending bytes, counted only once their byte count passes the limit.
  let pendingUnits = -1;
  // The first bad byte of the current line once it was found malformed, else -1.
  let malformedAt = -1;
  // The current line crossed the limit and was reported: its text is skipped to its end.
  let skipping = false as boolean;
  let line = 0;
  let read = 0;

  const resetPending = (): void => {
    pendingText = '';
    pendingBytes = [];
    pendingByteLength = 0;
    pendingUnits = -1;
    malformedAt = -1;
  };

  const pendingAsBytes = (): Uint8Array => concat(pendingBytes, pendingByteLength);

  /** Turn pending bytes into text; bytes that are not whole valid characters mark the line malformed. */
  const bytesToText = (): void => {
    if (pendingByteLength === 0) {
      return;
    }
    const bytes = pendingAsBytes();
    pendingBytes = [];
    pendingByteLength = 0;
    pendingUnits = -1;
    try {
      pendingText = utf8.decode(bytes);
    } catch {
      malformedAt = malformedAt >= 0 ? malformedAt : firstInvalidUtf8(bytes);
    }
  };

  const textToBytes = (): void => {
    if (pendingText === '') {
      return;
    }
    const bytes = new TextEncoder().encode(pendingText);
    pendingText = '';
    pendingBytes = [bytes];
    pendingByteLength = bytes.length;
  };

  // A byte order mark opening the input is not part of the first line.
  const bomUnits = (startsWithBom: boolean): number => (line === 0 && startsWithBom ? 1 : 0);
  const bytesStartWithBom = (): boolean => {
    const start = pendingAsBytes().subarray(0, 3);
    return start.length === 3 && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf;
  };

  // One spare character: a `\r` that belongs to the line end may still be pending.
  const over = (units: number, endsWithCr: boolean): boolean =>
    units > maxLength + 1 || (units === maxLength + 1 && !endsWithCr);

  const cross = (batch: RawLine[]): void => {
    batch.push({ _tag: 'OverlongLine', line: line + 1 });
    skipping = true;
    resetPending();
  };

  const emitText = (text: string, batch: RawLine[]): void => {
    line += 1;
    let body = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line === 1 && body.startsWith(BOM)) {
      body = body.slice(1);
    }
    batch.push(body.length > maxLength ? { _tag: 'OverlongLine', line } : { _tag: 'TextLine', line, text: body });
  };

  const emitBytes = (bytes: Uint8Array, batch: RawLine[]): void => {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      line += 1;
      batch.push({ _tag: 'MalformedLine', line, offset: firstInvalidUtf8(bytes) });
      return;
    }
    emitText(text, batch);
  };

  /** End the current line with `tail`, its last piece up to the line end. */
  const endLine = (tail: string | Uint8Array, batch: RawLine[]): void => {
    if (skipping) {
      line += 1;
      skipping = false;
    } else {
      if (typeof tail === 'string') {
        bytesToText();
      } else {
        textToBytes();
      }
      if (malformedAt >= 0) {
        line += 1;
        batch.push({ _tag: 'MalformedLine', line, offset: malformedAt });
      } else if (typeof tail === 'string') {
        emitText(pendingText === '' ? tail : pendingText + tail, batch);
      } else if (pendingByteLength === 0) {
        emitBytes(tail, batch);
      } else {
        emitBytes(concat([...pendingBytes, tail], pendingByteLength + tail.length), batch);
      }
    }
    resetPending();
  };

  /** Add `rest`, the part of a chunk after its last line end, to the current line. */
  const carry = (rest: string | Uint8Array, batch: RawLine[]): void => {
    if (skipping || rest.length === 0) {
      return;
    }
    if (typeof rest === 'string') {
      bytesToText();
      pendingText += rest;
      if (over(pendingText.length - bomUnits(pendingText.startsWith(BOM)), rest.endsWith('\r'))) {
        cross(batch);
      }
      return;
    }
    textToBytes();
    pendingBytes.push(rest);
    pendingByteLength += rest.length;
    // A byte count is never below the UTF-16 length, so short lines need no counting.
    if (pendingByteLength > maxLength + 1) {
      pendingUnits = pendingUnits < 0 ? utf16Length(pendingAsBytes()) : pendingUnits + utf16Length(rest);
      if (over(pendingUnits - bomUnits(bytesStartWithBom()), rest[rest.length - 1] === 0x0d)) {
        cross(batch);
      }
    }
  };

  const splitText = (chunk: string, batch: RawLine[]): void => {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
      endLine(chunk.slice(from, nl), batch);
      from = nl + 1;
    }
    carry(from === 0 ? chunk : chunk.slice(from), batch);
  };

  const splitBytes = (chunk: Uint8Array, batch: RawLine[]): void => {
    const first = chunk.indexOf(NL);
    if (first === -1) {
      carry(chunk, batch);
      return;
    }
    endLine(chunk.subarray(0, first), batch);
    const last = chunk.lastIndexOf(NL);
    if (last > first) {
      // The whole lines of a chunk decode in one call; only a chunk holding bad bytes is decoded
      // line by line, to tell which lines they are in.
      const region = chunk.subarray(first + 1, last);
      let text: string | undefined;
      try {
        text = utf8.decode(region);
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        let from = 0;
        for (let nl = region.indexOf(NL); nl !== -1; nl = region.indexOf(NL, from)) {
          endLine(region.subarray(from, nl), batch);
          from = nl + 1;
        }
        endLine(region.subarray(from), batch);
      } else {
        let from = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
          endLine(text.slice(from, nl), batch);
          from = nl + 1;
        }
        endLine(from === 0 ? text : text.slice(from), batch);
      }
    }
    carry(chunk.subarray(last + 1), batch);
  };

  for await (const chunk of chunks as AsyncIterable<unknown>) {
    const batch: RawLine[] = [];
    if (typeof chunk === 'string') {
      read += chunk.length;
      splitText(chunk, batch);
    } else if (chunk instanceof Uint8Array) {
      read += chunk.length;
      splitBytes(chunk, batch);
    } else {
      throw new TypeError(`a chunk must be a string or bytes, got ${chunk === null ? 'null' : typeof chunk}`);
    }
    if (batch.length > 0) {
      yield batch;
    }
    onChunk?.(read);
  }
  if (!skipping && (pendingText !== '' || pendingByteLength > 0 || malformedAt >= 0)) {
    const batch: RawLine[] = [];
    endLine('', batch);
    yield batch;
  }
}
