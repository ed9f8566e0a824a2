/**
 * The summaries the command line prints after a replay: a readable one for people, and a JSON
 * one for machines.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { BackendKey } from '../../domain/BackendKey';
import type { BroadcastBackendResponse } from '../../domain/BroadcastBackendResponse';
import { matchResponse } from '../../domain/BroadcastBackendResponse';
import { LogHeader } from '../../log/LogHeader';
import type { InvalidLine } from '../../log/logReader';
import { describeInvalidLine } from '../../log/logReader';
import type { BackendRow, StatsSummary } from '../../replay/LogStats';
import { summarizeStats } from '../../replay/LogStats';
import type { LogReplay, ReplayMode, ReplayStop } from '../../replay/LogReplay';
import { matchReplayStop } from '../../replay/LogReplay';
import { describeDivergence } from '../../replay/verify';
import type { LogBound } from '../../replay/LogBound';
import { describeLogBound } from '../../replay/LogBound';
import { backendLabel } from '../../incident/reportModel';
import { printable } from '../../internal/printable';

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
 * such as `soldr 0.4.1 private:soldr #00a1b2c3`. Control characters a log put in a name are
 * written as `\u001b`-style escapes.
 *
 * @since 0.1.0
 */
export const keyLabel = (key: BackendKey): string => printable(backendLabel(key));

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
 * One printable line saying why a replay stopped early.
 *
 * @since 0.1.0
 */
export const describeStop: (stop: ReplayStop) => string = matchReplayStop<string>({
  StoppedAtInvalidLine: (s) => describeInvalidLine(s.invalid),
  StoppedAtReadFailure: (s) => printable(s.failure.message),
  StoppedAtCallbackError: (s) => printable(s.message),
});

/**
 * True when `--at` named a line before the log's header: the replay read no further than that,
 * so there is no registry to show.
 *
 * @since 0.2.0
 */
export const isAtBeforeHeader = (input: SummaryInput): boolean =>
  O.isSome(input.at) && O.isNone(input.replay.header) && O.isNone(input.replay.stopped);

/**
 * The one line saying that `--at` came before the header.
 *
 * @since 0.2.0
 */
export const describeAtBeforeHeader = (at: number): string =>
  `--at ${String(at)}: the log has no header up to line ${String(at)}, so there is no registry to show yet`;

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
 * The per-backend table as aligned text, one line per backend under a heading line, made one
 * line at a time (two passes over `rows`: one for the column widths, one for the lines), so a
 * table of a million backends is never held as a whole. Given `maxWidth`, the backend labels
 * give way (down to a dozen characters, cut with an ellipsis) so that the lines fit it.
 *
 * @since 0.2.0
 */
export function* tableLines(rows: ReadonlyArray<BackendRow>, maxWidth?: number): Generator<string, void, undefined> {
  const widths = COLUMNS.map((heading) => heading.length);
  for (const row of rows) {
    const cells = cellsOf(row);
    for (let i = 0; i < widths.length; i++) {
      widths[i] = Math.max(widths[i] ?? 0, (cells[i] ?? '').length);
    }
  }
  const label = widths[0] ?? 0;
  if (maxWidth !== undefined) {
    const total = widths.reduce((x, y) => x + y, 0) + 2 * (widths.length - 1);
    widths[0] = Math.min(label, Math.max(12, label - Math.max(0, total - maxWidth)));
  }
  const fitted = widths[0] ?? label;
  const render = (cells: string[]): string => {
    const text = cells[0] ?? '';
    if (text.length > fitted) {
      cells[0] = `${text.slice(0, fitted - 1)}\u2026`;
    }
    return cells
      .map((cell, i) => (NUMERIC.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  };
  yield render([...COLUMNS]);
  for (const row of rows) {
    yield render(cellsOf(row));
  }
}

/**
 * The per-backend table as aligned text, one line per backend under a heading line (fitted to
 * `maxWidth` when given, as `tableLines` does).
 *
 * @since 0.1.0
 */
export const renderTable = (rows: ReadonlyArray<BackendRow>, maxWidth?: number): ReadonlyArray<string> =>
  Array.from(tableLines(rows, maxWidth));

/** The table as the summary shows it: as `options` asks, with a line saying what `--top` left out. */
function* shownTable(table: ReadonlyArray<BackendRow>, options: TableOptions): Generator<string, void, undefined> {
  if (options.show === false) {
    return;
  }
  if (table.length === 0) {
    yield '(no backend was registered)';
    return;
  }
  const rows = tableRows(table, options);
  yield* tableLines(rows, options.width);
  const more = table.length - rows.length;
  if (more > 0) {
    yield `(${thousands(more)} more backend${more === 1 ? '' : 's'}: --top ${thousands(table.length)} shows all)`;
  }
}

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
 * The readable summary of a replay, a line at a time (each with its line end): what was read,
 * the registry's backends live and dead, actions and broadcasts by kind, the targeted broadcasts
 * and retries, outcome counts, the
 * verification, and the per-backend table.
 *
 * @since 0.2.0
 */
export function* summaryLines(input: SummaryInput): Generator<string, void, undefined> {
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
    `log         ${printable(input.file)} (${version}${policy})`,
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
  ];
  for (const line of lines) {
    yield `${line}\n`;
  }
  for (const line of shownTable(s.table, input.table ?? {})) {
    yield `${line}\n`;
  }
}

/**
 * The readable summary of a replay as one text: what was read, the registry's backends live and
 * dead, actions and broadcasts by kind, outcome counts, the verification, and the per-backend
 * table.
 *
 * @since 0.1.0
 */
export const renderSummary = (input: SummaryInput): string => Array.from(summaryLines(input)).join('');

/**
 * The version of the JSON document `replay --json` prints, in its `schemaVersion` field. It is
 * raised whenever a field changes meaning or goes away (a new field does not raise it).
 *
 * @since 0.2.0
 */
export const SUMMARY_SCHEMA_VERSION = 1;

const rawInvalidLine = (l: InvalidLine): string => `line ${String(l.line)}: ${l.problems.join('; ')}`;

/** Why the replay ended early, as data: `_tag` says what, the other fields where and why. */
const stoppedJson = (input: SummaryInput): unknown => {
  const { replay: r } = input;
  if (O.isSome(r.stopped)) {
    return matchReplayStop<unknown>({
      StoppedAtInvalidLine: (s) => ({
        _tag: s._tag,
        line: s.invalid.line,
        fatal: s.invalid.fatal,
        problems: s.invalid.problems,
        message: rawInvalidLine(s.invalid),
      }),
      StoppedAtReadFailure: (s) => ({ _tag: s._tag, line: s.failure.line, message: s.failure.message }),
      StoppedAtCallbackError: (s) => ({ _tag: s._tag, line: s.line, message: s.message }),
    })(r.stopped.value);
  }
  if (O.isSome(input.at) && isAtBeforeHeader(input)) {
    return { _tag: 'AtBeforeHeader', line: input.at.value, message: describeAtBeforeHeader(input.at.value) };
  }
  return null;
};

/**
 * The summary of a replay as JSON-ready data, for `--json`: `schemaVersion`, the file, header,
 * mode and `at`; how far it read (`lastLine`, `complete`) and why it stopped (`stopped`: `null`,
 * or an object whose `_tag` is `StoppedAtInvalidLine`, `StoppedAtReadFailure`,
 * `StoppedAtCallbackError` or `AtBeforeHeader`, with a `line` and a `message`); the bad lines
 * (`invalidLines`, the first of them in `problems`, and `problemsTruncated` when there were more);
 * the verification; and the statistics. Text from the log is kept exactly as it was.
 *
 * @since 0.1.0
 */
export const summaryJson = (input: SummaryInput): unknown => {
  const { replay: r } = input;
  const s = summarizeStats(r.stats);
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    file: input.file,
    header: O.isSome(r.header) ? LogHeader.encode(r.header.value) : null,
    mode: input.mode,
    at: input.until?._tag === 'AtTime' ? describeLogBound(input.until) : O.toNullable(input.at),
    ...(input.from === undefined ? {} : { from: describeLogBound(input.from) }),
    resumedAfter: input.resumedAfter ?? 0,
    lastLine: r.lastLine,
    complete: O.isNone(r.stopped) && !isAtBeforeHeader(input),
    stopped: stoppedJson(input),
    invalidLines: r.invalidLines,
    problems: r.problems.map((l) => ({ line: l.line, fatal: l.fatal, problems: l.problems })),
    problemsTruncated: r.invalidLines > r.problems.length,
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

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * `JSON.stringify(value, null, 2)` in pieces: arrays and the top object are written an element
 * at a time, so a document with a million-row table never becomes one string (which
 * could pass the longest string JavaScript can hold). Joined, the pieces are exactly that text.
 *
 * @since 0.2.0
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string, void, undefined> {
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.length > 0) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      const element: unknown = value[i];
      yield* jsonPieces(element === undefined || typeof element === 'function' ? null : element, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  // Objects are written a field at a time at the top only; below, one call does a whole one.
  if (indent === '' && isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
        continue;
      }
      yield `${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
      first = false;
      yield* Array.isArray(v) || isPlainObject(v) ? jsonPieces(v, inner) : [JSON.stringify(v)];
    }
    yield first ? '{}' : `\n${indent}}`;
    return;
  }
  yield (JSON.stringify(value, null, 2) as string | undefined)?.replace(/\n/g, `\n${indent}`) ?? 'null';
}
