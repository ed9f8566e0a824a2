/**
 * `lifecycle-broadcast conformance`: run the conformance kit against a running backend and print
 * a pass/fail table (or `--json`), each check with the section of docs/live.md it enforces.
 *
 * @since 0.3.0
 */
import { InvalidArgumentError } from 'commander';

import { errorMessage } from '../../internal/errorMessage';
import { printable } from '../../internal/printable';
import type { ConformanceReport } from '../conformance/runConformance';
import { runConformance } from '../conformance/runConformance';
import type { SocketAddress } from '../protocol';
import type { CliIO } from './io';
import { ExitCode, JSON_SCHEMA_VERSION, PROGRAM, jsonDocument, output, say } from './io';

/** The flags of `conformance`. */
export interface ConformanceFlags {
  readonly socket?: string;
  readonly tcp?: SocketAddress;
  readonly json?: boolean;
  readonly timeoutMs: number;
  readonly maxReplyBytes?: number;
}

/** `--tcp HOST:PORT` (an IPv6 host in brackets: `[::1]:7070`). */
export const tcpAddressOf = (value: string): SocketAddress => {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):([0-9]{1,5})$/.exec(value);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || !(port >= 1 && port <= 65535)) {
    throw new InvalidArgumentError(
      `expected HOST:PORT (a port of 1 to 65535; an IPv6 host in brackets), got "${printable(value)}"`,
    );
  }
  return { host: m[1] ?? m[2] ?? '', port };
};

const where = (address: SocketAddress): string =>
  printable('path' in address ? address.path : `${address.host}:${String(address.port)}`);

/** The pass/fail table: one row per check, its section, and why it failed. */
export const conformanceLines = (report: ConformanceReport): ReadonlyArray<string> => {
  const nameWidth = Math.max(5, ...report.checks.map((c) => c.name.length));
  const sectionWidth = Math.max(7, ...report.checks.map((c) => c.section.length));
  const row = (result: string, name: string, section: string, rest: string): string =>
    `${result.padEnd(6)}${name.padEnd(nameWidth + 2)}${section.padEnd(sectionWidth + 2)}${rest}`.trimEnd();
  const failed = report.checks.filter((c) => !c.passed).length;
  return [
    `conformance of the backend at ${where(report.address)} to docs/live.md, "The protocol"`,
    '',
    row('', 'CHECK', 'SECTION', 'WHAT IT CHECKS / WHY IT FAILED'),
    ...report.checks.map((c) =>
      row(c.passed ? 'pass' : 'FAIL', c.name, c.section, c.passed ? c.description : printable(c.message ?? '')),
    ),
    '',
    `${String(report.checks.length)} checks: ${String(report.checks.length - failed)} passed, ${String(failed)} failed`,
  ].map((l) => `${l}\n`);
};

/** The `--json` document. */
const conformanceJson = (report: ConformanceReport): unknown => ({
  schemaVersion: JSON_SCHEMA_VERSION,
  address: report.address,
  passed: report.passed,
  checks: report.checks.map((c) => ({
    name: c.name,
    section: c.section,
    anchor: `docs/live.md#${c.anchor}`,
    description: c.description,
    passed: c.passed,
    message: c.message ?? null,
    durationMs: c.durationMs,
  })),
});

/** Run the kit as the flags say: 0 when every check passed, 1 when one failed, 2 when it could not run. */
export const conformanceCommand = async (flags: ConformanceFlags, io: CliIO): Promise<ExitCode> => {
  if ((flags.socket === undefined) === (flags.tcp === undefined)) {
    say(io.stderr, `${PROGRAM}: conformance needs one of --socket PATH or --tcp HOST:PORT`);
    return ExitCode.usage;
  }
  const address: SocketAddress = flags.socket === undefined ? (flags.tcp as SocketAddress) : { path: flags.socket };
  if ('path' in address && address.path === '') {
    say(io.stderr, `${PROGRAM}: --socket: expected a path, got ""`);
    return ExitCode.usage;
  }
  let report: ConformanceReport;
  try {
    report = await runConformance(address, {
      timeoutMs: flags.timeoutMs,
      ...(flags.maxReplyBytes === undefined ? {} : { maxReplyBytes: flags.maxReplyBytes }),
    });
  } catch (error: unknown) {
    say(io.stderr, `${PROGRAM}: ${printable(errorMessage(error))}`);
    return ExitCode.usage;
  }
  const code = report.passed ? ExitCode.ok : ExitCode.invalid;
  return flags.json === true
    ? output(io, jsonDocument(conformanceJson(report)), code)
    : output(io, conformanceLines(report), code);
};
