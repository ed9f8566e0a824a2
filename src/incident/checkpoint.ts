/**
 * Checkpoints of a replay, for fast time travel in long logs: the registry, the statistics and
 * the verification counts as they were after a line, saved as plain JSON with the position and
 * hash of the log prefix they cover, and restored to resume the replay there. A log's index is
 * NDJSON: a header line, then one checkpoint per line, each holding only the broadcast operations
 * since the one before (the registry's list of operations only ever grows), so that the index
 * stays a small fraction of the log.
 *
 * This module is pure: hashing and reading the log are the caller's.
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import * as t from 'io-ts';

import { Backend } from '../domain/Backend';
import { BackendKey, keyId } from '../domain/BackendKey';
import { BroadcastBackendResponse } from '../domain/BroadcastBackendResponse';
import { BroadcastResult } from '../domain/BroadcastResult';
import { BroadcastOperation } from '../domain/BroadcastOperation';
import { Hex, Millis, closed, decode, tagged } from '../internal/codec';
import * as HT from '../internal/HashTrie';
import * as V from '../internal/Vector';
import { LogHeader } from '../log/LogHeader';
import type { BackendTally, LogStats } from '../replay/LogStats';
import type { Audience } from '../registry/Registry';
import { restoreRegistry, slotImages } from '../registry/Registry';
import type { Divergence } from '../replay/verify';
import type { ReplayStart } from '../replay/replayLines';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The name an index gives in its header's `format` field.
 *
 * @since 0.2.0
 */
export const INDEX_FORMAT = 'lifecycle-broadcast-index';

/**
 * The index format version this library writes and reads. Version 3 writes each checkpoint as a
 * few bounded lines (`IndexPart`), and seals every line with a digest chained to the line
 * before (`digest`, its last field): the SHA-256, or with a key, the HMAC-SHA256.
 *
 * @since 0.2.0
 */
export const INDEX_VERSION = 3;

/**
 * How an index's lines are sealed: `sha256` detects accidents (a damaged, cut or stale index);
 * `hmac-sha256`, keyed, also a deliberate edit by anyone without the key.
 *
 * @since 0.3.0
 */
export type IndexSeal = 'sha256' | 'hmac-sha256';

/**
 * The largest share of a log its index takes by default: 0.1, a tenth. A checkpoint is written
 * only when the index with it stays within that share of the log before it, so checkpoints are
 * spaced by their cost: the larger the registry, the farther apart.
 *
 * @since 0.3.0
 */
export const DEFAULT_INDEX_SHARE = 0.1;

/**
 * How many entries (slots, statistics rows, operations) one line of an index holds at most.
 *
 * @since 0.3.0
 */
export const INDEX_PART_SIZE = 1000;

/**
 * How many lines apart an index's checkpoints are by default: 5,000.
 *
 * @since 0.2.0
 */
export const DEFAULT_CHECKPOINT_EVERY = 5000;

const Count = Millis;

const IndexHeaderC = closed('IndexHeader', {
  format: t.literal(INDEX_FORMAT),
  version: t.literal(INDEX_VERSION),
  every: Count,
  share: t.number,
  seal: t.keyof({ sha256: null, 'hmac-sha256': null }),
});

/**
 * The first line of an index: the format, its version, how many lines apart its checkpoints
 * may be (at least; `share` spaces them farther), the largest share of the log the index takes,
 * and how its lines are sealed.
 *
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IndexHeader extends t.TypeOf<typeof IndexHeaderC> {}

/**
 * The codec of `IndexHeader`.
 *
 * @since 0.2.0
 */
export const IndexHeader: t.Type<IndexHeader, t.OutputOf<typeof IndexHeaderC>> = IndexHeaderC;

const SlotImageC = closed('SlotImage', {
  backend: Backend,
  liveSince: t.number,
  history: t.union([t.null, t.readonlyArray(Count)]),
});

const TallyImageC = closed('TallyImage', {
  key: BackendKey,
  registered: t.boolean,
  live: t.boolean,
  response: BroadcastBackendResponse,
  registrations: Count,
  acks: Count,
  timeouts: Count,
  failures: Count,
  skipped: Count,
  since: Count,
});

const counts = <K extends string>(name: string, keys: ReadonlyArray<K>) =>
  closed(name, Object.fromEntries(keys.map((k) => [k, Count])) as Record<K, typeof Count>);

const statsHead = {
  steps: Count,
  actions: counts('Actions', ['Register', 'SetLive', 'SetResponse', 'Unregister', 'Broadcast', 'BroadcastTo']),
  operations: counts('Operations', ['ReleaseHandles', 'Quiesce']),
  quiesceReasons: counts('QuiesceReasons', ['IdleTimeout', 'BrokerShutdown', 'Maintenance']),
  outcomes: counts('Outcomes', ['AllAcked', 'Degraded', 'NoLiveTargets']),
  keyNotFound: Count,
  targeted: counts('Targeted', ['broadcasts', 'retries', 'keysNotFound']),
  latest: t.union([t.null, BroadcastResult]),
};

const StatsImageC = closed('StatsImage', { ...statsHead, tallies: t.readonlyArray(TallyImageC) });

/** A targeted broadcast's audience: where its operation is, and the key ids it reached. */
const AudienceImageC = closed('AudienceImage', { at: Count, reached: t.readonlyArray(t.string) });

const DivergenceC = closed('Divergence', {
  line: Count,
  path: t.string,
  recordedValue: t.unknown,
  replayedValue: t.unknown,
  recorded: t.unknown,
  replayed: t.unknown,
});

const checkpointHead = {
  /** The last line the checkpoint covers. */
  line: Count,
  /** How many bytes of the log the lines up to `line` take, their line ends included. */
  bytes: Count,
  /** The SHA-256 of those bytes, in lowercase hex. */
  sha256: Hex,
  header: LogHeader,
  lastTime: t.union([t.null, Millis]),
  checked: Count,
  divergences: Count,
  firstDivergence: t.union([t.null, DivergenceC]),
  /** How many operations the registry had broadcast before this checkpoint's. */
  operationsFrom: Count,
  /** The distinct operations broadcast since the previous checkpoint. */
  operationTable: t.readonlyArray(BroadcastOperation),
};

const CheckpointC = closed('Checkpoint', {
  ...checkpointHead,
  /** Those operations in the order they were broadcast, as indexes into `operationTable`. */
  operations: t.readonlyArray(Count),
  /** The audiences of the targeted broadcasts among those operations, oldest first. */
  audiences: t.readonlyArray(AudienceImageC),
  slots: t.readonlyArray(SlotImageC),
  stats: StatsImageC,
});

/**
 * One checkpoint of an index, as it is written.
 *
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Checkpoint extends t.TypeOf<typeof CheckpointC> {}

/**
 * The codec of `Checkpoint`.
 *
 * @since 0.2.0
 */
export const Checkpoint: t.Type<Checkpoint, t.OutputOf<typeof CheckpointC>> = CheckpointC;

/** How many entries of each list a checkpoint's part lines hold. */
const PartCountsC = closed('PartCounts', { operations: Count, audiences: Count, slots: Count, tallies: Count });

const CheckpointHeadC = closed('CheckpointHead', {
  _tag: t.literal('Checkpoint'),
  ...checkpointHead,
  stats: closed('StatsHead', statsHead),
  parts: PartCountsC,
});

const IndexPartC = tagged('IndexPart', {
  Checkpoint: CheckpointHeadC,
  Operations: closed('OperationsPart', { _tag: t.literal('Operations'), operations: t.readonlyArray(Count) }),
  Audiences: closed('AudiencesPart', { _tag: t.literal('Audiences'), audiences: t.readonlyArray(AudienceImageC) }),
  Slots: closed('SlotsPart', { _tag: t.literal('Slots'), slots: t.readonlyArray(SlotImageC) }),
  Tallies: closed('TalliesPart', { _tag: t.literal('Tallies'), tallies: t.readonlyArray(TallyImageC) }),
});

/**
 * One line of an index after its header: a checkpoint's head (where it is, its counts, and how
 * many entries its parts hold), then its parts, each a bounded list: the operations broadcast
 * since the checkpoint before, the audiences of the targeted ones, the registry's slots, and the
 * statistics' rows. No line holds a whole registry.
 *
 * @since 0.3.0
 */
export type IndexPart = t.TypeOf<typeof IndexPartC>;

/**
 * The codec of `IndexPart`.
 *
 * @since 0.3.0
 */
export const IndexPart: t.Type<IndexPart, t.OutputOf<typeof IndexPartC>> = IndexPartC;

// -------------------------------------------------------------------------------------
// saving
// -------------------------------------------------------------------------------------

/**
 * The index header for checkpoints at least `every` lines apart, taking at most `share` of the
 * log, sealed with `seal`.
 *
 * @since 0.2.0
 */
export const indexHeader = (
  every: number = DEFAULT_CHECKPOINT_EVERY,
  share: number = DEFAULT_INDEX_SHARE,
  seal: IndexSeal = 'sha256',
): IndexHeader => Object.freeze({ format: INDEX_FORMAT, version: INDEX_VERSION, every, share, seal });

/**
 * The checkpoint of `point` (given by `replayLines`'s `onSnapshot`), for the log prefix of
 * `bytes` bytes whose SHA-256 is `sha256`, holding the operations broadcast since
 * `operationsFrom` (the count of the checkpoint before; 0 for the first).
 *
 * @since 0.2.0
 */
export const checkpointOf = (point: ReplayStart, bytes: number, sha256: string, operationsFrom: number): Checkpoint => {
  const registry = point.state;
  // Operations repeat (a few paths, three reasons): each is written once, then referred to.
  const operationTable: BroadcastOperation[] = [];
  const tableIndex = new Map<string, number>();
  const operations: number[] = [];
  V.forEachRange(registry.operations, operationsFrom, registry.operations.size, (op) => {
    const id = JSON.stringify(BroadcastOperation.encode(op));
    let i = tableIndex.get(id);
    if (i === undefined) {
      i = operationTable.length;
      tableIndex.set(id, i);
      operationTable.push(op);
    }
    operations.push(i);
  });
  const audiences: Array<t.TypeOf<typeof AudienceImageC>> = [];
  V.forEach(registry.audiences, (a) => {
    if (a.at >= operationsFrom) {
      audiences.push({ at: a.at, reached: Object.keys(a.reached) });
    }
  });
  const slots = slotImages(registry).map((image) => ({
    backend: image.backend,
    liveSince: image.liveSince,
    history: image.spans,
  }));
  const tallies: BackendTally[] = [];
  V.forEach(point.stats.order, (id) => {
    const tally = HT.get(point.stats.tallies, id);
    if (tally !== undefined) {
      tallies.push(tally);
    }
  });
  const s = point.stats;
  return {
    line: point.lastLine,
    bytes,
    sha256,
    header: point.header,
    lastTime: O.toNullable(point.lastTime),
    checked: point.checked,
    divergences: point.divergences,
    firstDivergence: O.toNullable(point.firstDivergence),
    operationsFrom,
    operationTable,
    operations,
    audiences,
    slots,
    stats: {
      steps: s.steps,
      actions: s.actions,
      operations: s.operations,
      quiesceReasons: s.quiesceReasons,
      outcomes: s.outcomes,
      keyNotFound: s.keyNotFound,
      tallies,
      targeted: s.targeted,
      latest: s.latest,
    },
  };
};

/**
 * A checkpoint as one line of JSON (without the line end).
 *
 * @since 0.2.0
 */
export const encodeCheckpoint = (c: Checkpoint): string => JSON.stringify(Checkpoint.encode(c));

/** `items` in slices of at most `size`. */
function* slices<A>(items: ReadonlyArray<A>, size: number): Generator<ReadonlyArray<A>, void, undefined> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

/**
 * A checkpoint as the lines of an index (each one JSON object, without its line end or seal):
 * its head, then its parts, each of at most `size` entries (`INDEX_PART_SIZE`; ten times that
 * for operations, which are numbers, and for the key ids of audiences). The lines are made one
 * at a time, so that no string ever holds the whole registry.
 *
 * @since 0.3.0
 */
export function* checkpointParts(c: Checkpoint, size: number = INDEX_PART_SIZE): Generator<string, void, undefined> {
  const { operations, audiences, slots, stats, ...head } = c;
  const { tallies, ...statsHeadOnly } = stats;
  const part = (p: IndexPart): string => JSON.stringify(IndexPart.encode(p));
  yield part({
    _tag: 'Checkpoint',
    ...head,
    stats: statsHeadOnly,
    parts: { operations: operations.length, audiences: audiences.length, slots: slots.length, tallies: tallies.length },
  });
  for (const o of slices(operations, size * 10)) {
    yield part({ _tag: 'Operations', operations: o });
  }
  // An audience may reach many backends: a line holds audiences up to about 10 x size key ids.
  let batch: Array<(typeof audiences)[number]> = [];
  let ids = 0;
  for (const a of audiences) {
    batch.push(a);
    ids += a.reached.length + 1;
    if (ids >= size * 10) {
      yield part({ _tag: 'Audiences', audiences: batch });
      batch = [];
      ids = 0;
    }
  }
  if (batch.length > 0) {
    yield part({ _tag: 'Audiences', audiences: batch });
  }
  for (const s of slices(slots, size)) {
    yield part({ _tag: 'Slots', slots: s });
  }
  for (const s of slices(tallies, size)) {
    yield part({ _tag: 'Tallies', tallies: s });
  }
}

/**
 * Gathers the parts of one checkpoint, in the order `checkpointParts` writes them, into the
 * checkpoint; `lists: false` keeps only its head, operations and audiences (enough for a
 * checkpoint before the one restored: its slots and rows are skipped).
 *
 * @since 0.3.0
 */
export interface CheckpointGatherer {
  /** Take the next part; a left says why it does not fit (out of order, too many entries). */
  readonly add: (part: IndexPart) => E.Either<string, void>;
  /** Whether every part the head announced was added (the lists only when they are kept). */
  readonly complete: () => boolean;
  /** The checkpoint (its slots and rows empty when they were skipped). */
  readonly result: () => Checkpoint;
}

/**
 * A gatherer for the checkpoint whose head is `head`.
 *
 * @since 0.3.0
 */
export const gatherCheckpoint = (
  head: Extract<IndexPart, { readonly _tag: 'Checkpoint' }>,
  lists = true,
): CheckpointGatherer => {
  const operations: number[] = [];
  const audiences: Array<Checkpoint['audiences'][number]> = [];
  const slots: Array<Checkpoint['slots'][number]> = [];
  const tallies: Array<Checkpoint['stats']['tallies'][number]> = [];
  const counts = { operations: 0, audiences: 0, slots: 0, tallies: 0 };
  const order = ['Operations', 'Audiences', 'Slots', 'Tallies'] as const;
  let at = 0;
  const take = <A>(
    name: keyof typeof counts,
    into: A[],
    items: ReadonlyArray<A>,
    keep: boolean,
  ): E.Either<string, void> => {
    if (counts[name] + items.length > head.parts[name]) {
      return E.left(
        `the checkpoint after line ${String(head.line)} has more ${name} than its head says (${String(head.parts[name])})`,
      );
    }
    counts[name] += items.length;
    if (keep) {
      for (const item of items) {
        into.push(item);
      }
    }
    return E.right(undefined);
  };
  const { parts, stats } = head;
  const rest = {
    line: head.line,
    bytes: head.bytes,
    sha256: head.sha256,
    header: head.header,
    lastTime: head.lastTime,
    checked: head.checked,
    divergences: head.divergences,
    firstDivergence: head.firstDivergence,
    operationsFrom: head.operationsFrom,
    operationTable: head.operationTable,
  };
  return {
    add: (part) => {
      if (part._tag === 'Checkpoint') {
        return E.left(`the checkpoint after line ${String(head.line)} ends before all its parts`);
      }
      const i = order.indexOf(part._tag);
      if (i < at) {
        return E.left(`the checkpoint after line ${String(head.line)} has its parts out of order`);
      }
      at = i;
      switch (part._tag) {
        case 'Operations':
          return take('operations', operations, part.operations, true);
        case 'Audiences':
          return take('audiences', audiences, part.audiences, true);
        case 'Slots':
          return take('slots', slots, part.slots, lists);
        case 'Tallies':
          return take('tallies', tallies, part.tallies, lists);
      }
    },
    // Skipped lists are not counted: a checkpoint restored is read again with its lists.
    complete: () =>
      counts.operations === parts.operations &&
      counts.audiences === parts.audiences &&
      (!lists || (counts.slots === parts.slots && counts.tallies === parts.tallies)),
    result: () => ({ ...rest, operations, audiences, slots, stats: { ...stats, tallies } }),
  };
};

// -------------------------------------------------------------------------------------
// restoring
// -------------------------------------------------------------------------------------

/**
 * Decode the text of an index line: the header (`line` 1) or a checkpoint.
 *
 * @since 0.2.0
 */
export const decodeIndexLine = <A>(codec: t.Type<A, unknown>, text: string): E.Either<ReadonlyArray<string>, A> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    return E.left([`invalid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return decode(codec, parsed);
};

const deepFrozen = <A>(a: A): A => {
  if (typeof a === 'object' && a !== null && !Object.isFrozen(a)) {
    Object.freeze(a);
    for (const v of Object.values(a)) {
      deepFrozen(v);
    }
  }
  return a;
};

/**
 * The replay's point saved in `checkpoints` (a checkpoint with all those before it in its index,
 * oldest first, whose operations together make the registry's), or why it cannot be restored: a
 * checkpoint whose parts do not fit together is refused, never trusted.
 *
 * @since 0.2.0
 */
export const restoreCheckpoint = (checkpoints: ReadonlyArray<Checkpoint>): E.Either<string, ReplayStart> => {
  const last = checkpoints[checkpoints.length - 1];
  if (last === undefined) {
    return E.left('no checkpoint');
  }
  const operations: BroadcastOperation[] = [];
  const audiences: Audience[] = [];
  for (const c of checkpoints) {
    const from = operations.length;
    if (c.operationsFrom !== operations.length) {
      return E.left(
        `the checkpoint at line ${String(c.line)} continues from operation ${String(c.operationsFrom)}, but those before it hold ${String(operations.length)}`,
      );
    }
    // Decoded operations are fresh flat records: freezing each shares one object per table entry.
    const table = c.operationTable.map((op) => Object.freeze({ ...op }));
    for (const i of c.operations) {
      const op = table[i];
      if (op === undefined) {
        return E.left(
          `the checkpoint at line ${String(c.line)} refers to operation ${String(i)} of a table of ${String(table.length)}`,
        );
      }
      operations.push(op);
    }
    for (const a of c.audiences) {
      const previous = audiences[audiences.length - 1];
      if (a.at < from || a.at >= operations.length || (previous !== undefined && a.at <= previous.at)) {
        return E.left(
          `the checkpoint at line ${String(c.line)} has an audience for operation ${String(a.at)} outside its operations ${String(from)} to ${String(operations.length - 1)}`,
        );
      }
      audiences.push(
        Object.freeze({
          at: a.at,
          reached: Object.freeze(Object.fromEntries(a.reached.map((id) => [id, true] as const))),
        }),
      );
    }
  }
  const restored = restoreRegistry(
    last.header.policy,
    operations,
    audiences,
    last.slots.map((image) => ({ backend: image.backend, liveSince: image.liveSince, spans: image.history })),
  );
  if (E.isLeft(restored)) {
    return E.left(`the checkpoint at line ${String(last.line)} does not hold a registry: ${restored.left}`);
  }
  const state = restored.right;
  let tallies: HT.HashTrie<BackendTally> = HT.empty;
  let order: V.Vector<string> = V.empty;
  for (const tally of last.stats.tallies) {
    const id = keyId(tally.key);
    tallies = HT.set(tallies, id, deepFrozen({ ...tally }));
    order = V.push(order, id);
  }
  const s = last.stats;
  const stats: LogStats = Object.freeze({
    steps: s.steps,
    actions: Object.freeze({ ...s.actions }),
    operations: Object.freeze({ ...s.operations }),
    quiesceReasons: Object.freeze({ ...s.quiesceReasons }),
    outcomes: Object.freeze({ ...s.outcomes }),
    keyNotFound: s.keyNotFound,
    tallies,
    order,
    targeted: Object.freeze({ ...s.targeted }),
    latest: s.latest === null ? null : deepFrozen({ ...s.latest }),
  });
  const firstDivergence: O.Option<Divergence> =
    last.firstDivergence === null ? O.none : O.some(deepFrozen({ ...last.firstDivergence }));
  return E.right(
    Object.freeze({
      header: deepFrozen({ ...last.header }),
      state,
      stats,
      lastLine: last.line,
      lastTime: O.fromNullable(last.lastTime),
      checked: last.checked,
      divergences: last.divergences,
      firstDivergence,
      counting: true,
    }),
  );
};
