/**
 * `match` folds look their handler up among the handlers' own properties only: a value tagged
 * with the name of an `Object.prototype` member reaches no inherited function.
 */
import { matchOperation, matchResponse, quiesceOperation } from '../../src';
import { matchTag } from '../../src/internal/match';

describe('matchTag', () => {
  const describeOperation = matchOperation({
    ReleaseHandles: (op) => `release ${op.pathPrefix}`,
    Quiesce: (op) => `quiesce ${op.reason}`,
  });

  it('should call the handler of the tag', () => {
    expect(describeOperation(quiesceOperation('Maintenance'))).toBe('quiesce Maintenance');
  });

  it.each(['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf'])(
    'should refuse a value tagged %j with a TypeError naming the tags it handles',
    (tag) => {
      expect(() => describeOperation({ _tag: tag } as never)).toThrow(
        new TypeError(
          `match: expected a value tagged "ReleaseHandles" | "Quiesce", got {"_tag":${JSON.stringify(tag)}}`,
        ),
      );
    },
  );

  it('should refuse a value that is not tagged at all', () => {
    const describeResponse = matchResponse({ Ack: () => 1, Timeout: () => 2, Failure: () => 3 });
    expect(() => describeResponse(null as never)).toThrow(TypeError);
    expect(() => describeResponse('Ack' as never)).toThrow(
      'match: expected a value tagged "Ack" | "Timeout" | "Failure", got "Ack"',
    );
  });

  it('should not reach a handler inherited by the handlers object', () => {
    const inherited = Object.create({ Hidden: () => 'inherited' }) as Record<string, () => string>;
    inherited.Shown = () => 'own';
    const fold = matchTag<{ readonly _tag: 'Shown' } | { readonly _tag: 'Hidden' }>()(inherited as never);
    expect(fold({ _tag: 'Shown' })).toBe('own');
    expect(() => fold({ _tag: 'Hidden' })).toThrow(TypeError);
  });
});
