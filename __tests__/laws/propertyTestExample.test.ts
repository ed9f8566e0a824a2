/**
 * The README's property-test example is the file examples/property-test.ts, and it passes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

describe('examples/property-test.ts', () => {
  const source = read('examples/property-test.ts');

  it('should be the example the README shows', () => {
    expect(read('README.md')).toContain(source.trim());
  });

  it('should run its property to the end without a counterexample', async () => {
    await expect(
      jest.isolateModulesAsync(async () => {
        await import('../../examples/property-test');
      }),
    ).resolves.toBeUndefined();
  });
});
