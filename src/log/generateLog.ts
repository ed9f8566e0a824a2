/**
 * Deterministic synthetic operation logs, for demos, tests and benchmarks: the same options give
 * the same records, byte for byte once written.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/Either';

import { backend } from '../domain/Backend';
import type { BackendKey, BrokerInstance } from '../domain/BackendKey';
import { backendKey, explicitInstance, privateInstance, sharedInstance } from '../domain/BackendKey';
import type { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { ack, failure, failureReasons, timeout } from '../domain/BroadcastBackendResponse';
import type { BroadcastOperation } from '../domain/BroadcastOperation';
import { quiesceOperation, releaseHandlesOperation } from '../domain/BroadcastOperation';
import { BroadcastPolicy, defaultPolicy } from '../domain/BroadcastPolicy';
import { decode } from '../internal/codec';
import { optionalInteger, optionalOfType, optionsObject } from '../internal/options';
import * as R from '../internal/random';
import type { LogRecord } from './LogRecord';
import { recordStep } from './LogRecord';
import type { LogHeader } from './LogHeader';
import { logHeader } from './LogHeader';
import type { Registry } from '../registry/Registry';
import { createRegistry } from '../registry/Registry';
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

/** Two integers hashed into one 32-bit seed (murmur3's finaliser over both). */
const mix = (a: number, b: number): number => {
  let h = Math.imul((a ^ Math.imul(b | 0, 0x9e3779b9)) >>> 0, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/**
 * Key number `i` of a log generated from `seed`. Each key has a random stream of its own, so a
 * key is made when it is first needed instead of all of them up front: a log naming 100,000,000
 * backends in 1,000 lines holds 1,000 keys, not 100,000,000.
 */
const keyOf = (seed: number, i: number): BackendKey => {
  let s = R.seed(mix(seed, i) ^ Math.floor(i / 4294967296));
  const random = (): number => {
    const [value, after] = R.next(s);
    s = after;
    return value;
  };
  let hash = '';
  const [service, versions] = pick(SERVICES, random());
  const r = random();
  const instance: BrokerInstance =
    r < 0.7 ? sharedInstance : r < 0.85 ? privateInstance(service) : explicitInstance(`ci-runner-${String(i % 4)}`);
  const version = pick(versions, random());
  for (let d = 0; d < 12; d++) {
    hash += Math.floor(random() * 16).toString(16);
  }
  // The index in the hash keeps every key distinct, as two builds of a daemon would be.
  return backendKey(instance, service, version, `${hash}${i.toString(16).padStart(4, '0')}`);
};

/**
 * The backends registered so far, in a form that answers in O(1) what the generator asks: pick
 * one at random, is this one registered and live, add one, remove one (swapping the last one into
 * its place).
 */
interface Registered {
  readonly indexes: number[];
  readonly slots: Map<number, { position: number; live: boolean; readonly key: BackendKey }>;
}

/** Follow `action`, about key number `i`, in `registered`. */
const track = (registered: Registered, action: RegistryAction, i: number): void => {
  switch (action._tag) {
    case 'Register': {
      const slot = registered.slots.get(i);
      if (slot === undefined) {
        registered.slots.set(i, {
          position: registered.indexes.length,
          live: action.backend.live,
          key: action.backend.key,
        });
        registered.indexes.push(i);
      } else {
        slot.live = action.backend.live;
      }
      return;
    }
    case 'SetLive': {
      const slot = registered.slots.get(i);
      if (slot !== undefined) {
        slot.live = action.live;
      }
      return;
    }
    case 'Unregister': {
      const slot = registered.slots.get(i);
      if (slot !== undefined) {
        const last = registered.indexes.pop() as number;
        if (last !== i) {
          registered.indexes[slot.position] = last;
          (registered.slots.get(last) as { position: number }).position = slot.position;
        }
        registered.slots.delete(i);
      }
      return;
    }
    case 'SetResponse':
    case 'Broadcast':
    case 'BroadcastTo':
      return;
  }
};

function* recordsOf(options: CheckedOptions): Generator<LogRecord, void, undefined> {
  let s = R.seed(options.seed);
  const random = (): number => {
    const [value, after] = R.next(s);
    s = after;
    return value;
  };

  const registered: Registered = { indexes: [], slots: new Map() };
  const key = (i: number): BackendKey => registered.slots.get(i)?.key ?? keyOf(options.seed, i);
  const anyKey = (): number => Math.floor(random() * options.backends);
  const someRegistered = (): number | undefined =>
    registered.indexes.length === 0 ? undefined : pick(registered.indexes, random());

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

  /** The next action, with the number of the key it names (-1 for a broadcast). */
  const nextAction = (i: number): readonly [RegistryAction, number] => {
    if (i < options.backends) {
      return [registerAction(backend(key(i), random() < 0.9, response())), i];
    }
    const r = random();
    if (r < 0.2) {
      return [broadcastAction(operation()), -1];
    }
    if (r < 0.55) {
      // Mostly a registered backend going up or down; now and then a late report about a
      // backend that is gone, which the registry answers with KeyNotFound.
      const n = (random() < 0.95 ? someRegistered() : undefined) ?? anyKey();
      const current = registered.slots.get(n);
      return [setLiveAction(key(n), current === undefined ? random() < 0.5 : !current.live), n];
    }
    if (r < 0.82) {
      const n = someRegistered() ?? anyKey();
      return [setResponseAction(key(n), response()), n];
    }
    if (r < 0.95) {
      // A restart: the key registers again, live, replacing whatever was there.
      const n = anyKey();
      return [registerAction(backend(key(n), random() < 0.9, response())), n];
    }
    const n = someRegistered() ?? anyKey();
    return [unregisterAction(key(n)), n];
  };

  // The registry is only needed for the recorded results; without them, nothing here grows with
  // the number of backends but the set of those registered.
  let state: Registry | undefined = options.results ? createRegistry(options.policy) : undefined;
  for (let i = 0; i < options.actions; i++) {
    const [action, n] = nextAction(i);
    track(registered, action, n);
    if (state === undefined) {
      yield action;
      continue;
    }
    const next = recordStep(state, action);
    state = next.state;
    yield next.result;
  }
}

interface CheckedOptions {
  readonly backends: number;
  readonly actions: number;
  readonly seed: number;
  readonly policy: BroadcastPolicy;
  readonly results: boolean;
}

const checkOptions = (options: unknown): CheckedOptions => {
  const fn = 'generateLog';
  if (options === undefined) {
    throw new TypeError(`${fn}: options are required: { backends, actions, seed }`);
  }
  const o = optionsObject(fn, options);
  const required = (name: string, min: number): number => {
    const n = optionalInteger(fn, name, o[name], min);
    if (n === undefined) {
      const what = min <= Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer of at least ${String(min)}`;
      throw new TypeError(`${fn}: ${name} must be ${what}, got nothing`);
    }
    return n;
  };
  const backends = required('backends', 1);
  const actions = required('actions', 0);
  const seed = required('seed', Number.MIN_SAFE_INTEGER);
  let policy = defaultPolicy;
  if (o.policy !== undefined) {
    const decoded = decode(BroadcastPolicy, o.policy);
    if (E.isLeft(decoded)) {
      throw new RangeError(`${fn}: policy.${decoded.left.join('; policy.')}`);
    }
    policy = decoded.right;
  }
  return { backends, actions, seed, policy, results: optionalOfType(fn, 'results', o.results, 'boolean') ?? true };
};

/**
 * A synthetic log for a broker with `backends` backend keys: `actions` lines, first registering
 * each backend, then a mix of liveness flips (about 35%), response changes (27%), broadcasts of
 * both kinds (20%), re-registrations (13%) and unregistrations (5%). Every broadcast line carries
 * the result it had, so a replay can be verified against it (unless `results` is false).
 *
 * Records are made lazily, one at a time, each in O(1) amortised time (apart from a broadcast's
 * recorded result, which lists every registered backend), and memory grows only with the
 * backends registered so far, never with `backends` itself or the length of the log. Invalid
 * options throw a `TypeError` or `RangeError` at the call.
 *
 * @example
 * import * as fs from 'node:fs'
 * import { generateLog } from 'lifecycle-broadcast/incident'
 * import { writeLog } from 'lifecycle-broadcast/node'
 *
 * const { header, records } = generateLog({ backends: 8, actions: 1000, seed: 42 })
 * await writeLog(fs.createWriteStream('synthetic.ndjson'), header, records)
 *
 * @since 0.1.0
 */
export const generateLog = (options: GenerateOptions): GeneratedLog => {
  const checked = checkOptions(options);
  return Object.freeze({
    header: logHeader(checked.policy),
    records: { [Symbol.iterator]: () => recordsOf(checked) },
  });
};

/**
 * About how much a generated log asks of the process that makes it: the most backends it holds
 * at once, the bytes they take, and the longest line it writes, in characters. Upper estimates,
 * so that a size that cannot be held is refused before anything is written.
 *
 * @internal
 */
export interface GeneratedLogFootprint {
  readonly registered: number;
  readonly bytes: number;
  readonly longestLine: number;
}

/** Memory per registered backend: the registry's slot, index entry and key, and the generator's own entry. */
const BYTES_PER_BACKEND = 1024;
/** The longest entry of one backend in a broadcast result, in characters. */
const CHARACTERS_PER_ENTRY = 200;
/** A broadcast line without its entries. */
const LINE_OVERHEAD = 400;

/**
 * The footprint of `generateLog(options)`.
 *
 * @internal
 */
export const generatedLogFootprint = (options: GenerateOptions): GeneratedLogFootprint => {
  const o = checkOptions(options);
  const registered = Math.min(o.backends, o.actions);
  const longestLine = o.results ? LINE_OVERHEAD + registered * CHARACTERS_PER_ENTRY : LINE_OVERHEAD;
  // Building a line takes the line and the result it encodes.
  return { registered, bytes: registered * BYTES_PER_BACKEND + (o.results ? 3 * longestLine : 0), longestLine };
};
