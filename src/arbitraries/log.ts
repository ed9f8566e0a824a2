/**
 * fast-check arbitraries of operation logs: headers, and whole logs as their lines.
 *
 * @since 0.3.0
 */
import * as fc from 'fast-check';

import { LogRecord, recordStep } from '../log/LogRecord';
import { LOG_FORMAT, LOG_VERSION, LogHeader } from '../log/LogHeader';
import { createRegistry } from '../registry/Registry';
import { broadcastPolicyArbitrary, resolve, templatesArbitrary } from './registry';
import type { LogOptions } from './registry';

// -------------------------------------------------------------------------------------
// logs
// -------------------------------------------------------------------------------------

/**
 * Log headers: the format, its version, and any policy.
 *
 * @since 0.1.0
 */
export const logHeaderArbitrary = (): fc.Arbitrary<LogHeader> =>
  broadcastPolicyArbitrary().map((policy): LogHeader => ({ format: LOG_FORMAT, version: LOG_VERSION, policy }));

/**
 * A whole operation log: its header, then one entry per action.
 *
 * @since 0.1.0
 */
export interface SampledLog {
  readonly header: LogHeader;
  readonly records: ReadonlyArray<LogRecord>;
}

/**
 * Whole operation logs: a header with any policy, then the records of an action sequence. The
 * broadcasts chosen by `recordResults` carry the result they have when the log is replayed from
 * an empty registry with the header's policy, as a recorder would have written them.
 *
 * @example
 * import * as fc from 'fast-check'
 * import { logArbitrary, logLines } from 'lifecycle-broadcast/arbitraries'
 *
 * const [log] = fc.sample(logArbitrary({ recordResults: 'always' }), 1)
 * const ndjson = logLines(log).join('\n') + '\n'
 *
 * @since 0.1.0
 */
export const logArbitrary = (options?: LogOptions): fc.Arbitrary<SampledLog> => {
  const recordResults = options?.recordResults ?? 'sometimes';
  return fc.tuple(logHeaderArbitrary(), templatesArbitrary(options)).map(([header, templates]) => {
    let state = createRegistry(header.policy);
    const records = resolve(templates).map(({ action, record }) => {
      const next = recordStep(state, action, recordResults === 'always' || (recordResults === 'sometimes' && record));
      state = next.state;
      return next.result;
    });
    return { header, records };
  });
};

/**
 * A log as NDJSON lines, without line ends: the header, then each entry, as their codecs encode
 * them. Joined with `\n` (and a final one), they are what the log reader reads.
 *
 * @since 0.1.0
 */
export const logLines = (log: SampledLog): ReadonlyArray<string> => [
  JSON.stringify(LogHeader.encode(log.header)),
  ...log.records.map((record) => JSON.stringify(LogRecord.encode(record))),
];
