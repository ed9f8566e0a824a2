/**
 * The end of the report fold: from what `reportBuilder` kept (a lane per backend with its
 * figures, one log of lane events, one of broadcasts), the frozen `ReportModel`: columns, lanes
 * sorted by trouble, the cells, states and history of the most troubled ones, and the findings.
 *
 * @internal
 */
import * as O from 'fp-ts/Option';

import type { BackendKey } from '../domain/BackendKey';
import { keyId } from '../domain/BackendKey';
import type { BroadcastResult } from '../domain/BroadcastResult';
import { summarizeStats } from '../replay/LogStats';
import { describeLogBound } from '../replay/LogBound';
import type { LinesReplay } from '../replay/replayLines';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import type {
  DegradedStreak,
  FindingBackend,
  FirstDegraded,
  FleetChange,
  ReportColumn,
  ReportInput,
  ReportLane,
  ReportLaneEvent,
  ReportModel,
  ReportSummary,
  WorstBackend,
} from './reportModel';
import { CellBits, MAX_FINDING_CHANGES, MAX_LANE_HISTORY, StateBits, backendLabel } from './reportModel';

// -------------------------------------------------------------------------------------
// fold state
// -------------------------------------------------------------------------------------

/** What a backend answers a broadcast to every live backend (an index into `Lane.counts`). */
export const Answer = Object.freeze({ none: 0, ack: 1, timeout: 2, failure: 3, skipped: 4 } as const);

/** The kinds of lane event. */
export const Change: Readonly<{
  atStart: 0;
  registered: 1;
  liveness: 2;
  response: 3;
  unregistered: 4;
  addressed: 5;
}> = Object.freeze({
  atStart: 0,
  registered: 1,
  liveness: 2,
  response: 3,
  unregistered: 4,
  addressed: 5,
} as const);

/** A status as a small number. */
export const STATUS_CODE: Readonly<Record<BroadcastResult['_tag'], number>> = Object.freeze({
  AllAcked: 0,
  Degraded: 1,
  NoLiveTargets: 2,
});

/** How many changes the fold keeps while waiting for the first Degraded broadcast. */
export const MAX_CHANGES_KEPT = MAX_FINDING_CHANGES;

const ANSWER_BIT: ReadonlyArray<number> = [0, CellBits.ack, CellBits.timeout, CellBits.failure, CellBits.skipped];
const ANSWER_WORD: ReadonlyArray<string> = ['', 'Ack', 'Timeout', 'Failure', 'skipped (dead)'];

/** One backend as the fold follows it. */
export interface Lane {
  readonly index: number;
  readonly id: string;
  readonly key: BackendKey;
  /** Its `StateBits` now (0 before it is registered). */
  state: number;
  /** Its `Answer` to a broadcast to all now. */
  answer: number;
  /** How many broadcasts to all there had been when its answer last changed. */
  since: number;
  /** Its response now, as an index of `FoldState.words` (-1 before it is registered). */
  word: number;
  registrations: number;
  /** Answers counted so far, by `Answer`. */
  readonly counts: number[];
  /** The line of its first timeout or failure, or -1. */
  firstBad: number;
  /** Its last event in `FoldState.ev`, or -1. */
  last: number;
}

/** The fold's state: mutable, owned by one builder. Times are NaN where a record has none. */
export interface FoldState {
  readonly capacity: number;
  readonly fullLanes: number;
  axis: 'line' | 'time' | undefined;
  origin: number;
  position: number;
  readonly lanes: Lane[];
  readonly laneOf: Map<string, Lane>;
  readonly words: string[];
  readonly wordOf: Map<string, number>;
  readonly ops: string[];
  readonly opOf: Map<string, number>;
  /** Lane events, one column per field; `prev` chains a lane's events backwards. */
  readonly ev: {
    readonly lane: number[];
    readonly prev: number[];
    readonly pos: number[];
    readonly line: number[];
    readonly time: number[];
    /** How many broadcasts to all there had been before it. */
    readonly all: number[];
    readonly kind: number[];
    /** The new `StateBits`, or the `Answer` of an addressed broadcast. */
    readonly value: number[];
    readonly word: number[];
    /** The response word before a change. */
    readonly before: number[];
  };
  /** Broadcasts, one column per field. */
  readonly bc: {
    readonly line: number[];
    readonly pos: number[];
    readonly time: number[];
    readonly status: number[];
    readonly op: number[];
    readonly divergent: number[];
    readonly toAll: number[];
  };
  /** Broadcasts to all live backends: where they are, and their index among all broadcasts. */
  readonly all: { readonly line: number[]; readonly pos: number[]; readonly time: number[]; readonly index: number[] };
  firstDegraded:
    { readonly index: number; readonly notAcked: ReadonlyArray<FindingBackend>; readonly total: number } | undefined;
  /** Events of the last changes before the first Degraded broadcast. */
  readonly changes: number[];
  readonly streak: { length: number; first: number; best: number; bestFirst: number };
}

// -------------------------------------------------------------------------------------
// pieces
// -------------------------------------------------------------------------------------

const MAX_OPERATIONS_SHOWN = 3;
const DIGITS = '0123456789abcdef';

const timeOrNull = (t: number | undefined): number | null => (t === undefined || Number.isNaN(t) ? null : t);

/** Failures and timeouts first, then skips, then the earliest trouble, then the order met. */
const troubleOrder =
  (lanes: ReadonlyArray<Lane>) =>
  (a: number, b: number): number => {
    const x = lanes[a] as Lane;
    const y = lanes[b] as Lane;
    const bad = (l: Lane): number => (l.counts[Answer.timeout] ?? 0) + (l.counts[Answer.failure] ?? 0);
    const firstBad = (l: Lane): number => (l.firstBad < 0 ? Infinity : l.firstBad);
    return (
      bad(y) - bad(x) ||
      (y.counts[Answer.skipped] ?? 0) - (x.counts[Answer.skipped] ?? 0) ||
      firstBad(x) - firstBad(y) ||
      x.index - y.index
    );
  };

/** A lane's events, oldest first. */
const eventsOf = (f: FoldState, lane: Lane): number[] => {
  const out: number[] = [];
  for (let e = lane.last; e >= 0; e = f.ev.prev[e] ?? -1) {
    out.push(e);
  }
  return out.reverse();
};

const changeText = (f: FoldState, e: number): string => {
  const kind = f.ev.kind[e] ?? Change.addressed;
  const value = f.ev.value[e] ?? 0;
  const word = f.words[f.ev.word[e] ?? -1] ?? '';
  const live = value === StateBits.live ? 'live' : 'dead';
  switch (kind) {
    case Change.atStart:
      return `registered when the window begins, ${live}, answers ${word}`;
    case Change.registered:
      return `registered, ${live}, answers ${word}`;
    case Change.liveness:
      return `set ${live}`;
    case Change.response:
      return `response ${f.words[f.ev.before[e] ?? -1] ?? ''} -> ${word}`;
    case Change.unregistered:
      return 'unregistered';
    case Change.addressed:
      return `broadcast addressed to it: ${ANSWER_WORD[value] ?? ''}`;
  }
  return '';
};

// -------------------------------------------------------------------------------------
// finish
// -------------------------------------------------------------------------------------

/** The frozen model of what the fold kept. */
export const finishReport = (f: FoldState, replay: LinesReplay, input: ReportInput): ReportModel => {
  if (!isRecord(replay) || !isRecord(replay.stats) || !isRecord(replay.header)) {
    throw new TypeError(`reportBuilder: finish takes the outcome of replayLines, got ${show(replay)}`);
  }
  if (!isRecord(input) || typeof input.file !== 'string') {
    throw new TypeError(`reportBuilder: finish takes a ReportInput with the log's file name, got ${show(input)}`);
  }
  // The bucket width: the smallest power of two that puts the whole timeline in `capacity` buckets.
  let width = 1;
  const span = f.position - f.origin;
  while (Math.floor(span / width) >= f.capacity) {
    width *= 2;
  }
  const used = Math.floor(span / width) + 1;
  const bucketOf = (pos: number): number => Math.floor((pos - f.origin) / width);

  const columns = columnsOf(f, bucketOf);
  const toAllIn = new Uint8Array(used);
  for (const p of f.all.pos) {
    toAllIn[bucketOf(p)] = 1;
  }

  const stats = summarizeStats(replay.stats);
  const rows = new Map(stats.table.map((r) => [keyId(r.key), r]));
  const order = f.lanes.map((l) => l.index).sort(troubleOrder(f.lanes));
  const full = Math.min(f.fullLanes, order.length);
  const lanes = order.map((index, place): ReportLane => {
    const lane = f.lanes[index] as Lane;
    const row = rows.get(lane.id);
    const drawn = place < full ? fullLane(f, lane, used, bucketOf, toAllIn) : { cells: '', states: '', history: [] };
    return Object.freeze({
      label: backendLabel(lane.key),
      id: lane.id,
      status:
        row?.status ??
        (lane.state === StateBits.live ? 'live' : lane.state === StateBits.dead ? 'dead' : 'unregistered'),
      response: f.words[lane.word] ?? '',
      registrations: lane.registrations,
      acks: lane.counts[Answer.ack] ?? 0,
      timeouts: lane.counts[Answer.timeout] ?? 0,
      failures: lane.counts[Answer.failure] ?? 0,
      skipped: lane.counts[Answer.skipped] ?? 0,
      firstBadLine: lane.firstBad < 0 ? null : lane.firstBad,
      cells: drawn.cells,
      states: drawn.states,
      history: Object.freeze(drawn.history),
    });
  });

  const header = O.toUndefined(replay.header);
  const summary: ReportSummary = Object.freeze({
    ...stats,
    file: input.file,
    formatVersion: header?.version ?? null,
    ackTimeoutMs: header?.policy.ackTimeoutMs ?? null,
    lastLine: replay.lastLine,
    complete: O.isNone(replay.stopped),
    invalidLines: replay.invalidLines,
    verify: input.verify ? Object.freeze({ checked: replay.checked, divergences: replay.divergences }) : null,
    from: input.from === undefined ? null : describeLogBound(input.from),
    until: input.until === undefined ? null : describeLogBound(input.until),
    firstTime: f.axis === 'time' ? f.origin : null,
    lastTime: O.toNullable(replay.lastTime),
  });
  const worst = lanes
    .slice(0, 10)
    .filter((l) => l.failures + l.timeouts > 0)
    .map((l, place): WorstBackend =>
      Object.freeze({
        label: l.label,
        id: l.id,
        lane: place,
        failures: l.failures,
        timeouts: l.timeouts,
        firstBadLine: l.firstBadLine,
      }),
    );
  return Object.freeze({
    axis: f.axis ?? 'line',
    origin: f.axis === undefined ? 1 : f.origin,
    bucketWidth: width,
    buckets: used,
    lanes: Object.freeze(lanes),
    fullLanes: full,
    columns: Object.freeze(columns),
    findings: Object.freeze({
      firstDegraded: firstDegradedOf(f, bucketOf),
      longestStreak: streakOf(f, bucketOf),
      worst: Object.freeze(worst),
      changesBefore: Object.freeze(
        f.changes.map((e): FleetChange => {
          const lane = f.lanes[f.ev.lane[e] ?? 0] as Lane;
          return Object.freeze({
            line: f.ev.line[e] ?? 0,
            time: timeOrNull(f.ev.time[e]),
            bucket: bucketOf(f.ev.pos[e] ?? f.origin),
            label: backendLabel(lane.key),
            id: lane.id,
            change: changeText(f, e),
          });
        }),
      ),
    }),
    summary,
  });
};

const columnsOf = (f: FoldState, bucketOf: (pos: number) => number): ReportColumn[] => {
  const columns: ReportColumn[] = [];
  const b = f.bc;
  let i = 0;
  while (i < b.line.length) {
    const bucket = bucketOf(b.pos[i] ?? f.origin);
    const first = i;
    const counts = [0, 0, 0];
    let divergences = 0;
    const operations: string[] = [];
    while (i < b.line.length && bucketOf(b.pos[i] ?? f.origin) === bucket) {
      const s = b.status[i] ?? 0;
      counts[s] = (counts[s] ?? 0) + 1;
      divergences += b.divergent[i] ?? 0;
      const op = f.ops[b.op[i] ?? 0] ?? '';
      if (operations.length < MAX_OPERATIONS_SHOWN && !operations.includes(op)) {
        operations.push(op);
      }
      i += 1;
    }
    columns.push(
      Object.freeze({
        bucket,
        broadcasts: i - first,
        firstLine: b.line[first] ?? 0,
        lastLine: b.line[i - 1] ?? 0,
        firstTime: f.axis === 'time' ? (b.pos[first] ?? null) : null,
        lastTime: f.axis === 'time' ? (b.pos[i - 1] ?? null) : null,
        allAcked: counts[0] ?? 0,
        degraded: counts[1] ?? 0,
        noLiveTargets: counts[2] ?? 0,
        divergences,
        operations: Object.freeze(operations),
      }),
    );
  }
  return columns;
};

/** The cells, states and history of one lane, from its events. */
const fullLane = (
  f: FoldState,
  lane: Lane,
  used: number,
  bucketOf: (pos: number) => number,
  toAllIn: Uint8Array,
): { cells: string; states: string; history: ReportLaneEvent[] } => {
  const cells = new Uint8Array(used);
  const states = new Uint8Array(used);
  const history: ReportLaneEvent[] = [];
  const events = eventsOf(f, lane);
  const allCount = f.all.line.length;
  let state = 0;
  let answer = Answer.none as number;
  let fromPos = f.origin;
  let fromAll = 0;
  /** The span of the lane's answer from `fromAll` to `toAll` (broadcasts to all), and its state to `toPos`. */
  const close = (toPos: number, toAll: number): void => {
    if (state !== 0) {
      for (let b = bucketOf(fromPos); b <= bucketOf(toPos); b++) {
        states[b] = (states[b] ?? 0) | state;
      }
    }
    if (toAll > fromAll && answer !== Answer.none) {
      const bit = ANSWER_BIT[answer] ?? 0;
      const first = bucketOf(f.all.pos[fromAll] ?? f.origin);
      const last = bucketOf(f.all.pos[toAll - 1] ?? f.origin);
      for (let b = first; b <= last; b++) {
        if (toAllIn[b] === 1) {
          cells[b] = (cells[b] ?? 0) | bit;
        }
      }
      const n = toAll - fromAll;
      history.push(
        Object.freeze({
          line: f.all.line[fromAll] ?? 0,
          time: timeOrNull(f.all.time[fromAll]),
          text: `${n.toLocaleString('en-US')} broadcast${n === 1 ? '' : 's'} to all${
            n === 1 ? '' : ` (to line ${(f.all.line[toAll - 1] ?? 0).toLocaleString('en-US')})`
          }: ${ANSWER_WORD[answer] ?? ''}`,
        }),
      );
    }
  };
  for (const e of events) {
    const kind = f.ev.kind[e];
    const pos = f.ev.pos[e] ?? f.origin;
    const at = f.ev.all[e] ?? 0;
    if (kind === Change.addressed) {
      const b = bucketOf(pos);
      cells[b] = (cells[b] ?? 0) | (ANSWER_BIT[f.ev.value[e] ?? 0] ?? 0);
    } else {
      close(pos, at);
      state = f.ev.value[e] ?? 0;
      answer =
        state === StateBits.unregistered
          ? Answer.none
          : answerOfWord(f.words[f.ev.word[e] ?? -1] ?? '', state === StateBits.live);
      fromPos = pos;
      fromAll = at;
    }
    history.push(Object.freeze({ line: f.ev.line[e] ?? 0, time: timeOrNull(f.ev.time[e]), text: changeText(f, e) }));
  }
  close(f.position, allCount);
  history.sort((a, b) => a.line - b.line);
  let cellText = '';
  let stateText = '';
  for (let b = 0; b < used; b++) {
    cellText += DIGITS[cells[b] ?? 0] ?? '0';
    stateText += DIGITS[states[b] ?? 0] ?? '0';
  }
  return { cells: cellText, states: stateText, history: history.slice(-MAX_LANE_HISTORY) };
};

const answerOfWord = (word: string, live: boolean): number =>
  !live ? Answer.skipped : word === 'Ack' ? Answer.ack : word === 'Timeout' ? Answer.timeout : Answer.failure;

const firstDegradedOf = (f: FoldState, bucketOf: (pos: number) => number): FirstDegraded | null => {
  const d = f.firstDegraded;
  if (d === undefined) {
    return null;
  }
  const i = d.index;
  return Object.freeze({
    line: f.bc.line[i] ?? 0,
    time: timeOrNull(f.bc.time[i]),
    operation: f.ops[f.bc.op[i] ?? 0] ?? '',
    bucket: bucketOf(f.bc.pos[i] ?? f.origin),
    notAcked: d.notAcked,
    notAckedTotal: d.total,
  });
};

const streakOf = (f: FoldState, bucketOf: (pos: number) => number): DegradedStreak | null => {
  const s = f.streak;
  if (s.best === 0) {
    return null;
  }
  const first = s.bestFirst;
  const last = first + s.best - 1;
  return Object.freeze({
    broadcasts: s.best,
    firstLine: f.bc.line[first] ?? 0,
    lastLine: f.bc.line[last] ?? 0,
    firstTime: timeOrNull(f.bc.time[first]),
    lastTime: timeOrNull(f.bc.time[last]),
    firstBucket: bucketOf(f.bc.pos[first] ?? f.origin),
    lastBucket: bucketOf(f.bc.pos[last] ?? f.origin),
  });
};
