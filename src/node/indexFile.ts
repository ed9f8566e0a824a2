/**
 * The lines of an index file: each sealed with a digest chained to the line before (SHA-256, or
 * with a key HMAC-SHA256), written to a temporary file renamed into place at the end, and read
 * back as a stream, one bounded line at a time.
 *
 * @internal
 */
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as E from 'fp-ts/Either';

import type { IndexHeader, IndexPart, IndexSeal } from '../incident/checkpoint';
import {
  INDEX_VERSION,
  IndexHeader as IndexHeaderCodec,
  IndexPart as IndexPartCodec,
  decodeIndexLine,
} from '../incident/checkpoint';
import { lineBatches } from '../internal/lines';

/**
 * The key of a keyed seal: text or bytes, as `createHmac` takes it.
 *
 * @since 0.3.0
 */
export type IndexKey = string | Uint8Array;

/** How the lines of one index are sealed: the kind, and the key when keyed. */
export interface Sealer {
  readonly seal: IndexSeal;
  /** The digest of `text` following the line whose digest is `previous` (`''` for line 1). */
  readonly digest: (previous: string, text: string) => string;
}

/** The sealer for `key`: keyed when there is one. */
export const sealerOf = (key: IndexKey | undefined): Sealer =>
  key === undefined
    ? {
        seal: 'sha256',
        digest: (previous, text) => createHash('sha256').update(previous).update('\n').update(text).digest('hex'),
      }
    : {
        seal: 'hmac-sha256',
        digest: (previous, text) => createHmac('sha256', key).update(previous).update('\n').update(text).digest('hex'),
      };

/** `text` (a JSON object) with `digest` as its last field. */
export const sealedLine = (text: string, digest: string): string => `${text.slice(0, -1)},"digest":"${digest}"}`;

const SEAL = /,"digest":"([0-9a-f]{64})"\}$/;

/** The text a sealed line holds and its digest, or why it holds none. */
export const splitSeal = (line: string): E.Either<string, { readonly text: string; readonly digest: string }> => {
  const seal = SEAL.exec(line);
  return seal === null
    ? E.left('no digest ends the line')
    : E.right({ text: `${line.slice(0, seal.index)}}`, digest: seal[1] as string });
};

/**
 * An index being written: lines are appended to a temporary file beside it, which replaces the
 * index only when `commit` is called; `abandon` removes it.
 */
export interface IndexOut {
  /** The size written so far. */
  readonly bytes: () => number;
  /** Seal `texts` as the next lines, without writing them: their lines and total size. */
  readonly prepare: (texts: Iterable<string>) => {
    readonly lines: ReadonlyArray<string>;
    readonly bytes: number;
    readonly last: string;
  };
  /** Write lines `prepare` gave (the last of them having digest `last`). */
  readonly write: (prepared: {
    readonly lines: ReadonlyArray<string>;
    readonly bytes: number;
    readonly last: string;
  }) => void;
  readonly commit: () => Promise<void>;
  readonly abandon: () => void;
}

/** Open the temporary file of `indexFile`, sealing with `sealer`. */
export const openIndexOut = (indexFile: string, sealer: Sealer): IndexOut => {
  const temporary = path.join(
    path.dirname(indexFile),
    `.${path.basename(indexFile)}.${String(process.pid)}.${String(Date.now())}.tmp`,
  );
  const fd = fs.openSync(temporary, 'wx');
  let open = true;
  let previous = '';
  let written = 0;
  const close = (): void => {
    if (open) {
      open = false;
      fs.closeSync(fd);
    }
  };
  return {
    bytes: () => written,
    prepare: (texts) => {
      const lines: string[] = [];
      let bytes = 0;
      let last = previous;
      for (const text of texts) {
        last = sealer.digest(last, text);
        const line = `${sealedLine(text, last)}\n`;
        lines.push(line);
        bytes += Buffer.byteLength(line);
      }
      return { lines, bytes, last };
    },
    write: (prepared) => {
      for (const line of prepared.lines) {
        fs.writeSync(fd, line);
      }
      written += prepared.bytes;
      previous = prepared.last;
    },
    commit: async () => {
      fs.fsyncSync(fd);
      close();
      await fs.promises.rename(temporary, indexFile);
    },
    abandon: () => {
      close();
      fs.rmSync(temporary, { force: true });
    },
  };
};

/** One line of an index read back: its number, where it starts, and what it holds. */
export type IndexLine =
  | { readonly _tag: 'Header'; readonly header: IndexHeader }
  | {
      readonly _tag: 'Part';
      readonly line: number;
      /** Its first byte in the file. */
      readonly offset: number;
      /** The digest of the line before it. */
      readonly previous: string;
      /** Its size, line end included. */
      readonly bytes: number;
      /** The part, or only its tag when `decode` said not to decode it. */
      readonly part: IndexPart | { readonly _tag: 'Slots' | 'Tallies'; readonly skipped: true };
    }
  | { readonly _tag: 'Bad'; readonly line: number; readonly problem: string };

/** The longest line an index may hold: far above what `checkpointParts` writes. */
export const MAX_INDEX_LINE = 64 << 20;

/** Where to start reading an index: after the line whose digest is `previous`. */
export interface IndexPosition {
  readonly offset: number;
  readonly line: number;
  readonly previous: string;
}

/**
 * The lines of `indexFile` from `at` (its start by default), each checked against its seal; the
 * first bad one ends the reading. `decodeLists` says whether the slots and rows are decoded
 * (they are long, and only the restored checkpoint needs them).
 */
export async function* readIndexLines(
  indexFile: string,
  sealer: Sealer,
  decodeLists: (line: number) => boolean,
  at: IndexPosition = { offset: 0, line: 0, previous: '' },
): AsyncGenerator<IndexLine, void, undefined> {
  const stream = fs.createReadStream(indexFile, { start: at.offset, highWaterMark: 1 << 20 });
  let offset = at.offset;
  let previous = at.previous;
  try {
    for await (const batch of lineBatches(stream as AsyncIterable<Uint8Array>, MAX_INDEX_LINE)) {
      for (const raw of batch) {
        const line = at.line + raw.line;
        if (raw._tag !== 'TextLine') {
          yield {
            _tag: 'Bad',
            line,
            problem: raw._tag === 'OverlongLine' ? 'the line is too long' : 'the line is not UTF-8 text',
          };
          return;
        }
        const bytes = Buffer.byteLength(raw.text) + 1;
        if (raw.text.trim() === '') {
          offset += bytes;
          continue;
        }
        const version =
          line === 1 ? /^\{"format":"lifecycle-broadcast-index","version":(\d+),/.exec(raw.text)?.[1] : undefined;
        if (version !== undefined && Number(version) !== INDEX_VERSION) {
          yield {
            _tag: 'Bad',
            line,
            problem: `an index of format version ${version}, and this library reads version ${String(INDEX_VERSION)} (run lifecycle-broadcast index again)`,
          };
          return;
        }
        const split = splitSeal(raw.text);
        if (E.isLeft(split)) {
          yield { _tag: 'Bad', line, problem: split.left };
          return;
        }
        const { text, digest } = split.right;
        const header = line === 1 ? decodeIndexLine<IndexHeader>(IndexHeaderCodec, text) : undefined;
        if (header !== undefined && E.isRight(header) && header.right.seal !== sealer.seal) {
          yield {
            _tag: 'Bad',
            line,
            problem:
              header.right.seal === 'hmac-sha256'
                ? 'the index is sealed with a key, and none was given'
                : 'the index is not sealed with a key, and one was given (an index without a seal anyone could forge)',
          };
          return;
        }
        if (sealer.digest(previous, text) !== digest) {
          yield {
            _tag: 'Bad',
            line,
            problem:
              sealer.seal === 'sha256'
                ? 'its digest does not match its text (the line was edited, moved or cut)'
                : 'its seal does not match its text and key (the line was edited, moved or cut, or sealed with another key)',
          };
          return;
        }
        if (header !== undefined) {
          if (E.isLeft(header)) {
            yield { _tag: 'Bad', line, problem: header.left.join('; ') };
            return;
          }
          yield { _tag: 'Header', header: header.right };
        } else {
          const lists = /^\{"_tag":"(Slots|Tallies)"/.exec(text)?.[1] as 'Slots' | 'Tallies' | undefined;
          if (lists !== undefined && !decodeLists(line)) {
            yield { _tag: 'Part', line, offset, previous, bytes, part: { _tag: lists, skipped: true } };
          } else {
            const part = decodeIndexLine<IndexPart>(IndexPartCodec, text);
            if (E.isLeft(part)) {
              yield { _tag: 'Bad', line, problem: part.left.join('; ') };
              return;
            }
            yield { _tag: 'Part', line, offset, previous, bytes, part: part.right };
          }
        }
        previous = digest;
        offset += bytes;
      }
    }
  } finally {
    stream.destroy();
  }
}
