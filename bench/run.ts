/**
 * `npm run bench`: every workload against this library and its baselines (mutable JS,
 * Immutable.js, naive immer; for the replay, a loop that only parses the log), in one process
 * and one run, printed as one table of figures and per-round ratios, then the targets.
 *
 * Flags: `--quick` for small sizes (a smoke run, which writes nothing unless `--out` is given,
 * and prints no ratio for the workloads whose quick sizes are too small to compare: the
 * toggles, W2 and W4, where start-up and compilation dominate), `--only w1,w2,toggles,w3,w4,w5`
 * to run some workloads (which writes nothing unless `--out` is given), `--out FILE` to write
 * the results elsewhere than bench/results.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { immutableJs } from './baselines/immutableJs';
import { mutable } from './baselines/mutable';
import { naiveImmer } from './baselines/naiveImmer';
import { library } from './library';
import type { Spread } from './measure';
import { ratios, spreadOf } from './measure';
import type { ReplayFigures } from './replay';
import { replayWorkload } from './replay';
import type { Implementation } from './subject';
import type { Series } from './workloads';
import { fanOut, fullSizes, history, quickSizes, registryScale, toggles } from './workloads';

/** The columns of the table: this library, then each baseline. */
const COLUMNS = ['lifecycle-broadcast', 'mutable JS', 'Immutable.js', 'naive immer', 'bare parse'] as const;
type Column = (typeof COLUMNS)[number];
const BASELINES = COLUMNS.slice(1) as ReadonlyArray<Exclude<Column, 'lifecycle-broadcast'>>;
import { REPLY_DELAY_MS, liveWorkload } from './live';
import { liveReport } from './liveRun';
import type { TracingFigures } from './liveTracing';
import { tracingReport, tracingWorkload } from './liveTracing';

interface Row {
  readonly workload: string;
  readonly metric: string;
  /** Each implementation's figure over the rounds; absent where it did not run. */
  readonly figures: Partial<Record<Column, Spread>>;
  /** Ours divided by each baseline, round by round (or by its single figure). */
  readonly ratios: Partial<Record<Column, Spread>>;
  readonly note: string;
  /** A quick run's sizes are too small for its ratios to mean anything: none is printed. */
  readonly tooSmall?: boolean;
  /** The one-minute load average when the row's last figure was taken. */
  readonly load?: number;
}

interface Target {
  readonly name: string;
  readonly value: number;
  readonly spread: string;
  readonly limit: number;
  /** `undefined` when the sizes were too small to compare. */
  readonly met: boolean | undefined;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const explicitOut = outIndex >= 0 ? args[outIndex + 1] : undefined;
const WORKLOADS = ['w1', 'w2', 'toggles', 'w3', 'w4', 'w5'] as const;
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : [...WORKLOADS];
const unknown = only.filter((w) => !(WORKLOADS as ReadonlyArray<string>).includes(w));
if (unknown.length > 0) {
  throw new Error(`--only expects some of ${WORKLOADS.join(',')}, got ${JSON.stringify(unknown.join(','))}`);
}
const runs = (w: (typeof WORKLOADS)[number]): boolean => only.includes(w);
// Only a full run of every workload replaces the committed figures.
const out =
  explicitOut ?? (quick || onlyIndex >= 0 ? undefined : path.join(__dirname, '..', '..', 'bench', 'results.json'));
/** What a quick run prints instead of a ratio its sizes cannot measure meaningfully. */
const TOO_SMALL = 'too small to compare';
const sizes = quick ? quickSizes : fullSizes;

const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(digits);
/** Two decimals, or two significant digits for ratios below 0.1 (naive immer's are tiny). */
const r2 = (x: number): string => (x >= 0.1 ? x.toFixed(2) : x.toPrecision(2));
const fmtRatio = (s: Spread | undefined): string =>
  s === undefined ? '-' : s.values.length === 1 ? `${r2(s.median)}x` : `${r2(s.median)}x [${r2(s.min)}..${r2(s.max)}]`;
const count = (n: number): string => n.toLocaleString('en-US');
const startedAt = process.hrtime.bigint();
const log = (s: string): void => {
  const load = os.loadavg()[0] ?? 0;
  process.stderr.write(
    `[${(Number(process.hrtime.bigint() - startedAt) / 1e9).toFixed(0).padStart(4)} s, load ${load.toFixed(1)}] ${s}\n`,
  );
};

const NAMES: Readonly<Record<string, Column>> = {
  [library.name]: 'lifecycle-broadcast',
  [mutable.name]: 'mutable JS',
  [immutableJs.name]: 'Immutable.js',
  [naiveImmer.name]: 'naive immer',
};

/** A row from per-round series (and a single naive immer figure, possibly at another size). */
const rowOf = (workload: string, metric: string, series: Series, note = '', immer?: number): Row => {
  const figures: Partial<Record<Column, Spread>> = {};
  for (const [name, values] of Object.entries(series)) {
    const column = NAMES[name];
    if (column !== undefined && values.length > 0) {
      figures[column] = spreadOf(values);
    }
  }
  if (immer !== undefined) {
    figures['naive immer'] = spreadOf([immer]);
  }
  const ours = series[library.name] ?? [];
  const rs: Partial<Record<Column, Spread>> = {};
  for (const b of BASELINES) {
    const base = Object.entries(series).find(([name]) => NAMES[name] === b)?.[1];
    if (base !== undefined && base.length > 0) {
      rs[b] = ratios(ours, base);
    } else if (b === 'naive immer' && immer !== undefined && ours.length > 0) {
      rs[b] = spreadOf(ours.map((x) => x / immer));
    }
  }
  return { workload, metric, figures, ratios: rs, note };
};

const main = async (): Promise<void> => {
  const started = process.hrtime.bigint();
  const rows: Row[] = [];
  const addRow = (...added: Row[]): void => {
    rows.push(...added.map((r) => ({ ...r, load: os.loadavg()[0] ?? 0 })));
  };
  const targets: Target[] = [];
  let w5: Awaited<ReturnType<typeof liveWorkload>> | undefined;
  let w5Traced: TracingFigures | undefined;
  const target = (name: string, s: Spread | undefined, limit: number, tooSmall = false): void => {
    if (s !== undefined) {
      targets.push({
        name,
        value: s.median,
        spread: s.values.length > 1 ? `[${s.min.toFixed(2)}..${s.max.toFixed(2)}]` : '',
        limit,
        met: tooSmall ? undefined : s.median <= limit,
      });
    }
  };
  const three: ReadonlyArray<Implementation> = [library, mutable, immutableJs];

  // Naive immer copies every backend's history on each broadcast, so it runs alone, small.
  const immerW1 = !runs('w1')
    ? undefined
    : fanOut([naiveImmer], sizes.w1Immer.backends, sizes.w1Immer.broadcasts, 1, { warmup: 0 })[naiveImmer.name]?.[0];
  for (const w of runs('w1') ? sizes.w1 : []) {
    log(
      `W1 fan-out: ${count(w.backends)} backends, ${count(w.broadcasts)} broadcasts a round, ${String(w.rounds)} rounds`,
    );
    const series = fanOut(three, w.backends, w.broadcasts, w.rounds, { apart: w.apart });
    const withImmer = w.backends === sizes.w1Immer.backends;
    const row = rowOf(
      `W1 fan-out ${count(w.backends)}`,
      'ns per backend per broadcast',
      series,
      withImmer ? `naive immer: ${count(sizes.w1Immer.broadcasts)} broadcasts, once` : '',
      withImmer ? immerW1 : undefined,
    );
    addRow(row);
    target(`W1 ours / mutable at ${count(w.backends)}`, row.ratios['mutable JS'], 0.4);
  }

  const w2Rows: Row[] = [];
  for (const w of runs('w2') ? sizes.w2 : []) {
    log(`W2 registry scale: ${count(w.keys)} keys, ${String(w.rounds)} rounds`);
    const series = registryScale(three, w.keys, w.rounds);
    const withImmer = w.keys === sizes.w2Immer;
    const immer = withImmer ? registryScale([naiveImmer], w.keys, 1, 0)[naiveImmer.name]?.[0] : undefined;
    const row = {
      ...rowOf(
        `W2 register+flip ${count(w.keys)}`,
        'ms total',
        series,
        withImmer ? 'naive immer: once' : 'naive immer not run: quadratic',
        immer,
      ),
      tooSmall: quick,
    };
    addRow(row);
    w2Rows.push(row);
  }
  const [small, large] = [w2Rows[0], w2Rows[w2Rows.length - 1]];
  target(
    `W2 ours / mutable at ${count(sizes.w2[sizes.w2.length - 1]?.keys ?? 0)}`,
    large?.ratios['mutable JS'],
    2,
    quick,
  );
  const oursSmall = small?.figures['lifecycle-broadcast'];
  const oursLarge = large?.figures['lifecycle-broadcast'];
  if (oursSmall !== undefined && oursLarge !== undefined && small !== large) {
    target('W2 growth from small to large (ours)', spreadOf([oursLarge.median / oursSmall.median]), 12, quick);
  }

  const tg = sizes.toggles;
  const ti = sizes.togglesImmer;
  for (const order of runs('toggles') ? (['sweep', 'random'] as const) : []) {
    log(
      `Toggles, ${order} order: ${count(tg.toggles)} setLive calls a round on ${count(tg.backends)} backends, ${String(tg.rounds)} rounds`,
    );
    const immerToggles = toggles([naiveImmer], ti.backends, ti.toggles, 1, 0, order)[naiveImmer.name]?.[0];
    const toggleRow: Row = {
      ...rowOf(
        `Toggles on ${count(tg.backends)}, ${order} order`,
        'us per setLive',
        toggles(three, tg.backends, tg.toggles, tg.rounds, 1, order),
        `${count(tg.toggles)} calls a round; naive immer: ${count(ti.toggles)} calls on ${count(ti.backends)} backends, once`,
        immerToggles,
      ),
      tooSmall: quick,
    };
    addRow(toggleRow);
    target(`Toggles ours / mutable, ${order} order`, toggleRow.ratios['mutable JS'], 3, quick);
  }

  const w3 = sizes.w3;
  if (runs('w3')) {
    log(`W3 history: ${count(w3.backends)} backends, ${count(w3.broadcasts)} broadcasts`);
    const h = Object.fromEntries(
      three.map((impl) => [impl.name, history(impl, w3.backends, w3.broadcasts, w3.window)] as const),
    );
    const hi = history(naiveImmer, w3.backends, sizes.w3Immer.broadcasts, sizes.w3Immer.window);
    const immerNote = `naive immer: ${count(sizes.w3Immer.broadcasts)} broadcasts, windows of ${count(sizes.w3Immer.window)}`;
    const w3Series = (f: (x: { firstUs: number; lastUs: number; heapBytes: number }) => number): Series =>
      Object.fromEntries(Object.entries(h).map(([name, x]) => [name, [f(x)]]));
    addRow(
      rowOf(
        'W3 history',
        'us per broadcast, first window',
        w3Series((x) => x.firstUs),
        immerNote,
        hi.firstUs,
      ),
    );
    addRow(
      rowOf(
        'W3 history',
        'us per broadcast, last window',
        w3Series((x) => x.lastUs),
        immerNote,
        hi.lastUs,
      ),
    );
    const heapRow = rowOf(
      'W3 history',
      'MB of heap held by the final state',
      w3Series((x) => x.heapBytes / 2 ** 20),
      `${immerNote} (a history 200 times shorter)`,
      hi.heapBytes / 2 ** 20,
    );
    addRow(heapRow);
    const ours3 = h[library.name];
    if (ours3 !== undefined) {
      target('W3 last window / first window (ours)', spreadOf([ours3.lastUs / ours3.firstUs]), 1.3);
    }
    target('W3 heap held by the final state, MB (ours)', heapRow.figures['lifecycle-broadcast'], 4);
  }

  const w4 = sizes.w4;
  const w4Row = (name: string, f: ReplayFigures, mode: string): Row => {
    const row: Row = {
      workload: name,
      metric: `seconds to ${mode} the log`,
      figures: { 'lifecycle-broadcast': spreadOf(f.modeSeconds), 'bare parse': spreadOf(f.parseSeconds) },
      ratios: { 'bare parse': ratios(f.modeSeconds, f.parseSeconds) },
      note: `${count(f.lines)} lines, ${(f.bytes / 2 ** 20).toFixed(0)} MiB; peak RSS ${fmt(spreadOf(f.peakRssMb).max)} MB (parse loop ${fmt(spreadOf(f.parsePeakRssMb).max)} MB)`,
      // Process start-up weighs as much as a small log: only a full-size log compares.
      tooSmall: quick,
    };
    addRow(row);
    return row;
  };
  if (runs('w4')) {
    log(`W4 replay: a log of ${count(w4.lines)} lines without results`);
    const plain = await replayWorkload(
      { lines: w4.lines, backends: w4.backends, seed: 2024, results: false },
      'replay',
      w4.runs,
    );
    const plainRow = w4Row(`W4 replay, ${count(w4.backends)} backends`, plain, 'replay');
    log(`W4 replay: a log of ${count(w4.resultLines)} lines with recorded results`);
    const recordedSpec = { lines: w4.resultLines, backends: w4.resultBackends, seed: 2025, results: true };
    const recordedReplay = await replayWorkload(recordedSpec, 'replay', w4.runs);
    const recordedRow = w4Row(
      `W4 replay, results recorded, ${count(w4.resultBackends)} backends`,
      recordedReplay,
      'replay',
    );
    const recordedVerify = await replayWorkload(recordedSpec, 'verify', w4.runs);
    const verifyRow = w4Row(
      `W4 verify, results recorded, ${count(w4.resultBackends)} backends`,
      recordedVerify,
      'verify',
    );
    target('W4 replay / bare parse, log without results', plainRow.ratios['bare parse'], 1.5, quick);
    target('W4 replay / bare parse, log with results', recordedRow.ratios['bare parse'], 2, quick);
    target('W4 verify / bare parse, log with results', verifyRow.ratios['bare parse'], 2, quick);
    const peak = Math.max(...[plain, recordedReplay, recordedVerify].flatMap((f) => f.peakRssMb));
    target('W4 peak RSS of any replay, MB', spreadOf([peak]), 150);
  }

  if (runs('w5')) {
    log(`W5 live: ${quick ? '100' : '1,000'} backends on Unix sockets, answering after ${String(REPLY_DELAY_MS)} ms`);
    w5 = await liveWorkload('unix', { backends: quick ? 100 : 1000, runs: quick ? 3 : 15, sequential: true });
    // The live workload reports a median with its range: the range goes in the note.
    const liveRow = (metric: string, median: number, note: string): Row => ({
      workload: 'W5 live',
      metric,
      figures: { 'lifecycle-broadcast': spreadOf([median]) },
      ratios: {},
      note,
    });
    addRow(
      liveRow(
        'ms per broadcast',
        w5.wallDefault.median,
        `median of ${String(w5.wallDefault.runs)}, range ${w5.wallDefault.min.toFixed(0)}-${w5.wallDefault.max.toFixed(0)} ms; floor ${String(REPLY_DELAY_MS)} ms; bare sockets ${fmt(w5.wallBare.median)} ms; sequential loop ${fmt(w5.sequentialMs ?? undefined)} ms`,
      ),
    );
    addRow(
      liveRow(
        'ms per broadcast, 10% never answer, 250 ms policy',
        w5.tenPercentSilentDefault.median,
        `range ${w5.tenPercentSilentDefault.min.toFixed(0)}-${w5.tenPercentSilentDefault.max.toFixed(0)} ms`,
      ),
    );
    addRow(liveRow('broker CPU us per backend per broadcast', w5.cpuUsPerBackend.median, ''));
    for (const [name, value, limit] of liveReport(w5).targets) {
      target(name, spreadOf([value]), limit);
    }
    log(
      `W5 traced: ${quick ? '100' : '1,000'} backends, tracing off, the no-op OpenTelemetry API and the SDK, interleaved`,
    );
    w5Traced = await tracingWorkload({ transport: 'unix', backends: quick ? 100 : 1000, runs: quick ? 5 : 15 });
    tracingReport(w5Traced).forEach(log);
    const [off, ...traced] = w5Traced.ways;
    for (const w of traced) {
      addRow({
        workload: 'W5 traced',
        metric: `broker CPU overhead per backend, %, ${w.name}`,
        figures: { 'lifecycle-broadcast': spreadOf(w.overheadPerRound) },
        ratios: {},
        note: `range ${w.overheadPercent.min.toFixed(0)}..${w.overheadPercent.max.toFixed(0)} %; CPU us per backend ${w.cpuUs.median.toFixed(1)} against ${(off?.cpuUs.median ?? 0).toFixed(1)} untraced`,
        tooSmall: quick,
      });
    }
    target(
      'W5 traced, no-op OpenTelemetry API: CPU overhead per backend, %',
      spreadOf(traced[0]?.overheadPerRound ?? []),
      10,
      quick,
    );
  }

  const header = ['workload', 'metric', ...COLUMNS, ...BASELINES.map((b) => `ours / ${b}`), 'load', 'note'];
  const table = rows.map((r) => [
    r.workload,
    r.metric,
    ...COLUMNS.map((c) => fmt(r.figures[c]?.median)),
    ...BASELINES.map((b) => (r.tooSmall === true && r.ratios[b] !== undefined ? TOO_SMALL : fmtRatio(r.ratios[b]))),
    r.load === undefined ? '-' : r.load.toFixed(1),
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
  console.log(`| ${'target'.padEnd(tWidth)} | median | rounds [min..max] | limit | met |`);
  console.log(`| ${'-'.repeat(tWidth)} | ------ | ----------------- | ----- | --- |`);
  targets.forEach((t) => {
    console.log(
      t.met === undefined
        ? `| ${t.name.padEnd(tWidth)} | ${TOO_SMALL} at quick sizes |`
        : `| ${t.name.padEnd(tWidth)} | ${t.value.toFixed(2).padEnd(6)} | ${t.spread.padEnd(17)} | ${String(t.limit).padEnd(5)} | ${t.met ? 'yes' : 'NO '} |`,
    );
  });
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (1, 5, 15 min) at the end`,
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`${quick ? 'quick' : 'full'} run: ${seconds.toFixed(0)} s`);

  const machine = {
    loadAverage: os.loadavg(),
    node: process.version,
    v8: process.versions.v8,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  };
  if (out === undefined) {
    log('quick run: bench/results.json left as it is (pass --out FILE to keep these figures)');
    return;
  }
  fs.writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), quick, seconds, sizes, machine, rows, targets, w5, w5Traced }, null, 2)}\n`,
  );
  log(`results written to ${out}`);
};

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
