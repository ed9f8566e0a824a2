/**
 * A log's index: checkpoints restore the replay exactly as it was, a replay resumed from one
 * agrees with a replay from the start, and a checkpoint that no longer matches its log is
 * ignored with a warning, never trusted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import type { LinesReplay, LogBound } from '../../src/incident';
import { emptyLogStats, logRecord, logHeader, recordAction, recordedResult, snapshot, summarizeStats } from '../../src';
import { atLine, atTime, generateLog, replayLines } from '../../src/incident';
import type { Checkpoint, CheckpointGatherer } from '../../src/incident/checkpoint';
import { IndexPart, decodeIndexLine, gatherCheckpoint, restoreCheckpoint } from '../../src/incident/checkpoint';
import { fileSource, replayIndexed, startFromIndex, writeLog, writeLogIndex } from '../../src/node';

// Replays of 5,000 lines, several per test: generous on a loaded machine.
jest.setTimeout(60_000);

let dir: string;
let log: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-index-'));
  log = path.join(dir, 'broker.ndjson');
  const g = generateLog({ backends: 6, actions: 5000, seed: 11 });
  await writeLog(fs.createWriteStream(log), g.header, g.records);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What two replays must agree on. */
const outcome = (r: LinesReplay): unknown => ({
  lastLine: r.lastLine,
  state: snapshot(r.state),
  stats: summarizeStats(r.stats),
  checked: r.checked,
  divergences: r.divergences,
  invalidLines: r.invalidLines,
});

const fromStart = async (file: string, bounds: { until?: LogBound; from?: LogBound }): Promise<LinesReplay> =>
  replayLines(fileSource(file), { verify: true, ...bounds });

/** The text of each line of an index without its digest, as the codecs know it. */
const unsealedLines = (indexFile: string): ReadonlyArray<string> =>
  fs
    .readFileSync(indexFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/,"digest":"[0-9a-f]{64}"\}$/, '}'));

/** The checkpoints of an index, each gathered from its head and parts. */
const checkpointsOf = (indexFile: string): ReadonlyArray<Checkpoint> => {
  const checkpoints: Checkpoint[] = [];
  let gather: CheckpointGatherer | undefined;
  for (const text of unsealedLines(indexFile).slice(1)) {
    const part = decodeIndexLine<IndexPart>(IndexPart, text);
    if (E.isLeft(part)) {
      throw new Error(part.left.join('; '));
    }
    if (part.right._tag === 'Checkpoint') {
      if (gather !== undefined) {
        checkpoints.push(gather.result());
      }
      gather = gatherCheckpoint(part.right);
    } else if (gather !== undefined) {
      const added = gather.add(part.right);
      if (E.isLeft(added)) {
        throw new Error(added.left);
      }
    }
  }
  return gather === undefined ? checkpoints : [...checkpoints, gather.result()];
};

/** The line numbers (from 1) of the checkpoint heads of an index. */
const headLines = (indexFile: string): ReadonlyArray<number> =>
  unsealedLines(indexFile).flatMap((l, i) => (l.startsWith('{"_tag":"Checkpoint"') ? [i + 1] : []));

describe('writeLogIndex', () => {
  it('should write a checkpoint every N lines that restores the replay as it was after that line', async () => {
    const indexFile = path.join(dir, 'a.index');
    const written = await writeLogIndex(log, indexFile, { every: 700 });
    expect(written.checkpoints).toBe(7);
    expect(written.lastCheckpointLine).toBe(4900);
    const checkpoints = checkpointsOf(indexFile);
    for (const k of [1, 4, 7]) {
      const restored = restoreCheckpoint(checkpoints.slice(0, k));
      if (E.isLeft(restored)) {
        throw new Error(restored.left);
      }
      const line = k * 700;
      const expected = await fromStart(log, { until: atLine(line) });
      expect(restored.right.lastLine).toBe(line);
      expect(snapshot(restored.right.state)).toEqual(snapshot(expected.state));
      expect(summarizeStats(restored.right.stats)).toEqual(summarizeStats(expected.stats));
      expect(restored.right.checked).toBe(expected.checked);
    }
  });

  it('should stop its checkpoints before the first bad line', async () => {
    const bad = path.join(dir, 'bad.ndjson');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines[1500] = '{"_tag":"Restart"}';
    fs.writeFileSync(bad, lines.join('\n'));
    const written = await writeLogIndex(bad, path.join(dir, 'bad.index'), { every: 500 });
    expect(written.lastCheckpointLine).toBe(1500);
    expect(O.isSome(written.replay.stopped)).toBe(true);
  });
});

describe('writeLogIndex on wrong input', () => {
  it('should write no index for a log that cannot be read', async () => {
    const indexFile = path.join(dir, 'missing.index');
    const written = await writeLogIndex(path.join(dir, 'missing.ndjson'), indexFile);
    expect(written).toMatchObject({ checkpoints: 0, bytes: 0 });
    expect(O.toUndefined(written.replay.stopped)?._tag).toBe('StoppedAtReadFailure');
    expect(fs.existsSync(indexFile)).toBe(false);
  });

  it('should throw a TypeError or RangeError naming a wrong argument from plain JavaScript', async () => {
    const untyped = writeLogIndex as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    await expect(untyped(123)).rejects.toThrow(new TypeError('writeLogIndex: logFile must be a file name, got 123'));
    await expect(untyped(log)).rejects.toThrow(
      new TypeError('writeLogIndex: indexFile must be a file name, got nothing'),
    );
    await expect(untyped(log, path.join(dir, 'x.index'), { every: 'x' })).rejects.toThrow(
      new TypeError('writeLogIndex: every must be an integer of at least 1, got "x"'),
    );
    await expect(untyped(log, path.join(dir, 'x.index'), { every: 0 })).rejects.toThrow(RangeError);
    expect(fs.existsSync(path.join(dir, 'x.index'))).toBe(false);
  });
});

describe('replayIndexed', () => {
  let indexFile: string;

  beforeAll(async () => {
    indexFile = path.join(dir, 'b.index');
    await writeLogIndex(log, indexFile, { every: 500 });
  });

  it.each([
    ['near the end', { until: atLine(4990) }, 4500],
    ['on a checkpoint', { until: atLine(3000) }, 3000],
    ['before the first checkpoint', { until: atLine(400) }, 0],
    ['to the end', {}, 5000],
    ['within a window', { from: atLine(2600), until: atLine(3900) }, 2500],
  ] as const)('should agree with a replay from the start %s', async (_, bounds, resumedAfter) => {
    const r = await replayIndexed(log, indexFile, { verify: true, ...bounds });
    expect(r.warnings).toEqual([]);
    expect(r.resumedAfter).toBe(resumedAfter);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(log, bounds)));
  });

  it('should ignore checkpoints whose prefix changed, with one warning, and still replay right', async () => {
    const edited = path.join(dir, 'edited.ndjson');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    // A line between the checkpoints after lines 2000 and 2500: the same length, another backend state.
    const at = lines.findIndex((l, i) => i >= 2000 && l.includes('"live":'));
    expect(at).toBeGreaterThanOrEqual(2000);
    expect(at).toBeLessThan(2500);
    lines[at] = (lines[at] ?? '').includes('"live":true')
      ? (lines[at] ?? '').replace('"live":true', '"live":fals')
      : (lines[at] ?? '').replace('"live":false', '"live":true ');
    fs.writeFileSync(edited, lines.join('\n'));
    const r = await replayIndexed(edited, indexFile, { verify: true, until: atLine(4800) });
    expect(r.resumedAfter).toBe(2000);
    expect(r.warnings).toEqual([
      `${indexFile}: 5 checkpoints after lines 2,500 to 4,500 do not match ${edited} (the log before it hashes otherwise: the log changed since it was indexed): ignored`,
    ]);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(edited, { until: atLine(4800) })));
  });

  it('should keep using its checkpoints when the log only grew', async () => {
    const grown = path.join(dir, 'grown.ndjson');
    fs.copyFileSync(log, grown);
    const more = generateLog({ backends: 2, actions: 50, seed: 2 });
    fs.appendFileSync(grown, [...more.records].map((e) => `${JSON.stringify(e)}\n`).join(''));
    const r = await replayIndexed(grown, indexFile, { verify: true });
    expect(r.warnings).toEqual([]);
    expect(r.resumedAfter).toBe(5000);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(grown, {})));
  });

  it('should warn about a damaged index line and use the checkpoints before it', async () => {
    const damaged = path.join(dir, 'damaged.index');
    const lines = fs.readFileSync(indexFile, 'utf8').split('\n');
    // The head of the fourth checkpoint (after line 2,000).
    const head = headLines(indexFile)[3] ?? 0;
    lines[head - 1] = lines[head - 1]?.replace('"sha256":"', '"sha256":"XYZ') ?? '';
    fs.writeFileSync(damaged, lines.join('\n'));
    const r = await startFromIndex(log, damaged, { until: atLine(4990) });
    expect(r.warnings).toEqual([
      `${damaged} line ${String(head)}: its digest does not match its text (the line was edited, moved or cut); ignoring it and the checkpoints after it`,
    ]);
    expect(O.toUndefined(r.start)?.lastLine).toBe(1500);
  });

  it('should find a change near the end of the log as well as near its start', async () => {
    const edited = path.join(dir, 'edited-late.ndjson');
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    const at = lines.findIndex((l, i) => i >= 4000 && l.includes('"live":'));
    expect(at).toBeLessThan(4500);
    lines[at] = (lines[at] ?? '').includes('"live":true')
      ? (lines[at] ?? '').replace('"live":true', '"live":fals')
      : (lines[at] ?? '').replace('"live":false', '"live":true ');
    fs.writeFileSync(edited, lines.join('\n'));
    const r = await replayIndexed(edited, indexFile, { verify: true, until: atLine(4800) });
    expect(r.resumedAfter).toBe(4000);
    expect(r.warnings).toEqual([
      `${indexFile}: the checkpoint after line 4,500 does not match ${edited} (the log before it hashes otherwise: the log changed since it was indexed): ignored`,
    ]);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(edited, { until: atLine(4800) })));
  });

  it('should refuse a checkpoint edited into other valid data, and replay right from the one before', async () => {
    const edited = path.join(dir, 'edited-stats.index');
    const lines = fs.readFileSync(indexFile, 'utf8').split('\n');
    // Still a valid checkpoint: twice as many steps, and its digest left as it was.
    const head = headLines(indexFile)[5] ?? 0;
    lines[head - 1] = (lines[head - 1] ?? '').replace(
      /"steps":(\d+)/,
      (_, n: string) => `"steps":${String(Number(n) * 2)}`,
    );
    fs.writeFileSync(edited, lines.join('\n'));
    const r = await replayIndexed(log, edited, { verify: true, until: atLine(4990) });
    expect(r.warnings).toEqual([
      `${edited} line ${String(head)}: its digest does not match its text (the line was edited, moved or cut); ignoring it and the checkpoints after it`,
    ]);
    expect(r.resumedAfter).toBe(2500);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(log, { until: atLine(4990) })));
  });

  it('should ignore an index of another format version, saying to index again', async () => {
    const old = path.join(dir, 'old.index');
    fs.writeFileSync(old, '{"format":"lifecycle-broadcast-index","version":1,"every":500}\n');
    const r = await replayIndexed(log, old, { until: atLine(100) });
    expect(r.warnings).toEqual([
      `${old} line 1: an index of format version 1, and this library reads version 3 (run lifecycle-broadcast index again): not an index this library can use; ignored`,
    ]);
    expect(r.resumedAfter).toBe(0);
  });

  it('should warn about an index that is a device, and replay from the start without reading it', async () => {
    const r = await replayIndexed(log, '/dev/zero', { verify: true, until: atLine(100) });
    expect(r.warnings).toEqual(['cannot read /dev/zero: not a regular file; replaying from the start']);
    expect(r.resumedAfter).toBe(0);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(log, { until: atLine(100) })));
  });

  it('should throw a TypeError naming a wrong argument from plain JavaScript', async () => {
    const replayIndexedUntyped = replayIndexed as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    const startUntyped = startFromIndex as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    await expect(replayIndexedUntyped(log)).rejects.toThrow(
      new TypeError('replayIndexed: indexFile must be a file name, got nothing'),
    );
    await expect(replayIndexedUntyped(log, `${log}.index`, 3)).rejects.toThrow(
      new TypeError('replayIndexed: options must be an object, got 3'),
    );
    await expect(startUntyped(1, 2)).rejects.toThrow(
      new TypeError('startFromIndex: logFile must be a file name, got 1'),
    );
    await expect(startUntyped(log, `${log}.index`, { until: 5 })).rejects.toThrow(TypeError);
  });

  it('should say nothing when there is no index, and replay from the start', async () => {
    const r = await replayIndexed(log, path.join(dir, 'none.index'), { until: atLine(100) });
    expect(r).toMatchObject({ resumedAfter: 0, warnings: [] });
  });

  it('should resume a timed log from the last checkpoint before a time', async () => {
    const timed = path.join(dir, 'timed.ndjson');
    const g = generateLog({ backends: 4, actions: 2000, seed: 5 });
    const t0 = Date.parse('2026-11-27T14:00:00Z');
    await writeLog(
      fs.createWriteStream(timed),
      logHeader(g.header.policy, 'epochMillis'),
      [...g.records].map((e, i) => logRecord(recordAction(e), recordedResult(e), t0 + i * 1000)),
    );
    const timedIndex = path.join(dir, 'timed.index');
    await writeLogIndex(timed, timedIndex, { every: 300 });
    const until = atTime(t0 + 1234 * 1000);
    const r = await replayIndexed(timed, timedIndex, { until });
    expect(r.resumedAfter).toBe(1200);
    expect(outcome(r.replay)).toEqual(outcome(await replayLines(fileSource(timed), { until })));
  });

  it('should count nothing in a window without records, as a replay from the start does', async () => {
    const gapped = path.join(dir, 'gapped.ndjson');
    const g = generateLog({ backends: 4, actions: 2000, seed: 5 });
    const t0 = Date.parse('2026-11-27T14:00:00Z');
    // An hour without records after the 1,500th.
    const timeOf = (i: number): number => t0 + i * 1000 + (i >= 1500 ? 3_600_000 : 0);
    await writeLog(
      fs.createWriteStream(gapped),
      logHeader(g.header.policy, 'epochMillis'),
      [...g.records].map((e, i) => logRecord(recordAction(e), recordedResult(e), timeOf(i))),
    );
    const gappedIndex = path.join(dir, 'gapped.index');
    await writeLogIndex(gapped, gappedIndex, { every: 300 });
    const window = { from: atTime(timeOf(1499) + 600_000), until: atTime(timeOf(1499) + 1_200_000) };
    const r = await replayIndexed(gapped, gappedIndex, { verify: true, ...window });
    expect(r.resumedAfter).toBeGreaterThan(0);
    expect(O.isNone(r.replay.countedFrom)).toBe(true);
    expect(summarizeStats(r.replay.stats).actions).toEqual(summarizeStats(emptyLogStats).actions);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(gapped, window)));
  });
});
