/**
 * `npm run bench:replay`: generate a large log whose broadcasts carry their recorded results,
 * replay it with verification in a fresh process, and print that process's speed and peak RSS.
 * Exits 1 when the peak RSS reaches the 200 MB budget or the replay is not clean.
 *
 *   npm run bench:replay                                  # 1,000,000 lines, 10 backends
 *   npm run bench:replay -- --lines 200000 --backends 50  # another size
 */
import * as fs from 'node:fs';

import { countFlag } from './measure';
import { measureChild, withGeneratedLog } from './replay';

const RSS_BUDGET_MB = 200;

const main = async (): Promise<void> => {
  const lines = countFlag('lines', 1_000_000);
  const backends = countFlag('backends', 10);
  const seed = countFlag('seed', 1);
  const start = process.hrtime.bigint();
  const ok = await withGeneratedLog({ lines, backends, seed, results: true }, (file) => {
    const size = fs.statSync(file).size / 1048576;
    const genSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `generated ${lines.toLocaleString('en')} lines (${String(backends)} backends, seed ${String(seed)}): ${size.toFixed(1)} MiB in ${genSeconds.toFixed(1)} s`,
    );
    const r = measureChild('verify', file);
    const rate = Math.round(r.lines / r.seconds);
    console.log(
      `replayed ${r.lines.toLocaleString('en')} lines with --verify (${(r.checked ?? 0).toLocaleString('en')} results checked, ${String(r.divergences)} divergences, ${String(r.invalidLines)} invalid) in ${r.seconds.toFixed(1)} s: ${rate.toLocaleString('en')} lines/s, ${(size / r.seconds).toFixed(1)} MiB/s`,
    );
    console.log(`peak RSS of the replaying process: ${r.peakRssMb.toFixed(1)} MB (budget ${String(RSS_BUDGET_MB)} MB)`);
    return r.peakRssMb < RSS_BUDGET_MB && r.divergences === 0 && r.invalidLines === 0;
  });
  console.log(ok ? 'ok' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
};

main().catch((error: unknown) => {
  console.error(`bench:replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
