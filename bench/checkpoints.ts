/**
 * `npm run bench:index`: how much faster `replay --at` near the end of a long log is with the
 * log's index than without: a generated 1,000,000-line log is indexed once, then the registry
 * after line N - 10 is computed both ways, alternately, several times, in this process. Both
 * replays verify recorded results and must agree; the ratio of the medians is printed with the
 * spread of each, and the run fails below the 20x target.
 *
 *   npm run bench:index                                    # 1,000,000 lines, 10 backends, 5 runs
 *   npm run bench:index -- --lines 200000 --runs 3         # a quicker look
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { snapshot, summarizeStats } from '../src';
import { atLine, replayLines } from '../src/incident';
import { DEFAULT_CHECKPOINT_EVERY } from '../src/incident/checkpoint';

import { fileSource, replayIndexed, writeLogIndex } from '../src/node';
import { countFlag } from './measure';
import { withGeneratedLog } from './replay';

const TARGET = 20;

/** Wall-clock seconds, CPU seconds (user and system) of this process, and the result. */
const seconds = async <A>(f: () => Promise<A>): Promise<readonly [number, A, number]> => {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const a = await f();
  const used = process.cpuUsage(cpu);
  return [Number(process.hrtime.bigint() - start) / 1e9, a, (used.user + used.system) / 1e6];
};

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const spread = (xs: ReadonlyArray<number>, digits: number): string =>
  `median ${median(xs).toFixed(digits)} s (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)}; ${xs
    .map((x) => x.toFixed(digits))
    .join(', ')})`;

const main = async (): Promise<void> => {
  const lines = countFlag('lines', 1_000_000);
  const backends = countFlag('backends', 10);
  const runs = countFlag('runs', 5);
  const every = countFlag('every', DEFAULT_CHECKPOINT_EVERY);
  const ok = await withGeneratedLog({ lines, backends, seed: 1, results: true }, async (file) => {
    const size = fs.statSync(file).size / 1048576;
    const indexFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-index-')), 'log.index');
    const [indexSeconds, written] = await seconds(() => writeLogIndex(file, indexFile, { every }));
    console.log(
      `${lines.toLocaleString('en')} lines (${String(backends)} backends, ${size.toFixed(1)} MiB); index of ${String(
        written.checkpoints,
      )} checkpoints every ${every.toLocaleString('en')} lines, ${(written.bytes / 1048576).toFixed(1)} MiB, written in ${indexSeconds.toFixed(1)} s`,
    );
    const until = atLine(lines - 10);
    const plain: number[] = [];
    const indexed: number[] = [];
    const plainCpu: number[] = [];
    const indexedCpu: number[] = [];
    let agree = true;
    for (let run = 0; run < runs; run++) {
      const [a, fromStart, aCpu] = await seconds(() => replayLines(fileSource(file), { verify: true, until }));
      const [b, resumed, bCpu] = await seconds(() => replayIndexed(file, indexFile, { verify: true, until }));
      plain.push(a);
      indexed.push(b);
      plainCpu.push(aCpu);
      indexedCpu.push(bCpu);
      agree &&=
        resumed.warnings.length === 0 &&
        resumed.resumedAfter > 0 &&
        JSON.stringify(snapshot(resumed.replay.state)) === JSON.stringify(snapshot(fromStart.state)) &&
        JSON.stringify(summarizeStats(resumed.replay.stats)) === JSON.stringify(summarizeStats(fromStart.stats)) &&
        resumed.replay.checked === fromStart.checked;
    }
    const ratio = median(plain) / median(indexed);
    console.log(`--at ${(lines - 10).toLocaleString('en')} from the start: ${spread(plain, 2)}`);
    console.log(`--at ${(lines - 10).toLocaleString('en')} with the index:  ${spread(indexed, 3)}`);
    console.log(`CPU time from the start: ${spread(plainCpu, 2).replace(/ s /, ' s of CPU ')}`);
    console.log(`CPU time with the index:  ${spread(indexedCpu, 3).replace(/ s /, ' s of CPU ')}`);
    console.log(
      `speed-up ${ratio.toFixed(1)}x in wall-clock time (of the medians; worst case ${(
        Math.min(...plain) / Math.max(...indexed)
      ).toFixed(1)}x), ${(median(plainCpu) / median(indexedCpu)).toFixed(1)}x in CPU time; target ${String(
        TARGET,
      )}x; both replays agree: ${String(agree)}`,
    );
    fs.rmSync(path.dirname(indexFile), { recursive: true, force: true });
    return agree && ratio >= TARGET;
  });
  console.log(ok ? 'ok' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
};

main().catch((error: unknown) => {
  console.error(`bench:index failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
