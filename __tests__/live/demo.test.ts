/**
 * `npm run demo:live` (examples/live-demo.mjs, on the dist/ build): it broadcasts to real
 * backend processes, replays its own log with `--verify`, and leaves no process or socket
 * behind, whether it ends by itself or on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'examples', 'live-demo.mjs');

jest.setTimeout(90_000);

interface Ran {
  readonly code: number | null;
  readonly output: string;
}

/** Run the demo; `interrupt` sends SIGINT once the output matches it. */
const runDemo = (interrupt?: RegExp): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not end within 60 s:\n${output}`));
    }, 60_000);
    const take = (chunk: string): void => {
      output += chunk;
      if (interrupt !== undefined && !interrupted && interrupt.test(output)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });

const folderOf = (output: string): string => /Unix sockets in (\S+) \(/.exec(output)?.[1] ?? '(no folder printed)';
const pidsOf = (output: string): ReadonlyArray<number> => [...output.matchAll(/ pid (\d+):/g)].map((m) => Number(m[1]));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'node.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
});

describe('examples/live-demo.mjs', () => {
  it('should broadcast to its backends, replay the recorded log with every result reproduced, and clean up', async () => {
    const { code, output } = await runDemo();

    expect(code).toBe(0);
    expect(output).toMatch(/release handles under \/var\/cache\/shared: Degraded/);
    expect(output).toMatch(/fbuild 2\.1\.3 shared +Timeout \(no answer within 1000 ms\)/);
    expect(output).toMatch(/indexd 3\.2\.0 explicit:ci +Failure\(Rejected\)/);
    expect(output).toMatch(/cachesrv 0\.9\.0 shared +Failure\(BackendError\) .*\[Connection(Closed|Reset)\]/);
    expect(output).toMatch(/cachesrv 0\.9\.0 shared +Failure\(BackendError\) .*\[ConnectionRefused\]/);
    expect(output).toMatch(/oldsvc 0\.1\.0 shared +SkippedDead/);
    expect(output).toContain('verify      2 recorded results checked, all reproduced');
    expect(pidsOf(output)).toHaveLength(5);
    expect(pidsOf(output).filter(alive)).toEqual([]);
    expect(fs.existsSync(folderOf(output))).toBe(false);
  });

  it('should stop its backends and remove its sockets on Ctrl-C (SIGINT)', async () => {
    const { code, output } = await runDemo(/not started: dead in the registry/);

    expect(output).toContain('SIGINT: cancelling, stopping the backends');
    expect(code).toBe(130);
    expect(pidsOf(output)).toHaveLength(5);
    expect(pidsOf(output).filter(alive)).toEqual([]);
    expect(fs.existsSync(folderOf(output))).toBe(false);
  });
});
