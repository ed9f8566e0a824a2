/**
 * The layout of `src/` shows the design: one folder per concept, each importing only from the
 * folders below it, no import circle (type-only imports included), and no file too long to read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');

/** The longest a source file may be, in lines. */
const MAX_LINES = 800;

/**
 * The folders of `src/`, lowest first: a folder imports only from folders of a lower layer (the
 * entry files at the top of `src/` may import from any). Folders in one layer are siblings and do
 * not import each other.
 */
const LAYERS: ReadonlyArray<ReadonlyArray<string>> = [
  ['internal'],
  ['domain'],
  ['registry'],
  ['idle', 'live', 'log'],
  ['replay'],
  ['incident', 'redux'],
  ['arbitraries'],
  ['node'],
  ['nats'],
];

const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((f) => [f, layer] as const)));

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );

/** The file a relative import names, as the compiler resolves it (`./x` is `./x.ts` or `./x/index.ts`). */
const resolved = (from: string, specifier: string): string | undefined => {
  const target = path.resolve(path.dirname(from), specifier);
  return [`${target}.ts`, path.join(target, 'index.ts')].find((f) => fs.existsSync(f));
};

/** Every file of `src/` with the files it imports, type-only imports and re-exports included. */
const importGraph = (): ReadonlyMap<string, ReadonlyArray<string>> =>
  new Map(
    sourceFiles(SRC).map((file) => {
      const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      const targets = info.importedFiles
        .map((i) => i.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => resolved(file, name))
        .filter((f): f is string => f !== undefined);
      return [file, [...new Set(targets)]] as const;
    }),
  );

/** The import circles of `graph`: its strongly connected components of more than one file, or a file importing itself. */
const circles = (graph: ReadonlyMap<string, ReadonlyArray<string>>): ReadonlyArray<ReadonlyArray<string>> => {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: Array<ReadonlyArray<string>> = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
        found.push(component.map((f) => path.relative(SRC, f)).sort());
      }
    }
  };
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return found;
};

/** The folder of `src/` a file is in, or `undefined` for an entry file at the top. */
const folderOf = (file: string): string | undefined => {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
};

describe('the layout of src/', () => {
  const graph = importGraph();

  it('should find the files and their imports', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(path.join(SRC, 'index.ts'))?.length).toBeGreaterThan(10);
  });

  it('should have no import circle, type-only imports included', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('should report a circle when there is one (the check itself)', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    const c = path.join(SRC, 'c.ts');
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [c]],
          [c, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(circles(new Map([[a, [a]]]))).toEqual([['a.ts']]);
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
    ).toEqual([]);
  });

  it(`should have no file over ${String(MAX_LINES)} lines`, () => {
    const long = [...graph.keys()]
      .map((f) => ({ file: path.relative(SRC, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('should put every folder in a layer', () => {
    const folders = new Set([...graph.keys()].map(folderOf).filter((f): f is string => f !== undefined));
    expect([...folders].filter((f) => !layerOf.has(f))).toEqual([]);
  });

  it('should import only from the folders below', () => {
    const upward = [...graph].flatMap(([file, targets]) => {
      const from = folderOf(file);
      if (from === undefined) {
        return [];
      }
      return targets
        .filter((t) => {
          const to = folderOf(t);
          return to !== undefined && to !== from && (layerOf.get(to) as number) >= (layerOf.get(from) as number);
        })
        .map((t) => `${path.relative(SRC, file)} -> ${path.relative(SRC, t)}`);
    });
    expect(upward).toEqual([]);
  });
});
