import { isDeepStrictEqual } from 'node:util';

import { configureStore, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import {
  arraySink,
  backendKey,
  backendLivenessChanged,
  backendRegistered,
  backendResponseChanged,
  backendUnregistered,
  broadcastPolicy,
  broadcastRequested,
  createLifecycleBroadcastSelectors,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  deadBackend,
  recordAction,
  explicitInstance,
  failure,
  liveBackend,
  privateInstance,
  quiesceOperation,
  releaseHandlesOperation,
  replay,
  sharedInstance,
  snapshot,
  timeout,
  withResponse,
} from 'lifecycle-broadcast';
import type { LifecycleBroadcastState } from 'lifecycle-broadcast';

// 1. The broker's registry as a slice (250 ms ack timeout, last 8 results kept), beside an
//    application slice of its own.
const broker = createLifecycleBroadcastSlice({ policy: broadcastPolicy(250), recentResultsLimit: 8 });

const ui = createSlice({
  name: 'ui',
  initialState: { selectedService: null as string | null },
  reducers: {
    serviceSelected: (state, action: PayloadAction<string>) => {
      state.selectedService = action.payload;
    },
  },
});

// 2. A recorder keeping every registry action, with each broadcast's result, in memory.
const recording = arraySink();
const recorder = createRecorderMiddleware({
  sink: recording,
  selectState: (root: { readonly broker: LifecycleBroadcastState }) => root.broker,
});

// 3. The store: Redux Toolkit's default middleware (serializable and immutability checks on),
//    then the recorder, last, so that it sees actions as the reducer will.
const store = configureStore({
  reducer: { broker: broker.reducer, ui: ui.reducer },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(recorder),
});

type RootState = ReturnType<typeof store.getState>;

const select = createLifecycleBroadcastSelectors((root: RootState) => root.broker);

// 4. Register three backends, change them, broadcast both kinds of operation, unregister one.
const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
const fbuild = backendKey(explicitInstance('ci'), 'fbuild', '2.0.0');

store.dispatch(backendRegistered(liveBackend(zccache)));
store.dispatch(backendRegistered(withResponse(liveBackend(soldr), timeout)));
store.dispatch(backendRegistered(deadBackend(fbuild)));
store.dispatch(broadcastRequested(releaseHandlesOperation('/var/cache/zccache')));
store.dispatch(backendLivenessChanged(fbuild, true));
store.dispatch(backendResponseChanged(fbuild, failure('BackendError')));
store.dispatch(broadcastRequested(quiesceOperation('Maintenance')));
store.dispatch(backendUnregistered(soldr));
store.dispatch(backendLivenessChanged(soldr, false)); // soldr is gone: a KeyNotFound outcome
store.dispatch(ui.actions.serviceSelected('zccache'));

// 5. Read the store through the selectors.
const root = store.getState();
const names = (keyed: ReadonlyArray<{ readonly key: { readonly serviceName: string } }>): string =>
  keyed.length === 0 ? 'none' : keyed.map((entry) => entry.key.serviceName).join(', ');

console.log('counts:', JSON.stringify(select.selectCounts(root)));
console.log('live:', names(select.selectLiveBackends(root)));
for (const result of select.selectRecentResults(root)) {
  console.log(
    `${result.operation._tag}: ${result._tag}; acked ${names(result.acks)};`,
    `timed out ${names(result.timeouts)}; failed ${names(result.failures)}; skipped ${names(result.skippedDead)}`,
  );
}
console.log(
  'zccache received:',
  select
    .selectReceivedOperations(root, zccache)
    ?.map((op) => op._tag)
    .join(', '),
);
console.log('unknown keys:', names(select.selectRecentKeysNotFound(root)));
console.log('selected service:', root.ui.selectedService);

// 6. Replaying the recording from the initial registry gives the store's registry.
const replayed = replay(broker.getInitialState().registry, recording.records.map(recordAction));
console.log(
  `recorded ${String(recording.records.length)} entries; replay matches the store:`,
  isDeepStrictEqual(snapshot(replayed.state), snapshot(root.broker.registry)),
);
