/**
 * Log format version 3: a broadcast records its result as a summary (counts, timeouts and
 * failures, a digest of the whole result), versions 1 and 2 still read, and verification names
 * the first backend whose answer differs.
 */
import * as O from 'fp-ts/Option';

import {
  KeyTuple,
  RecordedSummary,
  backend,
  backendKey,
  broadcast,
  broadcastAction,
  broadcastPolicy,
  compareSummary,
  createRegistry,
  decodeRecordLine,
  encodeHeaderLine,
  encodeRecordLine,
  explicitInstance,
  failure,
  keyTuple,
  logHeader,
  logRecord,
  privateInstance,
  quiesceOperation,
  recordStep,
  recordedSummary,
  registerAction,
  replayLog,
  resultDigest,
  sharedInstance,
  summarizeResult,
  timeout,
  tupleKey,
  ack,
} from '../../src';
import type { BroadcastResult, LogRecord, Registry, RegistryAction } from '../../src';
import { writeLog } from '../../src/node';
import { expectLeft, expectRight, expectSome } from '../support/helpers';
import { collector, readableOf } from '../support/streams';

const POLICY = broadcastPolicy(250);
const operation = quiesceOperation('Maintenance');

/** `n` backends, every `notAcking`-th one timing out or failing in turn, every `dead`-th one dead. */
const fleet = (n: number, notAcking: number, dead = 0): ReadonlyArray<RegistryAction> =>
  Array.from({ length: n }, (_, i) => {
    const k = backendKey(sharedInstance, `svc${String(i % 7)}`, '1.0.0', i.toString(16).padStart(16, '0'));
    const response = i % notAcking === notAcking - 1 ? (i % 2 === 0 ? timeout : failure('Rejected')) : ack;
    return registerAction(backend(k, dead === 0 || i % dead !== 1, response));
  });

/** The records a recorder writes for `actions`, and the registry they reach. */
const recorded = (actions: ReadonlyArray<RegistryAction>): { records: LogRecord[]; state: Registry } => {
  let state = createRegistry(POLICY);
  const records: LogRecord[] = [];
  for (const a of actions) {
    const next = recordStep(state, a);
    state = next.state;
    records.push(next.result);
  }
  return { records, state };
};

const written = async (records: ReadonlyArray<LogRecord>): Promise<string> => {
  const sink = collector();
  await writeLog(sink, logHeader(POLICY), records);
  return sink.text();
};

/** FNV-1a 64 with BigInt, written apart from the library's, to check its digest. */
const fnv = (bytes: Uint8Array): bigint => {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
};
const piece = (text: string): Uint8Array => {
  const h = fnv(new TextEncoder().encode(text));
  return Uint8Array.from({ length: 8 }, (_, i) => Number((h >> BigInt(56 - 8 * i)) & 0xffn));
};

describe('log format version 3', () => {
  it('should record a broadcast at 2,000 backends with 1% not acknowledging in under 2 KB', async () => {
    const { records } = recorded([...fleet(2000, 100), broadcastAction(operation)]);
    const text = await written(records);
    const line = text.trimEnd().split('\n').at(-1) ?? '';

    expect(JSON.parse(line)).toMatchObject({ summary: { _tag: 'Degraded', acks: 1980 } });
    expect(Buffer.byteLength(line)).toBeLessThan(2048);
  });

  it('should write the summary instead of the whole result, and read and verify it back', async () => {
    const { records } = recorded([...fleet(40, 5, 9), broadcastAction(operation)]);
    const text = await written(records);
    const last = JSON.parse(text.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;

    expect(Object.keys(last).sort()).toEqual(['_tag', 'operation', 'summary']);
    const r = await replayLog(readableOf(text), { verify: true });
    expect(r.checked).toBe(1);
    expect(r.divergences).toBe(0);
  });

  it('should name the first backend whose answer differs when a listed entry does not match', async () => {
    const { records } = recorded([...fleet(40, 5), broadcastAction(operation)]);
    const lines = (await written(records)).trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) ?? '') as { summary: { timeouts: Array<{ key: unknown }> } };
    const [first, second] = last.summary.timeouts;
    if (first === undefined || second === undefined) {
      throw new Error('the fleet has two timeouts');
    }
    const [a, b] = [first.key, second.key];
    [first.key, second.key] = [b, a];
    const tampered = [...lines.slice(0, -1), JSON.stringify(last)].join('\n');

    const r = await replayLog(readableOf(`${tampered}\n`), { verify: true });
    const d = expectSome(r.firstDivergence);
    expect(d.line).toBe(lines.length);
    expect(d.path).toBe('timeouts[0]');
    expect(d.recordedValue).toEqual({ key: b, ackTimeoutMs: 250 });
    expect(d.replayedValue).toEqual({ key: a, ackTimeoutMs: 250 });
  });

  it('should report a count, then the digest, when nothing listed differs', () => {
    const { state } = recorded(fleet(10, 3, 4));
    const result = broadcast(state, operation).result;
    const summary = summarizeResult(result);

    expect(compareSummary(3, summary, result)).toEqual(O.none);
    const fewer = expectSome(compareSummary(3, { ...summary, acks: summary.acks - 1 }, result));
    expect([fewer.path, fewer.recordedValue, fewer.replayedValue]).toEqual(['acks', summary.acks - 1, summary.acks]);
    const digest = expectSome(compareSummary(3, { ...summary, digest: '0000000000000000' }, result));
    expect(digest.path).toBe('digest');
  });

  it('should digest the result as docs/log-format.md defines it', () => {
    const k = backendKey(privateInstance('soldr'), 'soldr', '0.4.1', 'ab');
    const e = backendKey(explicitInstance('ci-runner-é'), 'lspd', '0.9.7', '');
    const result: BroadcastResult = {
      _tag: 'Degraded',
      operation,
      acks: [{ _tag: 'Ack', key: k }],
      timeouts: [{ _tag: 'Timeout', key: e, ackTimeoutMs: 250 }],
      failures: [],
      skippedDead: [{ _tag: 'SkippedDead', key: e }],
    };
    const pieces = [
      '{"_tag":"Degraded","operation":{"_tag":"Quiesce","reason":"Maintenance"}}',
      '["Ack",["Private","soldr","soldr","0.4.1","ab"]]',
      '["Timeout",["Explicit","ci-runner-é","lspd","0.9.7",""],250]',
      '["SkippedDead",["Explicit","ci-runner-é","lspd","0.9.7",""]]',
    ];
    const bytes = Uint8Array.from(pieces.flatMap((p) => [...piece(p)]));

    expect(resultDigest(result)).toBe(fnv(bytes).toString(16).padStart(16, '0'));
  });

  it('should still read whole results, in version 2 logs and in version 3 logs', async () => {
    const { records } = recorded([...fleet(6, 2), broadcastAction(operation)]);
    const v2 = [encodeHeaderLine({ ...logHeader(POLICY), version: 2 }), ...records.map(encodeRecordLine)];
    const v3 = [encodeHeaderLine(logHeader(POLICY)), ...records.map(encodeRecordLine)];

    for (const lines of [v2, v3]) {
      const r = await replayLog(readableOf(`${lines.join('\n')}\n`), { verify: true });
      expect([r.checked, r.divergences, r.invalidLines]).toEqual([1, 0, 0]);
    }
  });

  it('should refuse a summary in a version 2 log, and a record carrying both forms', () => {
    const { records, state } = recorded(fleet(3, 2));
    const result = broadcast(state, operation).result;
    const summary = summarizeResult(result);
    const line = JSON.stringify({ _tag: 'Broadcast', operation, summary });
    const v2 = { ...logHeader(POLICY), version: 2 as const };

    expect(decodeRecordLine(line, 5, v2)).toMatchObject({
      _tag: 'InvalidLine',
      problems: ['summary: unexpected field in format version 2 (summaries came with version 3)'],
    });
    expect(decodeRecordLine(line, 5, logHeader(POLICY))).toMatchObject({ _tag: 'RecordLine' });
    const both = JSON.stringify({ _tag: 'Broadcast', operation, result, summary });
    expect(decodeRecordLine(both, 5, logHeader(POLICY))).toMatchObject({
      _tag: 'InvalidLine',
      problems: ['summary: a record carries its result whole or as a summary, not both'],
    });
    expect(records).toHaveLength(3);
  });

  it('should refuse a summary whose status disagrees with its counts', () => {
    const { state } = recorded(fleet(3, 2));
    const summary = summarizeResult(broadcast(state, operation).result);
    const errors = expectLeft(RecordedSummary.decode({ ...summary, _tag: 'AllAcked' }));
    expect(errors).toHaveLength(1);
    expect(expectRight(RecordedSummary.decode(summary))).toEqual(summary);
  });

  it('should write a key as a tuple and read only tuples that name a key', () => {
    const keys = [
      backendKey(sharedInstance, 'zccache', '1.11.20', '9f3a'),
      backendKey(privateInstance('soldr'), 'soldr', '0.4.1'),
      backendKey(explicitInstance('ci-runner-1'), 'fbuild', '2.1.3', 'ff'),
    ];
    for (const k of keys) {
      expect(tupleKey(keyTuple(k))).toEqual(k);
      expect(KeyTuple.is(keyTuple(k))).toBe(true);
    }
    for (const bad of [
      ['Shared', 'x', '1'],
      ['Private', 'x', '', '1', ''],
      ['Shared', 'x', '1', 'XY'],
      'x',
      [1, 2, 3, 4],
    ]) {
      expect(KeyTuple.is(bad)).toBe(false);
    }
    expect(() => tupleKey(['Nowhere'])).toThrow(TypeError);
  });

  it('should give the summary of a record carrying either form', () => {
    const { state } = recorded(fleet(4, 2));
    const result = broadcast(state, operation).result;
    const whole = logRecord(broadcastAction(operation), result);

    expect(recordedSummary(whole)).toEqual(summarizeResult(result));
    expect(recordedSummary(registerAction(backend(backendKey(sharedInstance, 'a', '1'), true, ack)))).toBeUndefined();
  });
});
