/**
 * The conformance kit against backends that follow docs/live.md (the helper, the Node example
 * and the Python example, as real processes where they are programs) and against backends that
 * each break one rule on purpose: each must fail the check that enforces that rule.
 */
import * as path from 'node:path';

import { ackOutcome } from '../../../src';
import { conformanceChecks, runConformance, serveLifecycle } from '../../../src/node';
import type { ConformanceReport } from '../../../src/node';
import { afterThisTest, cleanUp, findPython, startExampleBackend, startPythonBackend, tempDir } from '../backends';
import type { Request } from './brokenBackends';
import { answersFirstOnly, brokenBackend, correct, socketIn } from './brokenBackends';

jest.setTimeout(120_000);
afterEach(cleanUp);

const failedChecks = (report: ConformanceReport): ReadonlyArray<string> =>
  report.checks.filter((c) => !c.passed).map((c) => c.name);

const messageOf = (report: ConformanceReport, name: string): string | undefined =>
  report.checks.find((c) => c.name === name)?.message;

const python = findPython();

describe('runConformance', () => {
  it('should pass every check against serveLifecycle, on a Unix socket and on TCP', async () => {
    const onError = jest.fn();
    const unix = await serveLifecycle(socketIn(tempDir()), () => ackOutcome, { onError });
    afterThisTest(() => unix.close());
    const tcp = await serveLifecycle({ host: '127.0.0.1', port: 0 }, () => ackOutcome, { onError });
    afterThisTest(() => tcp.close());

    const reports = [await runConformance(unix.address), await runConformance(tcp.address)];

    expect(reports.map(failedChecks)).toEqual([[], []]);
    expect(reports[0]?.checks.map((c) => c.name)).toEqual(conformanceChecks);
    // The kit's malformed and oversized lines, reported by the helper as they should be.
    expect(onError.mock.calls.map(([e]) => (e as { code: string }).code).sort()).toEqual(
      ['MalformedRequest', 'MalformedRequest', 'OversizedRequest'].flatMap((c) => [c, c]).sort(),
    );
  });

  it('should pass every check against examples/backend.mjs', async () => {
    const example = await startExampleBackend(['--socket', path.join(tempDir(), 'example.sock')]);

    const report = await runConformance(example.addressOf('example'));

    expect(failedChecks(report)).toEqual([]);
  });

  (python === undefined ? it.skip : it)(
    `should pass every check against examples/backend.py, on a Unix socket and on TCP${
      python === undefined ? ' (skipped: no python3 on the PATH, and LIFECYCLE_BROADCAST_PYTHON is not set)' : ''
    }`,
    async () => {
      const unix = await startPythonBackend(python ?? '', ['--socket', path.join(tempDir(), 'py.sock')]);
      const tcp = await startPythonBackend(python ?? '', ['--port', '0']);

      const reports = [await runConformance(unix.addressOf('example')), await runConformance(tcp.addressOf('example'))];

      expect(reports.map(failedChecks)).toEqual([[], []]);
    },
  );

  it('should reject, in one line, when nothing listens at the address', async () => {
    const address = socketIn(tempDir());
    await expect(runConformance(address)).rejects.toThrow(
      `cannot connect to ${address.path}: nothing listens there (ENOENT)`,
    );
    await expect(runConformance(address, { timeoutMs: 0 })).rejects.toThrow(
      'runConformance: timeoutMs: expected a positive integer, got 0',
    );
  });
});

// -------------------------------------------------------------------------------------
// backends that break one rule each
// -------------------------------------------------------------------------------------

/** Quick verdicts: these backends answer at once or never. */
const FAST = { timeoutMs: 1000 };

describe('runConformance against a backend that breaks a rule', () => {
  it('should fail release-handles when the backend answers with another id', async () => {
    const address = await brokenBackend((_, requests, reply) => {
      requests.forEach((r) => {
        reply(r.id + 1000, correct(r));
      });
    });

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toContain('release-handles');
    expect(messageOf(report, 'release-handles')).toBe(
      'sent a reply for id 1001, which was not asked on this connection (waiting for 1) (rule 5)',
    );
  });

  it('should fail pipelined, and only pipelined, when the backend answers out of order without ids', async () => {
    // It answers what it knows later than what it does not, labelling replies in arrival order.
    const address = await brokenBackend((_, requests, reply) => {
      const ids = requests.map((r) => r.id);
      const send = (r: Request): void => {
        reply(ids.shift() ?? 0, correct(r));
      };
      requests.filter((r) => (correct(r) as { _tag: string })._tag === 'Failure').forEach(send);
      const known = requests.filter((r) => (correct(r) as { _tag: string })._tag === 'Ack');
      if (known.length > 0) {
        setTimeout(() => {
          known.forEach(send);
        }, 20);
      }
    });

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toEqual(['pipelined']);
    expect(messageOf(report, 'pipelined')).toBe(
      'the reply with id 1 (the unknown operation) is Ack: replies must carry the id of the request they answer (rule 1; rule 2)',
    );
  });

  it('should fail quiesce when the backend closes the connection with a request outstanding', async () => {
    const address = await brokenBackend((socket, requests, reply) => {
      for (const r of requests) {
        if (r.operation._tag === 'Quiesce') {
          socket.end();
          return;
        }
        reply(r.id, correct(r));
      }
    });

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toEqual(['quiesce', 'pipelined', 'reconnect']);
    expect(messageOf(report, 'quiesce')).toBe('closed the connection with request 1 unanswered (rule 1; rule 7)');
  });

  it('should fail release-handles when the backend sends garbage', async () => {
    const address = await brokenBackend((socket, requests, reply) => {
      socket.write('OK\n');
      requests.forEach((r) => {
        reply(r.id, correct(r));
      });
    });

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toContain('release-handles');
    expect(messageOf(report, 'release-handles')).toBe('sent a line that is not JSON: "OK" (rule 5)');
  });

  it('should fail release-handles when the backend sends a reply over the size limit', async () => {
    const address = await brokenBackend((socket, requests) => {
      requests.forEach((r) => {
        socket.write(`{"id":${String(r.id)},${' '.repeat(70_000)}"outcome":{"_tag":"Ack"}}\n`);
      });
    });

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toContain('release-handles');
    expect(messageOf(report, 'release-handles')).toBe(
      'sent a line over 65,536 bytes (framing: a reply line is at most 65,536 bytes)',
    );
  });

  it('should fail pipelined, and only pipelined, when the backend ignores the second of two pipelined requests', async () => {
    const address = await brokenBackend(answersFirstOnly);

    const report = await runConformance(address, FAST);

    expect(failedChecks(report)).toEqual(['pipelined']);
    expect(messageOf(report, 'pipelined')).toBe('no reply to requests 1, 2 within 1,000 ms (rule 1; rule 6)');
  });
});
