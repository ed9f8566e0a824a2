/**
 * An index that pays: it takes at most its share of the log (a tenth by default) whatever the
 * registry's size, a checkpoint is used only when restoring it costs less than the replay it
 * saves, the cheap checks (size, line ends, header) come before the hash, and a keyed seal
 * refuses an index edited and resealed by anyone without the key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

import * as O from 'fp-ts/Option';

import type { LinesReplay, LogBound } from '../../src/incident';
import { logHeader, logRecord, recordAction, recordedResult, snapshot, summarizeStats } from '../../src';
import { atLine, generateLog, replayLines } from '../../src/incident';
import { fileSource, replayIndexed, startFromIndex, writeLog, writeLogIndex } from '../../src/node';

// Each test replays a log of 8,000 lines a few times: generous on a loaded machine.
jest.setTimeout(120_000);

let dir: string;
/** 120 backends, 8,000 actions: a checkpoint is larger than 200 lines of log. */
let wide: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-index-pays-'));
  wide = path.join(dir, 'wide.ndjson');
  const g = generateLog({ backends: 120, actions: 8000, seed: 3 });
  await writeLog(fs.createWriteStream(wide), g.header, g.records);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const outcome = (r: LinesReplay): unknown => ({
  lastLine: r.lastLine,
  state: snapshot(r.state),
  stats: summarizeStats(r.stats),
  checked: r.checked,
  divergences: r.divergences,
});

const fromStart = (file: string, until: LogBound): Promise<LinesReplay> =>
  replayLines(fileSource(file), { verify: true, until });

/** An index's lines, each with the text its digest seals. */
const indexLines = (file: string): ReadonlyArray<string> =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

/** Seal lines as an unkeyed index does: each line's SHA-256 chained to the line before. */
const resealed = (lines: ReadonlyArray<string>): string => {
  let previous = '';
  return `${lines
    .map((l) => {
      const text = l.replace(/,"digest":"[0-9a-f]{64}"\}$/, '}');
      previous = createHash('sha256').update(previous).update('\n').update(text).digest('hex');
      return `${text.slice(0, -1)},"digest":"${previous}"}`;
    })
    .join('\n')}\n`;
};

describe('writeLogIndex spacing checkpoints by their cost', () => {
  it.each([
    ['a tenth', undefined, 0.1],
    ['a share given', 0.05, 0.05],
  ] as const)('should keep the index within %s of the log, and still resume right', async (_, share, limit) => {
    const indexFile = path.join(dir, `wide-${String(limit)}.index`);
    const written = await writeLogIndex(wide, indexFile, { every: 200, ...(share === undefined ? {} : { share }) });
    const size = fs.statSync(wide).size;
    expect(written.bytes).toBe(fs.statSync(indexFile).size);
    expect(written.bytes).toBeLessThanOrEqual(limit * size);
    expect(written.checkpoints).toBeGreaterThan(0);
    // Farther apart than --every: each checkpoint weighs more than 200 lines of log.
    expect(written.checkpoints).toBeLessThan(8000 / 200);
    const until = atLine(7990);
    const r = await replayIndexed(wide, indexFile, { verify: true, until });
    expect(r.warnings).toEqual([]);
    expect(r.resumedAfter).toBe(written.lastCheckpointLine);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(wide, until)));
  });

  it('should leave no file behind when the log cannot be read, nor keep one that was half written', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'out-'));
    const written = await writeLogIndex(path.join(dir, 'missing.ndjson'), path.join(sub, 'x.index'));
    expect(written.bytes).toBe(0);
    expect(fs.readdirSync(sub)).toEqual([]);
  });

  it('should refuse a share that is not above 0 and at most 1, and a key that is not text or bytes', async () => {
    const untyped = writeLogIndex as (...args: ReadonlyArray<unknown>) => Promise<unknown>;
    await expect(untyped(wide, path.join(dir, 'n.index'), { share: 0 })).rejects.toThrow(
      'writeLogIndex: share must be a number above 0 and at most 1, got 0',
    );
    await expect(untyped(wide, path.join(dir, 'n.index'), { share: '0.1' })).rejects.toThrow(TypeError);
    await expect(untyped(wide, path.join(dir, 'n.index'), { key: 42 })).rejects.toThrow(
      'writeLogIndex: key must be a non-empty string or Uint8Array, got 42',
    );
  });
});

describe('replayIndexed using a checkpoint only when it pays', () => {
  it('should replay from the start when every checkpoint costs more to restore than it saves', async () => {
    // share 1 and a checkpoint every 100 lines: the first ones weigh about as much as their log.
    const indexFile = path.join(dir, 'costly.index');
    const written = await writeLogIndex(wide, indexFile, { every: 100, share: 1 });
    expect(written.checkpoints).toBeGreaterThan(10);
    const heads = indexLines(indexFile).filter((l) => l.startsWith('{"_tag":"Checkpoint"'));
    const firstLine = Number(/"line":(\d+)/.exec(heads[0] ?? '')?.[1]);
    const early = atLine(firstLine + 50);
    const r = await replayIndexed(wide, indexFile, { verify: true, until: early });
    expect(r).toMatchObject({ resumedAfter: 0, warnings: [] });
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(wide, early)));
    // Late in the log, the replay saved outweighs the checkpoint: it is used.
    const late = atLine(7990);
    const l = await replayIndexed(wide, indexFile, { verify: true, until: late });
    expect(l.resumedAfter).toBeGreaterThan(4000);
    expect(outcome(l.replay)).toEqual(outcome(await fromStart(wide, late)));
  });
});

describe('startFromIndex cheap checks', () => {
  let indexFile: string;
  let lines: ReadonlyArray<string>;

  beforeAll(async () => {
    indexFile = path.join(dir, 'checks.index');
    await writeLogIndex(wide, indexFile, { every: 200 });
    lines = fs.readFileSync(wide, 'utf8').split('\n');
  });

  it('should refuse a checkpoint beyond the end of a log that shrank', async () => {
    const cut = path.join(dir, 'cut.ndjson');
    fs.writeFileSync(cut, `${lines.slice(0, 3000).join('\n')}\n`);
    const r = await startFromIndex(cut, indexFile, {});
    // The checkpoints within the cut log are still used.
    expect(O.toUndefined(r.start)?.lastLine ?? 0).toBeLessThan(3000);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /^.*checks\.index: the checkpoint after line [\d,]+ covers [\d,]+ bytes, and .*cut\.ndjson has [\d,]+ \(the log changed since it was indexed\): ignored, and those after it$/,
    );
  });

  it('should refuse the index of a log with another header', async () => {
    const other = path.join(dir, 'other-header.ndjson');
    fs.writeFileSync(
      other,
      [JSON.stringify({ ...JSON.parse(lines[0] ?? '{}'), policy: { ackTimeoutMs: 1234 } }), ...lines.slice(1)].join(
        '\n',
      ),
    );
    const r = await startFromIndex(other, indexFile, {});
    expect(O.isNone(r.start)).toBe(true);
    expect(r.warnings).toEqual([
      `${indexFile}: the checkpoint after line ${/"line":(\d+)/.exec(indexLines(indexFile)[1] ?? '')?.[1]?.replace(/\B(?=(\d{3})+$)/g, ',') ?? ''} has another header than ${other}: not this log's index; ignored`,
    ]);
  });

  it('should refuse a checkpoint whose bytes no longer end after its number of lines', async () => {
    const shifted = path.join(dir, 'shifted.ndjson');
    // One blank line early on: every checkpoint's bytes now end one byte short, mid-line count.
    fs.writeFileSync(shifted, [lines[0], '', ...lines.slice(1)].join('\n'));
    const r = await startFromIndex(shifted, indexFile, {});
    expect(O.isNone(r.start)).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /line ends in the [\d,]+ bytes it covers, not [\d,]+ ending there: the log changed since it was indexed\): ignored$/,
    );
  });
});

describe('an index sealed with a key', () => {
  const key = 'a secret the operators keep';
  let keyed: string;
  let log: string;

  beforeAll(async () => {
    log = path.join(dir, 'keyed.ndjson');
    const g = generateLog({ backends: 6, actions: 3000, seed: 9 });
    await writeLog(
      fs.createWriteStream(log),
      logHeader(g.header.policy),
      [...g.records].map((e) => logRecord(recordAction(e), recordedResult(e))),
    );
    keyed = path.join(dir, 'keyed.index');
    await writeLogIndex(log, keyed, { every: 500, key });
  });

  it('should say how it is sealed, and resume with the key', async () => {
    expect(JSON.parse(indexLines(keyed)[0] ?? '{}')).toMatchObject({ seal: 'hmac-sha256' });
    const r = await replayIndexed(log, keyed, { verify: true, until: atLine(2990), key: Buffer.from(key) });
    expect(r.warnings).toEqual([]);
    expect(r.resumedAfter).toBeGreaterThan(0);
    expect(outcome(r.replay)).toEqual(outcome(await fromStart(log, atLine(2990))));
  });

  it.each([
    ['without the key', {}, 'the index is sealed with a key, and none was given'],
    [
      'with another key',
      { key: 'a guess' },
      'its seal does not match its text and key (the line was edited, moved or cut, or sealed with another key)',
    ],
  ] as const)('should not be used %s', async (_, options, problem) => {
    const r = await replayIndexed(log, keyed, { until: atLine(2990), ...options });
    expect(r.resumedAfter).toBe(0);
    expect(r.warnings).toEqual([`${keyed} line 1: ${problem}: not an index this library can use; ignored`]);
  });

  it('should refuse an edited checkpoint resealed without the key, which an unkeyed index cannot tell', async () => {
    const unkeyed = path.join(dir, 'unkeyed.index');
    await writeLogIndex(log, unkeyed, { every: 500 });
    // An editor who can rewrite the index: one more registration, every digest recomputed.
    const forged = path.join(dir, 'forged.index');
    fs.writeFileSync(
      forged,
      resealed(
        indexLines(unkeyed).map((l) =>
          l.replace(/"Register":(\d+)/, (_, n: string) => `"Register":${String(Number(n) + 1)}`),
        ),
      ),
    );
    // Without a key the digest detects accidents only: the forgery is trusted (docs/cli.md says so).
    const trusted = await replayIndexed(log, forged, { until: atLine(2990) });
    expect(trusted.resumedAfter).toBeGreaterThan(0);
    expect(trusted.warnings).toEqual([]);
    expect(summarizeStats(trusted.replay.stats).actions.Register).toBe(
      summarizeStats((await fromStart(log, atLine(2990))).stats).actions.Register + 1,
    );
    // With the key, neither the forgery nor any unkeyed index is used.
    const refused = await replayIndexed(log, forged, { until: atLine(2990), key });
    expect(refused.resumedAfter).toBe(0);
    expect(refused.warnings).toEqual([
      `${forged} line 1: the index is not sealed with a key, and one was given (an index without a seal anyone could forge): not an index this library can use; ignored`,
    ]);
    // And a keyed index edited and resealed with a guessed key is refused at its first line.
    const guessed = path.join(dir, 'guessed.index');
    fs.writeFileSync(guessed, resealed(indexLines(keyed)));
    const g = await replayIndexed(log, guessed, { until: atLine(2990), key });
    expect(g.resumedAfter).toBe(0);
    expect(g.warnings).toHaveLength(1);
  });
});
