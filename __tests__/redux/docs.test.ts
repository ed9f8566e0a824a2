/**
 * `docs/redux.md` shows `examples/redux-store.ts` verbatim, with what it prints: this runs the
 * example and holds the page to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

const root = join(__dirname, '..', '..');
const page = readFileSync(join(root, 'docs', 'redux.md'), 'utf8');
const example = readFileSync(join(root, 'examples', 'redux-store.ts'), 'utf8');

/** The body of the fenced block that follows `marker` on the page. */
const blockAfter = (marker: string): string => {
  const at = page.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(page.slice(at + marker.length));
  if (match === null) {
    throw new Error(`no fenced block after ${marker}`);
  }
  return match[1] ?? '';
};

describe('docs/redux.md', () => {
  it('should show examples/redux-store.ts exactly', () => {
    expect(blockAfter('<!-- example: examples/redux-store.ts -->')).toBe(example);
  });

  it('should show what the example prints, which it prints with no warning', async () => {
    const printed: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    const warn = jest.spyOn(console, 'warn');
    const error = jest.spyOn(console, 'error');
    try {
      await jest.isolateModulesAsync(async () => {
        await import('../../examples/redux-store');
      });
      expect(`${printed.join('\n')}\n`).toBe(blockAfter('<!-- output: examples/redux-store.ts -->'));
      expect(printed[printed.length - 1]).toMatch(/the loaded store matches: true$/);
      // Redux Toolkit's checks can only warn that they were slow here (the example keeps their
      // defaults); anything else they or Redux say would be a problem with the example.
      const slow = /took \d+ms, which is more than the warning threshold/;
      const said = [...warn.mock.calls, ...error.mock.calls].map((args: unknown[]) => format(...args));
      expect(said.filter((line) => !slow.test(line))).toEqual([]);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
