/**
 * The replay benchmarks' harness: write a generated log to a temporary file, and measure a
 * fresh process reading it (bench/replayChild.ts). W4 of `npm run bench` and the memory budget
 * check of `npm run bench:replay` (bench/replayBudget.ts) are both built on it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateLog } from '../src';
import { writeLog } from '../src/node';

/** What one measured process reports. */
export interface ChildFigures {
  readonly lines: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  /** For `replay` and `verify`: recorded results compared, divergences and bad lines. */
  readonly checked?: number;
  readonly divergences?: number;
  readonly invalidLines?: number;
}

/** Measure, in a fresh process, `mode` over `file`. */
export const measureChild = (mode: 'parse' | 'replay' | 'verify', file: string): ChildFigures => {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'replayChild.js'), mode, file], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${mode} of ${file} failed: ${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout) as ChildFigures;
};

/** What to generate: `lines` lines in all (header included). */
export interface LogSpec {
  readonly lines: number;
  readonly backends: number;
  readonly seed: number;
  readonly results: boolean;
}

/** Generate the log of `spec` into a fresh temporary folder, hand its path to `use`, then remove it. */
export const withGeneratedLog = async <A>(spec: LogSpec, use: (file: string) => A | Promise<A>): Promise<A> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-bench-'));
  const file = path.join(dir, 'log.ndjson');
  try {
    const log = generateLog({
      backends: spec.backends,
      actions: spec.lines - 1,
      seed: spec.seed,
      results: spec.results,
    });
    await writeLog(fs.createWriteStream(file), log.header, log.records);
    return await use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

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

/**
 * W4: a log of about 200 backends and 20% broadcasts, without recorded results (1,000,000 lines,
 * or 100,000 with `quick`); a loop that only parses each line against validate-and-replay, each
 * the best of `runs` fresh processes.
 */
export const replayWorkload = (quick: boolean, runs = 3): Promise<ReplayFigures> =>
  withGeneratedLog({ lines: quick ? 100_000 : 1_000_000, backends: 200, seed: 2024, results: false }, (file) => {
    const best = (mode: 'parse' | 'replay'): ChildFigures => {
      const all = Array.from({ length: runs }, () => measureChild(mode, file));
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
  });
