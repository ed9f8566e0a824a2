/**
 * `npm run bench:immer`: what it costs to keep a lifecycle slice state inside an application's
 * own Redux Toolkit slice, whose case reducers immer wraps in `produce`, against the slice in a
 * store of its own. Both stores hold the same 10,000 backends and run without development checks;
 * the two are measured in turn, round by round, in one process. Immer does not draft the slice
 * state or the registry (they are values to it), so what remains is immer's own work on the
 * application's state around them.
 *
 * Flags: `--rounds N` (default 5), `--backends N` (default 10,000).
 */
import * as os from 'node:os';

import { configureStore, createSlice } from '@reduxjs/toolkit';
import type { Draft, UnknownAction } from '@reduxjs/toolkit';

import {
  backendKey,
  createLifecycleBroadcastSlice,
  deadBackend,
  liveBackend,
  liveCount,
  quiesceOperation,
  sharedInstance,
} from '../src';
import type { BackendKey, LifecycleBroadcastState } from '../src';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`--${name} expects a whole number of at least 1, got ${String(args[at + 1])}`);
  }
  return value;
};
const rounds = flag('rounds', 5);
const n = flag('backends', 10_000);

const broker = createLifecycleBroadcastSlice({ name: 'broker' });
const keyOf = (i: number): BackendKey => backendKey(sharedInstance, `service-${String(i)}`, '1.0.0', 'ab12cd34');

let filled: LifecycleBroadcastState = broker.getInitialState();
for (let i = 0; i < n; i++) {
  filled = broker.reducer(
    filled,
    broker.actions.backendRegistered((i % 7 === 0 ? deadBackend : liveBackend)(keyOf(i))),
  );
}

/** The application's slice: the broker's state as a field, with its own fields around it. */
const fleet = createSlice({
  name: 'fleet',
  initialState: () => ({ broker: filled, liveAtSend: [] as number[], seen: 0 }),
  reducers: {},
  extraReducers: (builder) => {
    builder.addMatcher(
      (action: UnknownAction): action is UnknownAction => broker.isAction(action),
      (state, action) => {
        state.liveAtSend.splice(0, state.liveAtSend.length, liveCount(state.broker.registry));
        state.broker = broker.reducer(state.broker, action) as Draft<LifecycleBroadcastState>;
        state.seen += 1;
      },
    );
  },
});

const noChecks = { serializableCheck: false, immutableCheck: false } as const;
const stores = {
  alone: () =>
    configureStore({
      reducer: { broker: broker.reducer },
      preloadedState: { broker: filled },
      middleware: (d) => d(noChecks),
    }),
  nested: () => configureStore({ reducer: { fleet: fleet.reducer }, middleware: (d) => d(noChecks) }),
} as const;

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

type Workload = 'livenessSet' | 'operationBroadcast';
const actionOf = (w: Workload, i: number): UnknownAction =>
  w === 'livenessSet'
    ? broker.actions.livenessSet(keyOf((i * 7919) % n), i % 2 === 0)
    : broker.actions.operationBroadcast(quiesceOperation(i % 2 === 0 ? 'IdleTimeout' : 'Maintenance'));

/** Median ms of one dispatch of `w` in a fresh store of `kind`, over `calls` after 20 untimed. */
const measure = (kind: keyof typeof stores, w: Workload, calls: number): number => {
  const store = stores[kind]();
  (globalThis as { gc?: () => void }).gc?.();
  for (let i = 0; i < 20; i++) {
    store.dispatch(actionOf(w, i));
  }
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = nowMs();
    store.dispatch(actionOf(w, 20 + i));
    times.push(nowMs() - t0);
  }
  return median(times);
};

const figures: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const w of ['livenessSet', 'operationBroadcast'] as const) {
    for (const kind of round % 2 === 0 ? (['alone', 'nested'] as const) : (['nested', 'alone'] as const)) {
      (figures[`${w} ${kind}`] ??= []).push(measure(kind, w, w === 'livenessSet' ? 2_000 : 200));
    }
  }
  process.stderr.write(`round ${String(round + 1)} of ${String(rounds)}, load ${os.loadavg()[0]?.toFixed(2) ?? '?'}\n`);
}

const spread = (xs: ReadonlyArray<number>, digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
const of = (name: string): number[] => figures[name] ?? [];
const load = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const lines = [
  `bench:immer on ${os.cpus()[0]?.model ?? 'unknown cpu'} (${String(os.cpus().length)} cores), Node ${process.version}, load ${load}, ${String(rounds)} rounds, ${n.toLocaleString('en-US')} backends: median ms per dispatch (lowest-highest round)`,
  '',
  "| Action | Slice in its own store | Slice inside an application's immer slice | nested / alone |",
  '| --- | ---: | ---: | ---: |',
  ...(['livenessSet', 'operationBroadcast'] as const).map((w) => {
    const alone = of(`${w} alone`);
    const nested = of(`${w} nested`);
    const ratios = nested.map((x, i) => x / (alone[i] ?? NaN));
    return `| \`${w}\` | ${spread(alone, 4)} | ${spread(nested, 4)} | ${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
