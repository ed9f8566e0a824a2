/**
 * The package as its users get it: packed, installed from the tarball into a project outside the
 * repository, then imported as an ES module, required as CommonJS, type-checked by TypeScript
 * under node16 and bundler resolution, and run as a command. Whatever it loads must come from
 * that project's node_modules, never from this repository.
 *
 * `npm test` builds dist/ first. Setting LIFECYCLE_BROADCAST_SKIP_PACKAGE_CHECK=1 skips this
 * file locally; it always runs when CI is set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { transformSync } from 'esbuild';

import * as library from '../../src';
import { bundleForBrowser, bundleSize } from '../support/browserBundle';
import { natsServerBinary } from '../nats/natsServer';
import type { ConsumerProject, DocumentationBlock, Run } from './consumerProject';
import {
  PACKAGE,
  ROOT,
  blockName,
  codeBlocksIn,
  documentationPages,
  compilerErrors,
  createConsumerProject,
  explainedFiles,
  exportTargets,
  isInside,
  manifest,
  run,
  typeCheck,
  unresolvedDeclarationImports,
} from './consumerProject';

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const skipped = process.env.LIFECYCLE_BROADCAST_SKIP_PACKAGE_CHECK === '1' && !inCi;
const describeUnlessSkipped = skipped ? describe.skip : describe;

/** Packing and installing take a few seconds; a loaded machine may take many more. */
const SLOW = 180_000;

/** Where the package is installed in the project. */
const installed = (p: ConsumerProject): string => path.join(p.dir, 'node_modules', PACKAGE);

/** The JSON line a consumer program printed. */
const printed = (r: Run): unknown => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

/**
 * Standard error without Redux Toolkit's development-build warnings that its checks were slow:
 * they depend on the machine's load, not on the program (an example keeping the defaults of
 * `getDefaultMiddleware` can print one on a busy machine). Anything else stays.
 */
const withoutSlowChecks = (stderr: string): string =>
  stderr.replace(
    /^\w+ took \d+ms, which is more than the warning threshold of \d+ms\.\s*\n(?:.*\n)*?It is disabled in production builds, so you don't need to worry about that\.\s*\n?/gm,
    '',
  );

/** A value as JSON carries it, to compare the output of a child process with a value here. */
const plain = (u: unknown): unknown => JSON.parse(JSON.stringify(u)) as unknown;

/** What the scenario (scenario.cjs in the project) gives with the library's sources. */
const fromSources = (p: ConsumerProject): unknown => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const scenario = require(path.join(p.dir, 'scenario.cjs')) as (lb: typeof library) => unknown;
  return plain(scenario(library));
};

interface ScenarioRun {
  readonly resolved: string;
  readonly outcome: unknown;
}

beforeAll(() => {
  if (!skipped && !fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
});

describe('the exports map', () => {
  it('should serve ./arbitraries exactly when src/arbitraries.ts exists', () => {
    expect(Object.keys(manifest().exports).includes('./arbitraries')).toBe(
      fs.existsSync(path.join(ROOT, 'src', 'arbitraries.ts')),
    );
  });

  it('should serve ./node exactly when src/node/index.ts exists', () => {
    expect(Object.keys(manifest().exports).includes('./node')).toBe(
      fs.existsSync(path.join(ROOT, 'src', 'node', 'index.ts')),
    );
  });

  it('should say where the project lives: its repository, home page and issue tracker', () => {
    const m = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const site = 'https://github.com/lifecycle-broadcast/lifecycle-broadcast';
    expect(m.repository).toEqual({ type: 'git', url: `git+${site}.git` });
    expect(m.homepage).toBe(`${site}#readme`);
    expect(m.bugs).toEqual({ url: `${site}/issues` });
  });

  it("should give every entry point bundlers' ES modules, Node's ES module and CommonJS code, each with its types", () => {
    for (const [subpath, target] of Object.entries(manifest().exports)) {
      if (subpath === './package.json') {
        continue;
      }
      // `module` first: bundlers honour it, Node does not (and would not load its fp-ts/es6 imports).
      expect(Object.keys(target as object)).toEqual(['module', 'import', 'require']);
      expect(target).toEqual({
        module: {
          types: expect.stringMatching(/\.d\.mts$/) as unknown,
          default: expect.stringMatching(/^\.\/dist\/module\/[a-z]+\.mjs$/) as unknown,
        },
        import: {
          types: expect.stringMatching(/\.d\.mts$/) as unknown,
          default: expect.stringMatching(/\.mjs$/) as unknown,
        },
        require: {
          types: expect.stringMatching(/\.d\.ts$/) as unknown,
          default: expect.stringMatching(/\.js$/) as unknown,
        },
      });
    }
  });
});

describeUnlessSkipped('the packed package', () => {
  let project: ConsumerProject;

  beforeAll(() => {
    project = createConsumerProject();
    expect(isInside(ROOT, project.dir)).toBe(false);
  }, SLOW);

  afterAll(() => {
    // `project` is unset when creating it failed, which that failure reports.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    project?.remove();
  });

  describe('npm pack', () => {
    it('should ship only dist/, the guides, the examples, the README, the changelog, the licence and package.json', () => {
      const files = project.packed.files.map((f) => f.path);
      expect(
        files.filter(
          (f) => !/^(dist\/.+|docs\/[^/]+\.md|examples\/[^/]+|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/.test(f),
        ),
      ).toEqual([]);
      // The guides the README links and the example incident they replay ship with the code.
      expect(files).toEqual(expect.arrayContaining(['docs/cli.md', 'docs/log-format.md', 'examples/broker.ndjson']));
      expect(files).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']));
    });

    it('should ship every file package.json points at', () => {
      const m = manifest();
      const named = [
        m.main,
        m.types,
        ...Object.values(m.bin),
        ...exportTargets(m.exports),
        ...Object.values(m.typesVersions ?? {}).flatMap((map) => Object.values(map).flat()),
      ];
      const files = new Set(project.packed.files.map((f) => f.path));
      expect(named.filter((file) => !files.has(path.posix.normalize(file)))).toEqual([]);
    });
  });

  describe('import (ES module)', () => {
    it('should resolve to the installed .mjs build and compute what the sources compute', () => {
      const r = printed(run(process.execPath, ['esm.mjs'], project.dir)) as ScenarioRun & { namedImportWorks: boolean };
      expect(fileURLToPath(r.resolved)).toBe(path.join(installed(project), 'dist', 'index.mjs'));
      expect(r.namedImportWorks).toBe(true);
      expect(r.outcome).toEqual(fromSources(project));
    });
  });

  describe('require (CommonJS)', () => {
    it('should resolve to the installed .js build and compute what the sources compute', () => {
      const r = printed(run(process.execPath, ['cjs.cjs'], project.dir)) as ScenarioRun;
      expect(r.resolved).toBe(path.join(installed(project), 'dist', 'index.js'));
      expect(r.outcome).toEqual(fromSources(project));
    });

    it('should load every module from the project, none from the repository', () => {
      const r = printed(run(process.execPath, ['cjs.cjs'], project.dir)) as ScenarioRun & {
        loaded: ReadonlyArray<string>;
      };
      expect(r.loaded.filter((file) => !isInside(project.dir, file))).toEqual([]);
      expect(r.loaded).toEqual(expect.arrayContaining([path.join(installed(project), 'dist', 'index.js')]));
    });
  });

  describe('TypeScript', () => {
    it('should resolve every import of its declarations within the project, .d.mts as ES modules and .d.ts as CommonJS', () => {
      expect(unresolvedDeclarationImports(project)).toEqual([]);
    });

    describe('tsc with node16 resolution', () => {
      let compiled: Run;
      let files: ReadonlyMap<string, ReadonlyArray<string>>;

      beforeAll(() => {
        compiled = typeCheck(project);
        files = explainedFiles(compiled.stdout, project.dir);
      }, SLOW);

      it('should accept the consumer files and every example of the documentation (each @example of the API, each program of the README and docs/)', () => {
        expect(project.examples.map((e) => e.source)).toEqual(
          expect.arrayContaining(['README.md', path.join('src', 'registry', 'reducers.ts')]),
        );
        expect(compilerErrors(compiled.stdout)).toEqual([]);
        expect(compiled.code).toBe(0);
      });

      it('should give an ES module the ES module declarations and a CommonJS module the CommonJS ones', () => {
        const types = path.join(installed(project), 'dist');
        const esm = files.get(path.join(types, 'index.d.mts'))?.join('\n') ?? '';
        const cjs = files.get(path.join(types, 'index.d.ts'))?.join('\n') ?? '';
        expect(esm).toContain(`Imported via '${PACKAGE}' from file 'typed.mts'`);
        expect(cjs).toContain(`Imported via '${PACKAGE}' from file 'typed.cts'`);
        expect(esm).not.toContain("'typed.cts'");
        expect(cjs).not.toContain("'typed.mts'");
      });

      it("should read the package from the project and nothing from the repository but the compiler's own library", () => {
        const fromPackage = [...files.keys()].filter((file) => file.includes(`${path.sep}${PACKAGE}${path.sep}`));
        expect(fromPackage.length).toBeGreaterThan(0);
        expect(fromPackage.filter((file) => !isInside(installed(project), file))).toEqual([]);
        expect(
          [...files.keys()].filter(
            (file) => isInside(ROOT, file) && !isInside(path.join(ROOT, 'node_modules', 'typescript', 'lib'), file),
          ),
        ).toEqual([]);
      });
    });
  });

  describe('the command line', () => {
    const bin = (): string => path.join(project.dir, 'node_modules', '.bin', PACKAGE);

    it('should be the installed dist/cli/main.js', () => {
      expect(fs.realpathSync(bin())).toBe(path.join(installed(project), 'dist', 'cli', 'main.js'));
    });

    it('should print its usage with --help', () => {
      const r = run(bin(), ['--help'], project.dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ${PACKAGE} `, 'm'));
      for (const command of ['replay', 'validate', 'generate']) {
        expect(r.stdout).toContain(command);
      }
      // The guide it points to is one a user can open: on the web, and the installed copy.
      const guide = path.join(installed(project), 'docs', 'cli.md');
      expect(r.stdout.trimEnd().split('\n').slice(-2)).toEqual([
        expect.stringMatching(/^ {2}https:\/\/\S+\/docs\/cli\.md$/),
        `  ${guide} (installed with the package)`,
      ]);
      expect(fs.existsSync(guide)).toBe(true);
    });

    it('should validate the example log', () => {
      fs.copyFileSync(path.join(ROOT, 'examples', 'broker.ndjson'), path.join(project.dir, 'broker.ndjson'));
      const r = run(bin(), ['validate', 'broker.ndjson'], project.dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  });

  describe(`${PACKAGE}/node`, () => {
    for (const [system, file, built] of [
      ['an ES module', 'file.mjs', 'node.mjs'],
      ['CommonJS', 'file.cjs', 'node.js'],
    ] as const) {
      it(`should replay the example log from a file, from ${system}`, () => {
        fs.copyFileSync(path.join(ROOT, 'examples', 'broker.ndjson'), path.join(project.dir, 'broker.ndjson'));
        const r = printed(run(process.execPath, [file], project.dir)) as {
          resolved: string;
          lastLine: number;
          checked: number;
          divergences: number;
        };
        const resolved = r.resolved.startsWith('file:') ? fileURLToPath(r.resolved) : r.resolved;
        expect(resolved).toBe(path.join(installed(project), 'dist', built));
        expect(r.lastLine).toBeGreaterThan(1);
        expect(r.checked).toBeGreaterThan(0);
        expect(r.divergences).toBe(0);
      });
    }
  });

  describe(`${PACKAGE}/arbitraries`, () => {
    const exported = Object.keys(manifest().exports).includes('./arbitraries');
    const itIfExported = exported ? it : it.skip;

    itIfExported(
      'should say in one line which package to install when fast-check is missing, from both module systems',
      () => {
        // fast-check out of the project's way for this test only: the root entry never needs it.
        const fastCheck = path.join(project.dir, 'node_modules', 'fast-check');
        const aside = `${fastCheck}.aside`;
        fs.renameSync(fastCheck, aside);
        try {
          for (const file of ['no-fast-check.mjs', 'no-fast-check.cjs']) {
            expect([file, printed(run(process.execPath, [file], project.dir))]).toEqual([
              file,
              {
                root: 'function',
                message:
                  'lifecycle-broadcast/arbitraries needs fast-check, an optional peer dependency: install it (npm install --save-dev fast-check)',
              },
            ]);
          }
        } finally {
          fs.renameSync(aside, fastCheck);
        }
      },
    );

    for (const [system, file, built] of [
      ['an ES module', 'arbitraries.mjs', 'arbitraries.mjs'],
      ['CommonJS', 'arbitraries.cjs', 'arbitraries.js'],
    ] as const) {
      itIfExported(`should generate actions the root's codec accepts, from ${system}`, () => {
        const r = printed(run(process.execPath, [file], project.dir)) as {
          resolved: string;
          count: number;
          invalid: ReadonlyArray<unknown>;
        };
        const resolved = r.resolved.startsWith('file:') ? fileURLToPath(r.resolved) : r.resolved;
        expect(resolved).toBe(path.join(installed(project), 'dist', built));
        expect(r.count).toBe(50);
        expect(r.invalid).toEqual([]);
      });
    }
  });

  describe(`${PACKAGE}/node`, () => {
    for (const [system, file, built] of [
      ['an ES module', 'node.mjs', 'node.mjs'],
      ['CommonJS', 'node.cjs', 'node.js'],
    ] as const) {
      it(`should run a live broadcast over a Unix socket with the root's runner and its socket transport, from ${system}`, () => {
        const r = printed(run(process.execPath, [file], project.dir)) as {
          resolved: string;
          status: string;
          acks: number;
          reproduced: boolean;
        };
        const resolved = r.resolved.startsWith('file:') ? fileURLToPath(r.resolved) : r.resolved;
        expect(resolved).toBe(path.join(installed(project), 'dist', built));
        expect(r).toMatchObject({ status: 'AllAcked', acks: 1, reproduced: true });
      });
    }
  });

  describe('the documentation', () => {
    const blocks = documentationPages().flatMap(codeBlocksIn);
    const programs = blocks.filter((b) => b._tag === 'Program');
    const title = (b: DocumentationBlock): string => `${b.page}:${String(b.line)}`;
    /** The log the documentation's programs read, as a user who followed the README has it. */
    const LOG = 'broker.ndjson';

    /** Run a program of the documentation as the ES module a user would save it as, in a folder of its own. */
    const runProgram = (block: DocumentationBlock, withLog: boolean): { readonly run: Run; readonly dir: string } => {
      const dir = path.join(project.dir, 'documentation', `${blockName(block)}${withLog ? '' : '-no-log'}`);
      fs.mkdirSync(dir, { recursive: true });
      if (withLog) {
        fs.copyFileSync(path.join(ROOT, 'examples', LOG), path.join(dir, LOG));
      }
      const code = transformSync(block.body, { loader: 'ts', format: 'esm', target: 'node20' }).code;
      fs.writeFileSync(path.join(dir, 'program.mjs'), code);
      return { run: run(process.execPath, ['program.mjs'], dir), dir };
    };

    it('should run a program, or show an example file its own test runs, on every page with code', () => {
      const withCode = new Set(blocks.map((b) => b.page));
      expect(new Set(blocks.filter((b) => b._tag !== 'Fragment').map((b) => b.page))).toEqual(withCode);
      expect(withCode.size).toBe(6);
      // What is marked as a fragment, and so neither compiled nor run.
      expect(blocks.filter((b) => b._tag === 'Fragment').map((b) => b.page)).toEqual([
        'docs/concepts.md',
        'docs/idle.md',
      ]);
    });

    it('should show each example file exactly', () => {
      for (const block of blocks.filter((b) => b._tag === 'Example')) {
        expect([title(block), block.body]).toEqual([
          title(block),
          fs.readFileSync(path.join(ROOT, block.file ?? ''), 'utf8'),
        ]);
      }
    });

    it.each(programs.map((b) => [title(b), b] as const))(
      'should run %s as written, with nothing on standard error and the log it reads left as it was',
      (_, block) => {
        const { run: r, dir } = runProgram(block, true);
        expect([r.code, withoutSlowChecks(r.stderr)]).toEqual([0, '']);
        expect(fs.readFileSync(path.join(dir, LOG))).toEqual(fs.readFileSync(path.join(ROOT, 'examples', LOG)));
      },
      SLOW,
    );

    it.each(programs.filter((b) => b.body.includes(`'${LOG}'`)).map((b) => [title(b), b] as const))(
      'should report a missing log as an error in %s, not print an empty registry',
      (_, block) => {
        const { run: r } = runProgram(block, false);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(new RegExp(`Error: cannot (read|replay) ${LOG.replace('.', '\\.')}: .*ENOENT`));
      },
      SLOW,
    );
  });

  describe('bundled for a browser', () => {
    /** The most the dashboard may weigh, minified and gzipped, with fp-ts, io-ts and Redux Toolkit in it. */
    const MAX_DASHBOARD_GZIP = 24 * 1024;
    const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

    /** Where a bundled module comes from: the package, one of its dependencies, or else. */
    const origin = (module: string): string => {
      const inPackages = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](.*)$/.exec(
        path.resolve(project.dir, module),
      );
      return inPackages === null ? module : `${inPackages[1] ?? ''}/${(inPackages[2] ?? '').replace(/\\/g, '/')}`;
    };

    /** What every bundle of the dashboard must hold: the bundlers' build, each fp-ts module once, as an ES module. */
    const expectShaken = (modules: ReadonlyArray<string>): void => {
      const from = modules.map(origin);
      expect(modules.map((m) => path.resolve(project.dir, m)).filter((m) => !isInside(project.dir, m))).toEqual([]);
      expect(from.filter((m) => m.startsWith(`${PACKAGE}/`) && !m.startsWith(`${PACKAGE}/dist/module/`))).toEqual([]);
      expect(from.filter((m) => /^(fp-ts|io-ts)\/(?!es6\/)/.test(m))).toEqual([]);
      expect(from).toEqual(expect.arrayContaining(['fp-ts/es6/Either.js', 'io-ts/es6/index.js']));
    };

    it(`should weigh under ${kib(MAX_DASHBOARD_GZIP)} gzipped with esbuild, fp-ts and io-ts shaken and bundled once`, () => {
      const result = bundleForBrowser({ entryPoints: ['dashboard/dashboard.ts'], absWorkingDir: project.dir });
      expect(result.errors).toEqual([]);
      expectShaken(Object.keys(result.metafile.inputs));
      const { minified, gzipped } = bundleSize(result);
      console.log(`the dashboard bundled by esbuild: ${kib(minified)} minified, ${kib(gzipped)} gzipped`);
      expect(gzipped).toBeLessThan(MAX_DASHBOARD_GZIP);
    });

    it(
      `should weigh under ${kib(MAX_DASHBOARD_GZIP)} gzipped with Vite, fp-ts and io-ts shaken and bundled once`,
      () => {
        const chunks = printed(run(process.execPath, ['vite-build.mjs'], project.dir)) as ReadonlyArray<{
          readonly fileName: string;
          readonly code: string;
          readonly modules: ReadonlyArray<string>;
        }>;
        expect(chunks.length).toBeGreaterThan(0);
        expectShaken(chunks.flatMap((c) => c.modules));
        const minified = chunks.reduce((sum, c) => sum + Buffer.byteLength(c.code), 0);
        const gzipped = chunks.reduce((sum, c) => sum + gzipSync(c.code, { level: 9 }).length, 0);
        console.log(`the dashboard bundled by Vite: ${kib(minified)} minified, ${kib(gzipped)} gzipped`);
        expect(gzipped).toBeLessThan(MAX_DASHBOARD_GZIP);
      },
      SLOW,
    );
  });

  describe(`${PACKAGE}/nats`, () => {
    for (const [system, file, built] of [
      ['an ES module', 'nats.mjs', 'nats.mjs'],
      ['CommonJS', 'nats.cjs', 'nats.js'],
    ] as const) {
      it(`should derive a subject that gives its key back, and broadcast over a real nats-server when there is one, from ${system}`, () => {
        const r = printed(
          run(process.execPath, [file, ...(natsServerBinary === undefined ? [] : [natsServerBinary])], project.dir),
        ) as {
          resolved: string;
          subject: string;
          back: string;
          status: string | null;
        };
        const resolved = r.resolved.startsWith('file:') ? fileURLToPath(r.resolved) : r.resolved;
        expect(resolved).toBe(path.join(installed(project), 'dist', built));
        expect(r).toMatchObject({
          subject: 'lifecycle.backend.explicit.ci%20runner%2E1.zccache.1%2E11%2E20.%',
          back: 'ci runner.1',
          status: natsServerBinary === undefined ? null : 'AllAcked',
        });
      });
    }
  });
});
