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
import type { LogBound } from '../../log/LogBound';
import { describeLogBound } from '../../log/LogBound';

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
  /** Where the replay was asked to stop (a line, or a time), when it was. */
  readonly until?: LogBound;
  /** Where the summary's counts begin, when not at the start. */
  readonly from?: LogBound;
  /** The line a checkpoint let the replay resume after (0 or absent: from the start). */
  readonly resumedAfter?: number;
  /** How to show the per-backend table (all rows, in registration order, by default). */
  readonly table?: TableOptions;
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
    .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
    .join(', ');

// -------------------------------------------------------------------------------------
// table
// -------------------------------------------------------------------------------------

const COLUMNS = ['BACKEND', 'STATUS', 'RESPONSE', 'REG', 'ACK', 'TIMEOUT', 'FAILURE', 'SKIPPED'] as const;
/** Counting columns are right-aligned. */
const NUMERIC = new Set([3, 4, 5, 6, 7]);

const thousands = (n: number): string => n.toLocaleString('en-US');

const cellsOf = (r: BackendRow): string[] => [
  keyLabel(r.key),
  r.status,
  responseLabel(r.response),
  thousands(r.registrations),
  thousands(r.acks),
  thousands(r.timeouts),
  thousands(r.failures),
  thousands(r.skipped),
];

/**
 * The columns the per-backend table can be sorted by (`--sort`): counts sort the largest first,
 * `backend` and `status` alphabetically, `registered` keeps the order of first registration.
 *
 * @since 0.2.0
 */
export const TABLE_SORTS = Object.freeze([
  'registered',
  'backend',
  'status',
  'reg',
  'ack',
  'timeout',
  'failure',
  'skipped',
] as const);

/**
 * A column of `TABLE_SORTS`.
 *
 * @since 0.2.0
 */
export type TableSort = (typeof TABLE_SORTS)[number];

/**
 * How the per-backend table is shown: sorted by a column, limited to the first rows, fitted to a
 * width, or not at all.
 *
 * @since 0.2.0
 */
export interface TableOptions {
  readonly show?: boolean;
  readonly sort?: TableSort;
  readonly top?: number;
  readonly width?: number;
}

const sortKey: Readonly<Record<TableSort, ((a: BackendRow, b: BackendRow) => number) | undefined>> = {
  registered: undefined,
  backend: (a, b) => keyLabel(a.key).localeCompare(keyLabel(b.key)),
  status: (a, b) => a.status.localeCompare(b.status),
  reg: (a, b) => b.registrations - a.registrations,
  ack: (a, b) => b.acks - a.acks,
  timeout: (a, b) => b.timeouts - a.timeouts,
  failure: (a, b) => b.failures - a.failures,
  skipped: (a, b) => b.skipped - a.skipped,
};

/**
 * The rows of the table as `options` asks: sorted (stably), then the first `top`.
 *
 * @since 0.2.0
 */
export const tableRows = (rows: ReadonlyArray<BackendRow>, options: TableOptions = {}): ReadonlyArray<BackendRow> => {
  const compare = sortKey[options.sort ?? 'registered'];
  const sorted = compare === undefined ? rows : [...rows].sort(compare);
  return options.top === undefined ? sorted : sorted.slice(0, options.top);
};

/**
 * The per-backend table as aligned text, one line per backend under a heading line.
 *
 * @since 0.1.0
 */
export const renderTable = (rows: ReadonlyArray<BackendRow>, maxWidth?: number): ReadonlyArray<string> => {
  const lines = [COLUMNS as ReadonlyArray<string>, ...rows.map(cellsOf)];
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((cells) => (cells[i] ?? '').length)));
  if (maxWidth !== undefined) {
    // Fit the terminal: the backend labels give way, down to a dozen characters.
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    const label = widths[0] ?? 0;
    const fitted = Math.max(12, label - Math.max(0, total - maxWidth));
    if (fitted < label) {
      widths[0] = fitted;
      for (const cells of lines) {
        const text = cells[0] ?? '';
        if (text.length > fitted) {
          (cells as string[])[0] = `${text.slice(0, fitted - 1)}\u2026`;
        }
      }
    }
  }
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
    ? `${thousands(r.checked)} recorded results checked, all reproduced`
    : `${thousands(r.checked)} recorded results checked, ${thousands(r.divergences)} not reproduced${first}`;
};

const tableLines = (table: ReadonlyArray<BackendRow>, options: TableOptions): ReadonlyArray<string> => {
  if (options.show === false) {
    return [];
  }
  if (table.length === 0) {
    return ['(no backend was registered)'];
  }
  const rows = tableRows(table, options);
  const more = table.length - rows.length;
  return [
    ...renderTable(rows, options.width),
    ...(more > 0
      ? [`(${thousands(more)} more backend${more === 1 ? '' : 's'}: --top ${thousands(table.length)} shows all)`]
      : []),
  ];
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
  const policy = O.isSome(r.header) ? `, ack timeout ${thousands(r.header.value.policy.ackTimeoutMs)} ms` : '';
  const version = O.isSome(r.header) ? `format version ${String(r.header.value.version)}` : 'no header';
  const where =
    input.until?._tag === 'AtTime'
      ? `registry at ${describeLogBound(input.until)}, after line ${thousands(r.lastLine)}`
      : O.isSome(input.at)
        ? r.lastLine < input.at.value
          ? `registry after line ${thousands(input.at.value)} (the log ends at line ${thousands(r.lastLine)})`
          : `registry after line ${thousands(input.at.value)}`
        : O.isSome(r.stopped)
          ? `registry after line ${thousands(r.lastLine)}, the last good line (stopped early)`
          : `registry after line ${thousands(r.lastLine)}, the end of the log`;
  const unknown = s.keyNotFound > 0 ? ` (${thousands(s.keyNotFound)} named an unregistered backend)` : '';
  const invalid =
    r.invalidLines === 0
      ? 'no invalid line'
      : `${thousands(r.invalidLines)} invalid line${r.invalidLines === 1 ? '' : 's'} (${
          input.mode === 'strict' ? 'stopped at the first' : 'skipped'
        })`;
  const lines = [
    `log         ${input.file} (${version}${policy})`,
    `read        ${where}: ${thousands(s.steps)} actions applied, ${invalid}`,
    ...(input.from === undefined ? [] : [`counted     from ${describeLogBound(input.from)} on`]),
    ...(input.resumedAfter === undefined || input.resumedAfter === 0
      ? []
      : [`index       resumed from the checkpoint after line ${input.resumedAfter.toLocaleString('en-US')}`]),
    `backends    ${thousands(s.backends.registered)} registered: ${thousands(s.backends.live)} live, ${thousands(
      s.backends.dead,
    )} dead; ${thousands(s.backends.unregistered)} unregistered`,
    `actions     ${counts(s.actions)}${unknown}`,
    `broadcasts  ${thousands(s.broadcasts.total)}: ${counts(s.broadcasts.byOperation)}; quiesce reasons: ${counts(
      s.broadcasts.quiesceReasons,
    )}`,
    `targeted    ${targetedLine(s)}`,
    `outcomes    ${counts(s.outcomes)}`,
    ...(input.verify ? [`verify      ${verifyLine(r)}`] : []),
    '',
    ...tableLines(s.table, input.table ?? {}),
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
    schemaVersion: 1,
    file: input.file,
    header: O.isSome(r.header) ? LogHeader.encode(r.header.value) : null,
    mode: input.mode,
    at: input.until?._tag === 'AtTime' ? describeLogBound(input.until) : O.toNullable(input.at),
    ...(input.from === undefined ? {} : { from: describeLogBound(input.from) }),
    resumedAfter: input.resumedAfter ?? 0,
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
