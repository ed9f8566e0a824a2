/**
 * The command line always answers: one line per problem, one JSON document with --json for any
 * outcome, printable text on a terminal, and a clear line when its output cannot be written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { encodeHeaderLine, logHeader } from '../../../src';
import { expectNoStack, linesOf, requireBuiltCli, runCli } from '../../support/cli';

const HEADER = encodeHeaderLine(logHeader());
const key = (serviceName: string): string =>
  JSON.stringify({ instance: { _tag: 'Shared' }, serviceName, serviceVersion: '1.0.0', exeHash: '' });
const register = (serviceName: string): string =>
  `{"_tag":"Register","backend":{"key":${key(serviceName)},"live":true,"response":{"_tag":"Ack"}}}`;

let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
};

beforeAll(() => {
  requireBuiltCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-broadcast-cli-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('lifecycle-broadcast replay --json', () => {
  it('should print a JSON document for a refused header', async () => {
    const r = await runCli(['replay', file('bad-header.ndjson', '{"format":"something else"}\n'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      schemaVersion: 1,
      header: null,
      complete: false,
      stopped: { _tag: 'StoppedAtInvalidLine', line: 1, fatal: true },
      invalidLines: 1,
      problemsTruncated: false,
      steps: 0,
    });
  });

  it('should print a JSON document for a file that cannot be read', async () => {
    const r = await runCli(['replay', path.join(dir, 'missing.ndjson'), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      schemaVersion: 1,
      stopped: {
        _tag: 'StoppedAtReadFailure',
        line: 0,
        message: `cannot read ${path.join(dir, 'missing.ndjson')}: no such file or directory (ENOENT)`,
      },
    });
    expect(linesOf(r.stderr)).toHaveLength(1);
  });

  it('should say when more bad lines were met than it lists', async () => {
    const bad = Array.from({ length: 150 }, () => '{"_tag":"Nope"}').join('\n');
    const r = await runCli(['replay', file('many-bad.ndjson', `${HEADER}\n${bad}\n`), '--lenient', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { problems: unknown[]; problemsTruncated: boolean; invalidLines: number };
    expect(doc).toMatchObject({ invalidLines: 150, problemsTruncated: true });
    expect(doc.problems).toHaveLength(100);
    expect(doc.problems[0]).toEqual({
      line: 2,
      fatal: false,
      problems: [
        '_tag: expected "Register" | "SetLive" | "SetResponse" | "Unregister" | "Broadcast" | "BroadcastTo", got "Nope"',
      ],
    });
  });
});

describe('lifecycle-broadcast replay --at', () => {
  it('should say so when the line is before the header', async () => {
    const log = file('blank-first.ndjson', `\n\n${HEADER}\n${register('zccache')}\n`);
    const text = await runCli(['replay', log, '--at', '1']);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe(
      'lifecycle-broadcast: --at 1: the log has no header up to line 1, so there is no registry to show yet\n',
    );
    const json = await runCli(['replay', log, '--at', '2', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ complete: false, stopped: { _tag: 'AtBeforeHeader', line: 2 } });
  });
});

describe('lifecycle-broadcast on hostile logs', () => {
  it('should escape control characters on a terminal and keep them exact in JSON', async () => {
    const name = 'evil\u001b[2J\u0007';
    const log = file('control.ndjson', `${HEADER}\n${register(name)}\n\u001b]0;pwned\u0007\n`);
    const text = await runCli(['replay', log, '--lenient']);
    expect(text.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u0008\u000b-\u001f\u007f]/;
    expect(text.stderr).not.toMatch(control);
    expect(text.stdout).not.toMatch(control);
    expect(linesOf(text.stderr)[0]).toMatch(/^line 3: invalid JSON: .*\\u001b\]0;pwned\\u0007/);
    expect(text.stdout).toContain('evil\\u001b[2J\\u0007 1.0.0 shared');
    const json = await runCli(['replay', log, '--lenient', '--json']);
    const doc = JSON.parse(json.stdout) as {
      table: Array<{ key: { serviceName: string } }>;
      problems: Array<{ problems: string[] }>;
    };
    expect(doc.table[0]?.key.serviceName).toBe(name);
    expect(doc.problems[0]?.problems[0]).toContain('\u001b]0;pwned\u0007');
  });

  it('should call a name with invalid UTF-8 an invalid line', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n`),
      Buffer.from(register('zc\u00ff')).map((b) => (b === 0xc3 ? 0xff : b)),
    ]);
    const r = await runCli(['validate', file('utf8.ndjson', bytes)]);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([expect.stringMatching(/^line 2: invalid UTF-8 at byte \d+ of the line$/)]);
  });

  it('should end an endless first line at the limit (/dev/zero)', async () => {
    const r = await runCli(['replay', '/dev/zero'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('line 1: line is longer than the maximum of 1048576 characters\n');
  });

  it('should refuse standard input that is a directory instead of calling it empty', async () => {
    const fd = fs.openSync(dir, 'r');
    try {
      const r = await runCli(['replay', '-'], { stdin: fd });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('lifecycle-broadcast: cannot read standard input: is a directory (EISDIR)\n');
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('lifecycle-broadcast usage errors', () => {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

  it.each([
    [['replay', 'x', '--assume', 'sol\u001b[2Jdr=Nope'], "argument 'sol\\u001b[2Jdr=Nope' is invalid"],
    [['replay', 'x', '--at', '1\n2'], 'got "1\\u000a2"'],
    [['report', 'x', '--from', '\u009b31m'], 'got "\\u009b31m"'],
    [['generate', '--backends', '5\n'], 'got "5\\u000a"'],
    [['generate', '--seed', '\u001b]0;pwned\u0007'], 'got "\\u001b]0;pwned\\u0007"'],
    [['bogus\ncmd'], "unknown command 'bogus\\u000acmd'"],
    [['replay', 'x', '--bogus\u001b[2J'], "unknown option '--bogus\\u001b[2J'"],
    [['shrink', 'x', '--until', './no\u2028such.js'], '--until ./no\\u2028such.js: not diverges'],
  ])('should quote %j as one printable line', async (args, quoted) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(control);
    const [message = '', ...rest] = linesOf(r.stderr);
    expect(message).toMatch(/^lifecycle-broadcast: /);
    expect(message).toContain(quoted);
    expect(rest).toEqual(
      rest.length === 0 ? [] : [expect.stringMatching(/^\(run lifecycle-broadcast .*--help for usage\)$/)],
    );
  });

  it("should keep commander's suggestion on a line of its own", async () => {
    const r = await runCli(['replay', 'x', '--vrify']);
    expect(r.code).toBe(2);
    expect(linesOf(r.stderr)).toEqual([
      "lifecycle-broadcast: unknown option '--vrify'",
      '(Did you mean --verify?)',
      '(run lifecycle-broadcast replay --help for usage)',
    ]);
  });
});

describe('lifecycle-broadcast with a full standard output', () => {
  it.each([
    [['replay', path.join('__tests__', 'fixtures', 'good.ndjson')]],
    [['replay', path.join('__tests__', 'fixtures', 'good.ndjson'), '--json']],
    [['validate', path.join('__tests__', 'fixtures', 'good.ndjson')]],
    [['generate', '--actions', '20000']],
    [['--help']],
  ])('should say it cannot write standard output for %j', async (args) => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = await runCli(args, { stdout: full });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('lifecycle-broadcast: cannot write standard output: no space left on device (ENOSPC)\n');
      expectNoStack(r);
    } finally {
      fs.closeSync(full);
    }
  });
});

describe('lifecycle-broadcast generate', () => {
  it('should refuse a size it cannot hold before writing anything', async () => {
    const out = path.join(dir, 'huge.ndjson');
    const r = await runCli([
      'generate',
      '--backends',
      '100000000',
      '--actions',
      '100000000',
      '--no-results',
      '-o',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^lifecycle-broadcast: cannot generate this log: 100000000 registered backends need about [\d.]+ GiB of memory, and this process may use [\d.]+ GiB/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('should refuse broadcast lines longer than a string can be', async () => {
    const r = await runCli([
      'generate',
      '--backends',
      '5000000',
      '--actions',
      '5000000',
      '-o',
      path.join(dir, 'x.ndjson'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a broadcast line would list 5000000 backends.*pass --no-results, or fewer backends\n$/);
    expect(fs.existsSync(path.join(dir, 'x.ndjson'))).toBe(false);
  });

  it('should generate a short log over a hundred million possible backends', async () => {
    const out = path.join(dir, 'wide.ndjson');
    const r = await runCli(['generate', '--backends', '100000000', '--actions', '2000', '-o', out]);
    expect(r.code).toBe(0);
    expect(linesOf(fs.readFileSync(out, 'utf8'))).toHaveLength(2001);
  });

  it('should not leave a partial file behind when the disk fills', async () => {
    const r = await runCli(['generate', '--actions', '1000', '-o', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lifecycle-broadcast: cannot write /dev/full: no space left on device (ENOSPC)\n');
    // The device is still there: only a file the command created would be removed.
    expect(fs.existsSync('/dev/full')).toBe(true);
  });
});
