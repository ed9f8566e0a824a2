/**
 * The README's example is the file examples/quick-start.ts, and it prints what its comments say;
 * docs/idle.md shows examples/idle-sweep.ts and what it prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format, inspect } from 'node:util';

const root = path.join(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** The `// expected` comment of every line that logs, in order. */
const expectedOutput = (source: string): string[] =>
  source
    .split('\n')
    .filter((line) => line.startsWith('console.log('))
    .map((line) => line.slice(line.lastIndexOf('// ') + 3));

describe('examples/quick-start.ts', () => {
  const source = read('examples/quick-start.ts');

  it('should be the example the README shows', () => {
    expect(read('README.md')).toContain(source.trim());
  });

  it('should print what its comments say', async () => {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(
        args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5, breakLength: Infinity }))).join(' '),
      );
    });
    try {
      await jest.isolateModulesAsync(async () => {
        await import('../../examples/quick-start');
      });
    } finally {
      log.mockRestore();
    }

    expect(printed).toEqual(expectedOutput(source));
  });
});

describe('docs/idle.md', () => {
  const page = read('docs/idle.md');
  const example = read('examples/idle-sweep.ts');

  /** The body of the fenced block that follows `marker` on the page. */
  const blockAfter = (marker: string): string => {
    const at = page.indexOf(marker);
    expect(at).toBeGreaterThanOrEqual(0);
    return /```[a-z]*\n([\s\S]*?)```/.exec(page.slice(at + marker.length))?.[1] ?? '';
  };

  it('should show examples/idle-sweep.ts exactly', () => {
    expect(blockAfter('<!-- example: examples/idle-sweep.ts -->')).toBe(example);
  });

  it('should show what the example prints', async () => {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    try {
      await jest.isolateModulesAsync(async () => {
        await import('../../examples/idle-sweep');
      });
    } finally {
      log.mockRestore();
    }

    expect(`${printed.join('\n')}\n`).toBe(blockAfter('<!-- output: examples/idle-sweep.ts -->'));
    expect(printed).toContain('quiesce received: zccache 1, soldr 0, fbuild 2');
  });
});
