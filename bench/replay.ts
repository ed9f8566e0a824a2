/**
 * W4 replay: generate a log (about 200 backends, about 20% broadcasts), then in fresh processes
 * time a loop that only parses each line against the library's validate-and-replay of the same
 * file, and read the replaying process's peak RSS.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateLog, writeLog } from '../src';

/** What W4 reports. */
export interface ReplayFigures {
  readonly lines: number;
  readonly bytes: number;
  readonly parseLinesPerSecond: number;
  readonly replayLinesPerSecond: number;
  readonly parseSeconds: number;
  readonly replaySeconds: number;
  readonly peakRssMb: number;
  readonly parsePeakRssMb: number;
}

interface ChildFigures {
  readonly lines: number;
  readonly seconds: number;
  readonly peakRssMb: number;
}

const child = (mode: 'parse' | 'replay', file: string): ChildFigures => {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'replayChild.js'), mode, file], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`W4 ${mode} failed: ${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout) as ChildFigures;
};

/** Run W4: 1,000,000 lines, or 100,000 with `quick`; the best of `runs` for each side. */
export const replayWorkload = async (quick: boolean, runs = 3): Promise<ReplayFigures> => {
  const lines = quick ? 100_000 : 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-w4-'));
  const file = path.join(dir, 'w4.ndjson');
  try {
    const log = generateLog({ backends: 200, actions: lines - 1, seed: 2024, results: false });
    await writeLog(fs.createWriteStream(file), log.header, log.entries);
    const best = (mode: 'parse' | 'replay'): ChildFigures => {
      const all = Array.from({ length: runs }, () => child(mode, file));
      return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    };
    const parse = best('parse');
    const replay = best('replay');
    return {
      lines: replay.lines,
      bytes: fs.statSync(file).size,
      parseLinesPerSecond: parse.lines / parse.seconds,
      replayLinesPerSecond: replay.lines / replay.seconds,
      parseSeconds: parse.seconds,
      replaySeconds: replay.seconds,
      peakRssMb: replay.peakRssMb,
      parsePeakRssMb: parse.peakRssMb,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
