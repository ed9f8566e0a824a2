/**
 * `lifecycle-broadcast conformance`, the built command, against a backend served by this test
 * process: the table, the JSON document, and the exit codes.
 */
import * as path from 'node:path';

import { ackOutcome } from '../../../src';
import { conformanceChecks, serveLifecycle } from '../../../src/node';
import type { LifecycleServer } from '../../../src/node';
import { afterThisTest, cleanUp, tempDir } from '../backends';
import { answersFirstOnly, brokenBackend } from '../conformance/brokenBackends';
import { run } from './support';

jest.setTimeout(120_000);
afterEach(cleanUp);

const served = async (): Promise<LifecycleServer> => {
  const server = await serveLifecycle({ path: path.join(tempDir(), 'zccache.sock') }, () => ackOutcome, {
    onError: () => undefined,
  });
  afterThisTest(() => server.close());
  return server;
};

const socketOf = (server: LifecycleServer): string => (server.address as { readonly path: string }).path;

describe('lifecycle-broadcast conformance', () => {
  it('should print a passing row for every check, with its section, and exit with 0', async () => {
    const server = await served();

    const r = await run(['conformance', '--socket', socketOf(server)]);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^(pass|FAIL) /.test(l));
    expect(rows.map((l) => l.split(/ +/)[1])).toEqual(conformanceChecks);
    expect(rows.every((l) => l.startsWith('pass '))).toBe(true);
    expect(r.stdout).toContain('pass  pipelined             Rules ');
    expect(r.stdout).toMatch(/\n14 checks: 14 passed, 0 failed\n$/);
  });

  it('should print the verdicts as one JSON document with --json, over TCP', async () => {
    const server = await serveLifecycle({ host: '127.0.0.1', port: 0 }, () => ackOutcome, {
      onError: () => undefined,
    });
    afterThisTest(() => server.close());
    const { port } = server.address as { readonly port: number };

    const r = await run(['conformance', '--tcp', `127.0.0.1:${String(port)}`, '--json']);

    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      schemaVersion: number;
      address: unknown;
      passed: boolean;
      checks: ReadonlyArray<Record<string, unknown>>;
    };
    expect(json).toMatchObject({ schemaVersion: 1, address: { host: '127.0.0.1', port }, passed: true });
    expect(json.checks.map((c) => c.name)).toEqual(conformanceChecks);
    expect(json.checks[0]).toMatchObject({
      name: 'release-handles',
      section: 'Replies',
      anchor: 'docs/live.md#replies-backend-to-broker',
      passed: true,
      message: null,
    });
  });

  it('should name the failed check and the rule, and exit with 1', async () => {
    const broken = await brokenBackend(answersFirstOnly);

    const r = await run([
      'conformance',
      '--socket',
      (broken as { readonly path: string }).path,
      '--timeout-ms',
      '1000',
    ]);

    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  pipelined             Rules                  no reply to requests 1, 2 within 1,000 ms (rule 1; rule 6)',
    );
  });

  it.each([
    [[], 'lifecycle-broadcast: conformance needs one of --socket PATH or --tcp HOST:PORT'],
    [['--tcp', 'localhost'], `argument 'localhost' is invalid. expected HOST:PORT`],
    [['--socket', '/x.sock', '--tcp', '127.0.0.1:1'], 'cannot be used with option'],
    [
      ['--socket', '/nonexistent/lb.sock'],
      'lifecycle-broadcast: cannot connect to /nonexistent/lb.sock: nothing listens there (ENOENT)',
    ],
  ])('should exit with 2 and one line for %j', async (args, message) => {
    const r = await run(['conformance', ...args]);

    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toContain(message);
  });
});
