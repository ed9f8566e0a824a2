/**
 * `generateLog` at scale: each action costs the same whatever the number of backends, only the
 * backends registered so far are held, and options it cannot use are refused at the call.
 */
import type { LogRecord } from '../../src';
import { broadcastPolicy, keyId } from '../../src';
import { generateLog } from '../../src/incident';
import { generatedLogFootprint } from '../../src/log/generateLog';

const count = (records: Iterable<LogRecord>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of records) {
    out[r._tag] = (out[r._tag] ?? 0) + 1;
  }
  return out;
};

describe('generateLog at scale', () => {
  it('should go on generating actions over 100,000 registered backends (it took minutes per 10,000 before)', () => {
    // 100,000 registrations, then 100,000 actions among them without recorded results.
    const tags = count(generateLog({ backends: 100_000, actions: 200_000, seed: 8, results: false }).records);
    expect(Object.values(tags).reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(tags.Register).toBeGreaterThan(100_000);
    expect(tags.SetLive).toBeGreaterThan(30_000);
    expect(tags.Unregister).toBeGreaterThan(3000);
  }, 60_000);

  it('should make only the keys it uses, however many backends it may name', () => {
    const records = [...generateLog({ backends: Number.MAX_SAFE_INTEGER, actions: 1000, seed: 3 }).records];
    expect(records).toHaveLength(1000);
    const ids = new Set(records.flatMap((r) => (r._tag === 'Register' ? [keyId(r.backend.key)] : [])));
    expect(ids.size).toBe(1000);
  });

  it('should pick among the backends registered at the time, so that most actions find their key', () => {
    const records = [...generateLog({ backends: 50, actions: 5000, seed: 12, results: false }).records];
    const registered = new Set<string>();
    let found = 0;
    let named = 0;
    for (const r of records) {
      if (r._tag === 'Register') {
        registered.add(keyId(r.backend.key));
      } else if (r._tag !== 'Broadcast' && r._tag !== 'BroadcastTo') {
        named += 1;
        found += registered.has(keyId(r.key)) ? 1 : 0;
        if (r._tag === 'Unregister') {
          registered.delete(keyId(r.key));
        }
      }
    }
    expect(found / named).toBeGreaterThan(0.9);
    expect(found).toBeLessThan(named);
  });
});

describe('generateLog options', () => {
  it.each([
    [{ backends: 0, actions: 1, seed: 1 }, RangeError, 'generateLog: backends must be an integer of at least 1, got 0'],
    [
      { backends: 2.5, actions: 1, seed: 1 },
      RangeError,
      'generateLog: backends must be an integer of at least 1, got 2.5',
    ],
    [
      { backends: 2, actions: -1, seed: 1 },
      RangeError,
      'generateLog: actions must be an integer of at least 0, got -1',
    ],
    [{ backends: 2, actions: 1, seed: Number.NaN }, RangeError, 'generateLog: seed must be an integer, got NaN'],
    [{ backends: 2, actions: 1 }, TypeError, 'generateLog: seed must be an integer, got nothing'],
    [
      { backends: '2', actions: 1, seed: 1 },
      TypeError,
      'generateLog: backends must be an integer of at least 1, got "2"',
    ],
    [
      { backends: 2, actions: 1, seed: 1, results: 'no' },
      TypeError,
      'generateLog: results must be a boolean, got "no"',
    ],
    [
      { backends: 2, actions: 1, seed: 1, policy: { ackTimeoutMs: 1.5 } },
      RangeError,
      'generateLog: policy.ackTimeoutMs: expected non-negative integer milliseconds, got 1.5',
    ],
  ])('should refuse %p at the call', (options, kind, message) => {
    expect(() => generateLog(options as never)).toThrow(kind);
    expect(() => generateLog(options as never)).toThrow(message);
  });

  it('should take a valid policy', () => {
    expect(generateLog({ backends: 1, actions: 0, seed: 0, policy: broadcastPolicy(250) }).header.policy).toEqual({
      ackTimeoutMs: 250,
    });
  });
});

describe('generatedLogFootprint', () => {
  it('should grow with the backends a log registers, not with those it may name', () => {
    const narrow = generatedLogFootprint({ backends: 1000, actions: 1_000_000, seed: 1, results: false });
    const wide = generatedLogFootprint({ backends: 100_000_000, actions: 1000, seed: 1, results: false });
    expect(narrow.registered).toBe(1000);
    expect(wide.registered).toBe(1000);
    expect(wide.bytes).toBe(narrow.bytes);
  });

  it('should count the longest broadcast line when results are recorded', () => {
    const bare = generatedLogFootprint({ backends: 10_000, actions: 20_000, seed: 1, results: false });
    const full = generatedLogFootprint({ backends: 10_000, actions: 20_000, seed: 1 });
    expect(full.longestLine).toBeGreaterThan(10_000 * 100);
    expect(full.bytes).toBeGreaterThan(bare.bytes);
  });
});
