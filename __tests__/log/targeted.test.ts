/**
 * Targeted broadcasts in operation logs: format version 2, version 1 logs still read, replay
 * with verification, and the statistics of targeted broadcasts and retries.
 */
import * as path from 'node:path';

import * as fc from 'fast-check';
import * as O from 'fp-ts/Option';

import {
  LOG_VERSION,
  addEvent,
  backendRows,
  broadcast,
  broadcastAction,
  broadcastPolicy,
  broadcastTo,
  broadcastToAction,
  createRegistry,
  decodeRecordLine,
  emptyLogStats,
  encodeHeaderLine,
  encodeRecordLine,
  isCleanReplay,
  keyId,
  liveBackend,
  logHeader,
  logRecord,
  quiesceOperation,
  readLog,
  recordAction,
  recordedResult,
  registerAction,
  releaseHandlesOperation,
  replay,
  replayLog,
  retryUnacknowledged,
  setResponseAction,
  snapshot,
  summarizeStats,
  timeout,
  unacknowledgedKeys,
  withResponse,
} from '../../src';
import type { BroadcastEntry, LogHeader, LogRecord, LogSource, RegistryAction, RegistryEvent } from '../../src';
import { fileSource } from '../../src/node';
import { actionSequenceArbitrary, logArbitrary, logLines } from '../../src/arbitraries';
import { renderSummary, summaryJson } from '../../src/node/cli/summary';
import { key } from '../support/helpers';
import { collect, readableOf } from '../support/streams';

const POLICY = broadcastPolicy(250);
const root = path.join(__dirname, '..', '..');

/** An in-memory log source: the lines, each with its line end. */
const source = (lines: ReadonlyArray<string>): LogSource => readableOf(`${lines.join('\n')}\n`);

/** The records a recorder would write for `actions`, each broadcast (to all or to some) with its result. */
const recorded = (actions: ReadonlyArray<RegistryAction>): ReadonlyArray<LogRecord> => {
  let state = createRegistry(POLICY);
  return actions.map((action) => {
    const result =
      action._tag === 'Broadcast'
        ? broadcast(state, action.operation).result
        : action._tag === 'BroadcastTo'
          ? broadcastTo(state, action.operation, action.keys).result
          : undefined;
    state = replay(state, [action]).state;
    return logRecord(action, result);
  });
};

// A degraded release, its retry after soldr recovers, and an idle quiesce aimed at fbuild and a stranger.
const release = releaseHandlesOperation('/var/cache/zccache');
const actions: ReadonlyArray<RegistryAction> = [
  registerAction(liveBackend(key('zccache'))),
  registerAction(withResponse(liveBackend(key('soldr')), timeout)),
  registerAction(liveBackend(key('fbuild'))),
  broadcastAction(release),
  setResponseAction(key('soldr'), { _tag: 'Ack' }),
  broadcastToAction(release, [key('soldr')]),
  broadcastToAction(quiesceOperation('IdleTimeout'), [key('fbuild'), key('stranger')]),
];
const records = recorded(actions);
const version2 = [encodeHeaderLine({ ...logHeader(POLICY), version: 2 }), ...records.map(encodeRecordLine)];
const version1Header = '{"format":"lifecycle-broadcast-log","version":1,"policy":{"ackTimeoutMs":250}}';

describe('logRecord', () => {
  it('should carry the recorded result of a targeted broadcast, and recordAction should drop it', () => {
    const record = records[5] as LogRecord;

    expect(record._tag).toBe('BroadcastTo');
    expect(recordedResult(record)?._tag).toBe('AllAcked');
    expect(recordAction(record)).toEqual(actions[5]);
  });
});

describe('decodeRecordLine', () => {
  const v1: LogHeader = { ...logHeader(), version: 1 };
  const v2: LogHeader = logHeader();

  it('should read a BroadcastTo line of a version 2 log, as the current version does', () => {
    expect(LOG_VERSION).toBe(3);
    expect(decodeRecordLine(version2[6] ?? '', 6)).toEqual({ _tag: 'RecordLine', line: 6, record: records[5] });
  });

  it('should refuse a BroadcastTo line in a version 1 log, saying which version it needs', () => {
    expect(decodeRecordLine(version2[6] ?? '', 6, v1)).toEqual({
      _tag: 'InvalidLine',
      line: 6,
      fatal: false,
      problems: ['_tag: "BroadcastTo" lines need log format version 2, and this log is version 1'],
    });
  });

  it('should read every other line of a version 1 log as version 2 reads it', () => {
    for (const [i, text] of version2.slice(1).entries()) {
      if ((records[i] as LogRecord)._tag !== 'BroadcastTo') {
        expect(decodeRecordLine(text, i + 2, v1)).toEqual(decodeRecordLine(text, i + 2, v2));
      }
    }
  });
});

describe('readLog', () => {
  it('should read a version 1 log, and refuse the BroadcastTo lines a version 1 log cannot have', async () => {
    const lines = await collect(readLog(source([version1Header, ...version2.slice(1)])));

    expect(lines.map((l) => l._tag)).toEqual([
      'HeaderLine',
      'RecordLine',
      'RecordLine',
      'RecordLine',
      'RecordLine',
      'RecordLine',
      'InvalidLine',
      'InvalidLine',
    ]);
  });
});

describe('replayLog', () => {
  it('should replay and verify a version 2 log with targeted broadcasts to the registry the actions reach', async () => {
    const r = await replayLog(source(version2), { verify: true });

    expect(isCleanReplay(r)).toBe(true);
    expect(r.checked).toBe(3);
    expect(O.map((h: { readonly version: number }) => h.version)(r.header)).toEqual(O.some(2));
    expect(snapshot(r.state)).toEqual(snapshot(replay(createRegistry(POLICY), actions).state));
  });

  it('should report a targeted result that the replay does not reproduce', async () => {
    // The retry's recorded result names zccache where the replay gets the answer of soldr.
    const tampered = version2.map((line, i) => {
      if (i !== 6) {
        return line;
      }
      const at = line.indexOf('"result":');
      return line.slice(0, at) + line.slice(at).replace('"soldr"', '"zccache"');
    });

    const r = await replayLog(source(tampered), { verify: true });

    expect(r.divergences).toBe(1);
    expect(O.map((d: { readonly line: number; readonly path: string }) => [d.line, d.path])(r.firstDivergence)).toEqual(
      O.some([7, 'acks[0].key.serviceName']),
    );
  });

  it('should still replay the version 1 logs of the repository cleanly', async () => {
    for (const file of ['examples/broker.ndjson', '__tests__/fixtures/good.ndjson']) {
      const r = await replayLog(fileSource(path.join(root, file)), { verify: true });

      expect(isCleanReplay(r)).toBe(true);
      expect(O.map((h: { readonly version: number }) => h.version)(r.header)).toEqual(O.some(1));
    }
  });

  it('should replay generated logs with every kind of line losslessly, through the text', async () => {
    await fc.assert(
      fc.asyncProperty(logArbitrary({ recordResults: 'always', weights: { BroadcastTo: 6 } }), async (log) => {
        const r = await replayLog(source(logLines(log)), { verify: true });

        expect(isCleanReplay(r)).toBe(true);
        expect(snapshot(r.state)).toEqual(
          snapshot(replay(createRegistry(log.header.policy), log.records.map(recordAction)).state),
        );
      }),
      { numRuns: 60 },
    );
  });
});

// -------------------------------------------------------------------------------------
// statistics
// -------------------------------------------------------------------------------------

const eventsOf = (list: ReadonlyArray<RegistryAction>): ReadonlyArray<RegistryEvent> =>
  replay(createRegistry(POLICY), list).events;

/** A reference for the per-backend table: every entry of every result, counted per key. */
const answersByKey = (events: ReadonlyArray<RegistryEvent>): ReadonlyMap<string, Record<string, number>> => {
  const out = new Map<string, Record<string, number>>();
  const column = (e: BroadcastEntry): string =>
    e._tag === 'Ack' ? 'acks' : e._tag === 'Timeout' ? 'timeouts' : e._tag === 'Failure' ? 'failures' : 'skipped';
  for (const event of events) {
    if (event._tag === 'OperationBroadcast' || event._tag === 'OperationBroadcastTo') {
      const r = event.result;
      for (const e of [...r.acks, ...r.timeouts, ...r.failures, ...r.skippedDead]) {
        const row = out.get(keyId(e.key)) ?? { acks: 0, timeouts: 0, failures: 0, skipped: 0 };
        row[column(e)] = (row[column(e)] ?? 0) + 1;
        out.set(keyId(e.key), row);
      }
    }
  }
  return out;
};

/** A reference for retries: a targeted broadcast of the latest broadcast's operation to exactly its unacknowledged. */
const retriesIn = (events: ReadonlyArray<RegistryEvent>): number => {
  let latest: (RegistryEvent & { readonly _tag: 'OperationBroadcast' | 'OperationBroadcastTo' })['result'] | undefined;
  let retries = 0;
  for (const event of events) {
    if (event._tag === 'OperationBroadcastTo') {
      const r = event.result;
      const asked = new Set([...r.acks, ...r.timeouts, ...r.failures, ...r.skippedDead].map((e) => keyId(e.key)));
      event.keysNotFound.forEach((k) => asked.add(keyId(k)));
      const wanted = new Set(latest === undefined ? [] : unacknowledgedKeys(latest).map(keyId));
      const same = JSON.stringify(latest?.operation) === JSON.stringify(r.operation);
      retries += same && wanted.size > 0 && [...wanted].sort().join() === [...asked].sort().join() ? 1 : 0;
    }
    if (event._tag === 'OperationBroadcast' || event._tag === 'OperationBroadcastTo') {
      latest = event.result;
    }
  }
  return retries;
};

describe('addEvent', () => {
  it('should count targeted broadcasts, retries and the keys they named that were not registered', () => {
    const s = summarizeStats(eventsOf(actions).reduce(addEvent, emptyLogStats));

    expect(s.actions.BroadcastTo).toBe(2);
    expect(s.broadcasts.total).toBe(3);
    expect(s.broadcasts.targeted).toEqual({ broadcasts: 2, retries: 1, keysNotFound: 1 });
    expect(s.broadcasts.byOperation).toEqual({ ReleaseHandles: 2, Quiesce: 1 });
    expect(s.broadcasts.quiesceReasons.IdleTimeout).toBe(1);
  });

  it('should count a backend once for each broadcast that listed it, targeted ones included', () => {
    fc.assert(
      fc.property(actionSequenceArbitrary({ weights: { BroadcastTo: 5 } }), (list) => {
        const events = eventsOf(list);
        const expected = answersByKey(events);

        for (const row of backendRows(events.reduce(addEvent, emptyLogStats))) {
          const { acks, timeouts, failures, skipped } = row;
          expect({ acks, timeouts, failures, skipped }).toEqual(
            expected.get(keyId(row.key)) ?? { acks: 0, timeouts: 0, failures: 0, skipped: 0 },
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  // The property holds whatever the draws; the retries it must count are made for certain by the
  // next test, which does not depend on the draws hitting one.
  it('should count as retries exactly the targeted broadcasts that resend the latest operation to its unacknowledged', () => {
    fc.assert(
      fc.property(actionSequenceArbitrary({ weights: { BroadcastTo: 5 }, retryRatio: 0.7 }), (list) => {
        const events = eventsOf(list);
        const stats = events.reduce(addEvent, emptyLogStats);

        expect(stats.targeted.broadcasts).toBe(events.filter((e) => e._tag === 'OperationBroadcastTo').length);
        expect(stats.targeted.retries).toBe(retriesIn(events));
      }),
      { numRuns: 150 },
    );
  });

  it('should count what retryUnacknowledged sends as a retry', () => {
    const state = replay(createRegistry(POLICY), actions.slice(0, 3)).state;
    const first = broadcast(state, release);
    const retry = retryUnacknowledged(first.state, first.result);

    const stats = [
      { _tag: 'OperationBroadcast' as const, result: first.result },
      { _tag: 'OperationBroadcastTo' as const, result: retry.result, keysNotFound: retry.keysNotFound },
    ].reduce(addEvent, emptyLogStats);

    expect(stats.targeted.retries).toBe(1);
  });
});

describe('renderSummary', () => {
  it('should say how many broadcasts were targeted and how many of them were retries', async () => {
    const r = await replayLog(source(version2), { verify: true });
    const input = { file: 'targeted.ndjson', replay: r, mode: 'strict', verify: true, at: O.none } as const;

    const text = renderSummary(input);

    expect(text).toContain('log         targeted.ndjson (format version 2, ack timeout 250 ms)');
    expect(text).toMatch(
      /^actions {5}Register 3, SetLive 0, SetResponse 1, Unregister 0, Broadcast 1, BroadcastTo 2$/m,
    );
    expect(text).toMatch(
      /^targeted {4}2 to some backends \(1 retry of the unacknowledged\); 1 named key not registered$/m,
    );
    expect(summaryJson(input)).toMatchObject({
      broadcasts: { targeted: { broadcasts: 2, retries: 1, keysNotFound: 1 } },
    });
  });
});
