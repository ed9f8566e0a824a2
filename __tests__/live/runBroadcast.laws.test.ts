/**
 * The laws of a live run, for random registries, with an in-memory transport: answering as
 * modelled, a live run is the model's broadcast; answering anything, its actions replay to its
 * registry and its result.
 */
import * as fc from 'fast-check';

import {
  backends,
  broadcast,
  broadcastAction,
  broadcastPolicy,
  createRegistry,
  keyId,
  replay,
  runBroadcast,
  snapshot,
} from '../../src';
import type { BroadcastBackendResponse } from '../../src';
import {
  actionSequenceArbitrary,
  broadcastBackendResponseArbitrary,
  broadcastOperationArbitrary,
} from '../../src/arbitraries';
import { expectEqual, lawParameters } from '../laws/support';
import { hang, late, recordingTransport, reproduces, resolveWith } from './support';

/** Short, so that the runs with timeouts stay quick: each waits this long once. */
const POLICY_MS = 5;
const RUNS = 100;

const startOf = (actions: Parameters<typeof replay>[1]) =>
  replay(createRegistry(broadcastPolicy(POLICY_MS)), actions).state;

/** An answer as a transport gives it: a timeout answers, too late, once the runner gave up on it. */
const behaviourFor = (response: BroadcastBackendResponse) =>
  response._tag === 'Timeout' ? late({ _tag: 'Ack' }) : resolveWith(response);

describe('law: a live run answered as modelled is the broadcast of the model', () => {
  it("should give broadcast's result and registry, reproduced by the Broadcast action alone", async () => {
    await fc.assert(
      fc.asyncProperty(actionSequenceArbitrary(), broadcastOperationArbitrary(), async (actions, operation) => {
        const start = startOf(actions);
        const t = recordingTransport((b) => behaviourFor(b.response));

        const live = await runBroadcast(start, operation, t.transport);
        t.dispose();

        const modelled = broadcast(start, operation);
        expectEqual(live.result, modelled.result);
        expectEqual(snapshot(live.state), snapshot(modelled.state));
        expectEqual(live.actions, [broadcastAction(operation)]);
        expectEqual(live.diagnostics, []);
      }),
      lawParameters(RUNS),
    );
  });
});

describe('law: the actions of a live run reproduce it', () => {
  it('should replay, from the registry it started from, to its registry and its result', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionSequenceArbitrary(),
        broadcastOperationArbitrary(),
        fc.array(broadcastBackendResponseArbitrary(), { minLength: 1, maxLength: 40 }),
        async (actions, operation, answers) => {
          const start = startOf(actions);
          const positions = new Map(backends(start).map((b, i) => [keyId(b.key), i]));
          const observed = (i: number): BroadcastBackendResponse =>
            answers[i % answers.length] as BroadcastBackendResponse;
          const t = recordingTransport((b) => {
            const response = observed(positions.get(keyId(b.key)) ?? 0);
            return response._tag === 'Timeout' ? hang : resolveWith(response);
          });

          const live = await runBroadcast(start, operation, t.transport);

          expect(reproduces(start, live)).toBe(true);
          // Each live backend is listed as it answered.
          const listed = new Map<string, string>();
          for (const e of [...live.result.acks, ...live.result.timeouts, ...live.result.failures]) {
            listed.set(keyId(e.key), e._tag === 'Failure' ? `Failure:${e.reason}` : e._tag);
          }
          const expected = new Map(
            backends(start)
              .map((b, i) => [b, observed(i)] as const)
              .filter(([b]) => b.live)
              .map(([b, r]) => [keyId(b.key), r._tag === 'Failure' ? `Failure:${r.reason}` : r._tag]),
          );
          expectEqual(listed, expected);
          // Only the backends that answered otherwise than modelled get a SetResponse.
          const changed = backends(start).filter(
            (b, i) => b.live && JSON.stringify(b.response) !== JSON.stringify(observed(i)),
          ).length;
          expect(live.actions).toHaveLength(changed + 1);
        },
      ),
      lawParameters(RUNS),
    );
  });
});
