/**
 * Split a stream of text chunks into numbered lines without ever holding more than one line (of
 * at most `maxLength` characters) and one chunk in memory.
 *
 * @internal
 */

/** One physical line of the input, numbered from 1, without its line end. */
export interface TextLine {
  readonly _tag: 'TextLine';
  readonly line: number;
  readonly text: string;
}

/** A line longer than the limit: its text was dropped while reading, only its length is kept. */
export interface OverlongLine {
  readonly _tag: 'OverlongLine';
  readonly line: number;
  readonly length: number;
}

/** What the splitter yields for each physical line. */
export type RawLine = TextLine | OverlongLine;

const BOM = '\uFEFF';

/**
 * The lines of `chunks`, one batch per chunk so that a consumer pays one `await` per chunk rather
 * than per line. Accepts `\n` and `\r\n` line ends and drops a UTF-8 byte order mark at the very
 * start. A line longer than `maxLength` characters (line end excluded) is reported as an
 * `OverlongLine` and its text is discarded as it streams by.
 *
 * @internal
 */
export async function* lineBatches(
  chunks: AsyncIterable<string>,
  maxLength: number,
): AsyncGenerator<ReadonlyArray<RawLine>, void, undefined> {
  let pending = '';
  // Length of the current line when it is over the limit and its text is being skipped.
  let overlong = -1;
  let line = 0;
  let first = true;

  const finish = (text: string, batch: RawLine[]): void => {
    line += 1;
    const body = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (overlong >= 0) {
      const length = overlong + body.length;
      batch.push({ _tag: 'OverlongLine', line, length });
      overlong = -1;
    } else if (body.length > maxLength) {
      batch.push({ _tag: 'OverlongLine', line, length: body.length });
    } else {
      batch.push({ _tag: 'TextLine', line, text: body });
    }
  };

  for await (const raw of chunks) {
    let chunk = raw;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.startsWith(BOM)) {
        chunk = chunk.slice(1);
      }
    }
    const batch: RawLine[] = [];
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
      const piece = chunk.slice(from, nl);
      if (overlong >= 0) {
        finish(piece, batch);
      } else {
        finish(pending === '' ? piece : pending + piece, batch);
      }
      pending = '';
      from = nl + 1;
    }
    const rest = chunk.slice(from);
    if (overlong >= 0) {
      overlong += rest.length;
    } else {
      pending = pending === '' ? rest : pending + rest;
      // One spare character: a `\r` that belongs to the line end may still be pending.
      if (pending.length > maxLength + 1) {
        overlong = pending.length;
        pending = '';
      }
    }
    if (batch.length > 0) {
      yield batch;
    }
  }
  if (overlong >= 0 || pending !== '') {
    const batch: RawLine[] = [];
    finish(pending, batch);
    yield batch;
  }
}
