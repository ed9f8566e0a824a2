import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';

import {
  Backend,
  BackendKey,
  BroadcastBackendResponse,
  BroadcastEntry,
  BroadcastFailureReason,
  BroadcastOperation,
  BroadcastPolicy,
  BroadcastResult,
  BrokerInstance,
  IdleAction,
  IdleBackend,
  IdleCoordinator,
  IdleDue,
  IdleState,
  LogRecord,
  LogHeader,
  QuiesceReason,
  RegistryAction,
  resultEntries,
} from '../../src';
import { decode } from '../../src/internal/codec';
import {
  backendArbitrary,
  backendKeyArbitrary,
  broadcastBackendResponseArbitrary,
  broadcastOperationArbitrary,
  broadcastPolicyArbitrary,
  broadcastResultArbitrary,
  brokerInstanceArbitrary,
  failureReasonArbitrary,
  idleActionArbitrary,
  idleBackendArbitrary,
  idleCoordinatorArbitrary,
  idleDueArbitrary,
  idleStateArbitrary,
  logArbitrary,
  logHeaderArbitrary,
  quiesceReasonArbitrary,
  registryActionArbitrary,
} from '../../src/arbitraries';
import { copyOf, expectEqual, expectSame, lawParameters } from './support';

// -------------------------------------------------------------------------------------
// the codecs and their values
// -------------------------------------------------------------------------------------

/** One codec with an arbitrary of its valid values. */
interface Case {
  readonly name: string;
  readonly codec: t.Type<unknown, unknown>;
  readonly valid: fc.Arbitrary<unknown>;
}

const codecCase = <A, O>(name: string, codec: t.Type<A, O>, valid: fc.Arbitrary<A>): Case => ({
  name,
  codec: codec as t.Type<unknown, unknown>,
  valid,
});

const any = { names: 'any' } as const;
// Results and log entries come from replaying a sequence: a short one gives every shape.
const anyShort = { names: 'any', maxLength: 12 } as const;

const cases: ReadonlyArray<Case> = [
  codecCase('BrokerInstance', BrokerInstance, brokerInstanceArbitrary(any)),
  codecCase('BackendKey', BackendKey, backendKeyArbitrary(any)),
  codecCase('QuiesceReason', QuiesceReason, quiesceReasonArbitrary()),
  codecCase('BroadcastOperation', BroadcastOperation, broadcastOperationArbitrary(any)),
  codecCase('BroadcastFailureReason', BroadcastFailureReason, failureReasonArbitrary()),
  codecCase('BroadcastBackendResponse', BroadcastBackendResponse, broadcastBackendResponseArbitrary()),
  codecCase('BroadcastPolicy', BroadcastPolicy, broadcastPolicyArbitrary()),
  codecCase('Backend', Backend, backendArbitrary(any)),
  codecCase('BroadcastResult', BroadcastResult, broadcastResultArbitrary(anyShort)),
  codecCase(
    'BroadcastEntry',
    BroadcastEntry,
    broadcastResultArbitrary(anyShort)
      .filter((r) => resultEntries(r).length > 0)
      .chain((r) => fc.constantFrom(...resultEntries(r))),
  ),
  codecCase('RegistryAction', RegistryAction, registryActionArbitrary(any)),
  codecCase(
    'LogRecord',
    LogRecord,
    logArbitrary({ ...anyShort, minLength: 1, recordResults: 'sometimes' }).chain((log) =>
      fc.constantFrom(...log.records),
    ),
  ),
  codecCase('LogHeader', LogHeader, logHeaderArbitrary()),
  codecCase('IdleState', IdleState, idleStateArbitrary()),
  codecCase('IdleBackend', IdleBackend, idleBackendArbitrary(any)),
  codecCase('IdleCoordinator', IdleCoordinator, idleCoordinatorArbitrary({ ...anyShort })),
  codecCase('IdleDue', IdleDue, idleDueArbitrary(any)),
  codecCase('IdleAction', IdleAction, idleActionArbitrary(any)),
];

const names = cases.map((c) => c.name);

/** The laws about invalid input run once per codec: this many runs each, over a thousand per law. */
const PER_CODEC_RUNS = 100;

// -------------------------------------------------------------------------------------
// readable errors
// -------------------------------------------------------------------------------------

/** One line, `path: what went wrong`, short, with no stack trace in it. */
const isReadable = (line: string): boolean =>
  /^\S[^\n]*: \S[^\n]*$/.test(line) && line.length <= 400 && !/\n\s+at |\[object Object\]/.test(line);

/** Past 10 problems, the last line only counts the others. */
const isCount = (line: string, i: number, lines: ReadonlyArray<string>): boolean =>
  i === lines.length - 1 && i === 10 && /^and [1-9][0-9]* more$/.test(line);

/**
 * At least one line, at most 11, and every line readable (Jest's `expect` runs only to report a
 * failure).
 */
const expectReadable = (lines: ReadonlyArray<string>): void => {
  const readable = (line: string, i: number): boolean => isReadable(line) || isCount(line, i, lines);
  if (lines.length === 0 || lines.length > 11 || !lines.every(readable)) {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.filter((line, i) => !readable(line, i))).toEqual([]);
  }
};

/** A refusal: readable lines, one of them saying what `names` looks for. */
const expectRefused = (result: E.Either<ReadonlyArray<string>, unknown>, names: (line: string) => boolean): void => {
  const lines = E.isLeft(result) ? result.left : [];
  if (E.isRight(result) || !lines.some(names)) {
    expect(result).toEqual(E.left(expect.arrayContaining([expect.stringMatching(/./)])));
    expect(lines.filter(names)).not.toEqual([]);
  }
  expectReadable(lines);
};

/** Decode, failing the property with a clear message if decoding throws. */
const decodeSafely = (c: Case, input: unknown): E.Either<ReadonlyArray<string>, unknown> => {
  try {
    return decode(c.codec, input);
  } catch (error: unknown) {
    throw new Error(`decode(${c.name}) threw: ${String(error)}`);
  }
};

// -------------------------------------------------------------------------------------
// hostile inputs
// -------------------------------------------------------------------------------------

const FIELDS = [
  '_tag',
  'format',
  'version',
  'policy',
  'instance',
  'serviceName',
  'serviceVersion',
  'exeHash',
  'name',
  'key',
  'live',
  'response',
  'reason',
  'operation',
  'pathPrefix',
  'ackTimeoutMs',
  'acks',
  'timeouts',
  'failures',
  'skippedDead',
  'backend',
  'result',
  'keys',
  'state',
  'lastActivityMs',
  'idleTimeoutMs',
  'backends',
  'nowMs',
  'idleForMs',
];
const TAGS = [
  'Shared',
  'Private',
  'Explicit',
  'ReleaseHandles',
  'Quiesce',
  'Ack',
  'Timeout',
  'Failure',
  'SkippedDead',
  'AllAcked',
  'Degraded',
  'NoLiveTargets',
  'Register',
  'SetLive',
  'SetResponse',
  'Unregister',
  'Broadcast',
  'BroadcastTo',
  'Running',
  'Draining',
  'Quiesced',
  'IdleTimeout',
  'Track',
  'MarkActivity',
  'CollectDue',
  'MarkDraining',
  'MarkQuiesced',
  'Remove',
];

/** Anything JavaScript can hold, boxed values, maps, null prototypes and sparse arrays included. */
const anything = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Objects built from our field names and tags, so that decoding gets past the first check. */
const lookalike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(...TAGS),
    anything,
    tie('object'),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
  object: fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 5 }),
})).value;

/** Objects whose fields cannot even be read. */
const hostile: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  new Proxy(
    {},
    {
      get: () => {
        throw new Error('no reading');
      },
      ownKeys: () => {
        throw new Error('no keys');
      },
    },
  ),
  Object.defineProperty({ _tag: 'Shared' }, 'serviceName', {
    enumerable: true,
    get: () => {
      throw new Error('no reading');
    },
  }),
);

// -------------------------------------------------------------------------------------
// mutations of valid values
// -------------------------------------------------------------------------------------

type Segment = string | number;

/** Every position in a JSON value: the root, each field and each element. */
const positions = (value: unknown, at: ReadonlyArray<Segment> = []): ReadonlyArray<ReadonlyArray<Segment>> => {
  const here = [at];
  if (Array.isArray(value)) {
    return [...here, ...value.flatMap((v: unknown, i) => positions(v, [...at, i]))];
  }
  if (typeof value === 'object' && value !== null) {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => positions(v, [...at, k]))];
  }
  return here;
};

const get = (value: unknown, at: ReadonlyArray<Segment>): unknown =>
  at.reduce<unknown>((v, s) => (v as Record<Segment, unknown>)[s], value);

/** A JSON copy of `value` with `change` applied to the parent of the position `at`. */
const mutate = (
  value: unknown,
  at: ReadonlyArray<Segment>,
  change: (parent: Record<Segment, unknown>, last: Segment) => void,
): unknown => {
  const root = { value: copyOf(value) };
  const path: ReadonlyArray<Segment> = ['value', ...at];
  const parent = get(root, path.slice(0, -1)) as Record<Segment, unknown>;
  change(parent, path[path.length - 1] as Segment);
  return root.value;
};

/** The path as the error report writes it: `a.b[0].c`, or `(root)`. */
const pathText = (at: ReadonlyArray<Segment>): string =>
  at.length === 0
    ? '(root)'
    : at.map((s, i) => (typeof s === 'number' ? `[${String(s)}]` : i === 0 ? s : `.${s}`)).join('');

/** A value of another JSON type than `v`, which no field of ours accepts in its place. */
const retyped = (v: unknown): unknown =>
  typeof v === 'string' ? 42 : typeof v === 'number' || typeof v === 'boolean' ? 'text' : Array.isArray(v) ? {} : [];

type Position = ReadonlyArray<Segment>;

const anyPosition = (): boolean => true;

/** A valid value, encoded, and one of its positions that `eligible` accepts (the root if none does). */
const validAndPosition = (
  c: Case,
  eligible: (value: unknown, at: Position) => boolean = anyPosition,
): fc.Arbitrary<{ readonly value: unknown; readonly at: Position }> =>
  fc.tuple(c.valid, fc.nat()).map(([valid, n]) => {
    const value = c.codec.encode(valid);
    const all = positions(value).filter((at) => eligible(value, at));
    return { value, at: all[n % Math.max(1, all.length)] ?? [] };
  });

const isRecordAt = (value: unknown, at: Position): boolean => {
  const v = get(value, at);
  return typeof v === 'object' && v !== null && !Array.isArray(v);
};

const isFieldAt = (_value: unknown, at: Position): boolean => typeof at[at.length - 1] === 'string';

/** The codecs of records (every one but the three string enums). */
const recordNames = names.filter((n) => n !== 'QuiesceReason' && n !== 'BroadcastFailureReason' && n !== 'IdleState');

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

describe('law: codecs round trip', () => {
  it.each(names)(
    'should decode what %s encodes back to the same value, also through JSON text, and accept it with is',
    (name) => {
      const c = cases.find((x) => x.name === name) as Case;
      fc.assert(
        fc.property(c.valid, (value) => {
          const encoded = c.codec.encode(value);

          expectEqual(decode(c.codec, encoded), E.right(value));
          expectEqual(decode(c.codec, JSON.parse(JSON.stringify(encoded))), E.right(value));
          expectSame(c.codec.is(value), true);
        }),
        lawParameters(),
      );
    },
  );
});

describe('law: decode never throws', () => {
  it('should return a result from every codec for anything, with readable lines when it refuses it', () => {
    fc.assert(
      fc.property(fc.oneof(anything, lookalike, hostile), (input) => {
        for (const c of cases) {
          const result = decodeSafely(c, input);
          if (E.isLeft(result)) {
            expectReadable(result.left);
          }
        }
      }),
      lawParameters(),
    );
  });

  it.each(names)('should return a result for valid %s values with any part replaced by anything', (name) => {
    const c = cases.find((x) => x.name === name) as Case;
    fc.assert(
      fc.property(validAndPosition(c), fc.oneof(anything, lookalike), ({ value, at }, replacement) => {
        const input = mutate(value, at, (p, k) => (p[k] = replacement));
        const result = decodeSafely(c, input);
        if (E.isLeft(result)) {
          expectReadable(result.left);
        }
      }),
      lawParameters(PER_CODEC_RUNS),
    );
  });
});

describe('law: invalid values get readable messages naming where', () => {
  it.each(names)('should refuse a %s with a part of the wrong type, naming its path', (name) => {
    const c = cases.find((x) => x.name === name) as Case;
    fc.assert(
      fc.property(validAndPosition(c), ({ value, at }) => {
        const input = mutate(value, at, (p, k) => (p[k] = retyped(p[k])));

        const result = decodeSafely(c, input);

        expectRefused(result, (line) => line.startsWith(`${pathText(at)}: `));
      }),
      lawParameters(PER_CODEC_RUNS),
    );
  });

  it.each(recordNames)('should refuse a %s with an unexpected field, naming it', (name) => {
    const c = cases.find((x) => x.name === name) as Case;
    fc.assert(
      fc.property(validAndPosition(c, isRecordAt), ({ value, at }) => {
        const input = copyOf(value);
        (get(input, at) as Record<string, unknown>).unexpected = 1;

        const result = decodeSafely(c, input);

        expectRefused(result, (line) => line === `${pathText([...at, 'unexpected'])}: unexpected field, got 1`);
      }),
      lawParameters(PER_CODEC_RUNS),
    );
  });

  it.each(recordNames)('should refuse a %s with a required field missing, naming it', (name) => {
    const c = cases.find((x) => x.name === name) as Case;
    fc.assert(
      fc.property(validAndPosition(c, isFieldAt), ({ value, at }) => {
        const input = mutate(value, at, (p, k) => {
          // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
          delete p[k];
        });

        const result = decodeSafely(c, input);

        // A broadcast's recorded result and the timeout of an idle Track action are the optional fields.
        const optional =
          at[at.length - 1] === 'result' || (name === 'IdleAction' && at[at.length - 1] === 'idleTimeoutMs');
        if (optional && E.isRight(result)) {
          return;
        }
        expectRefused(result, (line) => line.startsWith(`${pathText(at)}: `));
      }),
      lawParameters(PER_CODEC_RUNS),
    );
  });
});
