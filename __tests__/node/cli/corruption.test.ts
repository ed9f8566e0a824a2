/**
 * A generated log, corrupted one way at a time, replayed by the command line: the exit code, the
 * first line it prints, and the registry it keeps (strict mode stops at the bad line with the
 * state of the line before; harmless differences change nothing).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { LOG_VERSION, encodeHeaderLine, logHeader, replayLog, summarizeStats } from '../../../src';
import { generateLog } from '../../../src/incident';
import { writeLog } from '../../../src/node';
import { linesOf, requireBuiltCli, runCli } from '../../support/cli';
import { collector } from '../../support/streams';

/** The line that gets corrupted (numbered from 1, the header being line 1). */
const AT = 150;

let dir: string;
let good: string;
let goodLines: ReadonlyArray<string>;

beforeAll(async () => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-corruption-'));
  const log = generateLog({ backends: 6, actions: 300, seed: 11 });
  const sink = collector();
  await writeLog(sink, log.header, log.records);
  good = sink.text();
  goodLines = good.split('\n').slice(0, -1);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: string | Buffer): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

/** The log with line `AT` replaced by `line`. */
const withLine = (line: string | Buffer): Buffer =>
  Buffer.concat([
    Buffer.from(`${goodLines.slice(0, AT - 1).join('\n')}\n`),
    typeof line === 'string' ? Buffer.from(line) : line,
    Buffer.from(`\n${goodLines.slice(AT).join('\n')}\n`),
  ]);

/** The per-backend table of the first `lines` lines of the good log, as the library replays them. */
const tableAfter = async (lines: number): Promise<unknown> =>
  JSON.parse(JSON.stringify(summarizeStats((await replayLog([good], { at: lines })).stats).table));

interface Summary {
  readonly lastLine: number;
  readonly steps: number;
  readonly complete: boolean;
  readonly invalidLines: number;
  readonly table: unknown;
}

const replayJson = async (
  file: string,
  ...flags: ReadonlyArray<string>
): Promise<{ readonly code: number | null; readonly first: string; readonly summary: Summary }> => {
  const r = await runCli(['replay', file, '--json', ...flags]);
  return { code: r.code, first: linesOf(r.stderr)[0] ?? '', summary: JSON.parse(r.stdout) as Summary };
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('lifecycle-broadcast replay on a corrupted log', () => {
  it.each<[string, () => string | Buffer, RegExp]>([
    ['invalid JSON', () => withLine('{"_tag":"SetLive","key":'), new RegExp(`^line ${String(AT)}: invalid JSON: `)],
    [
      'control bytes',
      () => withLine('\u001b[2J\u001b]0;owned\u0007\u0000\r'),
      new RegExp(`^line ${String(AT)}: invalid JSON: .*\\\\u001b\\[2J`),
    ],
    [
      'invalid UTF-8',
      () => withLine(Buffer.from(Buffer.from(goodLines[AT - 1] ?? '').map((b, i) => (i === 30 ? 0xff : b)))),
      new RegExp(`^line ${String(AT)}: invalid UTF-8 at byte 31 of the line$`),
    ],
    [
      'an over-long line',
      () => withLine(`{"_tag":"Broadcast","operation":{"_tag":"ReleaseHandles","pathPrefix":"${'x'.repeat(5000)}"}}`),
      new RegExp(`^line ${String(AT)}: line is longer than the maximum of 4096 characters$`),
    ],
    [
      'a huge error count',
      () =>
        withLine(
          `{"_tag":"Broadcast","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"result":{"_tag":"AllAcked","operation":{"_tag":"Quiesce","reason":"IdleTimeout"},"acks":[${Array.from({ length: 50_000 }, () => '{}').join(',')}],"timeouts":[],"failures":[],"skippedDead":[]}}`,
        ),
      new RegExp(`^line ${String(AT)}: result\\.acks\\[0\\]\\.\\S+: .*; and \\d+ more$`),
    ],
  ])(
    'should stop at %s in strict mode, keeping the registry of the line before',
    async (kind, make, first) => {
      const file = write(`${kind.replace(/ /g, '-')}.ndjson`, make());
      const r = await replayJson(file, '--max-line-length', kind === 'a huge error count' ? '1048576' : '4096');
      expect(r.code).toBe(1);
      expect(r.first).toMatch(first);
      expect(r.first).not.toMatch(CONTROL);
      expect(r.summary).toMatchObject({ lastLine: AT - 1, steps: AT - 2, complete: false, invalidLines: 1 });
      expect(r.summary.table).toEqual(await tableAfter(AT - 1));
      // Lenient mode skips just that line and reads to the end.
      const lenient = await replayJson(
        file,
        '--lenient',
        '--max-line-length',
        kind === 'a huge error count' ? '1048576' : '4096',
      );
      expect(lenient.code).toBe(1);
      expect(lenient.summary).toMatchObject({
        lastLine: goodLines.length,
        steps: goodLines.length - 2,
        complete: true,
        invalidLines: 1,
      });
    },
    60_000,
  );

  it('should stop at a truncated last line, keeping everything before it', async () => {
    const cut = good.slice(0, good.length - 40);
    const r = await replayJson(write('truncated.ndjson', cut));
    expect(r.code).toBe(1);
    expect(r.first).toMatch(new RegExp(`^line ${String(goodLines.length)}: invalid JSON: `));
    expect(r.summary).toMatchObject({ lastLine: goodLines.length - 1, steps: goodLines.length - 2 });
    expect(r.summary.table).toEqual(await tableAfter(goodLines.length - 1));
  });

  it.each<[string, () => string]>([
    ['a byte order mark', () => `\uFEFF${good}`],
    ['CRLF line ends', () => good.replace(/\n/g, '\r\n')],
    ['blank lines', () => `\n\n${goodLines.join('\n\n  \n')}\n`],
  ])('should read a log with %s as the same log', async (kind, make) => {
    const r = await replayJson(write(`${kind.replace(/ /g, '-')}.ndjson`, make()), '--verify');
    expect(r.code).toBe(0);
    expect(r.first).toBe('');
    expect(r.summary).toMatchObject({ steps: goodLines.length - 1, complete: true, invalidLines: 0 });
    expect(r.summary.table).toEqual(await tableAfter(goodLines.length));
  });

  it('should refuse a log of a newer version before reading a line of it', async () => {
    const newer = good.replace(`"version":${String(LOG_VERSION)}`, `"version":${String(LOG_VERSION + 1)}`);
    expect(newer).not.toBe(good);
    const r = await replayJson(write('newer.ndjson', newer), '--lenient');
    expect(r.code).toBe(1);
    expect(r.first).toBe(
      `line 1: log format version ${String(LOG_VERSION + 1)} is newer than this reader supports (${String(LOG_VERSION)}): upgrade lifecycle-broadcast to read it`,
    );
    expect(r.summary).toMatchObject({ lastLine: 0, steps: 0, complete: false, table: [] });
  });

  it('should refuse a log without its header', async () => {
    const r = await replayJson(write('headless.ndjson', `${goodLines.slice(1).join('\n')}\n`), '--lenient');
    expect(r.code).toBe(1);
    expect(r.first).toMatch(/^line 1: not a lifecycle-broadcast-log: the first line must be a header such as /);
    expect(r.summary).toMatchObject({ lastLine: 0, steps: 0, complete: false, table: [] });
  });

  it('should read the good log itself cleanly', async () => {
    expect(goodLines[0]).toBe(encodeHeaderLine(logHeader()));
    const r = await replayJson(write('good.ndjson', good), '--verify');
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ lastLine: goodLines.length, complete: true });
  });
});
