/**
 * The fold that builds a report model from a replay, in time O(records + backends): a broadcast
 * to every live backend costs O(1), because each backend's answer follows from its liveness and
 * response, which the fold keeps. Each lane keeps its answer since its last change and counts the
 * broadcasts in between when it changes again; its changes go to one event log, from which the
 * most troubled lanes' cells and histories are drawn when the fold finishes.
 *
 * @since 0.2.0
 */
import * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import type { BackendKey } from '../domain/BackendKey';
import { keyId } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { backends } from '../registry/Registry';
import type { ReplayBroadcast, ReplayStep } from '../replay/replayLines';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { optionalInteger, optionsObject } from '../internal/options';
import type { FindingBackend, ReportBuilder, ReportBuilderOptions } from './reportModel';
import {
  DEFAULT_FULL_LANES,
  MAX_FINDING_BACKENDS,
  MAX_REPORT_BUCKETS,
  StateBits,
  backendLabel,
  operationLabel,
  responseWord,
} from './reportModel';
import type { FoldState, Lane } from './reportFinish';
import { Answer, Change, finishReport, MAX_CHANGES_KEPT, STATUS_CODE } from './reportFinish';

/** The answer a backend gives a broadcast to every live backend: its response when live, a skip when dead. */
const answerOf = (b: Backend): number =>
  !b.live
    ? Answer.skipped
    : b.response._tag === 'Ack'
      ? Answer.ack
      : b.response._tag === 'Timeout'
        ? Answer.timeout
        : Answer.failure;

const stateOf = (live: boolean): number => (live ? StateBits.live : StateBits.dead);

const isStep = (u: unknown): u is ReplayStep =>
  isRecord(u) &&
  typeof u.line === 'number' &&
  typeof u.counted === 'boolean' &&
  isRecord(u.event) &&
  isRecord(u.before);

const isBroadcast = (u: unknown): u is ReplayBroadcast =>
  isRecord(u) &&
  typeof u.line === 'number' &&
  typeof u.counted === 'boolean' &&
  isRecord(u.operation) &&
  typeof u.status === 'string' &&
  isRecord(u.before);

/**
 * A new report builder. Lanes are the backends registered in the window the steps are counted
 * in (`ReplayStep.counted`), those already registered when it begins first; steps outside it
 * are skipped. The timeline is the records' times when the first counted step carries one, and
 * the line numbers otherwise; a record without a time, or earlier than one before it, is placed
 * at the latest time met. Give it both `add` (as `onStep`) and `addBroadcast` (as `onBroadcast`)
 * so that the replay never builds a broadcast's lists; `add` alone gives the same model, slower.
 *
 * @example
 * import { renderReport, reportBuilder, replayLines } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const builder = reportBuilder()
 * const replay = await replayLines(fileSource('broker.ndjson'), {
 *   verify: true,
 *   onStep: builder.add,
 *   onBroadcast: builder.addBroadcast,
 * })
 * const html = renderReport(builder.finish(replay, { file: 'broker.ndjson', verify: true }))
 *
 * @since 0.2.0
 */
export const reportBuilder = (options: number | ReportBuilderOptions = {}): ReportBuilder => {
  const fn = 'reportBuilder';
  const given: unknown = options;
  if (typeof given !== 'number' && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw new TypeError(`${fn}: options must be a ReportBuilderOptions object or a bucket count, got ${show(options)}`);
  }
  const o = typeof options === 'number' ? { maxBuckets: options } : optionsObject(fn, options);
  const maxBuckets = optionalInteger(fn, 'maxBuckets', o.maxBuckets, 2) ?? MAX_REPORT_BUCKETS;
  const fullLanes = optionalInteger(fn, 'fullLanes', o.fullLanes, 0) ?? DEFAULT_FULL_LANES;
  const f: FoldState = {
    capacity: Math.max(2, Math.floor(maxBuckets / 2) * 2),
    fullLanes,
    axis: undefined,
    origin: 0,
    position: 0,
    lanes: [],
    laneOf: new Map(),
    words: [],
    wordOf: new Map(),
    ops: [],
    opOf: new Map(),
    ev: { lane: [], prev: [], pos: [], line: [], time: [], all: [], kind: [], value: [], word: [], before: [] },
    bc: { line: [], pos: [], time: [], status: [], op: [], divergent: [], toAll: [] },
    all: { line: [], pos: [], time: [], index: [] },
    firstDegraded: undefined,
    changes: [],
    streak: { length: 0, first: -1, best: 0, bestFirst: -1 },
  };

  const word = (w: string): number => {
    let i = f.wordOf.get(w);
    if (i === undefined) {
      i = f.words.length;
      f.words.push(w);
      f.wordOf.set(w, i);
    }
    return i;
  };

  /** Count the broadcasts to all the lane answered since its last change. */
  const settle = (lane: Lane): void => {
    const n = f.all.line.length - lane.since;
    if (n > 0) {
      lane.counts[lane.answer] = (lane.counts[lane.answer] ?? 0) + n;
      if ((lane.answer === Answer.timeout || lane.answer === Answer.failure) && lane.firstBad < 0) {
        lane.firstBad = f.all.line[lane.since] ?? -1;
      }
    }
    lane.since = f.all.line.length;
  };

  const record = (
    lane: Lane,
    line: number,
    time: number,
    kind: number,
    value: number,
    w: number,
    before: number,
  ): number => {
    const e = f.ev;
    const at = e.lane.length;
    e.lane.push(lane.index);
    e.prev.push(lane.last);
    e.pos.push(f.position);
    e.line.push(line);
    e.time.push(time);
    e.all.push(f.all.line.length);
    e.kind.push(kind);
    e.value.push(value);
    e.word.push(w);
    e.before.push(before);
    lane.last = at;
    return at;
  };

  const laneFor = (key: BackendKey): Lane => {
    const id = keyId(key);
    let lane = f.laneOf.get(id);
    if (lane === undefined) {
      lane = {
        index: f.lanes.length,
        id,
        key,
        state: 0,
        answer: Answer.none,
        since: f.all.line.length,
        word: -1,
        registrations: 0,
        counts: [0, 0, 0, 0, 0],
        firstBad: -1,
        last: -1,
      };
      f.lanes.push(lane);
      f.laneOf.set(id, lane);
    }
    return lane;
  };

  /** A change of the lane's state or response, at `line`. */
  const change = (backend: Backend, state: number, kind: number, line: number, time: number): void => {
    const lane = laneFor(backend.key);
    settle(lane);
    const before = lane.word;
    lane.state = state;
    lane.answer = state === StateBits.unregistered ? Answer.none : answerOf(backend);
    lane.word = word(responseWord(backend.response));
    if (kind === Change.registered) {
      lane.registrations += 1;
    }
    const at = record(lane, line, time, kind, state, lane.word, before);
    if (f.firstDegraded === undefined && kind !== Change.atStart) {
      f.changes.push(at);
      if (f.changes.length > MAX_CHANGES_KEPT) {
        f.changes.shift();
      }
    }
  };

  const begin = (line: number, time: number | undefined, before: ReplayStep['before']): void => {
    f.axis = time === undefined ? 'line' : 'time';
    f.origin = f.axis === 'time' ? (time ?? 0) : line;
    f.position = f.origin;
    // The backends registered before the window begins get their lanes first.
    for (const backend of backends(before)) {
      change(backend, stateOf(backend.live), Change.atStart, line, time ?? NaN);
    }
  };

  const advance = (line: number, time: number | undefined): void => {
    if (f.axis === 'line') {
      f.position = line;
    } else if (time !== undefined && time > f.position) {
      f.position = time;
    }
  };

  const addColumn = (
    line: number,
    time: number | undefined,
    operation: BroadcastOperation,
    status: BroadcastResult['_tag'],
    divergent: boolean,
    toAll: boolean,
    result: BroadcastResult | undefined,
  ): void => {
    const label = operationLabel(operation);
    let op = f.opOf.get(label);
    if (op === undefined) {
      op = f.ops.length;
      f.ops.push(label);
      f.opOf.set(label, op);
    }
    const b = f.bc;
    const index = b.line.length;
    b.line.push(line);
    b.pos.push(f.position);
    b.time.push(time ?? NaN);
    b.status.push(STATUS_CODE[status]);
    b.op.push(op);
    b.divergent.push(divergent ? 1 : 0);
    b.toAll.push(toAll ? 1 : 0);
    if (toAll) {
      f.all.line.push(line);
      f.all.pos.push(f.position);
      f.all.time.push(time ?? NaN);
      f.all.index.push(index);
    }
    const s = f.streak;
    if (status === 'Degraded') {
      if (s.length === 0) {
        s.first = index;
      }
      s.length += 1;
      if (s.length > s.best) {
        s.best = s.length;
        s.bestFirst = s.first;
      }
      if (f.firstDegraded === undefined) {
        const who = result === undefined ? notAckedNow() : notAckedIn(result);
        f.firstDegraded = { index, notAcked: Object.freeze(who.slice(0, MAX_FINDING_BACKENDS)), total: who.length };
      }
    } else {
      s.length = 0;
    }
  };

  const named = (key: BackendKey, answer: string): FindingBackend =>
    Object.freeze({ label: backendLabel(key), id: keyId(key), answer });

  /** Who does not acknowledge a broadcast to all now: the live lanes answering Timeout or Failure. */
  const notAckedNow = (): ReadonlyArray<FindingBackend> =>
    f.lanes
      .filter((l) => l.answer === Answer.timeout || l.answer === Answer.failure)
      .map((l) => named(l.key, f.words[l.word] ?? ''));

  const notAckedIn = (result: BroadcastResult): ReadonlyArray<FindingBackend> => [
    ...result.timeouts.map((e) => named(e.key, 'Timeout')),
    ...result.failures.map((e) => named(e.key, `Failure(${e.reason})`)),
  ];

  /** A broadcast addressed to some backends by name: their answers, from its lists. */
  const addressed = (result: BroadcastResult, line: number, time: number): void => {
    const mark = (entries: ReadonlyArray<{ readonly key: BackendKey }>, answer: number): void => {
      for (const { key } of entries) {
        const lane = laneFor(key);
        settle(lane);
        lane.counts[answer] = (lane.counts[answer] ?? 0) + 1;
        if ((answer === Answer.timeout || answer === Answer.failure) && lane.firstBad < 0) {
          lane.firstBad = line;
        }
        record(lane, line, time, Change.addressed, answer, lane.word, lane.word);
      }
    };
    mark(result.acks, Answer.ack);
    mark(result.timeouts, Answer.timeout);
    mark(result.failures, Answer.failure);
    mark(result.skippedDead, Answer.skipped);
  };

  const add = (s: ReplayStep): void => {
    if (!isStep(s)) {
      throw new TypeError(`reportBuilder: add takes a ReplayStep (replayLines's onStep), got ${show(s)}`);
    }
    if (!s.counted) {
      return;
    }
    if (f.axis === undefined) {
      begin(s.line, s.time, s.before);
    }
    advance(s.line, s.time);
    const time = s.time ?? NaN;
    const e = s.event;
    switch (e._tag) {
      case 'BackendRegistered':
        change(e.backend, stateOf(e.backend.live), Change.registered, s.line, time);
        break;
      case 'LivenessSet':
        change(e.backend, stateOf(e.backend.live), Change.liveness, s.line, time);
        break;
      case 'ResponseSet':
        change(e.backend, stateOf(e.backend.live), Change.response, s.line, time);
        break;
      case 'BackendUnregistered':
        change(e.backend, StateBits.unregistered, Change.unregistered, s.line, time);
        break;
      case 'OperationBroadcast':
        // Every live backend answered as its response says: the lanes know it already.
        addColumn(s.line, s.time, e.result.operation, e.result._tag, O.isSome(s.divergence), true, undefined);
        break;
      case 'OperationBroadcastTo':
        addColumn(s.line, s.time, e.result.operation, e.result._tag, O.isSome(s.divergence), false, e.result);
        addressed(e.result, s.line, time);
        break;
      case 'KeyNotFound':
        break;
    }
  };

  const addBroadcast = (b: ReplayBroadcast): void => {
    if (!isBroadcast(b)) {
      throw new TypeError(
        `reportBuilder: addBroadcast takes a ReplayBroadcast (replayLines's onBroadcast), got ${show(b)}`,
      );
    }
    if (!b.counted) {
      return;
    }
    if (f.axis === undefined) {
      begin(b.line, b.time, b.before);
    }
    advance(b.line, b.time);
    addColumn(b.line, b.time, b.operation, b.status, false, true, undefined);
  };

  const finish: ReportBuilder['finish'] = (replay, input) => {
    for (const lane of f.lanes) {
      settle(lane);
    }
    return finishReport(f, replay, input);
  };

  return Object.freeze({ add, addBroadcast, finish });
};
