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
import { withResponse } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import { BackendKey as BackendKeyCodec, keyId } from '../domain/BackendKey';
import { BroadcastBackendResponse, ack, failure, failureReasons, timeout } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastEntry, BroadcastResult } from '../domain/BroadcastResult';
import { resultEntries } from '../domain/BroadcastResult';
import { decode, show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { optionalInteger, optionsObject } from '../internal/options';
import { printable } from '../internal/printable';
import { matchTag } from '../internal/match';
import { recordAction } from '../log/LogRecord';
import type { LogSource, ReadLogOptions } from '../log/logReader';
import { checkReadArguments } from '../log/logReader';
import type { Registry } from '../registry/Registry';
import { backends, setResponse } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import type { RegistryEvent } from '../registry/RegistryEvent';
import { step } from '../registry/step';
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

/** The action as it would have been under the assumptions: an assumed backend keeps its answer. */
const assumedAction = (assumptions: ReadonlyArray<Assumption>, action: RegistryAction): RegistryAction => {
  switch (action._tag) {
    case 'Register': {
      const response = assumedFor(assumptions, action.backend.key);
      return response === undefined ? action : { _tag: 'Register', backend: withResponse(action.backend, response) };
    }
    case 'SetResponse': {
      const response = assumedFor(assumptions, action.key);
      return response === undefined ? action : { _tag: 'SetResponse', key: action.key, response };
    }
    case 'SetLive':
    case 'Unregister':
    case 'Broadcast':
    case 'BroadcastTo':
      return action;
  }
};

/** The result of a broadcast to all or to some, if `event` is one. */
const broadcastResultOf = (event: RegistryEvent): BroadcastResult | undefined =>
  event._tag === 'OperationBroadcast' || event._tag === 'OperationBroadcastTo' ? event.result : undefined;

const assumedRegistry = (assumptions: ReadonlyArray<Assumption>, registry: Registry): Registry => {
  let state = registry;
  for (const b of backends(registry)) {
    const response = assumedFor(assumptions, b.key);
    if (response !== undefined) {
      state = setResponse(state, b.key, response).state;
    }
  }
  return state;
};

const entryWord = (e: BroadcastEntry): string => (e._tag === 'Failure' ? `Failure(${e.reason})` : e._tag);

const wordsByKey = (r: BroadcastResult): Map<string, string> => {
  const out = new Map<string, string>();
  for (const e of resultEntries(r)) {
    out.set(keyId(e.key), entryWord(e));
  }
  return out;
};

const changesOf = (
  order: ReadonlyArray<Backend>,
  recorded: BroadcastResult,
  assumed: BroadcastResult,
): EntryChange[] => {
  const a = wordsByKey(recorded);
  const b = wordsByKey(assumed);
  const changes: EntryChange[] = [];
  for (const backend of order) {
    const id = keyId(backend.key);
    const was = a.get(id);
    const would = b.get(id);
    if (was !== undefined && would !== undefined && was !== would) {
      changes.push(Object.freeze({ key: backend.key, recorded: was, assumed: would }));
    }
  }
  return changes;
};

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
  checkLogBound('whatIf', 'until', o.until);
};

/**
 * Replay the log read from `source` as recorded and, from `fromLine` on, with the assumed
 * backends answering as assumed (whatever the log says their response became), and compare
 * every broadcast's result from there. The assumptions change answers only: a dead backend stays
 * dead and is still skipped. Nothing in the log makes it throw; a wrong option from plain
 * JavaScript rejects at once with a `TypeError` or `RangeError` naming it.
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
  let alt: Registry | undefined;
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
  const replay = await replayLines(source, {
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.until === undefined ? {} : { until: options.until }),
    onStep: (s) => {
      if (fromLine === undefined && from._tag === 'AtTime' && s.time !== undefined && s.time >= from.time) {
        fromLine = s.line;
      }
      if (fromLine === undefined || s.line < fromLine) {
        return;
      }
      if (alt === undefined) {
        for (const b of backends(s.before)) {
          noteMatches(b.key);
        }
        alt = assumedRegistry(assumptions, s.before);
      }
      const action = recordAction(s.record);
      if (action._tag === 'Register') {
        noteMatches(action.backend.key);
      }
      const next = step(alt, assumedAction(assumptions, action));
      alt = next.state;
      const recorded = broadcastResultOf(s.event);
      const assumed = broadcastResultOf(next.result);
      if (recorded === undefined || assumed === undefined) {
        return;
      }
      broadcasts += 1;
      const changes = changesOf(backends(s.before), recorded, assumed);
      if (changes.length === 0 && recorded._tag === assumed._tag) {
        return;
      }
      affected += 1;
      if (recorded._tag !== assumed._tag) {
        const k = `${recorded._tag} -> ${assumed._tag}`;
        statusChanges[k] = (statusChanges[k] ?? 0) + 1;
      }
      if (differences.length < maxDifferences) {
        differences.push(
          Object.freeze({
            line: s.line,
            time: s.time,
            operation: recorded.operation,
            recorded: recorded._tag,
            assumed: assumed._tag,
            changes: Object.freeze(changes),
          }),
        );
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
