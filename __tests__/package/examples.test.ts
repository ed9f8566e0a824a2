/**
 * The README's example is the file examples/quick-start.ts, and it prints what its comments say.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';

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
