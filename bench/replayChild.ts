/**
 * The measured process of the replay benchmarks, started by bench/replay.ts: `parse FILE` reads
 * the log and only `JSON.parse`s each line; `replay FILE` validates and replays it with the
 * streaming reader; `verify FILE` does the same and also checks every recorded result. Prints
 * one JSON object: lines, seconds of CPU time (user and system: on a shared machine the wall
 * time measures the other work too) and of wall time, peak RSS, and for a replay what it checked.
 */
import * as fs from 'node:fs';

import { replayLog } from '../src';
import { fileSource } from '../src/node';
import { lineBatches } from '../src/internal/lines';

const [mode, file] = process.argv.slice(2);

/**
 * This process's peak resident set, MB. On Linux from `VmHWM`, the high-water mark of this
 * process's own memory: `getrusage`'s maximum (`process.resourceUsage().maxRSS`) can carry the
 * parent's over the exec that started this process, and then reports the parent's peak.
 */
const peakRssMb = (): number => {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1] !== undefined) {
      return Number(m[1]) / 1024;
    }
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
};

const parseOnly = async (path: string): Promise<number> => {
  let lines = 0;
  const chunks = fs.createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  for await (const batch of lineBatches(chunks, Number.POSITIVE_INFINITY)) {
    for (const l of batch) {
      if (l._tag === 'TextLine' && l.text !== '') {
        JSON.parse(l.text);
        lines += 1;
      }
    }
  }
  return lines;
};

const main = async (): Promise<void> => {
  if (file === undefined || (mode !== 'parse' && mode !== 'replay' && mode !== 'verify')) {
    throw new Error('usage: replayChild parse|replay|verify FILE');
  }
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const times = (): { seconds: number; wallSeconds: number } => {
    const d = process.cpuUsage(cpu);
    return { seconds: (d.user + d.system) / 1e6, wallSeconds: Number(process.hrtime.bigint() - start) / 1e9 };
  };
  if (mode === 'parse') {
    const lines = await parseOnly(file);
    process.stdout.write(JSON.stringify({ lines, ...times(), peakRssMb: peakRssMb() }));
    return;
  }
  const r = await replayLog(fileSource(file), { verify: mode === 'verify' });
  process.stdout.write(
    JSON.stringify({
      lines: r.lastLine,
      ...times(),
      peakRssMb: peakRssMb(),
      checked: r.checked,
      divergences: r.divergences,
      invalidLines: r.invalidLines,
    }),
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
