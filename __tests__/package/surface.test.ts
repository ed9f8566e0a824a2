/**
 * The shape of what the package ships: the root entry bundles for a browser (no Node built-in
 * anywhere it reaches) and stays small, the declarations stay small, and the exports of every
 * entry point are the pinned list in `surface.json`, so that a new export is a deliberate change.
 *
 * After a deliberate change of the public surface, `LIFECYCLE_BROADCAST_UPDATE_SURFACE=1 npx jest
 * __tests__/package/surface.test.ts` rewrites `surface.json` (then review the diff).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { bundleForBrowser, bundleSize } from '../support/browserBundle';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const PINNED = path.join(__dirname, 'surface.json');

/**
 * The most each isomorphic entry may weigh, minified and gzipped, without its dependencies (all
 * of it; an application bundling only some of it, `sideEffects: false`, weighs less): the root,
 * what a broker store or a dashboard loads, and the incident tools an operator's page adds (the
 * part of the root they use is counted with the root, not again). The root holds the one replay
 * engine, which `replayLog` and the incident tools share, and since 0.3.0 the version 3 summaries
 * and their digest, the field-level diff of a divergence, and the live runner's deadlines,
 * progress, rollouts and retries, the replay's broadcast observer (`onBroadcast`), and the live
 * runner's OpenTelemetry spans and metrics (`options.telemetry`, 1.7 KiB): about 35.7 KiB, since
 * the synthetic log generator (`generateLog`, 1.2 KiB) moved to the incident tools. The incident
 * tools weigh about 17.5 KiB since the report page gained its findings, its rates strip, the
 * checks of a model given by plain JavaScript and the script of its virtualised, filterable,
 * zoomable timeline (a string the page carries), and the generator joined them.
 */
const MAX_BROWSER_GZIP = { '.': 36 * 1024, './incident': 19 * 1024 } as const;
/** The most the declaration files (`.d.ts`; each has an ES module twin, `.d.mts`) may weigh. */
/**
 * 274 KiB since 0.3.0: the live runner gained deadlines, progress, rollouts, retries and tracing; the index its key and
 * options; what-if its counts by change; 284 KiB with the logs on JetStream (sink, source, NATS addresses) and `followFile`.
 */
const MAX_DECLARATIONS = 284 * 1024;
/** The most the NATS entry's own declaration file may weigh (it imports the rest from shared chunks). */
const MAX_NATS_DECLARATIONS = 48 * 1024;

/** The entry points, by subpath, with their sources and their CommonJS declarations. */
const ENTRIES = {
  '.': { source: 'src/index.ts', declarations: 'index.d.ts' },
  './arbitraries': { source: 'src/arbitraries.ts', declarations: 'arbitraries.d.ts' },
  './incident': { source: 'src/incident.ts', declarations: 'incident.d.ts' },
  './node': { source: 'src/node/index.ts', declarations: 'node.d.ts' },
  './nats': { source: 'src/nats/index.ts', declarations: 'nats.d.ts' },
} as const;

type Surface = Record<
  keyof typeof ENTRIES,
  { readonly values: ReadonlyArray<string>; readonly types: ReadonlyArray<string> }
>;

beforeAll(() => {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
});

/** Every name the `export { ... }` statements of a bundled declaration file export. */
const declaredExports = (file: string): ReadonlyArray<string> => {
  const text = fs.readFileSync(path.join(DIST, file), 'utf8');
  const names: string[] = [];
  for (const block of text.matchAll(/^export \{([^}]*)\}(?: from '[^']+')?;?$/gm)) {
    for (const raw of (block[1] ?? '').split(',')) {
      const item = raw.trim().replace(/^type\s+/, '');
      // `a as b` exports `b`.
      const name = item.split(/\s+as\s+/).pop() ?? item;
      if (name !== '') {
        names.push(name);
      }
    }
  }
  return [...new Set(names)].sort();
};

const runtimeExports = (subpath: string): string[] => {
  const file = subpath === '.' ? 'index.js' : `${subpath.slice(2)}.js`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Object.keys(require(path.join(DIST, file)) as object).sort();
};

describe.each(['.', './incident'] as const)('the %s entry in a browser', (subpath) => {
  /** The entry bundled for a browser; for the incident tools, together with the root they build on. */
  const build = (entry: 'root' | 'both'): ReturnType<typeof bundleForBrowser> =>
    bundleForBrowser({
      stdin: {
        contents:
          entry === 'root'
            ? `export * from './${ENTRIES['.'].source}';`
            : `export * from './${ENTRIES['.'].source}'; export * from './${ENTRIES['./incident'].source}';`,
        resolveDir: ROOT,
        loader: 'ts',
      },
      // The dependencies are the application's to bundle; what is measured is the library.
      external: ['fp-ts', 'fp-ts/*', 'io-ts'],
    });
  const bundle = (): ReturnType<typeof bundleForBrowser> => build(subpath === '.' ? 'root' : 'both');
  const gzippedSize = (
    result: ReturnType<typeof bundleForBrowser>,
  ): { readonly raw: number; readonly gzipped: number } => {
    const size = bundleSize(result);
    return { raw: size.minified, gzipped: size.gzipped };
  };

  it('should bundle for --platform=browser without a single Node built-in', () => {
    const result = bundle();
    const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));

    expect(result.errors).toEqual([]);
    expect(
      imported.filter((p) => p.startsWith('node:') || ['fs', 'path', 'stream', 'events', 'net'].includes(p)),
    ).toEqual([]);
  });

  it(`should weigh at most ${String(MAX_BROWSER_GZIP[subpath] / 1024)} KiB minified and gzipped, dependencies excluded`, () => {
    const root = gzippedSize(build('root'));
    const measured = subpath === '.' ? root : gzippedSize(bundle());
    // The incident tools are measured by what they add to the root an application loads anyway.
    const raw = measured.raw - (subpath === '.' ? 0 : root.raw);
    const gzipped = measured.gzipped - (subpath === '.' ? 0 : root.gzipped);
    console.log(
      `${subpath} entry for the browser: ${(raw / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped${
        subpath === '.' ? '' : ' beyond the root'
      }`,
    );

    expect(raw).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(MAX_BROWSER_GZIP[subpath]);
  });
});

describe('the declarations', () => {
  it(`should weigh at most ${String(MAX_DECLARATIONS / 1024)} KiB in all`, () => {
    // The NATS entry (a Node-only layer on top) has its own budget, below.
    const files = fs.readdirSync(DIST).filter((f) => /\.d\.m?ts$/.test(f) && !f.startsWith('nats.'));
    const size = (suffix: string): number =>
      files.filter((f) => f.endsWith(suffix)).reduce((sum, f) => sum + fs.statSync(path.join(DIST, f)).size, 0);
    console.log(
      `declarations: ${(size('.d.ts') / 1024).toFixed(1)} KiB (.d.ts), ${(size('.d.mts') / 1024).toFixed(1)} KiB (.d.mts)`,
    );

    expect(files).toEqual(expect.arrayContaining(['index.d.ts', 'index.d.mts', 'node.d.ts', 'node.d.mts']));
    expect(size('.d.ts')).toBeLessThanOrEqual(MAX_DECLARATIONS);
    expect(size('.d.mts')).toBeLessThanOrEqual(MAX_DECLARATIONS);
  });

  it(`should weigh at most ${String(MAX_NATS_DECLARATIONS / 1024)} KiB for the nats entry`, () => {
    for (const file of ['nats.d.ts', 'nats.d.mts']) {
      expect(fs.statSync(path.join(DIST, file)).size).toBeLessThanOrEqual(MAX_NATS_DECLARATIONS);
    }
  });

  it('should keep the registry opaque: its storage is not part of the public type', () => {
    const text = fs
      .readdirSync(DIST)
      .filter((f) => f.endsWith('.d.ts'))
      .map((f) => fs.readFileSync(path.join(DIST, f), 'utf8'))
      .join('\n');
    const registry = /interface Registry \{([^}]*)\}/.exec(text)?.[1] ?? '';

    expect(registry).toContain('policy');
    expect(registry).not.toMatch(/slots|index|operations|liveCount/);
    expect(text).not.toMatch(/\bHashTrie\b|\bVector\b/);
  });
});

describe('the exports of every entry point', () => {
  const current = (): Surface =>
    Object.fromEntries(
      Object.entries(ENTRIES).map(([subpath, entry]) => {
        const values = runtimeExports(subpath);
        const types = declaredExports(entry.declarations).filter((name) => !values.includes(name));
        return [subpath, { values, types }];
      }),
    ) as unknown as Surface;

  it('should declare every value it exports at run time', () => {
    for (const [subpath, entry] of Object.entries(ENTRIES)) {
      const declared = declaredExports(entry.declarations);
      expect([subpath, runtimeExports(subpath).filter((name) => !declared.includes(name))]).toEqual([subpath, []]);
    }
  });

  it('should be the pinned list (surface.json)', () => {
    const now = current();
    if (process.env.LIFECYCLE_BROADCAST_UPDATE_SURFACE === '1') {
      fs.writeFileSync(PINNED, `${JSON.stringify(now, null, 2)}\n`);
    }
    const pinned = JSON.parse(fs.readFileSync(PINNED, 'utf8')) as Surface;

    expect(now).toEqual(pinned);
  });
});
