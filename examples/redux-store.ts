import { isDeepStrictEqual } from 'node:util';

import { combineSlices, configureStore, createListenerMiddleware, createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import {
  backendKey,
  broadcastPolicy,
  createLifecycleBroadcastSlice,
  createRecorderMiddleware,
  createRegistry,
  deadBackend,
  decodeHeaderLine,
  decodeRecordLine,
  explicitInstance,
  failure,
  lifecycleBroadcastDevToolsOptions,
  lifecycleBroadcastMiddlewareOptions,
  liveBackend,
  privateInstance,
  quiesceOperation,
  recordAction,
  releaseHandlesOperation,
  replay,
  sharedInstance,
  stateFromRegistry,
  streamSink,
  timeout,
  withResponse,
} from 'lifecycle-broadcast';

// 1. Two registries as slices (production with a 250 ms ack timeout and the last 8 results
//    kept, and staging), beside an application slice of its own.
const broker = createLifecycleBroadcastSlice({ name: 'broker', policy: broadcastPolicy(250), recentResultsLimit: 8 });
const staging = createLifecycleBroadcastSlice({ name: 'staging' });

const ui = createSlice({
  name: 'ui',
  initialState: { selectedService: null as string | null, alerts: [] as string[] },
  reducers: {
    serviceSelected: (state, action: PayloadAction<string>) => {
      state.selectedService = action.payload;
    },
    alerted: (state, action: PayloadAction<string>) => {
      state.alerts.push(action.payload);
    },
  },
});

const rootReducer = combineSlices(broker, staging, ui);

// 2. A listener raising an alert whenever a production broadcast comes back degraded.
const listener = createListenerMiddleware<ReturnType<typeof rootReducer>>();
listener.startListening({
  actionCreator: broker.actions.operationBroadcast,
  effect: (action, api) => {
    const result = broker.selectors.selectLatestResult(api.getState());
    if (result?._tag === 'Degraded') {
      api.dispatch(ui.actions.alerted(`${action.payload.operation._tag} degraded`));
    }
  },
});

// 3. A recorder writing every production action as an operation log (here into memory; a file
//    stream works the same way).
const log: string[] = [];
const recorder = createRecorderMiddleware({ slice: broker, sink: streamSink({ write: (line) => log.push(line) }) });

// 4. The store: Redux Toolkit's development checks stay on, without walking the registries after
//    every dispatch; DevTools shows the registries as readable, bounded data; the recorder last.
const store = configureStore({
  reducer: rootReducer,
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware(lifecycleBroadcastMiddlewareOptions([broker, staging]))
      .prepend(listener.middleware)
      .concat(recorder),
  devTools: lifecycleBroadcastDevToolsOptions([broker, staging]),
});

// 5. Register three backends, change them, broadcast both kinds of operation, unregister one.
const zccache = backendKey(sharedInstance, 'zccache', '1.11.20');
const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
const fbuild = backendKey(explicitInstance('ci'), 'fbuild', '2.0.0');
const { backendRegistered, livenessSet, responseSet, backendUnregistered, operationBroadcast } = broker.actions;

store.dispatch(backendRegistered(liveBackend(zccache)));
store.dispatch(backendRegistered(withResponse(liveBackend(soldr), timeout)));
store.dispatch(backendRegistered(deadBackend(fbuild)));
store.dispatch(operationBroadcast(releaseHandlesOperation('/var/cache/zccache')));
store.dispatch(livenessSet(fbuild, true));
store.dispatch(responseSet(fbuild, failure('BackendError')));
store.dispatch(operationBroadcast(quiesceOperation('Maintenance')));
store.dispatch(backendUnregistered(soldr));
store.dispatch(livenessSet(soldr, false)); // soldr is gone: a KeyNotFound outcome
store.dispatch(staging.actions.backendRegistered(liveBackend(zccache))); // staging only
store.dispatch(ui.actions.serviceSelected('zccache'));

// 6. Read the store through each slice's selectors.
const root = store.getState();
const names = (keyed: ReadonlyArray<{ readonly key: { readonly serviceName: string } }>): string =>
  keyed.length === 0 ? 'none' : keyed.map((entry) => entry.key.serviceName).join(', ');

console.log('broker counts:', JSON.stringify(broker.selectors.selectCounts(root)));
console.log('staging counts:', JSON.stringify(staging.selectors.selectCounts(root)));
console.log('live:', names(broker.selectors.selectLiveBackends(root)));
for (const result of broker.selectors.selectRecentResults(root)) {
  console.log(
    `${result.operation._tag}: ${result._tag}; acked ${names(result.acks)};`,
    `timed out ${names(result.timeouts)}; failed ${names(result.failures)}; skipped ${names(result.skippedDead)}`,
  );
}
console.log(
  'zccache received:',
  broker.selectors
    .selectReceivedOperations(root, zccache)
    ?.map((op) => op._tag)
    .join(', '),
);
console.log('unknown keys:', names(broker.selectors.selectRecentKeysNotFound(root)));
console.log('alerts:', root.ui.alerts.join('; '));

// 7. Load the recorded log into a new store: replay it, and hydrate the slice with what it
//    replayed to. The new store holds the same production state as the one that recorded it.
const [headerLine = '', ...recordLines] = log.join('').trimEnd().split('\n');
const header = decodeHeaderLine(headerLine, 1);
const records = recordLines.flatMap((text, i) => {
  const line = decodeRecordLine(text, i + 2);
  return line._tag === 'RecordLine' ? [recordAction(line.record)] : [];
});
if (header._tag !== 'HeaderLine' || records.length !== recordLines.length) {
  throw new Error('the recorded log does not read back');
}
const replayed = replay(createRegistry(header.header.policy), records);
const loaded = configureStore({
  reducer: rootReducer,
  preloadedState: { broker: stateFromRegistry(broker, replayed.state, replayed.events) },
});
console.log(
  `recorded ${String(records.length)} records; the loaded store matches:`,
  isDeepStrictEqual(loaded.getState().broker, root.broker),
);
