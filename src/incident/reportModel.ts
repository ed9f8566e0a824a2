/**
 * The data of an incident report: a lane per backend along the log's timeline, the broadcasts as
 * columns coloured by outcome, and the summary figures of the replay. It is folded one replayed
 * step at a time, in memory bounded by the number of backends times `MAX_REPORT_BUCKETS`,
 * whatever the length of the log: when there are more points on the timeline than buckets,
 * neighbouring buckets are merged two by two.
 *
 * @since 0.2.0
 */
import * as O from 'fp-ts/Option';

import type { BackendKey } from '../domain/BackendKey';
import { keyId, matchInstance } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { matchOperation } from '../domain/BroadcastOperation';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { matchResponse } from '../domain/BroadcastBackendResponse';
import type { BroadcastResult } from '../domain/BroadcastResult';
import type { StatsSummary } from '../replay/LogStats';
import { summarizeStats } from '../replay/LogStats';
import { backends } from '../registry/Registry';
import type { LogBound } from '../replay/LogBound';
import { describeLogBound } from '../replay/LogBound';
import type { LinesReplay, ReplayStep } from '../replay/replayLines';
import { show } from '../internal/codec';
import { isRecord } from '../internal/isRecord';
import { optionalInteger } from '../internal/options';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The most buckets (pixel columns) a report's timeline is divided into: 1,024.
 *
 * @since 0.2.0
 */
export const MAX_REPORT_BUCKETS = 1024;

/**
 * What a cell of a lane says about the broadcasts of its bucket, as bits: which answers the
 * backend gave (`ack` 1, `timeout` 2, `failure` 4, skipped as dead 8). A lane's `cells` holds
 * one hexadecimal digit per bucket.
 *
 * @since 0.2.0
 */
export const CellBits = Object.freeze({ ack: 1, timeout: 2, failure: 4, skipped: 8 } as const);

/**
 * What a lane's `states` says of each bucket, as bits: the backend was live (1), registered but
 * dead (2), or unregistered after having been registered (4) at some point of the bucket. A
 * lane's `states` holds one digit per bucket; 0 is "not registered yet".
 *
 * @since 0.2.0
 */
export const StateBits = Object.freeze({ live: 1, dead: 2, unregistered: 4 } as const);

/**
 * One backend's lane: its label, and how it stands and answered at the end of the window.
 *
 * @since 0.2.0
 */
export interface ReportLane {
  /** Service, version, broker instance and the start of the hash. */
  readonly label: string;
  /** The canonical key id (see `keyId`). */
  readonly id: string;
  readonly status: 'live' | 'dead' | 'unregistered';
  /** Its response, in one word (`Ack`, `Timeout`, `Failure(Rejected)`). */
  readonly response: string;
  readonly registrations: number;
  readonly acks: number;
  readonly timeouts: number;
  readonly failures: number;
  readonly skipped: number;
  /** One hex digit per bucket: the `CellBits` of the answers in that bucket. */
  readonly cells: string;
  /** One digit per bucket: the `StateBits` of that bucket. */
  readonly states: string;
}

/**
 * One column: a bucket of the timeline holding at least one broadcast.
 *
 * @since 0.2.0
 */
export interface ReportColumn {
  /** The bucket's index on the timeline. */
  readonly bucket: number;
  readonly broadcasts: number;
  readonly firstLine: number;
  readonly lastLine: number;
  /** Times of the first and last broadcast, on a timed timeline. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly allAcked: number;
  readonly degraded: number;
  readonly noLiveTargets: number;
  /** Recorded results the replay did not reproduce (when verifying). */
  readonly divergences: number;
  /** The operations broadcast, in words, the first few distinct ones. */
  readonly operations: ReadonlyArray<string>;
}

/**
 * The figures of the summary, the same as `replay` prints.
 *
 * @since 0.2.0
 */
export interface ReportSummary extends StatsSummary {
  readonly file: string;
  readonly formatVersion: number | null;
  readonly ackTimeoutMs: number | null;
  readonly lastLine: number;
  readonly complete: boolean;
  readonly invalidLines: number;
  readonly verify: { readonly checked: number; readonly divergences: number } | null;
  /** The window the figures cover, in words (`line 120`, an ISO time), or null for the whole log. */
  readonly from: string | null;
  readonly until: string | null;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
}

/**
 * Everything a report shows, as plain frozen data.
 *
 * @since 0.2.0
 */
export interface ReportModel {
  /** `line` (positions are line numbers) or `time` (milliseconds since the Unix epoch). */
  readonly axis: 'line' | 'time';
  /** The position where bucket 0 begins. */
  readonly origin: number;
  /** How many positions (lines or milliseconds) one bucket spans. */
  readonly bucketWidth: number;
  /** How many buckets the timeline has. */
  readonly buckets: number;
  readonly lanes: ReadonlyArray<ReportLane>;
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly summary: ReportSummary;
}

/**
 * The fold that builds a report: `add` each step of a replay (`replayLines`'s `onStep`), then
 * `finish` with the replay's outcome. The one mutable object here: it owns its buffers, and what
 * `finish` returns is frozen and shares nothing with it.
 *
 * @since 0.2.0
 */
export interface ReportBuilder {
  readonly add: (step: ReplayStep) => void;
  readonly finish: (replay: LinesReplay, input: ReportInput) => ReportModel;
}

/**
 * What the summary says of how the replay was asked for.
 *
 * @since 0.2.0
 */
export interface ReportInput {
  /** The log's name as given. */
  readonly file: string;
  readonly verify: boolean;
  readonly from?: LogBound;
  readonly until?: LogBound;
}

// -------------------------------------------------------------------------------------
// labels
// -------------------------------------------------------------------------------------

/**
 * A backend key in a few words: `soldr 0.4.1 private:soldr #00a1b2c3`.
 *
 * @since 0.2.0
 */
export const backendLabel = (key: BackendKey): string => {
  const instance = matchInstance<string>({
    Shared: () => 'shared',
    Private: (i) => `private:${i.serviceName}`,
    Explicit: (i) => `explicit:${i.name}`,
  })(key.instance);
  const hash = key.exeHash === '' ? '' : ` #${key.exeHash.slice(0, 8)}`;
  return `${key.serviceName} ${key.serviceVersion} ${instance}${hash}`;
};

/**
 * An operation in a few words: `ReleaseHandles /var/cache/zccache`, `Quiesce Maintenance`.
 *
 * @since 0.2.0
 */
export const operationLabel: (op: BroadcastOperation) => string = matchOperation<string>({
  ReleaseHandles: (op) => `ReleaseHandles ${op.pathPrefix}`,
  Quiesce: (op) => `Quiesce ${op.reason}`,
});

const responseWord: (r: BroadcastBackendResponse) => string = matchResponse<string>({
  Ack: () => 'Ack',
  Timeout: () => 'Timeout',
  Failure: (f) => `Failure(${f.reason})`,
});

// -------------------------------------------------------------------------------------
// builder
// -------------------------------------------------------------------------------------

const MAX_OPERATIONS_SHOWN = 3;

interface Lane {
  readonly id: string;
  readonly key: BackendKey;
  cells: Uint8Array;
  states: Uint8Array;
  /** The state bit it is in now (0 before it is first registered). */
  current: number;
  /** The last bucket whose state has been filled in. */
  filled: number;
}

interface Bucket {
  broadcasts: number;
  firstLine: number;
  lastLine: number;
  firstTime: number | null;
  lastTime: number | null;
  allAcked: number;
  degraded: number;
  noLiveTargets: number;
  divergences: number;
  operations: string[];
}

const emptyBucket = (): Bucket => ({
  broadcasts: 0,
  firstLine: 0,
  lastLine: 0,
  firstTime: null,
  lastTime: null,
  allAcked: 0,
  degraded: 0,
  noLiveTargets: 0,
  divergences: 0,
  operations: [],
});

const mergeBuckets = (a: Bucket, b: Bucket): Bucket => {
  if (a.broadcasts === 0) {
    return b;
  }
  if (b.broadcasts === 0) {
    return a;
  }
  const operations = [...a.operations];
  for (const op of b.operations) {
    if (operations.length < MAX_OPERATIONS_SHOWN && !operations.includes(op)) {
      operations.push(op);
    }
  }
  return {
    broadcasts: a.broadcasts + b.broadcasts,
    firstLine: a.firstLine,
    lastLine: b.lastLine,
    firstTime: a.firstTime,
    lastTime: b.lastTime,
    allAcked: a.allAcked + b.allAcked,
    degraded: a.degraded + b.degraded,
    noLiveTargets: a.noLiveTargets + b.noLiveTargets,
    divergences: a.divergences + b.divergences,
    operations,
  };
};

const stateOf = (live: boolean): number => (live ? StateBits.live : StateBits.dead);

/**
 * A new report builder. Lanes are the backends registered in the window the steps are counted
 * in (`ReplayStep.counted`), those already registered when it begins first; steps outside it
 * are skipped. The timeline is the records' times when the first counted step carries one, and
 * the line numbers otherwise; a record without a time, or earlier than one before it, is placed
 * at the latest time met.
 *
 * @example
 * import { renderReport, reportBuilder, replayLines } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const builder = reportBuilder()
 * const replay = await replayLines(fileSource('broker.ndjson'), { verify: true, onStep: builder.add })
 * const html = renderReport(builder.finish(replay, { file: 'broker.ndjson', verify: true }))
 *
 * @since 0.2.0
 */
export const reportBuilder = (maxBuckets: number = MAX_REPORT_BUCKETS): ReportBuilder => {
  optionalInteger('reportBuilder', 'maxBuckets', maxBuckets, 2);
  const capacity = Math.max(2, Math.floor(maxBuckets / 2) * 2);
  const lanes: Lane[] = [];
  const laneOf = new Map<string, Lane>();
  let buckets: Bucket[] = [];
  let axis: 'line' | 'time' | undefined;
  let origin: number | undefined;
  let width = 1;
  let position = 0;
  /** The highest bucket index in use. */
  let top = 0;

  const fill = (lane: Lane, upTo: number): void => {
    for (let b = lane.filled + 1; b <= upTo; b++) {
      lane.states[b] = (lane.states[b] ?? 0) | lane.current;
    }
    if (upTo > lane.filled) {
      lane.filled = upTo;
    }
  };

  const halve = (): void => {
    for (const lane of lanes) {
      fill(lane, top);
      const cells = new Uint8Array(capacity);
      const states = new Uint8Array(capacity);
      for (let b = 0; b <= top; b++) {
        const to = b >> 1;
        cells[to] = (cells[to] ?? 0) | (lane.cells[b] ?? 0);
        states[to] = (states[to] ?? 0) | (lane.states[b] ?? 0);
      }
      lane.cells = cells;
      lane.states = states;
      lane.filled = top >> 1;
    }
    const merged: Bucket[] = [];
    for (let b = 0; b <= top; b += 2) {
      merged.push(mergeBuckets(buckets[b] ?? emptyBucket(), buckets[b + 1] ?? emptyBucket()));
    }
    buckets = merged;
    top >>= 1;
    width *= 2;
  };

  /** The bucket of `position`, merging buckets until it fits. */
  const bucketAt = (at: number): number => {
    let b = Math.floor((at - (origin ?? at)) / width);
    while (b >= capacity) {
      halve();
      b = Math.floor((at - (origin ?? at)) / width);
    }
    if (b > top) {
      top = b;
    }
    return b;
  };

  const addLane = (key: BackendKey, current: number, b: number): Lane => {
    const id = keyId(key);
    const existing = laneOf.get(id);
    if (existing !== undefined) {
      return existing;
    }
    const lane: Lane = {
      id,
      key,
      cells: new Uint8Array(capacity),
      states: new Uint8Array(capacity),
      current: 0,
      filled: b - 1,
    };
    lane.current = current;
    lanes.push(lane);
    laneOf.set(id, lane);
    return lane;
  };

  const setState = (key: BackendKey, state: number, b: number): void => {
    const lane = laneOf.get(keyId(key)) ?? addLane(key, 0, b);
    fill(lane, b);
    lane.current = state;
    lane.states[b] = (lane.states[b] ?? 0) | state;
  };

  const mark = (keys: ReadonlyArray<{ readonly key: BackendKey }>, bit: number, b: number): void => {
    for (const { key } of keys) {
      const lane = laneOf.get(keyId(key));
      if (lane !== undefined) {
        lane.cells[b] = (lane.cells[b] ?? 0) | bit;
      }
    }
  };

  const addBroadcast = (s: ReplayStep, result: BroadcastResult, b: number): void => {
    const bucket = buckets[b] ?? emptyBucket();
    buckets[b] = bucket;
    if (bucket.broadcasts === 0) {
      bucket.firstLine = s.line;
      bucket.firstTime = axis === 'time' ? position : null;
    }
    bucket.broadcasts += 1;
    bucket.lastLine = s.line;
    bucket.lastTime = axis === 'time' ? position : null;
    if (result._tag === 'AllAcked') {
      bucket.allAcked += 1;
    } else if (result._tag === 'Degraded') {
      bucket.degraded += 1;
    } else {
      bucket.noLiveTargets += 1;
    }
    if (O.isSome(s.divergence)) {
      bucket.divergences += 1;
    }
    const op = operationLabel(result.operation);
    if (bucket.operations.length < MAX_OPERATIONS_SHOWN && !bucket.operations.includes(op)) {
      bucket.operations.push(op);
    }
    mark(result.acks, CellBits.ack, b);
    mark(result.timeouts, CellBits.timeout, b);
    mark(result.failures, CellBits.failure, b);
    mark(result.skippedDead, CellBits.skipped, b);
  };

  const add = (s: ReplayStep): void => {
    if (!s.counted) {
      return;
    }
    if (axis === undefined) {
      axis = s.time === undefined ? 'line' : 'time';
      origin = axis === 'time' ? (s.time ?? 0) : s.line;
      position = origin;
      // The backends registered before the window begins get their lanes first.
      for (const backend of backends(s.before)) {
        addLane(backend.key, stateOf(backend.live), 0);
      }
    }
    if (axis === 'line') {
      position = s.line;
    } else if (s.time !== undefined && s.time > position) {
      position = s.time;
    }
    const b = bucketAt(position);
    const e = s.event;
    switch (e._tag) {
      case 'BackendRegistered':
        setState(e.backend.key, stateOf(e.backend.live), b);
        break;
      case 'LivenessSet':
        setState(e.backend.key, stateOf(e.backend.live), b);
        break;
      case 'BackendUnregistered':
        setState(e.backend.key, StateBits.unregistered, b);
        break;
      case 'OperationBroadcast':
      case 'OperationBroadcastTo':
        addBroadcast(s, e.result, b);
        break;
      case 'ResponseSet':
      case 'KeyNotFound':
        break;
    }
  };

  const finish = (replay: LinesReplay, input: ReportInput): ReportModel => {
    if (!isRecord(replay) || !isRecord(replay.stats) || !isRecord(replay.header)) {
      throw new TypeError(`reportBuilder: finish takes the outcome of replayLines, got ${show(replay)}`);
    }
    if (!isRecord(input) || typeof input.file !== 'string') {
      throw new TypeError(`reportBuilder: finish takes a ReportInput with the log's file name, got ${show(input)}`);
    }
    const stats = summarizeStats(replay.stats);
    const rows = new Map(stats.table.map((r) => [keyId(r.key), r]));
    const used = top + 1;
    const digits = '0123456789abcdef';
    const laneModels = lanes.map((lane): ReportLane => {
      fill(lane, top);
      const row = rows.get(lane.id);
      let cells = '';
      let states = '';
      for (let b = 0; b < used; b++) {
        cells += digits[lane.cells[b] ?? 0] ?? '0';
        states += digits[lane.states[b] ?? 0] ?? '0';
      }
      return Object.freeze({
        label: backendLabel(lane.key),
        id: lane.id,
        status: row?.status ?? 'unregistered',
        response: row === undefined ? '' : responseWord(row.response),
        registrations: row?.registrations ?? 0,
        acks: row?.acks ?? 0,
        timeouts: row?.timeouts ?? 0,
        failures: row?.failures ?? 0,
        skipped: row?.skipped ?? 0,
        cells,
        states,
      });
    });
    const columns: ReportColumn[] = [];
    buckets.forEach((bucket, index) => {
      if (index < used && bucket.broadcasts > 0) {
        columns.push(Object.freeze({ bucket: index, ...bucket, operations: Object.freeze([...bucket.operations]) }));
      }
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
      firstTime: axis === 'time' ? (origin ?? null) : null,
      lastTime: O.toNullable(replay.lastTime),
    });
    return Object.freeze({
      axis: axis ?? 'line',
      origin: origin ?? 1,
      bucketWidth: width,
      buckets: used,
      lanes: Object.freeze(laneModels),
      columns: Object.freeze(columns),
      summary,
    });
  };

  return Object.freeze({ add, finish });
};
