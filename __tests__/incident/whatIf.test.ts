/**
 * What-if replay: the assumed backends answer as assumed from the given line on, everything
 * else replays as recorded, and each broadcast that would have differed is reported.
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';

import type { LogRecord } from '../../src';
import type { Assumption } from '../../src/incident';
import {
  ack,
  backendKey,
  broadcastAction,
  failure,
  liveBackend,
  logHeader,
  privateInstance,
  quiesceOperation,
  registerAction,
  setLiveAction,
  setResponseAction,
  sharedInstance,
  timeout,
  withResponse,
} from '../../src';
import { atLine, describeAssumption, generateLog, parseAssumption, selects, whatIf } from '../../src/incident';
import { expectLeft, expectRight, logText } from '../support/helpers';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
const quiesce = broadcastAction(quiesceOperation('Maintenance'));

/** A log of `records` under the default header, the first record on line 2. */
const linesOf = (records: ReadonlyArray<LogRecord>): ReadonlyArray<string> => logText(logHeader(), records);

const assume = (text: string): Assumption => expectRight(parseAssumption(text));

describe('parseAssumption', () => {
  it('should read a service, a service at a version, or a key in JSON, and an answer', () => {
    expect(assume('soldr=Ack')).toEqual({
      selector: { _tag: 'ByService', serviceName: 'soldr', serviceVersion: O.none },
      response: ack,
    });
    expect(assume('soldr@0.4.1=Timeout').selector).toEqual({
      _tag: 'ByService',
      serviceName: 'soldr',
      serviceVersion: O.some('0.4.1'),
    });
    expect(assume(`${JSON.stringify(soldr)}=Failure:Rejected`)).toEqual({
      selector: { _tag: 'ByKey', key: soldr },
      response: failure('Rejected'),
    });
  });

  it.each([
    ['soldr', /^expected <service or key>=<Ack\|Timeout\|Failure:reason>, got "soldr"$/],
    [
      'soldr=Maybe',
      /^expected Ack, Timeout or Failure:<reason> \(UnsupportedOperation, Rejected, BackendError\) after "=", got "Maybe"$/,
    ],
    ['soldr=Failure:Tired', /got "Failure:Tired"$/],
    ['=Ack', /^expected a service, service@version or a key in JSON before "=", got ""$/],
    ['{"serviceName":1}=Ack', /^the key is not a backend key: /],
    ['sol\u001b[2Jdr=Nope', /got "Nope"$/],
    ['sol\u001b[2Jdr=No\npe', /after "=", got "No\\u000ape"$/],
    ['a\nb', /got "a\\u000ab"$/],
    ['a\u0007b@=Ack', /got "a\\u0007b@"$/],
    ['{\u001b]0;x}=Ack', /must be valid JSON, got \{\\u001b\]0;x\}$/],
  ])('should refuse %j in one line', (text, message) => {
    expect(expectLeft(parseAssumption(text))).toMatch(message);
  });

  it('should be written back as it was read', () => {
    for (const text of ['soldr=Ack', 'soldr@0.4.1=Timeout', 'fbuild=Failure:BackendError']) {
      expect(describeAssumption(assume(text))).toBe(text);
    }
  });
});

describe('selects', () => {
  it('should match by service, version or whole key', () => {
    expect(selects(assume('soldr=Ack').selector, soldr)).toBe(true);
    expect(selects(assume('soldr@0.5.0=Ack').selector, soldr)).toBe(false);
    expect(selects(assume(`${JSON.stringify(zccache)}=Ack`).selector, soldr)).toBe(false);
  });
});

describe('whatIf', () => {
  const log: ReadonlyArray<LogRecord> = [
    registerAction(liveBackend(zccache)),
    registerAction(withResponse(liveBackend(soldr), timeout)), // line 3
    quiesce, // line 4: Degraded (soldr times out)
    setResponseAction(soldr, failure('BackendError')),
    quiesce, // line 6: Degraded
    setLiveAction(soldr, false),
    quiesce, // line 8: AllAcked, soldr skipped
  ];

  it('should say which broadcasts would have differed, and how', async () => {
    const outcome = await whatIf(linesOf(log), { assumptions: [assume('soldr=Ack')], names: true });
    expect(outcome.broadcasts).toBe(3);
    expect(outcome.affected).toBe(2);
    expect(outcome.matched).toEqual([1]);
    expect(outcome.statusChanges).toEqual({ 'Degraded -> AllAcked': 2 });
    expect(
      outcome.differences.map((d) => [d.line, d.recorded, d.assumed, d.changes.map((c) => [c.recorded, c.assumed])]),
    ).toEqual([
      [4, 'Degraded', 'AllAcked', [['Timeout', 'Ack']]],
      [6, 'Degraded', 'AllAcked', [['Failure(BackendError)', 'Ack']]],
    ]);
  });

  it('should hold the assumptions only from the given line on', async () => {
    const outcome = await whatIf(linesOf(log), { assumptions: [assume('soldr=Ack')], fromLine: 5 });
    expect(outcome.broadcasts).toBe(2);
    expect(outcome.differences.map((d) => d.line)).toEqual([6]);
  });

  it('should leave the log as recorded when the assumption matches nothing', async () => {
    const g = generateLog({ backends: 6, actions: 2000, seed: 3 });
    const outcome = await whatIf(linesOf([...g.records]), { assumptions: [assume('nosuchservice=Timeout')] });
    expect(outcome.matched).toEqual([0]);
    expect(outcome.affected).toBe(0);
    expect(outcome.broadcasts).toBe(outcome.replay.stats.actions.Broadcast);
  });

  it('should change every broadcast a backend answered otherwise, on a generated log', async () => {
    const g = generateLog({ backends: 6, actions: 3000, seed: 8 });
    const records = [...g.records];
    const first = records.find((r) => r._tag === 'Register');
    const service = first?._tag === 'Register' ? first.backend.key.serviceName : 'none';
    const outcome = await whatIf(linesOf(records), {
      assumptions: [assume(`${service}=Failure:Rejected`)],
      names: true,
    });
    // Every difference is a backend of that service that was live and did not already fail with Rejected.
    for (const d of outcome.differences) {
      expect(d.changes.length).toBeGreaterThan(0);
      for (const c of d.changes) {
        expect(c.key.serviceName).toBe(service);
        expect(c.assumed).toBe('Failure(Rejected)');
        expect(c.recorded).not.toBe('SkippedDead');
      }
      expect(d.assumed).toBe('Degraded');
    }
    expect(outcome.affected).toBeGreaterThan(0);
    expect(E.isRight(parseAssumption('zccache=Ack'))).toBe(true);
  });
});

describe('whatIf on wrong arguments', () => {
  const untyped = whatIf as (source: unknown, options: unknown) => Promise<unknown>;
  const source = linesOf([registerAction(liveBackend(zccache)), quiesce]);

  it.each([
    [undefined, 'whatIf: assumptions must be an array of assumptions (see parseAssumption), got nothing'],
    [{ assumptions: 'x' }, 'whatIf: assumptions must be an array of assumptions (see parseAssumption), got "x"'],
    [{ assumptions: [{}] }, 'whatIf: assumptions[0] must be an assumption (see parseAssumption), got {}'],
    [{ assumptions: [], until: 5 }, 'whatIf: until must be atLine(n) or atTime(ms), got 5'],
    [{ assumptions: [], names: 'yes' }, 'whatIf: names must be a boolean, got "yes"'],
  ])('should reject %j at once with a TypeError naming the option', async (options, message) => {
    await expect(untyped(source, options)).rejects.toThrow(new TypeError(message));
  });

  it('should reject a line it cannot start from with a RangeError', async () => {
    await expect(untyped(source, { assumptions: [], fromLine: -3 })).rejects.toThrow(
      new RangeError('whatIf: fromLine must be an integer of at least 1, got -3'),
    );
  });

  it('should reject a source that is not one, naming whatIf', async () => {
    await expect(untyped(undefined, { assumptions: [] })).rejects.toThrow(/^whatIf: a log source is a sequence/);
  });
});

describe('whatIf until', () => {
  it('should stop at the given line, as replayLines does', async () => {
    const outcome = await whatIf(linesOf([registerAction(liveBackend(zccache)), quiesce, quiesce, quiesce]), {
      assumptions: [assume('zccache=Timeout')],
      until: atLine(3),
    });
    expect(outcome.replay.lastLine).toBe(3);
    expect(outcome.broadcasts).toBe(1);
    expect(outcome.affected).toBe(1);
  });
});

describe('parseAssumption on wrong arguments', () => {
  it('should throw a TypeError when given no string', () => {
    expect(() => (parseAssumption as (text: unknown) => unknown)(5)).toThrow(
      new TypeError('parseAssumption: text must be a string, got 5'),
    );
  });
});
