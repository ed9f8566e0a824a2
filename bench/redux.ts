/**
 * `npm run bench:redux`: what a lifecycle-broadcast slice costs in a Redux Toolkit store, as
 * ratios against baselines measured in the same run, repeated over several rounds for the
 * spread:
 *
 * 1. dispatch cost of `livenessSet` and `operationBroadcast` at 100, 1,000 and 10,000 backends
 *    through `configureStore` with no development checks, with the default ones, and with the
 *    default ones given `lifecycleBroadcastMiddlewareOptions` (target at 10,000 backends:
 *    `livenessSet` with the options at most 2x the store without checks);
 * 2. the reducer's bookkeeping written with plain spreads (the library) against immer's
 *    `produce`, at 10,000 backends;
 * 3. the recorder reading each broadcast's result from the slice state against one computing it
 *    again;
 * 4. the size of the DevTools view against the raw slice state.
 *
 * Flags: `--rounds N` (default 3), `--quick` (100 and 1,000 backends, one round), `--out FILE`
 * to write the figures as JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import { combineSlices, configureStore, createSlice } from '@reduxjs/toolkit';
import type { Middleware, Reducer } from '@reduxjs/toolkit';

import {
  arraySink,
  backendKey,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  deadBackend,
  failure,
  lifecycleBroadcastMiddlewareOptions,
  lifecycleBroadcastStateView,
  liveBackend,
  quiesceOperation,
  releaseHandlesOperation,
  sharedInstance,
  step,
  timeout,
  withResponse,
} from '../src';
import type { BackendKey, LifecycleBroadcastState } from '../src';
import { withEvent } from '../src/redux/state';
import { immerReducer, withEventByProduce } from './baselines/immerBookkeeping';
import { recomputingRecorder } from './baselines/recomputingRecorder';

// -------------------------------------------------------------------------------------
// set-up
// -------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
const rounds = quick ? 1 : Number(flag('rounds') ?? 3);
if (!Number.isSafeInteger(rounds) || rounds < 1) {
  throw new Error(`--rounds expects a whole number of at least 1, got ${String(flag('rounds'))}`);
}
const sizes: ReadonlyArray<number> = quick ? [100, 1_000] : [100, 1_000, 10_000];
const out = flag('out');

if (process.env.NODE_ENV === 'production') {
  throw new Error('bench:redux measures the development checks, which production builds leave out: unset NODE_ENV');
}

const broker = createLifecycleBroadcastSlice({ name: 'broker' });
const ui = createSlice({
  name: 'ui',
  initialState: { selected: null as string | null, clicks: 0 },
  reducers: {
    clicked: (state) => {
      state.clicks += 1;
    },
  },
});

const keyOf = (i: number): BackendKey => backendKey(sharedInstance, `service-${String(i)}`, '1.0.0', 'ab12cd34');

/** The slice state with `n` backends (every 7th dead, every 11th timing out, every 13th failing) and a few broadcasts. */
const sliceStateWith = (
  n: number,
  reducer: Reducer<LifecycleBroadcastState> = broker.reducer,
): LifecycleBroadcastState => {
  let state = broker.getInitialState();
  for (let i = 0; i < n; i++) {
    const b = i % 7 === 0 ? deadBackend(keyOf(i)) : liveBackend(keyOf(i));
    const response = i % 11 === 0 ? timeout : i % 13 === 0 ? failure('BackendError') : b.response;
    state = reducer(state, broker.actions.backendRegistered(withResponse(b, response)));
  }
  for (let i = 0; i < 4; i++) {
    state = reducer(state, broker.actions.operationBroadcast(releaseHandlesOperation(`/cache/${String(i)}`)));
  }
  return state;
};

const rootReducer = combineSlices(broker, ui);
type Root = ReturnType<typeof rootReducer>;

type Checks = 'none' | 'default' | 'options';

/** Warnings the checks print ("... took N ms"), counted rather than shown. */
let warnings = 0;
const quietly = <A>(f: () => A): A => {
  const warn = console.warn;
  console.warn = () => {
    warnings += 1;
  };
  try {
    return f();
  } finally {
    console.warn = warn;
  }
};

const storeWith = (state: LifecycleBroadcastState, checks: Checks, extra: ReadonlyArray<Middleware> = []) =>
  configureStore({
    reducer: rootReducer,
    preloadedState: { broker: state },
    middleware: (getDefaultMiddleware) =>
      (checks === 'none'
        ? getDefaultMiddleware({ serializableCheck: false, immutableCheck: false })
        : checks === 'default'
          ? getDefaultMiddleware()
          : getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions(broker))
      ).concat(...extra),
  });

// -------------------------------------------------------------------------------------
// timing
// -------------------------------------------------------------------------------------

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/**
 * Median milliseconds of one call of `f(i)`, over at least `min` and at most `max` calls or about
 * `budgetMs` of calls, after `warmup` untimed ones.
 */
const perCall = (
  f: (i: number) => void,
  options: { readonly warmup: number; readonly min: number; readonly max: number; readonly budgetMs: number },
): number => {
  for (let i = 0; i < options.warmup; i++) {
    f(i);
  }
  const times: number[] = [];
  const start = nowMs();
  for (let i = 0; i < options.max && (i < options.min || nowMs() - start < options.budgetMs); i++) {
    const t0 = nowMs();
    f(options.warmup + i);
    times.push(nowMs() - t0);
  }
  return median(times);
};

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

const dispatchOptions = { warmup: 10, min: 20, max: 400, budgetMs: 1_500 };

/** Median ms of a `livenessSet` dispatch (each flips one backend) in a store with `checks`. */
const setLiveCost = (state: LifecycleBroadcastState, n: number, checks: Checks): number => {
  const store = storeWith(state, checks);
  gc();
  return quietly(() =>
    perCall((i) => {
      const at = (i * 7919) % n;
      store.dispatch(broker.actions.livenessSet(keyOf(at), i % 2 === 0));
    }, dispatchOptions),
  );
};

/** Median ms of an `operationBroadcast` dispatch in a store with `checks`. */
const broadcastCost = (state: LifecycleBroadcastState, checks: Checks): number => {
  const store = storeWith(state, checks);
  gc();
  return quietly(() =>
    perCall(
      (i) => {
        store.dispatch(
          broker.actions.operationBroadcast(quiesceOperation(i % 2 === 0 ? 'IdleTimeout' : 'Maintenance')),
        );
      },
      { warmup: 5, min: 10, max: 200, budgetMs: 1_500 },
    ),
  );
};

// -------------------------------------------------------------------------------------
// workloads
// -------------------------------------------------------------------------------------

/** Median ms per dispatch, by workload name, one entry per round. */
type Figures = Readonly<Record<string, number[]>>;

const figures: Record<string, number[]> = {};
const record = (name: string, value: number): void => {
  (figures[name] ??= []).push(value);
};

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

const states = new Map<number, LifecycleBroadcastState>(sizes.map((n) => [n, sliceStateWith(n)]));
const largest = sizes[sizes.length - 1] ?? 1_000;
const large = states.get(largest) ?? sliceStateWith(largest);

for (let round = 1; round <= rounds; round++) {
  log(`round ${String(round)} of ${String(rounds)}`);
  for (const n of sizes) {
    const state = states.get(n) ?? sliceStateWith(n);
    for (const checks of ['none', 'default', 'options'] as const) {
      record(`livenessSet ${String(n)} ${checks}`, setLiveCost(state, n, checks));
      record(`operationBroadcast ${String(n)} ${checks}`, broadcastCost(state, checks));
    }
    log(`  ${String(n)} backends: done`);
  }

  // Bookkeeping alone: the state after a broadcast event over the largest registry.
  const broadcastStep = step(large.registry, { _tag: 'Broadcast', operation: quiesceOperation('Maintenance') });
  const setLiveStep = step(large.registry, { _tag: 'SetLive', key: keyOf(1), live: false });
  const bookkeeping = { warmup: 200, min: 2_000, max: 20_000, budgetMs: 500 };
  gc();
  record(
    `bookkeeping broadcast spread`,
    perCall(() => withEvent(large, broadcastStep.state, broadcastStep.result, broker.limits), bookkeeping),
  );
  gc();
  record(
    `bookkeeping broadcast produce`,
    perCall(() => withEventByProduce(large, broadcastStep.state, broadcastStep.result, broker.limits), bookkeeping),
  );
  gc();
  record(
    `bookkeeping setLive spread`,
    perCall(() => withEvent(large, setLiveStep.state, setLiveStep.result, broker.limits), bookkeeping),
  );
  gc();
  record(
    `bookkeeping setLive produce`,
    perCall(() => withEventByProduce(large, setLiveStep.state, setLiveStep.result, broker.limits), bookkeeping),
  );

  // The whole reducer, each way.
  const viaImmer = immerReducer(broker);
  const reducerOptions = { warmup: 5, min: 20, max: 200, budgetMs: 1_000 };
  for (const [name, reducer] of [
    ['spread', broker.reducer],
    ['produce', viaImmer],
  ] as const) {
    let s = large;
    gc();
    record(
      `reducer operationBroadcast ${name}`,
      perCall((i) => {
        s = reducer(s, broker.actions.operationBroadcast(releaseHandlesOperation(`/r/${String(i)}`)));
      }, reducerOptions),
    );
    gc();
    record(
      `reducer livenessSet ${name}`,
      perCall(
        (i) => {
          s = reducer(s, broker.actions.livenessSet(keyOf((i * 7919) % largest), i % 2 === 0));
        },
        { ...reducerOptions, min: 500, max: 5_000 },
      ),
    );
  }

  // The recorder, each way, in a store without checks.
  for (const [name, recorder] of [
    ['reads the result', createRecorderMiddleware({ slice: broker, sink: arraySink() })],
    ['computes it again', recomputingRecorder(broker, arraySink(), (root: Root) => root.broker)],
  ] as const) {
    const store = storeWith(large, 'none', [recorder as Middleware]);
    gc();
    record(
      `recorder operationBroadcast ${name}`,
      perCall((i) => {
        store.dispatch(broker.actions.operationBroadcast(releaseHandlesOperation(`/r/${String(i)}`)));
      }, reducerOptions),
    );
  }
  const plain = storeWith(large, 'none');
  gc();
  record(
    'recorder operationBroadcast none',
    perCall((i) => {
      plain.dispatch(broker.actions.operationBroadcast(releaseHandlesOperation(`/r/${String(i)}`)));
    }, reducerOptions),
  );
}

// -------------------------------------------------------------------------------------
// report
// -------------------------------------------------------------------------------------

const spread = (xs: ReadonlyArray<number>, digits = 3): string => {
  const m = median(xs);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return xs.length === 1 ? m.toFixed(digits) : `${m.toFixed(digits)} (${lo.toFixed(digits)}-${hi.toFixed(digits)})`;
};
const of = (name: string): number[] => figures[name] ?? [];
/** Ratios round by round, so that each ratio compares figures of the same moment. */
const ratios = (a: string, b: string): number[] => of(a).map((x, i) => x / (of(b)[i] ?? NaN));
const ratio = (a: string, b: string): string => {
  const rs = ratios(a, b);
  return rs.length === 1
    ? `${(rs[0] ?? NaN).toFixed(2)}x`
    : `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)})`;
};

const lines: string[] = [];
const say = (s = ''): void => {
  lines.push(s);
};

say(
  `bench:redux on ${os.cpus()[0]?.model ?? 'unknown cpu'} (${String(os.cpus().length)} cores), Node ${process.version}, ${String(rounds)} round(s): median ms per dispatch (lowest-highest round); ratios against the store without checks, round by round`,
);
say();
say('| Backends | Action | No checks | Default checks | Default checks + options | Default / none | Options / none |');
say('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes) {
  for (const action of ['livenessSet', 'operationBroadcast']) {
    const k = (checks: Checks): string => `${action} ${String(n)} ${checks}`;
    say(
      `| ${n.toLocaleString('en-US')} | \`${action}\` | ${spread(of(k('none')))} | ${spread(of(k('default')))} | ${spread(of(k('options')))} | ${ratio(k('default'), k('none'))} | ${ratio(k('options'), k('none'))} |`,
    );
  }
}
say();
say(`"took N ms" warnings printed by the default checks during the run: ${String(warnings)}`);
say();
say(`Bookkeeping and reducer at ${largest.toLocaleString('en-US')} backends, median ms (lowest-highest round):`);
say();
say('| What | Spreads (library) | immer `produce` | produce / spreads |');
say('| --- | ---: | ---: | ---: |');
for (const [label, a, b] of [
  ['bookkeeping after a broadcast', 'bookkeeping broadcast spread', 'bookkeeping broadcast produce'],
  ['bookkeeping after a liveness change', 'bookkeeping setLive spread', 'bookkeeping setLive produce'],
  ['reducer, `operationBroadcast`', 'reducer operationBroadcast spread', 'reducer operationBroadcast produce'],
  ['reducer, `livenessSet`', 'reducer livenessSet spread', 'reducer livenessSet produce'],
] as const) {
  say(`| ${label} | ${spread(of(a), 4)} | ${spread(of(b), 4)} | ${ratio(b, a)} |`);
}
say();
say(
  `Recorder at ${largest.toLocaleString('en-US')} backends, \`operationBroadcast\` through a store without checks, median ms:`,
);
say();
say('| No recorder | Recorder reading the result | Recorder computing it again | reading / none | again / none |');
say('| ---: | ---: | ---: | ---: | ---: |');
say(
  `| ${spread(of('recorder operationBroadcast none'))} | ${spread(of('recorder operationBroadcast reads the result'))} | ${spread(of('recorder operationBroadcast computes it again'))} | ${ratio('recorder operationBroadcast reads the result', 'recorder operationBroadcast none')} | ${ratio('recorder operationBroadcast computes it again', 'recorder operationBroadcast none')} |`,
);
say();
say('DevTools: JSON size of the slice state and of its view (default bound), bytes:');
say();
say('| Backends | Slice state | DevTools view |');
say('| ---: | ---: | ---: |');
for (const n of sizes) {
  const state = states.get(n) ?? sliceStateWith(n);
  const size = (v: unknown): number => Buffer.byteLength(JSON.stringify(v), 'utf8');
  say(
    `| ${n.toLocaleString('en-US')} | ${size(state).toLocaleString('en-US')} | ${size(lifecycleBroadcastStateView(state)).toLocaleString('en-US')} |`,
  );
}

const target = ratios(`livenessSet ${String(largest)} options`, `livenessSet ${String(largest)} none`);
const met = median(target) <= 2;
say();
say(
  `target: \`livenessSet\` at ${largest.toLocaleString('en-US')} backends with the options <= 2x the store without checks: ${median(target).toFixed(2)}x, ${met ? 'met' : 'NOT met'}`,
);

process.stdout.write(`${lines.join('\n')}\n`);
if (out !== undefined) {
  const recorded: Figures = figures;
  fs.writeFileSync(out, `${JSON.stringify({ rounds, sizes, warnings, figures: recorded }, null, 2)}\n`);
}
process.exitCode = quick || met ? 0 : 1;
