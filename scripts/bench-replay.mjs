#!/usr/bin/env node
/**
 * Replay benchmark: generate a large synthetic log to a temporary file, replay it (verifying
 * every recorded result) through the streaming reader in a fresh process, and print that
 * process's peak RSS and its speed. Fails (exit 1) when the peak RSS reaches the budget.
 *
 *   npm run bench:replay                   # 1,000,000 lines, 10 backends
 *   npm run bench:replay -- --lines 200000 --backends 50
 *
 * Runs the built library (`npm run bench:replay` builds it first). Not a test: timings vary by machine.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const RSS_BUDGET_MB = 200;

const flag = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};

if (process.argv[2] === '--child') {
  // The measured process: nothing but the replay.
  const { replayLog } = await import(path.join(ROOT, 'dist', 'index.js'));
  const started = process.hrtime.bigint();
  const r = await replayLog(process.argv[3], { verify: true });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    JSON.stringify({
      lines: r.lastLine,
      steps: r.stats.steps,
      checked: r.checked,
      divergences: r.divergences,
      invalidLines: r.invalidLines,
      seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

if (!fs.existsSync(CLI)) {
  console.error(`${CLI} is missing: run \`npm run build\` first (npm run bench:replay does)`);
  process.exit(2);
}

const lines = Number(flag('lines', '1000000'));
const backends = Number(flag('backends', '10'));
const seed = Number(flag('seed', '1'));
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-bench-')), 'bench.ndjson');

try {
  let t = process.hrtime.bigint();
  const gen = spawnSync(
    process.execPath,
    [
      CLI,
      'generate',
      '--backends',
      String(backends),
      '--actions',
      String(lines - 1),
      '--seed',
      String(seed),
      '-o',
      file,
    ],
    { stdio: 'inherit' },
  );
  if (gen.status !== 0) {
    console.error('generate failed');
    process.exit(2);
  }
  const genSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const size = fs.statSync(file).size;
  console.log(
    `generated ${lines.toLocaleString('en')} lines (${backends} backends, seed ${seed}): ${(size / 1048576).toFixed(1)} MiB in ${genSeconds.toFixed(1)} s`,
  );

  t = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(2);
  }
  const r = JSON.parse(child.stdout);
  const rate = Math.round(r.lines / r.seconds);
  console.log(
    `replayed ${r.lines.toLocaleString('en')} lines with --verify (${r.checked.toLocaleString('en')} results checked, ${r.divergences} divergences, ${r.invalidLines} invalid) in ${r.seconds.toFixed(1)} s: ${rate.toLocaleString('en')} lines/s, ${(size / 1048576 / r.seconds).toFixed(1)} MiB/s`,
  );
  console.log(`peak RSS of the replaying process: ${r.peakRssMb.toFixed(1)} MB (budget ${RSS_BUDGET_MB} MB)`);
  if (r.peakRssMb >= RSS_BUDGET_MB || r.divergences > 0 || r.invalidLines > 0) {
    console.error('FAIL');
    process.exit(1);
  }
  console.log('ok');
} finally {
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
