/**
 * `npm run bench:live`: W5 alone (see bench/live.ts), over Unix sockets and TCP, printed as a
 * table with the targets.
 *
 *   npm run bench:live                  # 1,000 backends, 15 broadcasts per configuration, the sequential loop
 *   npm run bench:live -- --quick       # 100 backends, 3 broadcasts
 *   npm run bench:live -- --no-sequential --out w5.json
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import { BOUNDED, REPLY_DELAY_MS, liveWorkload } from './live';
import type { LiveFigures, Spread } from './live';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;

const ms = (s: Spread): string => `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;

/** The W5 rows and targets, shared with `npm run bench`. */
export const liveReport = (
  f: LiveFigures,
): { readonly lines: ReadonlyArray<string>; readonly targets: ReadonlyArray<readonly [string, number, number]> } => {
  const lines = [
    `W5 ${f.transport}, ${String(f.backends)} backends answering after ${String(REPLY_DELAY_MS)} ms: wall ms, median (min-max) of ${String(f.wallDefault.runs)} broadcasts`,
    `  default concurrency        ${ms(f.wallDefault)}   = ${(f.wallDefault.median / REPLY_DELAY_MS).toFixed(2)}x the floor`,
    `  concurrency ${String(BOUNDED)}            ${ms(f.wallBounded)}   = ${(f.wallBounded.median / REPLY_DELAY_MS).toFixed(2)}x the floor`,
    `  bare sockets (the floor of Node's socket stack)  ${ms(f.wallBare)}; CPU ${f.cpuUsBare.median.toFixed(1)} us per backend`,
    `  sequential loop            ${f.sequentialMs === null ? 'not run' : `${f.sequentialMs.toFixed(0)} ms = ${(f.sequentialMs / f.wallDefault.median).toFixed(0)}x the default run`}`,
    `  10% never answer, 250 ms policy, default concurrency  ${ms(f.tenPercentSilentDefault)}`,
    `  10% never answer, 250 ms policy, concurrency ${String(BOUNDED)}      ${ms(f.tenPercentSilentBounded)}`,
    `  CPU of the broker per backend per broadcast, us       ${f.cpuUsPerBackend.median.toFixed(1)} (${f.cpuUsPerBackend.min.toFixed(1)}-${f.cpuUsPerBackend.max.toFixed(1)}) = ${(f.cpuUsPerBackend.median / f.cpuUsBare.median).toFixed(2)}x the bare sockets'`,
    `  every broadcast had the expected outcomes: ${f.allAsExpected ? 'yes' : 'NO'}; answers that came after the policy anyway: ${String(f.answeringButLate)}; load average ${f.loadAverage[0].toFixed(1)} before, ${f.loadAverage[1].toFixed(1)} after (${String(os.cpus().length)} cores)`,
  ];
  const targets: Array<readonly [string, number, number]> = [
    [`W5 ${f.transport} wall / 20 ms floor (default concurrency)`, f.wallDefault.median / REPLY_DELAY_MS, 5],
    [
      `W5 ${f.transport} 10% silent, 250 ms policy, wall ms (default concurrency)`,
      f.tenPercentSilentDefault.median,
      400,
    ],
  ];
  if (f.sequentialMs !== null) {
    targets.push([`W5 ${f.transport} wall / sequential loop`, f.wallDefault.median / f.sequentialMs, 0.01]);
  }
  return { lines, targets };
};

const main = async (): Promise<void> => {
  const backends = quick ? 100 : 1000;
  const runs = quick ? 3 : 15;
  const figures: LiveFigures[] = [];
  for (const kind of ['unix', 'tcp'] as const) {
    process.stderr.write(`W5 over ${kind}: ${String(backends)} backends\n`);
    figures.push(
      await liveWorkload(kind, { backends, runs, sequential: kind === 'unix' && !args.includes('--no-sequential') }),
    );
  }
  const targets = figures.flatMap((f) => {
    const report = liveReport(f);
    console.log(report.lines.join('\n'));
    return report.targets;
  });
  console.log('');
  for (const [name, value, limit] of targets) {
    console.log(`${value <= limit ? 'met   ' : 'NOT MET'} ${name}: ${value.toFixed(3)} (limit ${String(limit)})`);
  }
  if (out !== undefined) {
    fs.writeFileSync(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
    );
  }
  process.exitCode = figures.every((f) => f.allAsExpected) ? 0 : 1;
};

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:live failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
