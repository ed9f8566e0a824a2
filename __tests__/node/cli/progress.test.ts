/**
 * The progress bar: a rate and the time left, in lines or bytes, and erased on demand (as
 * Ctrl-C does).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { clearProgress, progressBar, renderProgress, renderRate } from '../../../src/node/cli/progress';
import { collector } from '../../support/streams';
import { CLI } from './support';

describe('renderRate', () => {
  it('should give lines per second and the time left', () => {
    expect(renderRate(50, 100, { elapsedMs: 10_000, lines: 500_000 })).toBe('  50,000 lines/s  ETA 0:10');
  });

  it('should fall back to MiB/s without lines, and give no ETA without a size', () => {
    expect(renderRate(20 * 1024 * 1024, undefined, { elapsedMs: 2000, lines: 0 })).toBe('  10.0 MiB/s');
  });

  it('should say nothing before anything was read', () => {
    expect(renderRate(0, 100, { elapsedMs: 0, lines: 0 })).toBe('');
  });

  it('should write hours when the work takes that long', () => {
    expect(renderRate(1, 1000, { elapsedMs: 10_000, lines: 1 })).toBe('  0 lines/s  ETA 2:46:30');
  });
});

describe('renderProgress', () => {
  it('should count lines for a lines unit', () => {
    expect(renderProgress(420_000, 1_000_000, { elapsedMs: 10_000, lines: 420_000 }, 'lines')).toBe(
      `[${'#'.repeat(13)}${'.'.repeat(17)}]  42%  420,000 of 1,000,000 lines  42,000 lines/s  ETA 0:14`,
    );
  });
});

describe('progressBar and clearProgress', () => {
  it('should draw with the rate, and be erased by clearProgress once', () => {
    const out = collector();
    const bar = progressBar(out, 1000, 'lines');
    bar.update(500);
    expect(out.text()).toMatch(/^\r\[#{15}\.{15}\] {2}50% {2}500 of 1,000 lines/);
    clearProgress();
    expect(out.text().endsWith('\r\u001b[K')).toBe(true);
    const length = out.text().length;
    clearProgress();
    bar.clear();
    expect(out.text()).toHaveLength(length);
  });
});

describe('Ctrl-C', () => {
  it('should end the command line with 130 and no stack trace', async () => {
    const child = spawn(process.execPath, [CLI, 'replay', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // More than a pipe holds: the write drains only once the command reads its input, which it
    // does after it set up its Ctrl-C handling. Standard input stays open: the replay waits for
    // more, until it is interrupted.
    const header = '{"format":"lifecycle-broadcast-log","version":2,"policy":{"ackTimeoutMs":5000}}\n';
    const record = '{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"Maintenance"}}\n';
    if (!child.stdin.write(header + record.repeat(4096))) {
      await Promise.race([once(child.stdin, 'drain'), exited]);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe('');
    child.stdin.destroy();
  }, 30_000);
});
