import {
  backendKey,
  broadcastPolicy,
  createRegistry,
  deadBackend,
  failure,
  liveBackend,
  privateInstance,
  quiesce,
  receivedOperations,
  register,
  releaseHandlesUnderPath,
  setLive,
  sharedInstance,
  withResponse,
} from 'lifecycle-broadcast';

const zccache = backendKey(sharedInstance, 'zccache', '1.11.20', '9f2c');
const soldr = backendKey(privateInstance('soldr'), 'soldr', '0.4.1');
const fbuild = backendKey(sharedInstance, 'fbuild', '2.0.3');

// Every reducer returns a new registry and a result; the old registry is never changed.
let registry = createRegistry(broadcastPolicy(250));
registry = register(registry, liveBackend(zccache)).state;
registry = register(registry, withResponse(liveBackend(soldr), failure('Rejected'))).state;
registry = register(registry, deadBackend(fbuild)).state;

// Before cleaning the cache, ask every live backend to let go of it.
const released = releaseHandlesUnderPath(registry, '/var/cache/zccache');
console.log(released.result._tag); // Degraded
console.log(released.result.acks.map((a) => a.key.serviceName)); // [ 'zccache' ]
console.log(released.result.failures.map((f) => `${f.key.serviceName}: ${f.reason}`)); // [ 'soldr: Rejected' ]
console.log(released.result.skippedDead.map((s) => s.key.serviceName)); // [ 'fbuild' ]

// fbuild comes back; then the broker shuts down and asks everyone to drain.
registry = setLive(released.state, fbuild, true).state;
const drained = quiesce(registry, 'BrokerShutdown');
console.log(drained.result.acks.length, drained.result.failures.length); // 2 1
console.log(receivedOperations(drained.state, fbuild)); // { _tag: 'Some', value: [ { _tag: 'Quiesce', reason: 'BrokerShutdown' } ] }
