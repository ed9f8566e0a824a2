import type { LogRecord } from '../../src';
import { broadcastPolicy, encodeRecordLine, keyId, replayLog } from '../../src';
import { generateLog } from '../../src/incident';
import { collector, readableOf } from '../support/streams';
import { writeLog } from '../../src/node';

const text = async (options: Parameters<typeof generateLog>[0]): Promise<string> => {
  const log = generateLog(options);
  const sink = collector();
  await writeLog(sink, log.header, log.records);
  return sink.text();
};

const entries = (options: Parameters<typeof generateLog>[0]): ReadonlyArray<LogRecord> => [
  ...generateLog(options).records,
];

describe('generateLog', () => {
  it('should give the same bytes for the same options', async () => {
    const options = { backends: 6, actions: 500, seed: 42 };
    expect(await text(options)).toBe(await text(options));
  });

  it('should give another log for another seed', async () => {
    expect(await text({ backends: 6, actions: 200, seed: 1 })).not.toBe(
      await text({ backends: 6, actions: 200, seed: 2 }),
    );
  });

  it('should write exactly the number of action lines asked for, after the header', async () => {
    const lines = (await text({ backends: 3, actions: 77, seed: 9 })).split('\n');
    expect(lines).toHaveLength(1 + 77 + 1);
    expect(lines[78]).toBe('');
  });

  it('should register each backend first, then use only those keys', () => {
    const es = entries({ backends: 5, actions: 1000, seed: 3 });
    const registered = es.slice(0, 5).map((e) => (e._tag === 'Register' ? keyId(e.backend.key) : 'not a registration'));
    expect(new Set(registered).size).toBe(5);
    const used = es.flatMap((e) =>
      e._tag === 'Register'
        ? [keyId(e.backend.key)]
        : e._tag === 'Broadcast' || e._tag === 'BroadcastTo'
          ? []
          : [keyId(e.key)],
    );
    expect(used.every((id) => registered.includes(id))).toBe(true);
  });

  it('should mix every kind of action, about a fifth of them broadcasts of both kinds', () => {
    const es = entries({ backends: 8, actions: 5000, seed: 11 }).slice(8);
    const share = (tag: LogRecord['_tag']): number => es.filter((e) => e._tag === tag).length / es.length;
    expect(share('Broadcast')).toBeGreaterThan(0.15);
    expect(share('Broadcast')).toBeLessThan(0.25);
    for (const tag of ['Register', 'SetLive', 'SetResponse', 'Unregister'] as const) {
      expect(share(tag)).toBeGreaterThan(0.02);
    }
    const operations = new Set(es.flatMap((e) => (e._tag === 'Broadcast' ? [e.operation._tag] : [])));
    expect(operations).toEqual(new Set(['ReleaseHandles', 'Quiesce']));
    const outcomes = new Set(
      es.flatMap((e) => (e._tag === 'Broadcast' && e.result !== undefined ? [e.result._tag] : [])),
    );
    expect(outcomes.has('AllAcked') && outcomes.has('Degraded')).toBe(true);
  });

  it('should record the result of every broadcast, which a verified replay reproduces', async () => {
    const options = { backends: 7, actions: 800, seed: 5, policy: broadcastPolicy(125) };
    const es = entries(options);
    expect(es.every((e) => e._tag !== 'Broadcast' || e.result !== undefined)).toBe(true);
    const r = await replayLog(readableOf(await text(options)), { verify: true });
    expect(r.state.policy.ackTimeoutMs).toBe(125);
    expect(r.checked).toBe(es.filter((e) => e._tag === 'Broadcast').length);
    expect(r.divergences).toBe(0);
  });

  it('should leave results out when asked, and otherwise write the same actions', () => {
    const options = { backends: 5, actions: 400, seed: 11 };
    const bare = entries({ ...options, results: false });
    const full = entries(options);

    expect(bare.some((e) => e._tag === 'Broadcast')).toBe(true);
    expect(bare.every((e) => e._tag !== 'Broadcast' || e.result === undefined)).toBe(true);
    expect(bare).toEqual(full.map((e) => (e._tag === 'Broadcast' ? { _tag: e._tag, operation: e.operation } : e)));
  });

  it('should make entries lazily, one at a time', () => {
    const it = generateLog({ backends: 2, actions: Number.MAX_SAFE_INTEGER, seed: 0 }).records[Symbol.iterator]();
    const first = it.next();
    expect(first.done).toBe(false);
    expect(encodeRecordLine(first.value as LogRecord)).toMatch(/^\{"_tag":"Register"/);
  });
});
