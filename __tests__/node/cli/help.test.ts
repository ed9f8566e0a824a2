/**
 * The command line reads like git: every command's help ends with examples and its exit codes,
 * and the per-backend table can be sorted, limited, left out and fitted to a width.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { replayLog, summarizeStats } from '../../../src';
import { fileSource } from '../../../src/node';
import { CLI_GUIDE_URL } from '../../../src/node/cli/help';
import { renderTable, tableRows } from '../../../src/node/cli/summary';
import { ROOT, run } from './support';

jest.setTimeout(60_000);

const good = path.join(__dirname, '..', '..', 'fixtures', 'good.ndjson');

describe('--help', () => {
  it.each([['replay'], ['validate'], ['generate'], ['index'], ['report'], ['shrink'], ['conformance']])(
    'should end the help of %s with examples and the three exit codes',
    async (command) => {
      const r = await run([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Examples:\\n  # .+\\n  \\$ lifecycle-broadcast ${command} `, 'm'));
      expect(r.stdout).toMatch(/^Exit codes:\n {2}0 {2}.+\n {2}1 {2}.+\n {2}2 {2}.+$/m);
    },
  );

  it.each([['program'], ['replay'], ['validate'], ['generate'], ['index'], ['report'], ['shrink']])(
    'should end the help of %s with the guide on the web and the copy installed beside the program',
    async (command) => {
      const r = await run(command === 'program' ? ['--help'] : [command, '--help']);
      const guide = path.join(ROOT, 'docs', 'cli.md');
      expect(r.stdout.trimEnd().split('\n').slice(-3)).toEqual([
        'Documentation:',
        `  ${CLI_GUIDE_URL}`,
        `  ${guide} (installed with the package)`,
      ]);
      expect(fs.existsSync(guide)).toBe(true);
    },
  );

  it('should write every default the same way', async () => {
    for (const command of ['replay', 'validate', 'generate', 'index', 'report', 'shrink', 'conformance']) {
      const r = await run([command, '--help']);
      expect(r.stdout).not.toMatch(/\(default [^:]/);
    }
  });
});

describe('the per-backend table', () => {
  it('should sort by a count, largest first, and keep the top rows', async () => {
    const table = summarizeStats((await replayLog(fileSource(good))).stats).table;
    const rows = tableRows(table, { sort: 'ack', top: 2 });
    expect(rows).toHaveLength(2);
    const most = Math.max(...table.map((r) => r.acks));
    expect(rows[0]?.acks).toBe(most);
    expect((rows[0]?.acks ?? 0) >= (rows[1]?.acks ?? 0)).toBe(true);
  });

  it('should fit a width by shortening the backend labels', async () => {
    const table = summarizeStats((await replayLog(fileSource(good))).stats).table;
    const widest = Math.max(...renderTable(table).map((l) => l.length));
    const narrow = renderTable(table, widest - 10);
    expect(Math.max(...narrow.map((l) => l.length))).toBe(widest - 10);
    expect(narrow.some((l) => l.includes('\u2026'))).toBe(true);
  });

  it('should be limited, sorted and left out on the command line', async () => {
    const top = await run(['replay', good, '--sort', 'timeout', '--top', '2']);
    const lines = top.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^\(\d+ more backends: --top \d+ shows all\)$/);
    expect(lines[lines.length - 4]).toMatch(/^BACKEND/);
    const none = await run(['replay', good, '--no-table']);
    expect(none.stdout).not.toContain('BACKEND');
    const bad = await run(['replay', good, '--sort', 'speed']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'speed' is invalid\. Allowed choices are registered, backend/);
  });
});
