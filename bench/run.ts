/**
 * `npm run bench`: every workload against this library and both baselines, in one process and
 * one run, printed as one table of figures and ratios and written to bench/results.json.
 *
 * Flags: `--quick` for small sizes (a smoke run), `--out FILE` to write the results elsewhere.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { mutable } from './baselines/mutable';
import { naiveImmer } from './baselines/naiveImmer';
import { library } from './library';
import { fanOut, fullSizes, history, quickSizes, registryScale } from './workloads';
import { replayWorkload } from './replay';
import { REPLY_DELAY_MS, liveWorkload } from './live';
import { liveReport } from './liveRun';

interface Row {
  readonly workload: string;
  readonly metric: string;
  readonly ours: number;
  readonly mutable: number | null;
  readonly naiveImmer: number | null;
  readonly note: string;
}

interface Target {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly met: boolean;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : path.join(__dirname, '..', '..', 'bench', 'results.json');
const sizes = quick ? quickSizes : fullSizes;

const fmt = (x: number | null, digits = 1): string => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(digits));
const ratio = (a: number | null, b: number | null): string =>
  a === null || b === null ? '-' : `${(a / b).toFixed(2)}x`;

const main = async (): Promise<void> => {
  const rows: Row[] = [];
  const targets: Target[] = [];
  const target = (name: string, value: number, limit: number): void => {
    targets.push({ name, value, limit, met: value <= limit });
  };
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };

  log(`W1 fan-out: ${String(sizes.w1Backends)} backends, ${String(sizes.w1Broadcasts)} broadcasts`);
  const w1 = {
    ours: await fanOut(library, sizes, sizes.iterations),
    mutable: await fanOut(mutable, sizes, sizes.iterations),
    naiveImmer: await fanOut(naiveImmer, sizes, 1, 0),
  };
  rows.push({ workload: 'W1 fan-out', metric: 'ns per backend per broadcast', ...w1, note: '' });
  target('W1 ours / mutable', w1.ours / w1.mutable, 0.5);

  for (const n of [sizes.w2Small, sizes.w2Large]) {
    log(`W2 registry scale: ${String(n)} keys`);
    const ours = await registryScale(library, n, sizes.iterations);
    const base = await registryScale(mutable, n, sizes.iterations);
    const immerRuns = n <= 10_000;
    const immer = immerRuns ? await registryScale(naiveImmer, n, 1, 0) : null;
    rows.push({
      workload: `W2 register+flip ${n.toLocaleString('en-US')}`,
      metric: 'ms total',
      ours,
      mutable: base,
      naiveImmer: immer,
      note: immerRuns ? '' : 'naive immer not run: quadratic (see the 10k row)',
    });
  }
  const w2 = rows.filter((r) => r.workload.startsWith('W2'));
  const [small, large] = [w2[0], w2[1]];
  if (small !== undefined && large !== undefined && large.mutable !== null) {
    target(`W2 ours / mutable at ${sizes.w2Large.toLocaleString('en-US')}`, large.ours / large.mutable, 3);
    target('W2 growth from small to large (ours)', large.ours / small.ours, 12);
  }

  log(`W3 history: ${String(sizes.w3Backends)} backends, ${String(sizes.w3Broadcasts)} broadcasts`);
  const h = history(library, sizes.w3Backends, sizes.w3Broadcasts, sizes.w3Window);
  const hm = history(mutable, sizes.w3Backends, sizes.w3Broadcasts, sizes.w3Window);
  const immerBroadcasts = Math.min(sizes.w3Broadcasts, 1_000);
  const hi = history(naiveImmer, sizes.w3Backends, immerBroadcasts, immerBroadcasts / 10);
  const immerNote = `naive immer: ${immerBroadcasts.toLocaleString('en-US')} broadcasts, windows of ${String(immerBroadcasts / 10)}`;
  rows.push({
    workload: 'W3 history',
    metric: 'us per broadcast, first window',
    ours: h.firstUs,
    mutable: hm.firstUs,
    naiveImmer: hi.firstUs,
    note: immerNote,
  });
  rows.push({
    workload: 'W3 history',
    metric: 'us per broadcast, last window',
    ours: h.lastUs,
    mutable: hm.lastUs,
    naiveImmer: hi.lastUs,
    note: immerNote,
  });
  rows.push({
    workload: 'W3 history',
    metric: 'MB of heap held by the final state',
    ours: h.heapBytes / 2 ** 20,
    mutable: hm.heapBytes / 2 ** 20,
    naiveImmer: hi.heapBytes / 2 ** 20,
    note: immerNote,
  });
  target('W3 last window / first window (ours)', h.lastUs / h.firstUs, 1.3);
  target('W3 heap held by the final state, MB (ours)', h.heapBytes / 2 ** 20, 64);

  log('W4 replay: generating and replaying a log');
  const w4 = await replayWorkload(quick);
  rows.push({
    workload: 'W4 replay',
    metric: 'lines per second',
    ours: w4.replayLinesPerSecond,
    mutable: null,
    naiveImmer: null,
    note: `bare JSON.parse loop: ${fmt(w4.parseLinesPerSecond)} lines/s; ${w4.lines.toLocaleString('en-US')} lines, ${(w4.bytes / 2 ** 20).toFixed(0)} MiB`,
  });
  rows.push({
    workload: 'W4 replay',
    metric: 'peak RSS, MB',
    ours: w4.peakRssMb,
    mutable: null,
    naiveImmer: null,
    note: `child process running the streaming replay (the parse-only loop: ${fmt(w4.parsePeakRssMb)} MB)`,
  });
  target('W4 validate-and-replay time / bare parse time', w4.parseLinesPerSecond / w4.replayLinesPerSecond, 3);
  target('W4 peak RSS, MB', w4.peakRssMb, 200);

  log(`W5 live: ${quick ? '100' : '1,000'} backends on Unix sockets, answering after ${String(REPLY_DELAY_MS)} ms`);
  const w5 = await liveWorkload('unix', { backends: quick ? 100 : 1000, runs: quick ? 3 : 15, sequential: true });
  const w5Note = `median of ${String(w5.wallDefault.runs)}, range ${w5.wallDefault.min.toFixed(0)}-${w5.wallDefault.max.toFixed(0)} ms; floor ${String(REPLY_DELAY_MS)} ms; bare sockets ${fmt(w5.wallBare.median)} ms; sequential loop ${fmt(w5.sequentialMs)} ms`;
  rows.push({
    workload: 'W5 live',
    metric: 'ms per broadcast',
    ours: w5.wallDefault.median,
    mutable: null,
    naiveImmer: null,
    note: w5Note,
  });
  rows.push({
    workload: 'W5 live',
    metric: 'ms per broadcast, 10% never answer, 250 ms policy',
    ours: w5.tenPercentSilentDefault.median,
    mutable: null,
    naiveImmer: null,
    note: `range ${w5.tenPercentSilentDefault.min.toFixed(0)}-${w5.tenPercentSilentDefault.max.toFixed(0)} ms`,
  });
  rows.push({
    workload: 'W5 live',
    metric: 'broker CPU us per backend per broadcast',
    ours: w5.cpuUsPerBackend.median,
    mutable: null,
    naiveImmer: null,
    note: '',
  });
  for (const [name, value, limit] of liveReport(w5).targets) {
    target(name, value, limit);
  }

  const header = [
    'workload',
    'metric',
    'lifecycle-broadcast',
    'mutable JS',
    'naive immer',
    'ours/mutable',
    'immer/ours',
    'note',
  ];
  const table = rows.map((r) => [
    r.workload,
    r.metric,
    fmt(r.ours, 2),
    fmt(r.mutable, 2),
    fmt(r.naiveImmer, 2),
    ratio(r.ours, r.mutable),
    ratio(r.naiveImmer, r.ours),
    r.note,
  ]);
  const widths = header.map((h2, i) => Math.max(h2.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  table.forEach((row) => {
    console.log(line(row));
  });
  console.log('');
  const tWidth = Math.max(6, ...targets.map((t) => t.name.length));
  console.log(`| ${'target'.padEnd(tWidth)} | value    | limit | met |`);
  console.log(`| ${'-'.repeat(tWidth)} | -------- | ----- | --- |`);
  targets.forEach((t) => {
    console.log(
      `| ${t.name.padEnd(tWidth)} | ${t.value.toFixed(2).padEnd(8)} | ${String(t.limit).padEnd(5)} | ${t.met ? 'yes' : 'NO '} |`,
    );
  });

  const machine = {
    node: process.version,
    v8: process.versions.v8,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  };
  if (out !== undefined) {
    fs.writeFileSync(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), quick, sizes, machine, rows, targets, w4, w5 }, null, 2)}\n`,
    );
    log(`results written to ${out}`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
