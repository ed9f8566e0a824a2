/**
 * Deterministic synthetic operation logs, for demos, tests and benchmarks: the same options give
 * the same records, byte for byte once written.
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/Option';

import type { Backend } from '../domain/Backend';
import { backend } from '../domain/Backend';
import type { BackendKey, BrokerInstance } from '../domain/BackendKey';
import { backendKey, explicitInstance, privateInstance, sharedInstance } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { ack, failure, failureReasons, timeout } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { quiesceOperation, releaseHandlesOperation } from '../domain/BroadcastOperation';
import type { BroadcastPolicy } from '../domain/BroadcastPolicy';
import { defaultPolicy } from '../domain/BroadcastPolicy';
import * as R from '../internal/random';
import type { LogRecord } from './LogRecord';
import { recordStep } from './LogRecord';
import type { LogHeader } from './LogHeader';
import { logHeader } from './LogHeader';
import type { Registry } from '../registry/Registry';
import { backends as registered, createRegistry, lookup } from '../registry/Registry';
import type { RegistryAction } from '../registry/RegistryAction';
import {
  broadcastAction,
  registerAction,
  setLiveAction,
  setResponseAction,
  unregisterAction,
} from '../registry/RegistryAction';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What to generate: how many backend keys, how many action lines, from which seed.
 *
 * @since 0.1.0
 */
export interface GenerateOptions {
  /** How many distinct backend keys the log uses (at least 1). */
  readonly backends: number;
  /** How many action lines follow the header. */
  readonly actions: number;
  /** Any integer; only its low 32 bits matter. */
  readonly seed: number;
  /** The policy of the header (the default policy when omitted). */
  readonly policy?: BroadcastPolicy;
  /**
   * Whether broadcast lines carry their recorded result (true when omitted). Without results a
   * log is much smaller, but a replay cannot be verified against it.
   */
  readonly results?: boolean;
}

/**
 * A generated log: its header and its records, produced lazily one at a time.
 *
 * @since 0.1.0
 */
export interface GeneratedLog {
  readonly header: LogHeader;
  readonly records: Iterable<LogRecord>;
}

// -------------------------------------------------------------------------------------
// vocabulary
// -------------------------------------------------------------------------------------

const SERVICES: ReadonlyArray<readonly [name: string, versions: ReadonlyArray<string>]> = [
  ['zccache', ['1.11.19', '1.11.20']],
  ['soldr', ['0.4.1', '0.5.0']],
  ['fbuild', ['2.0.0', '2.1.3']],
  ['indexd', ['3.2.0']],
  ['lspd', ['0.9.7', '0.10.0']],
];

const CACHE_ROOTS: ReadonlyArray<string> = [
  '/home/dev/.cache/zccache',
  '/home/dev/.cache/soldr/objects',
  '/var/cache/fbuild/artifacts',
  '/var/cache/indexd',
  '/tmp/lspd-workspace',
];

// -------------------------------------------------------------------------------------
// generator
// -------------------------------------------------------------------------------------

const pick = <A>(as: ReadonlyArray<A>, u: number): A => as[Math.floor(u * as.length)] as A;

function* recordsOf(options: GenerateOptions, policy: BroadcastPolicy): Generator<LogRecord, void, undefined> {
  let s = R.seed(options.seed);
  const random = (): number => {
    const [value, after] = R.next(s);
    s = after;
    return value;
  };
  const hex = (digits: number): string => {
    let out = '';
    for (let i = 0; i < digits; i++) {
      out += Math.floor(random() * 16).toString(16);
    }
    return out;
  };

  const keys: BackendKey[] = [];
  for (let i = 0; i < options.backends; i++) {
    const [service, versions] = pick(SERVICES, random());
    const r = random();
    const instance: BrokerInstance =
      r < 0.7 ? sharedInstance : r < 0.85 ? privateInstance(service) : explicitInstance(`ci-runner-${String(i % 4)}`);
    // The index in the hash keeps every key distinct, as two builds of a daemon would be.
    keys.push(backendKey(instance, service, pick(versions, random()), `${hex(12)}${i.toString(16).padStart(4, '0')}`));
  }

  const response = (): BroadcastBackendResponse => {
    const r = random();
    return r < 0.8 ? ack : r < 0.9 ? timeout : failure(pick(failureReasons, random()));
  };
  const operation = (): BroadcastOperation => {
    if (random() < 0.45) {
      return releaseHandlesOperation(pick(CACHE_ROOTS, random()));
    }
    const r = random();
    return quiesceOperation(r < 0.6 ? 'IdleTimeout' : r < 0.9 ? 'Maintenance' : 'BrokerShutdown');
  };
  const someRegistered = (state: Registry): Backend | undefined => {
    const all = registered(state);
    return all.length === 0 ? undefined : pick(all, random());
  };

  const nextAction = (state: Registry, i: number): RegistryAction => {
    if (i < keys.length) {
      return registerAction(backend(keys[i] as BackendKey, random() < 0.9, response()));
    }
    const r = random();
    if (r < 0.2 || keys.length === 0) {
      return broadcastAction(operation());
    }
    if (r < 0.55) {
      // Mostly a registered backend going up or down; now and then a late report about a
      // backend that is gone, which the registry answers with KeyNotFound.
      const b = random() < 0.95 ? someRegistered(state) : undefined;
      const key = b?.key ?? pick(keys, random());
      const current = O.toUndefined(lookup(state, key));
      return setLiveAction(key, current === undefined ? random() < 0.5 : !current.live);
    }
    if (r < 0.82) {
      const key = someRegistered(state)?.key ?? pick(keys, random());
      return setResponseAction(key, response());
    }
    if (r < 0.95) {
      // A restart: the key registers again, live, replacing whatever was there.
      return registerAction(backend(pick(keys, random()), random() < 0.9, response()));
    }
    const b = someRegistered(state);
    return unregisterAction(b?.key ?? pick(keys, random()));
  };

  const withResults = options.results ?? true;
  let state = createRegistry(policy);
  for (let i = 0; i < options.actions; i++) {
    const next = recordStep(state, nextAction(state, i), withResults);
    state = next.state;
    yield next.result;
  }
}

/**
 * A synthetic log for a broker with `backends` backend keys: `actions` lines, first registering
 * each backend, then a mix of liveness flips (about 35%), response changes (27%), broadcasts of
 * both kinds (20%), re-registrations (13%) and unregistrations (5%). Every broadcast line carries
 * the result it had, so a replay can be verified against it (unless `results` is false). Records are made lazily, so a log of
 * any length takes constant memory beyond its registry.
 *
 * @example
 * import * as fs from 'node:fs'
 * import { generateLog } from 'lifecycle-broadcast'
 * import { writeLog } from 'lifecycle-broadcast/node'
 *
 * const { header, records } = generateLog({ backends: 8, actions: 1000, seed: 42 })
 * await writeLog(fs.createWriteStream('synthetic.ndjson'), header, records)
 *
 * @since 0.1.0
 */
export const generateLog = (options: GenerateOptions): GeneratedLog => {
  const policy = options.policy ?? defaultPolicy;
  return Object.freeze({
    header: logHeader(policy),
    records: { [Symbol.iterator]: () => recordsOf(options, policy) },
  });
};
