/**
 * What-if in O(records + backends) against the plain way of computing it: a second registry
 * stepped with the assumed actions, and every entry of every broadcast compared (0.2's
 * algorithm, O(broadcasts x backends)). On random logs, assumptions and starting lines both must
 * give the same outcome, backend by backend.
 */
import * as fc from 'fast-check';

import type {
  BackendKey,
  BroadcastBackendResponse,
  BroadcastEntry,
  BroadcastResult,
  LogRecord,
  LogSource,
  Registry,
  RegistryAction,
} from '../../src';
import {
  ack,
  backendKey,
  backends,
  broadcastAction,
  broadcastToAction,
  failure,
  keyId,
  liveBackend,
  logHeader,
  privateInstance,
  quiesceOperation,
  recordAction,
  registerAction,
  resultEntries,
  setLiveAction,
  setResponse,
  setResponseAction,
  sharedInstance,
  step,
  timeout,
  unregisterAction,
  withResponse,
} from '../../src';
import type { Assumption } from '../../src/incident';
import { atLine, parseAssumption, replayLines, selects, whatIf } from '../../src/incident';
import { logArbitrary, logLines } from '../../src/arbitraries';
import { expectRight, logText } from '../support/helpers';

/** The outcome as the reference computes it: every broadcast's differences, backend by backend. */
interface Reference {
  readonly broadcasts: number;
  readonly affected: number;
  readonly statusChanges: Record<string, number>;
  readonly differences: ReadonlyArray<{
    readonly line: number;
    readonly recorded: string;
    readonly assumed: string;
    readonly changes: ReadonlyArray<readonly [string, string, string]>;
  }>;
}

const assumedFor = (assumptions: ReadonlyArray<Assumption>, key: BackendKey): BroadcastBackendResponse | undefined => {
  let found: BroadcastBackendResponse | undefined;
  for (const a of assumptions) {
    if (selects(a.selector, key)) {
      found = a.response;
    }
  }
  return found;
};

const assumedAction = (assumptions: ReadonlyArray<Assumption>, action: RegistryAction): RegistryAction => {
  if (action._tag === 'Register') {
    const r = assumedFor(assumptions, action.backend.key);
    return r === undefined ? action : registerAction(withResponse(action.backend, r));
  }
  if (action._tag === 'SetResponse') {
    const r = assumedFor(assumptions, action.key);
    return r === undefined ? action : setResponseAction(action.key, r);
  }
  return action;
};

const word = (e: BroadcastEntry): string => (e._tag === 'Failure' ? `Failure(${e.reason})` : e._tag);

const resultOf = (e: { readonly _tag: string; readonly result?: BroadcastResult }): BroadcastResult | undefined =>
  e._tag === 'OperationBroadcast' || e._tag === 'OperationBroadcastTo' ? e.result : undefined;

/** 0.2's what-if: a second registry, every entry compared. */
const reference = async (
  source: LogSource,
  assumptions: ReadonlyArray<Assumption>,
  fromLine: number,
): Promise<Reference> => {
  let alt: Registry | undefined;
  let broadcasts = 0;
  let affected = 0;
  const statusChanges: Record<string, number> = {};
  const differences: Array<Reference['differences'][number]> = [];
  await replayLines(source, {
    onStep: (s) => {
      if (s.line < fromLine) {
        return;
      }
      if (alt === undefined) {
        alt = s.before;
        for (const b of backends(s.before)) {
          const r = assumedFor(assumptions, b.key);
          alt = r === undefined ? alt : setResponse(alt, b.key, r).state;
        }
      }
      const next = step(alt, assumedAction(assumptions, recordAction(s.record)));
      alt = next.state;
      const recorded = resultOf(s.event);
      const assumed = resultOf(next.result);
      if (recorded === undefined || assumed === undefined) {
        return;
      }
      broadcasts += 1;
      const was = new Map(resultEntries(recorded).map((e) => [keyId(e.key), word(e)]));
      const would = new Map(resultEntries(assumed).map((e) => [keyId(e.key), word(e)]));
      const changes: Array<readonly [string, string, string]> = [];
      for (const b of backends(s.before)) {
        const id = keyId(b.key);
        const a = was.get(id);
        const z = would.get(id);
        if (a !== undefined && z !== undefined && a !== z) {
          changes.push([id, a, z]);
        }
      }
      if (changes.length === 0 && recorded._tag === assumed._tag) {
        return;
      }
      affected += 1;
      if (recorded._tag !== assumed._tag) {
        const k = `${recorded._tag} -> ${assumed._tag}`;
        statusChanges[k] = (statusChanges[k] ?? 0) + 1;
      }
      differences.push({ line: s.line, recorded: recorded._tag, assumed: assumed._tag, changes });
    },
  });
  return { broadcasts, affected, statusChanges, differences };
};

/** What the fast path says, in the reference's shape; its counts by change must agree with its names. */
const fast = async (
  source: LogSource,
  assumptions: ReadonlyArray<Assumption>,
  fromLine: number,
): Promise<Reference> => {
  const outcome = await whatIf(source, { assumptions, fromLine, names: true, maxDifferences: 100_000 });
  for (const d of outcome.differences) {
    expect(d.changed).toBe(d.changes.length);
    const counted: Record<string, number> = {};
    for (const c of d.changes) {
      const k = `${c.recorded} -> ${c.assumed}`;
      counted[k] = (counted[k] ?? 0) + 1;
    }
    expect(d.answerChanges).toEqual(counted);
  }
  return {
    broadcasts: outcome.broadcasts,
    affected: outcome.affected,
    statusChanges: { ...outcome.statusChanges },
    differences: outcome.differences.map((d) => ({
      line: d.line,
      recorded: d.recorded,
      assumed: d.assumed,
      changes: d.changes.map((c) => [keyId(c.key), c.recorded, c.assumed] as const),
    })),
  };
};

/** Assumptions over the arbitraries' pool of names, so that they select backends of the logs. */
const assumptionArbitrary: fc.Arbitrary<Assumption> = fc
  .tuple(
    fc.constantFrom('zccache', 'soldr', 'fbuild', 'zccache@1.11.20', 'soldr@0.4.1', 'fbuild@1.11.20'),
    fc.constantFrom('Ack', 'Timeout', 'Failure:Rejected', 'Failure:BackendError', 'Failure:UnsupportedOperation'),
  )
  .map(([selector, answer]) => expectRight(parseAssumption(`${selector}=${answer}`)));

describe('whatIf against the reference', () => {
  it('should give the same outcome, backend by backend, on random logs, assumptions and starting lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        logArbitrary({ maxLength: 60, weights: { BroadcastTo: 3, Broadcast: 4 } }),
        fc.array(assumptionArbitrary, { minLength: 1, maxLength: 3 }),
        fc.nat(70),
        async (log, assumptions, from) => {
          const source = [`${logLines(log).join('\n')}\n`];
          const fromLine = from + 1;
          expect(await fast(source, assumptions, fromLine)).toEqual(await reference(source, assumptions, fromLine));
        },
      ),
      { numRuns: 300 },
    );
  });

  const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
  const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
  const fbuild = backendKey(privateInstance('ci'), 'fbuild', '1.11.20');
  const quiesce = broadcastAction(quiesceOperation('Maintenance'));

  it.each<[string, ReadonlyArray<LogRecord>, ReadonlyArray<string>, number]>([
    [
      'a backend that flips, changes response, leaves and comes back',
      [
        registerAction(withResponse(liveBackend(soldr), timeout)),
        registerAction(liveBackend(zccache)),
        quiesce,
        setLiveAction(soldr, false),
        quiesce,
        setLiveAction(soldr, true),
        setResponseAction(soldr, ack),
        quiesce,
        setResponseAction(soldr, failure('Rejected')),
        unregisterAction(soldr),
        quiesce,
        registerAction(withResponse(liveBackend(soldr), timeout)),
        quiesce,
      ],
      ['soldr=Ack'],
      1,
    ],
    [
      'targeted broadcasts, one key twice and one unknown',
      [
        registerAction(withResponse(liveBackend(soldr), timeout)),
        registerAction(withResponse(liveBackend(fbuild), failure('BackendError'))),
        registerAction(liveBackend(zccache)),
        broadcastToAction(quiesceOperation('Maintenance'), [
          fbuild,
          soldr,
          soldr,
          backendKey(sharedInstance, 'x', '1'),
        ]),
        broadcastToAction(quiesceOperation('Maintenance'), [zccache]),
        setLiveAction(fbuild, false),
        broadcastToAction(quiesceOperation('Maintenance'), [fbuild, soldr]),
      ],
      ['soldr=Ack', 'fbuild=Ack', 'zccache=Timeout'],
      1,
    ],
    [
      'assumptions that begin after backends registered, the later one overriding',
      [
        registerAction(withResponse(liveBackend(soldr), timeout)),
        registerAction(liveBackend(zccache)),
        quiesce,
        quiesce,
        setResponseAction(zccache, timeout),
        quiesce,
      ],
      ['soldr=Failure:Rejected', 'soldr@0.4.1=Ack', 'zccache=Ack'],
      4,
    ],
  ])('should agree on %s', async (_name, records, assumptions, fromLine) => {
    const source = logText(logHeader(), records);
    const parsed = assumptions.map((a) => expectRight(parseAssumption(a)));
    const got = await fast(source, parsed, fromLine);
    expect(got.affected).toBeGreaterThan(0);
    expect(got).toEqual(await reference(source, parsed, fromLine));
  });

  it('should list no names unless asked, and count them all the same', async () => {
    const source = logText(logHeader(), [registerAction(withResponse(liveBackend(soldr), timeout)), quiesce]);
    const outcome = await whatIf(source, { assumptions: [expectRight(parseAssumption('soldr=Ack'))] });
    expect(outcome.differences).toEqual([
      expect.objectContaining({
        line: 3,
        recorded: 'Degraded',
        assumed: 'AllAcked',
        changed: 1,
        answerChanges: { 'Timeout -> Ack': 1 },
        changes: [],
      }),
    ]);
    const until = await whatIf(source, { assumptions: [expectRight(parseAssumption('soldr=Ack'))], until: atLine(2) });
    expect(until.broadcasts).toBe(0);
  });
});
