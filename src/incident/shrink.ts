/**
 * Shrinking a recorded log: reduce it to a small sub-log (the header and a few of its records,
 * in their order) that still shows a property, such as "the replay diverges from the recorded
 * result at this broadcast, in the same way". Delta debugging over the records (Zeller's
 * `ddmin`), after cheaper reductions that the property is checked on like any other candidate.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import { keyId } from '../domain/BackendKey';
import { matchTag } from '../internal/match';
import type { LogRecord } from '../log/LogRecord';
import { hasRecordedResult, recordAction } from '../log/LogRecord';
import type { LogHeader } from '../log/LogHeader';
import { errorMessage } from '../internal/errorMessage';
import type { InvalidLine, LogSource, RecordLine } from '../log/logReader';
import { checkReadArguments, decodeHeaderLine, decodeRecordLine, readText } from '../log/logReader';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { checkFunction, optionalInteger, optionsObject } from '../internal/options';
import { createRegistry } from '../registry/Registry';
import { step } from '../registry/step';
import { compareRecorded } from '../replay/verify';
import type { Divergence } from '../replay/verify';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A sub-log being tried: its header line and record lines, and the whole text.
 *
 * @since 0.2.0
 */
export interface ShrinkCandidate {
  readonly header: LogHeader;
  /** The record lines kept, in order, as they are written in the log. */
  readonly lines: ReadonlyArray<string>;
  /** The candidate as a log: the header line, then the record lines, each ending with `\n`. */
  readonly text: string;
}

/**
 * The replay diverges from the recorded result of the log's first divergent broadcast, at the
 * same field with the same values.
 *
 * @since 0.2.0
 */
export interface Diverges {
  readonly _tag: 'Diverges';
}

/**
 * The log's first invalid line is still there (and still invalid).
 *
 * @since 0.2.0
 */
export interface Invalid {
  readonly _tag: 'Invalid';
}

/**
 * A property of one's own: true for a candidate that still shows it.
 *
 * @since 0.2.0
 */
export interface Satisfies {
  readonly _tag: 'Satisfies';
  readonly predicate: (candidate: ShrinkCandidate) => boolean | Promise<boolean>;
}

/**
 * What a shrunk log must still show.
 *
 * @since 0.2.0
 */
export type ShrinkProperty = Diverges | Invalid | Satisfies;

/**
 * Options of `shrinkLog`.
 *
 * @since 0.2.0
 */
export interface ShrinkOptions {
  /** The most candidates to test (10,000 by default); the smallest found so far is kept. */
  readonly maxTests?: number;
  /** Called after each test with the number of tests and the size of the smallest candidate. */
  readonly onProgress?: (tests: number, records: number) => void;
}

/**
 * A shrunk log.
 *
 * @since 0.2.0
 */
export interface Shrunk {
  /** The header line and the record lines kept. */
  readonly lines: ReadonlyArray<string>;
  /** The line numbers the kept records had in the original log. */
  readonly originalLines: ReadonlyArray<number>;
  /** How many records the original had. */
  readonly before: number;
  /** How many it kept. */
  readonly after: number;
  readonly tests: number;
  /** True when `maxTests` ran out before the result was minimal. */
  readonly exhausted: boolean;
}

/**
 * Why a log could not be shrunk.
 *
 * @since 0.2.0
 */
export type ShrinkFailure =
  | { readonly _tag: 'NoHeader'; readonly problems: ReadonlyArray<string> }
  | { readonly _tag: 'PropertyDoesNotHold'; readonly message: string }
  | { readonly _tag: 'NothingRecorded'; readonly message: string }
  | { readonly _tag: 'ReadFailed'; readonly message: string };

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The replay still diverges at the log's first divergence, in the same way.
 *
 * @since 0.2.0
 */
export const diverges: ShrinkProperty = Object.freeze({ _tag: 'Diverges' });

/**
 * The log's first invalid line is still there.
 *
 * @since 0.2.0
 */
export const invalid: ShrinkProperty = Object.freeze({ _tag: 'Invalid' });

/**
 * A property given by a predicate on candidates.
 *
 * @since 0.2.0
 */
export const satisfies = (predicate: (candidate: ShrinkCandidate) => boolean | Promise<boolean>): ShrinkProperty => {
  if (typeof predicate !== 'function') {
    throw new TypeError(`satisfies: predicate must be a function, got ${show(predicate)}`);
  }
  return Object.freeze({ _tag: 'Satisfies', predicate });
};

/** Check the options of `ddmin` and `shrinkLog` (plain JavaScript may pass anything). */
const checkShrinkOptions = (fn: string, options: unknown): number => {
  const o = optionsObject(fn, options);
  checkFunction(fn, 'onProgress', o.onProgress);
  return optionalInteger(fn, 'maxTests', o.maxTests, 0) ?? 10_000;
};

/**
 * Fold a shrink property, one handler per kind.
 *
 * @since 0.2.0
 */
export const matchShrinkProperty = matchTag<ShrinkProperty>();

/**
 * Fold the reason a log could not be shrunk, one handler per kind.
 *
 * @example
 * import { matchShrinkFailure } from 'lifecycle-broadcast/incident'
 *
 * const describeFailure = matchShrinkFailure({
 *   NoHeader: (f) => `line 1: ${f.problems.join('; ')}`,
 *   PropertyDoesNotHold: (f) => f.message,
 *   NothingRecorded: (f) => f.message,
 *   ReadFailed: (f) => `cannot read the log: ${f.message}`,
 * })
 *
 * @since 0.2.0
 */
export const matchShrinkFailure = matchTag<ShrinkFailure>();

// -------------------------------------------------------------------------------------
// delta debugging
// -------------------------------------------------------------------------------------

/**
 * What `ddmin` found: the smallest passing subsequence, how many tests it ran, and whether it
 * stopped at `maxTests` (then `items` may not be 1-minimal).
 *
 * @since 0.3.0
 */
export interface Ddmin<A> {
  /** The subsequence `test` holds for. */
  readonly items: ReadonlyArray<A>;
  /** How many times `test` ran. */
  readonly tests: number;
  /** True when it stopped at `maxTests` before reaching a 1-minimal subsequence. */
  readonly exhausted: boolean;
}

/**
 * Zeller's `ddmin`: a subsequence of `items` for which `test` holds, from which no single item
 * can be removed with `test` still holding (1-minimal), provided `test` holds for `items`. Tests
 * the subsets, then the complements, of ever finer partitions. Stops after `maxTests` tests with
 * the smallest passing subsequence found.
 *
 * @example
 * import { ddmin } from 'lifecycle-broadcast/incident'
 *
 * const { items } = await ddmin([1, 2, 3, 4, 5, 6, 7, 8], (xs) => xs.includes(3) && xs.includes(6))
 * // items: [3, 6]
 *
 * @since 0.2.0
 */
export const ddmin = async <A>(
  items: ReadonlyArray<A>,
  test: (subset: ReadonlyArray<A>) => boolean | Promise<boolean>,
  options: ShrinkOptions = {},
): Promise<Ddmin<A>> => {
  const given: unknown = items;
  if (!Array.isArray(given)) {
    throw new TypeError(`ddmin: items must be an array, got ${show(given)}`);
  }
  checkFunction('ddmin', 'test', test);
  const maxTests = checkShrinkOptions('ddmin', options);
  let tests = 0;
  let current = items;
  let n = 2;
  const tried = async (subset: ReadonlyArray<A>): Promise<boolean> => {
    tests += 1;
    const ok = await test(subset);
    options.onProgress?.(tests, ok ? subset.length : current.length);
    return ok;
  };
  while (current.length >= 2) {
    if (tests >= maxTests) {
      return { items: current, tests, exhausted: true };
    }
    const size = Math.ceil(current.length / n);
    const chunks: Array<ReadonlyArray<A>> = [];
    for (let i = 0; i < current.length; i += size) {
      chunks.push(current.slice(i, i + size));
    }
    let reduced = false;
    for (const chunk of chunks) {
      if (tests >= maxTests) {
        break;
      }
      if (await tried(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length; i++) {
        if (tests >= maxTests) {
          break;
        }
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await tried(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) {
        break;
      }
      n = Math.min(current.length, n * 2);
    }
  }
  return { items: current, tests, exhausted: false };
};

// -------------------------------------------------------------------------------------
// shrinking a log
// -------------------------------------------------------------------------------------

interface Record {
  /** Its position among the records of the original log. */
  readonly index: number;
  readonly line: number;
  readonly text: string;
  /** The line decoded, the first time it is asked for (most lines of a long log never are). */
  readonly decoded: () => RecordLine | InvalidLine;
}

/** The first divergence of a replay of `records`, with the record it happened at. */
const firstDivergence = (
  header: LogHeader,
  records: ReadonlyArray<Record>,
  at?: number,
): { readonly index: number; readonly divergence: Divergence } | undefined => {
  let state = createRegistry(header.policy);
  for (const r of records) {
    const decoded = r.decoded();
    if (decoded._tag !== 'RecordLine') {
      continue;
    }
    const record: LogRecord = decoded.record;
    const next = step(state, recordAction(record));
    state = next.state;
    if (at !== undefined && r.index !== at) {
      continue;
    }
    if (
      hasRecordedResult(record) &&
      (next.result._tag === 'OperationBroadcast' || next.result._tag === 'OperationBroadcastTo')
    ) {
      const d = compareRecorded(r.line, record, next.result.result);
      if (O.isSome(d)) {
        return { index: r.index, divergence: d.value };
      }
    }
    if (at !== undefined) {
      return undefined;
    }
  }
  return undefined;
};

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `f`'s value, computed on the first call only. */
/** Whether a record line carries a recorded result (only a line naming one is decoded to see). */
const carriesResult = (r: Record): boolean => {
  if (!r.text.includes('"result"') && !r.text.includes('"summary"')) {
    return false;
  }
  const d = r.decoded();
  return d._tag === 'RecordLine' && hasRecordedResult(d.record);
};

const once = <A>(f: () => A): (() => A) => {
  let cached: { readonly value: A } | undefined;
  return () => {
    cached ??= { value: f() };
    return cached.value;
  };
};

/**
 * The records that decide the registry's backends at the target: for each key, its last
 * registration (and an unregistration after it) and its last liveness and response changes
 * after that. A broadcast's result depends on nothing else but the order of registration.
 */
const essence = (records: ReadonlyArray<Record>, target: number): ReadonlyArray<Record> => {
  const keep = new Set<number>([target]);
  const last = new Map<string, { register?: number; live?: number; response?: number; unregister?: number }>();
  for (const r of records) {
    const decoded = r.index < target ? r.decoded() : undefined;
    if (decoded?._tag !== 'RecordLine') {
      continue;
    }
    const e = decoded.record;
    switch (e._tag) {
      case 'Register':
        last.set(keyId(e.backend.key), { register: r.index });
        break;
      case 'SetLive':
        last.set(keyId(e.key), { ...last.get(keyId(e.key)), live: r.index });
        break;
      case 'SetResponse':
        last.set(keyId(e.key), { ...last.get(keyId(e.key)), response: r.index });
        break;
      case 'Unregister':
        last.set(keyId(e.key), { ...last.get(keyId(e.key)), unregister: r.index });
        break;
      case 'Broadcast':
      case 'BroadcastTo':
        break;
    }
  }
  for (const l of last.values()) {
    for (const i of [l.register, l.live, l.response, l.unregister]) {
      if (i !== undefined) {
        keep.add(i);
      }
    }
  }
  return records.filter((r) => keep.has(r.index));
};

/**
 * Shrink the log read from `source` (the header first; blank lines are dropped) to a sub-log that still shows `property`. With `diverges`, it first tries the records up to the
 * divergent broadcast and those deciding the registry's backends there, then delta debugging;
 * the result always satisfies the property (every candidate is checked), and is 1-minimal
 * unless `maxTests` ran out.
 *
 * @example
 * import * as fs from 'node:fs'
 * import * as E from 'fp-ts/lib/Either.js'
 * import { diverges, shrinkLog } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const shrunk = await shrinkLog(fileSource('broker.ndjson'), diverges)
 * if (E.isRight(shrunk)) {
 *   fs.writeFileSync('shrunk.ndjson', `${shrunk.right.lines.join('\n')}\n`)
 *   console.log(`${shrunk.right.before} records -> ${shrunk.right.after}`)
 * }
 *
 * @since 0.2.0
 */
export const shrinkLog = async (
  source: LogSource,
  property: ShrinkProperty,
  options: ShrinkOptions = {},
): Promise<E.Either<ShrinkFailure, Shrunk>> => {
  checkReadArguments('shrinkLog', source, {});
  const p: unknown = property;
  const tag = isRecord(p) ? p._tag : undefined;
  if (!(
    tag === 'Diverges' ||
    tag === 'Invalid' ||
    (tag === 'Satisfies' && isRecord(p) && typeof p.predicate === 'function')
  )) {
    throw new TypeError(`shrinkLog: property must be diverges, invalid or satisfies(predicate), got ${show(property)}`);
  }
  checkShrinkOptions('shrinkLog', options);
  let whole: string;
  try {
    whole = await readText(source);
  } catch (error: unknown) {
    return E.left({ _tag: 'ReadFailed', message: errorMessage(error) });
  }
  const numbered = whole
    .split('\n')
    .map((text, i) => ({ text: text.endsWith('\r') ? text.slice(0, -1) : text, line: i + 1 }))
    .filter((l) => l.text.trim() !== '');
  const first = numbered[0];
  const headerLine = first === undefined ? undefined : decodeHeaderLine(first.text.replace(/^\uFEFF/, ''), first.line);
  if (headerLine?._tag !== 'HeaderLine') {
    return E.left({
      _tag: 'NoHeader',
      problems: headerLine?._tag === 'InvalidLine' ? headerLine.problems : ['the log is empty: it has no header line'],
    });
  }
  const header = headerLine.header;
  const headerText = (first?.text ?? '').replace(/^\uFEFF/, '');
  const records: Record[] = numbered.slice(1).map((l, index) => ({
    index,
    line: l.line,
    text: l.text,
    decoded: once(() => decodeRecordLine(l.text, l.line, header)),
  }));

  let test: (candidate: ReadonlyArray<Record>) => boolean | Promise<boolean>;
  let hints: ReadonlyArray<ReadonlyArray<Record>> = [];
  switch (property._tag) {
    case 'Diverges': {
      if (!records.some(carriesResult)) {
        return E.left({
          _tag: 'NothingRecorded',
          message:
            'no broadcast of the log carries a recorded result, so nothing can diverge (a log generated with --no-results records none)',
        });
      }
      const found = firstDivergence(header, records);
      if (found === undefined) {
        return E.left({
          _tag: 'PropertyDoesNotHold',
          message: 'the replay reproduces every recorded result: nothing diverges',
        });
      }
      const target = found.index;
      const d = found.divergence;
      test = (candidate) => {
        if (!candidate.some((r) => r.index === target)) {
          return false;
        }
        const again = firstDivergence(header, candidate, target);
        return (
          again?.divergence.path === d.path &&
          sameValue(again.divergence.recordedValue, d.recordedValue) &&
          sameValue(again.divergence.replayedValue, d.replayedValue)
        );
      };
      const prefix = records.filter((r) => r.index <= target);
      hints = [prefix, essence(records, target)];
      break;
    }
    case 'Invalid': {
      const bad = records.find((r) => r.decoded()._tag === 'InvalidLine');
      if (bad === undefined) {
        return E.left({ _tag: 'PropertyDoesNotHold', message: 'every line of the log is valid: nothing is invalid' });
      }
      test = (candidate) => candidate.some((r) => r.index === bad.index);
      hints = [[bad]];
      break;
    }
    case 'Satisfies': {
      const predicate = property.predicate;
      test = (candidate) => {
        const kept = candidate.map((r) => r.text);
        return predicate(
          Object.freeze({ header, lines: Object.freeze(kept), text: `${[headerText, ...kept].join('\n')}\n` }),
        );
      };
      if (!(await test(records))) {
        return E.left({ _tag: 'PropertyDoesNotHold', message: 'the predicate does not hold for the whole log' });
      }
      break;
    }
  }

  let tests = 0;
  let start: ReadonlyArray<Record> = records;
  for (const hint of hints) {
    tests += 1;
    if (hint.length < start.length && (await test(hint))) {
      start = hint;
    }
  }
  const maxTests = Math.max(0, (options.maxTests ?? 10_000) - tests);
  const result = await ddmin(start, test, {
    maxTests,
    ...(options.onProgress === undefined ? {} : { onProgress: (n, size) => options.onProgress?.(n + tests, size) }),
  });
  return E.right(
    Object.freeze({
      lines: Object.freeze([headerText, ...result.items.map((r) => r.text)]),
      originalLines: Object.freeze(result.items.map((r) => r.line)),
      before: records.length,
      after: result.items.length,
      tests: tests + result.tests,
      exhausted: result.exhausted,
    }),
  );
};
