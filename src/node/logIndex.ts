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
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import { show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';
import { checkFunction, optionalInteger, optionsObject } from '../internal/options';
import type { Checkpoint, IndexHeader } from '../incident/checkpoint';
import {
  Checkpoint as CheckpointCodec,
  DEFAULT_CHECKPOINT_EVERY,
  INDEX_VERSION,
  IndexHeader as IndexHeaderCodec,
  checkpointOf,
  decodeIndexLine,
  encodeCheckpoint,
  indexHeader,
  restoreCheckpoint,
} from '../incident/checkpoint';
import type { LogBound } from '../replay/LogBound';
import { checkLogBound } from '../replay/LogBound';
import { emptyLogStats } from '../replay/LogStats';
import type { LinesReplay, ReplayLinesOptions, ReplayStart } from '../replay/replayLines';
import { replayLines } from '../replay/replayLines';
import type { LogSource } from '../log/logReader';
import type { ReplayStop } from '../replay/LogReplay';
import { DEFAULT_MAX_LINE_LENGTH } from '../log/logReader';
import { fileSource } from './fileSource';

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
  /** Lines between checkpoints; `DEFAULT_CHECKPOINT_EVERY` by default. */
  readonly every?: number;
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

/** The line of an index for `text` (a JSON object): the object with its own SHA-256 as its last field. */
const sealed = (text: string): string =>
  `${text.slice(0, -1)},"digest":"${createHash('sha256').update(text).digest('hex')}"}`;

const SEAL = /,"digest":"([0-9a-f]{64})"\}$/;

/** The text a line of an index sealed, or why it is not one `sealed` wrote (edited, or cut). */
const unsealed = (line: string): E.Either<string, string> => {
  const seal = SEAL.exec(line);
  if (seal === null) {
    return E.left('no digest ends the line');
  }
  const text = `${line.slice(0, seal.index)}}`;
  return createHash('sha256').update(text).digest('hex') === seal[1]
    ? E.right(text)
    : E.left('its digest does not match its text (the line was edited)');
};

/**
 * The hash of a log prefix one segment longer: the SHA-256 of the prefix's hash (`''` for the
 * empty prefix) followed by the segment's. A checkpoint's hash is thus a function of every byte
 * before it, and the segments can be hashed apart, side by side.
 */
const chained = (prefix: string, segment: string): string =>
  createHash('sha256').update(prefix).update(segment).digest('hex');

/**
 * Replay `logFile` once and write its index to `indexFile`: a header line, then a checkpoint
 * every `every` lines up to the first bad line. Resolves with what it wrote; rejects when the
 * index cannot be written, and at once, with a `TypeError` or `RangeError`, on a wrong argument.
 * A log that cannot be read gives a replay that says so, and no index is written (one already
 * there is left as it was).
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
  checkFunction('writeLogIndex', 'onProgress', checked.onProgress);
  // The bytes and the hash at the end of each line that may get a checkpoint.
  const ends = new Map<number, { readonly bytes: number; readonly sha256: string }>();
  let hash: Hash = createHash('sha256');
  let chain = '';
  let bytes = 0;
  let lines = 0;
  const tap = (chunk: Buffer): void => {
    let from = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, nl + 1)) {
      lines += 1;
      // Lines between checkpoints are hashed in one piece with the next checkpoint's.
      if (lines % every === 0) {
        hash.update(chunk.subarray(from, nl + 1));
        bytes += nl + 1 - from;
        from = nl + 1;
        chain = chained(chain, hash.digest('hex'));
        hash = createHash('sha256');
        ends.set(lines, { bytes, sha256: chain });
      }
    }
    hash.update(chunk.subarray(from));
    bytes += chunk.length - from;
    options.onProgress?.(bytes);
  };
  const out: string[] = [sealed(JSON.stringify(IndexHeaderCodec.encode(indexHeader(every))))];
  let operations = 0;
  let lastCheckpointLine = 0;
  const replay = await replayLines(
    sourceOf(logFile, () => tapped(logFile, tap)),
    {
      maxLineLength: options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
      mode: 'strict',
      verify: true,
      snapshotEvery: every,
      onSnapshot: (point) => {
        const end = ends.get(point.lastLine);
        if (end === undefined) {
          return;
        }
        ends.delete(point.lastLine);
        const checkpoint = checkpointOf(point, end.bytes, end.sha256, operations);
        operations = point.state.operations.size;
        lastCheckpointLine = point.lastLine;
        out.push(sealed(encodeCheckpoint(checkpoint)));
      },
    },
  );
  if (O.exists((stop: ReplayStop) => stop._tag === 'StoppedAtReadFailure')(replay.stopped)) {
    return Object.freeze({ checkpoints: 0, lastCheckpointLine: 0, replay, bytes: 0 });
  }
  const text = `${out.join('\n')}\n`;
  await fs.promises.writeFile(indexFile, text);
  return Object.freeze({
    checkpoints: out.length - 1,
    lastCheckpointLine,
    replay,
    bytes: Buffer.byteLength(text),
  });
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
  /** Where to resume; `none` when no checkpoint could be used (replay from the start). */
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

/** Bytes read at a time while hashing a prefix: large reads keep the hashing at disk speed. */
const HASH_READ = 1 << 22;

/** An index read and filtered: its checkpoints and how many of the first ones a replay may use. */
interface Candidates {
  readonly checkpoints: ReadonlyArray<Checkpoint>;
  readonly candidates: number;
  readonly size: number;
  readonly warnings: ReadonlyArray<string>;
}

/** The largest index read: its text must fit in one string. */
const MAX_INDEX_BYTES = 256 << 20;

const readCandidates = async (logFile: string, indexFile: string, bounds: ReplayBounds): Promise<Candidates> => {
  const none = (warnings: ReadonlyArray<string>): Candidates => ({ checkpoints: [], candidates: 0, size: 0, warnings });
  let text: string;
  try {
    // Read whole: a device (`/dev/zero`) or a file larger than a string is refused first.
    const stat = await fs.promises.stat(indexFile);
    if (!stat.isFile() && !stat.isDirectory()) {
      throw new Error('not a regular file');
    }
    if (stat.size > MAX_INDEX_BYTES) {
      throw new Error(`larger than an index can be (${String(MAX_INDEX_BYTES >> 20)} MiB)`);
    }
    text = await fs.promises.readFile(indexFile, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      return none([]);
    }
    return none([`cannot read ${indexFile}: ${errorMessage(error)}; replaying from the start`]);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const version = /^\{"format":"lifecycle-broadcast-index","version":(\d+),/.exec(first)?.[1];
  if (version !== undefined && Number(version) !== INDEX_VERSION) {
    return none([
      `${indexFile}: an index of format version ${version}, and this library reads version ${String(
        INDEX_VERSION,
      )}: ignored (run lifecycle-broadcast index again)`,
    ]);
  }
  const header = E.chain((t: string) => decodeIndexLine<IndexHeader>(IndexHeaderCodec, t))(
    E.mapLeft((problem: string): ReadonlyArray<string> => [problem])(unsealed(first)),
  );
  if (E.isLeft(header)) {
    return none([`${indexFile} line 1: ${header.left.join('; ')}: not an index this library wrote; ignored`]);
  }
  const warnings: string[] = [];
  const checkpoints: Checkpoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const c = E.chain((t: string) => decodeIndexLine<Checkpoint>(CheckpointCodec, t))(
      E.mapLeft((problem: string): ReadonlyArray<string> => [problem])(unsealed(lines[i] ?? '')),
    );
    if (E.isLeft(c)) {
      warnings.push(
        `${indexFile} line ${String(i + 1)}: ${c.left.join('; ')}; ignoring it and the checkpoints after it`,
      );
      break;
    }
    checkpoints.push(c.right);
  }
  let size: number;
  try {
    size = (await fs.promises.stat(logFile)).size;
  } catch {
    return none(warnings);
  }
  const candidates = checkpoints.filter((c) => c.bytes <= size && usable(c, bounds.until, bounds.from)).length;
  return { checkpoints, candidates, size, warnings };
};

/**
 * The SHA-256 of each prefix of `file` that ends at one of `offsets` (ascending), in one read,
 * computed on a worker thread so that the replay after the nearest checkpoint can run at the
 * same time (its result is used only once the hash agrees).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { file, ranges, chunk } = workerData;
(async () => {
  const digests = [];
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunk);
    for (const [start, end] of ranges) {
      const hash = createHash('sha256');
      let at = start;
      while (at < end) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(chunk, end - at), at);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
      digests.push(hash.digest('hex'));
    }
  } finally {
    await handle.close();
  }
  parentPort.postMessage({ digests });
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

/** The SHA-256 of each byte range of `file`, on a worker thread. */
const segmentHashes = (
  file: string,
  ranges: ReadonlyArray<readonly [number, number]>,
): Promise<ReadonlyArray<string>> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file, ranges, chunk: HASH_READ } });
    worker.once('message', (m: { readonly digests?: ReadonlyArray<string>; readonly error?: string }) => {
      if (m.digests === undefined) {
        reject(new Error(m.error ?? 'the hashing thread failed'));
      } else {
        resolve(m.digests);
      }
    });
    worker.once('error', reject);
  });

/** How many threads hash a log's segments side by side: one per core, at most two. */
const HASHING_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

/**
 * The hash of each prefix of `file` that ends at one of `offsets` (ascending), as `chained`
 * makes it: the segments between the offsets are hashed on worker threads, about the same number
 * of bytes on each, so that the replay after the nearest checkpoint can run at the same time
 * (its result is used only once the hash agrees).
 */
const prefixHashesOffThread = async (file: string, offsets: ReadonlyArray<number>): Promise<ReadonlyArray<string>> => {
  const ranges = offsets.map((end, i): readonly [number, number] => [i === 0 ? 0 : (offsets[i - 1] ?? 0), end]);
  const total = offsets[offsets.length - 1] ?? 0;
  const groups: Array<Array<readonly [number, number]>> = [[]];
  for (const range of ranges) {
    const group = groups[groups.length - 1] as Array<readonly [number, number]>;
    group.push(range);
    if (range[1] >= (total * groups.length) / HASHING_THREADS && groups.length < HASHING_THREADS) {
      groups.push([]);
    }
  }
  const segments = (await Promise.all(groups.filter((g) => g.length > 0).map((g) => segmentHashes(file, g)))).flat();
  const digests: string[] = [];
  let chain = '';
  for (const segment of segments) {
    chain = chained(chain, segment);
    digests.push(chain);
  }
  return digests;
};

/** The last candidate whose prefix hashes as recorded and that restores, with the warnings. */
const choose = (
  indexFile: string,
  logFile: string,
  found: Candidates,
  digests: ReadonlyArray<string>,
): {
  readonly at: number;
  readonly start: O.Option<ReplayStart & { readonly bytes: number }>;
  readonly warnings: ReadonlyArray<string>;
} => {
  const warnings = [...found.warnings];
  const stale: number[] = [];
  const staleWarning = (): void => {
    if (stale.length > 0) {
      const lines =
        stale.length === 1
          ? `line ${(stale[0] ?? 0).toLocaleString('en-US')}`
          : `lines ${(stale[stale.length - 1] ?? 0).toLocaleString('en-US')} to ${(stale[0] ?? 0).toLocaleString('en-US')}`;
      warnings.push(
        `${indexFile}: ${stale.length === 1 ? 'the checkpoint' : `${String(stale.length)} checkpoints`} after ${lines} ${
          stale.length === 1 ? 'does' : 'do'
        } not match ${logFile} (the log changed since it was indexed): ignored`,
      );
    }
  };
  for (let k = found.candidates; k > 0; k--) {
    const c = found.checkpoints[k - 1] as Checkpoint;
    if (digests[k - 1] === c.sha256) {
      const restored = restoreCheckpoint(found.checkpoints.slice(0, k));
      if (E.isRight(restored)) {
        staleWarning();
        return { at: k, start: O.some({ ...restored.right, bytes: c.bytes }), warnings };
      }
      warnings.push(`${indexFile}: ${restored.left}: ignored`);
    } else {
      stale.push(c.line);
    }
  }
  staleWarning();
  return { at: 0, start: O.none, warnings };
};

/**
 * The nearest checkpoint of `indexFile` that a replay of `logFile` bounded by `until` (and
 * counted from `from`) can resume from, restored, after checking that the log prefix it covers
 * still hashes the same. An index that is missing gives `none` and no warning; anything wrong
 * with one (a bad line, a stale checkpoint) gives a warning, and the checkpoints before it are
 * used when they are sound.
 *
 * @since 0.2.0
 */
export const startFromIndex = async (
  logFile: string,
  indexFile: string,
  bounds: ReplayBounds = {},
): Promise<IndexedStart> => {
  checkFiles('startFromIndex', logFile, indexFile);
  const checked = optionsObject('startFromIndex', bounds);
  checkLogBound('startFromIndex', 'until', checked.until);
  checkLogBound('startFromIndex', 'from', checked.from);
  const found = await readCandidates(logFile, indexFile, bounds);
  if (found.candidates === 0) {
    return { start: O.none, warnings: found.warnings };
  }
  const digests = await prefixHashesOffThread(
    logFile,
    found.checkpoints.slice(0, found.candidates).map((c) => c.bytes),
  );
  const { start, warnings } = choose(indexFile, logFile, found, digests);
  return { start, warnings };
};

/**
 * Replay `logFile` as `replayLines` would, resuming from the nearest valid checkpoint of
 * `indexFile` when there is one. Gives the same outcome as a replay from the start (for a
 * bounded replay, the same registry, statistics and verification), with the warnings about
 * checkpoints ignored and the line it resumed after (0 from the start).
 *
 * @since 0.2.0
 */
export const replayIndexed = async (
  logFile: string,
  indexFile: string,
  options: ReplayLinesOptions = {},
): Promise<IndexedReplay> => {
  checkFiles('replayIndexed', logFile, indexFile);
  optionsObject('replayIndexed', options);
  const fromStart = async (): Promise<LinesReplay> => replayLines(fileSource(logFile), options);
  const found = await readCandidates(logFile, indexFile, {
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.from === undefined ? {} : { from: options.from }),
  });
  if (found.candidates === 0) {
    return { replay: await fromStart(), resumedAfter: 0, warnings: found.warnings };
  }
  const resume = async (
    s: ReplayStart & { readonly bytes: number },
    observer: Pick<ReplayLinesOptions, 'onStep' | 'onInvalidLine' | 'onSnapshot'>,
  ): Promise<LinesReplay> =>
    replayLines(restOf(logFile, s.bytes), {
      ...options,
      ...(options.onProgress === undefined ? {} : { onProgress: (n: number) => options.onProgress?.(s.bytes + n) }),
      ...observer,
      // Counted from a bound: nothing before it counts, and the statistics begin when it is
      // reached (a window with no record in it counts nothing, as a replay from the start).
      start:
        options.from === undefined
          ? s
          : { ...s, stats: emptyLogStats, counting: false, checked: 0, divergences: 0, firstDivergence: O.none },
    });
  // While another thread hashes the prefixes, the nearest checkpoint is restored and the lines
  // after it replayed; what that replay shows its observers is held back until the hash agrees.
  const hashing = prefixHashesOffThread(
    logFile,
    found.checkpoints.slice(0, found.candidates).map((c) => c.bytes),
  );
  const nearest = found.checkpoints[found.candidates - 1] as Checkpoint;
  const restored = restoreCheckpoint(found.checkpoints.slice(0, found.candidates));
  const held: Array<() => void> = [];
  const speculative = E.isRight(restored)
    ? resume(
        { ...restored.right, bytes: nearest.bytes },
        {
          onStep: (step) => held.push(() => options.onStep?.(step)),
          onInvalidLine: (l) => held.push(() => options.onInvalidLine?.(l)),
          onSnapshot: (point) => held.push(() => options.onSnapshot?.(point)),
        },
      )
    : undefined;
  const [digests, early] = await Promise.all([hashing, speculative]);
  const chosen = choose(indexFile, logFile, found, digests);
  if (O.isNone(chosen.start)) {
    return { replay: await fromStart(), resumedAfter: 0, warnings: chosen.warnings };
  }
  if (chosen.at === found.candidates && early !== undefined) {
    for (const f of held) {
      f();
    }
    return { replay: early, resumedAfter: nearest.line, warnings: chosen.warnings };
  }
  const s = chosen.start.value;
  return { replay: await resume(s, {}), resumedAfter: s.lastLine, warnings: chosen.warnings };
};
