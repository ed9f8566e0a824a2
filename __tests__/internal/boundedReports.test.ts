/**
 * A hostile value makes a bounded report: a fixed number of lines per value, whatever the number
 * of problems, and no spread of its problems onto the call stack.
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

import { BackendKey, formatErrors } from '../../src';
import { MAX_LISTED, arrayOf, closed, decode } from '../../src/internal/codec';
import { expectLeft } from '../support/helpers';

const zccache = { instance: { _tag: 'Shared' }, serviceName: 'zccache', serviceVersion: '1.11.20', exeHash: '' };

describe('formatErrors', () => {
  it('should give at most 10 lines and then one "and N more"', () => {
    const errors: t.Errors = Array.from({ length: 25 }, (_, i) => ({
      value: i,
      context: [{ key: '', type: t.string, actual: i }],
    }));
    const lines = formatErrors(errors);
    expect(lines).toHaveLength(MAX_LISTED + 1);
    expect(lines[0]).toBe('(root): expected string, got 0');
    expect(lines[MAX_LISTED]).toBe('and 15 more');
  });

  it('should count identical lines once', () => {
    const error = { value: 1, context: [{ key: '', type: t.string, actual: 1 }] };
    expect(formatErrors([error, error, error])).toEqual(['(root): expected string, got 1']);
  });

  it('should report 200,000 problems without overflowing the stack', () => {
    const errors: t.Errors = Array.from({ length: 200_000 }, (_, i) => ({
      value: i,
      context: [{ key: String(i), type: t.string, actual: i }],
    }));
    const lines = formatErrors(errors);
    expect(lines).toHaveLength(MAX_LISTED + 1);
    expect(lines[MAX_LISTED]).toBe('and 199990 more');
  });
});

describe('arrayOf', () => {
  const Keys = closed('Keys', { keys: arrayOf(BackendKey) });

  it('should decode a valid array to itself', () => {
    const value = { keys: [zccache, zccache] };
    expect(decode(Keys, value)).toEqual(E.right(value));
    expect(E.isRight(decode(Keys, value)) && (decode(Keys, value) as E.Right<unknown>).right).toBe(value);
  });

  it('should list the problems of the first 10 bad elements and count the others', () => {
    const keys = Array.from({ length: 300_000 }, (_, i) => (i % 2 === 0 ? zccache : i));
    const lines = expectLeft(decode(Keys, { keys }));
    expect(lines).toHaveLength(MAX_LISTED + 1);
    expect(lines[0]).toBe('keys[1]: expected BackendKey, got 1');
    expect(lines[MAX_LISTED]).toBe(`and ${String(150_000 - MAX_LISTED)} more`);
  });

  it('should be what a wrong element of an array is reported as, with its index', () => {
    expect(expectLeft(decode(arrayOf(t.boolean), [true, 'yes']))).toEqual(['[1]: expected boolean, got "yes"']);
  });
});

describe('closed', () => {
  it('should list 10 unknown fields of a record and count the others', () => {
    const extra = Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`f${String(i)}`, i]));
    const lines = expectLeft(decode(BackendKey, { ...zccache, ...extra }));
    expect(lines).toHaveLength(MAX_LISTED + 1);
    expect(lines[0]).toBe('f0: unexpected field, got 0');
    expect(lines[MAX_LISTED]).toBe(`and ${String(150_000 - MAX_LISTED)} more`);
  });
});
