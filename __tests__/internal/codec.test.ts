import * as E from 'fp-ts/Either';

import { Backend, BackendKey } from '../../src';
import { decode } from '../../src/internal/codec';

const zccache = {
  instance: { _tag: 'Shared' },
  serviceName: 'zccache',
  serviceVersion: '1.11.20',
  exeHash: '',
};

const errorsOf = (result: E.Either<ReadonlyArray<string>, unknown>): ReadonlyArray<string> =>
  E.isLeft(result) ? result.left : [];

describe('decode', () => {
  it('should shorten a long unexpected field name in the path of its message', () => {
    const name = `weird key ${'x'.repeat(500)}`;

    const lines = errorsOf(decode(BackendKey, { ...zccache, [name]: 1 }));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\["weird key x+\.\.\."\]: unexpected field, got 1$/);
    expect(lines[0]?.length).toBeLessThan(80);
  });

  it('should shorten a long identifier-like field name in the path of its message', () => {
    const name = 'y'.repeat(500);

    const lines = errorsOf(decode(Backend, { key: zccache, live: true, response: { _tag: 'Ack' }, [name]: 1 }));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^y+\.\.\.: unexpected field, got 1$/);
    expect(lines[0]?.length).toBeLessThan(80);
  });

  it('should keep short field names whole', () => {
    const input = { key: { ...zccache, 'exe hash': 'ab' }, live: true, response: { _tag: 'Ack' } };

    const lines = errorsOf(decode(Backend, input));

    expect(lines).toEqual(['key["exe hash"]: unexpected field, got "ab"']);
  });
});
