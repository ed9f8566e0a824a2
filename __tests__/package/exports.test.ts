import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Run `script` with Node in the package directory, so that the package resolves itself by name. */
const runNode = (
  script: string,
): { readonly status: number | null; readonly stdout: string; readonly stderr: string } => {
  if (!existsSync(path.join(root, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
  const { status, stdout, stderr } = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  return { status, stdout, stderr };
};

/** The fast-check files among the modules loaded after `require(specifier)`. */
const fastCheckLoadedBy = (specifier: string): ReadonlyArray<string> => {
  const { status, stdout, stderr } = runNode(`
    require(${JSON.stringify(specifier)});
    const loaded = Object.keys(require.cache).filter((p) => p.split(require('path').sep).includes('fast-check'));
    process.stdout.write(JSON.stringify(loaded));
  `);
  if (status !== 0) {
    throw new Error(`node exited with ${String(status)}: ${stderr}`);
  }
  return JSON.parse(stdout) as ReadonlyArray<string>;
};

describe('lifecycle-broadcast (the package root)', () => {
  it('should not load fast-check', () => {
    expect(fastCheckLoadedBy('lifecycle-broadcast')).toEqual([]);
  });

  it('should not load fast-check from its sources either', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('fast-check', () => {
        throw new Error('the package root loaded fast-check');
      });

      const library = await import('../../src');

      expect(typeof library.step).toBe('function');
    });
  });
});

describe('lifecycle-broadcast/arbitraries', () => {
  it('should resolve to the built arbitraries and load fast-check', () => {
    const { stdout } = runNode(`process.stdout.write(require.resolve('lifecycle-broadcast/arbitraries'))`);

    expect(stdout).toBe(path.join(root, 'dist', 'arbitraries.js'));
    expect(fastCheckLoadedBy('lifecycle-broadcast/arbitraries').length).toBeGreaterThan(0);
  });

  it('should export the arbitraries by name', () => {
    const { stdout } = runNode(
      `process.stdout.write(JSON.stringify(Object.keys(require('lifecycle-broadcast/arbitraries')).sort()))`,
    );

    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining(['actionSequenceArbitrary', 'backendKeyArbitrary', 'logArbitrary', 'logLines']),
    );
  });
});

describe('package.json exports', () => {
  it('should expose the package.json and keep internal modules private', () => {
    const { stdout, stderr } = runNode(`
      process.stdout.write(require.resolve('lifecycle-broadcast/package.json'));
      require.resolve('lifecycle-broadcast/dist/Registry');
    `);

    expect(stdout).toBe(path.join(root, 'package.json'));
    expect(stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
