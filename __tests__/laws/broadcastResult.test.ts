import { isDeepStrictEqual } from 'node:util';

import * as fc from 'fast-check';
import * as N from 'fp-ts/number';
import * as O from 'fp-ts/Option';
import * as Ord from 'fp-ts/Ord';
import * as S from 'fp-ts/string';

import {
  BroadcastResult,
  EqBroadcastResult,
  backends,
  broadcast,
  broadcastTo,
  emptyResult,
  getBroadcastResultMonoid,
  getBroadcastResultSemigroup,
  keyId,
  mergeRetry,
  registrationOrder,
  retryUnacknowledged,
  setLive,
  setResponse,
  unacknowledgedKeys,
} from '../../src';
import { decode } from '../../src/internal/codec';
import type { BackendKey, BroadcastBackendResponse, Registry } from '../../src';
import {
  broadcastBackendResponseArbitrary,
  broadcastOperationArbitrary,
  registryArbitrary,
} from '../../src/arbitraries';
import { key } from '../support/helpers';
import { copyOf, expectEqual, expectSame, lawParameters } from './support';

// -------------------------------------------------------------------------------------
// generated inputs
// -------------------------------------------------------------------------------------

/** How one backend answers in a variant of a registry: its liveness and its response. */
interface Answer {
  readonly live: boolean;
  readonly response: BroadcastBackendResponse;
}

const answerArbitrary: fc.Arbitrary<Answer> = fc.record({
  live: fc.boolean(),
  response: broadcastBackendResponseArbitrary(),
});

/** `state` with the backends at the given positions answering as given (positions wrap around). */
const answering = (state: Registry, changes: ReadonlyArray<readonly [number, Answer]>): Registry => {
  const keys = backends(state).map((b) => b.key);
  return keys.length === 0
    ? state
    : changes.reduce((s, [at, answer]) => {
        const key = keys[at % keys.length] as BackendKey;
        return setResponse(setLive(s, key, answer.live).state, key, answer.response).state;
      }, state);
};

/** A broadcast's result over some of the backends of `state`, after some of them changed how they answer. */
const resultOver = (state: Registry): fc.Arbitrary<BroadcastResult> =>
  fc
    .tuple(
      broadcastOperationArbitrary(),
      fc.array(fc.tuple(fc.nat(), answerArbitrary), { maxLength: 4 }),
      fc.option(fc.array(fc.nat(), { maxLength: 8 }), { nil: undefined }),
    )
    .map(([op, changes, picks]) => {
      const variant = answering(state, changes);
      const keys = backends(variant).map((b) => b.key);
      return picks === undefined || keys.length === 0
        ? broadcast(variant, op).result
        : broadcastTo(
            variant,
            op,
            picks.map((p) => keys[p % keys.length] as BackendKey),
          ).result;
    });

/** Three results over the backends of one registry, so that they list the same backends, answering differently. */
const threeResults = registryArbitrary().chain((state) =>
  fc.tuple(fc.constant(state), resultOver(state), resultOver(state), resultOver(state)),
);

/** Keys by id: an order that knows nothing of any registry. */
const byId: Ord.Ord<BackendKey> = Ord.contramap(keyId)(S.Ord);

// -------------------------------------------------------------------------------------
// Eq
// -------------------------------------------------------------------------------------

describe('law: EqBroadcastResult is structural equality', () => {
  it('should hold exactly when the two results encode to the same JSON', () => {
    fc.assert(
      fc.property(threeResults, ([, x, y]) => {
        expectSame(
          EqBroadcastResult.equals(x, y),
          isDeepStrictEqual(BroadcastResult.encode(x), BroadcastResult.encode(y)),
        );
        expectSame(EqBroadcastResult.equals(x, copyOf(x)), true);
      }),
      lawParameters(),
    );
  });

  it('should be reflexive, symmetric and transitive', () => {
    fc.assert(
      fc.property(threeResults, ([, x, y, z]) => {
        expectSame(EqBroadcastResult.equals(x, x), true);
        expectSame(EqBroadcastResult.equals(x, y), EqBroadcastResult.equals(y, x));
        if (EqBroadcastResult.equals(x, y) && EqBroadcastResult.equals(y, z)) {
          expectSame(EqBroadcastResult.equals(x, z), true);
        }
        // Equal copies make the transitive case happen in every run.
        expectSame(EqBroadcastResult.equals(x, copyOf(copyOf(x))), true);
      }),
      lawParameters(),
    );
  });
});

// -------------------------------------------------------------------------------------
// Semigroup
// -------------------------------------------------------------------------------------

describe('law: the result semigroup is associative', () => {
  it('should give the same result however three results are grouped, in registration order', () => {
    fc.assert(
      fc.property(threeResults, ([state, x, y, z]) => {
        const { concat } = getBroadcastResultSemigroup(registrationOrder(state));

        expectEqual(concat(concat(x, y), z), concat(x, concat(y, z)));
      }),
      lawParameters(),
    );
  });

  it('should be associative for an order that knows no registry too', () => {
    fc.assert(
      fc.property(threeResults, ([, x, y, z]) => {
        const { concat } = getBroadcastResultSemigroup(byId);

        expectSame(EqBroadcastResult.equals(concat(concat(x, y), z), concat(x, concat(y, z))), true);
      }),
      lawParameters(),
    );
  });

  it("should give each backend its latest answer, sorted by the order, with the right result's operation", () => {
    fc.assert(
      fc.property(threeResults, ([state, x, y]) => {
        const ord = registrationOrder(state);
        const merged = getBroadcastResultSemigroup(ord).concat(x, y);
        const entriesOf = (r: BroadcastResult) => [...r.acks, ...r.timeouts, ...r.failures, ...r.skippedDead];
        const latest = new Map([...entriesOf(x), ...entriesOf(y)].map((e) => [keyId(e.key), e]));

        expectEqual(merged.operation, y.operation);
        expectEqual(new Map(entriesOf(merged).map((e) => [keyId(e.key), e])), latest);
        for (const list of [merged.acks, merged.timeouts, merged.failures, merged.skippedDead]) {
          expectEqual(
            [...list].sort((a, b) => ord.compare(a.key, b.key)),
            list,
          );
        }
        // The status agrees with the lists: the codec, which checks that, accepts the merge.
        expectSame(decode(BroadcastResult, merged)._tag, 'Right');
      }),
      lawParameters(),
    );
  });

  it('should give a result merged with itself back (in registration order, as broadcasts list them)', () => {
    fc.assert(
      fc.property(threeResults, ([state, x]) => {
        expectEqual(getBroadcastResultSemigroup(registrationOrder(state)).concat(x, x), x);
      }),
      lawParameters(),
    );
  });
});

// -------------------------------------------------------------------------------------
// identities
// -------------------------------------------------------------------------------------

describe('law: identities of the result semigroup', () => {
  it('should make emptyResult(op) a two-sided identity for the results of op', () => {
    fc.assert(
      fc.property(registryArbitrary(), broadcastOperationArbitrary(), (state, op) => {
        const { concat } = getBroadcastResultSemigroup(registrationOrder(state));
        const x = broadcast(state, op).result;

        expectEqual(concat(emptyResult(op), x), x);
        expectEqual(concat(x, emptyResult(op)), x);
      }),
      lawParameters(),
    );
  });

  it('should make emptyResult a left identity for every result, whatever its operation', () => {
    fc.assert(
      fc.property(threeResults, broadcastOperationArbitrary(), ([state, x], op) => {
        expectEqual(getBroadcastResultSemigroup(registrationOrder(state)).concat(emptyResult(op), x), x);
      }),
      lawParameters(),
    );
  });

  it('should have no identity over all results: emptyResult(op) is no right identity for another operation', () => {
    fc.assert(
      fc.property(
        registryArbitrary(),
        fc
          .tuple(broadcastOperationArbitrary(), broadcastOperationArbitrary())
          .filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b)),
        (state, [op, other]) => {
          const x = broadcast(state, op).result;

          expectSame(
            EqBroadcastResult.equals(
              getBroadcastResultSemigroup(registrationOrder(state)).concat(x, emptyResult(other)),
              x,
            ),
            false,
          );
        },
      ),
      lawParameters(),
    );
  });

  it('should make none the identity of getBroadcastResultMonoid, and some(x) <> some(y) the semigroup', () => {
    fc.assert(
      fc.property(threeResults, ([state, x, y, z]) => {
        const ord = registrationOrder(state);
        const M = getBroadcastResultMonoid(ord);
        const [ox, oy, oz] = [O.some(x), O.some(y), O.some(z)];

        expectEqual(M.concat(M.empty, ox), ox);
        expectEqual(M.concat(ox, M.empty), ox);
        expectEqual(M.concat(M.empty, M.empty), O.none);
        expectEqual(M.concat(ox, oy), O.some(getBroadcastResultSemigroup(ord).concat(x, y)));
        expectEqual(M.concat(M.concat(ox, oy), oz), M.concat(ox, M.concat(oy, oz)));
      }),
      lawParameters(),
    );
  });
});

// -------------------------------------------------------------------------------------
// retries
// -------------------------------------------------------------------------------------

/**
 * A broadcast, then new answers for the backends it did not get an acknowledgement from (and
 * only them), then the retry.
 */
const broadcastThenRetry = fc
  .tuple(
    registryArbitrary(),
    broadcastOperationArbitrary(),
    fc.array(fc.tuple(fc.nat(), answerArbitrary), { maxLength: 6 }),
  )
  .map(([state, op, changes]) => {
    const first = broadcast(state, op);
    const retried = unacknowledgedKeys(first.result);
    const before = first.state;
    const recovered =
      retried.length === 0
        ? before
        : changes.reduce((s, [at, answer]) => {
            const key = retried[at % retried.length] as BackendKey;
            return setResponse(setLive(s, key, answer.live).state, key, answer.response).state;
          }, before);
    return { op, first: first.result, recovered, retry: retryUnacknowledged(recovered, first.result) };
  });

describe('law: a broadcast merged with its retry', () => {
  it('should equal the broadcast in which the retried backends answered as they did on retry', () => {
    fc.assert(
      fc.property(broadcastThenRetry, ({ op, first, recovered, retry }) => {
        // `recovered` differs from the first registry only in how the retried backends answer.
        const asIfAnsweredSo = broadcast(recovered, op).result;

        expectEqual(mergeRetry(retry.state, first, retry.result), asIfAnsweredSo);
      }),
      lawParameters(),
    );
  });

  it('should send the operation to exactly the keys of timeouts and failures', () => {
    fc.assert(
      fc.property(broadcastThenRetry, ({ op, first, recovered, retry }) => {
        const r = retry.result;
        const listed = [...r.acks, ...r.timeouts, ...r.failures, ...r.skippedDead].map((e) => keyId(e.key));

        expectEqual(retry, broadcastTo(recovered, op, unacknowledgedKeys(first)));
        expectEqual([...listed].sort(), unacknowledgedKeys(first).map(keyId).sort());
        expectEqual(retry.keysNotFound, []);
      }),
      lawParameters(),
    );
  });

  it('should merge retries of retries in any grouping', () => {
    fc.assert(
      fc.property(broadcastThenRetry, ({ first, retry }) => {
        const second = retryUnacknowledged(retry.state, retry.result);
        const { concat } = getBroadcastResultSemigroup(registrationOrder(second.state));

        expectEqual(
          mergeRetry(second.state, mergeRetry(second.state, first, retry.result), second.result),
          concat(first, concat(retry.result, second.result)),
        );
      }),
      lawParameters(),
    );
  });
});

// -------------------------------------------------------------------------------------
// the order
// -------------------------------------------------------------------------------------

describe('law: registrationOrder', () => {
  it('should be a total order that puts registered keys by position, then the others by id', () => {
    fc.assert(
      fc.property(registryArbitrary(), (state) => {
        const ord = registrationOrder(state);
        const registered = backends(state).map((b) => b.key);
        const absent = [key('absent-b'), key('absent-a')];
        const position = (k: BackendKey): number => {
          const at = registered.findIndex((r) => keyId(r) === keyId(k));
          return at < 0 ? Number.POSITIVE_INFINITY : at;
        };
        const expected = (a: BackendKey, b: BackendKey): number =>
          position(a) !== position(b)
            ? N.Ord.compare(position(a), position(b))
            : position(a) === Number.POSITIVE_INFINITY
              ? S.Ord.compare(keyId(a), keyId(b))
              : 0;

        for (const a of [...registered, ...absent]) {
          for (const b of [...registered, ...absent]) {
            expectSame(ord.compare(a, b), expected(a, b));
            expectSame(ord.equals(a, b), keyId(a) === keyId(b));
          }
        }
      }),
      lawParameters(),
    );
  });
});
