/**
 * The subjects backends listen on: every key has its own, made only of what a NATS subject
 * token may hold, and gives its key back; anything else is refused with one line.
 */
import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';

import { backendKey, explicitInstance, privateInstance, sharedInstance } from '../../src';
import type { BackendKey } from '../../src';
import {
  backendKeyOfSubject,
  backendSubject,
  brokerSubject,
  escapeToken,
  natsTransport,
  unescapeToken,
} from '../../src/nats';

/** Fields with what subjects cannot hold as they are: dots, wildcards, spaces, `%`, non-ASCII. */
const field = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', '*', '>', ' ', '%', '\t', 'é', '😀', '\u2028'),
  maxLength: 12,
});
const name = field.filter((s) => s.length > 0);
const hex = fc.string({
  unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'),
  maxLength: 8,
});
const key: fc.Arbitrary<BackendKey> = fc
  .tuple(
    fc.oneof(
      fc.constant(sharedInstance),
      name.map((n) => privateInstance(n)),
      name.map((n) => explicitInstance(n)),
    ),
    name,
    name,
    hex,
  )
  .map(([instance, service, version, exeHash]) => backendKey(instance, service, version, exeHash));

/** A subject token a NATS server takes literally: no separator, no wildcard, no white space. */
const LITERAL_TOKEN = /^[A-Za-z0-9_%-]+$/;

describe('escapeToken', () => {
  it('should write a literal token that unescapeToken reads back, for any field', () => {
    fc.assert(
      fc.property(field, (f) => {
        const token = escapeToken(f);
        expect(token).toMatch(LITERAL_TOKEN);
        expect(unescapeToken(token)).toEqual(E.right(f));
      }),
    );
  });

  it('should escape as documented', () => {
    expect([
      escapeToken('1.0.0'),
      escapeToken('ci runner>1'),
      escapeToken(''),
      escapeToken('%'),
      escapeToken('é'),
    ]).toEqual(['1%2E0%2E0', 'ci%20runner%3E1', '%', '%25', '%C3%A9']);
  });

  it('should refuse a token it does not write, with one line', () => {
    expect(unescapeToken('a.b')).toEqual(E.left('"a.b" is not an escaped token'));
    expect(unescapeToken('%2e')).toEqual(E.left('"%2e" is not an escaped token'));
    expect(unescapeToken('%41')).toEqual(E.left('"%41" is not escaped the one way'));
    expect(unescapeToken('%FF')).toEqual(E.left('"%FF" does not escape UTF-8'));
  });
});

describe('backendSubject', () => {
  it('should give every key its own subject of literal tokens, which gives the key back', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const subject = backendSubject(a);
        expect(
          subject
            .split('.')
            .slice(2)
            .every((t) => LITERAL_TOKEN.test(t)),
        ).toBe(true);
        expect(backendKeyOfSubject(subject)).toEqual(E.right(a));
        expect(subject === backendSubject(b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
    );
  });

  it('should put every backend of a broker under one wildcard', () => {
    expect(backendSubject(backendKey(explicitInstance('ci-runner-1'), 'zccache', '1.0.0'), 'fleet.b')).toBe(
      'fleet.b.explicit.ci-runner-1.zccache.1%2E0%2E0.%',
    );
    expect(backendSubject(backendKey(sharedInstance, 'soldr', '2', 'ab'))).toBe(
      'lifecycle.backend.shared.%.soldr.2.ab',
    );
  });

  it('should refuse a subject that is not one, with one line', () => {
    expect(backendKeyOfSubject('other.x')).toEqual(E.left('"other.x" is not under "lifecycle.backend"'));
    expect(backendKeyOfSubject('lifecycle.backend.shared.%.a.b')).toEqual(
      E.left('"lifecycle.backend.shared.%.a.b" has 4 tokens after the prefix, not 5'),
    );
    expect(backendKeyOfSubject('lifecycle.backend.public.x.a.b.%')).toEqual(
      E.left('"lifecycle.backend.public.x.a.b.%": "public" is not an instance kind (shared, private, explicit)'),
    );
    expect(backendKeyOfSubject('lifecycle.backend.private.%.a.b.%')).toEqual(
      E.left(expect.stringMatching(/^"lifecycle\.backend\.private\.%\.a\.b\.%": privateInstance: /) as unknown),
    );
  });

  it('should refuse a prefix that is not literal tokens', () => {
    expect(() => natsTransport({ connection: { publish: () => undefined } as never, prefix: 'a.*' })).toThrow(
      `natsTransport: prefix: expected literal subject tokens such as 'lifecycle.backend', got "a.*"`,
    );
  });
});

describe('brokerSubject', () => {
  it('should escape the broker name into one token', () => {
    expect(brokerSubject('ci-runner-1')).toBe('lifecycle.broker.ci-runner-1');
    expect(brokerSubject('a.b >')).toBe('lifecycle.broker.a%2Eb%20%3E');
  });
});
