/**
 * The incident tools, for operators who replay a recorded log to understand what happened: the
 * replay engine that stops at a line or a time, counts from one and resumes from a checkpoint
 * (`replayLines`); the self-contained HTML report (`reportBuilder`, `renderReport`); what-if
 * replays (`whatIf`); shrinking a log to the few records that still show a property
 * (`shrinkLog`); the checkpoints an index holds; and deterministic synthetic logs to try them on
 * (`generateLog`, what `lifecycle-broadcast generate` writes). Import them from
 * `lifecycle-broadcast/incident`: like the package root they run anywhere (reading and writing
 * index files is in `lifecycle-broadcast/node`), and an application that keeps a broker in a
 * store does not load them.
 *
 * @example
 * import { atLine, replayLines } from 'lifecycle-broadcast/incident'
 * import { fileSource } from 'lifecycle-broadcast/node'
 *
 * const r = await replayLines(fileSource('broker.ndjson'), { verify: true, until: atLine(1200) })
 * console.log(r.lastLine, r.divergences)
 *
 * @packageDocumentation
 */

// values
export { atLine, atTime, describeLogBound, matchLogBound, parseLogBound } from './replay/LogBound';
export { replayLines } from './replay/replayLines';
export { seedStats } from './replay/seedStats';
export { generateLog } from './log/generateLog';
export {
  CellBits,
  DEFAULT_FULL_LANES,
  MAX_REPORT_BUCKETS,
  StateBits,
  backendLabel,
  operationLabel,
} from './incident/reportModel';
export { reportBuilder } from './incident/reportBuilder';
export { escapeHtml, renderReport, scriptJson } from './incident/report';
export { describeAssumption, matchSelector, parseAssumption, selects, whatIf } from './incident/whatIf';
export {
  ddmin,
  diverges,
  invalid,
  matchShrinkFailure,
  matchShrinkProperty,
  satisfies,
  shrinkLog,
} from './incident/shrink';

// types
export type { AtLine, AtTime, LogBound } from './replay/LogBound';
export type { GenerateOptions, GeneratedLog } from './log/generateLog';
export type { LinesReplay, ReplayBroadcast, ReplayLinesOptions, ReplayStart, ReplayStep } from './replay/replayLines';
export type {
  DegradedStreak,
  FindingBackend,
  FirstDegraded,
  FleetChange,
  ReportBuilder,
  ReportBuilderOptions,
  ReportColumn,
  ReportFindings,
  ReportInput,
  ReportLane,
  ReportLaneEvent,
  ReportModel,
  ReportSummary,
  WorstBackend,
} from './incident/reportModel';
export type {
  Assumption,
  BackendSelector,
  BroadcastDifference,
  ByKey,
  ByService,
  EntryChange,
  WhatIfOptions,
  WhatIfOutcome,
} from './incident/whatIf';
export type {
  Ddmin,
  Diverges,
  Invalid,
  Satisfies,
  ShrinkCandidate,
  ShrinkFailure,
  ShrinkOptions,
  ShrinkProperty,
  Shrunk,
} from './incident/shrink';
