/**
 * Keys: constructors, structural equality, and the canonical id.
 */
import * as fc from 'fast-check';

import {
  EqBackendKey,
  backendKey,
  explicitInstance,
  keyId,
  matchInstance,
  privateInstance,
  sharedInstance,
} from '../../src';
import { copyKey, keyIdentity } from '../../src/domain/BackendKey';
import type { BackendKey, BrokerInstance } from '../../src';
import * as HT from '../../src/internal/HashTrie';

// Names drawn from a tiny alphabet that includes every character JSON must escape, so that
// collisions and escapes both happen often.
const nameArb = fc.string({
  unit: fc.constantFrom('a', 'b', '"', '\\', '\n', '\u2028', '\ud800', 'é', ','),
  minLength: 1,
  maxLength: 4,
});
const instanceArb: fc.Arbitrary<BrokerInstance> = fc.oneof(
  fc.constant(sharedInstance),
  nameArb.map(privateInstance),
  nameArb.map(explicitInstance),
);
const keyArb: fc.Arbitrary<BackendKey> = fc
  .tuple(instanceArb, nameArb, nameArb, fc.constantFrom('', 'ab', '0f'))
  .map(([i, s, v, h]) => backendKey(i, s, v, h));

describe('keyId', () => {
  it('should give equal ids to equal keys and different ids to different keys', () => {
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        expect(keyId(a) === keyId(b)).toBe(EqBackendKey.equals(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('should be the JSON array of the instance and the three fields', () => {
    fc.assert(
      fc.property(keyArb, (k) => {
        const scope = matchInstance<string[]>({
          Shared: () => ['Shared'],
          Private: (i) => ['Private', i.serviceName],
          Explicit: (i) => ['Explicit', i.name],
        })(k.instance);
        expect(keyId(k)).toBe(JSON.stringify([...scope, k.serviceName, k.serviceVersion, k.exeHash]));
      }),
      { numRuns: 300 },
    );
  });

  it('should give a key the same id whether or not it is frozen', () => {
    const frozen = backendKey(privateInstance('soldr'), 'soldr', '0.4.1', 'ab');
    const plain = {
      instance: { _tag: 'Private' as const, serviceName: 'soldr' },
      serviceName: 'soldr',
      serviceVersion: '0.4.1',
      exeHash: 'ab',
    };

    expect(keyId(plain)).toBe(keyId(frozen));
    expect(keyId(frozen)).toBe('["Private","soldr","soldr","0.4.1","ab"]');
  });
});

describe('EqBackendKey', () => {
  it('should compare every field, the instance included', () => {
    const k = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab');

    expect(EqBackendKey.equals(k, { ...k })).toBe(true);
    expect(EqBackendKey.equals(k, { ...k, exeHash: 'ac' })).toBe(false);
    expect(EqBackendKey.equals(k, { ...k, instance: privateInstance('zccache') })).toBe(false);
    expect(
      EqBackendKey.equals(backendKey(explicitInstance('a'), 's', '1'), backendKey(explicitInstance('b'), 's', '1')),
    ).toBe(false);
  });
});

describe('copyKey', () => {
  it('should share a key that is frozen all the way down', () => {
    const k = backendKey(explicitInstance('ci'), 'fbuild', '2.0.3');

    expect(copyKey(k)).toBe(k);
  });

  it('should copy and freeze a key that is not', () => {
    const k = {
      instance: { _tag: 'Explicit' as const, name: 'ci' },
      serviceName: 'fbuild',
      serviceVersion: '2.0.3',
      exeHash: '',
    };

    const copy = copyKey(k);

    expect(copy).not.toBe(k);
    expect(copy).toEqual(k);
    expect(Object.isFrozen(copy) && Object.isFrozen(copy.instance)).toBe(true);
    expect(Object.isFrozen(k)).toBe(false);
  });
});

describe('keyIdentity', () => {
  it('should give the id of keyId with the index hash of that id', () => {
    fc.assert(
      fc.property(keyArb, (k) => {
        const identity = keyIdentity(k);
        expect(identity.id).toBe(keyId(k));
        expect(identity.hash).toBe(HT.hash(identity.id));
      }),
    );
  });

  it('should compute the identity of a frozen key once, and that of a key that can change every time', () => {
    const frozen = backendKey(sharedInstance, 'zccache', '1.11.20', 'ab');
    const plain = {
      instance: { _tag: 'Shared' as const },
      serviceName: 'zccache',
      serviceVersion: '1.11.20',
      exeHash: 'ab',
    };

    const first = keyIdentity(plain);
    plain.serviceVersion = '1.11.21';

    expect(keyIdentity(frozen)).toBe(keyIdentity(frozen));
    expect(keyIdentity(plain).id).not.toBe(first.id);
    expect(keyIdentity(plain).id).toBe(keyId(backendKey(sharedInstance, 'zccache', '1.11.21', 'ab')));
  });
});
