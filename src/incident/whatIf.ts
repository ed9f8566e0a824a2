/**
 * What-if replay: replay a log twice in step, once as recorded and once with some backends
 * answering as assumed from a given line on, and say how each broadcast's result would have
 * differed. "Would the drain have succeeded if soldr had acked?" is answered without editing the
 * log.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import { BackendKey as BackendKeyCodec, keyId } from '../domain/BackendKey';
import { BroadcastBackendResponse, ack, failure, failureReasons, timeout } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastEntry, BroadcastResult } from '../domain/BroadcastResult';
import { resultEntries } from '../domain/BroadcastResult';
import { decode, show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { optionalInteger, optionalOfType, optionsObject } from '../internal/options';
import { printable } from '../internal/printable';
import { matchTag } from '../internal/match';
import type { LogSource, ReadLogOptions } from '../log/logReader';
import { checkReadArguments } from '../log/logReader';
import type { Registry } from '../registry/Registry';
import { backends } from '../registry/Registry';
import { findSlot } from '../registry/storage';
import type { ReplayMode } from '../replay/LogReplay';
import type { LinesReplay } from '../replay/replayLines';
import type { LogBound } from '../replay/LogBound';
import { checkLogBound } from '../replay/LogBound';
import { replayLines } from '../replay/replayLines';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Every backend of a service (of one version, when given).
 *
 * @since 0.2.0
 */
export interface ByService {
  readonly _tag: 'ByService';
  readonly serviceName: string;
  readonly serviceVersion: O.Option<string>;
}

/**
 * The one backend with this key.
 *
 * @since 0.2.0
 */
export interface ByKey {
  readonly _tag: 'ByKey';
  readonly key: BackendKey;
}

/**
 * Which backends an assumption is about.
 *
 * @since 0.2.0
 */
export type BackendSelector = ByService | ByKey;

/**
 * An assumption: the selected backends answer every broadcast with `response`.
 *
 * @since 0.2.0
 */
export interface Assumption {
  readonly selector: BackendSelector;
  readonly response: BroadcastBackendResponse;
}

/**
 * A backend that would have answered differently.
 *
 * @since 0.2.0
 */
export interface EntryChange {
  readonly key: BackendKey;
  /** Its entry in the replayed result, in one word (`Ack`, `Timeout`, `Failure(Rejected)`, `SkippedDead`). */
  readonly recorded: string;
  /** Its entry under the assumptions. */
  readonly assumed: string;
}

/**
 * A broadcast whose result would have differed.
 *
 * @since 0.2.0
 */
export interface BroadcastDifference {
  readonly line: number;
  readonly time: number | undefined;
  readonly operation: BroadcastOperation;
  readonly recorded: BroadcastResult['_tag'];
  readonly assumed: BroadcastResult['_tag'];
  /**
   * How many backends would have answered otherwise.
   *
   * @since 0.3.0
   */
  readonly changed: number;
  /**
   * How many would have answered otherwise, by change: `{ "Timeout -> Ack": 12 }`.
   *
   * @since 0.3.0
   */
  readonly answerChanges: Readonly<Record<string, number>>;
  /**
   * The backends that would have answered otherwise, in registration order: listed only with
   * the option `names` (empty otherwise, since a broadcast can change thousands of them).
   */
  readonly changes: ReadonlyArray<EntryChange>;
}

/**
 * Options of `whatIf`.
 *
 * @since 0.2.0
 */
export interface WhatIfOptions extends ReadLogOptions {
  readonly assumptions: ReadonlyArray<Assumption>;
  /** The first line the assumptions hold on (1, the whole log, by default). */
  readonly fromLine?: number;
  /**
   * Where the assumptions begin to hold, a line or a time (the first record at or after it):
   * instead of `fromLine`.
   *
   * @since 0.3.0
   */
  readonly from?: LogBound;
  /** How many differences to keep in `differences` (all are counted); 1,000 by default. */
  readonly maxDifferences?: number;
  /**
   * List the backends of each difference kept (`BroadcastDifference.changes`); without it, only
   * their counts.
   *
   * @since 0.3.0
   */
  readonly names?: boolean;
  readonly mode?: ReplayMode;
  /** Stop there, as `replayLines` does: after that line, or at that time. */
  readonly until?: LogBound;
}

/**
 * What the assumptions would have changed.
 *
 * @since 0.2.0
 */
export interface WhatIfOutcome {
  /** The line the assumptions held from: past the last line read when no record reached `from`. */
  readonly fromLine: number;
  /** Broadcasts replayed from `fromLine` on. */
  readonly broadcasts: number;
  /** How many of them would have had another result. */
  readonly affected: number;
  /** How many changed status, by `"Degraded -> AllAcked"` and so on. */
  readonly statusChanges: Readonly<Record<string, number>>;
  /** The first `maxDifferences` broadcasts that would have differed, in log order. */
  readonly differences: ReadonlyArray<BroadcastDifference>;
  /** How many backends (distinct keys) each assumption matched, in the order given. */
  readonly matched: ReadonlyArray<number>;
  /** The replay as recorded. */
  readonly replay: LinesReplay;
}

// -------------------------------------------------------------------------------------
// constructors and parsing
// -------------------------------------------------------------------------------------

/**
 * Fold a selector, one handler per kind.
 *
 * @since 0.2.0
 */
export const matchSelector = matchTag<BackendSelector>();

/**
 * Whether `key` is one of the backends `selector` names.
 *
 * @since 0.2.0
 */
export const selects = (selector: BackendSelector, key: BackendKey): boolean =>
  selector._tag === 'ByKey'
    ? keyId(selector.key) === keyId(key)
    : key.serviceName === selector.serviceName &&
      (O.isNone(selector.serviceVersion) || selector.serviceVersion.value === key.serviceVersion);

// Answers are read whatever their case: `soldr=ack` means `soldr=Ack`.
const parseResponse = (text: string): E.Either<string, BroadcastBackendResponse> => {
  const lower = text.toLowerCase();
  if (lower === 'ack') {
    return E.right(ack);
  }
  if (lower === 'timeout') {
    return E.right(timeout);
  }
  const given = /^failure:(.*)$/.exec(lower)?.[1];
  const reason = failureReasons.find((r) => r.toLowerCase() === given);
  if (reason !== undefined) {
    return E.right(failure(reason));
  }
  return E.left(
    `expected Ack, Timeout or Failure:<reason> (${failureReasons.join(', ')}) after "=", got "${printable(text)}"`,
  );
};

const parseSelector = (text: string): E.Either<string, BackendSelector> => {
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      return E.left(`a key in JSON must be valid JSON, got ${printable(text)}`);
    }
    const key = decode(BackendKeyCodec, parsed);
    return E.isLeft(key)
      ? E.left(`the key is not a backend key: ${key.left.join('; ')}`)
      : E.right(Object.freeze({ _tag: 'ByKey', key: key.right }));
  }
  const [serviceName = '', serviceVersion, ...rest] = text.split('@');
  if (serviceName === '' || serviceVersion === '' || rest.length > 0) {
    return E.left(`expected a service, service@version or a key in JSON before "=", got "${printable(text)}"`);
  }
  return E.right(Object.freeze({ _tag: 'ByService', serviceName, serviceVersion: O.fromNullable(serviceVersion) }));
};

/**
 * Parse an assumption as written on a command line: `<service>=<answer>`,
 * `<service>@<version>=<answer>` or `<key in JSON>=<answer>`, where the answer is `Ack`,
 * `Timeout` or `Failure:<reason>`.
 *
 * @example
 * import { parseAssumption } from 'lifecycle-broadcast/incident'
 *
 * parseAssumption('soldr=Ack') // right({ selector: { _tag: 'ByService', serviceName: 'soldr', ... }, response: { _tag: 'Ack' } })
 * parseAssumption('fbuild@2.1.3=Failure:Rejected')
 * parseAssumption('soldr=Maybe') // left('expected Ack, Timeout or Failure:<reason> ...')
 *
 * @since 0.2.0
 */
export const parseAssumption = (text: string): E.Either<string, Assumption> => {
  if (typeof text !== 'string') {
    throw new TypeError(`parseAssumption: text must be a string, got ${show(text)}`);
  }
  const at = text.lastIndexOf('=');
  if (at === -1) {
    return E.left(`expected <service or key>=<Ack|Timeout|Failure:reason>, got "${printable(text)}"`);
  }
  const selector = parseSelector(text.slice(0, at));
  if (E.isLeft(selector)) {
    return selector;
  }
  const response = parseResponse(text.slice(at + 1));
  return E.isLeft(response) ? response : E.right(Object.freeze({ selector: selector.right, response: response.right }));
};

/**
 * An assumption in words: `soldr=Ack`, as it would be written.
 *
 * @since 0.2.0
 */
export const describeAssumption = (a: Assumption): string => {
  const selector = matchSelector<string>({
    ByService: (s) => (O.isSome(s.serviceVersion) ? `${s.serviceName}@${s.serviceVersion.value}` : s.serviceName),
    ByKey: (s) => JSON.stringify(BackendKeyCodec.encode(s.key)),
  })(a.selector);
  return `${selector}=${a.response._tag === 'Failure' ? `Failure:${a.response.reason}` : a.response._tag}`;
};

// -------------------------------------------------------------------------------------
// replay
// -------------------------------------------------------------------------------------

const assumedFor = (assumptions: ReadonlyArray<Assumption>, key: BackendKey): BroadcastBackendResponse | undefined => {
  let found: BroadcastBackendResponse | undefined;
  // The last assumption that selects a backend wins, as a later flag overrides an earlier one.
  for (const a of assumptions) {
    if (selects(a.selector, key)) {
      found = a.response;
    }
  }
  return found;
};

const NO_CHANGES: ReadonlyArray<EntryChange> = Object.freeze([]);

/** An answer in one word, as an entry of a result says it: `Ack`, `Timeout`, `Failure(Rejected)`. */
const answerWord = (r: BroadcastBackendResponse | BroadcastEntry): string =>
  r._tag === 'Failure' ? `Failure(${r.reason})` : r._tag;

/** A live backend that would have answered otherwise: its recorded and its assumed answer. */
interface Diverging {
  readonly key: BackendKey;
  readonly recorded: BroadcastBackendResponse;
  readonly assumed: BroadcastBackendResponse;
  /** `"Timeout -> Ack"` and so on. */
  readonly transition: string;
}

/** How many live answers of each kind: what a status is decided by. */
interface AnswerCounts {
  Ack: number;
  Timeout: number;
  Failure: number;
}

/** Count `d`'s assumed answer instead of its recorded one (`by` -1 undoes it). */
const shift = (counts: AnswerCounts, d: Diverging, by: 1 | -1): void => {
  counts[d.recorded._tag] -= by;
  counts[d.assumed._tag] += by;
};

/** The status of a result with these many acks, timeouts and failures (the registry's rule). */
const statusOf = (acks: number, timeouts: number, failures: number): BroadcastResult['_tag'] =>
  timeouts > 0 || failures > 0 ? 'Degraded' : acks > 0 ? 'AllAcked' : 'NoLiveTargets';

/**
 * The live backends whose answer the assumptions change, kept as the replay applies each record:
 * a broadcast to all then differs by exactly this set, so comparing it costs O(1) (and the counts
 * by change, O(kinds of change)) instead of O(backends).
 */
const divergingSet = (assumptions: ReadonlyArray<Assumption>) => {
  const assumedById = new Map<string, BroadcastBackendResponse | null>();
  const members = new Map<string, Diverging>();
  const byTransition = new Map<string, number>();
  /** Assumed minus recorded live answers. */
  const delta: AnswerCounts = { Ack: 0, Timeout: 0, Failure: 0 };
  /** Bumped on each change of the set: a snapshot of an unchanged set is shared. */
  let version = 0;
  let countsAt = -1;
  let counts: Readonly<Record<string, number>> = Object.freeze({});

  const assumedOf = (key: BackendKey): BroadcastBackendResponse | undefined => {
    const id = keyId(key);
    let found = assumedById.get(id);
    if (found === undefined) {
      found = assumedFor(assumptions, key) ?? null;
      assumedById.set(id, found);
    }
    return found ?? undefined;
  };

  const count = (transition: string, by: number): void => {
    const n = (byTransition.get(transition) ?? 0) + by;
    if (n === 0) {
      byTransition.delete(transition);
    } else {
      byTransition.set(transition, n);
    }
  };

  const remove = (id: string): void => {
    const d = members.get(id);
    if (d !== undefined) {
      members.delete(id);
      count(d.transition, -1);
      shift(delta, d, -1);
      version += 1;
    }
  };

  /** The backend of `key` is now `backend` (`undefined`: unregistered). */
  const update = (key: BackendKey, backend: Backend | undefined): void => {
    const id = keyId(key);
    remove(id);
    if (!backend?.live) {
      return;
    }
    const assumed = assumedOf(key);
    if (assumed === undefined) {
      return;
    }
    const was = answerWord(backend.response);
    const would = answerWord(assumed);
    if (was === would) {
      return;
    }
    const d: Diverging = { key: backend.key, recorded: backend.response, assumed, transition: `${was} -> ${would}` };
    members.set(id, d);
    count(d.transition, 1);
    shift(delta, d, 1);
    version += 1;
  };

  /** The status a broadcast to all from `before` would have had. */
  const assumedStatus = (before: Registry): BroadcastResult['_tag'] =>
    statusOf(before.liveAcks + delta.Ack, before.liveTimeouts + delta.Timeout, before.liveFailures + delta.Failure);

  /** How many backends would have answered otherwise, by change, for a broadcast to all. */
  const transitions = (): Readonly<Record<string, number>> => {
    if (countsAt !== version) {
      counts = Object.freeze(Object.fromEntries([...byTransition.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
      countsAt = version;
    }
    return counts;
  };

  return {
    update,
    assumedStatus,
    transitions,
    size: (): number => members.size,
    get: (id: string): Diverging | undefined => members.get(id),
    all: (): Iterable<Diverging> => members.values(),
  };
};

/** The backends that would have answered otherwise, named, in registration order. */
const namedChanges = (before: Registry, diverging: Iterable<Diverging>): ReadonlyArray<EntryChange> =>
  Object.freeze(
    [...diverging]
      .map((d) => ({ d, at: findSlot(before, d.key)?.at ?? -1 }))
      .sort((a, b) => a.at - b.at)
      .map(({ d }) => Object.freeze({ key: d.key, recorded: answerWord(d.recorded), assumed: answerWord(d.assumed) })),
  );

/** Whether `a` is an assumption, as `parseAssumption` makes them (plain JavaScript may pass anything). */
const isAssumption = (a: unknown): a is Assumption => {
  if (!isRecord(a) || !isRecord(a.selector) || E.isLeft(decode(BroadcastBackendResponse, a.response))) {
    return false;
  }
  const s = a.selector;
  return s._tag === 'ByKey'
    ? E.isRight(decode(BackendKeyCodec, s.key))
    : s._tag === 'ByService' &&
        typeof s.serviceName === 'string' &&
        isRecord(s.serviceVersion) &&
        (s.serviceVersion._tag === 'None' ||
          (s.serviceVersion._tag === 'Some' && typeof s.serviceVersion.value === 'string'));
};

/** Check the options of `whatIf`; those it passes on are checked by `replayLines`. */
const checkWhatIfOptions = (options: unknown): void => {
  const o = optionsObject('whatIf', options);
  const assumptions = o.assumptions;
  if (!Array.isArray(assumptions)) {
    throw new TypeError(
      `whatIf: assumptions must be an array of assumptions (see parseAssumption), got ${show(assumptions)}`,
    );
  }
  assumptions.forEach((a: unknown, i) => {
    if (!isAssumption(a)) {
      throw new TypeError(
        `whatIf: assumptions[${String(i)}] must be an assumption (see parseAssumption), got ${show(a)}`,
      );
    }
  });
  optionalInteger('whatIf', 'fromLine', o.fromLine, 1);
  checkLogBound('whatIf', 'from', o.from);
  if (o.from !== undefined && o.fromLine !== undefined) {
    throw new TypeError('whatIf: give fromLine or from, not both');
  }
  optionalInteger('whatIf', 'maxDifferences', o.maxDifferences, 0);
  optionalOfType('whatIf', 'names', o.names, 'boolean');
  checkLogBound('whatIf', 'until', o.until);
};

/**
 * Replay the log read from `source` as recorded and, from `fromLine` on, with the assumed
 * backends answering as assumed (whatever the log says their response became), and compare
 * every broadcast's result from there. The assumptions change answers only: a dead backend stays
 * dead and is still skipped. It costs one replay and time O(records + backends): the live
 * backends the assumptions change are kept up to date as records apply, so a broadcast to every
 * backend is compared in O(1) whatever the fleet's size (0.2 compared every backend of every
 * broadcast). Nothing in the log makes it throw; a wrong option from plain JavaScript rejects at
 * once with a `TypeError` or `RangeError` naming it.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { parseAssumption, whatIf } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const assumption = parseAssumption('soldr=Ack')
 * if (E.isRight(assumption)) {
 *   const outcome = await whatIf(fileSource('broker.ndjson'), { assumptions: [assumption.right], fromLine: 120 })
 *   console.log(`${outcome.affected} of ${outcome.broadcasts} broadcasts would have differed`)
 * }
 *
 * @since 0.2.0
 */
export const whatIf = async (source: LogSource, options: WhatIfOptions): Promise<WhatIfOutcome> => {
  checkReadArguments('whatIf', source, {});
  checkWhatIfOptions(options);
  const { assumptions } = options;
  const from: LogBound = options.from ?? { _tag: 'AtLine', line: options.fromLine ?? 1 };
  // The line the assumptions began to hold on, once a record reached `from`.
  let fromLine = from._tag === 'AtLine' ? from.line : undefined;
  const maxDifferences = options.maxDifferences ?? 1000;
  const names = options.names === true;
  const diverging = divergingSet(assumptions);
  let started = false;
  let broadcasts = 0;
  let affected = 0;
  const statusChanges: Record<string, number> = {};
  const differences: BroadcastDifference[] = [];
  const matchedKeys = assumptions.map(() => new Set<string>());
  const noteMatches = (key: BackendKey): void => {
    assumptions.forEach((a, i) => {
      if (selects(a.selector, key)) {
        matchedKeys[i]?.add(keyId(key));
      }
    });
  };

  /** Whether the assumptions hold at this record; the first time they do, take the registry as it is. */
  const holds = (line: number, time: number | undefined, before: Registry): boolean => {
    if (fromLine === undefined && from._tag === 'AtTime' && time !== undefined && time >= from.time) {
      fromLine = line;
    }
    if (fromLine === undefined || line < fromLine) {
      return false;
    }
    if (!started) {
      started = true;
      for (const b of backends(before)) {
        noteMatches(b.key);
        diverging.update(b.key, b);
      }
    }
    return true;
  };

  const compared = (
    at: { readonly line: number; readonly time: number | undefined; readonly operation: BroadcastOperation },
    recorded: BroadcastResult['_tag'],
    assumed: BroadcastResult['_tag'],
    changed: number,
    answerChanges: () => Readonly<Record<string, number>>,
    changes: () => ReadonlyArray<EntryChange>,
  ): void => {
    broadcasts += 1;
    if (changed === 0 && recorded === assumed) {
      return;
    }
    affected += 1;
    if (recorded !== assumed) {
      const k = `${recorded} -> ${assumed}`;
      statusChanges[k] = (statusChanges[k] ?? 0) + 1;
    }
    if (differences.length < maxDifferences) {
      differences.push(
        Object.freeze({
          line: at.line,
          time: at.time,
          operation: at.operation,
          recorded,
          assumed,
          changed,
          answerChanges: answerChanges(),
          changes: names ? changes() : NO_CHANGES,
        }),
      );
    }
  };

  /** A broadcast to every backend: it differs by the diverging set, whatever the fleet's size. */
  const toAll = (
    at: { readonly line: number; readonly time: number | undefined; readonly operation: BroadcastOperation },
    recorded: BroadcastResult['_tag'],
    before: Registry,
  ): void => {
    compared(at, recorded, diverging.assumedStatus(before), diverging.size(), diverging.transitions, () =>
      namedChanges(before, diverging.all()),
    );
  };

  /** A broadcast to some backends: its entries tell who was reached, the diverging set how they would have answered. */
  const toSome = (
    at: { readonly line: number; readonly time: number | undefined; readonly operation: BroadcastOperation },
    result: BroadcastResult,
    before: Registry,
  ): void => {
    const reached: Diverging[] = [];
    for (const e of resultEntries(result)) {
      const d = e._tag === 'SkippedDead' ? undefined : diverging.get(keyId(e.key));
      if (d !== undefined) {
        reached.push(d);
      }
    }
    const n: AnswerCounts = {
      Ack: result.acks.length,
      Timeout: result.timeouts.length,
      Failure: result.failures.length,
    };
    const byTransition: Record<string, number> = {};
    for (const d of reached) {
      shift(n, d, 1);
      byTransition[d.transition] = (byTransition[d.transition] ?? 0) + 1;
    }
    compared(
      at,
      result._tag,
      statusOf(n.Ack, n.Timeout, n.Failure),
      reached.length,
      () => Object.freeze(Object.fromEntries(Object.entries(byTransition).sort(([a], [b]) => (a < b ? -1 : 1)))),
      () => namedChanges(before, reached),
    );
  };

  const replay = await replayLines(source, {
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.until === undefined ? {} : { until: options.until }),
    onBroadcast: (b) => {
      if (holds(b.line, b.time, b.before)) {
        toAll(b, b.status, b.before);
      }
    },
    onStep: (s) => {
      if (!holds(s.line, s.time, s.before)) {
        return;
      }
      const e = s.event;
      switch (e._tag) {
        case 'BackendRegistered':
          noteMatches(e.backend.key);
          diverging.update(e.backend.key, e.backend);
          break;
        case 'LivenessSet':
        case 'ResponseSet':
          diverging.update(e.backend.key, e.backend);
          break;
        case 'BackendUnregistered':
          diverging.update(e.backend.key, undefined);
          break;
        case 'OperationBroadcast':
          toAll({ line: s.line, time: s.time, operation: e.result.operation }, e.result._tag, s.before);
          break;
        case 'OperationBroadcastTo':
          toSome({ line: s.line, time: s.time, operation: e.result.operation }, e.result, s.before);
          break;
        case 'KeyNotFound':
          break;
      }
    },
  });
  return Object.freeze({
    fromLine: fromLine ?? replay.lastLine + 1,
    broadcasts,
    affected,
    statusChanges: Object.freeze(statusChanges),
    differences: Object.freeze(differences),
    matched: Object.freeze(matchedKeys.map((s) => s.size)),
    replay,
  });
};
