import * as E from 'fp-ts/Either';

import {
  LOG_FORMAT,
  LOG_VERSION,
  LOG_VERSIONS,
  LogHeader,
  LogVersion,
  broadcastPolicy,
  decodeLogHeader,
  logHeader,
  logVersionFeatures,
} from '../../src';
import { expectLeft } from '../support/helpers';

describe('logHeader', () => {
  it('should name the format, the current version and the policy', () => {
    const h = logHeader(broadcastPolicy(250));
    expect(h).toEqual({ format: LOG_FORMAT, version: LOG_VERSION, policy: { ackTimeoutMs: 250 } });
  });

  it('should encode as the documented first line of a log', () => {
    expect(JSON.stringify(LogHeader.encode(logHeader()))).toBe(
      '{"format":"lifecycle-broadcast-log","version":3,"policy":{"ackTimeoutMs":5000}}',
    );
  });
});

describe('decodeLogHeader', () => {
  it('should give back the header it was encoded from', () => {
    const h = logHeader(broadcastPolicy(1234));
    expect(decodeLogHeader(JSON.parse(JSON.stringify(LogHeader.encode(h))))).toEqual(E.right(h));
  });

  it('should refuse a newer version with a message saying to upgrade', () => {
    const problems = expectLeft(
      decodeLogHeader({ format: LOG_FORMAT, version: LOG_VERSION + 1, policy: { ackTimeoutMs: 5 } }),
    );
    expect(problems).toEqual([
      `log format version ${String(LOG_VERSION + 1)} is newer than this reader supports (${String(LOG_VERSION)}): upgrade lifecycle-broadcast to read it`,
    ]);
  });

  it('should refuse a version that never existed', () => {
    expect(expectLeft(decodeLogHeader({ format: LOG_FORMAT, version: 0, policy: { ackTimeoutMs: 5 } }))).toEqual([
      'version: expected 1 | 2 | 3, got 0',
    ]);
  });

  it('should say that a line without a format field is not a header', () => {
    const [problem] = expectLeft(decodeLogHeader({ _tag: 'Register' }));
    expect(problem).toMatch(/^not a lifecycle-broadcast-log: the first line must be a header such as \{"format"/);
  });

  it('should name another format', () => {
    expect(expectLeft(decodeLogHeader({ format: 'other', version: 1, policy: { ackTimeoutMs: 5 } }))).toEqual([
      'format: expected "lifecycle-broadcast-log", got "other"',
    ]);
  });

  it('should refuse a bad policy and unknown fields', () => {
    expect(
      expectLeft(decodeLogHeader({ format: LOG_FORMAT, version: 1, policy: { ackTimeoutMs: -1 }, extra: true })),
    ).toEqual([
      'policy.ackTimeoutMs: expected non-negative integer milliseconds, got -1',
      'extra: unexpected field, got true',
    ]);
  });
});

describe('logVersionFeatures', () => {
  it('should give times to version 2 on, and summaries to version 3 on', () => {
    expect(LOG_VERSIONS.map((v) => [v, logVersionFeatures(v).times, logVersionFeatures(v).summaries])).toEqual([
      [1, false, false],
      [2, true, false],
      [3, true, true],
    ]);
  });

  it('should decide what the header codec accepts', () => {
    const clocked = { format: LOG_FORMAT, version: 1, policy: { ackTimeoutMs: 5000 }, clock: 'epochMillis' };
    expect(LogHeader.is(clocked)).toBe(false);
    expect(LogHeader.is({ ...clocked, version: 2 })).toBe(true);
  });
});

describe('LogVersion', () => {
  it('should accept the versions this library reads and nothing else', () => {
    expect(LOG_VERSIONS.every((v) => LogVersion.is(v))).toBe(true);
    expect([0, 4, '2', 1.5].some((v) => LogVersion.is(v))).toBe(false);
  });
});
