/**
 * Where things live on NATS: the subject a backend listens on, derived from its `BackendKey` by
 * a reversible escaping scheme, and the subjects of brokers and of their logs (docs/fleet.md).
 *
 * @since 0.3.0
 */
import * as E from 'fp-ts/Either';

import type { BackendKey, BrokerInstance } from '../domain/BackendKey';
import { backendKey, explicitInstance, privateInstance, sharedInstance } from '../domain/BackendKey';
import { show } from '../internal/codec';
import { errorMessage } from '../internal/errorMessage';

// -------------------------------------------------------------------------------------
// tokens
// -------------------------------------------------------------------------------------

/** The characters a token keeps as they are; every other byte is written `%XX`. */
const PLAIN = /^[A-Za-z0-9_-]$/;

/** The token of an empty field (`%` alone is no escape, so it cannot be confused with one). */
const EMPTY_TOKEN = '%';

const hex = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * One field as one NATS subject token: ASCII letters, digits, `_` and `-` stay, every other byte
 * of its UTF-8 encoding is written `%XX` (upper-case hex), so `.`, `*`, `>`, `%`, spaces and
 * anything outside ASCII never reach the subject; the empty string is `%`. `unescapeToken` gives
 * the field back.
 *
 * @example
 * import { escapeToken } from 'lifecycle-broadcast/nats'
 *
 * escapeToken('1.0.0') // '1%2E0%2E0'
 * escapeToken('ci runner>1') // 'ci%20runner%3E1'
 * escapeToken('') // '%'
 *
 * @since 0.3.0
 */
export const escapeToken = (field: string): string => {
  if (field === '') {
    return EMPTY_TOKEN;
  }
  let out = '';
  for (const c of field) {
    out += PLAIN.test(c) ? c : Array.from(encoder.encode(c), hex).join('');
  }
  return out;
};

const TOKEN = /^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$/;

/**
 * The field `token` was escaped from, or a one-line reason it is not a token `escapeToken` writes.
 *
 * @since 0.3.0
 */
export const unescapeToken = (token: string): E.Either<string, string> => {
  if (token === EMPTY_TOKEN) {
    return E.right('');
  }
  if (!TOKEN.test(token)) {
    return E.left(`${show(token)} is not an escaped token`);
  }
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '%') {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  try {
    const field = decoder.decode(new Uint8Array(bytes));
    return escapeToken(field) === token ? E.right(field) : E.left(`${show(token)} is not escaped the one way`);
  } catch {
    return E.left(`${show(token)} does not escape UTF-8`);
  }
};

// -------------------------------------------------------------------------------------
// subjects
// -------------------------------------------------------------------------------------

/**
 * The default first tokens of the subjects backends listen on.
 *
 * @since 0.3.0
 */
export const DEFAULT_BACKEND_PREFIX = 'lifecycle.backend';

/**
 * The default first tokens of the subjects brokers listen on.
 *
 * @since 0.3.0
 */
export const DEFAULT_BROKER_PREFIX = 'lifecycle.broker';

const PREFIX = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;

/**
 * `prefix` if it is one or more literal subject tokens (no wildcard, no space, no empty token),
 * otherwise a one-line `RangeError` naming `fn`.
 *
 * @internal
 */
export const checkedPrefix = (fn: string, prefix: unknown): string => {
  if (typeof prefix === 'string' && PREFIX.test(prefix)) {
    return prefix;
  }
  throw new RangeError(
    `${fn}: prefix: expected literal subject tokens such as 'lifecycle.backend', got ${show(prefix)}`,
  );
};

const instanceTokens = (instance: BrokerInstance): string => {
  switch (instance._tag) {
    case 'Shared':
      return `shared.${EMPTY_TOKEN}`;
    case 'Private':
      return `private.${escapeToken(instance.serviceName)}`;
    case 'Explicit':
      return `explicit.${escapeToken(instance.name)}`;
    default: {
      const unknown: never = instance;
      return unknown;
    }
  }
};

/**
 * The subject a backend listens on: `prefix`, then five tokens, the instance kind (`shared`,
 * `private`, `explicit`), the instance's name (`%` for shared), the service name, the service
 * version and the executable hash (`%` when empty), each escaped by `escapeToken`. Every key has
 * its own subject and `backendKeyOfSubject` gives the key back. A broker's backends share the
 * subjects under `prefix.explicit.NAME.>` (or `prefix.shared.%.>`).
 *
 * @example
 * import { backendKey, explicitInstance } from 'lifecycle-broadcast'
 * import { backendSubject } from 'lifecycle-broadcast/nats'
 *
 * backendSubject(backendKey(explicitInstance('ci-runner-1'), 'zccache', '1.0.0'))
 * // 'lifecycle.backend.explicit.ci-runner-1.zccache.1%2E0%2E0.%'
 *
 * @since 0.3.0
 */
export const backendSubject = (key: BackendKey, prefix: string = DEFAULT_BACKEND_PREFIX): string =>
  `${prefix}.${instanceTokens(key.instance)}.${escapeToken(key.serviceName)}.${escapeToken(
    key.serviceVersion,
  )}.${escapeToken(key.exeHash)}`;

/**
 * The key whose subject (under `prefix`) is `subject`, or a one-line reason it is none.
 *
 * @since 0.3.0
 */
export const backendKeyOfSubject = (
  subject: string,
  prefix: string = DEFAULT_BACKEND_PREFIX,
): E.Either<string, BackendKey> => {
  if (!subject.startsWith(`${prefix}.`)) {
    return E.left(`${show(subject)} is not under ${show(prefix)}`);
  }
  const tokens = subject.slice(prefix.length + 1).split('.');
  if (tokens.length !== 5) {
    return E.left(`${show(subject)} has ${String(tokens.length)} tokens after the prefix, not 5`);
  }
  const fields: string[] = [];
  for (const token of tokens) {
    const field = unescapeToken(token);
    if (E.isLeft(field)) {
      return E.left(`${show(subject)}: ${field.left}`);
    }
    fields.push(field.right);
  }
  const [kind = '', name = '', service = '', version = '', exeHash = ''] = fields;
  try {
    const instance =
      kind === 'shared' && name === ''
        ? sharedInstance
        : kind === 'private'
          ? privateInstance(name)
          : kind === 'explicit'
            ? explicitInstance(name)
            : undefined;
    return instance === undefined
      ? E.left(`${show(subject)}: ${show(kind)} is not an instance kind (shared, private, explicit)`)
      : E.right(backendKey(instance, service, version, exeHash));
  } catch (error: unknown) {
    return E.left(`${show(subject)}: ${errorMessage(error)}`);
  }
};

/**
 * The subject a broker named `name` listens on: `prefix.` and its escaped name.
 *
 * @example
 * import { brokerSubject } from 'lifecycle-broadcast/nats'
 *
 * brokerSubject('ci-runner-1') // 'lifecycle.broker.ci-runner-1'
 *
 * @since 0.3.0
 */
export const brokerSubject = (name: string, prefix: string = DEFAULT_BROKER_PREFIX): string =>
  `${prefix}.${escapeToken(name)}`;
