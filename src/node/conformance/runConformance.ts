/**
 * The conformance kit: a battery of checks of the socket protocol (docs/live.md, "The
 * protocol") run against any running backend, each naming the section of the specification it
 * enforces, each bounded in time.
 *
 * @since 0.3.0
 */
import type { Outcome } from '../../live/Transport';
import { show } from '../../internal/codec';
import type { SocketAddress } from '../protocol';
import { SocketAddress as SocketAddressCodec } from '../protocol';
import { DEFAULT_MAX_REPLY_BYTES } from '../socketTransport';
import type { Probe, Waited } from './probe';
import { openProbe, thousandsOf } from './probe';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How long each check waits, by default, for what it expects: 5,000 ms, the broker's default
 * ack timeout (docs/live.md, rule 6).
 *
 * @since 0.3.0
 */
export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

/**
 * Options of `runConformance`.
 *
 * @since 0.3.0
 */
export interface ConformanceOptions {
  /** How long each check waits for a reply or a close (default `DEFAULT_CHECK_TIMEOUT_MS`). */
  readonly timeoutMs?: number;
  /** The longest reply line accepted, in bytes (default `DEFAULT_MAX_REPLY_BYTES`, as the broker). */
  readonly maxReplyBytes?: number;
}

/**
 * The verdict of one check: its name, the section of docs/live.md it enforces (`section`, with
 * the page's `anchor`), what it checks, and whether the backend passed it, with why not.
 *
 * @since 0.3.0
 */
export interface CheckResult {
  readonly name: string;
  readonly section: string;
  readonly anchor: string;
  readonly description: string;
  readonly passed: boolean;
  /** Why it failed (one line); absent when it passed. */
  readonly message?: string;
  readonly durationMs: number;
}

/**
 * What `runConformance` found: every check's verdict, in order, and whether all passed.
 *
 * @since 0.3.0
 */
export interface ConformanceReport {
  readonly address: SocketAddress;
  readonly passed: boolean;
  readonly checks: ReadonlyArray<CheckResult>;
}

/** What a check has: where to connect, its time bound, and the line limit. */
interface CheckContext {
  readonly connect: () => Promise<Probe>;
  readonly timeoutMs: number;
}

interface Check {
  readonly name: string;
  readonly section: string;
  readonly anchor: string;
  readonly description: string;
  /** Resolves with why the backend failed it, or undefined when it passed. */
  readonly run: (context: CheckContext) => Promise<string | undefined>;
}

// -------------------------------------------------------------------------------------
// requests
// -------------------------------------------------------------------------------------

/** A prefix no backend holds files under: releasing its handles is harmless. */
const PROBE_PREFIX = '/nonexistent/lifecycle-broadcast-conformance';

const releaseHandles = { _tag: 'ReleaseHandles', pathPrefix: PROBE_PREFIX } as const;
const quiesce = { _tag: 'Quiesce', reason: 'Maintenance' } as const;
/** An operation no version of the protocol defines. */
const unknownOperation = { _tag: 'ConformanceProbe', detail: 'no backend knows this operation' } as const;

const line = (id: number, operation: unknown, extra: Readonly<Record<string, unknown>> = {}): string =>
  `${JSON.stringify({ id, operation, ...extra })}\n`;

/** Why a wait for replies to `ids` did not end with every reply. */
const missing = (waited: Waited, ids: ReadonlyArray<number>, probe: Probe, timeoutMs: number): string | undefined => {
  const unanswered = ids.filter((id) => !probe.replies.has(id));
  const which = `request${unanswered.length === 1 ? '' : 's'} ${unanswered.join(', ')}`;
  switch (waited._tag) {
    case 'Done':
      return undefined;
    case 'Broken':
      return waited.message;
    case 'Closed':
      return `closed the connection with ${which} unanswered (rule 1; rule 7)`;
    case 'TimedOut':
      return `no reply to ${which} within ${thousandsOf(timeoutMs)} ms (rule 1; rule 6)`;
  }
};

const describeOutcome = (o: Outcome | undefined): string =>
  o === undefined ? 'nothing' : o._tag === 'Ack' ? 'Ack' : `Failure ${o.reason}`;

/** Send `text` asking `ids` on a fresh connection, and wait for every reply. */
const ask = async (
  context: CheckContext,
  text: string | ReadonlyArray<string | Buffer>,
  ids: ReadonlyArray<number>,
): Promise<{ readonly probe: Probe; readonly problem: string | undefined }> => {
  const probe = await context.connect();
  const pieces = typeof text === 'string' ? [text] : text;
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) {
      // Separate writes, apart in time: the backend reads them as separate chunks.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    probe.send(piece, i === 0 ? ids : []);
  }
  const waited = await probe.replied(ids, context.timeoutMs);
  return { probe, problem: missing(waited, ids, probe, context.timeoutMs) };
};

/** A check of one request on a fresh connection, whose outcome `judge` accepts or explains. */
const single =
  (
    text: (id: number) => string | ReadonlyArray<string | Buffer>,
    id: number,
    judge: (o: Outcome) => string | undefined = () => undefined,
  ) =>
  async (context: CheckContext): Promise<string | undefined> => {
    const { probe, problem } = await ask(context, text(id), [id]);
    try {
      const outcome = probe.replies.get(id);
      return problem ?? (outcome === undefined ? undefined : judge(outcome));
    } finally {
      probe.close();
    }
  };

const unsupportedOnly = (o: Outcome): string | undefined =>
  o._tag === 'Failure' && o.reason === 'UnsupportedOperation'
    ? undefined
    : `answered ${describeOutcome(o)} to an operation it cannot know, not Failure UnsupportedOperation (rule 3)`;

/** Send `text` on a fresh connection and expect the backend to close it without a word. */
const closes =
  (text: string | Buffer, what: string) =>
  async (context: CheckContext): Promise<string | undefined> => {
    const probe = await context.connect();
    try {
      probe.send(text);
      const waited = await probe.closedWithin(context.timeoutMs);
      switch (waited._tag) {
        case 'Closed':
          return undefined;
        case 'Broken':
          return waited.message;
        case 'Done':
        case 'TimedOut':
          return `kept the connection open ${thousandsOf(context.timeoutMs)} ms after ${what} (rule 4: close it)`;
      }
    } finally {
      probe.close();
    }
  };

/** Whether the backend still answers on a new connection (after a check that upset one). */
const stillServes = async (context: CheckContext, after: string): Promise<string | undefined> => {
  let probe: Probe;
  try {
    probe = await context.connect();
  } catch (error: unknown) {
    return `no longer accepts connections after ${after}: ${(error as Error).message}`;
  }
  try {
    probe.send(line(1, releaseHandles), [1]);
    const problem = missing(await probe.replied([1], context.timeoutMs), [1], probe, context.timeoutMs);
    return problem === undefined ? undefined : `after ${after}, a new connection: ${problem}`;
  } finally {
    probe.close();
  }
};

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

const REQUESTS = ['Requests', 'requests-broker-to-backend'] as const;
const REPLIES = ['Replies', 'replies-backend-to-broker'] as const;
const FRAMING = ['Transport and framing', 'transport-and-framing'] as const;
const RULES = ['Rules', 'rules'] as const;

const check = (
  name: string,
  [section, anchor]: readonly [string, string],
  description: string,
  run: Check['run'],
): Check => ({ name, section, anchor, description, run });

/**
 * The checks, in the order they run. Each opens its own connections and closes them.
 */
const CHECKS: ReadonlyArray<Check> = [
  check(
    'release-handles',
    REPLIES,
    'a ReleaseHandles request gets exactly one reply, with its id and an outcome',
    single((id) => line(id, releaseHandles), 1),
  ),
  check(
    'quiesce',
    REPLIES,
    'a Quiesce request gets exactly one reply, with its id and an outcome',
    single((id) => line(id, quiesce), 1),
  ),
  check(
    'unknown-operation',
    RULES,
    'rule 3: an operation whose _tag it does not know gets Failure UnsupportedOperation',
    single((id) => line(id, unknownOperation), 1, unsupportedOnly),
  ),
  check(
    'optional-fields',
    REQUESTS,
    'a request with deadlineUnixMs, traceparent and tracestate is answered (a backend may ignore them)',
    single(
      (id) =>
        line(id, releaseHandles, {
          deadlineUnixMs: Date.now() + 3_600_000,
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'conformance=1',
        }),
      1,
    ),
  ),
  check(
    'unknown-field',
    REQUESTS,
    'a field no version defines is ignored: the request is answered',
    single((id) => line(id, releaseHandles, { conformanceProbe: { note: 'ignore me' } }), 1),
  ),
  check(
    'large-id',
    REQUESTS,
    'an id of 2^53 - 1 comes back exactly',
    single((id) => line(id, releaseHandles), Number.MAX_SAFE_INTEGER),
  ),
  check(
    'pipelined',
    RULES,
    'rule 2: three requests in one write each get their reply, matched by id, in any order',
    async (context) => {
      const ids = [3, 1, 2];
      const { probe, problem } = await ask(
        context,
        line(3, releaseHandles) + line(1, unknownOperation) + line(2, quiesce),
        ids,
      );
      try {
        if (problem !== undefined) {
          return problem;
        }
        const unknown = probe.replies.get(1);
        return unsupportedOnly(unknown as Outcome) === undefined
          ? undefined
          : `the reply with id 1 (the unknown operation) is ${describeOutcome(
              unknown,
            )}: replies must carry the id of the request they answer (rule 1; rule 2)`;
      } finally {
        probe.close();
      }
    },
  ),
  check(
    'connections',
    RULES,
    'rule 1: two connections at once, each asking id 1, each get their own reply on their own connection',
    async (context) => {
      const [a, b] = await Promise.all([context.connect(), context.connect()]);
      try {
        a.send(line(1, unknownOperation), [1]);
        b.send(line(1, releaseHandles), [1]);
        const [wa, wb] = await Promise.all([a.replied([1], context.timeoutMs), b.replied([1], context.timeoutMs)]);
        const problem = missing(wa, [1], a, context.timeoutMs) ?? missing(wb, [1], b, context.timeoutMs);
        if (problem !== undefined) {
          return problem;
        }
        return unsupportedOnly(a.replies.get(1) as Outcome) === undefined
          ? undefined
          : `the first connection's unknown operation got ${describeOutcome(
              a.replies.get(1),
            )}: each reply goes on the connection its request came on (rule 1)`;
      } finally {
        a.close();
        b.close();
      }
    },
  ),
  check(
    'split-line',
    FRAMING,
    'a request line arriving in pieces, cut inside a UTF-8 character, is read as one line',
    single((id) => {
      const bytes = Buffer.from(line(id, { _tag: 'ReleaseHandles', pathPrefix: `${PROBE_PREFIX}/caf\u00e9` }));
      const cut = bytes.indexOf(0xc3) + 1;
      return [bytes.subarray(0, 10), bytes.subarray(10, cut), bytes.subarray(cut)];
    }, 1),
  ),
  check(
    'empty-lines-and-crlf',
    FRAMING,
    'empty lines are skipped and a carriage return before the line feed is ignored',
    single((id) => `\n\r\n${line(id, releaseHandles).trimEnd()}\r\n`, 1),
  ),
  check(
    'reconnect',
    FRAMING,
    'after the broker closes a connection, a new one is served (ids start again)',
    async (context) => {
      const first = await ask(context, line(1, releaseHandles), [1]);
      first.probe.close();
      if (first.problem !== undefined) {
        return `first connection: ${first.problem}`;
      }
      const second = await ask(context, line(1, quiesce), [1]);
      second.probe.close();
      return second.problem === undefined ? undefined : `second connection: ${second.problem}`;
    },
  ),
  check(
    'not-json',
    RULES,
    'rule 4: a line that is not JSON is not answered: the backend closes the connection',
    closes('this is not JSON\n', 'a line that is not JSON'),
  ),
  check(
    'no-id',
    RULES,
    'rule 4: a request without a positive integer id is not answered: the backend closes the connection',
    closes(`${JSON.stringify({ id: 0, operation: releaseHandles })}\n`, 'a request with id 0'),
  ),
  check(
    'oversized-line',
    FRAMING,
    'a request line of 1 MiB is answered or its connection closed, and the backend goes on serving',
    async (context) => {
      const probe = await context.connect();
      try {
        const padding = 'x'.repeat(1024 * 1024);
        probe.send(line(1, releaseHandles, { padding }), [1]);
        const waited = await probe.replied([1], context.timeoutMs);
        if (waited._tag === 'Broken') {
          return waited.message;
        }
        if (waited._tag === 'TimedOut') {
          return `neither answered nor closed the connection within ${thousandsOf(
            context.timeoutMs,
          )} ms of a 1 MiB request line`;
        }
      } finally {
        probe.close();
      }
      return stillServes(context, 'a 1 MiB request line');
    },
  ),
];

// -------------------------------------------------------------------------------------
// runner
// -------------------------------------------------------------------------------------

const positiveInteger = (name: string, value: unknown, fallback: number): number => {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) {
    return value;
  }
  throw new RangeError(`runConformance: ${name}: expected a positive integer, got ${show(value)}`);
};

/**
 * The names of the checks `runConformance` runs, in order.
 *
 * @since 0.3.0
 */
export const conformanceChecks: ReadonlyArray<string> = Object.freeze(CHECKS.map((c) => c.name));

/**
 * Run the conformance checks against the backend at `address`, one after the other, each on
 * connections of its own and waiting at most `timeoutMs`. Rejects (one line) only when nothing
 * accepts a connection there. The checks send `ReleaseHandles` and `Quiesce Maintenance`.
 *
 * @example
 * import { runConformance } from 'lifecycle-broadcast/node'
 *
 * const report = await runConformance({ path: '/run/broker/zccache.sock' })
 * for (const c of report.checks) console.log(c.passed ? 'pass' : 'FAIL', c.name, c.message ?? '')
 *
 * @since 0.3.0
 */
export const runConformance = async (
  address: SocketAddress,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> => {
  if (!SocketAddressCodec.is(address)) {
    throw new TypeError(`runConformance: expected { path } or { host, port }, got ${show(address)}`);
  }
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs, DEFAULT_CHECK_TIMEOUT_MS);
  const maxReplyBytes = positiveInteger('maxReplyBytes', options.maxReplyBytes, DEFAULT_MAX_REPLY_BYTES);
  const context: CheckContext = { connect: () => openProbe(address, timeoutMs, maxReplyBytes), timeoutMs };
  // Reachable at all? Otherwise there is nothing to check.
  (await context.connect()).close();
  const results: CheckResult[] = [];
  for (const c of CHECKS) {
    const started = Date.now();
    let message: string | undefined;
    try {
      message = await c.run(context);
    } catch (error: unknown) {
      message = (error as Error).message;
    }
    results.push(
      Object.freeze({
        name: c.name,
        section: c.section,
        anchor: c.anchor,
        description: c.description,
        passed: message === undefined,
        ...(message === undefined ? {} : { message }),
        durationMs: Date.now() - started,
      }),
    );
  }
  return Object.freeze({
    address,
    passed: results.every((r) => r.passed),
    checks: Object.freeze(results),
  });
};
