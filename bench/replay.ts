/**
 * The replay benchmarks' harness: write a generated log to a temporary file, and measure a
 * fresh process reading it (bench/replayChild.ts). W4 of `npm run bench` and the memory budget
 * check of `npm run bench:replay` (bench/replayBudget.ts) are both built on it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { generateLog } from '../src/incident';
import { writeLog } from '../src/node';

/** What one measured process reports. */
export interface ChildFigures {
  readonly lines: number;
  /** CPU time, user and system. */
  readonly seconds: number;
  readonly wallSeconds: number;
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

/** What W4 reports for one log. */
export interface ReplayFigures {
  readonly lines: number;
  readonly bytes: number;
  /** Seconds of each run of the bare parse loop, and of the measured mode, in the order run. */
  readonly parseSeconds: ReadonlyArray<number>;
  readonly modeSeconds: ReadonlyArray<number>;
  /** Peak RSS of each run of the measured mode, and of the parse loop, MB. */
  readonly peakRssMb: ReadonlyArray<number>;
  readonly parsePeakRssMb: ReadonlyArray<number>;
}

/**
 * W4: generate the log of `spec`, then `runs` times, each in a fresh process, the loop that only
 * parses each line and `mode` (validate and replay, or replay and verify), one right after the
 * other so that each pair can be compared under the same load.
 */
export const replayWorkload = (spec: LogSpec, mode: 'replay' | 'verify', runs: number): Promise<ReplayFigures> =>
  withGeneratedLog(spec, (file) => {
    const parse: ChildFigures[] = [];
    const measured: ChildFigures[] = [];
    for (let r = 0; r < runs; r++) {
      // Alternate which goes first, so that neither always meets a cold page cache.
      if (r % 2 === 0) {
        parse.push(measureChild('parse', file));
        measured.push(measureChild(mode, file));
      } else {
        measured.push(measureChild(mode, file));
        parse.push(measureChild('parse', file));
      }
    }
    const last = measured[measured.length - 1];
    if (last === undefined) {
      throw new Error('W4: no run');
    }
    if (last.invalidLines !== 0 || last.divergences !== 0) {
      throw new Error(
        `W4: the replay was not clean (${String(last.invalidLines)} invalid, ${String(last.divergences)} divergences)`,
      );
    }
    return {
      lines: last.lines,
      bytes: fs.statSync(file).size,
      parseSeconds: parse.map((p) => p.seconds),
      modeSeconds: measured.map((m) => m.seconds),
      peakRssMb: measured.map((m) => m.peakRssMb),
      parsePeakRssMb: parse.map((p) => p.peakRssMb),
    };
  });
