/**
 * What a user reads when the compiler refuses a call: the messages name the library's types
 * (`BackendKey`, `Backend`, `LifecycleBroadcastState`) and show their fields, never io-ts's
 * machinery (`TypeOfProps`, `Readonly<...>` of codec props, `Type<...>` of a record). The
 * deliberate mistakes below are compiled with the TypeScript compiler API against the sources,
 * as a user's project compiles them against the declarations; a second check reads every name
 * the entries export and requires that no value's type, parameter or result spells io-ts's
 * internals, and that functions take and give named types.
 */
import * as path from 'node:path';

import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const ENTRIES = ['src/index.ts', 'src/node/index.ts', 'src/incident.ts', 'src/arbitraries.ts'].map((f) =>
  path.join(ROOT, f),
);
const MISTAKES = path.join(ROOT, '__tests__', 'package', '__mistakes__.ts');

/** io-ts's machinery, as the compiler would print it. */
const IO_TS_INTERNALS =
  /TypeOfProps|OutputOfProps|\b(?:Type|Readonly|Exact|Array|ReadonlyArray|Union|Literal|Keyof|Intersection|Partial|Strict)C<|\bt\.Type\b/;

interface Mistake {
  /** What the user got wrong. */
  readonly title: string;
  /** The statement, written against the package's entries. */
  readonly code: string;
  /** What the compiler's message must say (each one). */
  readonly names: ReadonlyArray<string>;
}

const mistakes: ReadonlyArray<Mistake> = [
  {
    title: 'a key where a backend is expected (a Redux action creator)',
    code: 'backendRegistered(zccache);',
    names: ["'BackendKey' is not assignable to parameter of type 'Backend'", 'readonly key: BackendKey'],
  },
  {
    title: 'a key where a backend is expected (a registry reducer)',
    code: 'register(registry, zccache);',
    names: ["'BackendKey' is not assignable to parameter of type 'Backend'"],
  },
  {
    title: 'a backend where a key is expected',
    code: 'livenessSet(liveBackend(zccache), false);',
    names: ["'Backend' is not assignable to parameter of type 'BackendKey'", 'readonly instance: BrokerInstance'],
  },
  {
    title: 'a wrong operation tag',
    code: "broadcast(registry, { _tag: 'ReleaseHandle', pathPrefix: '/var/cache' });",
    names: ['"ReleaseHandles" | "Quiesce"'],
  },
  {
    title: 'a string where a response is expected',
    code: "responseSet(zccache, 'Ack');",
    names: ["'string' is not assignable to parameter of type 'BroadcastBackendResponse'"],
  },
  {
    title: 'a registry where a slice state is expected',
    code: "lifecycleBroadcastReducer(registry, { type: 'app/started' });",
    names: ["'Registry' is not assignable to parameter of type 'LifecycleBroadcastState'"],
  },
  {
    title: 'a slice state where a registry is expected',
    code: 'backends(lifecycleBroadcastReducer(undefined, { type: "app/started" }));',
    names: ["'LifecycleBroadcastState' is not assignable to parameter of type 'Registry'"],
  },
  {
    title: 'an idle coordinator where a registry is expected',
    code: 'backendCount(emptyIdleCoordinator);',
    names: ["'IdleCoordinator' is not assignable to parameter of type 'Registry'"],
  },
  {
    title: 'a socket address missing its port',
    code: "SocketAddress.is({ host: 'x' }) && socketTransport({ addressOf: () => ({ host: '127.0.0.1' }) });",
    names: ["not assignable to type 'SocketAddress'", "Property 'port' is missing"],
  },
];

const header = `
import {
  backendCount, backendRegistered, backendKey, backends, broadcast, createRegistry,
  emptyIdleCoordinator, lifecycleBroadcastReducer, liveBackend, livenessSet,
  register, responseSet, sharedInstance,
} from 'lifecycle-broadcast';
import { SocketAddress, socketTransport } from 'lifecycle-broadcast/node';
const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const registry = createRegistry();
`;

/** The messages of every error the compiler reports, by the line (0-based) it is on. */
const compile = (files: ReadonlyMap<string, string>): { program: ts.Program; errors: Map<number, string[]> } => {
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f)).config,
    ts.sys,
    ROOT,
  );
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError) => {
    const text = files.get(path.resolve(file));
    return text === undefined ? getSourceFile(file, language, onError) : ts.createSourceFile(file, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => files.has(path.resolve(file)) || fileExists(file);
  const program = ts.createProgram([...ENTRIES, ...files.keys()], options, host);
  const errors = new Map<number, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file === undefined || path.resolve(d.file.fileName) !== MISTAKES || d.start === undefined) {
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    errors.set(line, [...(errors.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
  }
  return { program, errors };
};

const firstLine = header.split('\n').length - 1;
const { program, errors } = compile(new Map([[MISTAKES, header + mistakes.map((m) => m.code).join('\n') + '\n']]));

describe('compiler messages on deliberate mistakes', () => {
  it('should report nothing but the mistakes', () => {
    const lines = [...errors.keys()].filter((l) => l < firstLine || l >= firstLine + mistakes.length);
    expect(lines.map((l) => errors.get(l))).toEqual([]);
  });

  it.each(mistakes.map((m, i) => [m.title, m, firstLine + i] as const))(
    'should name the library types for %s',
    (_title, mistake, line) => {
      const messages = (errors.get(line) ?? []).join('\n');
      expect(messages).not.toBe('');
      for (const name of mistake.names) {
        expect(messages).toContain(name);
      }
      expect(messages).not.toMatch(IO_TS_INTERNALS);
    },
  );
});

describe('the types of every exported value', () => {
  const checker = program.getTypeChecker();
  // A union of flags is a number to the enum typing, not a member of it.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  const format: ts.TypeFormatFlags =
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
  const text = (t: ts.Type): string => checker.typeToString(t, undefined, format);

  /** Each value an entry exports, with what a hover shows for it, its parameters and results. */
  const shown: ReadonlyArray<{ readonly where: string; readonly type: string; readonly signature: boolean }> = (() => {
    const out: Array<{ where: string; type: string; signature: boolean }> = [];
    for (const entry of ENTRIES) {
      const file = program.getSourceFile(entry);
      const module = file === undefined ? undefined : checker.getSymbolAtLocation(file);
      for (const exported of module === undefined ? [] : checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const declaration = symbol.valueDeclaration;
        if (declaration === undefined) {
          continue;
        }
        const where = `${path.relative(ROOT, entry)}: ${exported.getName()}`;
        const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
        out.push({ where, type: text(type), signature: false });
        for (const signature of type.getCallSignatures()) {
          for (const p of signature.getParameters()) {
            const t = checker.getTypeOfSymbolAtLocation(p, declaration);
            out.push({ where: `${where}(${p.getName()})`, type: text(t), signature: true });
          }
          out.push({ where: `${where} returns`, type: text(signature.getReturnType()), signature: true });
        }
      }
    }
    return out;
  })();

  it('should read every exported value', () => {
    expect(shown.length).toBeGreaterThan(300);
  });

  it("should never spell io-ts's internals", () => {
    expect(shown.filter((s) => IO_TS_INTERNALS.test(s.type)).map((s) => `${s.where}: ${s.type}`)).toEqual([]);
  });

  it('should take and give named types, codecs of named types included', () => {
    const anonymous = /(?:^|<)\{|^Type<.*\{/;
    expect(
      shown
        .filter((s) => (s.signature || s.type.startsWith('Type<')) && anonymous.test(s.type))
        .map((s) => `${s.where}: ${s.type}`),
    ).toEqual([]);
  });
});
