/**
 * The report is a pure function of the replayed log: its figures are the replay's, its lanes and
 * columns follow the log, its size stays bounded, and nothing from the log reaches the page
 * unescaped.
 */
import type { LogHeader, LogRecord } from '../../src';
import type { ReportModel } from '../../src/incident';
import { logText } from '../support/helpers';
import {
  ack,
  backendKey,
  failure,
  keyId,
  setResponseAction,
  broadcastAction,
  liveBackend,
  logRecord,
  logHeader,
  quiesceOperation,
  registerAction,
  setLiveAction,
  sharedInstance,
  summarizeStats,
  unregisterAction,
} from '../../src';
import {
  atLine,
  backendLabel,
  CellBits,
  escapeHtml,
  generateLog,
  MAX_REPORT_BUCKETS,
  renderReport,
  replayLines,
  reportBuilder,
  scriptJson,
  StateBits,
} from '../../src/incident';

const reportOf = async (
  header: LogHeader,
  records: Iterable<LogRecord>,
  options: { readonly maxBuckets?: number; readonly fullLanes?: number; readonly from?: number } = {},
): Promise<ReportModel> => {
  const builder = reportBuilder({
    ...(options.maxBuckets === undefined ? {} : { maxBuckets: options.maxBuckets }),
    ...(options.fullLanes === undefined ? {} : { fullLanes: options.fullLanes }),
  });
  const from = options.from === undefined ? {} : { from: atLine(options.from) };
  const replay = await replayLines(logText(header, records), { verify: true, onStep: builder.add, ...from });
  return builder.finish(replay, { file: 'test.ndjson', verify: true, ...from });
};

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab');
const soldr = backendKey(sharedInstance, 'soldr', '0.4.1');
const quiesce = broadcastAction(quiesceOperation('Maintenance'));

describe('reportBuilder', () => {
  it('should give the summary figures of the replay', async () => {
    const log = generateLog({ backends: 5, actions: 600, seed: 3 });
    const model = await reportOf(log.header, log.records);
    const direct = summarizeStats((await replayLines(logText(log.header, log.records), { verify: true })).stats);
    expect(model.summary.outcomes).toEqual(direct.outcomes);
    expect(model.summary.broadcasts).toEqual(direct.broadcasts);
    expect(model.summary.backends).toEqual(direct.backends);
    expect(model.summary.verify).toEqual({ checked: direct.broadcasts.total, divergences: 0 });
  });

  it('should give a lane per backend and a column per broadcast, with each answer in its cell', async () => {
    const model = await reportOf(logHeader(), [
      registerAction(liveBackend(zccache)),
      registerAction(liveBackend(soldr)),
      quiesce,
      setLiveAction(soldr, false),
      quiesce,
      unregisterAction(soldr),
    ]);
    // The most troubled lane first: soldr was skipped once as dead.
    expect(model.lanes.map((l) => l.label)).toEqual(['soldr 0.4.1 shared', 'zccache 1.11.20 shared #ab']);
    expect(model.columns.map((c) => c.firstLine)).toEqual([4, 6]);
    const [s, z] = model.lanes;
    // Lines 2..7, one bucket each from line 2.
    expect(model.origin).toBe(2);
    expect(z?.cells).toBe(`00${String(CellBits.ack)}0${String(CellBits.ack)}0`);
    expect(s?.cells).toBe(`00${String(CellBits.ack)}0${String(CellBits.skipped)}0`);
    expect(s?.states).toBe(
      `0${String(StateBits.live)}${String(StateBits.live)}${String(StateBits.live | StateBits.dead)}${String(StateBits.dead)}${String(StateBits.dead | StateBits.unregistered)}`,
    );
    expect(s?.status).toBe('unregistered');
  });

  it('should merge buckets two by two so that there are never more than asked for', async () => {
    const log = generateLog({ backends: 3, actions: 5000, seed: 9 });
    const model = await reportOf(log.header, log.records, { maxBuckets: 64 });
    expect(model.buckets).toBeLessThanOrEqual(64);
    expect(model.buckets).toBeGreaterThan(32);
    expect(model.bucketWidth).toBe(128);
    expect(model.columns.reduce((n, c) => n + c.broadcasts, 0)).toBe(model.summary.broadcasts.total);
    for (const lane of model.lanes) {
      expect(lane.cells).toHaveLength(model.buckets);
      expect(lane.states).toHaveLength(model.buckets);
    }
  });

  it('should begin with the backends registered when the window begins', async () => {
    const model = await reportOf(
      logHeader(),
      [registerAction(liveBackend(zccache)), quiesce, registerAction(liveBackend(soldr)), quiesce],
      { from: 4 },
    );
    expect(model.lanes.map((l) => l.label)).toEqual(['zccache 1.11.20 shared #ab', 'soldr 0.4.1 shared']);
    expect(model.columns).toHaveLength(1);
    expect(model.summary.broadcasts.total).toBe(1);
    expect(model.summary.from).toBe('line 4');
  });

  it('should put a timed log on a time axis', async () => {
    const t0 = Date.parse('2026-11-27T14:00:00Z');
    const model = await reportOf(logHeader(undefined, 'epochMillis'), [
      logRecord(registerAction(liveBackend(zccache)), undefined, t0),
      logRecord(quiesce, undefined, t0 + 1500),
      logRecord(quiesce, undefined, t0 + 3000),
    ]);
    expect(model.axis).toBe('time');
    expect(model.origin).toBe(t0);
    expect(model.columns.map((c) => c.firstTime)).toEqual([t0 + 1500, t0 + 3000]);
    expect(model.summary.lastTime).toBe(t0 + 3000);
  });
});

describe('reportBuilder findings', () => {
  const fleet = Array.from({ length: 30 }, (_, i) =>
    backendKey(sharedInstance, `svc${String(i % 3)}`, '1.0.0', i.toString(16).padStart(4, '0')),
  );
  const bad = fleet[17] as (typeof fleet)[number];
  const records = [
    ...fleet.map((k) => registerAction(liveBackend(k))),
    quiesce,
    quiesce,
    setLiveAction(fleet[3] as (typeof fleet)[number], false),
    setResponseAction(bad, failure('Rejected')),
    quiesce,
    quiesce,
    quiesce,
    setResponseAction(bad, ack),
    quiesce,
  ];

  it('should name the first degraded broadcast, who did not ack, what changed before and the worst backend', async () => {
    const model = await reportOf(logHeader(), records);
    const f = model.findings;
    // Line 1 is the header: the thirty registrations are lines 2..31, the broadcasts follow.
    expect(f.firstDegraded).toMatchObject({ line: 36, operation: 'Quiesce Maintenance', notAckedTotal: 1 });
    expect(f.firstDegraded?.notAcked).toEqual([
      { label: backendLabel(bad), id: keyId(bad), answer: 'Failure(Rejected)' },
    ]);
    expect(f.longestStreak).toMatchObject({ broadcasts: 3, firstLine: 36, lastLine: 38 });
    expect(f.changesBefore.slice(-2).map((c) => [c.line, c.change])).toEqual([
      [34, 'set dead'],
      [35, 'response Ack -> Failure(Rejected)'],
    ]);
    expect(f.worst).toEqual([
      { label: backendLabel(bad), id: keyId(bad), lane: 0, failures: 3, timeouts: 0, firstBadLine: 36 },
    ]);
    expect(model.lanes[0]?.id).toBe(keyId(bad));
    expect(model.lanes[0]?.history.map((h) => h.text)).toEqual([
      'registered, live, answers Ack',
      '2 broadcasts to all (to line 33): Ack',
      'response Ack -> Failure(Rejected)',
      '3 broadcasts to all (to line 38): Failure',
      'response Failure(Rejected) -> Ack',
      '1 broadcast to all: Ack',
    ]);
  });

  it('should give the same model whether the replay builds broadcast lists or not', async () => {
    const log = generateLog({ backends: 40, actions: 3000, seed: 11, results: false });
    const slow = reportBuilder();
    const r1 = await replayLines(logText(log.header, log.records), { onStep: slow.add });
    const fast = reportBuilder();
    const r2 = await replayLines(logText(log.header, log.records), {
      onStep: fast.add,
      onBroadcast: fast.addBroadcast,
    });
    expect(fast.finish(r2, { file: 'x', verify: false })).toEqual(slow.finish(r1, { file: 'x', verify: false }));
  });

  it('should hold cells for the most troubled lanes only', async () => {
    const log = generateLog({ backends: 60, actions: 2000, seed: 4 });
    const model = await reportOf(log.header, log.records, { fullLanes: 5 });
    expect(model.fullLanes).toBe(5);
    expect(model.lanes.slice(0, 5).every((l) => l.cells.length === model.buckets)).toBe(true);
    expect(model.lanes.slice(5).every((l) => l.cells === '' && l.history.length === 0)).toBe(true);
    const trouble = model.lanes.map((l) => l.failures + l.timeouts);
    expect(trouble).toEqual([...trouble].sort((a, b) => b - a));
  });
});

describe('renderReport', () => {
  it('should escape every text from the log', async () => {
    const evil = backendKey(sharedInstance, '<script>alert(1)</script>', '"1.0"', '');
    const html = renderReport(
      await reportOf(logHeader(), [
        registerAction(liveBackend(evil)),
        broadcastAction(quiesceOperation('IdleTimeout')),
      ]),
    );
    expect(html).not.toContain('<script>alert(1)');
    // The label reaches the page in the data only: the script writes it with textContent.
    // Inside the data, `<` is an escape, so `</script>` cannot end the element.
    expect(html).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it('should stay small however many broadcasts there are', async () => {
    const short = generateLog({ backends: 20, actions: 4000, seed: 5 });
    const long = generateLog({ backends: 20, actions: 40_000, seed: 5 });
    const a = renderReport(await reportOf(short.header, short.records));
    const b = renderReport(await reportOf(long.header, long.records));
    // Ten times the broadcasts, at most a bucket per pixel column: much less than ten times the size.
    expect(b.length).toBeLessThan(a.length * 2);
    expect(MAX_REPORT_BUCKETS).toBe(1024);
  });
});

describe('escapeHtml', () => {
  it('should write the five special characters as references', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('scriptJson', () => {
  it('should give JSON that parses back to the value and holds no < > &', () => {
    const value = { label: '</script><b>&\u2028' };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('report functions on wrong arguments', () => {
  it('should make renderReport throw a TypeError for what is not a report model', () => {
    const untyped = renderReport as (model: unknown) => string;
    expect(() => untyped({})).toThrow(
      new TypeError('renderReport: model must be what reportBuilder().finish gives, got {}'),
    );
  });

  it('should make renderReport name the lane, entry and field a plain JavaScript model gets wrong', async () => {
    const log = generateLog({ backends: 4, actions: 200, seed: 2 });
    const model = await reportOf(log.header, log.records);
    const untyped = renderReport as (model: unknown) => string;
    const lanes = model.lanes;
    const cases: ReadonlyArray<readonly [unknown, Error]> = [
      [
        { ...model, lanes: [lanes[0], { ...lanes[1], label: 5 }] },
        new TypeError('renderReport: model.lanes[1].label must be a string, got 5'),
      ],
      [{ ...model, lanes: [null] }, new TypeError('renderReport: model.lanes[0] must be an object, got null')],
      [
        { ...model, lanes: [{ ...lanes[0], acks: undefined }] },
        new TypeError('renderReport: model.lanes[0].acks must be a number, got nothing'),
      ],
      [
        { ...model, lanes: [{ ...lanes[0], history: [{ line: 1, time: null }] }] },
        new TypeError('renderReport: model.lanes[0].history[0].text must be a string, got nothing'),
      ],
      [
        { ...model, lanes: [{ ...lanes[0], cells: '1' }] },
        new RangeError(
          `renderReport: model.lanes[0]: cells and states must hold one digit per bucket (${String(model.buckets)}) or be empty, got 1 and ${String(model.buckets)}`,
        ),
      ],
      [
        { ...model, columns: [{ ...model.columns[0], operations: 'Quiesce' }] },
        new TypeError('renderReport: model.columns[0].operations must be an array, got "Quiesce"'),
      ],
      [
        { ...model, findings: { ...model.findings, worst: [{ label: 'x' }] } },
        new TypeError('renderReport: model.findings.worst[0].lane must be a number, got nothing'),
      ],
      [
        { ...model, summary: { ...model.summary, backends: {} } },
        new TypeError('renderReport: model.summary.backends.registered must be a number, got nothing'),
      ],
    ];
    for (const [bad, error] of cases) {
      expect(() => untyped(bad)).toThrow(error);
      expect(() => untyped(bad)).toThrow(error.constructor as new () => Error);
    }
    expect(() => untyped({ ...model, lanes: [{ ...lanes[0], label: 'x'.repeat(5000) }, 1] })).toThrow(
      /^renderReport: model\.lanes\[1\] must be an object, got 1$/,
    );
  });

  it('should make finish throw a TypeError for what is not a replay or an input', async () => {
    const builder = reportBuilder();
    const untypedFinish = builder.finish as (replay: unknown, input: unknown) => unknown;
    expect(() => untypedFinish(null, { file: 'x', verify: false })).toThrow(
      new TypeError('reportBuilder: finish takes the outcome of replayLines, got null'),
    );
    const replay = await replayLines(logText(logHeader(), []), {});
    expect(() => untypedFinish(replay, undefined)).toThrow(/^reportBuilder: finish takes a ReportInput/);
  });

  it('should make reportBuilder refuse a bucket count below 2', () => {
    expect(() => (reportBuilder as (n: unknown) => unknown)('x')).toThrow(
      new TypeError('reportBuilder: options must be a ReportBuilderOptions object or a bucket count, got "x"'),
    );
    expect(() => reportBuilder(1)).toThrow(
      new RangeError('reportBuilder: maxBuckets must be an integer of at least 2, got 1'),
    );
  });
});
