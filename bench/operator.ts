/**
 * The operator tools on a large log, as an operator runs them: each command is the command line
 * (`dist/cli/main.js`, so run `npm run build` first) in a child process, timed by /usr/bin/time
 * for its wall time, CPU (user + system) and peak RSS, with the load average beside each figure.
 * Rounds interleave the commands (and, with `--compare`, the other build's same command), so a
 * change of load hits all of them alike; each row gives the median and min..max.
 *
 *   npm run bench:operator -- --log big.ndjson --assume soldr=Ack
 *   npm run bench:operator -- --log big.ndjson --assume soldr=Ack --compare OLD/dist --rounds 3
 *   npm run bench:operator -- --log big.ndjson --diff 20000 --diff 990000
 *
 * Make the log with `lifecycle-broadcast generate` (for example `--backends 2000 --actions
 * 1000000`); every command here reads it and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

const args = process.argv.slice(2);
const all = (name: string): ReadonlyArray<string> =>
  args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1] ?? ''] : []));
const one = (name: string): string | undefined => all(name)[0];

const log = one('--log');
if (log === undefined || !fs.existsSync(log)) {
  throw new Error('bench:operator: --log <file> must name an existing log');
}
const rounds = Number(one('--rounds') ?? '3');
if (!Number.isSafeInteger(rounds) || rounds <= 0) {
  throw new RangeError(`bench:operator: --rounds must be a positive integer, got ${String(one('--rounds'))}`);
}
const builds: ReadonlyArray<readonly [string, string]> = [
  ['this', path.join(ROOT, 'dist', 'cli', 'main.js')],
  ...all('--compare').map(
    (d, i) => [`compare${i === 0 ? '' : String(i + 1)}`, path.join(d, 'cli', 'main.js')] as const,
  ),
];
const MAX_LINE = ['--max-line-length', '8000000'];
const commands: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['replay', ['replay', log, '--no-index', '--no-table', ...MAX_LINE]],
  ...all('--assume').map((a) => [`--assume ${a}`, ['replay', log, '--no-index', '--assume', a, ...MAX_LINE]] as const),
  ...(all('--diff').length === 2
    ? [
        [
          `diff --at ${all('--diff').join(' --at ')}`,
          ['diff', log, '--at', all('--diff')[0] ?? '', '--at', all('--diff')[1] ?? '', ...MAX_LINE],
        ] as const,
      ]
    : []),
];

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly load: number;
  readonly code: number | null;
}

const runOnce = (cli: string, argv: ReadonlyArray<string>): Run => {
  const load = os.loadavg()[0] ?? 0;
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, cli, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall = NaN, user = NaN, sys = NaN, rssKb = NaN] = last.split(' ').map(Number);
  return { wall, cpu: user + sys, rssMb: rssKb / 1024, load, code: r.status };
};

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const range = (xs: ReadonlyArray<number>, digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)})`;

const results = new Map<string, Run[]>();
for (let round = 1; round <= rounds; round++) {
  for (const [label, argv] of commands) {
    for (const [build, cli] of builds) {
      const run = runOnce(cli, argv);
      const key = `${build}\t${label}`;
      results.set(key, [...(results.get(key) ?? []), run]);
      process.stderr.write(
        `round ${String(round)}  ${build}  ${label}: ${run.wall.toFixed(1)} s, cpu ${run.cpu.toFixed(1)} s, ` +
          `${run.rssMb.toFixed(0)} MB, exit ${String(run.code)}, load ${run.load.toFixed(1)}\n`,
      );
    }
  }
}

const size = fs.statSync(log).size;
process.stdout.write(
  `log ${path.basename(log)}: ${(size / 2 ** 20).toFixed(0)} MiB; ${String(rounds)} rounds, median (min..max)\n\n` +
    '| build | command | wall s | CPU s | peak RSS MB | load (1 min) | exit |\n|---|---|---|---|---|---|---|\n',
);
for (const [key, runs] of results) {
  const [build, label] = key.split('\t');
  process.stdout.write(
    `| ${build ?? ''} | \`${label ?? ''}\` | ${range(
      runs.map((r) => r.wall),
      1,
    )} | ${range(
      runs.map((r) => r.cpu),
      1,
    )} | ${range(
      runs.map((r) => r.rssMb),
      0,
    )} | ${range(
      runs.map((r) => r.load),
      1,
    )} | ${[...new Set(runs.map((r) => String(r.code)))].join(',')} |\n`,
  );
}
