/**
 * The data of an incident report: the findings (what went wrong first, for how long, who), a lane
 * per backend along the log's timeline, the broadcasts as columns coloured by outcome, and the
 * summary figures of the replay. `reportBuilder` folds it in time O(records + backends); the
 * most troubled lanes carry their cells and history in full, the others their figures only.
 *
 * @since 0.2.0
 */
import type { BackendKey } from '../domain/BackendKey';
import { matchInstance } from '../domain/BackendKey';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { matchOperation } from '../domain/BroadcastOperation';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { matchResponse } from '../domain/BroadcastBackendResponse';
import type { StatsSummary } from '../replay/LogStats';
import type { LogBound } from '../replay/LogBound';
import type { LinesReplay, ReplayBroadcast, ReplayStep } from '../replay/replayLines';

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
  /** The line of its first timeout or failure, or null. */
  readonly firstBadLine: number | null;
  /** One hex digit per bucket: the `CellBits` of the answers in that bucket; empty for a summarised lane. */
  readonly cells: string;
  /** One digit per bucket: the `StateBits` of that bucket; empty for a summarised lane. */
  readonly states: string;
  /** What happened to it, oldest first (at most `MAX_LANE_HISTORY` entries); empty for a summarised lane. */
  readonly history: ReadonlyArray<ReportLaneEvent>;
}

/**
 * One entry of a lane's history: a change (`set dead`), or the broadcasts it answered alike.
 *
 * @since 0.3.0
 */
export interface ReportLaneEvent {
  readonly line: number;
  readonly time: number | null;
  readonly text: string;
}

/**
 * A backend named by a finding: its label, key id and what it answered or how it stands.
 *
 * @since 0.3.0
 */
export interface FindingBackend {
  readonly label: string;
  readonly id: string;
  readonly answer: string;
}

/**
 * The first Degraded broadcast of the window, and who did not acknowledge it.
 *
 * @since 0.3.0
 */
export interface FirstDegraded {
  readonly line: number;
  readonly time: number | null;
  readonly operation: string;
  /** The bucket (column) it falls in. */
  readonly bucket: number;
  /** The first 20 that timed out or failed. */
  readonly notAcked: ReadonlyArray<FindingBackend>;
  readonly notAckedTotal: number;
}

/**
 * The longest run of consecutive Degraded broadcasts.
 *
 * @since 0.3.0
 */
export interface DegradedStreak {
  readonly broadcasts: number;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly firstBucket: number;
  readonly lastBucket: number;
}

/**
 * A change to the fleet: a registration, a flip, a response change.
 *
 * @since 0.3.0
 */
export interface FleetChange {
  readonly line: number;
  readonly time: number | null;
  readonly bucket: number;
  readonly label: string;
  readonly id: string;
  readonly change: string;
}

/**
 * One of the worst backends: how often it timed out or failed, and when it first did.
 *
 * @since 0.3.0
 */
export interface WorstBackend {
  readonly label: string;
  readonly id: string;
  /** Its place in `ReportModel.lanes`. */
  readonly lane: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly firstBadLine: number | null;
}

/**
 * What the report says first: the answers to an operator's questions.
 *
 * @since 0.3.0
 */
export interface ReportFindings {
  readonly firstDegraded: FirstDegraded | null;
  readonly longestStreak: DegradedStreak | null;
  /** At most ten, worst first; only backends that timed out or failed. */
  readonly worst: ReadonlyArray<WorstBackend>;
  /** The last ten changes before the first Degraded broadcast. */
  readonly changesBefore: ReadonlyArray<FleetChange>;
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
  /** Every backend's lane, the most troubled first (failures and timeouts, then skips, then the earliest trouble). */
  readonly lanes: ReadonlyArray<ReportLane>;
  /** How many of the first lanes carry cells and history (the rest are summarised). */
  readonly fullLanes: number;
  readonly columns: ReadonlyArray<ReportColumn>;
  readonly findings: ReportFindings;
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
  /** For `replayLines`'s `onBroadcast`: a broadcast to every live backend, in O(1). @since 0.3.0 */
  readonly addBroadcast: (broadcast: ReplayBroadcast) => void;
  readonly finish: (replay: LinesReplay, input: ReportInput) => ReportModel;
}

/**
 * How many lanes (the most troubled) a report holds with cells and history by default.
 *
 * @since 0.3.0
 */
export const DEFAULT_FULL_LANES = 500;

/** The most entries a lane's history holds in a report (the latest are kept). @internal */
export const MAX_LANE_HISTORY = 200;

/** The most backends a finding names (the rest are counted). @internal */
export const MAX_FINDING_BACKENDS = 20;

/** How many changes before the first Degraded broadcast the findings list. @internal */
export const MAX_FINDING_CHANGES = 10;

/**
 * Options of `reportBuilder`.
 *
 * @since 0.3.0
 */
export interface ReportBuilderOptions {
  /** At most this many buckets (default `MAX_REPORT_BUCKETS`, at least 2). */
  readonly maxBuckets?: number;
  /** How many of the most troubled lanes carry cells and history (default `DEFAULT_FULL_LANES`). */
  readonly fullLanes?: number;
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

/**
 * A response in one word: `Ack`, `Timeout`, `Failure(Rejected)`.
 *
 * @internal
 */
export const responseWord: (r: BroadcastBackendResponse) => string = matchResponse<string>({
  Ack: () => 'Ack',
  Timeout: () => 'Timeout',
  Failure: (f) => `Failure(${f.reason})`,
});
