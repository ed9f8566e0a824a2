/**
 * The examples and exit codes that `--help` prints after each command's options.
 *
 * @since 0.2.0
 */

import { printable } from '../../internal/printable';

const P = 'lifecycle-broadcast';

/**
 * The command line's guide on the web (docs/cli.md of the repository).
 *
 * @since 0.3.0
 */
export const CLI_GUIDE_URL = 'https://github.com/lifecycle-broadcast/lifecycle-broadcast/blob/main/docs/cli.md';

/** The commands that have a help text of their own. */
export type HelpTopic = 'program' | 'replay' | 'validate' | 'generate' | 'index' | 'report' | 'shrink' | 'conformance';

const EXAMPLES: Readonly<Record<HelpTopic, ReadonlyArray<readonly [string, string]>>> = {
  program: [
    [`${P} replay broker.ndjson --verify`, 'summarise a log, checking every recorded result'],
    [`${P} report broker.ndjson -o incident.html`, 'write the HTML timeline of the incident'],
    [`${P} <command> --help`, 'the options, examples and exit codes of a command'],
  ],
  replay: [
    [`${P} replay broker.ndjson --verify`, 'summary, every recorded result checked'],
    [`${P} replay broker.ndjson --at 120`, 'the registry as it was after line 120'],
    [`${P} replay broker.ndjson --at 2026-11-27T14:05:00Z`, 'the registry at that time (a timed log)'],
    [`${P} replay broker.ndjson --from 2026-11-27T14:02:00Z --to 2026-11-27T14:05:00Z`, 'count three minutes of it'],
    [`${P} replay broker.ndjson --assume soldr=Ack`, 'what if soldr had acknowledged'],
    [`${P} replay broker.ndjson --sort timeout --top 10`, 'the ten backends that timed out most'],
    [`${P} replay - --lenient --json < broker.ndjson`, 'skip bad lines; JSON for machines'],
  ],
  validate: [
    [`${P} validate broker.ndjson`, 'check every line; changes nothing'],
    [`${P} validate broker.ndjson --json`, 'the verdict, the version and the problems as JSON'],
  ],
  generate: [
    [`${P} generate --backends 8 --actions 10000 --seed 42 -o synthetic.ndjson`, 'a synthetic log'],
    [`${P} generate --no-results | ${P} validate -`, 'without recorded results, piped'],
    [`${P} generate --clock-start 2026-11-27T14:00:00Z --clock-step-ms 250 -o timed.ndjson`, 'timed records'],
  ],
  index: [
    [`${P} index broker.ndjson`, 'write broker.ndjson.index, a checkpoint every 5,000 lines'],
    [`${P} replay broker.ndjson --at 990000`, 'then resumes from the checkpoint after line 990,000'],
  ],
  report: [
    [`${P} report broker.ndjson -o incident.html --verify`, 'the whole log'],
    [`${P} report broker.ndjson --from 2026-11-27T14:02:00Z --to 2026-11-27T14:05:00Z`, 'three minutes of it'],
  ],
  shrink: [
    [`${P} shrink broker.ndjson --until diverges`, 'the few records that still diverge: broker.shrunk.ndjson'],
    [`${P} shrink broker.ndjson --until invalid -o -`, 'the first invalid line, on standard output'],
    [
      `${P} shrink broker.ndjson --until ./still-fails.cjs`,
      'a predicate of your own: module.exports = (c) => boolean (or export default in .mjs)',
    ],
  ],
  conformance: [
    [`${P} conformance --socket /run/broker/zccache.sock`, 'check a backend on a Unix socket against docs/live.md'],
    [`${P} conformance --tcp 127.0.0.1:7070 --json`, 'a backend on TCP; the verdicts as JSON'],
  ],
};

const EXIT_CODES: Readonly<Record<HelpTopic, readonly [string, string, string]>> = {
  program: [
    'all is well',
    'the log has invalid lines, a refused header, or a recorded result that was not reproduced',
    'a usage error, or a file that cannot be read or written',
  ],
  replay: [
    'the log read cleanly (with --verify: every recorded result reproduced)',
    'invalid lines, a refused header, or a recorded result not reproduced',
    'a usage error, or a log that cannot be read',
  ],
  validate: [
    'every line is valid',
    'some lines are invalid, or the header is',
    'a usage error, or a log that cannot be read',
  ],
  generate: ['the log was written', '(not used)', 'a usage error, or an output that cannot be written'],
  index: [
    'the index was written, covering the whole log',
    'the index was written, but the log has a bad line: its checkpoints stop before it',
    'a usage error, a log that cannot be read or an index that cannot be written',
  ],
  report: [
    'the report was written, and the log read cleanly',
    'the report was written, but the log has invalid lines or results not reproduced',
    'a usage error, or a file that cannot be read or written',
  ],
  shrink: [
    'the shrunk log was written',
    'the whole log does not show the property, or has no valid header: nothing to shrink',
    'a usage error, a file that cannot be read or written, or a predicate that failed',
  ],
  conformance: [
    'the backend passed every check',
    'the backend failed a check (the table says which, and the rule it breaks)',
    'a usage error, or nothing accepts connections at the address',
  ],
};

/**
 * The text after the options in `--help`: examples, the exit codes, then where the guide is: on
 * the web, and `installedGuide` (the docs/cli.md installed with the package) when there is one.
 *
 * @since 0.2.0
 */
export const helpAfter = (topic: HelpTopic, installedGuide?: string): string => {
  const [ok, invalid, usage] = EXIT_CODES[topic];
  return [
    '',
    'Examples:',
    ...EXAMPLES[topic].flatMap(([command, what]) => [`  # ${what}`, `  $ ${command}`]),
    '',
    'Exit codes:',
    `  0  ${ok}`,
    `  1  ${invalid}`,
    `  2  ${usage}`,
    '',
    'Documentation:',
    `  ${CLI_GUIDE_URL}`,
    ...(installedGuide === undefined ? [] : [`  ${printable(installedGuide)} (installed with the package)`]),
  ].join('\n');
};
