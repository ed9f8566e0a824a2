/**
 * The index of a log file on disk: writing it (one replay, checkpoints every N lines, each with
 * the SHA-256 of the log prefix it covers), and replaying a file from its nearest valid
 * checkpoint. A checkpoint whose prefix no longer hashes the same (the log was edited or
 * replaced since) is ignored with a warning, never trusted; a log that only grew since keeps
 * its checkpoints.
 *
 * @since 0.2.0
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import { show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { checkFunction, optionalInteger, optionsObject } from '../internal/options';
import type { Checkpoint, CheckpointGatherer } from '../incident/checkpoint';
import {
  DEFAULT_CHECKPOINT_EVERY,
  DEFAULT_INDEX_SHARE,
  IndexHeader as IndexHeaderCodec,
  checkpointOf,
  checkpointParts,
  gatherCheckpoint,
  indexHeader,
  restoreCheckpoint,
} from '../incident/checkpoint';
import { LogHeader } from '../log/LogHeader';
import { DEFAULT_MAX_LINE_LENGTH, decodeHeaderLine } from '../log/logReader';
import type { LogSource } from '../log/logReader';
import type { LogBound } from '../replay/LogBound';
import { checkLogBound } from '../replay/LogBound';
import type { ReplayStop } from '../replay/LogReplay';
import { emptyLogStats } from '../replay/LogStats';
import type { LinesReplay, ReplayLinesOptions, ReplayStart } from '../replay/replayLines';
import { replayLines } from '../replay/replayLines';
import { fileSource } from './fileSource';
import type { IndexKey, IndexPosition, Sealer } from './indexFile';
import { openIndexOut, readIndexLines, sealerOf } from './indexFile';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where the index of `logFile` is looked for by default: beside it, with `.index` appended.
 *
 * @since 0.2.0
 */
export const defaultIndexFile = (logFile: string): string => `${logFile}.index`;

/**
 * What writing an index did.
 *
 * @since 0.2.0
 */
export interface IndexWritten {
  readonly checkpoints: number;
  /** The last line a checkpoint covers (0 when there is none). */
  readonly lastCheckpointLine: number;
  /** The replay of the whole log (an index covers only its prefix without bad lines). */
  readonly replay: LinesReplay;
  /** The size of the index written: 0 when the log could not be read and none was. */
  readonly bytes: number;
}

/**
 * Options of `writeLogIndex`.
 *
 * @since 0.2.0
 */
export interface WriteIndexOptions {
  /** The fewest lines between checkpoints; `DEFAULT_CHECKPOINT_EVERY` by default. */
  readonly every?: number;
  /**
   * The largest share of the log the index may take (above 0, at most 1); `DEFAULT_INDEX_SHARE`
   * (a tenth) by default. A checkpoint that would take the index over it is left out.
   *
   * @since 0.3.0
   */
  readonly share?: number;
  /**
   * Seal the index with an HMAC-SHA256 under this key, so that nobody without the key can edit
   * it undetected; without one, each line's SHA-256 detects accidents only (see docs/cli.md).
   *
   * @since 0.3.0
   */
  readonly key?: IndexKey;
  readonly maxLineLength?: number;
  /** Called after each chunk with the number of bytes read so far. */
  readonly onProgress?: (bytesRead: number) => void;
}

// -------------------------------------------------------------------------------------
// writing
// -------------------------------------------------------------------------------------

/** The bytes of `file`, in 64 KiB chunks, each passed to `tap` before it is yielded. */
async function* tapped(
  file: string,
  tap: (chunk: Buffer) => void,
  start = 0,
  end?: number,
): AsyncGenerator<Buffer, void, undefined> {
  const stream = fs.createReadStream(file, {
    highWaterMark: 1 << 16,
    start,
    ...(end === undefined ? {} : { end: end - 1 }),
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      tap(chunk);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}

/** A log source named after `file`, reading it with `read`. */
const sourceOf = (file: string, read: () => AsyncIterator<Uint8Array>): LogSource & { readonly name: string } =>
  Object.freeze({ name: file, [Symbol.asyncIterator]: read });

/** The bytes of `file` after byte `bytes`, as a log source. */
const restOf = (file: string, bytes: number): LogSource => sourceOf(file, () => tapped(file, () => undefined, bytes));

/** Check the file names a caller gives (plain JavaScript may give anything). */
const checkFiles = (fn: string, logFile: unknown, indexFile: unknown): void => {
  for (const [name, value] of [
    ['logFile', logFile],
    ['indexFile', indexFile],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`${fn}: ${name} must be a file name, got ${show(value)}`);
    }
  }
};

/** Check the options shared by writing and reading an index: the key. */
const checkKey = (fn: string, key: unknown): IndexKey | undefined => {
  if (key !== undefined && !(typeof key === 'string' && key !== '') && !(key instanceof Uint8Array && key.length > 0)) {
    throw new TypeError(`${fn}: key must be a non-empty string or Uint8Array, got ${show(key)}`);
  }
  return key;
};

/** The share option: a number above 0 and at most 1. */
const checkShare = (fn: string, share: unknown): number => {
  if (share === undefined) {
    return DEFAULT_INDEX_SHARE;
  }
  if (typeof share !== 'number') {
    throw new TypeError(`${fn}: share must be a number above 0 and at most 1, got ${show(share)}`);
  }
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`${fn}: share must be a number above 0 and at most 1, got ${show(share)}`);
  }
  return share;
};

/**
 * Replay `logFile` once and write its index to `indexFile`: a header line, then checkpoints up
 * to the first bad line, each at least `every` lines after the one before and only when the
 * index with it stays within `share` of the log before it (so that checkpoints are spaced by
 * their cost), sealed with `key` when one is given. The index is streamed to a temporary file
 * beside `indexFile`, renamed into place at the end: memory holds one checkpoint at a time, and
 * an index is never left half written. Resolves with what it wrote; rejects when the index
 * cannot be written, and at once, with a `TypeError` or `RangeError`, on a wrong argument. A log
 * that cannot be read gives a replay that says so, and no index is written (one already there
 * is left as it was).
 *
 * @since 0.2.0
 */
export const writeLogIndex = async (
  logFile: string,
  indexFile: string,
  options: WriteIndexOptions = {},
): Promise<IndexWritten> => {
  checkFiles('writeLogIndex', logFile, indexFile);
  const checked = optionsObject('writeLogIndex', options);
  const every = optionalInteger('writeLogIndex', 'every', checked.every, 1) ?? DEFAULT_CHECKPOINT_EVERY;
  const share = checkShare('writeLogIndex', checked.share);
  const key = checkKey('writeLogIndex', checked.key);
  checkFunction('writeLogIndex', 'onProgress', checked.onProgress);
  // The bytes and the SHA-256 of the log up to the end of each line that may get a checkpoint.
  const ends = new Map<number, { readonly bytes: number; readonly sha256: string }>();
  const hash: Hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  const tap = (chunk: Buffer): void => {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      lines += 1;
      if (lines % every === 0) {
        hash.update(chunk.subarray(from, nl + 1));
        bytes += nl + 1 - from;
        from = nl + 1;
        ends.set(lines, { bytes, sha256: hash.copy().digest('hex') });
      }
    }
    hash.update(chunk.subarray(from));
    bytes += chunk.length - from;
    options.onProgress?.(bytes);
  };
  const sealer = sealerOf(key);
  const out = openIndexOut(indexFile, sealer);
  try {
    out.write(out.prepare([JSON.stringify(IndexHeaderCodec.encode(indexHeader(every, share, sealer.seal)))]));
    let operations = 0;
    let checkpoints = 0;
    let lastCheckpointLine = 0;
    // What a checkpoint line costs per slot and statistics row, learnt from the last one made.
    let perEntry = 0;
    const replay = await replayLines(
      sourceOf(logFile, () => tapped(logFile, tap)),
      {
        maxLineLength: options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
        mode: 'strict',
        verify: true,
        snapshotEvery: every,
        onSnapshot: (point) => {
          const end = ends.get(point.lastLine);
          ends.delete(point.lastLine);
          if (end === undefined) {
            return;
          }
          const budget = share * end.bytes - out.bytes();
          const entries = point.state.slots.size + point.stats.order.size;
          const newOperations = point.state.operations.size - operations;
          if (perEntry * entries + 2 * newOperations > budget) {
            return;
          }
          const prepared = out.prepare(checkpointParts(checkpointOf(point, end.bytes, end.sha256, operations)));
          perEntry = Math.max(0, prepared.bytes - 2 * newOperations) / Math.max(1, entries);
          if (prepared.bytes > budget) {
            return;
          }
          out.write(prepared);
          operations = point.state.operations.size;
          checkpoints += 1;
          lastCheckpointLine = point.lastLine;
        },
      },
    );
    if (O.exists((stop: ReplayStop) => stop._tag === 'StoppedAtReadFailure')(replay.stopped)) {
      out.abandon();
      return Object.freeze({ checkpoints: 0, lastCheckpointLine: 0, replay, bytes: 0 });
    }
    const written = out.bytes();
    await out.commit();
    return Object.freeze({ checkpoints, lastCheckpointLine, replay, bytes: written });
  } catch (error: unknown) {
    out.abandon();
    throw error;
  }
};

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/**
 * A replay start restored from an index, with the warnings about the checkpoints ignored.
 *
 * @since 0.2.0
 */
export interface IndexedStart {
  /** Where to resume; `none` when no checkpoint could be used or none pays (replay from the start). */
  readonly start: O.Option<ReplayStart & { readonly bytes: number }>;
  /** One line per checkpoint or index line ignored, and why. */
  readonly warnings: ReadonlyArray<string>;
}

/**
 * Where a replay stops and from where it counts, as `replayLines` takes them (`until`, `from`):
 * what decides which checkpoints of an index a replay may resume from.
 *
 * @since 0.3.0
 */
export interface ReplayBounds {
  /** Stop after that line, or before the first record later than that time. */
  readonly until?: LogBound;
  /** Count statistics and verification from that line or time on. */
  readonly from?: LogBound;
  /**
   * The key the index was sealed with (`writeLogIndex`'s `key`): an index sealed with a key is
   * used only with that key, and, given a key, an index sealed without one is not used.
   *
   * @since 0.3.0
   */
  readonly key?: IndexKey;
}

/**
 * Options of `replayIndexed`: those of `replayLines`, and the key of the index.
 *
 * @since 0.3.0
 */
export interface IndexedReplayOptions extends ReplayLinesOptions {
  /** The key the index was sealed with, as `ReplayBounds`'s `key`. */
  readonly key?: IndexKey;
}

/**
 * What `replayIndexed` gives: the replay, the line it resumed after, and the warnings about the
 * checkpoints it ignored.
 *
 * @since 0.3.0
 */
export interface IndexedReplay {
  /** The outcome, the same as a replay from the start would give. */
  readonly replay: LinesReplay;
  /** The line of the checkpoint it resumed after; 0 when it replayed from the start. */
  readonly resumedAfter: number;
  /** One line per checkpoint or index line ignored, and why. */
  readonly warnings: ReadonlyArray<string>;
}

/** Whether a checkpoint lies before a replay bounded by `until` and counted from `from`. */
const usable = (c: Checkpoint, until: LogBound | undefined, from: LogBound | undefined): boolean => {
  const beforeUntil =
    until === undefined ||
    (until._tag === 'AtLine' ? c.line <= until.line : c.lastTime === null || c.lastTime <= until.time);
  const beforeFrom =
    from === undefined || (from._tag === 'AtLine' ? c.line < from.line : c.lastTime === null || c.lastTime < from.time);
  return beforeUntil && beforeFrom;
};

/**
 * What replaying, hashing and restoring cost, in nanoseconds per byte (of the log, of the log,
 * of the index), as measured on the 2,000-backend log of docs/performance.md, rounded against
 * the index: a checkpoint is used only when the replay it saves costs more than checking and
 * restoring it.
 */
const REPLAY_COST = 30;
const HASH_COST = 5;
const RESTORE_COST = 150;

/** A checkpoint found in an index, its slots and rows left unread, and where its lines are. */
interface Candidate {
  /** The checkpoint without its slots and rows (they are read only for the one restored). */
  readonly checkpoint: Checkpoint;
  /** Where its head line is. */
  readonly at: IndexPosition;
  /** The size of its lines. */
  readonly indexBytes: number;
}

/** An index read up to the last checkpoint a replay may use: those checkpoints, and the warnings. */
interface Candidates {
  readonly sealer: Sealer;
  readonly candidates: ReadonlyArray<Candidate>;
  readonly warnings: ReadonlyArray<string>;
}

/** The header of `logFile` (its first line) as a comparable text, if it has one. */
const logHeaderText = async (logFile: string): Promise<string | undefined> => {
  const handle = await fs.promises.open(logFile, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, bytesRead).indexOf(10);
    const header = decodeHeaderLine(buffer.subarray(0, end === -1 ? bytesRead : end).toString('utf8'), 1);
    return header._tag === 'HeaderLine' ? JSON.stringify(LogHeader.encode(header.header)) : undefined;
  } finally {
    await handle.close();
  }
};

const readCandidates = async (logFile: string, indexFile: string, bounds: ReplayBounds): Promise<Candidates> => {
  const sealer = sealerOf(bounds.key);
  const none = (warnings: ReadonlyArray<string>): Candidates => ({ sealer, candidates: [], warnings });
  let size: number;
  let logHeader: string | undefined;
  try {
    const stat = await fs.promises.stat(indexFile);
    if (!stat.isFile()) {
      throw new Error('not a regular file');
    }
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      return none([]);
    }
    return none([`cannot read ${indexFile}: ${errorMessage(error)}; replaying from the start`]);
  }
  try {
    size = (await fs.promises.stat(logFile)).size;
    logHeader = await logHeaderText(logFile);
  } catch {
    // The replay says why the log cannot be read.
    return none([]);
  }
  if (logHeader === undefined) {
    return none([]);
  }
  const warnings: string[] = [];
  const candidates: Candidate[] = [];
  let pending: { readonly gather: CheckpointGatherer; readonly at: IndexPosition; indexBytes: number } | undefined;
  const settle = (): boolean => {
    if (pending === undefined) {
      return true;
    }
    const p = pending;
    pending = undefined;
    if (!p.gather.complete()) {
      warnings.push(
        `${indexFile} line ${String(p.at.line + 1)}: the checkpoint has lost some of its parts; ignoring it and the checkpoints after it`,
      );
      return false;
    }
    candidates.push({ checkpoint: p.gather.result(), at: p.at, indexBytes: p.indexBytes });
    return true;
  };
  try {
    for await (const l of readIndexLines(indexFile, sealer, () => false)) {
      if (l._tag === 'Header') {
        continue;
      }
      if (l._tag === 'Bad') {
        warnings.push(
          l.line === 1
            ? `${indexFile} line 1: ${l.problem}: not an index this library can use; ignored`
            : `${indexFile} line ${String(l.line)}: ${l.problem}; ignoring it and the checkpoints after it`,
        );
        break;
      }
      const part = l.part;
      if (part._tag !== 'Checkpoint') {
        const added =
          pending === undefined
            ? E.left('a part without its checkpoint')
            : 'skipped' in part
              ? E.right(undefined)
              : pending.gather.add(part);
        if (E.isLeft(added)) {
          warnings.push(`${indexFile} line ${String(l.line)}: ${added.left}; ignoring it and the checkpoints after it`);
          pending = undefined;
          break;
        }
        if (pending !== undefined) {
          pending.indexBytes += l.bytes;
        }
        continue;
      }
      if (!settle()) {
        break;
      }
      const head = gatherCheckpoint(part, false).result();
      if (!usable(head, bounds.until, bounds.from)) {
        break;
      }
      // The cheap checks first: the checkpoint must lie within the log, after its header.
      if (part.bytes > size) {
        warnings.push(
          `${indexFile}: the checkpoint after line ${thousands(part.line)} covers ${thousands(part.bytes)} bytes, and ${logFile} has ${thousands(size)} (the log changed since it was indexed): ignored, and those after it`,
        );
        break;
      }
      if (JSON.stringify(LogHeader.encode(part.header)) !== logHeader) {
        warnings.push(
          `${indexFile}: the checkpoint after line ${thousands(part.line)} has another header than ${logFile}: not this log's index; ignored`,
        );
        break;
      }
      pending = {
        gather: gatherCheckpoint(part, false),
        at: { offset: l.offset, line: l.line - 1, previous: l.previous },
        indexBytes: l.bytes,
      };
    }
  } catch (error: unknown) {
    pending = undefined;
    warnings.push(`cannot read ${indexFile}: ${errorMessage(error)}`);
  }
  settle();
  return { sealer, candidates, warnings };
};

const thousands = (n: number): string => n.toLocaleString('en-US');

/** What a replay saves by resuming from `c`, in nanoseconds: negative when it does not pay. */
const saving = (c: Candidate): number => c.checkpoint.bytes * (REPLAY_COST - HASH_COST) - c.indexBytes * RESTORE_COST;

/** The candidates that pay, the one that saves most first, then the later ones first. */
const byPay = (candidates: ReadonlyArray<Candidate>): ReadonlyArray<number> =>
  candidates
    .map((c, i) => [i, saving(c)] as const)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || b[0] - a[0])
    .map(([i]) => i);

/** What the log holds before a checkpoint's end, as the hashing thread found it. */
interface PrefixCheck {
  readonly sha256: string;
  /** How many line ends it holds. */
  readonly lines: number;
  /** Whether its last byte ends a line. */
  readonly endsLine: boolean;
}

/**
 * The SHA-256, the number of line ends and the last byte of each prefix of `file` that ends at
 * one of `offsets` (ascending), in one read, on a worker thread, so that the replay after the
 * nearest checkpoint runs at the same time (its result is used only once the checks agree).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { file, offsets, chunk } = workerData;
(async () => {
  const checks = [];
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunk);
    const hash = createHash('sha256');
    let at = 0;
    let lines = 0;
    let last = -1;
    for (const end of offsets) {
      while (at < end) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(chunk, end - at), at);
        if (bytesRead === 0) break;
        const piece = buffer.subarray(0, bytesRead);
        hash.update(piece);
        for (let nl = piece.indexOf(10); nl !== -1; nl = piece.indexOf(10, nl + 1)) lines += 1;
        last = piece[bytesRead - 1];
        at += bytesRead;
      }
      checks.push({ sha256: at === end ? hash.copy().digest('hex') : '', lines, endsLine: last === 10 });
    }
  } finally {
    await handle.close();
  }
  parentPort.postMessage({ checks });
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

/** Bytes read at a time while hashing a prefix: large reads keep the hashing at disk speed. */
const HASH_READ = 1 << 22;

const prefixChecks = (file: string, offsets: ReadonlyArray<number>): Promise<ReadonlyArray<PrefixCheck>> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file, offsets, chunk: HASH_READ } });
    worker.once('message', (m: { readonly checks?: ReadonlyArray<PrefixCheck>; readonly error?: string }) => {
      void worker.terminate();
      if (m.checks === undefined) {
        reject(new Error(m.error ?? 'the hashing thread failed'));
      } else {
        resolve(m.checks);
      }
    });
    worker.once('error', reject);
  });

/** Why the log before `c` is not what it covered, or `undefined` when it is. */
const mismatch = (c: Checkpoint, check: PrefixCheck | undefined): string | undefined =>
  check === undefined || check.sha256 === ''
    ? 'the log is shorter than it covers'
    : !check.endsLine || check.lines !== c.line
      ? `the log has ${thousands(check.lines)} line ends in the ${thousands(c.bytes)} bytes it covers, not ${thousands(c.line)} ending there`
      : check.sha256 !== c.sha256
        ? 'the log before it hashes otherwise'
        : undefined;

/** Read the slots and rows of candidate `k` and restore the replay's point there. */
const restore = async (
  indexFile: string,
  found: Candidates,
  k: number,
): Promise<E.Either<string, ReplayStart & { readonly bytes: number }>> => {
  const candidate = found.candidates[k] as Candidate;
  let gather: CheckpointGatherer | undefined;
  for await (const l of readIndexLines(indexFile, found.sealer, () => true, candidate.at)) {
    if (l._tag === 'Bad') {
      return E.left(`line ${String(l.line)}: ${l.problem}`);
    }
    if (l._tag !== 'Part' || 'skipped' in l.part) {
      continue;
    }
    if (gather === undefined) {
      if (l.part._tag !== 'Checkpoint' || l.part.sha256 !== candidate.checkpoint.sha256) {
        return E.left(`line ${String(l.line)}: the index changed while it was read`);
      }
      gather = gatherCheckpoint(l.part);
    } else {
      const added = gather.add(l.part);
      if (E.isLeft(added)) {
        return E.left(`line ${String(l.line)}: ${added.left}`);
      }
    }
    // Its last part read: what follows is another checkpoint's.
    if (gather.complete()) {
      break;
    }
  }
  if (gather?.complete() !== true) {
    return E.left(`the checkpoint after line ${thousands(candidate.checkpoint.line)} has lost some of its parts`);
  }
  const full = gather.result();
  const restored = restoreCheckpoint([...found.candidates.slice(0, k).map((c) => c.checkpoint), full]);
  return E.map((start: ReplayStart) => ({ ...start, bytes: full.bytes }))(restored);
};

/**
 * The first candidate of `order` whose log prefix passes its checks and that restores, with a
 * warning for each that did not.
 */
const firstSound = async (
  indexFile: string,
  logFile: string,
  found: Candidates,
  order: ReadonlyArray<number>,
  checks: ReadonlyArray<PrefixCheck>,
  warnings: string[],
  restored: Map<number, E.Either<string, ReplayStart & { readonly bytes: number }>> = new Map(),
): Promise<{ readonly k: number; readonly start: ReplayStart & { readonly bytes: number } } | undefined> => {
  // The checkpoints whose log prefix changed, latest first, and why the latest did not match.
  const stale: number[] = [];
  let why = '';
  const staleWarning = (): void => {
    const latest = stale[0];
    const earliest = stale[stale.length - 1];
    if (latest !== undefined && earliest !== undefined) {
      warnings.push(
        stale.length === 1
          ? `${indexFile}: the checkpoint after line ${thousands(latest)} does not match ${logFile} (${why}: the log changed since it was indexed): ignored`
          : `${indexFile}: ${String(stale.length)} checkpoints after lines ${thousands(earliest)} to ${thousands(latest)} do not match ${logFile} (${why}: the log changed since it was indexed): ignored`,
      );
    }
  };
  for (const k of order) {
    const c = (found.candidates[k] as Candidate).checkpoint;
    const wrong = mismatch(c, checks[k]);
    if (wrong !== undefined) {
      why = stale.length === 0 ? wrong : why;
      stale.push(c.line);
      continue;
    }
    const r = restored.get(k) ?? (await restore(indexFile, found, k));
    if (E.isRight(r)) {
      staleWarning();
      return { k, start: r.right };
    }
    warnings.push(`${indexFile}: ${r.left}: ignored`);
  }
  staleWarning();
  return undefined;
};

/** Check the arguments `startFromIndex` and `replayIndexed` share. */
const checkBounds = (fn: string, logFile: unknown, indexFile: unknown, bounds: unknown): ReplayBounds => {
  checkFiles(fn, logFile, indexFile);
  const checked = optionsObject(fn, bounds);
  checkLogBound(fn, 'until', checked.until);
  checkLogBound(fn, 'from', checked.from);
  const key = checkKey(fn, checked.key);
  return {
    ...(checked.until === undefined ? {} : { until: checked.until as LogBound }),
    ...(checked.from === undefined ? {} : { from: checked.from as LogBound }),
    ...(key === undefined ? {} : { key }),
  };
};

/**
 * The checkpoint of `indexFile` a replay of `logFile` bounded by `until` (and counted from
 * `from`) is best resumed from, restored, after checking that the log before it is what it
 * covered (its size, its line ends, its header and its SHA-256). Only a checkpoint that pays is
 * used: one whose restoring costs less than the replay it saves. An index that is missing gives
 * `none` and no warning; anything wrong with one (a bad line, a stale checkpoint, another seal)
 * gives a warning, and the checkpoints before it are used when they are sound.
 *
 * @since 0.2.0
 */
export const startFromIndex = async (
  logFile: string,
  indexFile: string,
  bounds: ReplayBounds = {},
): Promise<IndexedStart> => {
  const checked = checkBounds('startFromIndex', logFile, indexFile, bounds);
  const found = await readCandidates(logFile, indexFile, checked);
  const order = byPay(found.candidates);
  if (order.length === 0) {
    return { start: O.none, warnings: found.warnings };
  }
  const warnings = [...found.warnings];
  const checks = await prefixChecks(
    logFile,
    found.candidates.slice(0, order.reduce((m, i) => Math.max(m, i), 0) + 1).map((c) => c.checkpoint.bytes),
  );
  const sound = await firstSound(indexFile, logFile, found, order, checks, warnings);
  return { start: O.fromNullable(sound?.start), warnings };
};

/**
 * Replay `logFile` as `replayLines` would, resuming from the checkpoint of `indexFile` that pays
 * most, when one does. Gives the same outcome as a replay from the start (for a bounded replay,
 * the same registry, statistics and verification), with the warnings about checkpoints ignored
 * and the line it resumed after (0 from the start).
 *
 * @since 0.2.0
 */
export const replayIndexed = async (
  logFile: string,
  indexFile: string,
  options: IndexedReplayOptions = {},
): Promise<IndexedReplay> => {
  const checked = checkBounds('replayIndexed', logFile, indexFile, options);
  const replayOptions: ReplayLinesOptions = { ...options };
  delete (replayOptions as { key?: IndexKey }).key;
  const fromStart = async (): Promise<LinesReplay> => replayLines(fileSource(logFile), replayOptions);
  const found = await readCandidates(logFile, indexFile, checked);
  const order = byPay(found.candidates);
  const best = order[0];
  if (best === undefined) {
    return { replay: await fromStart(), resumedAfter: 0, warnings: found.warnings };
  }
  const resume = async (
    s: ReplayStart & { readonly bytes: number },
    observer: Pick<ReplayLinesOptions, 'onStep' | 'onInvalidLine' | 'onSnapshot' | 'onBroadcast'>,
  ): Promise<LinesReplay> =>
    replayLines(restOf(logFile, s.bytes), {
      ...replayOptions,
      ...(options.onProgress === undefined ? {} : { onProgress: (n: number) => options.onProgress?.(s.bytes + n) }),
      ...observer,
      // Counted from a bound: nothing before it counts, and the statistics begin when it is
      // reached (a window with no record in it counts nothing, as a replay from the start).
      start:
        options.from === undefined
          ? s
          : { ...s, stats: emptyLogStats, counting: false, checked: 0, divergences: 0, firstDivergence: O.none },
    });
  // While another thread checks the log before the checkpoints, the best one is restored and the
  // lines after it replayed; what that replay shows its observers is held back until the checks agree.
  const checking = prefixChecks(
    logFile,
    found.candidates.slice(0, order.reduce((m, i) => Math.max(m, i), 0) + 1).map((c) => c.checkpoint.bytes),
  );
  const held: Array<() => void> = [];
  const hold =
    <A>(f: ((a: A) => void) | undefined) =>
    (a: A): void => {
      if (f !== undefined) {
        held.push(() => {
          f(a);
        });
      }
    };
  const restoredBest = await restore(indexFile, found, best);
  const speculative = E.isRight(restoredBest)
    ? resume(restoredBest.right, {
        onStep: hold(options.onStep),
        onInvalidLine: hold(options.onInvalidLine),
        onSnapshot: hold(options.onSnapshot),
        ...(options.onBroadcast === undefined ? {} : { onBroadcast: hold(options.onBroadcast) }),
      })
    : undefined;
  const [checks, early] = await Promise.all([checking, speculative]);
  const warnings = [...found.warnings];
  const sound = await firstSound(indexFile, logFile, found, order, checks, warnings, new Map([[best, restoredBest]]));
  if (sound === undefined) {
    return { replay: await fromStart(), resumedAfter: 0, warnings };
  }
  if (sound.k === best && early !== undefined) {
    for (const f of held) {
      f();
    }
    return { replay: early, resumedAfter: sound.start.lastLine, warnings };
  }
  return { replay: await resume(sound.start, {}), resumedAfter: sound.start.lastLine, warnings };
};
