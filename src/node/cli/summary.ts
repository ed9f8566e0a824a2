/**
 * The summaries the command line prints after a replay: a readable one for people, and a JSON
 * one for machines.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { BackendKey } from '../../domain/BackendKey';
import { matchInstance } from '../../domain/BackendKey';
import type { BroadcastBackendResponse } from '../../domain/BroadcastBackendResponse';
import { matchResponse } from '../../domain/BroadcastBackendResponse';
import { LogHeader } from '../../log/LogHeader';
import { describeInvalidLine } from '../../log/logReader';
import type { BackendRow, StatsSummary } from '../../log/LogStats';
import { summarizeStats } from '../../log/LogStats';
import type { LogReplay, ReplayMode, ReplayStop } from '../../log/replayLog';
import { matchReplayStop } from '../../log/replayLog';
import { describeDivergence } from '../../log/verify';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a summary is about: the replay, and how it was asked for.
 *
 * @since 0.1.0
 */
export interface SummaryInput {
  /** The file name as given, or `-` for standard input. */
  readonly file: string;
  readonly replay: LogReplay;
  readonly mode: ReplayMode;
  readonly verify: boolean;
  readonly at: O.Option<number>;
}

// -------------------------------------------------------------------------------------
// labels
// -------------------------------------------------------------------------------------

/**
 * A backend key in a few words: service, version, broker instance and the start of its hash,
 * such as `soldr 0.4.1 private:soldr #00a1b2c3`.
 *
 * @since 0.1.0
 */
export const keyLabel = (key: BackendKey): string => {
  const instance = matchInstance<string>({
    Shared: () => 'shared',
    Private: (i) => `private:${i.serviceName}`,
    Explicit: (i) => `explicit:${i.name}`,
  })(key.instance);
  const hash = key.exeHash === '' ? '' : ` #${key.exeHash.slice(0, 8)}`;
  return `${key.serviceName} ${key.serviceVersion} ${instance}${hash}`;
};

/**
 * A response in one word, with the failure reason when there is one.
 *
 * @since 0.1.0
 */
export const responseLabel: (r: BroadcastBackendResponse) => string = matchResponse<string>({
  Ack: () => 'Ack',
  Timeout: () => 'Timeout',
  Failure: (f) => `Failure(${f.reason})`,
});

/**
 * One line saying why a replay stopped early.
 *
 * @since 0.1.0
 */
export const describeStop: (stop: ReplayStop) => string = matchReplayStop<string>({
  StoppedAtInvalidLine: (s) => describeInvalidLine(s.invalid),
  StoppedAtReadFailure: (s) => s.failure.message,
});

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${String(n)}`)
    .join(', ');

// -------------------------------------------------------------------------------------
// table
// -------------------------------------------------------------------------------------

const COLUMNS = ['BACKEND', 'STATUS', 'RESPONSE', 'REG', 'ACK', 'TIMEOUT', 'FAILURE', 'SKIPPED'] as const;
/** Counting columns are right-aligned. */
const NUMERIC = new Set([3, 4, 5, 6, 7]);

const cellsOf = (r: BackendRow): ReadonlyArray<string> => [
  keyLabel(r.key),
  r.status,
  responseLabel(r.response),
  String(r.registrations),
  String(r.acks),
  String(r.timeouts),
  String(r.failures),
  String(r.skipped),
];

/**
 * The per-backend table as aligned text, one line per backend under a heading line.
 *
 * @since 0.1.0
 */
export const renderTable = (rows: ReadonlyArray<BackendRow>): ReadonlyArray<string> => {
  const lines = [COLUMNS as ReadonlyArray<string>, ...rows.map(cellsOf)];
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((cells) => (cells[i] ?? '').length)));
  return lines.map((cells) =>
    cells
      .map((cell, i) => (NUMERIC.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};

// -------------------------------------------------------------------------------------
// summaries
// -------------------------------------------------------------------------------------

const verifyLine = (r: LogReplay): string => {
  if (r.checked === 0) {
    return 'no line carries a recorded result: nothing to compare';
  }
  const first = O.isSome(r.firstDivergence) ? `; the first: ${describeDivergence(r.firstDivergence.value)}` : '';
  return r.divergences === 0
    ? `${String(r.checked)} recorded results checked, all reproduced`
    : `${String(r.checked)} recorded results checked, ${String(r.divergences)} not reproduced${first}`;
};

const plural = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

/** What the targeted broadcasts did, such as `3 to some backends (1 retry of the unacknowledged); 2 named keys not registered`. */
const targetedLine = (s: StatsSummary): string => {
  const t = s.broadcasts.targeted;
  return `${String(t.broadcasts)} to some backends (${plural(t.retries, 'retry', 'retries')} of the unacknowledged); ${plural(
    t.keysNotFound,
    'named key',
    'named keys',
  )} not registered`;
};

/**
 * The readable summary of a replay: what was read, the registry's backends live and dead,
 * actions and broadcasts by kind, the targeted broadcasts and retries, outcome counts, the
 * verification, and the per-backend table.
 *
 * @since 0.1.0
 */
export const renderSummary = (input: SummaryInput): string => {
  const { replay: r } = input;
  const s: StatsSummary = summarizeStats(r.stats);
  const policy = O.isSome(r.header) ? `, ack timeout ${String(r.header.value.policy.ackTimeoutMs)} ms` : '';
  const version = O.isSome(r.header) ? `format version ${String(r.header.value.version)}` : 'no header';
  const where = O.isSome(input.at)
    ? r.lastLine < input.at.value
      ? `registry after line ${String(input.at.value)} (the log ends at line ${String(r.lastLine)})`
      : `registry after line ${String(input.at.value)}`
    : O.isSome(r.stopped)
      ? `registry after line ${String(r.lastLine)}, the last good line (stopped early)`
      : `registry after line ${String(r.lastLine)}, the end of the log`;
  const unknown = s.keyNotFound > 0 ? ` (${String(s.keyNotFound)} named an unregistered backend)` : '';
  const invalid =
    r.invalidLines === 0
      ? 'no invalid line'
      : `${String(r.invalidLines)} invalid line${r.invalidLines === 1 ? '' : 's'} (${
          input.mode === 'strict' ? 'stopped at the first' : 'skipped'
        })`;
  const lines = [
    `log         ${input.file} (${version}${policy})`,
    `read        ${where}: ${String(s.steps)} actions applied, ${invalid}`,
    `backends    ${String(s.backends.registered)} registered: ${String(s.backends.live)} live, ${String(
      s.backends.dead,
    )} dead; ${String(s.backends.unregistered)} unregistered`,
    `actions     ${counts(s.actions)}${unknown}`,
    `broadcasts  ${String(s.broadcasts.total)}: ${counts(s.broadcasts.byOperation)}; quiesce reasons: ${counts(
      s.broadcasts.quiesceReasons,
    )}`,
    `targeted    ${targetedLine(s)}`,
    `outcomes    ${counts(s.outcomes)}`,
    ...(input.verify ? [`verify      ${verifyLine(r)}`] : []),
    '',
    ...(s.table.length === 0 ? ['(no backend was registered)'] : renderTable(s.table)),
  ];
  return `${lines.join('\n')}\n`;
};

/**
 * The summary of a replay as JSON-ready data, for `--json`.
 *
 * @since 0.1.0
 */
export const summaryJson = (input: SummaryInput): unknown => {
  const { replay: r } = input;
  const s = summarizeStats(r.stats);
  return {
    file: input.file,
    header: O.isSome(r.header) ? LogHeader.encode(r.header.value) : null,
    mode: input.mode,
    at: O.toNullable(input.at),
    lastLine: r.lastLine,
    complete: O.isNone(r.stopped),
    stopped: O.isSome(r.stopped) ? describeStop(r.stopped.value) : null,
    invalidLines: r.invalidLines,
    problems: r.problems.map(describeInvalidLine),
    verify: input.verify
      ? {
          checked: r.checked,
          divergences: r.divergences,
          firstDivergence: O.toNullable(r.firstDivergence),
        }
      : null,
    ...s,
  };
};
